ALTER TABLE "ticket_analyses" ADD COLUMN "explanation" jsonb;
