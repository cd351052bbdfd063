/**
 * Next.js proxy (formerly middleware). RFC 8058 one-click unsubscribe POSTs go to the List-Unsubscribe
 * URL itself (/unsubscribe/<token>), where a GET shows a page; POSTs are rewritten to the route handler.
 * Authorization does not live here (it is in tRPC procedures and services).
 */
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  if (request.method === "POST") {
    const url = request.nextUrl.clone();
    url.pathname = `/api${url.pathname}`;
    return NextResponse.rewrite(url);
  }
  return NextResponse.next();
}

export const config = { matcher: "/unsubscribe/:token" };
