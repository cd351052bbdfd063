/** Test helpers for the `/api/v1` route handlers: users with tokens, requests, and calls with params. */
import { randomInt } from "node:crypto";
import { db } from "@/server/db";
import { createUser } from "@/prisma/factory";
import type { Role } from "@/server/generated/prisma/client";
import { createToken, TOKEN_SCOPE_NAMES, type TokenScope } from "@/server/services/api/tokens";
import { withSocketAddress } from "@/server/services/security/client-address";

export const ORIGIN = "http://localhost:3000";

/** A user (factory) with a fresh token carrying `scopes` (all by default). */
export async function userWithToken(role: Role = "CUSTOMER", scopes: TokenScope[] = [...TOKEN_SCOPE_NAMES]) {
  const user = await createUser(db, { role });
  const { token, summary } = await createToken(user.id, { name: "test", scopes });
  return { user, token, tokenId: summary.id };
}

/** A token for an existing user. */
export async function tokenFor(userId: string, scopes: TokenScope[] = [...TOKEN_SCOPE_NAMES]) {
  return (await createToken(userId, { name: "test", scopes })).token;
}

/** A random client address, so per-IP buckets of different tests never meet. */
export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export function req(method: string, path: string, o: { token?: string | null; body?: unknown; rawBody?: string; ip?: string } = {}): Request {
  // The client address is the socket address (issue 12); the test stands in for the server's stamp.
  const headers = withSocketAddress(undefined, o.ip ?? randomIp());
  if (o.token) headers.set("authorization", `Bearer ${o.token}`);
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers.set("content-type", "application/json");
  }
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}

type Handler<P> = (request: Request, context?: { params: Promise<P> }) => Promise<Response>;

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON under test
  body: any;
  headers: Headers;
}

/** Calls a route handler and reads its JSON answer. */
export async function call<P>(handler: Handler<P>, request: Request, params?: P): Promise<Answer> {
  const res = await handler(request, params ? { params: Promise.resolve(params) } : undefined);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
}
