import "server-only";
/**
 * Pickups (orders and bookings collected at a business; docs/requirements.md R12) as the host
 * platform reports them through `POST /api/v1/events`. Each change notifies the people concerned through
 * the one notice path (server/services/delivery/notify.ts) and drives the reminder run
 * (inngest/functions/pickup-reminders.ts):
 *
 * - schedule (new) → customer: booking confirmation (in-app + email) or, for a confirmed order, "order
 *   confirmed" (in-app); business owner: "new pickup booked" (in-app). Emits `pickup/scheduled`.
 * - schedule again with another time = reschedule → both sides told, `version` + 1, `pickup/scheduled`
 *   for the new version (the older run is cancelled by `cancelOn` and also checks its version).
 * - confirm → "order confirmed" to the customer. complete → "pickup completed" to the customer.
 *   cancel → both sides told (customer by email too). Each bumps `version` and emits `pickup/changed`.
 *
 * Times are UTC instants; titles show them in each recipient's own time zone. Titles and bodies are
 * {@link noticeText}s (messages/<locale>/notices.json), written in each recipient's language.
 */
import { db } from "../../db";
import { Prisma, type Pickup } from "../../generated/prisma/client";
import { pickupChanged, pickupScheduled } from "../../events";
import { withEvents, type Emit, type Tx } from "../outbox/outbox";
import { AppError } from "../errors";
import { notifyUsers, notifyUsersIn, type Notice } from "../delivery/notify";
import { noticeText } from "../delivery/notice-text";
import { recipientLocale } from "../../i18n";
import { INTL_LOCALE, type Locale } from "../../../lib/i18n";
import { signalEvents } from "../realtime";

/** A line of an order. */
export interface PickupItem {
  name: string;
  quantity: number;
}

/** What the host platform tells Herald about a pickup. */
export interface PickupInput {
  /** The host platform's id of the pickup or order (unique per business). */
  externalId: string;
  businessId: string;
  customerId: string;
  listingId?: string | null;
  scheduledAt: Date;
  orderNumber?: string;
  confirmationCode?: string;
  location?: string;
  contactPerson?: string;
  contactPhone?: string;
  items?: PickupItem[];
  /** Minor units. */
  totalCents?: number;
  currency?: string;
}

/** How far ahead a pickup may be scheduled (days). */
export const MAX_PICKUP_DAYS_AHEAD = 90;

const ACTIVE = new Set(["SCHEDULED", "CONFIRMED"]);

/**
 * "Mon 23 Nov, 14:30" in the recipient's time zone and language (English keeps this en-GB form; Afrikaans
 * and isiZulu use their South African formats, e.g. "Ma. 23 Nov. 14:30").
 */
export function localTime(at: Date, timeZone: string, locale: Locale = "en"): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : INTL_LOCALE[locale], {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
}

const money = (cents: number | null) => (cents === null ? undefined : (cents / 100).toFixed(2));

/** The pickup with what notices need: business (name, owner, address) and both people's name and zone. */
async function context(q: Tx, pickupId: string) {
  const p = await q.pickup.findUniqueOrThrow({
    where: { id: pickupId },
    include: {
      business: { select: { id: true, name: true, address: true, owner: { select: { id: true, timezone: true, locale: true } } } },
      customer: { select: { id: true, name: true, timezone: true, locale: true } },
    },
  });
  return p;
}
type Ctx = Awaited<ReturnType<typeof context>>;

/** The pickup's time for its customer, in their time zone and language. */
const customerTime = (p: Ctx) => localTime(p.scheduledAt, p.customer.timezone, recipientLocale(p.customer.locale));
/** The pickup's time for the business's owner, in their time zone and language. */
const ownerTime = (p: Ctx) => localTime(p.scheduledAt, p.business.owner.timezone, recipientLocale(p.business.owner.locale));

