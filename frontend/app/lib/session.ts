import "server-only";
import { cookies, headers } from "next/headers";
import { cookieSecure } from "./config";
import { secondsLeft } from "./jwt";

export const ACCESS_COOKIE = "access_token";
export const REFRESH_COOKIE = "refresh_token";

export type TokenPair = { access: string; refresh: string };
export type StoredTokens = { access?: string; refresh?: string };

type CookieOptions = {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: string;
  maxAge: number;
};

/**
 * Cookie attributes for one token: HttpOnly so browser JavaScript never sees
 * it, SameSite=Lax, Secure outside loopback, and gone when the token expires.
 */
export function tokenCookieOptions(token: string, host: string | null): CookieOptions {
  const maxAge = Math.max(1, Math.floor(secondsLeft(token)));
  return { httpOnly: true, sameSite: "lax", secure: cookieSecure(host), path: "/", maxAge };
}

/** The tokens the browser sent (or that this request already stored). */
export async function getTokens(): Promise<StoredTokens> {
  const jar = await cookies();
  return { access: jar.get(ACCESS_COOKIE)?.value, refresh: jar.get(REFRESH_COOKIE)?.value };
}

/** Store a token pair. Works in Server Actions and Route Handlers only. */
export async function setTokens(pair: TokenPair): Promise<void> {
  const jar = await cookies();
  const host = (await headers()).get("host");
  jar.set(ACCESS_COOKIE, pair.access, tokenCookieOptions(pair.access, host));
  jar.set(REFRESH_COOKIE, pair.refresh, tokenCookieOptions(pair.refresh, host));
}

/** Forget the session on this side. Works in Server Actions and Route Handlers only. */
export async function clearTokens(): Promise<void> {
  const jar = await cookies();
  jar.delete(ACCESS_COOKIE);
  jar.delete(REFRESH_COOKIE);
}
