import { NextResponse, type NextRequest } from "next/server";

/**
 * Optimistic check only: a visitor without a refresh-token cookie cannot have
 * a session, so send them to /login?next=… before rendering anything. The
 * real check happens in app/lib/dal.ts, against the API.
 *
 * The refresh cookie is the "has a session" signal: the access cookie expires
 * after minutes and is renewed on the server side.
 */
export function proxy(request: NextRequest) {
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (!request.cookies.has("refresh_token")) {
    const login = new URL("/login", request.url);
    login.search = `?next=${encodeURIComponent(next)}`;
    return NextResponse.redirect(login);
  }
  // Tell the data access layer where to come back to after a refresh.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-next-url", next);
  return NextResponse.next({ request: { headers: requestHeaders } });
}

export const config = { matcher: ["/dashboard/:path*", "/account/:path*"] };