/**
 * A pickup's state change, the notices it causes and the events it starts, in one transaction (the
 * outbox): a crash leaves all of them or none, so the host's retry of the event finds nothing half done.
 * The recipients are signalled once it has committed.
 * @param fn makes the change with `tx`, records events with `emit`, and returns its value and notices
 */
async function commit<T>(at: Date, fn: (tx: Tx, emit: Emit) => Promise<{ value: T; notices: Notice[] }>): Promise<T> {
  const { value, signals } = await withEvents(async (tx, emit) => {
    const r = await fn(tx, emit);
    return { value: r.value, signals: (await notifyUsersIn(tx, emit, r.notices, at)).signals };
  });
  await signalEvents(signals);
  return value;
}

/** Shared fields of a pickup's notices. */
function base(p: Ctx, userId: string, key: string): Pick<Notice, "userId" | "dedupeKey" | "businessId" | "data" | "actionUrl"> {
  return {
    userId,
    dedupeKey: `pickup:${p.id}:${key}`,
    businessId: p.business.id,
    actionUrl: "/notifications",
    data: { pickup_id: p.id, external_id: p.externalId, order_number: p.orderNumber, scheduled_at: p.scheduledAt.toISOString(), status: p.status },
  };
}

function bookingEmail(p: Ctx) {
  return {
    businessName: p.business.name,
    bookingReference: p.orderNumber,
    pickupTime: p.scheduledAt.toISOString(),
    pickupLocation: p.location || p.business.address || p.business.name,
    items: p.items as unknown as PickupItem[],
    ...(p.totalCents !== null ? { totalAmount: money(p.totalCents), currency: p.currency } : {}),
    bookingUrl: "/notifications",
  };
}

function scheduledEvent(p: Pick<Pickup, "id" | "version" | "scheduledAt">, at: Date) {
  return pickupScheduled.create({ pickupId: p.id, version: p.version, scheduledAt: p.scheduledAt.toISOString(), scheduledFrom: at.toISOString() });
}

async function checkParties(input: PickupInput, at: Date) {
  const [business, customer] = await Promise.all([
    db.business.findUnique({ where: { id: input.businessId }, select: { id: true } }),
    db.user.findUnique({ where: { id: input.customerId }, select: { role: true } }),
  ]);
  if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { business_id: input.businessId });
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found", { customer_id: input.customerId });
  if (customer.role !== "CUSTOMER" && customer.role !== "NGO") {
    throw new AppError("VALIDATION_ERROR", "Only customers and NGOs collect pickups", { customer_id: ["Not a customer or NGO"] });
  }
  if (input.listingId) {
    const listing = await db.listing.findUnique({ where: { id: input.listingId }, select: { businessId: true } });
    if (!listing || listing.businessId !== input.businessId) {
      throw new AppError("VALIDATION_ERROR", "The listing is not one of this business's", { listing_id: ["Unknown listing for this business"] });
    }
  }
  if (input.scheduledAt.getTime() <= at.getTime()) {
    throw new AppError("VALIDATION_ERROR", "The pickup time must be in the future", { scheduled_at: ["Must be in the future"] });
  }
  if (input.scheduledAt.getTime() > at.getTime() + MAX_PICKUP_DAYS_AHEAD * 86_400_000) {
    throw new AppError("VALIDATION_ERROR", `A pickup is at most ${MAX_PICKUP_DAYS_AHEAD} days ahead`, { scheduled_at: ["Too far ahead"] });
  }
}

/**
 * Schedules a pickup, or reschedules it when the host reports the same pickup with another time; the same
 * time again changes nothing (idempotent).
 * @param kind "booking" (R12.2: booking confirmation to the customer) or "order" (a business confirmed
 *   an order: "order confirmed")
 * @param at the current time (UTC), injectable for tests
 * @returns the pickup and what happened
 * @throws AppError BUSINESS_NOT_FOUND, NOT_FOUND (customer), VALIDATION_ERROR (not a customer/NGO, foreign
 *   listing, time not in the future or more than 90 days ahead), CONFLICT (the pickup is already completed,
 *   cancelled or missed, or belongs to another customer)
 */
