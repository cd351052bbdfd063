import "server-only";
/**
 * The built `<herald-inbox>` bundle (scripts/lib/embed-bundle.ts) for `GET /embed.js`: read from disk,
 * kept in memory with its strong ETag (SHA-256) until the file changes (a rebuild in dev is picked up
 * at the next request; one `stat` per request).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { EMBED_BUNDLE_PATH } from "../../../lib/embed";

/** The script and its validator. */
export interface EmbedScript {
  body: Buffer;
  /** `"<base64url SHA-256>"`, quoted as RFC 9110 §8.8.3 wants. */
  etag: string;
}

let cached: { mtimeMs: number; size: number; script: EmbedScript } | null = null;

/**
 * The bundle, or null when it has not been built (`npm run build` builds it; `npm run dev` and
 * `npm start` build it when missing).
 * @param file the bundle's path (default: {@link EMBED_BUNDLE_PATH} under the working directory)
 */
export async function embedScript(file: string = path.join(process.cwd(), EMBED_BUNDLE_PATH)): Promise<EmbedScript | null> {
  let info;
  try {
    info = await stat(file);
  } catch {
    return null;
  }
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.script;
  const body = await readFile(file);
  const script = { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"` };
  cached = { mtimeMs: info.mtimeMs, size: info.size, script };
  return script;
}
