import { defineConfig } from "prisma/config";

/**
 * Prisma 7 CLI configuration. The CLI reads DATABASE_URL only for `migrate deploy` on machines where
 * Prisma's schema engine can be downloaded; Herald applies migrations with `npm run db:migrate`.
 */
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/herald" },
});
