/** `DELETE /api/v1/devices/{token}` (issue 17): unregisters one of the caller's devices; anyone else's is a 404. */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { fcmToken, removeNativeDevice } from "@/server/services/push/native-devices";

export const DELETE = apiRoute({
  scope: "devices",
  userToken: true,
  params: z.object({ token: fcmToken() }).strict(),
  async handle({ auth, params }) {
    await removeNativeDevice(auth.userId, params.token);
    return { message: "Device removed" };
  },
});
