/**
 * `npm run build` runs this first (prebuild): bundles the embeddable inbox into embed/dist/herald-inbox.js,
 * served at `/embed.js` (scripts/lib/embed-bundle.ts), and prints its size.
 */
import { buildEmbed } from "./lib/embed-bundle";

const { file, bytes, gzipBytes } = await buildEmbed();
console.log(`[herald] embed: ${file} ${(bytes / 1024).toFixed(1)} KiB (${(gzipBytes / 1024).toFixed(1)} KiB gzipped)`);
