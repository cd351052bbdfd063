/**
 * Two Herald instances, two soketi nodes (issue 15; the topology of scripts/scale-out.ts): the customer's
 * browser is on instance A, reaching soketi node 1 through a load balancer; the business's browser is on
 * instance B, whose server publishes to node 2. A post on B reaches the customer on A live (node 2 → Redis →
 * node 1). When node 1 is lost and the balancer sends the customer to node 2, the badge is right after the
 * reconnect, including a post made while the customer was offline, and live posts reach them again.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { expect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { badge, badgeName, shot, signIn, unreadInDb, unseenInDb } from "../helpers";

const CUSTOMER = "thandi@herald.test";
const OWNER = "mario@herald.test";
/** Where scripts/scale-out.ts put things (written once the topology is up, after the tests are collected). */
let topology: { a: string; b: string; databaseUrl: string; controlUrl: string };
const TOPOLOGY = ".data/scale-out/topology.json";
let db: pg.Client;
test.beforeAll(async () => {
  // Playwright starts once W answers its health check; scripts/scale-out.ts writes the topology just after.
  await expect.poll(() => existsSync(TOPOLOGY), { timeout: 60_000 }).toBe(true);
  topology = JSON.parse(readFileSync(TOPOLOGY, "utf8")) as typeof topology;
  db = new pg.Client({ connectionString: topology.databaseUrl });
  await db.connect();
});
test.afterAll(async () => {
  await db.end();
});

async function pageOn(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 } });
  return context.newPage();
}

/** Points the customer's load balancer at soketi node 1, node 2, or nowhere; cuts its open connections. */
async function realtimeTo(to: "1" | "2" | "down") {
  const res = await fetch(`${topology.controlUrl}/realtime?to=${to}`, { method: "POST" });
  expect(res.status).toBe(200);
}

async function post(owner: Page, title: string) {
  await owner.goto("/business/listings/new");
  await owner.getByLabel("Title").fill(title);
  await owner.getByLabel("Description").fill("Baked this morning.");
  await owner.getByLabel("Price (ZAR)").fill("40");
  await owner.getByRole("button", { name: "Post listing" }).click();
  await expect(owner.getByRole("status")).toContainText(`Posted “${title}”`);
}


test("a post on instance B reaches a follower on instance A live, and the badge is right after a reconnect to the other node", async ({ browser }) => {
  const customer = await pageOn(browser, topology.a);
  await signIn(customer, CUSTOMER);
  await customer.goto("/businesses");
  await customer.getByLabel("Search businesses").fill("Mario");
  await customer.getByRole("button", { name: "Search" }).click();
  await customer.getByRole("link", { name: "Mario's Trattoria" }).click();
  const follow = customer.getByRole("button", { name: "Follow Mario's Trattoria" });
  if (await follow.isVisible()) await follow.click();
  await expect(customer.getByRole("button", { name: "Unfollow Mario's Trattoria" })).toBeVisible();
  await customer.goto("/notifications");
  await expect(customer.getByTestId("inbox-list")).toBeVisible();
  // The badge counts what is new (unseen); every post below adds one to both counts.
  const unreadBefore = await unreadInDb(db, CUSTOMER);
  const before = await unseenInDb(db, CUSTOMER);
  await expect(badge(customer)).toHaveAccessibleName(badgeName(before));

  const owner = await pageOn(browser, topology.b);
  await signIn(owner, OWNER);

  // 1. Live across instances and nodes.
  const first = `Focaccia ${Date.now()}`;
  await post(owner, first);
  await expect(badge(customer)).toHaveAccessibleName(badgeName(before + 1));
  await expect(customer.getByTestId("inbox-item").first()).toContainText(first);
  await shot(customer, "scale-out-live");

  // 2. Node 1 is lost: the customer is offline while the business posts again; no signal can reach them.
  await realtimeTo("down");
  const offline = `Ciabatta ${Date.now()}`;
  await post(owner, offline);
  await expect.poll(() => unreadInDb(db, CUSTOMER)).toBe(unreadBefore + 2); // fanned out while they are offline
  await customer.waitForTimeout(500); // time a (wrongly) live signal would need to show
  await expect(badge(customer)).toHaveAccessibleName(badgeName(before + 1));

  // 3. The balancer sends them to node 2: on reconnect the badge and inbox come from the server.
  await realtimeTo("2");
  await expect(badge(customer)).toHaveAccessibleName(badgeName(before + 2), { timeout: 45_000 });
  await expect(customer.getByTestId("inbox-item").first()).toContainText(offline);

  // 4. And live again, now through node 2.
  const third = `Grissini ${Date.now()}`;
  await post(owner, third);
  await expect(badge(customer)).toHaveAccessibleName(badgeName(before + 3));
  await expect(customer.getByTestId("inbox-item").first()).toContainText(third);

  await owner.context().close();
  await customer.context().close();
});

test("instance A stops gracefully on SIGTERM: it exits 0, holds no job lease, and B goes on without it", async ({ browser }) => {
  const res = await fetch(`${topology.controlUrl}/stop?instance=A`, { method: "POST" });
  const stopped = (await res.json()) as { code: number | null; signal: string | null; ms: number };
  expect(stopped).toMatchObject({ code: 0, signal: null });
  expect(stopped.ms).toBeLessThan(20_000);
  // Its executor (instance id <host>:3201) gave back every lease it held.
  const leased = await db.query(`SELECT count(*)::int AS n FROM herald_jobs.runs WHERE lease_owner = $1`, [`${hostname()}:3201`]);
  expect(leased.rows[0].n).toBe(0);
  await expect(fetch(`${topology.a}/api/health/live`)).rejects.toThrow();

  // B and the worker carry on: a post on B still reaches the follower's inbox.
  const owner = await pageOn(browser, topology.b);
  await signIn(owner, OWNER);
  const before = await unreadInDb(db, CUSTOMER);
  await post(owner, `Biscotti ${Date.now()}`);
  await expect.poll(() => unreadInDb(db, CUSTOMER)).toBe(before + 1);
  await owner.context().close();
});
