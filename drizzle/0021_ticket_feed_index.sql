-- Issue 21 item 3: the feed heartbeat reads each watched connector's latest ticket every 10 s.
-- On (connector_id) alone that was max(ingested_at) over all of the connector's tickets; on
-- (connector_id, ingested_at) it is one backward index probe. It replaces the single-column
-- index (same prefix), so writes keep the same number of indexes.
CREATE INDEX IF NOT EXISTS "tickets_connector_ingested_idx" ON "tickets" USING btree ("connector_id", "ingested_at");
--> statement-breakpoint
DROP INDEX IF EXISTS "tickets_connector_idx";
