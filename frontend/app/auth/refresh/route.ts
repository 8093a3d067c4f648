import { NextResponse, type NextRequest } from "next/server";
import { refreshTokens, safeNext } from "@/app/lib/api";
import { ACCESS_COOKIE, REFRESH_COOKIE, tokenCookieOptions } from "@/app/lib/session";

/**
 * Refresh the session and go back to `next`. Server Components redirect here
 * because only Route Handlers and Server Actions may write cookies.
 */
export async function GET(request: NextRequest) {
  const next = safeNext(request.nextUrl.searchParams.get("next"));
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  const toLogin = () => {
    const response = NextResponse.redirect(new URL(`/login?next=${encodeURIComponent(next)}`, request.url), 303);
    response.cookies.delete(ACCESS_COOKIE);
    response.cookies.delete(REFRESH_COOKIE);
    return response;
  };
  if (!refresh) return toLogin();

  const result = await refreshTokens(refresh);
  if (!result.ok) {
    if (result.reason === "unavailable") {
      return new NextResponse("The API is not reachable right now. Try again in a moment.", {
        status: 503,
        headers: { "Retry-After": "5", "Cache-Control": "no-store" },
      });
    }
    return toLogin();
  }
  const host = request.headers.get("host");
  const response = NextResponse.redirect(new URL(next, request.url), 303);
  response.cookies.set(ACCESS_COOKIE, result.pair.access, tokenCookieOptions(result.pair.access, host));
  response.cookies.set(REFRESH_COOKIE, result.pair.refresh, tokenCookieOptions(result.pair.refresh, host));
  response.headers.set("Cache-Control", "no-store");
  return response;
}
