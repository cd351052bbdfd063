-- CreateEnum
CREATE TYPE "PickupStatus" AS ENUM ('SCHEDULED', 'CONFIRMED', 'COMPLETED', 'CANCELLED', 'MISSED');

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "payload" JSONB;

-- CreateTable
CREATE TABLE "pickups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "external_id" TEXT NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "listing_id" UUID,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "PickupStatus" NOT NULL DEFAULT 'SCHEDULED',
    "version" INTEGER NOT NULL DEFAULT 1,
    "order_number" TEXT NOT NULL,
    "confirmation_code" TEXT,
    "location" TEXT NOT NULL DEFAULT '',
    "contact_person" TEXT,
    "contact_phone" TEXT,
    "items" JSONB NOT NULL DEFAULT '[]',
    "total_cents" INTEGER,
    "currency" TEXT NOT NULL DEFAULT 'ZAR',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pickups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "digests" (
    "user_id" UUID NOT NULL,
    "cadence" "DigestCadence" NOT NULL,
    "window_date" DATE NOT NULL,
    "covers_from" TIMESTAMPTZ(3) NOT NULL,
    "covers_to" TIMESTAMPTZ(3) NOT NULL,
    "notification_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "digests_pkey" PRIMARY KEY ("user_id","cadence","window_date")
);

-- CreateIndex
CREATE INDEX "pickups_customer_id_scheduled_at_idx" ON "pickups"("customer_id", "scheduled_at");

-- CreateIndex
CREATE INDEX "pickups_listing_id_idx" ON "pickups"("listing_id");

-- CreateIndex
CREATE UNIQUE INDEX "pickups_business_id_external_id_key" ON "pickups"("business_id", "external_id");

-- CreateIndex
CREATE INDEX "listings_expires_at_idx" ON "listings"("expires_at");

-- CreateIndex
CREATE INDEX "notifications_read_at_idx" ON "notifications"("read_at");

-- CreateIndex
CREATE INDEX "deliveries_created_at_idx" ON "deliveries"("created_at");

-- AddForeignKey
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "digests" ADD CONSTRAINT "digests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

