/**
 * An HTTP proxy in front of the job engine's event API that fails on purpose, for the outbox's tests and
 * the crash script (bench/outbox-faults.ts). Modes:
 * - `up`: forwards every request and its answer;
 * - `down`: resets every connection at once (the engine is gone);
 * - `hang`: accepts the request and never answers (the engine is stuck);
 * - `drop-answer`: forwards the request, lets the engine act on it, then resets the connection instead of
 *   answering (the answer was lost).
 * `onRequest` sees each request body before the mode acts, `onAnswered` after the engine answered and
 * before the answer is passed on (the crash script kills processes there).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type FaultMode = "up" | "down" | "hang" | "drop-answer";

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  /** Requests seen, by the mode they met. */
  seen: Record<FaultMode, number>;
  /** Called with each request's body before the mode acts; awaited. */
  onRequest?: (body: string, mode: FaultMode) => void | Promise<void>;
  /** Called with each forwarded request's body once the engine answered, before the answer goes back; awaited. */
  onAnswered?: (body: string, status: number) => void | Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (an http:// origin) on a random loopback port, in mode `up`. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = {
    url: "",
    mode: "up",
    seen: { up: 0, down: 0, hang: 0, "drop-answer": 0 },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  const forward = async (req: IncomingMessage, body: string) =>
    fetch(new URL(req.url ?? "/", target), {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === "string" && !["host", "content-length", "connection"].includes(k))) as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await read(req);
      const mode = proxy.mode;
      proxy.seen[mode]++;
      await proxy.onRequest?.(body, mode);
      if (mode === "down") return req.socket.destroy();
      if (mode === "hang") return;
      const answer = await forward(req, body);
      const text = await answer.text();
      await proxy.onAnswered?.(body, answer.status);
      if (mode === "drop-answer") return req.socket.destroy();
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(text);
    })().catch(() => req.socket.destroy());
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
