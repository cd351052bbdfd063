/** `DELETE /api/v1/notifications/{id}/delete`: the other spelling (docs/requirements.md R15.6) of `DELETE …/{id}`. */
import { DELETE as deleteNotification } from "../route";

export const DELETE = deleteNotification;
