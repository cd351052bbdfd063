/**
 * A local stand-in for Firebase Cloud Messaging's HTTP v1 API and Google's OAuth 2 token endpoint, on
 * http://127.0.0.1:<random port>, strict about what the documents require of a sender, so Herald's FCM
 * sender is tested against them rather than against itself:
 *
 * - `POST /token` (RFC 7523 JWT bearer grant, https://developers.google.com/identity/protocols/oauth2/service-account#httprest):
 *   `application/x-www-form-urlencoded` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an
 *   `assertion` JWT that is RS256, verifies with the public half of the key pair made here, and claims
 *   `iss` = the service account's email, `scope` = https://www.googleapis.com/auth/firebase.messaging,
 *   `aud` = this endpoint's URL (the JSON's `token_uri`), `iat` now, `exp` after it and at most an hour on.
 *   Answers `{ access_token, expires_in: 3600, token_type: "Bearer" }`, or 400 `invalid_grant`.
 * - `POST /v1/projects/<project_id>/messages:send` (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send):
 *   the project must be the service account's, `Authorization: Bearer <a token this stand-in issued>` (else
 *   401 UNAUTHENTICATED), a JSON body `{ message }` with a `token`, `data` values all strings, Android
 *   `priority` high | normal and `ttl` like "3600s", APNs header values strings (else 400 INVALID_ARGUMENT).
 *   Answers 200 `{ name: "projects/<id>/messages/<n>" }`, or what the test queued for that device token, e.g.
 *   {@link FcmStandIn.unregistered} (404 UNREGISTERED as FCM words it).
 *
 * Every request is recorded (`tokenRequests`, `sends`) with the problems found.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

/** A service account JSON key as the Firebase console downloads it, made for this stand-in. */
export interface StandInServiceAccount {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

/** One token request. */
export interface TokenRequest {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  status: number;
  problems: string[];
}

/** One send request. */
export interface FcmSend {
  projectId: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, exactly as sent. */
  body: { message?: Record<string, unknown> } | null;
  /** The device token the message was for. */
  token: string | null;
  status: number;
  problems: string[];
}

/** An answer the test queues for a device token. */
export interface FcmAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FcmStandIn {
  origin: string;
  /** The service account whose key this stand-in trusts (JSON text: `FCM_SERVICE_ACCOUNT_JSON`). */
  account: StandInServiceAccount;
  tokenRequests: TokenRequest[];
  sends: FcmSend[];
  /** Sends for one device token, oldest first. */
  sendsTo(token: string): FcmSend[];
  /** Queues answers for a device token (used one per send, oldest first; then 200 again). */
  respondWith(token: string, ...answers: FcmAnswer[]): void;
  /** Invalidates every access token issued so far (the next send with one answers 401). */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

/** FCM's error body (https://firebase.google.com/docs/cloud-messaging/error-codes). */
export function fcmError(status: number, rpcStatus: string, message: string, fcmCode?: string, fieldViolation?: string): FcmAnswer {
  const details: unknown[] = [];
  if (fcmCode) details.push({ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: fcmCode });
  if (fieldViolation) details.push({ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ field: fieldViolation, description: message }] });
  return { status, body: { error: { code: status, message, status: rpcStatus, details } } };
}

