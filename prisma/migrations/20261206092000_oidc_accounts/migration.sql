-- Sign-in with the platform's OpenID provider (issue 17 "Accounts the platform already has"): each row links
-- one identity at the provider (the ID token's `iss` and `sub`) to one Herald account. Sign-in looks the pair
-- up by primary key first, so the link survives an email change at the provider; `user_id` is indexed for the
-- cascade when an account is deleted.
CREATE TABLE "oidc_accounts" (
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "oidc_accounts_pkey" PRIMARY KEY ("issuer","subject")
);
CREATE INDEX "oidc_accounts_user_id_idx" ON "oidc_accounts"("user_id");
ALTER TABLE "oidc_accounts" ADD CONSTRAINT "oidc_accounts_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
