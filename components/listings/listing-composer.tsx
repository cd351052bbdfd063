"use client";
/**
 * The listing composer: title, description, price, an optional photo, pickup window, expiry. Times are
 * entered in the browser's time zone and sent as ISO 8601 (UTC). The photo is uploaded first
 * (`POST /api/uploads`), then the listing is created with its key. Field errors come from the server.
 */
import Link from "next/link";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { parsePrice } from "@/lib/price";

/** `YYYY-MM-DDTHH:mm` in local time, for <input type="datetime-local">. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function defaults() {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 2);
  const end = new Date(start.getTime() + 2 * 3_600_000);
  return { pickupStart: localInput(start), pickupEnd: localInput(end), expiresAt: localInput(end) };
}

type Fields = "title" | "description" | "priceCents" | "imageKey" | "pickupStart" | "pickupEnd" | "expiresAt";

/**
 * Uploads the photo; the stored key, or the server's message.
 * @param messages the words when the server gives none (`failed`) or cannot be reached (`offline`)
 */
async function uploadPhoto(file: File, messages: { failed: string; offline: string }): Promise<{ key: string } | { error: string }> {
  const body = new FormData();
  body.set("file", file);
  try {
    const res = await fetch("/api/uploads", { method: "POST", body });
    const json = (await res.json()) as { key?: string; error?: { message?: string } };
    return res.ok && json.key ? { key: json.key } : { error: json.error?.message ?? messages.failed };
  } catch {
    return { error: messages.offline };
  }
}

