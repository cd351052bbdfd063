/**
 * Standalone accounts (issue 17) against the real database, through the route handlers as they are, with the
 * emails sent by the app's real `send-account-email` function (outbox → embedded executor → capture):
 * sign-up creates an unverified account and exactly one confirmation email; the link confirms once, and a
 * used, expired or tampered one does not; an existing address gets the same answer and its owner a note, the
 * account untouched; an unconfirmed account cannot sign in until confirmed; "Send the link again" needs the
 * password. Password reset answers the same for every address and emails only accounts; its link works once
 * and for an hour; the new password works and the old one not; every session ends; a security notice is
 * written. Rate limits per client address and per email address hold, and the switches close the doors.
 */
import { createHash, randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import bcrypt from "bcryptjs";
import { startAppJobs } from "@/test/app-jobs";
import { createUser } from "@/prisma/factory";
import { DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { db } from "@/server/db";
import { translator } from "@/messages";
import { translateServerMessage } from "@/server/i18n-errors";
import type * as Signup from "./signup";
import type * as Reset from "./password-reset";
import type * as Tokens from "./account-tokens";
import type * as Sessions from "../users/sessions";
import type * as Credentials from "../users/credentials";
import type * as ClientAddress from "../security/client-address";

type Handler = (req: Request) => Promise<Response>;
type Routes = { signup: Handler; verify: Handler; resend: Handler; forgot: Handler; reset: Handler };
type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;

const ENV = ["HERALD_SIGNUP_ENABLED", "HERALD_PASSWORD_RESET_ENABLED", "HERALD_CREDENTIALS_SIGNIN", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
const savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let signup: typeof Signup;
let reset: typeof Reset;
let tokens: typeof Tokens;
let sessions: typeof Sessions;
let credentials: typeof Credentials;
let clientAddress: typeof ClientAddress;
let routes: Routes;
let authorize: Authorize;

async function loadRoutes(): Promise<Routes> {
  const [s, v, r, f, p] = await Promise.all([
    import("@/app/api/accounts/signup/route"),
    import("@/app/api/accounts/verify-email/route"),
    import("@/app/api/accounts/verify-email/resend/route"),
    import("@/app/api/accounts/forgot-password/route"),
    import("@/app/api/accounts/reset-password/route"),
  ]);
  return { signup: s.POST, verify: v.POST, resend: r.POST, forgot: f.POST, reset: p.POST };
}

beforeAll(async () => {
  process.env.HERALD_SIGNUP_ENABLED = "true";
  delete process.env.HERALD_PASSWORD_RESET_ENABLED;
  for (const k of ENV.slice(2)) delete process.env[k];
  jobs = await startAppJobs();
  [signup, reset, tokens, sessions, credentials, clientAddress, routes] = await Promise.all([
    import("./signup"),
    import("./password-reset"),
    import("./account-tokens"),
    import("../users/sessions"),
    import("../users/credentials"),
    import("../security/client-address"),
    loadRoutes(),
  ]);
  const { authOptions } = await import("@/server/auth");
  const provider = authOptions.providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: Authorize } };
  authorize = provider.options.authorize;
});
afterAll(async () => {
  await jobs?.stop();
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const ip = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const newEmail = (tag = "acct") => `${tag}-${randomUUID().slice(0, 8)}@example.org`;
const PASSWORD = "correct horse battery staple";

/** A POST with a JSON body from client address `from` (stamped as the socket address, as in production). */
function post(handler: Handler, body: unknown, from = ip(), headers: Record<string, string> = {}) {
  const h = clientAddress.withSocketAddress({ "content-type": "application/json", ...headers }, from);
  return handler(new Request("http://localhost/api/accounts", { method: "POST", headers: h, body: typeof body === "string" ? body : JSON.stringify(body) }));
}
const mailTo = (email: string) => db.capturedEmail.findMany({ where: { to: email }, orderBy: { createdAt: "asc" } });
const linkIn = (html: string, path: string) => new RegExp(`${path}/([0-9a-f-]{36}\\.[A-Za-z0-9_-]{43})`).exec(html)?.[1] ?? null;
const headersOf = (ip: string) => Object.fromEntries(clientAddress.withSocketAddress({}, ip).entries());
const signUpBody = (email: string, o: Partial<{ name: string; password: string; locale: string }> = {}) => ({
  name: o.name ?? "Naledi Khumalo",
  email,
  password: o.password ?? PASSWORD,
  locale: o.locale ?? "en",
  timezone: "Africa/Johannesburg",
});

describe("sign-up", () => {
  it("creates an unverified customer and sends exactly one confirmation email; the account cannot sign in until its link is used, once", async () => {
    const email = newEmail();
    const res = await post(routes.signup, signUpBody(email.toUpperCase(), { locale: "af" }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "check_inbox" });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ role: "CUSTOMER", name: "Naledi Khumalo", locale: "af", timezone: "Africa/Johannesburg", emailVerifiedAt: null });
    expect(await bcrypt.compare(PASSWORD, user.passwordHash)).toBe(true);

    await jobs.executor.idle();
    const mails = await mailTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(translator("af")("accountMail.verifyEmail.subject"));
    expect(mails[0]!.html).toMatch(/<html[^>]*lang="af"/);
    const token = linkIn(mails[0]!.html, "/verify-email")!;
    expect(token).toBeTruthy();

    // Only the secret's SHA-256 is stored; the link lives 24 hours.
    const [id, secret] = token.split(".") as [string, string];
    const row = await db.accountToken.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ userId: user.id, purpose: "VERIFY_EMAIL", consumedAt: null, secretHash: createHash("sha256").update(secret).digest("hex") });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(24 * 3_600_000);
    expect(JSON.stringify(await db.outboxEvent.findMany({ where: { name: "accounts/email-requested" } }))).not.toContain(secret);

    // The right password of an unverified account: refused with its own reason, no session.
    const before = await db.authSession.count({ where: { userId: user.id } });
    await expect(authorize({ email, password: PASSWORD }, { headers: headersOf(ip()) })).rejects.toThrow(/^EmailNotVerified$/);
    expect(await authorize({ email, password: "not the password" }, { headers: headersOf(ip()) })).toBeNull();
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(before);

    // The page shows the masked address; a tampered link is invalid and changes nothing.
    expect(await signup.verificationState(token)).toEqual({ status: "valid", email: expect.stringMatching(/^ac…@example\.org$/) });
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const bad = await post(routes.verify, { token: tampered });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.outcome).toBe("invalid");
    expect(await signup.verificationState(tampered)).toEqual({ status: "invalid" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeNull();

    const ok = await post(routes.verify, { token });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ outcome: "verified" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeInstanceOf(Date);

    const again = await post(routes.verify, { token });
    expect(again.status).toBe(400);
    expect((await again.json()).error.details.outcome).toBe("used");
    expect(await signup.verificationState(token)).toEqual({ status: "used", verified: true });

    expect(await authorize({ email, password: PASSWORD }, { headers: headersOf(ip()) })).toMatchObject({ id: user.id });
  });

  it("an expired link says so and changes nothing; 'Send the link again' needs the password and sends a link that works", async () => {
    const email = newEmail();
    await signup.signUp(signUpBody(email), { address: ip() });
    await jobs.executor.idle();
    const first = linkIn((await mailTo(email))[0]!.html, "/verify-email")!;
    const later = new Date(Date.now() + 24 * 3_600_000 + 60_000);
    expect(await signup.verifyEmail(first, { address: ip(), now: later })).toBe("expired");
    expect(await signup.verificationState(first, later)).toEqual({ status: "expired" });
    expect((await db.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();

    const wrong = await post(routes.resend, { email, password: "not the password" });
    expect(wrong.status).toBe(400);
    await jobs.executor.idle();
    expect(await mailTo(email)).toHaveLength(1);

    const resent = await post(routes.resend, { email, password: PASSWORD });
    expect(resent.status).toBe(202);
    expect(await resent.json()).toEqual({ status: "sent" });
    await jobs.executor.idle();
    const mails = await mailTo(email);
    expect(mails).toHaveLength(2);
    const second = linkIn(mails[1]!.html, "/verify-email")!;
    expect(second).not.toBe(first);
    expect(await signup.verifyEmail(second, { address: ip() })).toBe("verified");
    // Using one link ends the others.
    expect(await signup.verifyEmail(first, { address: ip() })).toBe("used");

    const done = await post(routes.resend, { email, password: PASSWORD });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ status: "already_verified" });
  });

  it("an address that has an account gets the same answer; the account is untouched and its owner is told instead", async () => {
    const owner = await createUser(db, { name: "Thandi Owner" });
    const fresh = newEmail();
    const a = await post(routes.signup, signUpBody(owner.email.toUpperCase(), { name: "Someone Else", password: "another long password" }));
    const b = await post(routes.signup, signUpBody(fresh));
    expect([a.status, await a.text(), a.headers.get("cache-control")]).toEqual([b.status, await b.text(), b.headers.get("cache-control")]);
    expect(await db.user.findUniqueOrThrow({ where: { id: owner.id } })).toMatchObject({ name: "Thandi Owner", passwordHash: owner.passwordHash, emailVerifiedAt: owner.emailVerifiedAt });
    expect(await db.accountToken.count({ where: { userId: owner.id } })).toBe(0);

    await jobs.executor.idle();
    const mails = await mailTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("You already have a Herald account");
    expect(mails[0]!.text).toContain("/signin");
    expect(mails[0]!.text).toContain("/forgot-password");
    expect(mails[0]!.html).not.toContain("/verify-email/");
    expect(await mailTo(fresh)).toHaveLength(1);
  });

  it("signing up again with an unconfirmed account's address never replaces its password", async () => {
    const email = newEmail("squat");
    await signup.signUp(signUpBody(email, { password: "the first person's password" }), { address: ip() });
    await signup.signUp(signUpBody(email, { password: "the second person's password" }), { address: ip() });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(await bcrypt.compare("the first person's password", user.passwordHash)).toBe(true);
    await jobs.executor.idle();
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Confirm your email address for Herald", "You already have a Herald account"]);
  });

  it("refuses bad input with 400 naming the field, and creates nothing", async () => {
    const email = newEmail("bad");
    const cases: [unknown, string][] = [
      [{ ...signUpBody(email), password: "short" }, "password"],
      [{ ...signUpBody(email), password: "é".repeat(40) }, "password"], // 80 bytes: past bcrypt's 72
      [{ ...signUpBody(email), email: "not-an-email" }, "email"],
      [{ ...signUpBody(email), name: "  " }, "name"],
      [{ ...signUpBody(email), name: "a\u0007b" }, "name"],
      [{ ...signUpBody(email), locale: "fr" }, "locale"],
      [{ ...signUpBody(email), role: "ADMIN" }, "role"],
    ];
    for (const [body, field] of cases) {
      const res = await post(routes.signup, body);
      expect(res.status, field).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe("VALIDATION_ERROR");
      expect(Object.keys(json.error.details), field).toContain(field);
    }
    const nul = await post(routes.signup, JSON.stringify({ ...signUpBody(email), name: "a\u0000b" }));
    expect(nul.status).toBe(400);
    const notJson = await post(routes.signup, "{");
    expect(notJson.status).toBe(400);
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
  });

  it("words its refusals in the browser's language", async () => {
    const email = newEmail("taal");
    const en = await (await post(routes.signup, { ...signUpBody(email), email: "not-an-email" })).json();
    const af = await (await post(routes.signup, { ...signUpBody(email), email: "not-an-email" }, ip(), { "accept-language": "af-ZA,af;q=0.9" })).json();
    expect(af.error.code).toBe(en.error.code);
    expect(af.error.message).not.toBe(en.error.message);
    expect(af.error.details.email).toHaveLength(en.error.details.email.length);
    expect(af.error.details.email[0]).not.toBe(en.error.details.email[0]);

    // A check without a message of its own (zod's wording) and an unknown field are worded for the reader too.
    const odd = { ...signUpBody(email), locale: "xx", bogus: 1 };
    const enOdd = await (await post(routes.signup, odd)).json();
    const afOdd = await (await post(routes.signup, odd, ip(), { "accept-language": "af" })).json();
    expect(enOdd.error.details).toEqual({ locale: ["Choose one of: en, af, zu"], bogus: ["Unknown field"] });
    expect(afOdd.error.details).toEqual({ locale: [translator("af")("validation.oneOf", { values: "en, af, zu" })], bogus: [translateServerMessage("Unknown field", "af")] });
    expect(afOdd.error.details.locale[0]).not.toBe(enOdd.error.details.locale[0]);
    expect(afOdd.error.details.bogus[0]).toBe("Onbekende veld");
    expect(afOdd.error.message).toBe(afOdd.error.details.locale[0]);
  });

  it("a filled honeypot gets the same answer and nothing happens", async () => {
    const email = newEmail("bot");
    const res = await post(routes.signup, { ...signUpBody(email), website: "https://spam.example" });
    expect(res.status).toBe(202);
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
  });

  it("limits sign-ups per client address (10 an hour) and account emails per email address (5 an hour), with Retry-After", async () => {
    const from = ip();
    for (let i = 0; i < 10; i++) expect((await post(routes.signup, signUpBody(newEmail("rl")), from)).status).toBe(202);
    const refused = await post(routes.signup, signUpBody(newEmail("rl")), from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe("RATE_LIMITED");

    // Per email address, from many addresses, the same for an address with an account and one without; the
    // reset form shares the budget.
    const owner = await createUser(db);
    for (const email of [owner.email, newEmail("rl")]) {
      for (let i = 0; i < 4; i++) expect((await post(routes.signup, signUpBody(email))).status).toBe(202);
      expect((await post(routes.forgot, { email })).status).toBe(202);
      expect((await post(routes.signup, signUpBody(email))).status).toBe(429);
      expect((await post(routes.forgot, { email })).status).toBe(429);
    }
  });
});

describe("password reset", () => {
  it("answers the same whether or not the address has an account, and emails a link only to an account", async () => {
    const user = await createUser(db);
    const nobody = newEmail("nobody");
    const from = ip();
    const a = await post(routes.forgot, { email: user.email.toUpperCase() }, from);
    const b = await post(routes.forgot, { email: nobody }, from);
    expect([a.status, await a.text()]).toEqual([b.status, await b.text()]);
    expect(a.status).toBe(202);
    await jobs.executor.idle();
    expect(await mailTo(nobody)).toHaveLength(0);
    const mails = await mailTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Reset your Herald password");
    expect(mails[0]!.text).toContain(`from IP address ${from}`);
    expect(mails[0]!.text).toContain("1 hour");
    expect(linkIn(mails[0]!.html, "/reset-password")).toBeTruthy();
  });

  it("the link sets a new password once: the old one is refused, every session ends, a security notice is written", async () => {
    const user = await createUser(db);
    const s1 = await sessions.createAuthSession(user.id);
    const s2 = await sessions.createAuthSession(user.id);
    await reset.requestPasswordReset({ email: user.email }, { address: ip() });
    await jobs.executor.idle();
    const token = linkIn((await mailTo(user.email))[0]!.html, "/reset-password")!;
    expect(await reset.resetLinkState(token)).toEqual({ status: "valid", email: expect.stringContaining("…@herald.test"), username: user.email });

    // Mistakes change nothing and leave the link working.
    const mismatch = await post(routes.reset, { token, password: PASSWORD, confirmPassword: `${PASSWORD}!` });
    expect(mismatch.status).toBe(400);
    expect(Object.keys((await mismatch.json()).error.details)).toEqual(["confirmPassword"]);
    const short = await post(routes.reset, { token, password: "short", confirmPassword: "short" });
    expect(short.status).toBe(400);
    expect((await reset.resetLinkState(token)).status).toBe("valid");
    expect(await credentials.verifyCredentials(user.email, DEMO_PASSWORD)).not.toBeNull();

    const ok = await post(routes.reset, { token, password: PASSWORD, confirmPassword: PASSWORD });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "reset", email: user.email });
    expect(await credentials.verifyCredentials(user.email, DEMO_PASSWORD)).toBeNull();
    expect(await credentials.verifyCredentials(user.email, PASSWORD)).toMatchObject({ id: user.id, emailVerified: true });
    expect(await sessions.sessionUser(s1.id)).toBeNull();
    expect(await sessions.sessionUser(s2.id)).toBeNull();
    const notice = await db.notification.findFirstOrThrow({ where: { userId: user.id, type: "security_alert" } });
    expect(notice.title).toBe("Your password was changed");
    await jobs.executor.idle();
    expect((await mailTo(user.email)).map((m) => m.subject)).toContain("Security alert: your password was changed");
    expect(await db.auditLog.count({ where: { action: "auth.password_reset", targetId: user.id } })).toBe(1);

    const again = await post(routes.reset, { token, password: "yet another long password", confirmPassword: "yet another long password" });
    expect(again.status).toBe(400);
    expect((await again.json()).error.details.outcome).toBe("used");
    expect(await credentials.verifyCredentials(user.email, PASSWORD)).not.toBeNull();
    expect(await reset.resetLinkState(token)).toEqual({ status: "used" });

    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(await reset.resetLinkState(tampered)).toEqual({ status: "invalid" });
    expect(await reset.resetLinkState(`${randomUUID()}.${"A".repeat(43)}`)).toEqual({ status: "invalid" });
    expect(await reset.resetLinkState("../../etc")).toEqual({ status: "invalid" });
  });

  it("a link expires after an hour; with two links, using one ends the other", async () => {
    const user = await createUser(db);
    await reset.requestPasswordReset({ email: user.email }, { address: ip() });
    await reset.requestPasswordReset({ email: user.email }, { address: ip() });
    await jobs.executor.idle();
    const [first, second] = (await mailTo(user.email)).map((m) => linkIn(m.html, "/reset-password")!);
    const body = (token: string) => ({ token, password: PASSWORD, confirmPassword: PASSWORD });
    expect(await reset.resetPassword(body(first!), { address: ip(), now: new Date(Date.now() + 61 * 60_000) })).toEqual({ status: "expired" });
    expect(await credentials.verifyCredentials(user.email, DEMO_PASSWORD)).not.toBeNull();
    expect(await reset.resetPassword(body(second!), { address: ip() })).toMatchObject({ status: "reset" });
    expect(await reset.resetPassword(body(first!), { address: ip() })).toEqual({ status: "used" });
  });

  it("a reset confirms an unconfirmed address (the link proved the mailbox)", async () => {
    const user = await createUser(db, { emailVerified: false });
    await reset.requestPasswordReset({ email: user.email }, { address: ip() });
    await jobs.executor.idle();
    const token = linkIn((await mailTo(user.email))[0]!.html, "/reset-password")!;
    expect(await reset.resetPassword({ token, password: PASSWORD, confirmPassword: PASSWORD }, { address: ip() })).toMatchObject({ status: "reset" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeInstanceOf(Date);
  });

  it("a reset of an unconfirmed account unlinks the provider identities that never proved its mailbox", async () => {
    // An account made through the platform's provider from an unverified email: whoever typed that address at
    // the provider must not keep a way in once the real owner of the mailbox takes the account back.
    const user = await createUser(db, { emailVerified: false });
    await db.$executeRaw`INSERT INTO oidc_accounts (issuer, subject, user_id) VALUES ('https://idp.example', ${`sub-${user.id}`}, ${user.id}::uuid)`;
    const confirmed = await createUser(db);
    await db.$executeRaw`INSERT INTO oidc_accounts (issuer, subject, user_id) VALUES ('https://idp.example', ${`sub-${confirmed.id}`}, ${confirmed.id}::uuid)`;
    for (const u of [user, confirmed]) await reset.requestPasswordReset({ email: u.email }, { address: ip() });
    await jobs.executor.idle();
    for (const u of [user, confirmed]) {
      const token = linkIn((await mailTo(u.email))[0]!.html, "/reset-password")!;
      expect(await reset.resetPassword({ token, password: PASSWORD, confirmPassword: PASSWORD }, { address: ip() })).toMatchObject({ status: "reset" });
    }
    expect(await db.oidcAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.oidcAccount.count({ where: { userId: confirmed.id } })).toBe(1); // a confirmed account keeps its link
  });

  it("limits requests per client address (10 an hour) and new-password attempts (30 an hour)", async () => {
    const from = ip();
    for (let i = 0; i < 10; i++) expect((await post(routes.forgot, { email: newEmail("fp") }, from)).status).toBe(202);
    const refused = await post(routes.forgot, { email: newEmail("fp") }, from);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);

    const guesser = ip();
    const guess = { token: `${randomUUID()}.${"A".repeat(43)}`, password: PASSWORD, confirmPassword: PASSWORD };
    for (let i = 0; i < 30; i++) expect((await post(routes.reset, guess, guesser)).status).toBe(400);
    expect((await post(routes.reset, guess, guesser)).status).toBe(429);
  });

  it("tokens are checked by their secret in constant time: a valid id with a wrong secret reads as invalid", async () => {
    const user = await createUser(db);
    const token = await tokens.issueAccountToken(user.id, "RESET_PASSWORD", tokens.RESET_PASSWORD_TTL_MS);
    const [id] = token.split(".");
    expect(await tokens.checkAccountToken(token, "RESET_PASSWORD")).toMatchObject({ status: "valid", userId: user.id });
    expect(await tokens.checkAccountToken(`${id}.${"x".repeat(43)}`, "RESET_PASSWORD")).toEqual({ status: "invalid" });
    // A reset link is not a confirmation link.
    expect(await tokens.checkAccountToken(token, "VERIFY_EMAIL")).toEqual({ status: "invalid" });
    await db.accountToken.update({ where: { id: id! }, data: { consumedAt: new Date() } });
    expect(await tokens.checkAccountToken(token, "RESET_PASSWORD")).toEqual({ status: "used" });
    expect(await tokens.checkAccountToken(`${id}.${"x".repeat(43)}`, "RESET_PASSWORD")).toEqual({ status: "invalid" });
  });
});

