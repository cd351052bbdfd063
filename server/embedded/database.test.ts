import { describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedDatabase } from "./database";

describe("embedded database (PGlite over the wire)", () => {
  it("keeps concurrent parameterised queries from many connections apart while another opens transactions", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 16 });
    const pool = new pg.Pool({ connectionString: db.url, max: 8 });
    const holder = new pg.Client({ connectionString: db.url });
    try {
      await holder.connect();
      await pool.query("CREATE TABLE kv (k int PRIMARY KEY, v text NOT NULL)");
      await pool.query("INSERT INTO kv SELECT g, 'value-' || g FROM generate_series(1, 200) g");
      // Another connection opens and closes transactions while 800 parameterised queries race on 8 others:
      // each transaction builds a backlog, and the backlog is where messages used to interleave.
      const transactions = (async () => {
        for (let j = 0; j < 10; j++) {
          await holder.query("BEGIN");
          await holder.query("UPDATE kv SET v = 'in-tx' WHERE k = $1", [1]);
          await new Promise((r) => setTimeout(r, 20));
          await holder.query("ROLLBACK");
        }
      })();
      const results = await Promise.all(
        Array.from({ length: 800 }, async (_, i) => {
          const k = 2 + (i % 199);
          const r = await pool.query<{ k: number; v: string; echo: string }>("SELECT k, v, $2::text AS echo FROM kv WHERE k = $1", [k, `q${i}`]);
          return { i, k, row: r.rows[0] };
        }),
      );
      await transactions;
      const wrong = results.filter(({ i, k, row }) => row?.k !== k || row.v !== `value-${k}` || row.echo !== `q${i}`);
      expect(wrong).toEqual([]);
      expect((await pool.query("SELECT v FROM kv WHERE k = 1")).rows[0].v).toBe("value-1"); // rolled back
    } finally {
      await holder.end().catch(() => undefined);
      await pool.end();
      await db.stop();
    }
  });

  it("gives each connection its own named prepared statements, and drops a closed connection's", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    const [a, b, watcher] = [0, 1, 2].map(() => new pg.Client({ connectionString: db.url })) as [pg.Client, pg.Client, pg.Client];
    try {
      for (const c of [a, b, watcher]) await c.connect();
      // The same name on two connections, with different texts (as two processes' statement caches may hold),
      // prepared and reused concurrently: each connection gets its own statement's answers.
      const loop = async (c: pg.Client, tag: string) => {
        const seen: string[] = [];
        for (let i = 0; i < 20; i++) {
          const r = await c.query<{ v: string }>({ name: "shared_name", text: `SELECT '${tag}:' || $1::text AS v`, values: [`${i}`] });
          seen.push(r.rows[0]!.v);
        }
        return seen;
      };
      const [fromA, fromB] = await Promise.all([loop(a, "a"), loop(b, "b")]);
      expect(fromA).toEqual(Array.from({ length: 20 }, (_, i) => `a:${i}`));
      expect(fromB).toEqual(Array.from({ length: 20 }, (_, i) => `b:${i}`));
      const statements = async () =>
        (await watcher.query<{ name: string }>("SELECT name FROM pg_prepared_statements ORDER BY name")).rows.map((r) => r.name.replace(/^c\d+_/, "c*_"));
      expect(await statements()).toEqual(["c*_shared_name", "c*_shared_name"]);
      await a.end();
      await expect.poll(statements).toEqual(["c*_shared_name"]);
    } finally {
      for (const c of [b, watcher]) await c.end().catch(() => undefined);
      await db.stop();
    }
  });

  it("keeps serving after a statement fails in the middle of the extended protocol", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => pool.query(i % 2 ? "SELECT $1::int AS n" : "SELECT $1::int / 0 AS n", [i])),
      );
      expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(20);
      const ok = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [[i, o.value.rows[0].n]] : []));
      expect(ok).toEqual(Array.from({ length: 20 }, (_, j) => [2 * j + 1, 2 * j + 1]));
    } finally {
      await pool.end();
      await db.stop();
    }
  });

  it("runs statements off the caller's event loop: a long one does not stall timers or sockets", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    const client = new pg.Client({ connectionString: db.url });
    try {
      await client.connect();
      // The longest gap between 5 ms timer ticks while one statement of several hundred ms runs.
      let last = performance.now();
      let longestGap = 0;
      const tick = setInterval(() => {
        const t = performance.now();
        longestGap = Math.max(longestGap, t - last);
        last = t;
      }, 5);
      const t0 = performance.now();
      const { rows } = await client.query("SELECT count(*)::int AS n FROM generate_series(1, 3000000) g WHERE g % 7 = 0");
      const statementMs = performance.now() - t0;
      clearInterval(tick);
      expect(rows[0].n).toBe(428571);
      expect(statementMs).toBeGreaterThan(300);
      expect(longestGap).toBeLessThan(Math.min(150, statementMs / 2));
    } finally {
      await client.end();
      await db.stop();
    }
  });
});
