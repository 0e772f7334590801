-- Issue 21 item 3: the data-feed heartbeat. A feed_stale alert belongs to the workspace, not to a
-- customer, so alerts.customer_id becomes nullable; feed_heartbeats keeps, per watched feed, when
-- watching began, when data last arrived and whether the current silence was already noticed (the
-- conditional UPDATE of stale_since is what lets one worker, not several, raise the alert).
ALTER TABLE "alerts" ALTER COLUMN "customer_id" DROP NOT NULL;--> statement-breakpoint
CREATE TABLE "feed_heartbeats" (
	"workspace_id" uuid NOT NULL,
	"feed" text NOT NULL,
	"watched_since" timestamp with time zone NOT NULL,
	"last_data_at" timestamp with time zone,
	"stale_since" timestamp with time zone,
	CONSTRAINT "feed_heartbeats_workspace_id_feed_pk" PRIMARY KEY("workspace_id","feed")
);--> statement-breakpoint
ALTER TABLE "feed_heartbeats" ADD CONSTRAINT "feed_heartbeats_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
