-- CreateIndex
CREATE INDEX "deliveries_user_id_channel_sent_at_idx" ON "deliveries"("user_id", "channel", "sent_at");

