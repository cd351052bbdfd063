import "server-only";
/** What the campaign pages pass to their client components: category choices and time zones. */
import { CATEGORIES } from "@/server/services/notifications/catalog";
import type { Category, CategoryOption } from "./campaign-types";

/** The categories a "people with a category turned on" audience can name, with their descriptions. */
export function categoryOptions(): CategoryOption[] {
  return Object.entries(CATEGORIES).map(([value, description]) => ({ value: value as Category, description }));
}

/** The IANA time zones this server knows (the schedule's zone select; the server checks the same list). */
export function timeZoneOptions(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
