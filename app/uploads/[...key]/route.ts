/**
 * `GET /uploads/<key>`: an uploaded image kept on disk (the embedded storage; with S3 the bucket serves
 * them and this answers 404). Only keys the storage makes are read; the type comes from the key's
 * extension, with `nosniff` and a CSP that runs nothing; cached for a year (a key never changes).
 */
import { IMAGE_TYPES, isStorageKey, objectStorage, type ImageExtension } from "@/server/services/storage/storage";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ key: string[] }> }): Promise<Response> {
  const key = (await ctx.params).key.join("/");
  const bytes = isStorageKey(key) ? await objectStorage().read(key) : null;
  if (!bytes) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const ext = key.slice(key.lastIndexOf(".") + 1) as ImageExtension;
  return new Response(Buffer.from(bytes), {
    headers: {
      "content-type": IMAGE_TYPES[ext],
      "content-length": String(bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
