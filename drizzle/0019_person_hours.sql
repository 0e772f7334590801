-- Issue 20 items 1-2: a person's own working hours ("Mon-Fri 09:00-18:00", in their time zone).
-- Null = the workspace's `workingHours` setting applies (and with neither, nothing is held).
ALTER TABLE "people" ADD COLUMN "working_hours" text;
--> statement-breakpoint
-- Their own quiet windows (same shape as the workspace's `quietWindows`), added to the workspace's.
ALTER TABLE "people" ADD COLUMN "quiet_windows" jsonb DEFAULT '[]'::jsonb NOT NULL;
