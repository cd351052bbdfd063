"use client";
/** The delivery log's page links, saying "Loading…" while the page they open is on its way. */
import Link, { useLinkStatus } from "next/link";
import type { ReactNode } from "react";
import { useTranslations } from "use-intl";

function Pending() {
  const { pending } = useLinkStatus();
  const t = useTranslations("deliveryLog");
  return pending ? <span className="ml-2 text-xs font-normal text-slate-500">{t("pending")}</span> : null;
}

/** A link to another page of the log (`href` keeps the filters). */
export function DeliveryLogPageLink({ href, className, children }: { href: string; className: string; children: ReactNode }) {
  return (
    <Link href={href} className={className}>
      {children}
      <Pending />
    </Link>
  );
}
