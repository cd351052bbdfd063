/**
 * The executor's event API (`POST /e/:eventKey`, docs/protocols.md "Events") against the real `inngest`
 * client: key check, validation, ids, id-seed dedupe of retried sends, 24 h dedupe of sender ids, and the
 * HTTP listener a client reaches through `baseUrl` / INNGEST_BASE_URL.
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { createHarness, silentLogger, type Harness } from "./test-harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

function counter(executor: Parameters<typeof createHarness>[0]["executor"] = {}) {
  const seen: unknown[] = [];
  const harness = createHarness({
    executor,
    define: (c) => [
      c.createFunction({ id: "count", triggers: [{ event: "test/count" }] }, async ({ event }) => {
        seen.push(event.data);
        return event.id;
      }),
    ],
  });
  return { harness, seen };
}

const post = (t: Harness, key: string, body: string, headers: Record<string, string> = {}) =>
  t.executor.handleEventApi(
    new Request(`http://executor.test/e/${key}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
  );

describe("event API", () => {
  it("accepts only the configured event key", async () => {
    ({ harness: h } = counter());
    await h.executor.start();
    const wrong = await post(h, "not-the-key", JSON.stringify({ name: "test/count", data: {} }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ status: 401 });

    const intruder = new Inngest({
      id: "intruder",
      isDev: false,
      eventKey: "guessed",
      baseUrl: "http://executor.test/",
      logger: silentLogger,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => h!.executor.handleEventApi(new Request(input, init))) as typeof fetch,
    });
    await expect(intruder.send({ name: "test/count", data: {} })).rejects.toThrow(/401/);

    const get = await h.executor.handleEventApi(new Request(`http://executor.test/e/${h.eventKey}`));
    expect(get.status).toBe(405);
    await h.executor.idle();
    expect(await h.executor.runs()).toEqual([]);
  });

  it("refuses a body that is not JSON, not events, or uses a reserved name (400)", async () => {
    ({ harness: h } = counter());
    await h.executor.start();
    for (const body of ["{not json", "{}", "[]", JSON.stringify([{ data: {} }]), JSON.stringify({ name: "inngest/function.failed", data: {} })]) {
      const res = await post(h, h.eventKey, body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ status: 400, error: expect.any(String) });
    }
    expect(await h.executor.runs()).toEqual([]);
  });

  it("accepts events through executor.send() with the same validation", async () => {
    const c = counter();
    h = c.harness;
    await h.executor.start();
    const { ids } = await h.executor.send([{ name: "test/count", data: { direct: true } }]);
    expect(ids).toHaveLength(1);
    await expect(h.executor.send({ name: "inngest/function.failed", data: {} })).rejects.toThrow(/reserved/);
    await expect(h.executor.send({ data: {} } as never)).rejects.toThrow(/invalid events/);
    await h.executor.idle();
    expect(await h.executor.runs()).toMatchObject([{ status: "completed", eventIds: ids }]);
    expect(c.seen).toEqual([{ direct: true }]);
  });

  it("answers 503 before start()", async () => {
    ({ harness: h } = counter());
    const res = await post(h, h.eventKey, JSON.stringify({ name: "test/count", data: {} }));
    expect(res.status).toBe(503);
  });

  it("returns one id per event, and a re-sent batch with the same id seed starts no second run", async () => {
    const c = counter();
    h = c.harness;
    await h.executor.start();
    const seedMs = 1_743_130_137_367;
    const seed = `${seedMs},${randomBytes(10).toString("base64")}`;
    const batch = JSON.stringify([
      { name: "test/count", data: { n: 1 } },
      { name: "test/count", data: { n: 2 } },
    ]);
    const first = await post(h, h.eventKey, batch, { "x-inngest-event-id-seed": seed });
    expect(first.status).toBe(200);
    const a = (await first.json()) as { ids: string[]; status: number };
    expect(a.status).toBe(200);
    expect(a.ids).toHaveLength(2);
    expect(a.ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.ids[0]!.slice(0, 10)).toBe(a.ids[1]!.slice(0, 10)); // same ms from the seed
    expect(a.ids[0]).not.toBe(a.ids[1]);

    const retried = (await (await post(h, h.eventKey, batch, { "x-inngest-event-id-seed": seed })).json()) as { ids: string[] };
    expect(retried.ids).toEqual(a.ids);

    await h.executor.idle();
    const runs = await h.executor.runs();
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.eventIds[0]).sort()).toEqual([...a.ids].sort());
    expect(c.seen).toHaveLength(2);
  });

  it("deduplicates an event with a sender id for 24 h", async () => {
    const c = counter();
    h = c.harness;
    await h.executor.start();
    await h.client.send({ id: "order-1", name: "test/count", data: { n: 1 } });
    await h.client.send({ id: "order-1", name: "test/count", data: { n: 2 } });
    await h.executor.idle();
    expect(await h.executor.runs()).toHaveLength(1);
    expect((await h.executor.runs())[0]!.output).toBe("order-1"); // the sender's id is the event's id

    h.clock.advance(24 * 60 * 60 * 1000 - 1);
    await h.client.send({ id: "order-1", name: "test/count", data: { n: 3 } });
    await h.executor.idle();
    expect(await h.executor.runs()).toHaveLength(1);

    h.clock.advance(1);
    await h.client.send({ id: "order-1", name: "test/count", data: { n: 4 } });
    await h.executor.idle();
    expect(await h.executor.runs()).toHaveLength(2);
    expect(c.seen).toEqual([{ n: 1 }, { n: 4 }]);
  });

  it("serves the event API over HTTP for a client pointed at it with baseUrl (INNGEST_BASE_URL)", async () => {
    const c = counter();
    h = c.harness;
    await h.executor.start();
    const server = await h.executor.listen(0);
    try {
      const app = new Inngest({ id: "herald-test", isDev: false, eventKey: h.eventKey, baseUrl: `http://127.0.0.1:${server.port}/`, logger: silentLogger });
      const { ids } = await app.send({ name: "test/count", data: { via: "http" } });
      expect(ids).toHaveLength(1);
      await h.executor.idle();
      expect(await h.executor.runs()).toMatchObject([{ status: "completed", eventIds: ids }]);
      expect(c.seen).toEqual([{ via: "http" }]);
      const missing = await fetch(`http://127.0.0.1:${server.port}/v1/anything`);
      expect(missing.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

/**
 * A raw HTTP/1.1 request to the listener: the headers, then `body` (which may be shorter than the declared
 * Content-Length). Resolves with the status line and whether the server closed the connection, without
 * sending the rest.
 */
