/**
 * Test and seed factory: creates users, businesses, follows, listings and notifications with sensible
 * defaults. Used by `npm run db:seed` (prisma/seed.ts) and by the tests, against whichever Prisma client
 * they pass in. Unique emails/slugs by default so tests can share one database.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import type { CampaignStatus, Channel, DeliveryStatus, Prisma, PrismaClient, Role } from "../server/generated/prisma/client";
import { DEMO_PASSWORD } from "./demo-accounts";

const hashes = new Map<string, Promise<string>>();
/** bcrypt hash (cost 10, OWASP's minimum) of `password`, computed once per process (seeding 50 users stays fast). */
export function cachedHash(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) hashes.set(password, (h = bcrypt.hash(password, 10)));
  return h;
}



const uniq = () => randomUUID().slice(0, 8);

export async function createUser(
  db: PrismaClient,
  o: { role?: Role; name?: string; email?: string; password?: string; timezone?: string; emailVerified?: boolean } = {},
) {
  const name = o.name ?? `Test User ${uniq()}`;
  return db.user.create({
    data: {
      name,
      email: (o.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${uniq()}@herald.test`).toLowerCase(),
      passwordHash: await cachedHash(o.password ?? DEMO_PASSWORD),
      role: o.role ?? "CUSTOMER",
      timezone: o.timezone ?? "Africa/Johannesburg",
      // Demo and test accounts have proven addresses; `emailVerified: false` makes one as /signup leaves it.
      emailVerifiedAt: o.emailVerified === false ? null : new Date(),
    },
  });
}

export async function createBusiness(
  db: PrismaClient,
  o: { name?: string; ownerEmail?: string; ownerName?: string; address?: string; description?: string; rating?: number; logoColor?: string; slug?: string } = {},
) {
  const name = o.name ?? `Test Bakery ${uniq()}`;
  const owner = await createUser(db, { role: "BUSINESS", name: o.ownerName ?? `${name} Owner`, email: o.ownerEmail });
  const business = await db.business.create({
    data: {
      ownerId: owner.id,
      name,
      slug: o.slug ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}-${uniq()}`,
      address: o.address ?? "1 Church Street, Pretoria",
      description: o.description ?? "",
      rating: o.rating ?? 4.2,
      logoColor: o.logoColor ?? "#2E7D32",
    },
  });
  return { owner, business };
}

export function follow(db: PrismaClient, userId: string, businessId: string, createdAt?: Date) {
  return db.follow.create({ data: { userId, businessId, ...(createdAt ? { createdAt } : {}) } });
}

/**
 * `n` new followers (customers by default) of the business, created with set-based statements (for
 * fan-out tests and benchmarks: 100,000 followers in seconds); `emailEnabled: false` turns their email off.
 */
export async function createFollowers(
  db: PrismaClient,
  businessId: string,
  n: number,
  opts: { role?: Role; emailEnabled?: boolean } = {},
): Promise<void> {
  const role = opts.role ?? "CUSTOMER";
  const tag = uniq();
  const hash = await cachedHash(DEMO_PASSWORD);
  await db.$executeRaw`
    INSERT INTO users (email, name, password_hash, role)
    SELECT 'follower-' || ${tag} || '-' || g || '@herald.test', 'Follower ' || g, ${hash}, ${role}::"Role"
    FROM generate_series(1, ${n}::int) g`;
  await db.$executeRaw`
    INSERT INTO follows (user_id, business_id)
    SELECT id, ${businessId}::uuid FROM users WHERE email LIKE ${`follower-${tag}-%`}`;
  if (opts.emailEnabled === false) {
    await db.$executeRaw`
      INSERT INTO notification_settings (user_id, email_enabled)
      SELECT id, false FROM users WHERE email LIKE ${`follower-${tag}-%`}`;
  }
}

export function createListing(
  db: PrismaClient,
  businessId: string,
  o: { title?: string; description?: string; priceCents?: number; hoursFromNow?: number; createdAt?: Date } = {},
) {
  const start = new Date(Date.now() + (o.hoursFromNow ?? 3) * 3_600_000);
  return db.listing.create({
    data: {
      businessId,
      title: o.title ?? `Surprise bag ${uniq()}`,
      description: o.description ?? "A bag of today's unsold bakes.",
      priceCents: o.priceCents ?? 4500,
      pickupStart: start,
      pickupEnd: new Date(start.getTime() + 2 * 3_600_000),
      expiresAt: new Date(start.getTime() + 2 * 3_600_000),
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    },
  });
}

export function createNotification(
  db: PrismaClient,
  o: {
    userId: string; type?: string; title?: string; body?: string; businessId?: string | null; createdAt?: Date; readAt?: Date | null; archivedAt?: Date | null; actionUrl?: string; dedupeKey?: string; category?: string;
    /** The notification's `data` (default `{}`). */
    data?: Prisma.InputJsonValue;
    /** The campaign that sent it (default none). */
    campaignId?: string | null;
  },
) {
  return db.notification.create({
    data: {
      userId: o.userId,
      type: o.type ?? "business_update",
      category: o.category ?? "business",
      title: o.title ?? `Update ${uniq()}`,
      body: o.body ?? "Something happened.",
      businessId: o.businessId ?? null,
      actionUrl: o.actionUrl ?? null,
      dedupeKey: o.dedupeKey ?? `test:${randomUUID()}`,
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
      readAt: o.readAt ?? null,
      archivedAt: o.archivedAt ?? null,
      ...(o.data !== undefined ? { data: o.data } : {}),
      ...(o.campaignId ? { campaignId: o.campaignId } : {}),
    },
  });
}

/**
 * A notification's delivery on one channel (default: an email `SENT` now), at the times given. Timestamps
 * left out stay null, but `sentAt` (now for `SENT`), `createdAt` (now) and `updatedAt` (`createdAt`).
 */
export function createDelivery(
  db: PrismaClient,
  o: {
    notificationId: string; userId: string; channel?: Channel; status?: DeliveryStatus; reason?: string | null; providerMessageId?: string | null;
    releaseAt?: Date | null; sentAt?: Date | null; clickedAt?: Date | null; unsubscribedAt?: Date | null; attempts?: number; createdAt?: Date; updatedAt?: Date;
  },
) {
  const status = o.status ?? "SENT";
  return db.delivery.create({
    data: {
      notificationId: o.notificationId,
      userId: o.userId,
      channel: o.channel ?? "EMAIL",
      status,
      reason: o.reason ?? null,
      providerMessageId: o.providerMessageId ?? null,
      releaseAt: o.releaseAt ?? null,
      sentAt: o.sentAt === undefined ? (status === "SENT" ? new Date() : null) : o.sentAt,
      clickedAt: o.clickedAt ?? null,
      unsubscribedAt: o.unsubscribedAt ?? null,
      attempts: o.attempts ?? 0,
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
      ...(o.updatedAt ?? o.createdAt ? { updatedAt: o.updatedAt ?? o.createdAt } : {}),
    },
  });
}

/**
 * An admin campaign (default: a draft to everyone, in-app and email, with unique texts). `status`,
 * `startedAt` and `finishedAt` make one that already ran, for analytics.
 */
export function createCampaign(
  db: PrismaClient,
  o: {
    name?: string; inAppTitle?: string; inAppBody?: string; emailSubject?: string; emailBody?: string; channels?: Channel[];
    audience?: Prisma.InputJsonValue; status?: CampaignStatus; startedAt?: Date | null; finishedAt?: Date | null; createdById?: string | null;
  } = {},
) {
  const name = o.name ?? `Test campaign ${uniq()}`;
  return db.campaign.create({
    data: {
      name,
      inAppTitle: o.inAppTitle ?? name,
      inAppBody: o.inAppBody ?? "",
      emailSubject: o.emailSubject ?? name,
      emailBody: o.emailBody ?? "Hello.",
      channels: o.channels ?? ["IN_APP", "EMAIL"],
      audience: o.audience ?? { kind: "everyone" },
      status: o.status ?? "DRAFT",
      startedAt: o.startedAt ?? null,
      finishedAt: o.finishedAt ?? null,
      createdById: o.createdById ?? null,
    },
  });
}

/** An email as the capture transport stores it for the dev mailbox (default: a unique subject to `to`). */
export function createCapturedEmail(
  db: PrismaClient,
  o: { to: string; from?: string; subject?: string; html?: string; text?: string; idempotencyKey?: string; createdAt?: Date },
) {
  return db.capturedEmail.create({
    data: {
      to: o.to,
      from: o.from ?? "Herald <noreply@herald.test>",
      subject: o.subject ?? `Test email ${uniq()}`,
      html: o.html ?? "<p>Hello</p>",
      text: o.text ?? "Hello",
      idempotencyKey: o.idempotencyKey ?? `test:${randomUUID()}`,
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    },
  });
}

/**
 * A host platform's API key, stored the way server/services/api/api-keys.ts stores one (the SHA-256 hex of
 * `hrld_key_` + base64url of 32 random bytes, and its first 12 characters as the prefix).
 * @returns the row and the key itself (for `Authorization: Bearer …`)
 */
export async function createApiKey(db: PrismaClient, o: { name?: string } = {}) {
  const key = `hrld_key_${randomBytes(32).toString("base64url")}`;
  const apiKey = await db.apiKey.create({
    data: { name: o.name ?? `Test key ${uniq()}`, keyHash: createHash("sha256").update(key).digest("hex"), prefix: key.slice(0, 12) },
  });
  return { key, apiKey };
}

/** The user's notification settings row, with `data` over the schema's defaults (e.g. `{ quietHoursEnabled: false }`). */
export function createNotificationSettings(db: PrismaClient, userId: string, data: Omit<Prisma.NotificationSettingsUncheckedCreateInput, "userId"> = {}) {
  return db.notificationSettings.create({ data: { ...data, userId } });
}
