import "server-only";
/** Snake_case shapes of the HTTP API (docs/requirements.md R15.6) shared by several endpoints. */
import type { Role } from "../../generated/prisma/client";
import { absoluteUrl } from "./pagination";

/** The HTTP API's `user_type` (docs/requirements.md R15.6): customer | ngo | provider (a business account) | admin. */
export function userType(role: Role | string): "customer" | "ngo" | "provider" | "admin" {
  switch (role) {
    case "BUSINESS":
      return "provider";
    case "NGO":
      return "ngo";
    case "ADMIN":
      return "admin";
    default:
      return "customer";
  }
}

/** Absolute URL of a business's generated logo (app/businesses/[slug]/logo.svg). */
export function logoUrl(slug: string): string {
  return absoluteUrl(`/businesses/${encodeURIComponent(slug)}/logo.svg`);
}

/** `{id, name, logo}` of a business. */
export function businessRef(b: { id: string; name: string; slug: string }) {
  return { id: b.id, name: b.name, logo: logoUrl(b.slug) };
}
