-- Issue 15 item 2: inside one workspace a chat identity names at most one person, so an inbound
-- chat event resolves to exactly one row (never "whichever LIMIT 1 returns"). Across workspaces the
-- same identity may exist (a consultant in two companies): src/chat/tenancy.ts refuses to guess then.
CREATE UNIQUE INDEX IF NOT EXISTS "people_whatsapp_wa_uq" ON "people" USING btree ("workspace_id",(("identities" -> 'whatsapp') ->> 'waId')) WHERE (("identities" -> 'whatsapp') ->> 'waId') IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "people_whatsapp_bsuid_uq" ON "people" USING btree ("workspace_id",(("identities" -> 'whatsapp') ->> 'bsuid')) WHERE (("identities" -> 'whatsapp') ->> 'bsuid') IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "people_gchat_user_uq" ON "people" USING btree ("workspace_id",(("identities" -> 'gchat') ->> 'userName')) WHERE (("identities" -> 'gchat') ->> 'userName') IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "people_teams_aad_uq" ON "people" USING btree ("workspace_id",(("identities" -> 'teams') ->> 'aadObjectId')) WHERE (("identities" -> 'teams') ->> 'aadObjectId') IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "people_slack_user_uq" ON "people" USING btree ("workspace_id",(("identities" -> 'slack') ->> 'userId')) WHERE (("identities" -> 'slack') ->> 'userId') IS NOT NULL;
