/**
 * The `oidc` env group (server/oidc-env.ts) and HERALD_CREDENTIALS_SIGNIN=false (issue 17): the settings it
 * accepts and refuses, and that with credentials off a correct email and password signs no one in through
 * next-auth's real handler with server/auth.ts's options.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import type { NextAuthOptions } from "next-auth";
import { db } from "./db";
import { createUser } from "../prisma/factory";
import { DEMO_PASSWORD } from "../prisma/demo-accounts";
import { oidcEnv, parseRoleMap } from "./oidc-env";

const KEYS = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME", "OIDC_ROLE_CLAIM", "OIDC_ROLE_MAP", "OIDC_SCOPES", "HERALD_CREDENTIALS_SIGNIN"] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterAll(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const CORE = { OIDC_ISSUER: "https://id.platform.test", OIDC_CLIENT_ID: "herald", OIDC_CLIENT_SECRET: "s3cret-value" };
const issues = (e: Record<string, string>) => {
  const r = oidcEnv.safeParse(e);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("the oidc env group", () => {
  it("is off and keeps the password form by default; empty values count as unset", () => {
    expect(oidcEnv.parse({})).toEqual({ OIDC_SCOPES: "openid email profile", HERALD_CREDENTIALS_SIGNIN: true });
    expect(oidcEnv.parse({ OIDC_ISSUER: "", OIDC_CLIENT_ID: " ", OIDC_ROLE_MAP: "", HERALD_CREDENTIALS_SIGNIN: "" })).toEqual({ OIDC_SCOPES: "openid email profile", HERALD_CREDENTIALS_SIGNIN: true });
  });

  it("reads a full configuration: issuer without its trailing slash, scopes, the role claim and map", () => {
    expect(
      oidcEnv.parse({ ...CORE, OIDC_ISSUER: "https://id.platform.test/realms/herald/", OIDC_SCOPES: "openid email profile groups", OIDC_NAME: "Platform ID", OIDC_ROLE_CLAIM: "realm_access.roles", OIDC_ROLE_MAP: '{"herald-admins":"admin","shops":"BUSINESS"}', HERALD_CREDENTIALS_SIGNIN: "false" }),
    ).toEqual({
      ...CORE,
      OIDC_ISSUER: "https://id.platform.test/realms/herald",
      OIDC_SCOPES: "openid email profile groups",
      OIDC_NAME: "Platform ID",
      OIDC_ROLE_CLAIM: "realm_access.roles",
      OIDC_ROLE_MAP: { "herald-admins": "ADMIN", shops: "BUSINESS" },
      HERALD_CREDENTIALS_SIGNIN: false,
    });
  });

  it("refuses half a configuration, naming what is missing", () => {
    expect(issues({ OIDC_ISSUER: CORE.OIDC_ISSUER })).toEqual([
      expect.stringMatching(/^OIDC_CLIENT_ID: required with the other/),
      expect.stringMatching(/^OIDC_CLIENT_SECRET: required with the other/),
    ]);
  });

  it("refuses turning the password form off with no other way in", () => {
    expect(issues({ HERALD_CREDENTIALS_SIGNIN: "false" })).toEqual([expect.stringMatching(/^HERALD_CREDENTIALS_SIGNIN: can be false only when OIDC_ISSUER/)]);
    expect(issues({ ...CORE, HERALD_CREDENTIALS_SIGNIN: "false" })).toEqual([]);
  });

  it("refuses an issuer that is not https (but for loopback), or carries a query; scopes without openid; a map without its claim", () => {
    expect(issues({ ...CORE, OIDC_ISSUER: "http://id.platform.test" })).toEqual([expect.stringMatching(/^OIDC_ISSUER: must be an https:\/\/ URL/)]);
    expect(issues({ ...CORE, OIDC_ISSUER: "http://127.0.0.1:3190" })).toEqual([]);
    expect(issues({ ...CORE, OIDC_ISSUER: "http://localhost:3190" })).toEqual([]);
    expect(issues({ ...CORE, OIDC_ISSUER: "https://id.platform.test/?x=1" })).toEqual([expect.stringMatching(/^OIDC_ISSUER: must not carry a query/)]);
    expect(issues({ ...CORE, OIDC_SCOPES: "email profile" })).toEqual(["OIDC_SCOPES: must include openid"]);
    expect(issues({ ...CORE, OIDC_ROLE_MAP: "admins=ADMIN" })).toEqual([expect.stringMatching(/^OIDC_ROLE_MAP: needs OIDC_ROLE_CLAIM/)]);
    expect(issues({ ...CORE, OIDC_ROLE_CLAIM: "bad claim" })).toEqual([expect.stringMatching(/^OIDC_ROLE_CLAIM: must be a claim name/)]);
  });

  it("reads role maps as JSON or value=ROLE pairs, and says what is wrong with a bad one", () => {
    expect(parseRoleMap("herald-admins=admin, shops = Business,ngos=NGO")).toEqual({ ok: true, map: { "herald-admins": "ADMIN", shops: "BUSINESS", ngos: "NGO" } });
    // A value with "=" in it is fine (the last "=" separates the role); one with "," needs the JSON form.
    expect(parseRoleMap("role=admin=ADMIN")).toEqual({ ok: true, map: { "role=admin": "ADMIN" } });
    expect(parseRoleMap('{"cn=admins,ou=groups":"ADMIN"}')).toEqual({ ok: true, map: { "cn=admins,ou=groups": "ADMIN" } });
    expect(parseRoleMap("cn=admins,ou=groups=ADMIN")).toEqual({ ok: false, message: 'maps "cn" to "admins", not one of CUSTOMER, NGO, BUSINESS, ADMIN' });
    expect(parseRoleMap("{not json")).toEqual({ ok: false, message: "is not valid JSON" });
    expect(parseRoleMap('["ADMIN"]')).toMatchObject({ ok: false });
    expect(parseRoleMap("admins")).toEqual({ ok: false, message: '"admins" is not value=ROLE' });
    expect(parseRoleMap("=ADMIN")).toMatchObject({ ok: false });
    expect(parseRoleMap(" , ")).toEqual({ ok: false, message: "maps nothing" });
  });
});

describe("HERALD_CREDENTIALS_SIGNIN=false", () => {
  /** One request to next-auth's handler (the pages-API form, which takes a plain request object). */
  async function nextAuth(options: NextAuthOptions, action: string, o: { method?: "GET" | "POST"; providerId?: string; body?: Record<string, string>; cookies?: Record<string, string> } = {}) {
    const NextAuth = (await import("next-auth")).default as unknown as (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>;
    const headers: Record<string, unknown> = {};
    let status = 200;
    let body: unknown;
    const res = {
      status(n: number) {
        status = n;
        return res;
      },
      setHeader(k: string, v: unknown) {
        headers[k.toLowerCase()] = v;
        return res;
      },
      getHeader: (k: string) => headers[k.toLowerCase()],
      end() {},
      json(b: unknown) {
        body = b;
      },
      send(b: unknown) {
        body = b;
      },
    };
    const req = { query: { nextauth: o.providerId ? [action, o.providerId] : [action] }, method: o.method ?? "GET", body: o.body ?? {}, cookies: o.cookies ?? {}, headers: { host: "localhost:3000" } };
    await NextAuth(req, res, options);
    const set: Record<string, string> = {};
    for (const line of ([] as string[]).concat((headers["set-cookie"] as string[] | undefined) ?? [])) {
      const [pair = ""] = line.split(";");
      set[pair.slice(0, pair.indexOf("="))] = decodeURIComponent(pair.slice(pair.indexOf("=") + 1));
    }
    return { status, body, set };
  }

  it("registers no credentials provider: a correct email and password at /api/auth/callback/credentials sign no one in", async () => {
    Object.assign(process.env, { ...CORE, HERALD_CREDENTIALS_SIGNIN: "false", OIDC_NAME: "Platform ID" });
    vi.resetModules();
    const { authOptions } = await import("./auth");
    const { signInMethods } = await import("./auth-oidc");
    expect(authOptions.providers.map((p) => p.id)).toEqual(["oidc"]);
    expect(signInMethods()).toEqual({ credentials: false, oidc: { name: "Platform ID" } });

    const user = await createUser(db);
    const csrf = await nextAuth(authOptions, "csrf");
    const token = (csrf.body as { csrfToken: string }).csrfToken;
    const r = await nextAuth(authOptions, "callback", { method: "POST", providerId: "credentials", body: { csrfToken: token, email: user.email, password: DEMO_PASSWORD, json: "true" }, cookies: csrf.set });
    expect(r.status).toBe(400);
    expect(r.set["next-auth.session-token"]).toBeUndefined();
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(0);
    const providers = await nextAuth(authOptions, "providers");
    expect(Object.keys(providers.body as object)).toEqual(["oidc"]);
  });

  it("is refused at start without OIDC: the group's error names the variable", async () => {
    for (const k of KEYS) delete process.env[k];
    process.env.HERALD_CREDENTIALS_SIGNIN = "false";
    vi.resetModules();
    const { env } = await import("./env");
    expect(() => env("oidc")).toThrow(/HERALD_CREDENTIALS_SIGNIN: can be false only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set/);
  });
});
