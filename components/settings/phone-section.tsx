"use client";
/**
 * /settings/account#phone — the mobile number Herald texts (issue 7): type a number, get a 6-digit code by
 * SMS, type it back; then the verified number with "Change number" and "Remove", and, after a STOP reply,
 * why texts are paused and how to resume them. Everything goes through the `phone` tRPC router.
 * Native controls with labels; errors sit under their field (role="alert", aria-invalid, focus returns to
 * the field); outcomes are announced in a polite live region.
 */
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import type { PhoneStatus as Status } from "@/server/services/sms/verification";

const button = "rounded-lg px-4 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-60";
const primary = `${button} bg-brand-700 text-white hover:bg-brand-800`;
const secondary = `${button} border border-slate-300 bg-white text-slate-900 hover:bg-slate-50`;
const input =
  "mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-rose-500 sm:max-w-xs";

/** Seconds until `at` (0 when past), ticking every second while positive. */
function useCountdown(at: Date | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const target = at ? at.getTime() : 0;
  useEffect(() => {
    if (target <= Date.now()) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= target) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]);
  return Math.max(0, Math.ceil((target - now) / 1000));
}

export function PhoneSection() {
  const trpc = useTRPC();
  const t = useTranslations("phone");
  const tr = useTranslations();
  const format = useFormatter();
  const dateFmt = (d: Date) => format.dateTime(d, { day: "numeric", month: "long", year: "numeric" });
  const queryClient = useQueryClient();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const status = useQuery(trpc.phone.get.queryOptions());
  /** The person chose to type a (new) number instead of seeing the code form or their verified number. */
  const [entering, setEntering] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const [confirmRemove, setConfirmRemove] = useState(false);
  /** Bumped to move focus to the heading (after the form that had focus went away). */
  const [focusHeading, setFocusHeading] = useState(0);
  useEffect(() => {
    if (focusHeading > 0) heading.current?.focus();
  }, [focusHeading]);
  /** A code waiting for a change of number that the person set aside (its expiry time, ms). */
  const [setAside, setSetAside] = useState<number | null>(null);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.phone.get.queryKey() });
    // The preference center's SMS switch depends on having a verified number.
    void queryClient.invalidateQueries({ queryKey: trpc.preferences.pathKey() });
  };
  const remove = useMutation(
    trpc.phone.remove.mutationOptions({
      onSuccess: async () => {
        setConfirmRemove(false);
        setEntering(false);
        await refresh();
        setAnnouncement(t("removed"));
        setFocusHeading((n) => n + 1);
      },
      onError: (err) => setAnnouncement(t("removeFailed", { message: err.message })),
    }),
  );
  const resume = useMutation(
    trpc.phone.resume.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setAnnouncement(t("resumed"));
      },
      onError: (err) => setAnnouncement(t("resumeFailed", { message: err.message })),
    }),
  );

  const s = status.data;
  const showEntry = !!s && (entering || (!s.phone && !s.pending));
  const showCode = !!s && !entering && !!s.pending && setAside !== s.pending.expiresAt.getTime();

  return (
    <section id="phone" aria-labelledby={`${id}-h`} className="scroll-mt-20 space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="phone-section">
      <div className="space-y-1">
        <h2 id={`${id}-h`} ref={heading} tabIndex={-1} className="font-semibold outline-none">
          {t("heading")}
        </h2>
        <p className="text-sm text-slate-600">
          {t.rich("intro", {
            link: (c) => (
              <Link href="/settings/notifications" className="font-medium text-brand-700 hover:underline">
                {c}
              </Link>
            ),
          })}
        </p>
      </div>

      <p role="status" aria-live="polite" data-testid="phone-announcement" className={announcement ? "rounded-lg bg-brand-50 px-3 py-2 text-sm text-brand-800" : "sr-only"}>
        {announcement}
      </p>

      {status.isPending ? (
        <div aria-busy="true" aria-label={t("loading")} className="h-20 animate-pulse rounded-xl bg-slate-200/70" />
      ) : status.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          {t("loadError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void status.refetch()}>
            {tr("common.tryAgain")}
          </button>
        </p>
      ) : (
        <>
          {s!.phone && (
            <div className="space-y-3 rounded-xl border border-slate-200 p-4">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className="text-lg font-medium tabular-nums" data-testid="phone-number">
                  {s!.display}
                </span>
                {s!.optedOutAt ? (
                  <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">{t("paused")}</span>
                ) : (
                  <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800">{t("verified")}</span>
                )}
              </div>
              {s!.verifiedAt && <p className="text-sm text-slate-600">{t("verifiedOn", { date: dateFmt(s!.verifiedAt) })}</p>}
              {s!.optedOutAt && (
                <div role="note" data-testid="phone-opted-out" className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
                  <p>
                    {t("optedOut", { date: dateFmt(s!.optedOutAt) })}{" "}
                    {s!.senderNumber
                      ? t.rich("textStart", { number: s!.senderNumber, nowrap: (c) => <span className="whitespace-nowrap font-medium">{c}</span> })
                      : t("replyStart")}
                  </p>
                  <button type="button" className={secondary} disabled={resume.isPending} onClick={() => resume.mutate()}>
                    {resume.isPending ? t("resuming") : t("resume")}
                  </button>
                </div>
              )}
              {confirmRemove ? (
                <div className="flex flex-wrap items-center gap-2" role="group" aria-label={t("confirmRemoval")}>
                  <p className="w-full text-sm text-slate-700">{t("removeQuestion", { phone: s!.display ?? "" })}</p>
                  <button type="button" className={`${button} bg-rose-700 text-white hover:bg-rose-800`} disabled={remove.isPending} onClick={() => remove.mutate()}>
                    {remove.isPending ? t("removing") : t("removeNumber")}
                  </button>
                  <button type="button" className={secondary} onClick={() => setConfirmRemove(false)}>
                    {t("keep")}
                  </button>
                </div>
              ) : (
                !entering &&
                !showCode && (
                  <div className="flex flex-wrap gap-2">
                    <button type="button" className={secondary} onClick={() => setEntering(true)}>
                      {t("change")}
                    </button>
                    <button type="button" className={secondary} onClick={() => setConfirmRemove(true)}>
                      {t("remove")}
                    </button>
                  </div>
                )
              )}
            </div>
          )}

          {showEntry && (
            <EntryForm
              status={s!}
              changing={!!s!.phone || !!s!.pending}
              onCancel={() => setEntering(false)}
              onSent={async (display) => {
                setEntering(false);
                await refresh();
                setAnnouncement(t("codeSent", { phone: display }));
              }}
            />
          )}

          {showCode && (
            <CodeForm
              status={s!}
              onOtherNumber={() => setEntering(true)}
              onKeepCurrent={s!.phone ? () => setSetAside(s!.pending!.expiresAt.getTime()) : undefined}
              onResent={async (display) => {
                await refresh();
                setAnnouncement(t("newCodeSent", { phone: display }));
              }}
              onVerified={async (display) => {
                await refresh();
                setAnnouncement(t("isVerified", { phone: display }));
                setFocusHeading((n) => n + 1);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Field error state: the message, and a counter so focus returns to the field even when it repeats. */
function useFieldError(ref: React.RefObject<HTMLInputElement | null>) {
  const [error, setError] = useState<string | null>(null);
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (count > 0) ref.current?.focus();
  }, [count, ref]);
  return {
    error,
    clear: () => setError(null),
    fail: (message: string) => {
      setError(message);
      setCount((n) => n + 1);
    },
    /** The input's accessible description: its hint `<id>-hint`, and the error while there is one. */
    inputAria: (id: string) => ({
      "aria-describedby": `${id}-hint${error ? ` ${id}-error` : ""}`,
      "aria-invalid": error ? true : undefined,
    }),
  };
}

/** The error under a field (`<id>-error`), announced when it appears. */
function FieldError(props: { id: string; error: string | null }) {
  if (!props.error) return null;
  return (
    <p id={`${props.id}-error`} role="alert" className="mt-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {props.error}
    </p>
  );
}

function EntryForm(props: { status: Status; changing: boolean; onCancel: () => void; onSent: (display: string) => Promise<void> }) {
  const trpc = useTRPC();
  const t = useTranslations("phone");
  const tr = useTranslations();
  const locale = useLocale();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const field = useFieldError(inputRef);
  const [value, setValue] = useState("");
  const start = useMutation(
    trpc.phone.startVerification.mutationOptions({
      onSuccess: async (out) => {
        setValue("");
        await props.onSent(out.display);
      },
      onError: (err) => field.fail(err.message),
    }),
  );
  const c = props.status.defaultCountry;
  /** The country in the reader's language (the server names it in English). */
  const country = new Intl.DisplayNames([locale], { type: "region" }).of(c.code) ?? c.name;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return field.fail(t("numberMissing"));
    field.clear();
    start.mutate({ phone: value });
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <div>
        <label htmlFor={`${id}-phone`} className="block text-sm font-medium">
          {props.status.phone ? t("newNumberLabel") : t("numberLabel")}
        </label>
        <input
          ref={inputRef}
          id={`${id}-phone`}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={c.code === "ZA" ? "082 123 4567" : `+${c.callingCode} …`}
          {...field.inputAria(id)}
          className={input}
        />
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {t("numberHint", { country, callingCode: c.callingCode })}
        </p>
        <FieldError id={id} error={field.error} />
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={primary} disabled={start.isPending}>
          {start.isPending ? t("sending") : t("sendCode")}
        </button>
        {props.changing && (
          <button type="button" className={secondary} onClick={props.onCancel}>
            {tr("common.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

function CodeForm(props: { status: Status; onOtherNumber: () => void; onKeepCurrent?: () => void; onResent: (display: string) => Promise<void>; onVerified: (display: string) => Promise<void> }) {
  const trpc = useTRPC();
  const t = useTranslations("phone");
  const format = useFormatter();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const field = useFieldError(inputRef);
  const [code, setCode] = useState("");
  const pending = props.status.pending!;
  const wait = useCountdown(props.status.nextCodeAt);
  useEffect(() => {
    inputRef.current?.focus();
    // Focus the code field whenever a new code is waiting (a new expiry time).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending.expiresAt.getTime()]);
  const confirm = useMutation(
    trpc.phone.confirm.mutationOptions({
      onSuccess: async () => {
        setCode("");
        await props.onVerified(pending.display);
      },
      onError: (err) => field.fail(err.message),
    }),
  );
  const resend = useMutation(
    trpc.phone.startVerification.mutationOptions({
      onSuccess: async () => {
        setCode("");
        field.clear();
        await props.onResent(pending.display);
      },
      onError: (err) => field.fail(err.message),
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (code.length !== 6) return field.fail(t("codeMissing"));
    field.clear();
    confirm.mutate({ code });
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <p className="text-sm text-slate-700">
        {t.rich("codeIntro", {
          phone: pending.display,
          time: format.dateTime(pending.expiresAt, { hour: "2-digit", minute: "2-digit" }),
          nowrap: (c) => <span className="whitespace-nowrap font-medium">{c}</span>,
        })}
        {props.status.captured && (
          <>
            {" "}
            {t.rich("captured", {
              link: (c) => (
                <Link href="/dev/sms" className="font-medium text-brand-700 hover:underline">
                  {c}
                </Link>
              ),
            })}
          </>
        )}
      </p>
      <div>
        <label htmlFor={`${id}-code`} className="block text-sm font-medium">
          {t("codeLabel")}
        </label>
        <input
          ref={inputRef}
          id={`${id}-code`}
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, "").slice(0, 6))}
          {...field.inputAria(id)}
          className={`${input} font-mono tracking-[0.3em] sm:max-w-[12rem]`}
        />
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {t("triesLeft", { count: pending.attemptsLeft })}
        </p>
        <FieldError id={id} error={field.error} />
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={primary} disabled={confirm.isPending}>
          {confirm.isPending ? t("checking") : t("verify")}
        </button>
        <button type="button" className={secondary} disabled={wait > 0 || resend.isPending} onClick={() => resend.mutate({ phone: pending.phone })}>
          {resend.isPending ? t("sending") : wait > 0 ? t("resendIn", { seconds: wait }) : t("resend")}
        </button>
        <button type="button" className={`${button} text-brand-700 hover:underline`} onClick={props.onOtherNumber}>
          {t("otherNumber")}
        </button>
        {props.onKeepCurrent && (
          <button type="button" className={`${button} text-slate-600 hover:underline`} onClick={props.onKeepCurrent}>
            {t("keepCurrent")}
          </button>
        )}
      </div>
    </form>
  );
}
