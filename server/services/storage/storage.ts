import "server-only";
/**
 * Where uploaded images live (docs/requirements.md R20.3): one port, two adapters chosen by env, no mode
 * checks elsewhere.
 * - Disk (the embedded default): files under `HERALD_UPLOADS_DIR`, served by the app at `/uploads/<key>`.
 * - S3-compatible (`S3_BUCKET` set): PutObject through the maintained `@aws-sdk/client-s3`; readers fetch
 *   `<S3_PUBLIC_URL>/<key>` (a CDN or the bucket's public URL).
 *
 * Keys are made here, never taken from a caller: `<folder>/<random UUID>.<ext>`; {@link isStorageKey}
 * checks one that comes back (e.g. with a new listing).
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { env } from "../../env";

/** The image types Herald accepts, by extension, with their MIME type. */
export const IMAGE_TYPES = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" } as const;
export type ImageExtension = keyof typeof IMAGE_TYPES;

const KEY = /^(listings)\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp)$/;

/** Whether `key` is one this module makes (a folder, a UUID, a known image extension). */
export function isStorageKey(key: string): boolean {
  return KEY.test(key);
}

/** The port. */
export interface ObjectStorage {
  readonly name: "disk" | "s3";
  /** Stores `bytes` under `key` (replacing nothing: keys are new). */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes under `key`, or null (the disk adapter serves /uploads with it; S3 objects are read from S3). */
  read(key: string): Promise<Uint8Array | null>;
  /** Where a browser or mail client reads `key` (absolute URL). */
  publicUrl(key: string): string;
}

/** Files under `dir`; URLs under `${appUrl}/uploads/`. Written to a temporary name, then renamed (no half files). */
export function diskStorage(dir: string, appUrl: string): ObjectStorage {
  const root = path.resolve(dir);
  const file = (key: string) => {
    if (!isStorageKey(key)) throw new Error(`not a storage key: ${key}`);
    return path.join(root, key);
  };
  return {
    name: "disk",
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    },
    async read(key) {
      if (!isStorageKey(key)) return null;
      try {
        return new Uint8Array(await readFile(file(key)));
      } catch {
        return null;
      }
    },
    publicUrl: (key) => `${appUrl.replace(/\/$/, "")}/uploads/${key}`,
  };
}

/** An S3-compatible bucket. @param client an S3 client (its endpoint, region and credentials). */
export function s3Storage(client: S3Client, bucket: string, publicBaseUrl: string): ObjectStorage {
  return {
    name: "s3",
    async put(key, bytes, contentType) {
      if (!isStorageKey(key)) throw new Error(`not a storage key: ${key}`);
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: "public, max-age=31536000, immutable" }),
      );
    },
    read: async () => null,
    publicUrl: (key) => `${publicBaseUrl.replace(/\/$/, "")}/${key}`,
  };
}

let current: ObjectStorage | null = null;

/** The configured storage (S3 when `S3_BUCKET` is set, else disk). */
export function objectStorage(): ObjectStorage {
  if (current) return current;
  const e = env("storage");
  const { APP_URL } = env("app");
  if (e.S3_BUCKET) {
    const client = new S3Client({
      region: e.S3_REGION,
      // Plain bodies: S3-compatible services (MinIO, R2, …) do not all take the SDK's default
      // aws-chunked uploads with trailing checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      ...(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } } : {}),
    });
    const base = e.S3_PUBLIC_URL ?? (e.S3_ENDPOINT ? `${e.S3_ENDPOINT.replace(/\/$/, "")}/${e.S3_BUCKET}` : `https://${e.S3_BUCKET}.s3.${e.S3_REGION}.amazonaws.com`);
    current = s3Storage(client, e.S3_BUCKET, base);
  } else {
    current = diskStorage(e.HERALD_UPLOADS_DIR, APP_URL);
  }
  return current;
}

/** The largest image accepted, in bytes (5 MiB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * The image type of `bytes` by its magic number (never by the name or the declared type, which the
 * sender chooses): JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF….WEBP`.
 * @returns the extension, or null for anything else (SVG, HTML, GIF, …)
 */
export function sniffImage(bytes: Uint8Array): ImageExtension | null {
  const at = (i: number, ...b: number[]) => b.every((v, j) => bytes[i + j] === v);
  if (at(0, 0xff, 0xd8, 0xff)) return "jpg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "webp";
  return null;
}

/**
 * Stores an uploaded image under a new key in `folder`.
 * @returns the key and its public URL
 * @throws AppError-shaped errors are the caller's (the route checks size and type first with
 *   {@link sniffImage}); this throws only for storage failures
 */
export async function storeImage(folder: "listings", bytes: Uint8Array, type: ImageExtension, storage = objectStorage()): Promise<{ key: string; url: string }> {
  const key = `${folder}/${randomUUID()}.${type}`;
  await storage.put(key, bytes, IMAGE_TYPES[type]);
  return { key, url: storage.publicUrl(key) };
}
