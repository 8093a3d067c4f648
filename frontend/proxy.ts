import { NextResponse, type NextRequest } from "next/server";
import { checkAccessToken, checkRefreshToken } from "@/app/lib/access-token";
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  needsRefresh,
  refreshTokens,
  tokenCookieOptions,
} from "@/app/lib/tokens";

/**
 * Runs before the protected pages (and their Server Actions).
 *
 * 1. Optimistic check: without a refresh-token cookie there is no session, so
 *    redirect to /login?next=… before rendering anything. The refresh cookie
 *    is the "has a session" signal; the access cookie lives minutes. The real
 *    check is app/lib/dal.ts, against the API.
 * 2. Keep the session alive: Server Components cannot write cookies, so an
 *    expiring access token is refreshed here (single-flight, see
 *    app/lib/tokens.ts); the new pair goes to the page being rendered and
 *    back to the browser. A refused refresh clears the cookies -> /login.
 *    When the API signs with a published key (EdDSA, ES256, RS256; its JWK
 *    set is not empty), the access token's signature and expiry are checked
 *    here first (app/lib/access-token.ts): one that fails, say signed with a
 *    key the API has since retired, is refreshed like an expiring one. The
 *    refresh token is checked the same way before it goes to the API: one
 *    that fails (a forged cookie, a retired key) would be refused there, so
 *    it clears the cookies -> /login without asking the API.
 * 3. On /login?ended=1 (the API no longer accepts the session) drop the
 *    token cookies.
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname === "/login") {
    const response = NextResponse.next();
    if (request.nextUrl.searchParams.has("ended")) dropTokens(response);
    return response;
  }

  const url = request.nextUrl.clone();
  url.searchParams.delete("_rsc");
  const next = url.pathname + url.search;
  const toLogin = () => {
    const login = request.nextUrl.clone();
    login.pathname = "/login";
    login.search = `?next=${encodeURIComponent(next)}`;
    return NextResponse.redirect(login);
  };

  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!refresh) return toLogin();

  let pair;
  const access = request.cookies.get(ACCESS_COOKIE)?.value;
  if (needsRefresh(access) || (await checkAccessToken(access)) === "invalid") {
    if ((await checkRefreshToken(refresh)) === "invalid") return dropTokens(toLogin());
    const result = await refreshTokens(refresh);
    if (result.ok) {
      pair = result.pair;
      // The page rendered for this request sees the new pair...
      request.cookies.set(ACCESS_COOKIE, pair.access);
      request.cookies.set(REFRESH_COOKIE, pair.refresh);
    } else if (result.reason === "refused") {
      return dropTokens(toLogin());
    }
    // "unavailable": carry on; the page reports that the API is down.
  }

  // Tell the data access layer where to come back to after signing in again.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-next-url", next);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (pair) {
    // ...and so does the browser.
    response.cookies.set(ACCESS_COOKIE, pair.access, tokenCookieOptions(pair.access));
    response.cookies.set(REFRESH_COOKIE, pair.refresh, tokenCookieOptions(pair.refresh));
  }
  return response;
}

function dropTokens(response: NextResponse): NextResponse {
  response.cookies.delete(ACCESS_COOKIE);
  response.cookies.delete(REFRESH_COOKIE);
  return response;
}

export const config = { matcher: ["/dashboard/:path*", "/account/:path*", "/login"] };
