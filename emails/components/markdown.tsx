import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { toJsxRuntime, type Components } from "hast-util-to-jsx-runtime";
import type { Element, ElementContent, Root } from "hast";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { visit, SKIP } from "unist-util-visit";
import { Heading, Link, Text } from "react-email";
import { safeActionUrl } from "./safety";
import { styles } from "./theme";

/** The markdown a campaign body may use: paragraphs, emphasis, links, lists, headings, quotes, breaks. */
const ALLOWED = new Set(["p", "strong", "em", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "hr"]);

/**
 * Markdown → hast with the unified pipeline (remark-parse, remark-rehype without `allowDangerousHtml`, so
 * raw HTML in the source is dropped), then every element outside {@link ALLOWED} unwrapped to its children
 * (images, code, tables become their text).
 */
function toSafeHast(source: string): Root {
  const processor = unified().use(remarkParse).use(remarkRehype);
  const tree = processor.runSync(processor.parse(source)) as Root;
  visit(tree, "element", (node: Element, index, parent) => {
    if (ALLOWED.has(node.tagName) || !parent || index === undefined) return;
    parent.children.splice(index, 1, ...(node.children as ElementContent[]));
    return [SKIP, index];
  });
  return tree;
}

/**
 * A safe subset of markdown rendered as React elements (never `dangerouslySetInnerHTML`): raw HTML is
 * dropped, other elements unwrapped, `# h1` becomes a level-2 heading (the template owns the h1), and every
 * link goes through `safeActionUrl` (https or app-relative only). With `track` (a click-redirect base such
 * as `https://…/r/<token>`), every link goes through it with the destination in `u`
 * (server/services/email/click-tracking.ts). Plain functions and the JSX runtime only (no hooks), so it
 * renders under React's server build too.
 */
export function SafeMarkdown({ source, appUrl, track }: { source: string; appUrl: string; track?: string }) {
  const href = (url: unknown) => {
    const safe = safeActionUrl(typeof url === "string" ? url : undefined, appUrl);
    return track ? `${track}?u=${encodeURIComponent(safe)}` : safe;
  };
  const h2: Components["h2"] = ({ children }) => <Heading as="h2" style={styles.subheading}>{children}</Heading>;
  const h3: Components["h3"] = ({ children }) => <Heading as="h3" style={styles.subheading}>{children}</Heading>;
  const components: Partial<Components> = {
    p: ({ children }) => <Text style={styles.text}>{children}</Text>,
    a: ({ href: to, children }) => (
      <Link href={href(to)} style={styles.link}>
        {children}
      </Link>
    ),
    h1: h2,
    h2,
    h3,
    h4: h3,
    h5: h3,
    h6: h3,
    ul: ({ children }) => <ul style={{ ...styles.text, paddingLeft: "20px" }}>{children}</ul>,
    ol: ({ children }) => <ol style={{ ...styles.text, paddingLeft: "20px" }}>{children}</ol>,
    blockquote: ({ children }) => <blockquote style={{ ...styles.text, borderLeft: "3px solid #cbd5e1", paddingLeft: "12px", margin: "0 0 16px" }}>{children}</blockquote>,
  };
  return toJsxRuntime(toSafeHast(source), { Fragment, jsx, jsxs, components, ignoreInvalidStyle: true });
}
