-- Snooze: a snoozed notification is out of the inbox (and its counts) until this instant, then comes back unread.
ALTER TABLE "notifications" ADD COLUMN "snoozed_until" TIMESTAMPTZ(3);
