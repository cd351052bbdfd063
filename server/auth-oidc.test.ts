/**
 * Sign-in with the platform's identity provider (issue 17 "Accounts the platform already has"), the whole
 * authorization-code round trip over real HTTP: a real OpenID Provider (oidc-provider 9, the stand-in of
 * scripts/lib/oidc-platform.ts, on 127.0.0.1) and Herald's real next-auth options (server/auth.ts with the
 * OIDC provider of server/auth-oidc.ts, configured through the `oidc` env group) served by next-auth's own
 * handler on 127.0.0.1, on the real database. A "browser" here is a cookie jar per origin that follows
 * redirects by hand, so each hop can be checked.
 *
 * next-auth's pages-API handler is used (it takes a plain request object); the App Router one reads the
 * request through next/headers, which exists only inside Next.js. next/headers itself is replaced by the
 * request scope of the test server (AsyncLocalStorage), so code that reads the request's headers there
 * (the User-Agent kept with the session, Accept-Language) sees this request's.
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decode, type JWT } from "next-auth/jwt";
import type { NextAuthOptions } from "next-auth";
import * as nextHeaders from "next/headers";
import { db } from "./db";
import { createUser } from "../prisma/factory";
import { sessionUser } from "./services/users/sessions";
import { startOidcPlatform, type OidcPlatform, type PlatformAccount } from "../scripts/lib/oidc-platform";

vi.mock("next/headers", async () => {
  const { AsyncLocalStorage } = await import("node:async_hooks");
  const scope = new AsyncLocalStorage<Headers>();
  return {
    requestScope: scope,
    headers: async () => {
      const h = scope.getStore();
      if (!h) throw new Error("headers() outside a request");
      return h;
    },
    cookies: async () => {
      throw new Error("not used by next-auth's pages-API handler");
    },
  };
});
const requestScope = (nextHeaders as unknown as { requestScope: AsyncLocalStorage<Headers> }).requestScope;

const SESSION_COOKIE = "next-auth.session-token";
const CLIENT_ID = "herald-test";
const CLIENT_SECRET = randomBytes(24).toString("hex");
const ENV_KEYS = ["NEXTAUTH_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME", "OIDC_ROLE_CLAIM", "OIDC_ROLE_MAP", "OIDC_SCOPES", "HERALD_CREDENTIALS_SIGNIN"] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

/** The people at the provider, by what is typed as "login" on its login page. */
const people = new Map<string, PlatformAccount>();
let platform: OidcPlatform;
let herald: Server;
let base: string;
let authOptions: NextAuthOptions;

function cookiesOf(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  return (req.headers["content-type"] ?? "").includes("json") ? (JSON.parse(text) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(text));
}

