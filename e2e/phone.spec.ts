/**
 * Issue 7 (SMS): a person adds a mobile number in account settings, reads the texted code on /dev/sms (texts
 * are captured in the e2e server), types a wrong code then the right one, sees the number verified; replies
 * STOP through the dev page's "simulate a reply" and sees texts paused; resumes; removes the number again
 * (the e2e database is shared by every spec). Screenshots go to e2e/screenshots/sms-* (looked at, not compared).
 * The demo NGO's saved session (e2e/auth.setup.ts) is the page's and its second tab's.
 */
import { expect, test } from "@playwright/test";
import { authFile, database, DEMO, sectionShots } from "./helpers";

const EMAIL = DEMO.ngo;
const SHOTS = "e2e/screenshots";

test.use({ storageState: authFile("ngo") });

test("verify a mobile number with a texted code, then reply STOP and resume", async ({ page, context }) => {
  const db = await database();
  const forget = () => db.query(`UPDATE users SET phone = NULL, phone_verified_at = NULL, sms_opted_out_at = NULL WHERE email = $1`, [EMAIL]);
  try {
    await forget();
    await page.goto("/notifications");
    await expect(page).toHaveURL(/\/notifications$/);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outbox", exact: true })).toBeVisible();
    await page.goto("/settings/account#phone");
    const section = page.getByRole("region", { name: "Mobile number for texts" });
    await expect(section).toBeVisible();
    await expect(section.getByText(/read as South Africa \(\+27\)/)).toBeVisible();

    // A landline is refused inline, with focus back on the field.
    const numberField = section.getByLabel("Mobile number");
    await numberField.fill("021 555 1234");
    await section.getByRole("button", { name: "Send code" }).click();
    await expect(section.getByRole("alert")).toHaveText(/landline/);
    await expect(numberField).toBeFocused();
    await expect(numberField).toHaveAttribute("aria-invalid", "true");
    await sectionShots(page, section, "sms-phone-error");

    await numberField.fill("082 555 0142");
    await sectionShots(page, section, "sms-phone-entry");
    await section.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByTestId("phone-announcement")).toHaveText("We texted a code to +27 82 555 0142.");
    const codeField = section.getByLabel("Code from the text");
    await expect(codeField).toBeFocused();
    await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
    await expect(codeField).toHaveAttribute("inputmode", "numeric");
    await expect(section.getByRole("button", { name: /Send a new code \(\d+ s\)/ })).toBeDisabled();
    await sectionShots(page, section, "sms-phone-code");

    // The code, from the dev texts page (a second tab, as a person would do).
    const dev = await context.newPage();
    await dev.goto("/dev/sms");
    const text = dev.getByTestId("sms-body").first();
    await expect(text).toHaveText(/^Herald code: \d{6}\. It expires in 10 minutes\. Don't share it\.$/);
    await expect(dev.getByTestId("sms-list").getByText(/1 segment · GSM-7 · \d+\/160/).first()).toBeVisible();
    const code = /(\d{6})/.exec((await text.textContent()) ?? "")![1]!;
    await dev.screenshot({ path: `${SHOTS}/sms-dev-sms-desktop.png`, fullPage: true });
    await dev.setViewportSize({ width: 375, height: 812 });
    await dev.screenshot({ path: `${SHOTS}/sms-dev-sms-375.png`, fullPage: true });

    await codeField.fill(code === "000000" ? "111111" : "000000");
    await section.getByRole("button", { name: "Verify" }).click();
    await expect(section.getByRole("alert")).toHaveText("That code is not right. 4 tries left.");
    await expect(codeField).toBeFocused();
    await codeField.fill(code);
    await section.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByTestId("phone-announcement")).toHaveText("+27 82 555 0142 is verified.");
    await expect(section.getByTestId("phone-number")).toHaveText("+27 82 555 0142");
    await expect(section.getByText("Verified", { exact: true })).toBeVisible();
    expect((await db.query(`SELECT phone FROM users WHERE email = $1`, [EMAIL])).rows[0]).toEqual({ phone: "+27825550142" });
    await sectionShots(page, section, "sms-phone-verified");

    // STOP from the phone, simulated on the dev page.
    await dev.reload();
    await dev.getByLabel("Reply text").fill("stop");
    await dev.getByRole("button", { name: "Send reply" }).click();
    await expect(dev.getByTestId("reply-outcome")).toHaveText(/^Opted out/);
    await dev.screenshot({ path: `${SHOTS}/sms-dev-sms-reply-375.png`, fullPage: true });

    await page.reload();
    await expect(section.getByTestId("phone-opted-out")).toContainText("You replied STOP on");
    await expect(section.getByText("Texts paused")).toBeVisible();
    await sectionShots(page, section, "sms-phone-opted-out");
    await section.getByRole("button", { name: "Resume texts" }).click();
    await expect(page.getByTestId("phone-announcement")).toHaveText("Texts resumed.");
    await expect(section.getByTestId("phone-opted-out")).toHaveCount(0);

    // Clean up through the UI: remove the number.
    await section.getByRole("button", { name: "Remove", exact: true }).click();
    await section.getByRole("button", { name: "Remove number" }).click();
    await expect(page.getByTestId("phone-announcement")).toHaveText(/Your number was removed/);
    await expect(section.getByLabel("Mobile number")).toBeVisible();
    expect((await db.query(`SELECT phone, sms_opted_out_at FROM users WHERE email = $1`, [EMAIL])).rows[0]).toEqual({ phone: null, sms_opted_out_at: null });
  } finally {
    await forget();
    await db.end();
  }
});
