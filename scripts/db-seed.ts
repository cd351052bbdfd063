/** `npm run db:seed`: applies migrations, then seeds the demo data (once). */
import { migrate } from "../server/db/migrate";
import { seedDatabase } from "../prisma/seed";
import { withDatabase } from "./lib/database";

await withDatabase(async (url) => {
  await migrate(url);
  console.log((await seedDatabase(url)) ? "Seeded the demo data." : "Demo data already present: nothing to do.");
});
