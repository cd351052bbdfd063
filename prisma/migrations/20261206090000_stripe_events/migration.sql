-- Stripe billing events (issue 17): the Stripe customer a user is linked to, and each Stripe webhook event
-- received (one row per Stripe event id, written with its notice in one transaction; `outcome` says what was
-- done with it). Deleting a user keeps their events' rows without the link.
ALTER TABLE "users" ADD COLUMN "stripe_customer_id" TEXT;
CREATE UNIQUE INDEX "users_stripe_customer_id_key" ON "users"("stripe_customer_id");

CREATE TABLE "stripe_events" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" UUID,
    "outcome" TEXT NOT NULL,
    CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "stripe_events_received_at_idx" ON "stripe_events"("received_at");
CREATE INDEX "stripe_events_user_id_idx" ON "stripe_events"("user_id");
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
