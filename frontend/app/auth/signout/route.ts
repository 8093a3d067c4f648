import { NextResponse, type NextRequest } from "next/server";
import { safeNext } from "@/app/lib/api";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "@/app/lib/session";

/** Drop the cookies of a session the API no longer accepts, then go to /login. */
export async function GET(request: NextRequest) {
  const next = safeNext(request.nextUrl.searchParams.get("next"));
  const response = NextResponse.redirect(new URL(`/login?next=${encodeURIComponent(next)}`, request.url), 303);
  response.cookies.delete(ACCESS_COOKIE);
  response.cookies.delete(REFRESH_COOKIE);
  return response;
}
