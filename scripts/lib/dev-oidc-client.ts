/**
 * The development OpenID provider's client at Herald (scripts/dev-oidc.ts, e2e/sso.spec.ts): what Herald needs in
 * OIDC_CLIENT_ID / OIDC_CLIENT_SECRET to use it. Not a secret: that provider runs on 127.0.0.1 for trying things
 * out. No imports, so playwright.config.ts can read it without loading the provider.
 */
export const DEV_OIDC_CLIENT = { id: "herald-dev", secret: "herald-dev-only-client-secret-0123456789" } as const;
