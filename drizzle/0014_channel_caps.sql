-- Issue 21 item 7: a monthly message cap per channel counts this month's messages of a workspace on
-- a channel (channel_messages, one row per platform message) before each send past the cap check.
CREATE INDEX "channel_messages_ws_channel_created_idx" ON "channel_messages" USING btree ("workspace_id","channel","created_at");
