-- Push to native apps through Firebase Cloud Messaging (issue 17 "Push to native apps"): each row is an app's
-- device registered with `POST /api/v1/devices`, found by its FCM registration token (unique: registering it
-- again updates the row and moves it to that user). `user_id, last_seen_at` serves the sends (a batch's active
-- devices by user), the "has a push device" checks of the decisions, the per-user cap and the cascade when an
-- account is deleted. Captured pushes say which kind of device they were for: web (a browser), android or ios.
CREATE TABLE "native_devices" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "app_version" TEXT NOT NULL,
    "locale" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_reason" TEXT,
    CONSTRAINT "native_devices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "native_devices_token_key" ON "native_devices"("token");
CREATE INDEX "native_devices_user_id_last_seen_at_idx" ON "native_devices"("user_id", "last_seen_at" DESC);
ALTER TABLE "native_devices" ADD CONSTRAINT "native_devices_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "captured_pushes" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'web';
