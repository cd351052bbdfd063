/**
 * Sign-in with the platform's provider in the browser tests (issue 17), shared by playwright.config.ts (the
 * Herald under test gets them as OIDC_*) and e2e/sso.spec.ts (which starts the development provider,
 * scripts/lib/oidc-platform.ts, on this fixed port: Herald must know its issuer before it starts).
 */
import { DEV_OIDC_CLIENT } from "../scripts/lib/dev-oidc-client";

export const OIDC_E2E = {
  port: 3190,
  issuer: "http://127.0.0.1:3190",
  clientId: DEV_OIDC_CLIENT.id,
  clientSecret: DEV_OIDC_CLIENT.secret,
  /** The button reads "Sign in with Platform ID". */
  name: "Platform ID",
} as const;
