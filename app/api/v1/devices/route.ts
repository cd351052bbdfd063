/**
 * `POST /api/v1/devices` (issue 17 "Push to native apps"): a native app registers the FCM registration token
 * of the device it runs on, so the caller's pushes reach it; idempotent (server/services/push/native-devices.ts).
 * A personal access token with the `devices` scope, or the platform's signed user token (R21.2).
 */
import { apiRoute, Reply } from "@/server/http/api-route";
import { nativeDeviceInput, registerNativeDevice } from "@/server/services/push/native-devices";

export const POST = apiRoute({
  scope: "devices",
  userToken: true,
  body: nativeDeviceInput,
  async handle({ auth, body }) {
    const { device, created } = await registerNativeDevice(auth.userId, body);
    return new Reply(created ? 201 : 200, { message: created ? "Device registered" : "Device updated", created, device });
  },
});
