-- Standalone accounts (issue 17): sign-up with email verification, and password reset by email.
-- users.email_verified_at: when the person proved they read mail at their address. Every account that exists
-- now counts as verified (ADD COLUMN fills existing rows with the default, the time of this migration), and so
-- does every account made later by anything but /signup (seed, host platform, OIDC), which leaves the default;
-- /signup writes NULL until its link is followed.
CREATE TYPE "AccountTokenPurpose" AS ENUM ('VERIFY_EMAIL', 'RESET_PASSWORD');

ALTER TABLE "users" ADD COLUMN "email_verified_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP;

-- Single-use links sent by email: the link carries `<id>.<secret>`, only the SHA-256 of the secret is kept.
-- Looked up by primary key; (user_id, purpose) serves "end this user's other links of this purpose".
CREATE TABLE "account_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "purpose" "AccountTokenPurpose" NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "account_tokens_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "account_tokens_user_id_purpose_idx" ON "account_tokens"("user_id", "purpose");
ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
