import "server-only";
/** tRPC for server components: the same procedures, called in-process with the request's session. */
import { createCaller } from "./root";
import { createContext } from "./init";

export async function api() {
  return createCaller(await createContext());
}
