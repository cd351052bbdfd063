import Markdown from "react-markdown";
import { Heading, Link, Text } from "@react-email/components";
import { safeActionUrl } from "./safety";
import { styles } from "./theme";

/** The markdown a campaign body may use: paragraphs, emphasis, links, lists, headings, quotes, breaks. */
const ALLOWED = ["p", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote", "br", "hr"];

/**
 * A safe subset of markdown rendered as React elements (react-markdown: no `dangerouslySetInnerHTML`).
 * Raw HTML in the source is dropped, any element outside {@link ALLOWED} is unwrapped to its text, `# h1`
 * becomes a level-2 heading (the template owns the h1), and every link goes through `safeActionUrl`
 * (https or app-relative only). With `track` (a click-redirect base such as `https://…/r/<token>`), every
 * link goes through it with the destination in `u` (server/services/email/click-tracking.ts).
 */
export function SafeMarkdown({ source, appUrl, track }: { source: string; appUrl: string; track?: string }) {
  /** A link's final href: checked by safeActionUrl, then (with `track`) wrapped in the click redirect. */
  const href = (url: string | undefined) => {
    const safe = safeActionUrl(url, appUrl);
    return track ? `${track}?u=${encodeURIComponent(safe)}` : safe;
  };
  return (
    <Markdown
      skipHtml
      unwrapDisallowed
      allowedElements={[...ALLOWED, "h1", "h4", "h5", "h6"]}
      urlTransform={(url) => safeActionUrl(url, appUrl)}
      components={{
        p: ({ children }) => <Text style={styles.text}>{children}</Text>,
        a: ({ href: to, children }) => (
          <Link href={href(to)} style={styles.link}>
            {children}
          </Link>
        ),
        h1: ({ children }) => <Heading as="h2" style={styles.subheading}>{children}</Heading>,
        h2: ({ children }) => <Heading as="h2" style={styles.subheading}>{children}</Heading>,
        h3: ({ children }) => <Heading as="h3" style={styles.subheading}>{children}</Heading>,
        h4: ({ children }) => <Heading as="h3" style={styles.subheading}>{children}</Heading>,
        h5: ({ children }) => <Heading as="h3" style={styles.subheading}>{children}</Heading>,
        h6: ({ children }) => <Heading as="h3" style={styles.subheading}>{children}</Heading>,
        ul: ({ children }) => <ul style={{ ...styles.text, paddingLeft: "20px" }}>{children}</ul>,
        ol: ({ children }) => <ol style={{ ...styles.text, paddingLeft: "20px" }}>{children}</ol>,
        blockquote: ({ children }) => <blockquote style={{ ...styles.text, borderLeft: "3px solid #cbd5e1", paddingLeft: "12px", margin: "0 0 16px" }}>{children}</blockquote>,
      }}
    >
      {source}
    </Markdown>
  );
}
