/**
 * Email preferences end to end (issue "People choose what reaches them"): email off for new listings →
 * in-app only; back on → the email arrives in the dev mailbox; its unsubscribe link works for a logged-out
 * visitor in one click; an RFC 8058 one-click POST answers 200 with an empty body.
 */
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { database, postListing, shot, signedInPage, signIn, saveStatus } from "./helpers";

const CUSTOMER = "aisha.naidoo@herald.test";
let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db.end();
});

/** The customer's email delivery for a listing title, once the pipeline has decided it. */
async function emailDelivery(title: string) {
  let row: { status: string; reason: string | null } | undefined;
  await expect
    .poll(async () => {
      const r = await db.query<{ status: string; reason: string | null }>(
        `SELECT d.status, d.reason FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = n.user_id
         WHERE u.email = $1 AND n.title LIKE $2 AND d.channel = 'EMAIL' AND d.status <> 'QUEUED'`,
        [CUSTOMER, `%${title}`],
      );
      row = r.rows[0];
      return row?.status ?? "pending";
    }, { timeout: 20_000 })
    .not.toBe("pending");
  return row!;
}

test("email off → in-app only; on → email; unsubscribe link works logged out", async ({ browser }) => {
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, CUSTOMER);
  // Follow Mario's if not yet.
  await customer.goto("/businesses/mario-s-trattoria");
  const followBtn = customer.getByRole("button", { name: "Follow Mario's Trattoria" });
  if (await followBtn.isVisible()) await followBtn.click();
  await expect(customer.getByRole("button", { name: "Unfollow Mario's Trattoria" })).toBeVisible();
  // Quiet hours off (the test must not depend on the hour it runs at), email for listings off.
  await customer.goto("/settings/notifications");
  const quiet = customer.getByRole("switch", { name: "Quiet hours" });
  if ((await quiet.getAttribute("aria-checked")) === "true") {
    await quiet.click();
    await expect(quiet).toHaveAttribute("aria-checked", "false");
    await expect(saveStatus(customer)).toHaveText("Saved ✓");
  }
  await customer.getByRole("checkbox", { name: "Email: Listings" }).uncheck();
  await expect(saveStatus(customer)).toHaveText("Saved ✓");

  const owner = await signedInPage(browser, "business");
  const first = `Focaccia ${Date.now()}`;
  await postListing(owner, first);
  await customer.goto("/notifications");
  await expect(customer.getByTestId("inbox-item").first()).toContainText(first);
  expect(await emailDelivery(first)).toEqual({ status: "SKIPPED", reason: "preference" });
  // The notification's details say where it went and why email did not.
  const item = customer.getByTestId("inbox-item").filter({ hasText: first });
  await item.getByRole("button", { name: "Details" }).click();
  const where = item.getByRole("list", { name: "Where this notification went" });
  await expect(where).toContainText("In-app");
  await expect(where).toContainText("you turned this topic off for this channel");
  await customer.goto("/dev/mailbox");
  await expect(customer.getByRole("heading", { name: "Dev mailbox" })).toBeVisible();
  await expect(customer.getByText(first)).toHaveCount(0);

  // Back on: the next listing arrives by email.
  await customer.goto("/settings/notifications");
  await customer.getByRole("checkbox", { name: "Email: Listings" }).check();
  await expect(saveStatus(customer)).toHaveText("Saved ✓");
  const second = `Tiramisu ${Date.now()}`;
  await postListing(owner, second);
  expect(await emailDelivery(second)).toEqual({ status: "SENT", reason: null });
  await customer.goto("/dev/mailbox");
  await customer.getByRole("link", { name: new RegExp(second) }).click();
  await expect(customer.getByRole("heading", { name: `New at Mario's Trattoria: ${second}` })).toBeVisible();
  await expect(customer.getByText("List-Unsubscribe-Post")).toBeVisible();
  await shot(customer, "mailbox-message-desktop", true);
  const text = await customer.getByTestId("mail-text").textContent();
  const url = /https?:\/\/\S+\/unsubscribe\/[\w.-]+/.exec(text ?? "")?.[0];
  expect(url).toBeTruthy();

  // A logged-out visitor opens the link: a GET changes nothing; one click unsubscribes.
  const visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await visitor.goto(url!);
  await expect(visitor.getByRole("heading", { name: "Email preferences" })).toBeVisible();
  await shot(visitor, "unsubscribe-phone");
  const pref = () =>
    db.query(`SELECT p.enabled FROM notification_preferences p JOIN users u ON u.id = p.user_id WHERE u.email = $1 AND p.category = 'listings' AND p.channel = 'EMAIL'`, [CUSTOMER]);
  expect((await pref()).rows).toEqual([{ enabled: true }]);
  await visitor.getByRole("button", { name: /Unsubscribe from these emails/ }).click();
  await expect(visitor.getByRole("status")).toHaveText("Done. You are unsubscribed.");
  expect((await pref()).rows).toEqual([{ enabled: false }]);
  await visitor.getByRole("button", { name: /Resubscribe/ }).first().click();
  await expect(visitor.getByRole("status")).toHaveText(/subscribed again/);
  expect((await pref()).rows).toEqual([{ enabled: true }]);

  // RFC 8058: a one-click POST with a form body, no cookie: 200, empty body, no redirect.
  const res = await visitor.request.post(url!, { form: { "List-Unsubscribe": "One-Click" }, maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe("");
  expect((await pref()).rows).toEqual([{ enabled: false }]);
  // A forged link: the same generic page, nothing changes.
  await visitor.goto(`${url!.slice(0, -3)}xyz`);
  await expect(visitor.getByRole("heading", { name: "This unsubscribe link is not valid" })).toBeVisible();
  await customer.goto("/dev/mailbox");
  await expect(customer.getByTestId("mailbox-list")).toContainText(second);
  await shot(customer, "mailbox-desktop");
  await customer.setViewportSize({ width: 390, height: 844 });
  await shot(customer, "mailbox-phone");
  await visitor.setViewportSize({ width: 1280, height: 800 });
  await visitor.goto(url!);
  await shot(visitor, "unsubscribe-desktop");

  // An admin sees the same decisions in the user's delivery log.
  const admin = await signedInPage(browser, "admin", {}, `/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}`);
  await expect(admin.getByRole("table")).toContainText("the recipient turned this topic off for this channel");
  await expect(admin.getByRole("table")).toContainText("SENT");
  await shot(admin, "admin-deliveries-desktop");
});
