-- users.locale is the language the person chose (en, af, zu), or null: then the browser's Accept-Language
-- decides on pages, and the platform default for what is sent. Until now nobody could choose, so every
-- stored 'en' was the column default, not a choice.
ALTER TABLE "users" ALTER COLUMN "locale" DROP NOT NULL, ALTER COLUMN "locale" DROP DEFAULT;
UPDATE "users" SET "locale" = NULL WHERE "locale" = 'en';
