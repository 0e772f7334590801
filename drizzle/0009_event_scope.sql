-- Issue 15 item 1: inbound platform event ids are remembered per (source, workspace), not globally,
-- so one workspace's event id (a Teams activity id, an API idempotency key, a webhook delivery id)
-- can never swallow another workspace's event. `scope` is the workspace id, or '' where an event
-- arrives before any workspace is known (a WhatsApp message id from an unknown number).
ALTER TABLE "processed_events" DROP CONSTRAINT "processed_events_source_event_id_pk";--> statement-breakpoint
ALTER TABLE "processed_events" ADD COLUMN "scope" text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE "processed_events" SET "scope" = coalesce("workspace_id"::text, '');--> statement-breakpoint
ALTER TABLE "processed_events" ADD CONSTRAINT "processed_events_source_scope_event_id_pk" PRIMARY KEY("source","scope","event_id");
