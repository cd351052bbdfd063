/**
 * `GET /metrics` of Herald's embedded Pusher-protocol server: its counters in Prometheus's text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for the bearer of `metricsToken`, as
 * soketi serves its own. Not part of the Pusher protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/) nor of its HTTP API
 * (https://pusher.com/docs/channels/library_auth_reference/rest-api/); docs/protocols.md describes those.
 *
 * @module
 */
import type http from "node:http";
import { sameSignature } from "../../signing";
import { respond } from "./http-api";
import { readStats, type RealtimeState } from "./state";

/**
 * Answers `GET /metrics`: 404 when no `metricsToken` is configured, 401 without `Authorization: Bearer
 * <metricsToken>`, else 200 with `herald_realtime_connections`, `_channels`, `_events_delivered_total` and
 * `_events_accepted_total`.
 */
export function serveMetrics(state: RealtimeState, req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  const token = state.settings.metricsToken;
  if (!token) return respond(res, 404, { error: "metrics are off (no metrics token)" });
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!given || !sameSignature(given, token)) return respond(res, 401, { error: "Unauthorized" });
  const s = readStats(state);
  const lines = [
    ["herald_realtime_connections", "gauge", "Open WebSocket connections", s.connections],
    ["herald_realtime_channels", "gauge", "Occupied channels", s.channels],
    ["herald_realtime_events_delivered_total", "counter", "Event frames written to sockets", s.eventsDelivered],
    ["herald_realtime_events_accepted_total", "counter", "Events accepted over the HTTP API, one per channel", s.eventsAccepted],
  ].flatMap(([name, type, help, value]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`]);
  const text = `${lines.join("\n")}\n`;
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}
