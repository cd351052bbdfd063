/**
 * The embedded Pusher-protocol server in a process of its own, as scripts/herald.ts starts it: alone, its
 * V8 heap can be tuned for many idle connections ({@link REALTIME_V8_FLAGS}) without slowing the executor
 * and the embedded database, which allocate at a much higher rate.
 *
 * Input: `HERALD_REALTIME_CONFIG`, JSON `{port, apps, maxBatchEvents}` (the options of
 * `startRealtimeServer`). Output over IPC once listening: `{port}`. Closes (clients get 4100 and reconnect)
 * on SIGTERM or when its parent goes away (SIGINT is left to the launcher). A start that fails (port in
 * use) exits with code 1 and the reason on stderr.
 */
import { startRealtimeServer, type RealtimeServerOptions } from "../server/embedded/realtime/server";

const options = JSON.parse(process.env.HERALD_REALTIME_CONFIG ?? "{}") as RealtimeServerOptions;
try {
  const server = await startRealtimeServer(options);
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", close);
  process.on("disconnect", close);
  // Ctrl-C reaches the whole process group: the launcher stops this process itself, after the app.
  process.on("SIGINT", () => undefined);
  process.send?.({ port: server.port });
} catch (err) {
  console.error(`[herald] realtime: ${(err as Error).message}`);
  process.exit(1);
}
