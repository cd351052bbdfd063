/**
 * Builds `/embed.js` (docs/requirements.md R21.5): the `<herald-inbox>` web component (embed/) with
 * pusher-js and its words (messages/<locale>/embed.json), bundled by esbuild into one minified file,
 * `embed/dist/herald-inbox.js`, which `GET /embed.js` serves (app/embed.js/route.ts). Called by
 * `npm run build` (prebuild), scripts/e2e.ts, and scripts/herald.ts at start when the file is missing.
 *
 * esbuild is the one tsx (a devDependency) already brings (https://esbuild.github.io/api/#build).
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { build } from "esbuild";
import { EMBED_BUNDLE_PATH } from "../../lib/embed";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Where the bundle is written (ignored by git), relative to the repository. */
export const EMBED_BUNDLE = EMBED_BUNDLE_PATH;

/** The language level the bundle is written down to: ES2020 (every browser with custom elements v1 and Shadow DOM). */
const TARGET = ["es2020"];

/**
 * Bundles and minifies the component into {@link EMBED_BUNDLE}.
 * @returns the bundle's path and its size in bytes, raw and gzipped
 * @throws Error with esbuild's messages when the source does not build
 */
export async function buildEmbed(): Promise<{ file: string; bytes: number; gzipBytes: number }> {
  const file = path.join(ROOT, EMBED_BUNDLE);
  mkdirSync(path.dirname(file), { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, "embed/herald-inbox.ts")],
    outfile: file,
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: TARGET,
    legalComments: "eof",
    charset: "utf8",
    logLevel: "warning",
    banner: { js: "/* Herald <herald-inbox>: README, \"Embedding the inbox\" */" },
  });
  const bytes = readFileSync(file);
  return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
}

/** True when {@link EMBED_BUNDLE} is missing or older than a source file (embed/, lib/, messages/*\/embed.json). */
export function embedBundleStale(): boolean {
  const file = path.join(ROOT, EMBED_BUNDLE);
  if (!existsSync(file)) return true;
  const built = statSync(file).mtimeMs;
  const sources = [
    ...readdirSync(path.join(ROOT, "embed")).filter((f) => f.endsWith(".ts")).map((f) => path.join(ROOT, "embed", f)),
    ...["embed.ts", "realtime.ts", "i18n.ts"].map((f) => path.join(ROOT, "lib", f)),
    ...["en", "af", "zu"].map((l) => path.join(ROOT, "messages", l, "embed.json")),
  ];
  return sources.some((s) => existsSync(s) && statSync(s).mtimeMs > built);
}
