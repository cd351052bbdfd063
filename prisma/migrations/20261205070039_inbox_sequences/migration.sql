-- CreateTable
CREATE TABLE "inbox_sequences" (
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "inbox_sequences_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "inbox_sequences" ADD CONSTRAINT "inbox_sequences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

