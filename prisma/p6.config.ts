import { defineConfig } from "prisma6/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  adapter: async () => {
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 4 });
    await server.start();
    // Let the CLI exit when it is done: the server only serves this one command.
    (server as unknown as { server: { unref(): void } }).server.unref();
    const conn = server.getServerConn();
    return new PrismaPg({ connectionString: `postgresql://postgres@${conn}/postgres` }) as never;
  },
});