export function ListingComposer() {
  const trpc = useTRPC();
  const t = useTranslations("composer");
  const [initial] = useState(defaults);
  const [formKey, setFormKey] = useState(0);
  const create = useMutation(trpc.listings.create.mutationOptions());
  // The price is read here: the server only sees whole cents, so "abc" or an empty field must not reach it.
  const [priceError, setPriceError] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const details = (create.error?.data as { details?: Partial<Record<Fields, string[]>> } | undefined)?.details ?? {};
  const fieldError = (f: Fields) => (f === "priceCents" && priceError) || (f === "imageKey" && photoError) || details[f]?.[0];

  if (create.isSuccess) {
    return (
      <div role="status" className="rounded-2xl border border-brand-100 bg-brand-50 p-6">
        <p className="font-semibold text-brand-800">{t("posted", { title: create.data.title })}</p>
        <p className="mt-1 text-sm text-slate-700">{t("notifying")}</p>
        <div className="mt-4 flex gap-3">
          <Link href={`/listings/${create.data.id}`} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">{t("viewListing")}</Link>
          <button type="button" onClick={() => { create.reset(); setPriceError(null); setPhotoError(null); setPreview(null); setFormKey((k) => k + 1); }} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
            {t("postAnother")}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      key={formKey}
      noValidate
      className="space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        const iso = (name: string) => {
          const d = new Date(String(f.get(name)));
          return Number.isNaN(d.getTime()) ? "" : d.toISOString();
        };
        const price = parsePrice(String(f.get("price") ?? ""));
        if ("error" in price) {
          setPriceError(t(`priceError.${price.error}`));
          create.reset();
          (form.elements.namedItem("price") as HTMLInputElement).focus();
          return;
        }
        setPriceError(null);
        const photo = f.get("photo");
        let imageKey: string | undefined;
        if (photo instanceof File && photo.size > 0) {
          setUploading(true);
          const uploaded = await uploadPhoto(photo, { failed: t("photoFailed"), offline: t("photoOffline") });
          setUploading(false);
          if ("error" in uploaded) {
            setPhotoError(uploaded.error);
            (form.elements.namedItem("photo") as HTMLInputElement).focus();
            return;
          }
          imageKey = uploaded.key;
        }
        setPhotoError(null);
        create.mutate({
          ...(imageKey ? { imageKey } : {}),
          title: String(f.get("title")),
          description: String(f.get("description")),
          priceCents: price.cents,
          pickupStart: iso("pickupStart") as unknown as Date,
          pickupEnd: iso("pickupEnd") as unknown as Date,
          expiresAt: iso("expiresAt") as unknown as Date,
        });
      }}
    >
      <Field id="title" label={t("titleLabel")} error={fieldError("title")}>
        <input id="title" name="title" required maxLength={120} placeholder={t("titlePlaceholder")} className={input(fieldError("title"))} aria-invalid={!!fieldError("title")} aria-describedby={fieldError("title") ? "title-error" : undefined} />
      </Field>
      <Field id="description" label={t("description")} hint={t("descriptionHint")} error={fieldError("description")}>
        <textarea id="description" name="description" rows={3} maxLength={2000} className={input(fieldError("description"))} />
      </Field>
      <Field id="price" label={t("price")} hint={t("priceHint")} error={fieldError("priceCents")}>
        <input id="price" name="price" inputMode="decimal" required placeholder={t("pricePlaceholder")} className={`${input(fieldError("priceCents"))} max-w-40`} aria-invalid={!!fieldError("priceCents")} aria-describedby={fieldError("priceCents") ? "price-error" : undefined} />
      </Field>
      <Field id="photo" label={t("photo")} hint={t("photoHint")} error={fieldError("imageKey")}>
        <input
          id="photo"
          name="photo"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            setPhotoError(null);
            setPreview((old) => {
              if (old) URL.revokeObjectURL(old);
              return file ? URL.createObjectURL(file) : null;
            });
          }}
          className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium"
          aria-invalid={!!fieldError("imageKey")}
          aria-describedby={fieldError("imageKey") ? "photo-error" : undefined}
        />
        {/* eslint-disable-next-line @next/next/no-img-element -- a local preview of the chosen file */}
        {preview ? <img src={preview} alt={t("photoAlt")} className="mt-2 aspect-[16/9] w-full max-w-xs rounded-lg object-cover" /> : null}
      </Field>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("pickupWindow")}</legend>
        <Field id="pickupStart" label={t("from")} error={fieldError("pickupStart")}>
          <input id="pickupStart" name="pickupStart" type="datetime-local" defaultValue={initial.pickupStart} required className={input(fieldError("pickupStart"))} />
        </Field>
        <Field id="pickupEnd" label={t("until")} error={fieldError("pickupEnd")}>
          <input id="pickupEnd" name="pickupEnd" type="datetime-local" defaultValue={initial.pickupEnd} required className={input(fieldError("pickupEnd"))} aria-invalid={!!fieldError("pickupEnd")} aria-describedby={fieldError("pickupEnd") ? "pickupEnd-error" : undefined} />
        </Field>
      </fieldset>
      <Field id="expiresAt" label={t("expires")} error={fieldError("expiresAt")}>
        <input id="expiresAt" name="expiresAt" type="datetime-local" defaultValue={initial.expiresAt} required className={`${input(fieldError("expiresAt"))} max-w-64`} aria-invalid={!!fieldError("expiresAt")} aria-describedby={fieldError("expiresAt") ? "expiresAt-error" : undefined} />
      </Field>
      {create.isError && Object.keys(details).length === 0 ? (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">{create.error.message}</p>
      ) : null}
      <div className="flex justify-end">
        <button type="submit" disabled={create.isPending || uploading} className="rounded-md bg-brand-700 px-5 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {uploading ? t("uploading") : create.isPending ? t("posting") : t("submit")}
        </button>
      </div>
    </form>
  );
}

const input = (err?: string) =>
  `mt-1 block w-full rounded-md border px-3 py-2 ${err ? "border-rose-500 bg-rose-50/40" : "border-slate-300"}`;

function Field(props: { id: string; label: string; hint?: string; error?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-700">{props.label}</label>
      {props.children}
      {props.hint && !props.error ? <p className="mt-1 text-xs text-slate-500">{props.hint}</p> : null}
      {props.error ? <p id={`${props.id}-error`} role="alert" className="mt-1 text-sm text-rose-700">{props.error}</p> : null}
    </div>
  );
}
