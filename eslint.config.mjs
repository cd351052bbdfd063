import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Layering the linter enforces (docs/architecture.md, "Layers"). `no-restricted-imports` sees only static
 * `import`/`export … from` (not `import()`), and a later config object replaces an earlier one's options for
 * the same rule, so the two scopes below are disjoint.
 */

/** Code that may import the database client and Prisma's generated types. */
const DATA_LAYER = [
  "server/services/**", // the domain: the only code that queries the database
  "server/db.ts", // the client itself
  "server/db/**", // migrations and statement naming
  "server/generated/**",
  // Tests, fixtures, seeding, operator scripts and benchmarks set up and inspect rows directly.
  "**/*.test.ts",
  "**/*.test.tsx",
  "test/**",
  "e2e/**",
  "app/api/v1/_test/**",
  "prisma/**",
  "scripts/**",
  "bench/**",
];

/** Tests may wire whole stacks (a service with the job engine behind it). */
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".data/**", "node_modules/**", "server/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "embed/dist/**"]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Routes, tRPC routers, Inngest functions, components and the rest reach the database through
    // server/services: neither the client (server/db.ts) nor Prisma's types (server/generated, @prisma/client).
    files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs}"],
    ignores: DATA_LAYER,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: String.raw`^(@/server/db|(\.{1,2}/)+(server/)?db)$`,
              message: "Only server/services (and server/db) use the database client: call a service function instead (docs/architecture.md, Layers).",
            },
            {
              regex: String.raw`(^|/)generated/prisma(/|$)|^@prisma/client(/|$)`,
              message: "Prisma's generated types stay inside server/services: import the service's own type (or derive one from its functions) instead (docs/architecture.md, Layers).",
            },
            {
              // inngest/ is driven through its serve endpoint (app/api/inngest/route.ts); everything else
              // emits events (server/events.ts) and calls services.
              regex: String.raw`^(@/inngest|(\.{1,2}/)+inngest)(/|$)`,
              message: "Only the engine's serve endpoint (app/api/inngest/route.ts) imports inngest/: send an event (server/events.ts) or call a service instead (docs/architecture.md, Layers).",
            },
          ],
        },
      ],
    },
  },
  {
    // Services emit events (server/events.ts) and never import the job engine's functions or client:
    // inngest/ imports services, so the reverse edge would be a cycle; and they build no HTTP answers
    // (docs/architecture.md, Layers).
    files: ["server/services/**"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: String.raw`^(@/inngest|(\.{1,2}/)+inngest)(/|$)`,
              message: "server/services must not import inngest/: event definitions live in server/events.ts, and the relay gets its sender from its caller (docs/architecture.md, Layers).",
            },
          ],
        },
      ],
      // Services return values and throw AppError; building the HTTP answer is server/http's job.
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name=/^(Response|NextResponse)$/]",
          message: "Services do not build Responses: return a value (or throw AppError) and let server/http or the route answer (docs/architecture.md, Layers).",
        },
        {
          selector: "CallExpression[callee.object.name=/^(Response|NextResponse)$/]",
          message: "Services do not build Responses: return a value (or throw AppError) and let server/http or the route answer (docs/architecture.md, Layers).",
        },
      ],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its rejection (an unhandled rejection ends a Node.js
    // process) and its ordering. Fix a finding with `await`, with `.catch` that logs, or with `void` and a
    // comment saying why fire-and-forget is meant; never by turning the rule off. typescript-eslint's
    // project service types each file with tsconfig.json
    // (https://typescript-eslint.io/packages/parser#projectservice), so only the files it includes.
    // `checksVoidReturn.attributes: false`: React ignores what an event handler returns, and Herald's async
    // `onClick`/`onSubmit` handlers await their own work and show its failure; every promise inside a handler
    // is still checked by no-floating-promises, and promises passed as arguments, properties and returns
    // are still checked here (https://typescript-eslint.io/rules/no-misused-promises#checksvoidreturn).
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
]);
