CREATE TABLE "channel_messages" (
	"channel" text NOT NULL,
	"external_message_id" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	"alert_id" uuid,
	"conversation_id" uuid,
	"kind" text NOT NULL,
	"status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_messages_channel_external_message_id_pk" PRIMARY KEY("channel","external_message_id")
);
--> statement-breakpoint
CREATE TABLE "chat_dialogs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"conversation_key" text NOT NULL,
	"kind" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connectors" ADD COLUMN "options" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "connectors" ADD COLUMN "external_webhook_id" text;--> statement-breakpoint
ALTER TABLE "connectors" ADD COLUMN "progress" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "connectors" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "content" "bytea";--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "size_bytes" integer;--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "encoding" text;--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "delimiter" text;--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "row_count" integer;--> statement-breakpoint
ALTER TABLE "csv_imports" ADD COLUMN "error_report" text;--> statement-breakpoint
ALTER TABLE "channel_messages" ADD CONSTRAINT "channel_messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_messages" ADD CONSTRAINT "channel_messages_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_messages" ADD CONSTRAINT "channel_messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_dialogs" ADD CONSTRAINT "chat_dialogs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_messages_alert_idx" ON "channel_messages" USING btree ("alert_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_dialogs_uq" ON "chat_dialogs" USING btree ("channel","conversation_key");--> statement-breakpoint
CREATE INDEX "tickets_connector_idx" ON "tickets" USING btree ("connector_id");