describe("switches", () => {
  /** The route handlers and services as loaded with `env` (env() is read once per module load). */
  async function withEnv(env: Partial<Record<(typeof ENV)[number], string>>) {
    for (const k of ENV) {
      if (env[k] === undefined) delete process.env[k];
      else process.env[k] = env[k];
    }
    vi.resetModules();
    const [r, policy, signupPage, forgotPage] = await Promise.all([
      loadRoutes(),
      import("./policy"),
      import("@/app/signup/page"),
      import("@/app/forgot-password/page"),
    ]);
    return { routes: r, features: policy.accountFeatures(), signupPage: signupPage.default, forgotPage: forgotPage.default };
  }
  const notFoundDigest = (p: Promise<unknown>) => p.then(() => "rendered", (e: { digest?: string }) => e.digest ?? String(e));

  it("sign-up is off unless HERALD_SIGNUP_ENABLED: its page and endpoint answer 404, and nothing is created", async () => {
    const off = await withEnv({});
    expect(off.features).toEqual({ signup: false, passwordReset: true, verification: true });
    const email = newEmail("off");
    const res = await post(off.routes.signup, signUpBody(email));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await notFoundDigest(off.signupPage())).toMatch(/404/);
  });

  it("password reset off: its pages and endpoints answer 404 and send nothing", async () => {
    const off = await withEnv({ HERALD_SIGNUP_ENABLED: "true", HERALD_PASSWORD_RESET_ENABLED: "false" });
    expect(off.features).toEqual({ signup: true, passwordReset: false, verification: true });
    const user = await createUser(db);
    expect((await post(off.routes.forgot, { email: user.email })).status).toBe(404);
    expect((await post(off.routes.reset, { token: `${randomUUID()}.${"A".repeat(43)}`, password: PASSWORD, confirmPassword: PASSWORD })).status).toBe(404);
    expect(await notFoundDigest(off.forgotPage())).toMatch(/404/);
    expect(await db.outboxEvent.count({ where: { name: "accounts/email-requested", data: { path: ["userId"], equals: user.id } } })).toBe(0);
  });

  it("with the email and password form off (sign-in only through the platform's provider) every door is closed", async () => {
    const off = await withEnv({
      HERALD_SIGNUP_ENABLED: "true",
      HERALD_CREDENTIALS_SIGNIN: "false",
      OIDC_ISSUER: "https://id.example.org",
      OIDC_CLIENT_ID: "herald",
      OIDC_CLIENT_SECRET: "a-client-secret-for-the-test",
    });
    expect(off.features).toEqual({ signup: false, passwordReset: false, verification: false });
    expect((await post(off.routes.signup, signUpBody(newEmail("sso")))).status).toBe(404);
    expect((await post(off.routes.verify, { token: `${randomUUID()}.${"A".repeat(43)}` })).status).toBe(404);
    expect((await post(off.routes.resend, { email: newEmail("sso"), password: PASSWORD })).status).toBe(404);
    expect((await post(off.routes.forgot, { email: newEmail("sso") })).status).toBe(404);
  });
});