export async function schedulePickup(
  input: PickupInput,
  opts: { kind: "booking" | "order"; at?: Date },
): Promise<{ pickup: Pickup; outcome: "scheduled" | "rescheduled" | "unchanged" }> {
  const at = opts.at ?? new Date();
  await checkParties(input, at);
  let existing = await db.pickup.findUnique({ where: { businessId_externalId: { businessId: input.businessId, externalId: input.externalId } } });
  if (!existing) {
    try {
      const created = await commit(at, async (tx, emit) => {
        const created = await tx.pickup.create({
          data: {
            externalId: input.externalId,
            businessId: input.businessId,
            customerId: input.customerId,
            listingId: input.listingId ?? null,
            scheduledAt: input.scheduledAt,
            status: opts.kind === "order" ? "CONFIRMED" : "SCHEDULED",
            orderNumber: input.orderNumber ?? input.externalId,
            confirmationCode: input.confirmationCode ?? null,
            location: input.location ?? "",
            contactPerson: input.contactPerson ?? null,
            contactPhone: input.contactPhone ?? null,
            items: (input.items ?? []) as unknown as Prisma.InputJsonValue,
            totalCents: input.totalCents ?? null,
            currency: input.currency ?? "ZAR",
          },
        });
        const p = await context(tx, created.id);
        const notices: Notice[] =
          opts.kind === "order"
            ? [
                {
                  ...base(p, p.customerId, "confirmed"),
                  type: "interaction_confirmed",
                  title: noticeText("orderConfirmed.title", { order: p.orderNumber, business: p.business.name }),
                  body: noticeText("orderConfirmed.body", { time: customerTime(p) }),
                },
              ]
            : [
                {
                  ...base(p, p.customerId, "booked"),
                  type: "booking_confirmed",
                  title: noticeText("bookingConfirmed.title", { business: p.business.name }),
                  body: noticeText("bookingConfirmed.body", { time: customerTime(p), order: p.orderNumber }),
                  email: bookingEmail(p),
                },
              ];
        notices.push({
          ...base(p, p.business.owner.id, "booked"),
          type: "booking_confirmed",
          title: noticeText("newPickup.title", { customer: p.customer.name }),
          body: noticeText("newPickup.body", { order: p.orderNumber, time: ownerTime(p) }),
          actorId: p.customerId,
        });
        await emit(scheduledEvent(created, at));
        return { value: created, notices };
      });
      return { pickup: created, outcome: "scheduled" };
    } catch (err) {
      // Two reports of a new pickup at once: the loser continues as "existing".
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
      existing = await db.pickup.findUniqueOrThrow({ where: { businessId_externalId: { businessId: input.businessId, externalId: input.externalId } } });
    }
  }
  if (existing.customerId !== input.customerId) {
    throw new AppError("CONFLICT", "This pickup id belongs to another customer", { pickup_id: [input.externalId] });
  }
  if (existing.scheduledAt.getTime() === input.scheduledAt.getTime()) return { pickup: existing, outcome: "unchanged" };
  return { pickup: await reschedule(existing, input.scheduledAt, at), outcome: "rescheduled" };
}

/** Finds a business's pickup by the host's id. @throws AppError NOT_FOUND */
async function findPickup(businessId: string, externalId: string): Promise<Pickup> {
  const p = await db.pickup.findUnique({ where: { businessId_externalId: { businessId, externalId } } });
  if (!p) throw new AppError("NOT_FOUND", "Pickup not found", { pickup_id: [externalId] });
  return p;
}

/** The refusal for a pickup that has already reached `status` (one fixed sentence per status, so each is translated). */
function alreadyMessage(status: Pickup["status"]): string {
  return {
    SCHEDULED: "The pickup is already scheduled",
    CONFIRMED: "The pickup is already confirmed",
    COMPLETED: "The pickup is already completed",
    CANCELLED: "The pickup is already cancelled",
    MISSED: "The pickup is already missed",
  }[status];
}

