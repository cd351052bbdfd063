/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite in .data/. */
import { migrate } from "../server/db/migrate";
import { withDatabase } from "./lib/database";

await withDatabase(async (url) => {
  const ran = await migrate(url);
  console.log(ran.length ? `Applied ${ran.length} migration(s): ${ran.join(", ")}` : "Database is up to date.");
});
