-- DropIndex
DROP INDEX "notifications_read_at_idx";

-- CreateIndex
CREATE INDEX "notifications_actor_id_idx" ON "notifications"("actor_id");

-- CreateIndex
CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events"("received_at");


-- Manual (partial; not expressible in schema.prisma, listed in prisma/manual-indexes.sql)
CREATE INDEX "notifications_read_at_idx" ON "notifications"("read_at") WHERE "read_at" IS NOT NULL;