/**
 * Moves an active pickup to a new time and bumps its version only if nobody changed it meanwhile (the
 * version check makes a reschedule racing a cancel lose cleanly).
 * @throws AppError CONFLICT when the pickup is no longer active or changed concurrently
 */
async function reschedule(existing: Pickup, scheduledAt: Date, at: Date): Promise<Pickup> {
  if (!ACTIVE.has(existing.status)) {
    throw new AppError("CONFLICT", alreadyMessage(existing.status), { status: [existing.status] });
  }
  return commit(at, async (tx, emit) => {
    const { count } = await tx.pickup.updateMany({
      where: { id: existing.id, version: existing.version, status: { in: ["SCHEDULED", "CONFIRMED"] } },
      data: { scheduledAt, version: { increment: 1 } },
    });
    if (count === 0) throw new AppError("CONFLICT", "The pickup changed at the same time; send the event again");
    const p = await context(tx, existing.id);
    const v = `v${p.version}:rescheduled`;
    await emit(scheduledEvent(p, at));
    return {
      value: p as Pickup,
      notices: [
        {
          ...base(p, p.customerId, v),
          type: "booking_confirmed",
          title: noticeText("pickupMoved.title", { business: p.business.name }),
          body: noticeText("pickupMoved.body", { time: customerTime(p), order: p.orderNumber }),
          email: bookingEmail(p),
        },
        {
          ...base(p, p.business.owner.id, v),
          type: "booking_confirmed",
          title: noticeText("pickupMovedForBusiness.title", { customer: p.customer.name }),
          body: noticeText("pickupMovedForBusiness.body", { order: p.orderNumber, time: ownerTime(p) }),
          actorId: p.customerId,
        },
      ],
    };
  });
}

/**
 * Moves a pickup to a new time (`pickup.rescheduled`).
 * @throws AppError NOT_FOUND, VALIDATION_ERROR (time), CONFLICT (no longer active)
 */
export async function reschedulePickup(businessId: string, externalId: string, scheduledAt: Date, at = new Date()): Promise<Pickup> {
  const existing = await findPickup(businessId, externalId);
  await checkParties({ externalId, businessId, customerId: existing.customerId, scheduledAt }, at);
  if (existing.scheduledAt.getTime() === scheduledAt.getTime()) return existing;
  return reschedule(existing, scheduledAt, at);
}

/**
 * The business confirmed a booked pickup: "order confirmed" to the customer (in-app). Confirming twice
 * changes nothing.
 * @throws AppError NOT_FOUND; CONFLICT when completed, cancelled or missed
 */
export async function confirmPickup(businessId: string, externalId: string, at = new Date()): Promise<Pickup> {
  const existing = await findPickup(businessId, externalId);
  if (existing.status === "CONFIRMED") return existing;
  if (existing.status !== "SCHEDULED") throw new AppError("CONFLICT", alreadyMessage(existing.status), { status: [existing.status] });
  return commit(at, async (tx) => {
    await tx.pickup.update({ where: { id: existing.id }, data: { status: "CONFIRMED" } });
    const p = await context(tx, existing.id);
    return {
      value: p as Pickup,
      notices: [
        {
          ...base(p, p.customerId, "confirmed"),
          type: "interaction_confirmed",
          title: noticeText("orderConfirmed.title", { order: p.orderNumber, business: p.business.name }),
          body: noticeText("orderConfirmed.body", { time: customerTime(p) }),
        },
      ],
    };
  });
}

/**
 * Ends an active pickup (completed or cancelled), bumping its version so pending reminders stop, and
 * emits `pickup/changed` and the pickup's `notices`, all in one transaction. Ending it again the same way
 * changes nothing.
 * @throws AppError NOT_FOUND; CONFLICT when it already ended another way
 */
