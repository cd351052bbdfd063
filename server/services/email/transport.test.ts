/**
 * The email transports: Resend against a local stub of Resend's HTTP API (the exact request we send), and
 * the capture transport against the real database.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { batchIdempotencyKey, createCaptureTransport, createResendTransport, EmailSendError, retryAfterMs, type OutgoingEmail } from "./transport";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}
const seen: Seen[] = [];
let reply: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: { id: "re_123" } };
const stub = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(raw || "null") });
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
});
let baseUrl = "";
beforeAll(async () => {
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => stub.close(() => r())));

const email = (key = "email:n-1"): OutgoingEmail => ({
  to: "thandi@example.com",
  from: "Herald <notifications@herald.test>",
  subject: "New at Mario's: Lasagne",
  html: "<p>Hi</p>",
  text: "Hi",
  headers: { "List-Unsubscribe": "<https://herald.test/unsubscribe/tok>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  tags: [{ name: "type", value: "new_listing" }],
  idempotencyKey: key,
});

describe("Resend transport", () => {
  it("POSTs /emails with the key, the idempotency key, both bodies, headers and tags", async () => {
    seen.length = 0;
    reply = { status: 200, body: { id: "re_123" } };
    const r = await createResendTransport({ apiKey: "re_test_key", baseUrl }).send(email());
    expect(r).toEqual({ providerMessageId: "re_123" });
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/emails");
    expect(req.headers.authorization).toBe("Bearer re_test_key");
    expect(req.headers["idempotency-key"]).toBe("email:n-1");
    expect(req.headers["content-type"]).toMatch(/application\/json/);
    expect(req.body).toEqual({
      from: "Herald <notifications@herald.test>",
      to: ["thandi@example.com"],
      subject: "New at Mario's: Lasagne",
      html: "<p>Hi</p>",
      text: "Hi",
      headers: { "List-Unsubscribe": "<https://herald.test/unsubscribe/tok>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      tags: [{ name: "type", value: "new_listing" }],
    });
  });

  it("classifies 429 with Retry-After as retry-later, 422 as permanent, 500 as retryable", async () => {
    const transport = createResendTransport({ apiKey: "re_test_key", baseUrl });
    reply = { status: 429, body: { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 }, headers: { "retry-after": "7" } };
    const limited = await transport.send(email()).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(EmailSendError);
    expect((limited as EmailSendError).opts).toMatchObject({ permanent: false, retryAfterMs: 7000, status: 429 });
    reply = { status: 422, body: { name: "validation_error", message: "Invalid `to` field", statusCode: 422 } };
    expect(((await transport.send(email()).catch((e: unknown) => e)) as EmailSendError).opts).toMatchObject({ permanent: true, status: 422 });
    reply = { status: 500, body: { name: "internal_server_error", message: "oops", statusCode: 500 } };
    expect(((await transport.send(email()).catch((e: unknown) => e)) as EmailSendError).opts).toMatchObject({ permanent: false, status: 500 });
  });

  it("sends a batch to /emails/batch with one idempotency key for the members, ids in order", async () => {
    seen.length = 0;
    reply = { status: 200, body: { data: [{ id: "re_a" }, { id: "re_b" }] } };
    const transport = createResendTransport({ apiKey: "re_test_key", baseUrl });
    const out = await transport.sendBatch([email("email:a"), { ...email("email:b"), to: "sipho@example.com" }]);
    expect(out).toEqual([{ providerMessageId: "re_a" }, { providerMessageId: "re_b" }]);
    expect(seen[0]!.url).toBe("/emails/batch");
    expect(seen[0]!.headers["idempotency-key"]).toBe(batchIdempotencyKey([email("email:a"), email("email:b")]));
    expect((seen[0]!.body as { to: string[] }[]).map((b) => b.to)).toEqual([["thandi@example.com"], ["sipho@example.com"]]);
    expect(batchIdempotencyKey([email("email:a")])).not.toBe(batchIdempotencyKey([email("email:b")]));
    reply = { status: 200, body: { data: [{ id: "re_a" }] } }; // fewer ids than emails: not trusted
    await expect(transport.sendBatch([email("email:a"), email("email:b")])).rejects.toBeInstanceOf(EmailSendError);
  });

  it("reads Retry-After as seconds or an HTTP date, bounded", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs("999999")).toBe(3_600_000);
  });
});

describe("capture transport", () => {
  it("stores the email once per idempotency key", async () => {
    const transport = createCaptureTransport(db);
    const key = `email:${crypto.randomUUID()}`;
    const a = await transport.send(email(key));
    const b = await transport.send({ ...email(key), subject: "changed" });
    expect(a).toEqual(b);
    const rows = await db.capturedEmail.findMany({ where: { idempotencyKey: key } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ to: "thandi@example.com", subject: "New at Mario's: Lasagne", text: "Hi" });
    expect(rows[0]!.headers).toMatchObject({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });
});
