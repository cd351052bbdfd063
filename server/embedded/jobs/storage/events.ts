/**
 * Events: ingestion (events stored and their runs created in one statement, with the sender's-id dedupe
 * and function idempotency keys) and the reads of stored events — by id, not yet matched, or after a
 * sequence number (the matcher's, `../matching.ts`).
 */
import type { ConcurrencySlot } from "../functions";
import type { StoredEvent } from "../protocol";
import { json, num, type StorageContext } from "./sql";

/** An event to ingest. */
export interface IngestEvent {
  /** The id returned by the event API (a ULID; deterministic when the sender gave an id seed). */
  internalId: string;
  /** The sender's own `id`, deduplicated for 24 h. */
  dedupeKey?: string;
  event: StoredEvent;
}

/** A run to create for an accepted event. */
export interface NewRun {
  id: string;
  functionId: string;
  maxAttempts: number;
  /** The concurrency slots the run needs while it executes (functions.ts `concurrencySlots`). */
  concurrency: ConcurrencySlot[];
  /** Its idempotency key: no run is created when the function already has a run with it within 24 h. */
  idempotencyKey?: string;
}

/** A stored event as the matcher (cancelOn, waitForEvent) sees it. */
export interface MatchableEvent {
  internalId: string;
  /** Position in the executor's single sequence of events and waits (what "after" means). */
  seq: number;
  /** When the executor received it, ms since the epoch. */
  receivedAt: number;
  event: StoredEvent;
}

interface MatchableDbRow {
  internal_id: string;
  seq: string;
  received_at: string;
  payload: string;
}

const toMatchable = (r: MatchableDbRow): MatchableEvent => ({
  internalId: r.internal_id,
  seq: num(r.seq),
  receivedAt: num(r.received_at),
  event: JSON.parse(r.payload) as StoredEvent,
});

