/**
 * A local stand-in for the platform's identity provider: oidc-provider 9 (a certified OpenID Provider, a
 * devDependency) on 127.0.0.1, for the tests (server/auth-oidc.test.ts; e2e/sso.spec.ts through
 * scripts/dev-oidc.ts) and for trying sign-in locally. Development only: its login page asks for no password.
 *
 * What it does like a strict production provider: discovery, RS256-signed ID tokens from a key made at start,
 * PKCE required for every client (a client that sends no S256 challenge is refused), exact redirect URIs,
 * client_secret_basic at the token endpoint, one-time codes. What it does for convenience: a login page of
 * its own at `/interaction/<uid>` (who to be; whether the email address counts as confirmed), no consent
 * screen (a login grants the scopes asked for), and the scopes' claims in the ID token
 * (`conformIdTokenClaims: false`), as most hosted providers do.
 */
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata, type OidcContext } from "oidc-provider";
import { DEV_OIDC_CLIENT } from "./dev-oidc-client";

export { DEV_OIDC_CLIENT };

/** One person at the provider: their subject (`sub`) and the claims the ID token carries (email, email_verified, name, locale, groups …). */
export interface PlatformAccount {
  sub: string;
  [claim: string]: unknown;
}

/** A request the provider received (for tests that check what Herald sent). */
export interface PlatformRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

export interface OidcPlatformOptions {
  /** Port on 127.0.0.1 (0: any free one). */
  port?: number;
  /** The registered clients (client id, secret, redirect URIs). */
  clients: ClientMetadata[];
  /**
   * The person for what was typed as "login" on the login page (the whole form is passed too: its
   * `email_verified` checkbox); undefined: no such person (the page says so). Asked again whenever the
   * provider reads their claims, so a test can change them between sign-ins.
   */
  account: (login: string, form: URLSearchParams) => PlatformAccount | undefined;
  /** Claims per scope, beyond the standard ones (e.g. `{ profile: ["groups"] }`). */
  extraClaims?: Record<string, string[]>;
  /** The provider's name on its login page. */
  title?: string;
}

export interface OidcPlatform {
  /** `http://127.0.0.1:<port>` (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  /** Every request received, oldest first. */
  requests: PlatformRequest[];
  close(): Promise<void>;
}

const STANDARD_CLAIMS: Record<string, string[]> = {
  openid: ["sub"],
  email: ["email", "email_verified"],
  profile: ["name", "given_name", "family_name", "preferred_username", "locale", "zoneinfo"],
};

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(o: { title: string; action: string; client: string; login?: string; error?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · ${html(o.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #cbd5e1;border-radius:12px;padding:24px;width:min(360px,90vw)}h1{font-size:20px;margin:0 0 4px}
p{margin:0 0 16px;color:#475569;font-size:14px}label{display:block;font-size:14px;font-weight:600;margin-top:12px}
input[type=text]{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #94a3b8;border-radius:6px;font:inherit;margin-top:4px}
.check{display:flex;gap:8px;align-items:center;font-weight:400}button{margin-top:16px;width:100%;padding:10px;border:0;border-radius:6px;background:#1e3a8a;color:#fff;font:inherit;font-weight:600}
[role=alert]{color:#9f1239;background:#fff1f2;border:1px solid #fecdd3;border-radius:6px;padding:8px;font-size:14px}</style></head>
<body><main><h1>${html(o.title)}</h1><p>Development sign-in for ${html(o.client)}: no password is asked.</p>
${o.error ? `<p role="alert">${html(o.error)}</p>` : ""}
<form method="post" action="${html(o.action)}">
<label for="login">Email or username</label><input type="text" id="login" name="login" autocomplete="off" required autofocus value="${html(o.login ?? "")}">
<label class="check"><input type="checkbox" name="email_verified" value="true" checked> Email address confirmed</label>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16_384) throw new Error("form too large");
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Starts the provider on 127.0.0.1.
 * @returns its issuer URL, the log of requests, and `close()`
 */
export async function startOidcPlatform(opts: OidcPlatformOptions): Promise<OidcPlatform> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const title = opts.title ?? "Platform ID";
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const claims: Record<string, string[]> = { ...STANDARD_CLAIMS };
  for (const [scope, names] of Object.entries(opts.extraClaims ?? {})) claims[scope] = [...new Set([...(claims[scope] ?? []), ...names])];
  // Who signed in as which subject, so the provider can ask `opts.account` again for fresh claims.
  const logins = new Map<string, { login: string; form: URLSearchParams }>();

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({ grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic", ...c })),
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims,
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    async findAccount(_ctx, sub) {
      const who = logins.get(sub);
      const person = who && opts.account(who.login, who.form);
      if (!person || person.sub !== sub) return undefined;
      return { accountId: sub, claims: () => ({ ...opts.account(who.login, who.form), sub }) };
    },
    // No consent screen: a login grants the scopes asked for (the provider's own first-party client).
    async loadExistingGrant(ctx: OidcContext) {
      const { oidc } = ctx;
      const clientId = oidc.client!.clientId;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ accountId: oidc.session?.accountId, clientId });
      grant.addOIDCScope(Object.keys(claims).join(" "));
      await grant.save();
      return grant;
    },
  });

  /** The login page (GET) and its answer (POST): who to be, then back to the provider's authorization flow. */
  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const page = (status: number, o: { login?: string; error?: string } = {}) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(loginPage({ title, action: path, client: details.params.client_id, ...o }));
    };
    if (req.method !== "POST") return page(200);
    const form = await formOf(req);
    const login = (form.get("login") ?? "").trim();
    const person = login ? opts.account(login, form) : undefined;
    if (!person) return page(400, { login, error: "No such person here." });
    logins.set(person.sub, { login, form });
    await provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
  }

  const requests: PlatformRequest[] = [];
  const handle = provider.callback();
  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers });
    if (/^\/interaction\/[\w-]+$/.test(url.pathname)) {
      interaction(req, res, url.pathname).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end(`This sign-in has expired or is not valid: start again. (${err instanceof Error ? err.message : String(err)})`);
      });
      return;
    }
    handle(req, res);
  });
  return {
    issuer,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


/**
 * The person for an email typed on the development provider's login page: subject `dev|<first 24 hex of the
 * SHA-256 of the email>` (stable per address), the email (confirmed when the page's checkbox is ticked), and a
 * name made from the address ("thandi.nkosi@…" → "Thandi Nkosi"). Anything but an email is no one.
 */
export function devAccount(login: string, form: URLSearchParams): PlatformAccount | undefined {
  const email = login.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) return undefined;
  const local = email.split("@")[0]!;
  const name = local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
  return { sub: `dev|${createHash("sha256").update(email).digest("hex").slice(0, 24)}`, email, email_verified: form.get("email_verified") === "true", name: name || local, preferred_username: local };
}

/**
 * The development provider (scripts/dev-oidc.ts, e2e/sso.spec.ts): {@link devAccount}'s people, the client
 * {@link DEV_OIDC_CLIENT} allowed to return to `<app>/api/auth/callback/oidc` for each of `appUrls`.
 */
export function startDevOidcPlatform(o: { port: number; appUrls: string[]; title?: string }): Promise<OidcPlatform> {
  return startOidcPlatform({
    port: o.port,
    title: o.title ?? "Platform ID (development)",
    clients: [{ client_id: DEV_OIDC_CLIENT.id, client_secret: DEV_OIDC_CLIENT.secret, redirect_uris: o.appUrls.map((u) => `${u.replace(/\/+$/, "")}/api/auth/callback/oidc`) }],
    account: devAccount,
  });
}
