import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // "server-only" throws outside React Server Components; services are plain modules under test.
      "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    // `*.postgres.test.ts` need sessions of their own (PGlite has one): the PostgreSQL lane only.
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**", ...(process.env.HERALD_TEST_DATABASE_URL ? [] : ["**/*.postgres.test.ts"])],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    // One database for the run; files run one after another so timings and PGlite's single backend stay predictable.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