/** Storing and reading events. */
export function eventQueries({ q, S }: StorageContext) {
  return {
    /**
     * Stores events and creates their runs in one statement. An event is skipped (no runs) when its
     * internal id was seen before (a retried send with the same id seed) or its `dedupeKey` (the sender's
     * `id`) was seen within `dedupeWindowMs`. A run with an `idempotencyKey` is created only when its
     * function has no run with that key within `dedupeWindowMs` (and only the first of a batch). Events
     * take their sequence numbers in the order given; a run's `trigger_seq` is its event's. A run starts at
     * its event's `ts` when that lies more than `skewToleranceMs` in the future (Inngest delays the runs of
     * a future-dated event; a sender whose clock is slightly ahead does not).
     * @param planRuns the runs to create for an accepted event.
     * @returns the accepted events' sequence numbers by internal id, and the ids of the runs created.
     */
    async ingest(
      events: IngestEvent[],
      planRuns: (event: IngestEvent) => NewRun[],
      now: number,
      dedupeWindowMs: number,
      skewToleranceMs = 0,
    ): Promise<{ accepted: Map<string, number>; runIds: string[] }> {
      // A sender id repeated inside one batch: only its first event can be accepted.
      const seenKeys = new Set<string>();
      const candidates = events.filter((e) => {
        if (!e.dedupeKey) return true;
        if (seenKeys.has(e.dedupeKey)) return false;
        seenKeys.add(e.dedupeKey);
        return true;
      });
      if (candidates.length === 0) return { accepted: new Map(), runIds: [] };
      const input = candidates.map((e, ord) => ({
        ord,
        internal_id: e.internalId,
        id: e.event.id,
        name: e.event.name,
        payload: json(e.event),
        ts: e.event.ts,
        dedupe_key: e.dedupeKey ?? null,
      }));
      // An idempotency key repeated inside one batch: only its first run can be created.
      const seenIdempotency = new Set<string>();
      const runs = candidates.flatMap((e) =>
        planRuns(e)
          .filter((r) => {
            if (r.idempotencyKey === undefined) return true;
            const k = `${r.functionId}\u0000${r.idempotencyKey}`;
            if (seenIdempotency.has(k)) return false;
            seenIdempotency.add(k);
            return true;
          })
          .map((r) => ({
            id: r.id,
            function_id: r.functionId,
            event_internal_id: e.internalId,
            max_attempts: r.maxAttempts,
            concurrency: r.concurrency,
            idempotency_key: r.idempotencyKey ?? null,
          })),
      );
      // One statement: dedupe keys, events (in order), idempotency keys, then runs for the events inserted.
      const res = await q<{ kind: "event" | "run"; id: string; seq: string | null }>(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS x(ord integer, internal_id text, id text, name text, payload text, ts bigint, dedupe_key text)
         ), keyed AS (
           INSERT INTO ${S}.event_dedupe (key, expires_at)
           SELECT dedupe_key, $3::bigint FROM input WHERE dedupe_key IS NOT NULL
           ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
             WHERE ${S}.event_dedupe.expires_at <= $4
           RETURNING key
         ), accepted AS (
           INSERT INTO ${S}.events (internal_id, id, name, payload, ts, received_at)
           SELECT internal_id, id, name, payload, ts, $4 FROM input
           WHERE dedupe_key IS NULL OR dedupe_key IN (SELECT key FROM keyed)
           ORDER BY ord
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id, seq
         ), planned AS (
           SELECT r.*, a.seq, i.ts FROM jsonb_to_recordset($2::jsonb)
             AS r(id text, function_id text, event_internal_id text, max_attempts integer, concurrency jsonb, idempotency_key text)
           JOIN accepted a ON a.internal_id = r.event_internal_id
           JOIN input i ON i.internal_id = r.event_internal_id
         ), idempotent AS (
           INSERT INTO ${S}.idempotency_keys (function_id, key, run_id, expires_at)
           SELECT function_id, idempotency_key, id, $3::bigint FROM planned WHERE idempotency_key IS NOT NULL
           ON CONFLICT (function_id, key) DO UPDATE SET run_id = EXCLUDED.run_id, expires_at = EXCLUDED.expires_at
             WHERE ${S}.idempotency_keys.expires_at <= $4
           RETURNING run_id
         ), created AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at, trigger_seq, concurrency)
           SELECT id, function_id, jsonb_build_array(event_internal_id), 'queued', max_attempts, $4, $4,
             CASE WHEN ts > $4 + $5 THEN ts ELSE $4 END, seq, concurrency
           FROM planned
           WHERE idempotency_key IS NULL OR id IN (SELECT run_id FROM idempotent)
           RETURNING id
         )
         SELECT 'event' AS kind, internal_id AS id, seq FROM accepted
         UNION ALL
         SELECT 'run' AS kind, id, NULL FROM created`,
        [json(input), json(runs), now + dedupeWindowMs, now, skewToleranceMs],
      );
      const accepted = new Map(res.rows.filter((r) => r.kind === "event").map((r) => [r.id, Number(r.seq)]));
      const created = new Set(res.rows.filter((r) => r.kind === "run").map((r) => r.id));
      return { accepted, runIds: runs.map((r) => r.id).filter((id) => created.has(id)) };
    },

    /** The payloads of events by internal id, in the order given. */
    async loadEvents(internalIds: string[]): Promise<StoredEvent[]> {
      const res = await q<{ internal_id: string; payload: string }>(
        `SELECT internal_id, payload FROM ${S}.events WHERE internal_id = ANY($1::text[])`,
        [internalIds],
      );
      const byId = new Map(res.rows.map((r) => [r.internal_id, JSON.parse(r.payload) as StoredEvent]));
      return internalIds.flatMap((id) => {
        const e = byId.get(id);
        return e ? [e] : [];
      });
    },

    /** Up to `limit` events not yet through a matching pass (e.g. after a crash), oldest first. */
    async unmatchedEvents(limit: number): Promise<MatchableEvent[]> {
      const res = await q<MatchableDbRow>(
        `SELECT internal_id, seq, received_at, payload FROM ${S}.events WHERE NOT matched ORDER BY seq LIMIT $1`,
        [limit],
      );
      return res.rows.map(toMatchable);
    },

    /** Events named `name` stored after sequence number `afterSeq` (at most 1000), oldest first. */
    async eventsAfter(name: string, afterSeq: number): Promise<MatchableEvent[]> {
      const res = await q<MatchableDbRow>(
        `SELECT internal_id, seq, received_at, payload FROM ${S}.events WHERE name = $1 AND seq > $2 ORDER BY seq LIMIT 1000`,
        [name, afterSeq],
      );
      return res.rows.map(toMatchable);
    },
  };
}
