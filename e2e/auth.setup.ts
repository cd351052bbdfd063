/**
 * The "setup" project of playwright.config.ts (https://playwright.dev/docs/auth): signs in once per run as the
 * demo account of each role (e2e/helpers.ts `DEMO`) through the real /signin form, and saves the browser's
 * state (the session cookie) to `authFile(role)`. Specs that only need "signed in as" a demo role load it
 * (`signedInPage`, `test.use({ storageState })`) instead of filling the form again; the specs about signing
 * in itself, sessions and passwords keep the form.
 */
import { expect, test as setup } from "@playwright/test";
import { authFile, DEMO, signIn, type DemoRole } from "./helpers";

for (const role of Object.keys(DEMO) as DemoRole[]) {
  setup(`sign in as the demo ${role} (${DEMO[role]})`, async ({ page }) => {
    await signIn(page, DEMO[role]);
    const state = await page.context().storageState({ path: authFile(role) });
    expect(state.cookies.map((c) => c.name)).toContain("next-auth.session-token");
  });
}
