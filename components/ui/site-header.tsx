"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { NotificationBell } from "@/components/inbox/notification-bell";
import { useTranslations } from "use-intl";
import { useRealtime } from "@/components/realtime/realtime-provider";

type Role = "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";

/** `outbox`: something is captured instead of sent (embedded mode): link the outbox (mail, pushes, texts). */
export function SiteHeader(props: { user: { name: string; role: Role } | null; hasBusiness: boolean; outbox: boolean }) {
  const pathname = usePathname();
  const t = useTranslations("header");
  const { reconnecting } = useRealtime();
  const links = props.user
    ? [
        { href: "/notifications", label: t("inbox") },
        { href: "/businesses", label: t("businesses") },
        ...(props.user.role === "CUSTOMER" || props.user.role === "NGO" ? [{ href: "/following", label: t("following") }] : []),
        ...(props.hasBusiness ? [{ href: "/business", label: t("dashboard") }, { href: "/business/listings/new", label: t("newListing") }] : []),
        ...(props.user.role === "ADMIN" ? [{ href: "/admin/campaigns", label: t("admin"), section: "/admin" }] : []),
        { href: "/settings/notifications", label: t("settings") },
        ...(props.outbox ? [{ href: "/dev/mailbox", label: t("outbox"), section: "/dev" }] : []),
      ]
    : [{ href: "/businesses", label: t("businesses") }];
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-2 px-4 sm:h-14 sm:flex-nowrap sm:gap-4 sm:px-6">
        <Link href={props.user ? "/notifications" : "/"} className="flex h-14 items-center gap-2 font-semibold text-brand-800">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-lg bg-brand-700 text-sm text-white">H</span>
          <span>Herald</span>
        </Link>
        <nav aria-label={t("mainNav")} className="order-last -mx-1 flex w-full flex-wrap items-center gap-1 pb-2 text-sm sm:order-none sm:mx-0 sm:w-auto sm:flex-1 sm:flex-nowrap sm:overflow-x-auto sm:pb-0">
          {links.map((l) => {
            // The longest matching link is the current one (/business/listings/new is "New listing", not "Dashboard").
            const under = (x: { href: string; section?: string }) => x.section ?? x.href;
            const matches = links.filter((x) => pathname === x.href || pathname.startsWith(`${under(x)}/`));
            const active = matches.sort((a, b) => b.href.length - a.href.length)[0]?.href === l.href;
            return (
              <Link
                key={l.href}
                href={l.href}
                aria-current={active ? "page" : undefined}
                className={`whitespace-nowrap rounded-md px-2.5 py-1.5 ${active ? "bg-brand-50 font-medium text-brand-800" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}
              >
                {l.label}
              </Link>
            );
          })}
        </nav>
        {props.user ? (
          <div className="ml-auto flex items-center gap-1 sm:ml-0 sm:gap-3">
            {/* A calm hint while the live connection is down; the badge is refetched once it is back. */}
            {reconnecting ? (
              <span role="status" className="inline-flex items-center gap-1.5 text-xs text-slate-600" title={t("reconnectingTitle")}>
                <span aria-hidden className="h-2 w-2 animate-pulse rounded-full bg-amber-500" />
                {t("reconnecting")}
              </span>
            ) : null}
            <NotificationBell />
            <div className="hidden text-right text-xs leading-tight md:block">
              <div className="font-medium text-slate-800">{props.user.name}</div>
              <div className="text-slate-500">{t(`role.${props.user.role}`)}</div>
            </div>
            <button
              type="button"
              onClick={() => void signOut({ callbackUrl: "/signin" })}
              className="rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              {t("signOut")}
            </button>
          </div>
        ) : (
          <Link href="/signin" className="ml-auto rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">
            {t("signIn")}
          </Link>
        )}
      </div>
    </header>
  );
}
