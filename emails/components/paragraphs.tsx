import { Fragment } from "react";
import { Text } from "react-email";
import { styles } from "./theme";

/**
 * Plain, markdown-free body text: blank lines separate paragraphs, single newlines become `<br/>`.
 * The text is rendered as React children, so it is always HTML-escaped.
 */
export function Paragraphs({ text }: { text: string }) {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  return (
    <>
      {paragraphs.map((p, i) => (
        <Text key={i} style={styles.text}>
          {p.split("\n").map((line, j) => (
            <Fragment key={j}>
              {j > 0 ? <br /> : null}
              {line}
            </Fragment>
          ))}
        </Text>
      ))}
    </>
  );
}

/** The first paragraph as a single line, for preview text. */
export function firstLine(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
