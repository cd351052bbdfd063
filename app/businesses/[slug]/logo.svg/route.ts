import { AppError } from "@/server/services/errors";
import { businessLogoSvg } from "@/server/services/businesses/businesses";

/** A business's generated logo as SVG (cached for a day). */
export async function GET(_req: Request, ctx: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await ctx.params;
  try {
    return new Response(await businessLogoSvg(slug), {
      headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
    });
  } catch (err) {
    if (err instanceof AppError) return new Response("Not found", { status: 404 });
    throw err;
  }
}
