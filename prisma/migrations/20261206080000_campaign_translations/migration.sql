-- A campaign's texts per language (docs/requirements.md R19.5): `locale` is the language of its main
-- texts, which are also the fallback; `translations` holds other languages' texts,
-- {"af": {"inAppTitle": "…", "inAppBody": "…", "emailSubject": "…", "emailBody": "…"}, …}.
ALTER TABLE "campaigns" ADD COLUMN "locale" TEXT NOT NULL DEFAULT 'en';
ALTER TABLE "campaigns" ADD COLUMN "translations" JSONB NOT NULL DEFAULT '{}';