/** Herald's /api/auth/* on a real port: next-auth's pages-API handler with server/auth.ts's options. */
async function startHerald(): Promise<Server> {
  const NextAuth = (await import("next-auth")).default as unknown as (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? "/", base);
      if (!url.pathname.startsWith("/api/auth/")) {
        res.statusCode = 404;
        return res.end();
      }
      const apiReq = Object.assign(req, {
        query: { ...Object.fromEntries(url.searchParams), nextauth: url.pathname.slice("/api/auth/".length).split("/") },
        body: await bodyOf(req),
        cookies: cookiesOf(req.headers.cookie),
      });
      const apiRes = Object.assign(res, {
        status(n: number) {
          res.statusCode = n;
          return apiRes;
        },
        json(b: unknown) {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(b));
        },
        send(b: unknown) {
          res.end(typeof b === "string" ? b : JSON.stringify(b));
        },
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      await requestScope.run(headers, () => NextAuth(apiReq, apiRes, authOptions));
    } catch (err) {
      res.statusCode = 599;
      res.end(String(err));
    }
  };
  // `handle` answers its own failures (599 above) and never rejects, so node:http need not await it.
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** A browser: cookies per origin, redirects followed one hop at a time. */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  async request(url: string | URL, opts: { method?: "GET" | "POST"; form?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.origin) ?? new Map<string, string>();
    this.jars.set(u.origin, jar);
    const res = await fetch(u, {
      method: opts.method ?? "GET",
      redirect: "manual",
      headers: {
        "user-agent": "Vitest browser",
        "accept-language": "af-ZA,af;q=0.9",
        ...(jar.size ? { cookie: [...jar].map(([n, v]) => `${n}=${v}`).join("; ") } : {}),
        ...(opts.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: opts.form ? new URLSearchParams(opts.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const [name, value] = [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) <= Date.now()));
      if (gone || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
}

const locationOf = (res: Response, from: string | URL) => new URL(res.headers.get("location")!, from);

/**
 * One sign-in as `login` at the provider, from a fresh browser (or `browser`): the button's POST to
 * /api/auth/signin/oidc, the provider's login page, back to Herald's callback.
 * @returns the browser, the callback URL the provider sent it to, Herald's answer to it, and the session JWT (or null)
 */
async function signInAs(login: string, browser = new Browser()) {
  const { csrfToken } = (await (await browser.request(`${base}/api/auth/csrf`)).json()) as { csrfToken: string };
  const start = await browser.request(`${base}/api/auth/signin/oidc`, { method: "POST", form: { csrfToken, callbackUrl: "/notifications", json: "true" } });
  expect(start.status).toBe(200);
  let url = new URL(((await start.json()) as { url: string }).url);
  expect(url.origin).toBe(platform.issuer);
  let res = await browser.request(url);
  // The provider's login page (devInteractions) …
  while (res.status >= 300 && res.status < 400 && !url.pathname.startsWith("/interaction/")) {
    url = locationOf(res, url);
    res = await browser.request(url);
  }
  if (url.pathname.startsWith("/interaction/")) {
    expect(await res.text()).toContain('name="login"');
    res = await browser.request(url, { method: "POST", form: { login } });
  }
  // … then the provider's redirects until Herald's callback.
  url = locationOf(res, url);
  while (url.origin === platform.issuer) {
    res = await browser.request(url);
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(300);
    url = locationOf(res, url);
  }
  expect(url.href.startsWith(`${base}/api/auth/callback/oidc?`)).toBe(true);
  const callback = url;
  const answer = await browser.request(callback);
  return { browser, callback, answer, location: answer.headers.get("location"), token: await sessionToken(browser) };
}

async function sessionToken(browser: Browser): Promise<JWT | null> {
  const raw = browser.cookie(base, SESSION_COOKIE);
  return raw ? decode({ token: decodeURIComponent(raw), secret: process.env.NEXTAUTH_SECRET! }) : null;
}

function person(o: Partial<PlatformAccount> & Record<string, unknown>): string {
  const login = `login-${randomUUID()}`;
  people.set(login, { sub: `platform|${randomUUID()}`, ...o });
  return login;
}

beforeAll(async () => {
  herald = await startHerald();
  base = `http://127.0.0.1:${(herald.address() as AddressInfo).port}`;
  platform = await startOidcPlatform({
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${base}/api/auth/callback/oidc`] }],
    account: (login) => people.get(login),
    extraClaims: { profile: ["groups"] },
  });
  Object.assign(process.env, {
    NEXTAUTH_URL: base,
    OIDC_ISSUER: platform.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_NAME: "Platform ID",
    OIDC_ROLE_CLAIM: "groups",
    OIDC_ROLE_MAP: "herald-admins=ADMIN,shops=BUSINESS,ngos=NGO",
  });
  // server/auth.ts builds its providers from the env when it loads: after the env is set.
  authOptions = (await import("./auth")).authOptions;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    herald?.closeAllConnections();
    herald?.close(() => resolve());
  });
  await platform?.close();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe("sign-in with the platform's provider, through next-auth", () => {
  it("registers the password provider and the platform's, named as configured, with its callback URL", async () => {
    const b = new Browser();
    const providers = (await (await b.request(`${base}/api/auth/providers`)).json()) as Record<string, { name: string; callbackUrl: string }>;
    expect(Object.keys(providers).sort()).toEqual(["credentials", "oidc"]);
    expect(providers.oidc).toMatchObject({ name: "Platform ID", callbackUrl: `${base}/api/auth/callback/oidc` });
  });

  it("links a known person by their verified email and signs them in with the same session as a password sign-in", async () => {
    const user = await createUser(db, { role: "NGO" });
    const login = person({ email: user.email, email_verified: true, name: "Not the Herald name", groups: ["ngos"] });
    const before = platform.requests.length;
    const { answer, location, token } = await signInAs(login);
    expect(answer.status).toBe(302);
    expect(location).toBe(`${base}/notifications`);
    expect(token).toMatchObject({ id: user.id, role: "NGO", sid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // The session is a server-side record like any other: live, and carrying this browser's User-Agent.
    expect(await sessionUser(token!.sid)).toMatchObject({ id: user.id, role: "NGO", email: user.email, name: user.name });
    expect(await db.authSession.findUniqueOrThrow({ where: { id: token!.sid } })).toMatchObject({ userId: user.id, userAgent: "Vitest browser", revokedAt: null });
    expect(await db.oidcAccount.count({ where: { userId: user.id, issuer: platform.issuer, subject: people.get(login)!.sub } })).toBe(1);
    // The browser's language was adopted, as at a password sign-in (R19.2).
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("af");

    // What Herald sent the provider: an authorization request with PKCE (S256), state and nonce, the exact
    // redirect URI and the scopes; then the token request, authenticated with client_secret_basic.
    const sent = platform.requests.slice(before);
    const auth = sent.find((r) => r.path === "/auth")!;
    expect(Object.fromEntries(auth.query)).toEqual({
      client_id: CLIENT_ID,
      scope: "openid email profile",
      response_type: "code",
      redirect_uri: `${base}/api/auth/callback/oidc`,
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: "S256",
    });
    const tokenRequest = sent.find((r) => r.path === "/token")!;
    expect(tokenRequest.method).toBe("POST");
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString("base64")}`);

    // A password sign-in of the same person gives a token of the same shape.
    const b = new Browser();
    const { csrfToken } = (await (await b.request(`${base}/api/auth/csrf`)).json()) as { csrfToken: string };
    const pw = await b.request(`${base}/api/auth/callback/credentials`, { method: "POST", form: { csrfToken, email: user.email, password: "herald-demo", json: "true" } });
    expect(pw.status).toBe(200);
    const pwToken = (await sessionToken(b))!;
    expect(Object.keys(pwToken).sort()).toEqual(Object.keys(token!).sort());
    expect({ id: pwToken.id, role: pwToken.role }).toEqual({ id: token!.id, role: token!.role });
  });

  it("creates a new person's account with the role their group maps to and the language they use there", async () => {
    const email = `new.person.${randomBytes(4).toString("hex")}@platform.test`;
    const login = person({ email, email_verified: true, name: "Lindiwe Mokoena", groups: ["staff", "shops"], locale: "zu" });
    const { location, token } = await signInAs(login);
    expect(location).toBe(`${base}/notifications`);
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ name: "Lindiwe Mokoena", role: "BUSINESS", locale: "zu", passwordHash: "" });
    expect(token).toMatchObject({ id: user.id, role: "BUSINESS" });
    expect(await sessionUser(token!.sid)).toMatchObject({ id: user.id, role: "BUSINESS" });
  });

  it("applies the provider's role again at the next sign-in, ending the earlier session", async () => {
    const email = `mover.${randomBytes(4).toString("hex")}@platform.test`;
    const login = person({ email, email_verified: true, name: "Sipho", groups: ["ngos"] });
    const first = await signInAs(login);
    expect(first.token).toMatchObject({ role: "NGO" });
    people.get(login)!.groups = ["herald-admins"];
    const second = await signInAs(login);
    expect(second.token).toMatchObject({ id: first.token!.id, role: "ADMIN" });
    expect(await sessionUser(first.token!.sid)).toBeNull();
    expect(await sessionUser(second.token!.sid)).toMatchObject({ role: "ADMIN" });
  });

  it("keeps the person's account when their email changes at the provider", async () => {
    const user = await createUser(db);
    const login = person({ email: user.email, email_verified: true });
    const first = await signInAs(login);
    people.get(login)!.email = `changed.${randomBytes(4).toString("hex")}@platform.test`;
    people.get(login)!.email_verified = false;
    const second = await signInAs(login);
    expect(second.token).toMatchObject({ id: user.id });
    expect(first.token!.id).toBe(user.id);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });

  it("refuses an unverified email that an account already has: back to /signin with the reason, no session", async () => {
    const user = await createUser(db, { role: "ADMIN" });
    const login = person({ email: user.email, email_verified: false, name: "Mallory" });
    const { answer, location, token } = await signInAs(login);
    expect(answer.status).toBe(302);
    expect(location).toBe("/signin?error=OidcEmailUnverified");
    expect(token).toBeNull();
    expect(await db.oidcAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it("signs no one in from a callback replayed, carried to another browser, or with its state changed", async () => {
    const user = await createUser(db);
    const login = person({ email: user.email, email_verified: true });
    const { browser, callback, token } = await signInAs(login);
    expect(token).toMatchObject({ id: user.id });
    const sessionsAfter = await db.authSession.count({ where: { userId: user.id } });

    // The same code and state again, in the browser that started (its state and PKCE cookies are used up) …
    const again = await browser.request(callback);
    expect(again.headers.get("location")).toBe(`${base}/api/auth/error?error=OAuthCallback`);
    // … and in a browser that never started a sign-in (no state or verifier cookie to match).
    const elsewhere = new Browser();
    expect((await elsewhere.request(callback)).headers.get("location")).toBe(`${base}/api/auth/error?error=OAuthCallback`);
    expect(elsewhere.cookie(base, SESSION_COOKIE)).toBeUndefined();

    // A fresh flow whose callback comes back with another state: refused before the code is used.
    const b = new Browser();
    const { csrfToken } = (await (await b.request(`${base}/api/auth/csrf`)).json()) as { csrfToken: string };
    const start = await b.request(`${base}/api/auth/signin/oidc`, { method: "POST", form: { csrfToken, callbackUrl: "/notifications", json: "true" } });
    const authUrl = new URL(((await start.json()) as { url: string }).url);
    const forged = new URL(callback);
    forged.searchParams.set("state", "x".repeat(43));
    expect(authUrl.searchParams.get("state")).not.toBe(forged.searchParams.get("state"));
    expect((await b.request(forged)).headers.get("location")).toBe(`${base}/api/auth/error?error=OAuthCallback`);
    expect(b.cookie(base, SESSION_COOKIE)).toBeUndefined();
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(sessionsAfter);
  });

  it("sends a failed sign-in to /signin with next-auth's error, which the page shows", async () => {
    const r = await new Browser().request(`${base}/api/auth/error?error=OAuthCallback`);
    expect(r.headers.get("location")).toBe(`${base}/api/auth/signin?error=OAuthCallback`);
    const { oidcErrorKey } = await import("./auth-oidc");
    expect(oidcErrorKey("OAuthCallback")).toBe("failed");
    expect(oidcErrorKey("OidcEmailUnverified")).toBe("emailUnverified");
    expect(oidcErrorKey("<script>")).toBeNull();
    expect(oidcErrorKey("toString")).toBeNull();
  });
});
