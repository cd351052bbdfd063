import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { api } from "@/server/trpc/server";
import { DELIVERY_STATUSES, type DeliveryLogPage } from "@/server/services/delivery/delivery-log";
import { DeliveryLogFilters, type DeliveryLogFilterValues } from "@/components/admin/delivery-log-filters";
import { DeliveryLogTable } from "@/components/admin/delivery-log-table";
import { DeliveryLogPageLink } from "@/components/admin/delivery-log-pager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("deliveryLog.title") };
}

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The query string as the `admin.deliveries` input: empty values (a submitted form's blank fields) are
 * dropped, everything else goes through as is, so the procedure's strict schema judges unknown or
 * repeated parameters. `match` without an email (the form always sends it) is dropped too.
 */
function filterInput(sp: SearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(sp)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => v !== undefined && v.trim() !== "");
    if (values.length === 1) out[key] = values[0]!;
    else if (values.length > 1) out[key] = values;
  }
  if (out.email === undefined) delete out.match;
  return out;
}

/** People's messages for a refused filter (the schema's own words), or null for any other error. */
function filterProblems(err: unknown): string[] | null {
  if (!(err instanceof TRPCError) || err.code !== "BAD_REQUEST") return null;
  if (err.cause instanceof ZodError) return [...new Set(err.cause.issues.map((i) => i.message))];
  return [err.message];
}

/** The query string without `cursor`, for "first page" and to carry through links. */
function queryString(input: Record<string, string | string[]>, omit: string[] = []): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(input)) {
    if (omit.includes(k)) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  }
  return q.toString();
}

/**
 * /admin/deliveries: every delivery, newest first, filtered by the query string (recipient email exact or
 * prefix, type, channel, status, UTC date range), one keyset page at a time. `?email=` alone still shows
 * one user's log. Admins only (403 for anyone else).
 */
export default async function AdminDeliveriesPage(props: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/admin/deliveries");
  if (user.role !== "ADMIN") forbidden();
  const t = await requestTranslator(user);
  const role = (r: string) => (t.has(`deliveryLog.role.${r as "ADMIN"}`) ? t(`deliveryLog.role.${r as "ADMIN"}`) : r.toLowerCase());
  const input = filterInput(await props.searchParams);
  const first = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : Array.isArray(input[k]) ? input[k][0] : undefined);
  const values: DeliveryLogFilterValues = { email: first("email"), match: first("match"), type: first("type"), channel: first("channel"), status: first("status"), from: first("from"), to: first("to") };

  let page: DeliveryLogPage | null = null;
  let problems: string[] | null = null;
  try {
    // Raw query-string values on purpose: the procedure's strict schema is the one judge of them.
    page = await (await api()).admin.deliveries(input as never);
  } catch (err) {
    problems = filterProblems(err);
    if (!problems) throw err;
  }
  const here = queryString(input);
  const filtered = Object.keys(input).some((k) => k !== "cursor" && k !== "limit");
  const exactEmail = values.email && (values.match ?? "exact") === "exact";

  return (
    <section aria-labelledby="log-title" className="space-y-4">
      <div>
        <h1 id="log-title" className="text-2xl font-semibold tracking-tight">{t("deliveryLog.title")}</h1>
        <p className="text-sm text-slate-600">{t("deliveryLog.intro")}</p>
      </div>
      <DeliveryLogFilters values={values} statuses={DELIVERY_STATUSES} />

      {problems ? (
        <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
          <p className="font-medium">{t("deliveryLog.problems.title")}</p>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p className="mt-2">
            {t.rich("deliveryLog.problems.fix", {
              link: (chunks) => (
                <Link href="/admin/deliveries" className="font-medium underline">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        </div>
      ) : null}

      {page ? (
        <>
          {page.user ? (
            <p className="text-sm text-slate-700">
              {t.rich("deliveryLog.user", {
                name: page.user.name,
                email: page.user.email,
                role: role(page.user.role),
                timezone: page.user.timezone,
                b: (chunks) => <span className="font-medium">{chunks}</span>,
              })}
            </p>
          ) : null}
          {page.rows.length === 0 ? (
            <div role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">
              {exactEmail && !page.user ? (
                <p>{t.rich("deliveryLog.empty.noUser", { email: values.email ?? "", b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> })}</p>
              ) : input.cursor ? (
                <p>{t("deliveryLog.empty.noMore")}</p>
              ) : filtered ? (
                <p>{t("deliveryLog.empty.noMatch")}</p>
              ) : (
                <p>{t("deliveryLog.empty.none")}</p>
              )}
              {filtered ? (
                <Link href="/admin/deliveries" className="mt-2 inline-block font-medium text-brand-700 hover:underline">{t("deliveryLog.empty.clear")}</Link>
              ) : null}
            </div>
          ) : (
            <DeliveryLogTable rows={page.rows} back={here} />
          )}
          <nav aria-label={t("deliveryLog.pages.label")} className="flex flex-wrap items-center gap-3 text-sm">
            {page.rows.length > 0 ? (
              <span className="text-slate-600">
                {t(input.cursor ? "deliveryLog.pages.countOlder" : "deliveryLog.pages.count", { count: page.rows.length })}
              </span>
            ) : null}
            {input.cursor ? (
              <DeliveryLogPageLink href={`/admin/deliveries${queryString(input, ["cursor"]) ? `?${queryString(input, ["cursor"])}` : ""}`} className="rounded-md px-2 py-1 font-medium text-brand-700 hover:bg-brand-50">
                {t("deliveryLog.pages.newest")}
              </DeliveryLogPageLink>
            ) : null}
            {page.nextCursor ? (
              <DeliveryLogPageLink
                href={`/admin/deliveries?${queryString({ ...input, cursor: page.nextCursor })}`}
                className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium text-slate-800 hover:bg-slate-50"
              >
                {t("deliveryLog.pages.next")}
              </DeliveryLogPageLink>
            ) : page.rows.length > 0 ? (
              <span className="text-slate-500">{t("deliveryLog.pages.end")}</span>
            ) : null}
          </nav>
        </>
      ) : null}
    </section>
  );
}
