import "server-only";
import { createCallerFactory, router } from "./init";
import { notificationsRouter } from "./routers/notifications";
import { businessesRouter } from "./routers/businesses";
import { followingRouter } from "./routers/following";
import { listingsRouter } from "./routers/listings";
import { preferencesRouter } from "./routers/preferences";
import { adminRouter } from "./routers/admin";
import { tokensRouter } from "./routers/tokens";
import { businessDashboardRouter } from "./routers/business-dashboard";
import { apiKeysRouter } from "./routers/api-keys";
import { webhooksRouter } from "./routers/webhooks";
import { accountRouter } from "./routers/account";
import { campaignsRouter } from "./routers/campaigns";
import { analyticsRouter } from "./routers/analytics";
import { segmentsRouter } from "./routers/segments";
import { pushRouter } from "./routers/push";
import { phoneRouter } from "./routers/phone";

/** The app's tRPC API: one router per domain (docs/architecture.md, "Layers"). */
export const appRouter = router({
  notifications: notificationsRouter,
  businesses: businessesRouter,
  following: followingRouter,
  listings: listingsRouter,
  preferences: preferencesRouter,
  admin: adminRouter,
  tokens: tokensRouter,
  businessDashboard: businessDashboardRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
  account: accountRouter,
  campaigns: campaignsRouter,
  analytics: analyticsRouter,
  segments: segmentsRouter,
  push: pushRouter,
  phone: phoneRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller (tests, server components): `createCaller({ user })`. */
export const createCaller = createCallerFactory(appRouter);
