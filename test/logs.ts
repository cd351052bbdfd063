/**
 * Reads the app's JSON logs in a test (server/services/log/logger.ts): runs `fn` with the logger at
 * "info" (test/setup.ts keeps it silent) and returns the lines it wrote to stdout, parsed.
 */
import { vi } from "vitest";
import { logger } from "../server/services/log/logger";

export async function logsOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const level = logger().level;
  logger().level = "info";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    write.mockRestore();
    logger().level = level;
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
