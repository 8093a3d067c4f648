import "server-only";
import { cookies } from "next/headers";
import { cookieSecure } from "./config";
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

/**
 * The half-done sign-in of /login: the API's `mfa_token`, between the
 * password and the second factor. HttpOnly, so browser JavaScript never sees
 * it; only on /login (where the sign-in form's Server Actions post), and
 * SameSite=Strict. It is no session: the API takes it only at
 * /api/auth/mfa/verify/, once, within its MFA_CHALLENGE_SECONDS.
 */
const MFA_COOKIE = "mfa_pending";
/** The longest the API lets an `mfa_token` live (MFA_CHALLENGE_SECONDS is at most 900). */
const MFA_COOKIE_MAX_AGE = 900;
const MFA_COOKIE_PATH = "/login";

export async function setPendingSignIn(mfaToken: string): Promise<void> {
  const jar = await cookies();
  jar.set(MFA_COOKIE, mfaToken, {
    httpOnly: true,
    sameSite: "strict",
    secure: cookieSecure(),
    path: MFA_COOKIE_PATH,
    maxAge: MFA_COOKIE_MAX_AGE,
  });
}

export async function getPendingSignIn(): Promise<string | undefined> {
  return (await cookies()).get(MFA_COOKIE)?.value;
}

export async function clearPendingSignIn(): Promise<void> {
  (await cookies()).delete({ name: MFA_COOKIE, path: MFA_COOKIE_PATH });
}
