-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "clicked_at" TIMESTAMPTZ(3),
ADD COLUMN     "unsubscribed_at" TIMESTAMPTZ(3);

