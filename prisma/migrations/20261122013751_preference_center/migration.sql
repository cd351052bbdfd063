-- AlterTable
ALTER TABLE "notification_settings" ADD COLUMN     "email_unsubscribed_at" TIMESTAMPTZ(3);

