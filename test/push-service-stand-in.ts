/**
 * A local stand-in for a browser push service (RFC 8030), strict about what the standards require of an
 * application server, so the sender is tested against the RFCs rather than against itself:
 *
 * - RFC 8030 §5: `POST` to the subscription's endpoint; `TTL` required (non-negative integer, §5.2);
 *   `Urgency` one of very-low | low | normal | high (§5.3); `Topic` ≤ 32 base64url characters (§5.4);
 *   payload at most 4096 bytes (§7.2). Answers 201 Created with a `Location`, or what the test asks for.
 * - RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256 (`alg`, `typ`),
 *   its signature verifies with `k`, `aud` is the origin of the endpoint, `exp` is in the future and at
 *   most 24 hours away, `sub` is a `mailto:` or `https:` URI; `k` is the `applicationServerKey` the
 *   subscription was made with, when the test gave one (§4.2: else 403).
 * - RFC 8291 + RFC 8188: `Content-Encoding: aes128gcm`, a single record; the body is decrypted here with the
 *   subscription's private key and auth secret (made in the test with node:crypto ECDH P-256), with this
 *   file's own HKDF and AES-GCM code (no web-push, no http_ece), and the padding delimiter must be 0x02.
 *
 * Each subscription can be told to answer 201, 404, 410, 429 or 500 (or any status). Every request is
 * recorded with what was decrypted and which requirements it broke (`problems`; a request with problems
 * is answered 400, or 403 for VAPID).
 *
 * It serves HTTPS (web-push only speaks https) with a self-signed certificate made here for 127.0.0.1 and
 * localhost; pass `ca` to the sender's agent.
 */
import { createECDH, createHmac, createDecipheriv, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A subscription as the browser would hand it to the app, plus the secrets only the browser knows. */
export interface StandInSubscription {
  id: string;
  endpoint: string;
  /** The browser's public key, base64url (65 bytes), as in `PushSubscription.toJSON().keys.p256dh`. */
  p256dh: string;
  /** The auth secret, base64url (16 bytes). */
  auth: string;
  /** The `applicationServerKey` it was made with, when given. */
  applicationServerKey?: string;
}

/** One request the stand-in received. */
export interface ReceivedPush {
  subscriptionId: string | null;
  /** When the request arrived (ms since the epoch, `performance.timeOrigin + performance.now()`). */
  receivedAt: number;
  /** What the stand-in answered. */
  status: number;
  headers: IncomingHttpHeaders;
  ttl: number | null;
  urgency: string | null;
  topic: string | null;
  vapid: { publicKey: string; header: Record<string, unknown>; claims: Record<string, unknown> } | null;
  /** The decrypted plaintext (UTF-8), or null when it could not be decrypted. */
  plaintext: string | null;
  /** The aes128gcm header's record size. */
  recordSize: number | null;
  bodyLength: number;
  /** Every requirement the request broke (empty when it is a correct push). */
  problems: string[];
}

export interface PushServiceStandIn {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** The stand-in's self-signed certificate (PEM): trust it in the sender (`ca`). */
  ca: string;
  /** Makes a subscription (new ECDH P-256 key pair and auth secret). */
  subscribe(opts?: { applicationServerKey?: string }): StandInSubscription;
  /** What this subscription's endpoint answers from now on (default 201). */
  respondWith(subscriptionId: string, status: number, headers?: Record<string, string>): void;
  received: ReceivedPush[];
  /** The requests one subscription received. */
  receivedBy(subscriptionId: string): ReceivedPush[];
  close(): Promise<void>;
}

// ---------- a self-signed certificate, DER by hand (node:crypto signs; it does not build certificates) ----------

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const der = (tag: number, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const seq = (...p: Buffer[]) => der(0x30, ...p);
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a! + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}
const int = (b: Buffer) => der(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
/** A random 8-byte certificate serial whose DER INTEGER is minimal and positive (RFC 5280 §4.1.2.2): a leading 0x00 byte is "illegal padding". */
function serialNumber(): Buffer {
  const b = randomBytes(8);
  b[0] = 0x40 | (b[0]! & 0x3f);
  return b;
}
const utc = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, "$1$2$3$4$5$6Z")));
const name = (cn: string) => seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn)))));

