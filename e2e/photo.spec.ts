/**
 * Rich notifications' images (issue 16): the owner posts a listing with a photo from the composer; a
 * follower sees it in the inbox (a real, decoded image) and on the listing page. The photo is stored by the
 * embedded disk storage and served at /uploads/…. The follower is this spec's own (prisma/factory.ts, a
 * unique address: nothing to clean up); the owner is the demo's, through its saved session.
 */
import { expect, test } from "@playwright/test";
import { createUser, follow } from "../prisma/factory";
import { factoryDb, shot, signedInPage, signIn } from "./helpers";

const FOLLOWER = `e2e-photo-${Date.now()}@herald.test`;

test.beforeAll(async () => {
  const fdb = factoryDb();
  const user = await createUser(fdb, { email: FOLLOWER, name: "Photo Follower" });
  await follow(fdb, user.id, (await fdb.business.findUniqueOrThrow({ where: { slug: "mario-s-trattoria" } })).id);
  await fdb.$disconnect();
});

test("a listing's photo, uploaded in the composer, shows in the follower's inbox and on the listing", async ({ browser }) => {
  const owner = await signedInPage(browser, "business", {}, "/business/listings/new");
  const title = `Pizza with a photo ${Date.now()}`;
  await owner.getByLabel("Title").fill(title);
  await owner.getByLabel("Price (ZAR)").fill("60");
  // Not an image: refused where it was chosen, nothing posted.
  await owner.getByLabel("Photo").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("<svg onload='alert(1)'/>") });
  await owner.getByRole("button", { name: "Post listing" }).click();
  await expect(owner.locator("#photo-error")).toHaveText("The photo must be a JPEG, PNG or WebP image");
  await owner.getByLabel("Photo").setInputFiles("app/apple-icon.png");
  await expect(owner.getByRole("img", { name: "The chosen photo" })).toBeVisible();
  await shot(owner, "composer-photo-desktop");
  await owner.getByRole("button", { name: "Post listing" }).click();
  await expect(owner.getByRole("status")).toContainText(`Posted “${title}”`);

  const follower = await (await browser.newContext()).newPage();
  await signIn(follower, FOLLOWER);
  const item = follower.getByTestId("inbox-item").filter({ hasText: title }).first();
  await expect(item).toBeVisible({ timeout: 20_000 });
  const photo = item.getByRole("img", { name: title });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const src = await photo.getAttribute("src");
  expect(src).toMatch(/\/uploads\/listings\/[0-9a-f-]{36}\.png$/);
  await shot(follower, "inbox-photo-desktop");

  await item.getByRole("button", { name: new RegExp(title) }).first().click();
  await expect(follower.getByRole("heading", { name: title })).toBeVisible();
  await expect(follower.getByRole("img", { name: title })).toHaveAttribute("src", src!);
});
