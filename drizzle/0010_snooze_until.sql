-- Issue 21 item 1: what a snoozed alert waits for — time (a duration), next_business_morning,
-- customer_reply (a new ticket or dunning response from the customer wakes it) or paid (payment
-- resolves it, another invoice falling due wakes it). Read only while status = 'snoozed'.
ALTER TABLE "alerts" ADD COLUMN "waiting_for" text;
