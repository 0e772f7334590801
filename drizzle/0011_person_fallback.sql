-- Issue 20 item 5: a person's fallback channel. A delivered alert card not acted on within
-- `fallback_after` (a duration such as 30m) is sent again, once, on `fallback_channel`.
ALTER TABLE "people" ADD COLUMN "fallback_channel" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "fallback_after" text;
