/**
 * The embedded database's worker thread entry (./database.ts starts it): registers tsx, so the TypeScript
 * of ./database-host.ts loads in this thread as in the main one (Node 20 runs no TypeScript by itself).
 */
import { register } from "tsx/esm/api";

register();
await import("./database-host.ts");
