import { notFound } from "next/navigation";
import { AppError } from "@/server/services/errors";

/**
 * Awaits a dev page's data and answers 404 when its service throws AppError NOT_FOUND: the capture pages
 * exist only in the embedded mode, and a captured message can be missing or someone else's. Other errors
 * are rethrown.
 */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
