/**
 * Issue 5: a customer with a pickup in 25 h receives the 24 h email and the 1 h in-app reminder. The
 * pickup comes from a host platform through `POST /api/v1/events`; time moves through the executor's test
 * clock, a control that exists only in the embedded test mode (HERALD_TEST_CLOCK=1, Playwright's server).
 */
import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { advanceJobsClock, database, shot, signIn } from "./helpers";

const HOUR = 3_600_000;

test("a pickup in 25 h: the 24 h reminder email, then the 1 h in-app reminder", async ({ page, request }) => {
  const db = await database();
  const key = `hrld_key_${randomBytes(32).toString("base64url")}`;
  const keyRow = await db.query<{ id: string }>(
    `INSERT INTO api_keys (name, key_hash, prefix) VALUES ('e2e host platform', $1, $2) RETURNING id`,
    [createHash("sha256").update(key).digest("hex"), key.slice(0, 13)],
  );
  const customer = (await db.query<{ id: string; email: string }>(
    `SELECT id, email FROM users WHERE role = 'CUSTOMER' AND email LIKE '%.%@herald.test' ORDER BY email LIMIT 1`,
  )).rows[0]!;
  const mario = (await db.query<{ id: string }>(`SELECT id FROM businesses WHERE slug = 'mario-s-trattoria'`)).rows[0]!;
  const order = `E2E-${Date.now()}`;
  try {
    const sent = await request.post("/api/v1/events", {
      headers: { authorization: `Bearer ${key}`, "idempotency-key": order },
      data: {
        name: "pickup.scheduled",
        data: {
          pickup_id: order,
          business_id: mario.id,
          customer_id: customer.id,
          scheduled_at: new Date(Date.now() + 25 * HOUR).toISOString(),
          order_number: order,
          confirmation_code: "K7Q2",
          items: [{ name: "Lasagne", quantity: 2 }],
          total: "64.00",
        },
      },
    });
    expect(sent.status()).toBe(202);

    await signIn(page, customer.email);
    await expect(page.getByTestId("inbox-item").filter({ hasText: "Booking confirmed at Mario's Trattoria" })).toBeVisible();

    // 24 h before: the reminder email (critical: sent whatever the hour).
    await advanceJobsClock(HOUR + 60_000);
    await page.goto("/dev/mailbox");
    await expect(page.getByRole("link", { name: new RegExp(`Pickup reminder: order ${order}`) })).toBeVisible();
    await page.getByRole("link", { name: new RegExp(`Pickup reminder: order ${order}`) }).click();
    await expect(page.getByRole("heading", { name: "Pickup reminder" })).toBeVisible();
    await expect(page.getByTestId("mail-text")).toContainText("K7Q2");
    await shot(page, "pickup-reminder-email", true);

    // 1 h before: the in-app reminder arrives live in the open inbox.
    await page.goto("/notifications");
    await expect(page.getByTestId("inbox-item").filter({ hasText: "Pickup tomorrow at Mario's Trattoria" })).toBeVisible();
    await advanceJobsClock(23 * HOUR);
    await expect(page.getByTestId("inbox-item").filter({ hasText: "Pickup in 1 hour at Mario's Trattoria" })).toBeVisible();
    await shot(page, "pickup-reminder-inbox");
  } finally {
    // Leave nothing behind for other specs: the pickup, its notices and the key.
    await db.query(`DELETE FROM notifications WHERE dedupe_key LIKE 'pickup:%' AND user_id = $1`, [customer.id]);
    await db.query(`DELETE FROM pickups WHERE external_id = $1`, [order]);
    await db.query(`DELETE FROM api_keys WHERE id = $1`, [keyRow.rows[0]!.id]);
    await db.end();
  }
});
