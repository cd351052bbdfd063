/*
 * Herald's service worker (issue 7: web push). Plain JS, served from /sw.js with scope "/".
 *
 * push              → one notification from the payload Herald sends (server/services/push/payload.ts,
 *                     `PushPayload` v1: { v, notificationId, type, title, body, url, tag?, timestamp }).
 *                     Parsed defensively: anything unexpected still shows a generic notification (browsers
 *                     require a visible notification for every push: `userVisibleOnly`), never a foreign URL.
 *                     Open pages get a `{ type: "herald:push", notificationId }` message.
 * notificationclick → closes it; focuses a window already on the target (marking the notification read in
 *                     the background), else opens /n/<notificationId>, which marks it read and redirects
 *                     to the target (app/n/[id]/route.ts).
 * pushsubscriptionchange → subscribes again and hands the new subscription to the server.
 */
"use strict";

const ICON = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAMAAAADACAYAAABS3GwHAAAFH0lEQVR42u3dO27bSBzAYVWqeQQ1PkJ6FoFqXiCQ2nQGkjaAgRQpdQQVewAdwdgTGFttqS0X2ELFIrWTMUiAMPzQgxTJ+X8GfkAqRxrOJz6GtGbz1XI2gor5aln+/vfdfLXczlfL+7pHZVGzPbf1Ni7rbT743Btywlf1gOxNkLDt6zlQDQXi2v/her5a7mx4vdKuniNZAVjMV8vNfLU82MA6skM9ZxZTBrCod282qC5p2yeEvo7vNzacOm7Tx3lC15O/cqijng+NqjECKJzc6sony8VYAJQ+9TXQ3qAcGsCtDaGBux0KgCs8GtOVoqsCMPmVBYJzJv+DwdZIe+gbgE9+ZbUnMPkVGoGrPQp9dejY6/wGVFOsvBRAYZFLE18sKy4B4PYG5XDbxFkAKoOnTKpOBeDQRyEOhV4D4H5+5fg8wVEAFgZLmbY4BoAFL4VZIPPpr9B7Acf+Cn0u8ByAKz+KcEXoRQBrg6MgrV8CYNVX4VaH2wtfBkaRKtoA3PagkLdHuPav0GsCDQB/olzR2jcAHP8r7HmAJ74U+omxWf2VNQZDEbtzAqzQJ8IzX0anwN0DoPAADITCBoAAkACQAJAAkACQAJAAkACQAJAAkACYZjdfPj1+/PG1kz58+zya95VeS1fvK40RAJn2fffHY1c/f/7912jeV3otXf2kMQIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAhABx+/v808cZQei0AAHBVALn+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQM4A/vnv36ffN4bSawEAAI9EAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAM1s2XT48ff3ztpA/fPo/mfaXX0tX7SmMEgASABIAEgASABIAEgASABIAEgASABIA0RQD3BkJBuwdA4QFsDYSCtk0A7gyEgnaXAJQGQkErE4DCQChoRQKQ2hsMBSvN+VkDwImwwp0AtwFUBkTBqtoAnAco3PF/G0BqZ1AUpF0z79sA1gZGQVq/BCB1MDjKvEN7zj8HsDFAyrzNWwAWBkiZt3gLgDUBZX/t/z0A9gIK8en/GgDnAsr+2P89AIUrQsrsyk9xCgC3Ryi72x5OBWB1WFmt+p4DwKGQsjz0ORaAJ8Y06Se+3pvfxwBI3RpMTazbY+b2sQAskGnSC15dAIBAWU3+cwCkHgyyRtrDqfP5HAD2BJr8J/+lACDQ5Cf/pQBcHdJkrvb0BaBZJ7BYpiEWucpL528XAJoVY7dN6Jq3NxRdzN2uALRvoLM3UJ+f+lWXc7ZrAM3ewPME6uN+/qLr+doHgPaTZa4UqYsrPIu+5mmfANoQNg6NdOKhzqbPiX9NAM//+JaTZb11cru+5py8NoD2eUJV7978afa47es5UPVxfD9mAC+BKOuva9rWX9zny/vyqdme23obl0NN+Of9AnSKAstvX/5yAAAAAElFTkSuQmCC";
const BADGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGAAAABgCAYAAADimHc4AAAA2UlEQVR42u3asQnAIBBAUUdyBEdyhGziKBntkiKtYODAwif8SrHwVcKViCjal0cAAEAAAAgAAAEAIAAABACAAAAQAAACAEAAAAgAAAEAIAAABACAAAAQAADZ1Yi4J9UN9xwH0GK+2oZ7AAAAAAAAAAAAAAAAAAAAAADHAoz3zLXYAJAPkLUAAAAAAAAAAD8B+re/UgfgHwAAAAAAAAAAAAAAAAAAAAAYzjWebjxdAAAIAAABACAAAAB4BAAABACAAAAQAAACAEAAAAgAAAEAIAAABACAAABQdg+4J1peItyirQAAAABJRU5ErkJggg==";
const DEFAULT_URL = "/notifications";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A same-origin path ("/x"), never absolute, protocol-relative or with backslashes. */
function isAppPath(u) {
  return typeof u === "string" && u.length <= 2000 && /^\/(?![/\\])[^\s\\]*$/.test(u);
}