/** A P-256 self-signed X.509 v3 certificate for 127.0.0.1 and localhost, valid for a day. */
export function selfSignedCertificate(): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const san = seq(der(0x87, Buffer.from([127, 0, 0, 1])), der(0x82, Buffer.from("localhost")));
  const extensions = der(
    0xa3,
    seq(
      seq(oid("2.5.29.19"), der(0x01, Buffer.from([0xff])), der(0x04, seq(der(0x01, Buffer.from([0xff]))))), // basicConstraints: critical, CA
      seq(oid("2.5.29.17"), der(0x04, san)), // subjectAltName
    ),
  );
  const now = Date.now();
  const tbs = seq(
    der(0xa0, int(Buffer.from([2]))),
    int(serialNumber()),
    ecdsaSha256,
    name("Herald push service stand-in"),
    seq(utc(new Date(now - 3_600_000)), utc(new Date(now + 86_400_000))),
    name("Herald push service stand-in"),
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbs, privateKey);
  const certDer = seq(tbs, ecdsaSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = `-----BEGIN CERTIFICATE-----\n${certDer.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`;
  new X509Certificate(cert); // throws if malformed
  return { cert, key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

// ---------- RFC 8291 / RFC 8188 decryption ----------

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();
/** HKDF-SHA-256 (RFC 5869) for outputs of at most 32 bytes (one block), as RFC 8291 and RFC 8188 use it. */
const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => hmac(hmac(salt, ikm), Buffer.concat([info, Buffer.from([1])])).subarray(0, length);

/**
 * Decrypts an `aes128gcm` push message body for the user agent (RFC 8291 §3.4, RFC 8188 §2).
 * @throws Error saying which requirement failed.
 */
export function decryptAes128gcm(body: Buffer, uaPrivate: Buffer, uaPublic: Buffer, authSecret: Buffer): { plaintext: Buffer; recordSize: number; senderKey: Buffer } {
  if (body.length < 21) throw new Error("body shorter than the aes128gcm header");
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (idlen !== 65) throw new Error(`keyid must be the sender's 65-byte public key (RFC 8291 §4), got ${idlen} bytes`);
  const asPublic = body.subarray(21, 21 + idlen);
  if (asPublic[0] !== 0x04) throw new Error("keyid is not an uncompressed P-256 point");
  if (rs < 18) throw new Error(`record size ${rs} < 18 (RFC 8188 §2.1)`);
  const records = body.subarray(21 + idlen);
  if (records.length > rs) throw new Error(`more than one record (${records.length} bytes > rs ${rs}): RFC 8291 §4 requires a single record`);
  if (records.length < 17) throw new Error("record shorter than the GCM tag plus delimiter");

  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(uaPrivate);
  const ecdhSecret = ecdh.computeSecret(asPublic);
  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
  // RFC 8188 §2.2, §2.3: CEK and NONCE from the salt; the single record has sequence number 0 (nonce XOR 0).
  const cek = hkdf(salt, ikm, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(salt, ikm, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  // RFC 8188 §2: data || delimiter (0x02 for the last record) || zero or more 0x00.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x02) throw new Error(`padding delimiter must be 0x02 for the last record, got ${end < 0 ? "none" : `0x${padded[end]!.toString(16)}`}`);
  return { plaintext: padded.subarray(0, end), recordSize: rs, senderKey: asPublic };
}

// ---------- RFC 8292 ----------

const b64uJson = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>;

function p256PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error("k is not an uncompressed P-256 point");
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") }, format: "jwk" });
}

/** Checks `Authorization: vapid t=…, k=…` for an endpoint of `origin` (RFC 8292 §2, §3). Pushes problems. */
function checkVapid(authorization: string | undefined, origin: string, problems: string[], now = Date.now()): ReceivedPush["vapid"] {
  const m = /^vapid\s+(.+)$/i.exec(authorization ?? "");
  if (!m) {
    problems.push("Authorization must use the vapid scheme (RFC 8292 §3)");
    return null;
  }
  const params = Object.fromEntries(
    m[1]!.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim()];
    }),
  );
  const t = params.t;
  const k = params.k;
  if (!t || !k) {
    problems.push("vapid needs both t and k (RFC 8292 §3.1, §3.2)");
    return null;
  }
  const parts = t.split(".");
  if (parts.length !== 3) {
    problems.push("t is not a JWS compact serialization");
    return null;
  }
  const [h, c, s] = parts as [string, string, string];
  let header: Record<string, unknown> = {};
  let claims: Record<string, unknown> = {};
  try {
    header = b64uJson(h);
    claims = b64uJson(c);
  } catch {
    problems.push("JWT header or claims are not base64url JSON");
    return null;
  }
  if (header.alg !== "ES256") problems.push(`JWT alg must be ES256 (RFC 8292 §2), got ${String(header.alg)}`);
  if (header.typ !== undefined && header.typ !== "JWT") problems.push(`JWT typ must be JWT, got ${String(header.typ)}`);
  try {
    const ok = verify("sha256", Buffer.from(`${h}.${c}`), { key: p256PublicKey(Buffer.from(k, "base64url")), dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
    if (!ok) problems.push("JWT signature does not verify with k");
  } catch (err) {
    problems.push(`JWT signature check failed: ${(err as Error).message}`);
  }
  if (claims.aud !== origin) problems.push(`aud must be the endpoint's origin ${origin}, got ${String(claims.aud)}`);
  const exp = claims.exp;
  if (typeof exp !== "number") problems.push("exp must be a number (RFC 8292 §2)");
  else if (exp * 1000 <= now) problems.push("exp is in the past");
  else if (exp * 1000 > now + 24 * 3_600_000 + 60_000) problems.push("exp is more than 24 hours away (RFC 8292 §2)");
  if (typeof claims.sub !== "string" || !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(claims.sub)) problems.push(`sub must be a mailto: or https: URI, got ${String(claims.sub)}`);
  return { publicKey: k, header, claims };
}

// ---------- the service ----------

const URGENCIES = new Set(["very-low", "low", "normal", "high"]);

/** Starts the stand-in on 127.0.0.1 (random port). */
export async function startPushServiceStandIn(): Promise<PushServiceStandIn> {
  const { cert, key } = selfSignedCertificate();
  const subs = new Map<string, StandInSubscription & { uaPrivate: Buffer; uaPublic: Buffer; authSecret: Buffer }>();
  const answers = new Map<string, { status: number; headers?: Record<string, string> }>();
  const received: ReceivedPush[] = [];
  let origin = "";

  const server: Server = createServer({ cert, key }, (req, res) => {
    const receivedAt = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const problems: string[] = [];
      const m = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? "");
      const sub = m ? subs.get(m[1]!) : undefined;
      const record: ReceivedPush = { subscriptionId: sub?.id ?? null, receivedAt, status: 0, headers: req.headers, ttl: null, urgency: null, topic: null, vapid: null, plaintext: null, recordSize: null, bodyLength: body.length, problems };
      received.push(record);
      const answer = (status: number, headers: Record<string, string> = {}, text = "") => {
        record.status = status;
        res.writeHead(status, { "content-type": "text/plain", ...headers }).end(text);
      };
      if (req.method !== "POST") return answer(405, {}, "POST only (RFC 8030 §5)");
      if (!sub) return answer(404, {}, "no such subscription");

      // RFC 8030 §5.2 – §5.4
      const ttl = req.headers.ttl;
      if (typeof ttl !== "string" || !/^\d+$/.test(ttl)) problems.push("TTL header missing or not a non-negative integer (RFC 8030 §5.2)");
      else record.ttl = Number(ttl);
      const urgency = req.headers.urgency;
      if (urgency !== undefined) {
        if (typeof urgency !== "string" || !URGENCIES.has(urgency)) problems.push(`Urgency must be very-low|low|normal|high, got ${String(urgency)}`);
        else record.urgency = urgency;
      }
      const topic = req.headers.topic;
      if (topic !== undefined) {
        if (typeof topic !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) problems.push("Topic must be at most 32 base64url characters (RFC 8030 §5.4)");
        else record.topic = topic;
      }
      // RFC 8292
      const vapidProblems: string[] = [];
      const vapid = checkVapid(req.headers.authorization, origin, vapidProblems);
      record.vapid = vapid;
      problems.push(...vapidProblems);
      if (vapid && sub.applicationServerKey && vapid.publicKey !== sub.applicationServerKey) {
        problems.push("k is not the applicationServerKey the subscription was made with (RFC 8292 §4.2)");
        return answer(403, {}, "key mismatch");
      }
      if (vapidProblems.length) return answer(403, {}, problems.join("\n"));
      // RFC 8291 / RFC 8188
      if (body.length > 0) {
        if (req.headers["content-encoding"] !== "aes128gcm") problems.push(`Content-Encoding must be aes128gcm (RFC 8291 §4), got ${String(req.headers["content-encoding"])}`);
        if (body.length > 4096) problems.push(`payload of ${body.length} bytes exceeds 4096 (RFC 8030 §7.2)`);
        try {
          const d = decryptAes128gcm(body, sub.uaPrivate, sub.uaPublic, sub.authSecret);
          record.plaintext = d.plaintext.toString("utf8");
          record.recordSize = d.recordSize;
        } catch (err) {
          problems.push(`decryption: ${(err as Error).message}`);
        }
      }
      if (problems.length) return answer(400, {}, problems.join("\n"));
      const configured = answers.get(sub.id);
      if (configured && configured.status !== 201) return answer(configured.status, configured.headers, `status ${configured.status} as configured`);
      answer(201, { location: `${origin}/message/${randomUUID()}`, ...configured?.headers });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    ca: cert,
    subscribe(opts = {}) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const id = randomUUID();
      const authSecret = randomBytes(16);
      const sub = {
        id,
        endpoint: `${origin}/push/${id}`,
        p256dh: ecdh.getPublicKey().toString("base64url"),
        auth: authSecret.toString("base64url"),
        ...(opts.applicationServerKey ? { applicationServerKey: opts.applicationServerKey } : {}),
        uaPrivate: ecdh.getPrivateKey(),
        uaPublic: ecdh.getPublicKey(),
        authSecret,
      };
      subs.set(id, sub);
      return { id, endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, ...(opts.applicationServerKey ? { applicationServerKey: opts.applicationServerKey } : {}) };
    },
    respondWith(subscriptionId, status, headers) {
      answers.set(subscriptionId, { status, ...(headers ? { headers } : {}) });
    },
    received,
    receivedBy: (id) => received.filter((r) => r.subscriptionId === id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
