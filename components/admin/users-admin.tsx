"use client";
/**
 * /admin/users: search accounts by email (part of the address, any case; empty: the newest accounts),
 * change an account's role, and link its Stripe customer (./stripe-customer-field.tsx). A role change signs that account out on every device at once and is recorded
 * in the audit log; the page says so before saving. An admin cannot remove their own admin role (their row
 * says why). Native labelled controls; errors are announced (role="alert"), outcomes in a live region; rows
 * stack at phone width.
 */
import { useId, useState, type ReactNode } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import type { AppRouter } from "@/server/trpc/root";
import { StripeCustomerField } from "./stripe-customer-field";

type UserRow = inferRouterOutputs<AppRouter>["admin"]["users"]["users"][number];
type Role = UserRow["role"];

/** The roles in the picker's order; their names are the header's (`header.role.*`). */
const ROLES: Role[] = ["CUSTOMER", "NGO", "BUSINESS", "ADMIN"];
const hidden = (chunks: ReactNode) => <span className="sr-only">{chunks}</span>;

export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const t = useTranslations("adminUsers");
  const tr = useTranslations();
  const id = useId();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const list = useQuery({ ...trpc.admin.users.queryOptions({ email: search }), placeholderData: keepPreviousData });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-slate-600">{t("intro")}</p>
      </div>

      <form
        role="search"
        aria-label={t("searchLabel")}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setAnnouncement("");
          setSearch(typed.trim());
        }}
        className="flex flex-col gap-2 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:flex-row sm:items-end"
      >
        <div className="grow">
          <label htmlFor={`${id}-q`} className="block text-sm font-medium">
            {t("email")}
          </label>
          <input
            id={`${id}-q`}
            type="search"
            value={typed}
            maxLength={320}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
            placeholder={t("emailPlaceholder")}
            aria-describedby={`${id}-q-hint`}
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
          />
          <p id={`${id}-q-hint`} className="mt-1 text-xs text-slate-500">
            {t("emailHint")}
          </p>
        </div>
        <button type="submit" className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 sm:mb-5">
          {t("search")}
        </button>
      </form>

      <p role="status" aria-live="polite" className={announcement ? "rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"}>
        {announcement}
      </p>

      <section aria-labelledby={`${id}-results`} className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id={`${id}-results`} className="font-semibold">
          {search ? t("matching", { search }) : t("newest")}
        </h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label={t("loading")} className="mt-3 h-24 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
            {list.error.data?.code === "BAD_REQUEST" ? list.error.message : t("loadError")}{" "}
            <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>
              {tr("common.tryAgain")}
            </button>
          </p>
        ) : list.data.users.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            {t("noMatch", { search })}
          </p>
        ) : (
          <>
            <ul className="mt-3 divide-y divide-slate-100">
              {list.data.users.map((u) => (
                <UserItem key={u.id} user={u} self={u.id === currentUserId} onChanged={setAnnouncement} />
              ))}
            </ul>
            {list.data.users.length === list.data.limit && (
              <p className="mt-3 text-xs text-slate-500">{t("showingFirst", { count: list.data.limit })}</p>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function UserItem({ user, self, onChanged }: { user: UserRow; self: boolean; onChanged: (message: string) => void }) {
  const trpc = useTRPC();
  const t = useTranslations("adminUsers");
  const tr = useTranslations();
  const format = useFormatter();
  const roleName = (r: Role) => tr(`header.role.${r}`);
  const queryClient = useQueryClient();
  const id = useId();
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<string | null>(null);
  const setRoleMutation = useMutation(
    trpc.admin.setRole.mutationOptions({
      onSuccess: async (r) => {
        setError(null);
        onChanged(
          r.from === r.to
            ? t("alreadyWas", { email: user.email, role: roleName(r.to) })
            : t("changed", { email: user.email, to: roleName(r.to), from: roleName(r.from), count: r.sessionsRevoked }),
        );
        await queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() });
      },
      onError: (err) => setError(err.message),
    }),
  );
  const changed = role !== user.role;

  return (
    <li className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0 sm:flex-1">
        <p className="flex min-w-0 items-center gap-2 text-sm font-medium text-slate-900">
          <span className="break-all">{user.email}</span>
          {self && <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">{t("you")}</span>}
        </p>
        <p className="break-words text-xs text-slate-600">
          {t("joined", { name: user.name, date: format.dateTime(new Date(user.createdAt), { day: "numeric", month: "short", year: "numeric" }) })}
        </p>
        <StripeCustomerField userId={user.id} email={user.email} current={user.stripeCustomerId} onChanged={onChanged} />
        {self && <p className="mt-1 text-xs text-slate-500">{t("selfNote")}</p>}
        {changed && (
          <p id={`${id}-consequence`} className="mt-1 text-xs text-amber-800">
            {t("consequence", { email: user.email })}
          </p>
        )}
        {error && (
          <p role="alert" className="mt-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {error}
          </p>
        )}
      </div>
      <form
        className="flex shrink-0 flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (changed) setRoleMutation.mutate({ userId: user.id, role });
        }}
      >
        <div>
          <label htmlFor={`${id}-role`} className="block text-xs font-medium text-slate-700">
            {t.rich("role", { email: user.email, hidden })}
          </label>
          <select
            id={`${id}-role`}
            value={role}
            disabled={self || setRoleMutation.isPending}
            onChange={(e) => setRole(e.target.value as Role)}
            aria-describedby={changed ? `${id}-consequence` : undefined}
            className="mt-1 rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm disabled:bg-slate-50 disabled:text-slate-500"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        {changed && (
          <>
            <button
              type="submit"
              disabled={setRoleMutation.isPending}
              className="rounded-lg bg-brand-700 px-3 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60"
            >
              {setRoleMutation.isPending ? t("saving") : t.rich("saveRole", { email: user.email, hidden })}
            </button>
            <button
              type="button"
              disabled={setRoleMutation.isPending}
              onClick={() => {
                setRole(user.role);
                setError(null);
              }}
              className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-900 hover:bg-slate-50"
            >
              {tr("common.cancel")}
            </button>
          </>
        )}
      </form>
    </li>
  );
}
