import { TRPCError } from "@trpc/server";

/** The tRPC error code a call fails with, "OK" when it succeeds (anything else is reported, not hidden). */
export async function trpcCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    return err instanceof TRPCError ? err.code : `not a TRPCError: ${String(err)}`;
  }
}
