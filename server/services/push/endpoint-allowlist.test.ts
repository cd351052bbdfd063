/**
 * Issue 12 "Push endpoints": at subscribe time, only the browsers' public push services are accepted
 * (plus hosts the operator lists in PUSH_SERVICE_EXTRA_HOSTS); internal names, IP literals and localhost
 * look-alikes are refused before anything is stored. The connect-time address check (transport.ts) stays.
 * This file runs with PUSH_ALLOW_PRIVATE_ENDPOINTS unset, as production does.
 */
import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { AppError } from "../errors";
import { pushEndpointProblem, savePushSubscription } from "./subscriptions";

const keys = () => ({ p256dh: createECDH("prime256v1").generateKeys().toString("base64url"), auth: randomBytes(16).toString("base64url") });
const id = () => randomBytes(12).toString("base64url");

/** What browsers hand out today (hosts from real subscriptions). */
const REAL = [
  `https://fcm.googleapis.com/fcm/send/${id()}:APA91b${id()}`,
  `https://fcm.googleapis.com/wp/${id()}`,
  `https://updates.push.services.mozilla.com/wpush/v2/${id()}`,
  `https://web.push.apple.com/QG${id()}`,
  `https://wns2-by3p.notify.windows.com/w/?token=${id()}`,
];

const REFUSED = [
  "https://localhost/push",
  "https://localhost./push",
  "https://LOCALHOST/push",
  "https://push.localhost/x",
  "https://127.0.0.1/push",
  "https://127.1/push",
  "https://0x7f.1/push",
  "https://2130706433/push",
  "https://[::1]/push",
  "https://[::ffff:127.0.0.1]/push",
  "https://10.0.0.5/push",
  "https://169.254.169.254/latest/meta-data",
  "https://8.8.8.8/push", // a public IP literal is not a push service's name either
  "https://localtest.me/push",
  "https://internal-service.default.svc.cluster.local/push",
  "https://metadata.google.internal/computeMetadata/v1",
  "https://fcm.googleapis.com.evil.example/push",
  "https://evilfcm.googleapis.com/push",
  "https://fcm.googleapis.com./fcm/send/x",
  "https://fcm.googleapis.com:8443/fcm/send/x",
  "https://push.example.com/x",
];

describe("pushEndpointProblem (subscribe time)", () => {
  it.each(REAL)("accepts %s", (endpoint) => {
    expect(pushEndpointProblem(endpoint, { allowPrivate: false })).toBeNull();
  });

  it.each(REFUSED)("refuses %s", (endpoint) => {
    expect(pushEndpointProblem(endpoint, { allowPrivate: false })).toMatch(/push service/);
  });

  it("accepts the operator's extra hosts (a self-hosted push service), by the same suffix rule", () => {
    const opts = { allowPrivate: false, extraHosts: ["push.example.org"] };
    expect(pushEndpointProblem("https://push.example.org/wpush/abc", opts)).toBeNull();
    expect(pushEndpointProblem("https://eu.push.example.org/wpush/abc", opts)).toBeNull();
    expect(pushEndpointProblem("https://notpush.example.org/wpush/abc", opts)).toMatch(/push service/);
    expect(pushEndpointProblem("https://127.0.0.1/wpush/abc", { ...opts, extraHosts: ["127.0.0.1"] })).toMatch(/push service/);
  });

  it("PUSH_ALLOW_PRIVATE_ENDPOINTS (tests, local stand-ins) lifts the host rule, not the https rule", () => {
    expect(pushEndpointProblem("https://127.0.0.1:4443/push/x", { allowPrivate: true })).toBeNull();
    expect(pushEndpointProblem("http://127.0.0.1:4443/push/x", { allowPrivate: true })).toMatch(/https/);
  });
});

describe("savePushSubscription", () => {
  it("stores a subscription on a public push service and refuses internal hosts, writing nothing", async () => {
    const user = await createUser(db);
    for (const endpoint of ["https://127.0.0.1/push/x", "https://localhost./push/x", "https://0x7f.1/push/x", "https://metadata.google.internal/x"]) {
      const err = await savePushSubscription(user.id, { endpoint, keys: keys() }).catch((e: unknown) => e);
      expect(err, endpoint).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("VALIDATION_ERROR");
      expect((err as AppError).details).toEqual({ endpoint: [expect.stringMatching(/push service/)] });
    }
    expect(await db.pushSubscription.count({ where: { userId: user.id } })).toBe(0);
    const ok = await savePushSubscription(user.id, { endpoint: `https://fcm.googleapis.com/fcm/send/${id()}`, keys: keys() });
    expect(ok.endpoint).toMatch(/^https:\/\/fcm\.googleapis\.com\//);
  });
});
