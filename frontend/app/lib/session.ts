import "server-only";
import { cookies } from "next/headers";
import { ACCESS_COOKIE, REFRESH_COOKIE, tokenCookieOptions, type TokenPair } from "./tokens";

export type StoredTokens = { access?: string; refresh?: string };

/** The tokens of this request (as the browser sent them, or as proxy.ts renewed them). */
export async function getTokens(): Promise<StoredTokens> {
  const jar = await cookies();
  return { access: jar.get(ACCESS_COOKIE)?.value, refresh: jar.get(REFRESH_COOKIE)?.value };
}

/** Store a token pair in HttpOnly cookies. Works in Server Actions and Route Handlers only. */
export async function setTokens(pair: TokenPair): Promise<void> {
  const jar = await cookies();
  jar.set(ACCESS_COOKIE, pair.access, tokenCookieOptions(pair.access));
  jar.set(REFRESH_COOKIE, pair.refresh, tokenCookieOptions(pair.refresh));
}

/** Forget the session on this side. Works in Server Actions and Route Handlers only. */
export async function clearTokens(): Promise<void> {
  const jar = await cookies();
  jar.delete(ACCESS_COOKIE);
  jar.delete(REFRESH_COOKIE);
}
