import "server-only";
import { z } from "zod";
import { adminProcedure, router } from "../init";
import { userDeliveryLog } from "../../services/delivery/delivery-log";

/** Admin tools. */
export const adminRouter = router({
  /** One user's delivery log, with reasons. */
  userDeliveries: adminProcedure.input(z.object({ email: z.string().trim().email().max(320) }).strict()).query(({ input }) => userDeliveryLog(input.email)),
});
