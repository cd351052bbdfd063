/** A business's generated logo (app/businesses/[slug]/logo.svg). Decorative next to the name. */
export function BusinessLogo({ slug, size = 40, name }: { slug: string; size?: number; name?: string }) {
  return (
    // eslint-disable-next-line @next/next/no-img-element -- a tiny same-origin SVG; next/image adds nothing here
    <img
      src={`/businesses/${encodeURIComponent(slug)}/logo.svg`}
      alt={name ? `${name} logo` : ""}
      width={size}
      height={size}
      className="shrink-0 rounded-lg"
    />
  );
}
