import { PHASE_PRODUCTION_SERVER } from "next/constants.js";
import { checkSecrets, secretsReport } from "./server/secrets-check.mjs";

/**
 * Per-user answers must never be stored by a shared cache (issue 12): every route handler under /api is
 * `private, no-store` except the public OpenAPI document, and so are the push-click route (/n/<id>), the
 * tracked-link route (/r/<token>) and the unsubscribe page (it shows the recipient's masked address).
 * Headers set here win over a route handler's own (next/dist/server/send-response.js keeps the first value).
 * Dynamic pages (every page that reads the session) get Next's own `private, no-cache, no-store, …`.
 */
const PRIVATE_NO_STORE = [{ key: "Cache-Control", value: "private, no-store" }];

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  // `next start` (directly, or through `npm start`): weak or placeholder signing secrets stop the server
  // here, with a message naming each variable, instead of a 500 on the first request that signs.
  if (phase === PHASE_PRODUCTION_SERVER) {
    const weak = checkSecrets(process.env, { requireAuthSecret: true });
    if (weak.length) {
      console.error(`[herald] ${secretsReport(weak)}`);
      process.exit(1);
    }
  }
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // forbidden() / unauthorized() answer 403/401 pages from server components.
    experimental: { authInterrupts: true },
    // Server-only packages that must not be bundled (WASM database, native-free but large).
    serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg"],
    async headers() {
      return [
        {
          source: "/:path*",
          headers: [
            { key: "X-Content-Type-Options", value: "nosniff" },
            { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
            { key: "X-Frame-Options", value: "DENY" },
          ],
        },
        { source: "/api/:path((?!v1/openapi\\.json$).*)", headers: PRIVATE_NO_STORE },
        { source: "/n/:id*", headers: PRIVATE_NO_STORE },
        { source: "/r/:token*", headers: PRIVATE_NO_STORE },
        { source: "/unsubscribe/:token*", headers: PRIVATE_NO_STORE },
      ];
    },
  };
}
