/** API tokens: created in settings and shown once, usable as a Bearer token, refused once revoked. */
import { expect, test } from "@playwright/test";
import { shot, signedInPage, signIn } from "./helpers";

test("create a token, call the HTTP API with it, revoke it", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "elena.nkosi@herald.test");
  await page.goto("/settings/tokens");
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await page.getByLabel("Name").fill("My phone");
  await page.getByRole("checkbox", { name: /notifications:read/ }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByLabel("Your new token");
  await expect(secret).toBeVisible();
  const token = await secret.inputValue();
  expect(token).toMatch(/^hrld_pat_[\w-]{40,}$/);
  await shot(page, "tokens-created-desktop");

  const call = () => page.request.get("/api/v1/notifications/unread-count", { headers: { authorization: `Bearer ${token}` } });
  const ok = await call();
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ unread_count: expect.any(Number), unseen_count: expect.any(Number) });
  // The scope is enforced: this token cannot mark things read.
  const denied = await page.request.post("/api/v1/notifications/mark-all-read", { headers: { authorization: `Bearer ${token}` } });
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error.code).toBe("PERMISSION_DENIED");

  await page.getByRole("button", { name: "I've saved it" }).click();
  await expect(secret).toHaveCount(0); // shown once
  await page.getByRole("button", { name: "Revoke My phone" }).click();
  await page.getByRole("group", { name: "Confirm revoking My phone" }).getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByRole("group", { name: "Confirm revoking My phone" })).toHaveCount(0); // revoked tokens leave the list
  const refused = await call();
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("UNAUTHORIZED");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "tokens-phone");
  // The public API reference the page links to.
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("/api/v1/notifications").first()).toBeVisible();
  await shot(page, "api-docs-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, "api-docs-desktop");
});

test("admins create and revoke API keys; others cannot open the page", async ({ browser }) => {
  const admin = await signedInPage(browser, "admin");
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "API keys" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toBeVisible();
  await admin.getByLabel("Name").fill("Marketplace backend");
  await admin.getByRole("button", { name: "Create key" }).click();
  const key = await admin.getByLabel("The new API key").inputValue();
  expect(key).toMatch(/^hrld_key_[\w-]{40,}$/);
  await shot(admin, "api-keys-desktop");
  // The key authenticates (the request then fails validation: no Idempotency-Key), until revoked.
  const send = () => admin.request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data: { name: "listing.created", data: {} } });
  expect((await send()).status()).toBe(400);
  await admin.getByRole("button", { name: "I've saved it" }).click();
  await admin.getByRole("button", { name: "Revoke Marketplace backend" }).click();
  await admin.getByRole("button", { name: "Yes, revoke" }).click();
  await expect.poll(async () => (await send()).status()).toBe(401);
  const customer = await signedInPage(browser, "customer");
  expect((await customer.goto("/admin/api-keys"))?.status()).toBe(403);
});
