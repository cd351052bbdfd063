/**
 * Issue 5: a customer with a pickup in 25 h receives the 24 h email and the 1 h in-app reminder. The
 * pickup comes from a host platform through `POST /api/v1/events`; time moves through the executor's test
 * clock, a control that exists only in the embedded test mode (HERALD_TEST_CLOCK=1, Playwright's server).
 * The customer and the host platform's API key are this spec's own (prisma/factory.ts): nothing to clean up.
 */
import { expect, test } from "@playwright/test";
import { createApiKey, createUser } from "../prisma/factory";
import { advanceJobsClock, factoryDb, shot, signIn } from "./helpers";

const HOUR = 3_600_000;

test("a pickup in 25 h: the 24 h reminder email, then the 1 h in-app reminder", async ({ page, request }) => {
  const fdb = factoryDb();
  const { key } = await createApiKey(fdb, { name: "e2e host platform" });
  const customer = await createUser(fdb, { name: "Reminder Tester" });
  const mario = await fdb.business.findUniqueOrThrow({ where: { slug: "mario-s-trattoria" } });
  await fdb.$disconnect();
  const order = `E2E-${Date.now()}`;
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
});
