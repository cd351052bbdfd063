/**
 * `npx tsx scripts/dev-oidc.ts [--port 3190] [--app http://localhost:3000 …]`: a local OpenID Connect provider
 * to try "Sign in with …" (issue 17) without a real one: oidc-provider on 127.0.0.1 (scripts/lib/oidc-platform.ts)
 * whose login page takes any email address, no password, with a checkbox for whether the address counts as
 * confirmed. Development only. It prints the variables to start Herald with; the README's "Sign-in with
 * your platform" shows the whole try-out.
 */
import { DEV_OIDC_CLIENT, startDevOidcPlatform } from "./lib/oidc-platform";

const args = process.argv.slice(2);
const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
const port = Number(valuesOf("--port")[0] ?? 3190);
const appUrls = valuesOf("--app");
if (!Number.isInteger(port) || port < 1 || port > 65535 || args.some((a) => a.startsWith("--") && a !== "--port" && a !== "--app")) {
  console.error("usage: npx tsx scripts/dev-oidc.ts [--port 3190] [--app http://localhost:3000 …]");
  process.exit(2);
}
for (const u of appUrls) {
  try {
    new URL(u);
  } catch {
    console.error(`--app ${u}: not a URL`);
    process.exit(2);
  }
}

const platform = await startDevOidcPlatform({ port, appUrls: appUrls.length ? appUrls : ["http://localhost:3000"] });
console.log(`[dev-oidc] OpenID provider on ${platform.issuer} (discovery: ${platform.issuer}/.well-known/openid-configuration)`);
console.log(`[dev-oidc] start Herald with:\n  OIDC_ISSUER=${platform.issuer} OIDC_CLIENT_ID=${DEV_OIDC_CLIENT.id} OIDC_CLIENT_SECRET=${DEV_OIDC_CLIENT.secret} OIDC_NAME="Platform ID" npm run dev`);
const stop = () => void platform.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
