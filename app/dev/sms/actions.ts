"use server";
/** The dev texts page's "simulate a reply" (embedded mode only): server/services/sms/dev-sms.ts does the work. */
import { revalidatePath } from "next/cache";
import { currentUser } from "@/server/auth";
import { AppError } from "@/server/services/errors";
import { simulateSmsReply } from "@/server/services/sms/dev-sms";

export type ReplyState = { ok: boolean; message: string } | null;

const OUTCOME = {
  opt_out: { changed: "Opted out: Herald will not text you until you reply START or press Resume.", same: "You were already opted out." },
  opt_in: { changed: "Opted back in: texts resume.", same: "You were not opted out, so nothing changed." },
  help: { changed: "HELP: Twilio answers this itself; nothing changes in Herald.", same: "HELP: Twilio answers this itself; nothing changes in Herald." },
  none: { changed: "Not a keyword: nothing changes.", same: "Not a keyword: nothing changes." },
} as const;

/** Pretends the signed-in user's verified number texted the form's `body` to Herald. */
export async function simulateReply(_prev: ReplyState, form: FormData): Promise<ReplyState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: "Sign in first." };
  const body = form.get("body");
  try {
    const result = await simulateSmsReply(user, { body: typeof body === "string" ? body : "" });
    revalidatePath("/dev/sms");
    revalidatePath("/settings/account");
    return { ok: true, message: OUTCOME[result.action][result.changed ? "changed" : "same"] };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
