"use client";
/**
 * Browser side of web push (W3C Push API + Notifications API), kept apart from the React component so the
 * order of steps is easy to audit: nothing here runs on page load except {@link pushSupport} and
 * {@link currentSubscription}, which neither prompt nor register anything.
 */

/** Why this browser can or cannot do push. */
export type PushSupport = "supported" | "insecure" | "unsupported";

export function pushSupport(): PushSupport {
  if (typeof window === "undefined") return "unsupported";
  if (!window.isSecureContext) return "insecure";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  return "supported";
}

/** The notification permission right now ("default" | "granted" | "denied"). */
export function notificationPermission(): NotificationPermission {
  return typeof Notification === "undefined" ? "denied" : Notification.permission;
}

/** base64url (VAPID public key) → bytes for `applicationServerKey`. */
export function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

/** This browser's existing subscription for Herald's worker, without registering or prompting. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() !== "supported") return null;
  const reg = await navigator.serviceWorker.getRegistration("/");
  return reg ? reg.pushManager.getSubscription() : null;
}

/** What {@link enablePush} ended with. */
export type EnableResult = { kind: "subscribed"; subscription: PushSubscriptionJSON } | { kind: "denied" } | { kind: "dismissed" };

/**
 * The permission flow, only ever started by a click: asks for notification permission (the browser's
 * prompt), registers /sw.js for scope "/", and subscribes with `userVisibleOnly` and the server's VAPID key.
 * A subscription made with another key (the server's keys changed) is replaced.
 * @throws Error (or DOMException) when registration or subscription fails.
 */
export async function enablePush(vapidPublicKey: string): Promise<EnableResult> {
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission === "denied") return { kind: "denied" };
  if (permission !== "granted") return { kind: "dismissed" };
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const reg = await navigator.serviceWorker.ready;
  const key = base64UrlToBytes(vapidPublicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameBytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  return { kind: "subscribed", subscription: sub.toJSON() };
}

/** Ends this browser's subscription (after the server forgot the device). Never throws. */
export async function unsubscribeThisBrowser(): Promise<void> {
  try {
    await (await currentSubscription())?.unsubscribe();
  } catch {
    // Nothing to do: the server no longer sends to it anyway.
  }
}
