/**
 * `POST /api/uploads`: a business owner uploads a listing's photo (multipart/form-data, field `file`), from
 * the composer, with their session cookie. JPEG, PNG or WebP by their bytes (not the name or declared type),
 * at most 5 MiB; stored under a new key (server/services/storage/storage.ts). Answers 201 `{ key, url }`;
 * the key goes with the new listing. Refusals use the error format `{ error: { code, message } }`:
 * 401 signed out, 403 not a business owner or cross-site, 413 too large, 400 not an image.
 */
import { currentUser } from "@/server/auth";
import { env } from "@/server/env";
import { crossSiteMessage, crossSiteVerdict } from "@/server/http/request-origin";
import { errorResponse, json } from "@/server/http/api-route";
import { getOwnedBusiness } from "@/server/services/businesses/businesses";
import { MAX_IMAGE_BYTES, sniffImage, storeImage } from "@/server/services/storage/storage";

export const dynamic = "force-dynamic";

/** Room for the multipart envelope around the largest file. */
const ENVELOPE_BYTES = 64 * 1024;

export async function POST(req: Request): Promise<Response> {
  const verdict = crossSiteVerdict(req, env("app").APP_URL);
  if (verdict) return errorResponse("PERMISSION_DENIED", crossSiteMessage(verdict), 403);
  const user = await currentUser();
  if (!user) return errorResponse("UNAUTHORIZED", "Sign in to upload", 401);
  if (!(await getOwnedBusiness(user.id))) return errorResponse("PERMISSION_DENIED", "Only a business can upload listing photos", 403);
  const tooLarge = () => errorResponse("PAYLOAD_TOO_LARGE", "The photo is larger than 5 MB", 413);
  if (Number(req.headers.get("content-length") ?? 0) > MAX_IMAGE_BYTES + ENVELOPE_BYTES) return tooLarge();
  let file: FormDataEntryValue | null;
  try {
    file = (await req.formData()).get("file");
  } catch {
    return errorResponse("VALIDATION_ERROR", "Send the photo as multipart/form-data in the field “file”", 400, { file: ["missing"] });
  }
  if (!(file instanceof File)) return errorResponse("VALIDATION_ERROR", "Send the photo in the field “file”", 400, { file: ["missing"] });
  if (file.size > MAX_IMAGE_BYTES) return tooLarge();
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImage(bytes);
  if (!type) return errorResponse("VALIDATION_ERROR", "The photo must be a JPEG, PNG or WebP image", 400, { file: ["not a JPEG, PNG or WebP image"] });
  return json(await storeImage("listings", bytes, type), 201);
}