async function end(businessId: string, externalId: string, status: "COMPLETED" | "CANCELLED", notices: (p: Ctx) => Notice[], at: Date): Promise<Pickup> {
  const existing = await findPickup(businessId, externalId);
  if (existing.status === status) return existing;
  if (!ACTIVE.has(existing.status)) throw new AppError("CONFLICT", alreadyMessage(existing.status), { status: [existing.status] });
  return commit(at, async (tx, emit) => {
    const { count } = await tx.pickup.updateMany({
      where: { id: existing.id, status: { in: ["SCHEDULED", "CONFIRMED"] } },
      data: { status, version: { increment: 1 } },
    });
    if (count === 0) throw new AppError("CONFLICT", "The pickup changed at the same time; send the event again");
    const p = await context(tx, existing.id);
    await emit(pickupChanged.create({ pickupId: p.id, version: p.version, status }));
    return { value: p as Pickup, notices: notices(p) };
  });
}

/**
 * The customer collected the pickup: "pickup completed" to the customer; reminders stop.
 * @throws AppError NOT_FOUND; CONFLICT (cancelled or missed)
 */
export async function completePickup(businessId: string, externalId: string, at = new Date()): Promise<Pickup> {
  return end(
    businessId,
    externalId,
    "COMPLETED",
    (p) => [
      {
        ...base(p, p.customerId, "completed"),
        type: "interaction_completed",
        title: noticeText("pickupCompleted.title", { business: p.business.name }),
        body: noticeText("pickupCompleted.body", { order: p.orderNumber }),
      },
    ],
    at,
  );
}

/**
 * The pickup was cancelled (docs/requirements.md R12.2): both sides are told, the customer by email too;
 * reminders stop.
 * @throws AppError NOT_FOUND; CONFLICT (completed or missed)
 */
export async function cancelPickup(
  businessId: string,
  externalId: string,
  o: { cancelledBy: "business" | "customer" | "system"; reason?: string },
  at = new Date(),
): Promise<Pickup> {
  const body = o.reason ? "bodyWithReason" : "body";
  const reason: Record<string, string> = o.reason ? { reason: o.reason } : {};
  return end(
    businessId,
    externalId,
    "CANCELLED",
    (p) => [
      {
        ...base(p, p.customerId, "cancelled"),
        type: "booking_cancelled",
        title: noticeText("pickupCancelled.title", { business: p.business.name }),
        body: noticeText(`pickupCancelled.${body}`, { order: p.orderNumber, time: customerTime(p), ...reason }),
        email: {
          businessName: p.business.name,
          bookingReference: p.orderNumber,
          pickupTime: p.scheduledAt.toISOString(),
          cancelledBy: o.cancelledBy,
          ...(o.reason ? { reason: o.reason } : {}),
          browseUrl: "/businesses",
        },
      },
      {
        ...base(p, p.business.owner.id, "cancelled"),
        type: "booking_cancelled",
        title: noticeText("pickupCancelledForBusiness.title", { customer: p.customer.name }),
        body: noticeText(`pickupCancelledForBusiness.${body}`, { order: p.orderNumber, time: ownerTime(p), ...reason }),
        actorId: p.customerId,
      },
    ],
    at,
  );
}

/** Whether a reminder run for `version` still applies: same version, still active. */
async function current(pickupId: string, version: number): Promise<Ctx | null> {
  const p = await db.pickup.findUnique({ where: { id: pickupId }, select: { version: true, status: true } });
  if (!p || p.version !== version || !ACTIVE.has(p.status)) return null;
  return context(db, pickupId);
}

/**
 * A pickup reminder (docs/requirements.md R12.3): "24h" → email (critical: ignores quiet hours and preferences);
 * "1h" → in-app, web push and SMS (critical too; SMS needs a verified number that did not text STOP). Does nothing when the pickup was rescheduled (another version), completed or cancelled.
 * @returns `active`: whether the pickup is still this version and active (false ends the reminder run);
 *   `sent`: whether a notice was written now (false on a retry that already wrote it)
 */
