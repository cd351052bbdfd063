/**
 * Rich notifications' images (issue 16): the owner posts a listing with a photo from the composer; a
 * follower sees it in the inbox (a real, decoded image) and on the listing page. The photo is stored by the
 * embedded disk storage and served at /uploads/….
 */
import bcrypt from "bcryptjs";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { DEMO_PASSWORD } from "../prisma/demo-accounts";
import { database, shot, signIn } from "./helpers";

const OWNER = "mario@herald.test";
const FOLLOWER = `e2e-photo-${Date.now()}@herald.test`;
let db: pg.Client;

test.beforeAll(async () => {
  db = await database();
  const r = await db.query<{ id: string }>(`INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Photo Follower', $2, 'CUSTOMER') RETURNING id`, [
    FOLLOWER,
    await bcrypt.hash(DEMO_PASSWORD, 10),
  ]);
  await db.query(`INSERT INTO follows (user_id, business_id) SELECT $1, id FROM businesses WHERE slug = 'mario-s-trattoria'`, [r.rows[0]!.id]);
});
test.afterAll(async () => {
  await db.query(`DELETE FROM users WHERE email = $1`, [FOLLOWER]);
  await db.end();
});

test("a listing's photo, uploaded in the composer, shows in the follower's inbox and on the listing", async ({ browser }) => {
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, OWNER);
  await owner.goto("/business/listings/new");
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
