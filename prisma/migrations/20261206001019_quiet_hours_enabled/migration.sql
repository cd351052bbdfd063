-- AlterTable
ALTER TABLE "notification_settings" ADD COLUMN     "quiet_hours_enabled" BOOLEAN NOT NULL DEFAULT true;


-- Rows saved with quiet hours off stored a null window: keep them off, with the default window to switch back on to.
UPDATE "notification_settings" SET "quiet_hours_enabled" = false, "quiet_hours_start" = 1320, "quiet_hours_end" = 420
WHERE "quiet_hours_start" IS NULL OR "quiet_hours_end" IS NULL;