function rawPost(port: number, path: string, headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    let status = 0;
    socket.on("error", () => {}); // the server may reset a connection whose body it refused
    socket.on("data", (d) => {
      answer += d.toString();
      status ||= Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
    });
    socket.on("close", () => (status ? resolve({ status, closed: true }) : reject(new Error(`no answer: ${answer}`))));
    const head = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n");
    socket.write(head);
    socket.write(body);
  });
}

describe("event API limits", () => {
  it("answers a wrong key or an oversized Content-Length at once, without reading the body, and closes", async () => {
    ({ harness: h } = counter());
    await h.executor.start();
    const server = await h.executor.listen(0);
    try {
      // 200 MB declared, 1 KB sent: an answer can only come from a server that did not wait for the rest.
      const huge = { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) };
      expect(await rawPost(server.port, "/e/not-the-key", huge, "x".repeat(1024))).toEqual({ status: 401, closed: true });
      expect(await rawPost(server.port, `/e/${h.eventKey}`, huge, "x".repeat(1024))).toEqual({ status: 413, closed: true });
      await h.executor.idle();
      expect(await h.executor.runs()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("stops reading a streamed body at the byte limit (413) and counts bytes, not characters", async () => {
    ({ harness: h } = counter({ maxRequestBytes: 4096 }));
    await h.executor.start();
    const server = await h.executor.listen(0);
    try {
      // Chunked, no Content-Length: 64 KiB sent; the server stops after 4 KiB.
      const chunk = Buffer.from("x".repeat(64 * 1024));
      const chunked = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n0\r\n\r\n")]);
      expect(await rawPost(server.port, `/e/${h.eventKey}`, { "content-type": "application/json", "transfer-encoding": "chunked" }, chunked)).toMatchObject({ status: 413 });
    } finally {
      await server.close();
    }
    // 3,000 characters, 6,000 bytes of UTF-8: over a 4,096-byte limit.
    const wide = JSON.stringify({ name: "test/count", data: { text: "é".repeat(3000) } });
    expect(wide.length).toBeLessThan(4096);
    const res = await post(h, h.eventKey, wide);
    expect(res.status).toBe(413);
    expect(await h.executor.runs()).toEqual([]);
  });

  it("refuses an event over maxEventBytes (413) naming the event; NUL and lone surrogates are stored as sent", async () => {
    const seen: unknown[] = [];
    h = createHarness({
      executor: { maxEventBytes: 1000 },
      define: (c) => [c.createFunction({ id: "count", triggers: [{ event: "test/count" }] }, async ({ event }) => void seen.push(event.data))],
    });
    await h.executor.start();
    const big = await post(h, h.eventKey, JSON.stringify([{ name: "test/count", data: {} }, { name: "test/count", data: { blob: "b".repeat(1000) } }]));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatch(/^event 1 \(test\/count\) is \d+ bytes; the limit is 1000$/);
    await h.executor.idle();
    expect(await h.executor.runs()).toEqual([]);
    // Text PostgreSQL's jsonb refuses (U+0000, an unpaired surrogate) is any JSON's right: Inngest keeps it.
    const odd = await post(h, h.eventKey, JSON.stringify({ name: "test/count", data: { title: "a\u0000b", t: "\ud800", z: 1, a: 2 } }));
    expect(odd.status).toBe(200);
    await h.executor.idle();
    expect(seen).toEqual([{ title: "a\u0000b", t: "\ud800", z: 1, a: 2 }]);
    expect(Object.keys(seen[0] as object)).toEqual(["title", "t", "z", "a"]);
  });
});
