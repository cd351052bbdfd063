-- A listing's photo: the key of an uploaded image (server/services/storage/storage.ts), or null.
ALTER TABLE "listings" ADD COLUMN "image_key" TEXT;
