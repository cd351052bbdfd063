"use client";
/**
 * /admin/users: search accounts by email (part of the address, any case; empty: the newest accounts) and
 * change an account's role. A role change signs that account out on every device at once and is recorded
 * in the audit log; the page says so before saving. An admin cannot remove their own admin role (their row
 * says why). Native labelled controls; errors are announced (role="alert"), outcomes in a live region; rows
 * stack at phone width.
 */
import { useId, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import type { AppRouter } from "@/server/trpc/root";

type UserRow = inferRouterOutputs<AppRouter>["admin"]["users"]["users"][number];
type Role = UserRow["role"];

const ROLE_LABELS: Record<Role, string> = { CUSTOMER: "Customer", NGO: "NGO", BUSINESS: "Business", ADMIN: "Admin" };
const ROLES = Object.keys(ROLE_LABELS) as Role[];
const dateFmt = (iso: string) => new Date(iso).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" });

export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const list = useQuery({ ...trpc.admin.users.queryOptions({ email: search }), placeholderData: keepPreviousData });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-slate-600">
          Find an account by email and change its role. Changing a role signs that person out on every device; they sign in again with the new role.
          Every change is recorded in the audit log.
        </p>
      </div>

      <form
        role="search"
        aria-label="Users"
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
            Email
          </label>
          <input
            id={`${id}-q`}
            type="search"
            value={typed}
            maxLength={320}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
            placeholder="e.g. thandi@ or example.org"
            aria-describedby={`${id}-q-hint`}
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
          />
          <p id={`${id}-q-hint`} className="mt-1 text-xs text-slate-500">
            Any part of the address. Leave empty to see the newest accounts.
          </p>
        </div>
        <button type="submit" className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 sm:mb-5">
          Search
        </button>
      </form>

      <p role="status" aria-live="polite" className={announcement ? "rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"}>
        {announcement}
      </p>

      <section aria-labelledby={`${id}-results`} className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id={`${id}-results`} className="font-semibold">
          {search ? <>Accounts matching “{search}”</> : "Newest accounts"}
        </h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label="Loading accounts" className="mt-3 h-24 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
            {list.error.data?.code === "BAD_REQUEST" ? list.error.message : "Could not load the accounts."}{" "}
            <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>
              Try again
            </button>
          </p>
        ) : list.data.users.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            No account’s email contains “{search}”. Check the spelling, or search for a shorter part of the address.
          </p>
        ) : (
          <>
            <ul className="mt-3 divide-y divide-slate-100">
              {list.data.users.map((u) => (
                <UserItem key={u.id} user={u} self={u.id === currentUserId} onChanged={setAnnouncement} />
              ))}
            </ul>
            {list.data.users.length === list.data.limit && (
              <p className="mt-3 text-xs text-slate-500">Showing the first {list.data.limit}. Type more of the address to narrow the list.</p>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function UserItem({ user, self, onChanged }: { user: UserRow; self: boolean; onChanged: (message: string) => void }) {
  const trpc = useTRPC();
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
            ? `${user.email} already was ${ROLE_LABELS[r.to]}.`
            : `${user.email} is now ${ROLE_LABELS[r.to]} (was ${ROLE_LABELS[r.from]}); signed out of ${r.sessionsRevoked === 1 ? "1 session" : `${r.sessionsRevoked} sessions`}.`,
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
          {self && <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">You</span>}
        </p>
        <p className="break-words text-xs text-slate-600">
          {user.name} · joined {dateFmt(user.createdAt)}
        </p>
        {self && <p className="mt-1 text-xs text-slate-500">You cannot remove your own admin role; another admin can.</p>}
        {changed && (
          <p id={`${id}-consequence`} className="mt-1 text-xs text-amber-800">
            Saving signs {user.email} out on every device.
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
            Role<span className="sr-only"> of {user.email}</span>
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
                {ROLE_LABELS[r]}
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
              {setRoleMutation.isPending ? "Saving…" : <>Save role<span className="sr-only"> of {user.email}</span></>}
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
              Cancel
            </button>
          </>
        )}
      </form>
    </li>
  );
}
