/** `GET/PUT /api/v1/preferences` (docs/requirements.md R7.6); the field mapping is in server/services/api/preferences.ts. */
import { apiRoute } from "@/server/http/api-route";
import { apiPreferencesBody, getApiPreferences, putApiPreferences } from "@/server/services/api/preferences";

export const GET = apiRoute({
  scope: "preferences",
  handle: async ({ auth }) => ({ preferences: await getApiPreferences(auth.userId) }),
});

export const PUT = apiRoute({
  scope: "preferences",
  body: apiPreferencesBody,
  handle: async ({ auth, body }) => ({
    message: "Notification preferences updated successfully",
    preferences: await putApiPreferences(auth.userId, body),
  }),
});
