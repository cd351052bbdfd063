/**
 * `/embed.js` (docs/requirements.md R21.5): the component builds with esbuild into one small script, with
 * its words in the three languages, and `GET /embed.js` serves it as JavaScript to any origin, cached and
 * revalidated by ETag.
 */
import { describe, expect, it } from "vitest";
import { buildEmbed } from "../../../scripts/lib/embed-bundle";
import { GET } from "../../../app/embed.js/route";

describe("/embed.js", () => {
  it("builds the component, pusher-js and its three catalogs into one small file, served with CORS * and an ETag", async () => {
    const built = await buildEmbed();
    expect(built.bytes).toBeLessThan(100 * 1024);
    expect(built.gzipBytes).toBeLessThan(32 * 1024);

    const res = await GET(new Request("http://localhost:3000/embed.js"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300, stale-while-revalidate=86400");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBe(built.bytes);
    expect(text).toContain('customElements.define("herald-inbox"');
    for (const word of ["Notifications, {count} new", "Kennisgewings, {count} nuut", "Izaziso, ezintsha ezingu-{count}"]) expect(text).toContain(word);
    // No server code or secret made it in.
    expect(text).not.toMatch(/server-only|PUSHER_SECRET|HERALD_EMBED_SECRET|DATABASE_URL/);

    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await GET(new Request("http://localhost:3000/embed.js", { headers: { "if-none-match": etag } }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const stale = await GET(new Request("http://localhost:3000/embed.js", { headers: { "if-none-match": '"old"' } }));
    expect(stale.status).toBe(200);
  });
});
