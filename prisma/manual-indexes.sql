-- Indexes that Prisma's schema language cannot express (partial indexes). Each is created by a migration
-- (named below) and listed here too, so prisma/migrations.test.ts can add them to the database it builds
-- from schema.prisma before comparing the two. Add to this file whenever a migration adds such an index.

-- 20261122041648_partial_read_index: retention walks read notifications by read_at (server/services/retention).
-- Partial, so unread lookups (read_at IS NULL) keep using notifications_user_id_read_at_deleted_at_archived_at_idx.
CREATE INDEX "notifications_read_at_idx" ON "notifications"("read_at") WHERE "read_at" IS NOT NULL;