/** 404 UNREGISTERED: the app was uninstalled or the token expired. */
export const unregistered = (): FcmAnswer => fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
/** 400 INVALID_ARGUMENT about the registration token. */
export const invalidToken = (): FcmAnswer => fcmError(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT");

const b64json = (part: string): Record<string, unknown> | null => {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** Checks a JWT bearer assertion (see the module comment). */
function checkAssertion(jwt: string, publicKey: KeyObject, account: StandInServiceAccount, now: number): { header: Record<string, unknown> | null; claims: Record<string, unknown> | null; problems: string[] } {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { header: null, claims: null, problems: ["assertion is not a JWS compact serialization"] };
  const [h, p, s] = parts as [string, string, string];
  const header = b64json(h);
  const claims = b64json(p);
  const problems: string[] = [];
  if (header?.alg !== "RS256") problems.push(`alg must be RS256, got ${String(header?.alg)}`);
  if (!verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"))) problems.push("signature does not verify with the service account's key");
  if (!claims) return { header, claims, problems: [...problems, "claims are not JSON"] };
  if (claims.iss !== account.client_email) problems.push(`iss must be ${account.client_email}`);
  if (claims.scope !== FCM_SCOPE) problems.push(`scope must be ${FCM_SCOPE}, got ${String(claims.scope)}`);
  if (claims.aud !== account.token_uri) problems.push(`aud must be the token_uri ${account.token_uri}, got ${String(claims.aud)}`);
  const iat = claims.iat;
  const exp = claims.exp;
  if (typeof iat !== "number" || Math.abs(iat - now) > 60) problems.push("iat must be now");
  if (typeof exp !== "number" || typeof iat !== "number" || exp <= iat || exp - iat > 3600) problems.push("exp must be after iat and at most an hour later");
  return { header, claims, problems };
}

/** Checks an FCM v1 send body (see the module comment). */
function checkMessage(body: unknown): { token: string | null; problems: string[] } {
  const problems: string[] = [];
  if (!body || typeof body !== "object" || Array.isArray(body)) return { token: null, problems: ["body is not a JSON object"] };
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== "message") problems.push(`body must be { message } only, got keys ${keys.join(", ")}`);
  const m = (body as { message?: Record<string, unknown> }).message;
  if (!m || typeof m !== "object") return { token: null, problems: [...problems, "message missing"] };
  const token = typeof m.token === "string" && m.token ? m.token : null;
  if (!token) problems.push("message.token missing");
  if (m.data !== undefined) {
    for (const [k, v] of Object.entries(m.data as Record<string, unknown>)) {
      if (typeof v !== "string") problems.push(`message.data.${k} must be a string`);
      if (k === "from" || k === "gcm" || k.startsWith("google")) problems.push(`message.data.${k} is a reserved key`);
    }
  }
  const android = m.android as Record<string, unknown> | undefined;
  if (android) {
    if (android.priority !== undefined && android.priority !== "high" && android.priority !== "normal") problems.push("android.priority must be high or normal");
    if (android.ttl !== undefined && !(typeof android.ttl === "string" && /^\d+(\.\d{1,9})?s$/.test(android.ttl))) problems.push("android.ttl must be a duration such as 3600s");
  }
  const apns = m.apns as { headers?: Record<string, unknown> } | undefined;
  for (const [k, v] of Object.entries(apns?.headers ?? {})) if (typeof v !== "string") problems.push(`apns.headers.${k} must be a string`);
  if (Buffer.byteLength(JSON.stringify(m.data ?? {})) > 4096) problems.push("data over 4096 bytes");
  return { token, problems };
}

/**
 * Starts the stand-in with a fresh RSA key pair and the service account that goes with it.
 * @param opts.projectId default "herald-test"
 */
export async function startFcmStandIn(opts: { projectId?: string } = {}): Promise<FcmStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = createPublicKey(publicKey.export({ format: "pem", type: "spki" }));
  const projectId = opts.projectId ?? "herald-test";
  const tokenRequests: TokenRequest[] = [];
  const sends: FcmSend[] = [];
  const issued = new Set<string>();
  const queued = new Map<string, FcmAnswer[]>();
  let counter = 0;

  const account: StandInServiceAccount = {
    type: "service_account",
    project_id: projectId,
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    client_email: `herald-push@${projectId}.iam.gserviceaccount.com`,
    client_id: String(100000000000 + Math.floor(Math.random() * 1e9)),
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "", // set once listening
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers }).end(JSON.stringify(body));
      if (req.method === "POST" && url.pathname === "/token") {
        const problems: string[] = [];
        if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) problems.push("content-type must be application/x-www-form-urlencoded");
        const form = new URLSearchParams(raw);
        if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") problems.push("grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer");
        const checked = checkAssertion(form.get("assertion") ?? "", pub, account, Math.floor(Date.now() / 1000));
        problems.push(...checked.problems);
        const status = problems.length ? 400 : 200;
        tokenRequests.push({ header: checked.header, claims: checked.claims, status, problems });
        if (problems.length) return reply(400, { error: "invalid_grant", error_description: problems.join("; ") });
        const accessToken = `ya29.stand-in.${randomBytes(24).toString("base64url")}`;
        issued.add(accessToken);
        return reply(200, { access_token: accessToken, expires_in: 3600, token_type: "Bearer" });
      }
      const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(url.pathname);
      if (req.method === "POST" && send) {
        const project = decodeURIComponent(send[1]!);
        let body: FcmSend["body"] = null;
        try {
          body = JSON.parse(raw) as FcmSend["body"];
        } catch {
          body = null;
        }
        const { token, problems } = checkMessage(body);
        const record = (status: number) => sends.push({ projectId: project, headers: req.headers, body, token, status, problems });
        const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (!bearer || !issued.has(bearer)) {
          record(401);
          return reply(401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } });
        }
        if (project !== projectId) {
          record(404);
          return reply(404, { error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" } });
        }
        if (!(req.headers["content-type"] ?? "").startsWith("application/json")) problems.push("content-type must be application/json");
        if (problems.length) {
          record(400);
          return reply(400, fcmError(400, "INVALID_ARGUMENT", problems.join("; ")).body);
        }
        const answer = token ? queued.get(token)?.shift() : undefined;
        if (answer) {
          record(answer.status);
          return reply(answer.status, answer.body ?? {}, answer.headers);
        }
        record(200);
        return reply(200, { name: `projects/${projectId}/messages/${++counter}` });
      }
      reply(404, { error: { code: 404, message: "Not found", status: "NOT_FOUND" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  account.token_uri = `${origin}/token`;
  return {
    origin,
    account,
    tokenRequests,
    sends,
    sendsTo: (token) => sends.filter((s) => s.token === token),
    respondWith(token, ...answers) {
      queued.set(token, [...(queued.get(token) ?? []), ...answers]);
    },
    revokeAccessTokens() {
      issued.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
