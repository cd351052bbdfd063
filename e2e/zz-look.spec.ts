import { test } from "@playwright/test";
import { signIn } from "./helpers";
test.use({ viewport: { width: 375, height: 812 } });
test("look at 375", async ({ page }) => {
  await signIn(page, "admin@herald.test");
  const url = "https://example.com/a/very/long/path/that/never/ends/and/keeps/going/on/and/on/forever?with=query&and=more";
  await page.goto("/admin/campaigns/new");
  await page.getByLabel("Campaign name").fill("Long link");
  await page.getByLabel("Title").fill(`See ${url}`);
  await page.getByLabel("Message").fill(`Read ${url}`);
  await page.getByLabel("Subject").fill("Subject");
  await page.getByLabel("Body (markdown)").fill(`Hello [here](${url}) and ${url} bare`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/look-campaign-url.png`, fullPage: true });
  const sw = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth, [...document.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.tagName + "." + e.className.toString().slice(0, 60) + "|" + Math.round(e.getBoundingClientRect().right))]);
  console.log("scrollWidth", JSON.stringify(sw));
  await page.goto("/admin/deliveries");
  await page.screenshot({ path: `/tmp/look-admin-deliveries.png` });
});
