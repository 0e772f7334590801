-- The intro a card was sent with ("Sam escalated this alert to you now: …", "… declined this
-- alert"): kept per thread so later in-place card updates still show why this person has it.
ALTER TABLE "alert_threads" ADD COLUMN "intro" text;
