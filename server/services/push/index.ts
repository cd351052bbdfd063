import "server-only";
/**
 * The push transport for this deployment (docs/architecture.md, "Two modes"), chosen by env like `emailTransport()`:
 *
 * | env (group `push`)                 | transport                                                   |
 * |------------------------------------|-------------------------------------------------------------|
 * | VAPID keys, PUSH_CAPTURE unset     | web-push only (production)                                  |
 * | VAPID keys + PUSH_CAPTURE=1        | capture into `captured_pushes` AND send for real (embedded) |
 * | no keys, PUSH_CAPTURE=1            | capture only                                                |
 * | no keys                            | disabled: every send fails permanently ("not configured")   |
 *
 * The launcher (`scripts/herald.ts`) generates keys and sets PUSH_CAPTURE=1 when no VAPID keys are given,
 * so the embedded mode shows every push at /dev/pushes while a subscribed browser still receives it; a dev
 * machine that is offline just records the network error (see `createCaptureAndSendTransport`).
 */
import { db } from "../../db";
import { env } from "../../env";
import { createCaptureAndSendTransport, createCapturePushTransport, createWebPushTransport, disabledPushTransport, type PushTransport } from "./transport";
import { vapidConfig } from "./vapid";
import {
  createFcmTransport,
  createNativeCaptureAndSendTransport,
  createNativeCaptureTransport,
  disabledNativeTransport,
  serviceAccountFromEnv,
  type NativePushTransport,
} from "./fcm";

const g = globalThis as unknown as { heraldPushTransport?: PushTransport; heraldNativePushTransport?: NativePushTransport };

/** The deployment's push transport (one per process). @throws Error on a half or malformed VAPID config. */
export function pushTransport(): PushTransport {
  if (g.heraldPushTransport) return g.heraldPushTransport;
  const { PUSH_CAPTURE, PUSH_ALLOW_PRIVATE_ENDPOINTS } = env("push");
  const vapid = vapidConfig();
  const real = vapid ? createWebPushTransport({ vapid, allowPrivateNetwork: PUSH_ALLOW_PRIVATE_ENDPOINTS }) : null;
  const capture = PUSH_CAPTURE ? createCapturePushTransport(db) : null;
  g.heraldPushTransport = capture && real ? createCaptureAndSendTransport(capture, real) : (capture ?? real ?? disabledPushTransport);
  return g.heraldPushTransport;
}

/**
 * The deployment's transport for native app pushes (one per process), chosen like {@link pushTransport}
 * (issue 17 "Push to native apps"):
 *
 * | env                                   | transport                                                   |
 * |---------------------------------------|-------------------------------------------------------------|
 * | FCM service account, PUSH_CAPTURE off | FCM's HTTP v1 API only (production)                          |
 * | FCM service account + PUSH_CAPTURE=1  | capture into `captured_pushes` AND send through FCM          |
 * | no service account, PUSH_CAPTURE=1    | capture only (the embedded mode)                             |
 * | neither                               | disabled: apps cannot register (see {@link nativePushAvailable}) |
 * @throws Error on a malformed FCM env (unreadable or wrong service account JSON, FCM_BASE_URL not https)
 */
export function nativePushTransport(): NativePushTransport {
  if (g.heraldNativePushTransport) return g.heraldNativePushTransport;
  const fcm = env("fcm");
  const account = serviceAccountFromEnv(fcm);
  const real = account ? createFcmTransport({ serviceAccount: account, baseUrl: fcm.FCM_BASE_URL, clickAction: fcm.FCM_ANDROID_CLICK_ACTION }) : null;
  const capture = env("push").PUSH_CAPTURE ? createNativeCaptureTransport(db) : null;
  g.heraldNativePushTransport = capture && real ? createNativeCaptureAndSendTransport(capture, real) : (capture ?? real ?? disabledNativeTransport);
  return g.heraldNativePushTransport;
}

/** Whether native apps can register devices: FCM is configured, or their pushes are captured. */
export function nativePushAvailable(): boolean {
  return nativePushTransport().name !== "disabled";
}

/** Whether pushes are captured (the embedded mode): /dev/pushes exists only then. */
export function pushIsCaptured(): boolean {
  return env("push").PUSH_CAPTURE;
}

/** Whether browsers can subscribe (VAPID keys are configured). */
export function pushIsConfigured(): boolean {
  return vapidConfig() !== null;
}

export { pushOptionsFor, pushPayloadFor, type PushPayload, type PushPriority, type PushUrgency } from "./payload";
export type { PushMessage, PushSendResult, PushTarget, PushTransport } from "./transport";
