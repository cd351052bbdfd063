"use client";
/**
 * One account's Stripe customer on /admin/users (`admin.setStripeCustomer`, server/services/billing/stripe-customers.ts):
 * Stripe's billing webhooks find the person by it. The webhook links an account itself when an invoice's email
 * is the account's confirmed address; here an admin links a customer whose invoices carry another address,
 * corrects a link, or removes it. Every change is audited. Closed, the row reads "Stripe customer: cus_…" (or
 * "No Stripe customer") with one button; open, a labelled field with Save, Remove link and Cancel. Errors are
 * announced (role="alert") beside the field; the outcome goes to the page's live region.
 */
import { useId, useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

const hidden = (chunks: ReactNode) => <span className="sr-only">{chunks}</span>;

export interface StripeCustomerFieldProps {
  userId: string;
  email: string;
  /** The linked customer (`cus_…`), or null. */
  current: string | null;
  /** Says what a save did, in the page's live region. */
  onChanged: (message: string) => void;
}

export function StripeCustomerField({ userId, email, current, onChanged }: StripeCustomerFieldProps) {
  const trpc = useTRPC();
  const t = useTranslations("adminUsers.stripe");
  const tr = useTranslations();
  const queryClient = useQueryClient();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(current ?? "");
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.admin.setStripeCustomer.mutationOptions({
      onSuccess: async (r) => {
        setError(null);
        setOpen(false);
        onChanged(r.from === r.to ? t("unchanged", { email }) : r.to ? t("linked", { email, customer: r.to }) : t("unlinked", { email }));
        await queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() });
      },
      onError: (err) => setError(err.message),
    }),
  );

  if (!open) {
    return (
      <p className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
        <span>{current ? t.rich("current", { customer: current, code: (c) => <code className="break-all">{c}</code> }) : t("none")}</span>
        <button
          type="button"
          onClick={() => {
            setValue(current ?? "");
            setError(null);
            setOpen(true);
          }}
          className="font-medium text-brand-800 underline underline-offset-2 hover:text-brand-900"
        >
          {current ? t.rich("change", { email, hidden }) : t.rich("link", { email, hidden })}
        </button>
      </p>
    );
  }

  const trimmed = value.trim();
  return (
    <form
      noValidate
      className="mt-2 flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!trimmed) return setError(t("required"));
        save.mutate({ userId, stripeCustomerId: trimmed });
      }}
    >
      <div className="min-w-0 grow">
        <label htmlFor={`${id}-cus`} className="block text-xs font-medium text-slate-700">
          {t.rich("label", { email, hidden })}
        </label>
        <input
          id={`${id}-cus`}
          value={value}
          autoFocus
          maxLength={104}
          spellCheck={false}
          autoComplete="off"
          placeholder="cus_NffrFeUfNV2Hib"
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : `${id}-hint`}
          className={`mt-1 w-full rounded-lg border px-2 py-2 font-mono text-sm ${error ? "border-rose-500" : "border-slate-300"}`}
        />
        {error ? (
          <p id={`${id}-err`} role="alert" className="mt-1 text-xs text-rose-800">
            {error}
          </p>
        ) : (
          <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
            {t("hint")}
          </p>
        )}
      </div>
      <button type="submit" disabled={save.isPending} className="rounded-lg bg-brand-700 px-3 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {save.isPending ? t("saving") : t.rich("save", { email, hidden })}
      </button>
      {current && (
        <button
          type="button"
          disabled={save.isPending}
          onClick={() => save.mutate({ userId, stripeCustomerId: null })}
          className="rounded-lg border border-rose-300 bg-white px-3 py-2 text-sm font-medium text-rose-800 hover:bg-rose-50"
        >
          {t.rich("remove", { email, hidden })}
        </button>
      )}
      <button
        type="button"
        disabled={save.isPending}
        onClick={() => {
          setOpen(false);
          setError(null);
        }}
        className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-900 hover:bg-slate-50"
      >
        {tr("common.cancel")}
      </button>
    </form>
  );
}
