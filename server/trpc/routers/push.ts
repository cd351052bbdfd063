import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { vapidPublicKey } from "../../services/push/vapid";
import { listDevices, pushSubscriptionInput, removeDevice, savePushSubscription } from "../../services/push/subscriptions";
import { listNativeDevices, removeNativeDeviceById } from "../../services/push/native-devices";

/**
 * Push devices (issue 7): the caller's own browser subscriptions and app devices (FCM, issue 17) only; another
 * user's device answers NOT_FOUND. Mount as `push` in server/trpc/root.ts.
 */
export const pushRouter = router({
  /** The VAPID public key browsers subscribe with (`applicationServerKey`), or null when push is off. */
  vapidPublicKey: protectedProcedure.query(() => ({ publicKey: vapidPublicKey() })),
  /** The caller's active devices, newest first. */
  devices: protectedProcedure.query(({ ctx }) => listDevices(ctx.user.id)),
  /** Saves this browser's subscription (`PushSubscription.toJSON()`); the same endpoint again updates it. */
  subscribe: protectedProcedure
    .input(
      z
        .object({
          subscription: pushSubscriptionInput,
          /** `navigator.userAgent`, only for the device's label. */
          userAgent: z.string().max(512).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => savePushSubscription(ctx.user.id, input.subscription, input.userAgent)),
  /** Removes one of the caller's devices (never sent to again). */
  remove: protectedProcedure.input(z.object({ id: z.uuid() }).strict()).mutation(({ ctx, input }) => removeDevice(ctx.user.id, input.id)),
  /** The caller's app devices (Android, iOS) that get pushes, the one seen last first. */
  appDevices: protectedProcedure.query(({ ctx }) => listNativeDevices(ctx.user.id)),
  /** Removes one of the caller's app devices (deleted: nothing is sent to it until the app registers again). */
  removeApp: protectedProcedure.input(z.object({ id: z.uuid() }).strict()).mutation(({ ctx, input }) => removeNativeDeviceById(ctx.user.id, input.id)),
});
