/** `DELETE /api/v1/notifications/{id}/delete`: the seed's spelling (seed 001 §3.2.5) of `DELETE …/{id}`. */
import { DELETE as deleteNotification } from "../route";

export const DELETE = deleteNotification;