function text(v, max) {
  return typeof v === "string" ? v.slice(0, max) : "";
}

/** The notification to show for a push (PushMessageData or null). */
function parsePush(data) {
  let raw = null;
  try {
    raw = data ? data.json() : null;
  } catch {
    raw = null;
  }
  if (!raw || typeof raw !== "object" || raw.v !== 1) {
    return { title: "Herald", body: "You have a new notification.", url: DEFAULT_URL, tag: "herald", notificationId: null, timestamp: Date.now() };
  }
  const notificationId = typeof raw.notificationId === "string" && UUID.test(raw.notificationId) ? raw.notificationId : null;
  const timestamp = Date.parse(raw.timestamp);
  const image = typeof raw.image === "string" && raw.image.length <= 500 && /^https?:\/\/\S+$/.test(raw.image) ? raw.image : undefined;
  return {
    title: text(raw.title, 200) || "Herald",
    body: text(raw.body, 1000),
    url: isAppPath(raw.url) ? raw.url : DEFAULT_URL,
    tag: text(raw.tag, 200) || notificationId || "herald",
    notificationId,
    timestamp: Number.isFinite(timestamp) ? timestamp : Date.now(),
    image,
  };
}

/** Where a click goes: the target, the URL to open (/n/<id> marks read on the way), the mark-read URL. */
function clickTarget(data) {
  const target = data && isAppPath(data.url) ? data.url : DEFAULT_URL;
  const id = data && typeof data.notificationId === "string" && UUID.test(data.notificationId) ? data.notificationId : null;
  const markRead = id ? "/n/" + id : null;
  return { target, open: markRead || target, markRead };
}
// For tests (e2e/push.spec.ts evaluates it in this worker): what a click on `data` would open.
self.heraldClickTarget = clickTarget;

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", (event) => {
  const p = parsePush(event.data);
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(p.title, {
        body: p.body,
        tag: p.tag,
        icon: ICON,
        badge: BADGE,
        timestamp: p.timestamp,
        ...(p.image ? { image: p.image } : {}),
        data: { url: p.url, notificationId: p.notificationId },
      });
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: "herald:push", notificationId: p.notificationId, tag: p.tag });
    })(),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const t = clickTarget(event.notification.data);
  event.waitUntil(
    (async () => {
      const targetUrl = new URL(t.target, self.location.origin).href;
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const already = windows.find((w) => w.url === targetUrl);
      if (already) {
        if (t.markRead) await fetch(t.markRead, { credentials: "same-origin", redirect: "manual" }).catch(() => undefined);
        return already.focus();
      }
      return self.clients.openWindow(t.open);
    })(),
  );
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      const old = event.oldSubscription;
      const key = old && old.options ? old.options.applicationServerKey : null;
      const sub = event.newSubscription || (key ? await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }) : null);
      if (!sub) return;
      // tRPC `push.subscribe` (superjson body); the session cookie goes along (same origin).
      await fetch("/api/trpc/push.subscribe", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { subscription: sub.toJSON(), userAgent: navigator.userAgent.slice(0, 512) } }),
      });
    })().catch(() => undefined),
  );
});
