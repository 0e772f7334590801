CREATE INDEX "deliveries_open_channel_idx" ON "deliveries" USING btree ("channel","id") WHERE status in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "deliveries_open_alert_idx" ON "deliveries" USING btree ("alert_id","id") WHERE status in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "deliveries_alert_idx" ON "deliveries" USING btree ("alert_id");