export async function sendPickupReminder(pickupId: string, version: number, which: "24h" | "1h", at = new Date()): Promise<{ active: boolean; sent: boolean }> {
  const p = await current(pickupId, version);
  if (!p) return { active: false, sent: false };
  const notice: Notice = {
    ...base(p, p.customerId, `v${version}:reminder-${which}`),
    type: "pickup_reminder",
    title: noticeText(which === "24h" ? "pickupReminder.titleTomorrow" : "pickupReminder.titleInAnHour", { business: p.business.name }),
    body: p.confirmationCode
      ? noticeText("pickupReminder.bodyWithCode", { time: customerTime(p), order: p.orderNumber, code: p.confirmationCode })
      : noticeText("pickupReminder.body", { time: customerTime(p), order: p.orderNumber }),
  };
  const props = {
    businessName: p.business.name,
    orderNumber: p.orderNumber,
    pickupTime: p.scheduledAt.toISOString(),
    pickupLocation: p.location || p.business.address || p.business.name,
    ...(p.contactPerson ? { contactPerson: p.contactPerson } : {}),
    ...(p.contactPhone ? { contactPhone: p.contactPhone } : {}),
    ...(p.confirmationCode ? { confirmationCode: p.confirmationCode } : {}),
    items: p.items as unknown as PickupItem[],
    ...(p.totalCents !== null ? { totalAmount: money(p.totalCents), currency: p.currency } : {}),
    orderUrl: "/notifications",
  };
  // R12.3: the day before by email; the hour before by push and SMS ("urgent reminder").
  if (which === "24h") {
    notice.email = props;
    notice.channels = ["IN_APP", "EMAIL"];
  } else {
    notice.sms = props;
    notice.channels = ["IN_APP", "PUSH", "SMS"];
  }
  const r = await notifyUsers([notice], at);
  return { active: true, sent: r.created.length > 0 };
}

/**
 * 30 minutes after the scheduled time: if the pickup is still not completed, mark it MISSED and tell the
 * customer and the business (docs/requirements.md R12.3; not critical, so quiet hours
 * and preferences apply to the email).
 * @returns whether it was marked missed now
 */
export async function markPickupMissed(pickupId: string, version: number, at = new Date()): Promise<{ missed: boolean }> {
  return commit<{ missed: boolean }>(at, async (tx) => {
    const { count } = await tx.pickup.updateMany({
      where: { id: pickupId, version, status: { in: ["SCHEDULED", "CONFIRMED"] } },
      data: { status: "MISSED", version: { increment: 1 } },
    });
    if (count === 0) return { value: { missed: false }, notices: [] };
    const p = await context(tx, pickupId);
    const email = (audience: "customer" | "business") => ({
      audience,
      businessName: p.business.name,
      ...(audience === "business" ? { customerName: p.customer.name } : {}),
      orderNumber: p.orderNumber,
      pickupTime: p.scheduledAt.toISOString(),
      orderUrl: "/notifications",
    });
    return {
      value: { missed: true }, // called by the version's own reminder run, which ends here: nothing to cancel
      notices: [
        {
          ...base(p, p.customerId, "missed"),
          type: "pickup_missed",
          title: noticeText("pickupMissed.title", { business: p.business.name }),
          body: noticeText("pickupMissed.body", { order: p.orderNumber, time: customerTime(p) }),
          email: email("customer"),
        },
        {
          ...base(p, p.business.owner.id, "missed"),
          type: "pickup_missed",
          title: noticeText("notCollected.title", { customer: p.customer.name }),
          body: noticeText("notCollected.body", { order: p.orderNumber, time: ownerTime(p) }),
          actorId: p.customerId,
          email: email("business"),
        },
      ],
    };
  });
}
