// Tokens, the typed API client and the single-flight refresh. Used by
// proxy.ts and by the server-only modules; never imported by client code.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "@/openapi/schema";
import { apiBaseUrl, cookieSecure, refreshReuseGraceMs } from "./config";

export type Api = Client<paths>;
export type TokenPair = { access: string; refresh: string };

export const ACCESS_COOKIE = "access_token";
export const REFRESH_COOKIE = "refresh_token";

/** Refresh when the access token has less than this many seconds left. */
export const REFRESH_MARGIN_SECONDS = 5;

/**
 * openapi-fetch hands fetch a Request whose body Next's patched fetch sends
 * chunked (no Content-Length); Django/WSGI then reads an empty body. Buffer it.
 */
async function bufferedFetch(request: Request): Promise<Response> {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.text() : undefined,
    signal: request.signal,
    cache: "no-store",
    redirect: "manual",
  });
}

/** A typed client for the Django API, optionally authenticated with an access token. */
export function apiClient(accessToken?: string): Api {
  return createClient<paths>({
    baseUrl: apiBaseUrl(),
    fetch: bufferedFetch,
    headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : undefined,
  });
}

/**
 * Read a JWT's claims without verifying it. Only for timing decisions
 * (is the access token about to expire?); Django verifies every token.
 */
export function jwtClaims(token: string | undefined): { exp?: number; iat?: number } {
  const part = token?.split(".")[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

/** Seconds until the token expires (negative when expired, -Infinity when unreadable). */
export function secondsLeft(token: string | undefined, now = Date.now()): number {
  const { exp } = jwtClaims(token);
  return typeof exp === "number" ? exp - now / 1000 : -Infinity;
}

/**
 * True when the access token is missing, expired or about to expire: less
 * than REFRESH_MARGIN_SECONDS (or a quarter of its lifetime, for very short
 * lifetimes) left.
 */
export function needsRefresh(access: string | undefined): boolean {
  const { exp, iat } = jwtClaims(access);
  if (typeof exp !== "number") return true;
  const lifetime = typeof iat === "number" ? exp - iat : REFRESH_MARGIN_SECONDS * 4;
  return exp - Date.now() / 1000 < Math.min(REFRESH_MARGIN_SECONDS, lifetime / 4);
}

export type CookieOptions = { httpOnly: true; sameSite: "lax"; secure: boolean; path: string; maxAge: number };

/**
 * Cookie attributes for one token: HttpOnly so browser JavaScript never sees
 * it, SameSite=Lax, Secure (see cookieSecure), and gone when the token expires.
 */
export function tokenCookieOptions(token: string): CookieOptions {
  const maxAge = Math.max(1, Math.floor(secondsLeft(token)));
  return { httpOnly: true, sameSite: "lax", secure: cookieSecure(), path: "/", maxAge };
}

// ---------------------------------------------------------------------------
// Refresh, single-flight.
//
// The API rotates refresh tokens and revokes the whole session when a rotated
// token comes back later than REFRESH_REUSE_GRACE_SECONDS (default 2 s, at
// most 2): that is what a thief replaying a stolen cookie looks like. Two
// requests of one browser that both find the access token expired must share
// one refresh: the first starts it, the others await the same promise. A
// request that left the browser before the new cookies arrived, and so
// carries the token just rotated, is handed the new pair only within that
// same grace window, measured from when the refresh was sent (no later than
// the API's own clock starts). After it, the old token goes to the API like
// any other, and the API decides: a replay ends the session there, not here.
//
// The state lives on globalThis so proxy.ts and the app's server code share
// it within one Next.js server process. With several instances, route one
// user's requests to the same instance (sticky sessions).
// ---------------------------------------------------------------------------

export type RefreshResult = { ok: true; pair: TokenPair } | { ok: false; reason: "refused" | "unavailable" };

type RefreshState = {
  inflight: Map<string, Promise<RefreshResult>>;
  rotated: Map<string, { pair: TokenPair; sentAt: number }>;
};

const state: RefreshState = ((globalThis as { __tokenRefresh?: RefreshState }).__tokenRefresh ??= {
  inflight: new Map(),
  rotated: new Map(),
});

/**
 * Exchange a refresh token for a new pair, at most once per token: share a
 * refresh in flight, and answer for a token rotated within the API's reuse
 * grace window with the pair it was rotated to.
 */
export function refreshTokens(refresh: string): Promise<RefreshResult> {
  const now = Date.now();
  const graceMs = refreshReuseGraceMs();
  for (const [token, entry] of state.rotated) {
    if (now - entry.sentAt >= graceMs) state.rotated.delete(token);
  }
  // Follow the rotation chain to the newest pair this process knows of.
  let latest = refresh;
  let known: TokenPair | undefined;
  for (let entry = state.rotated.get(latest); entry; entry = state.rotated.get(latest)) {
    known = entry.pair;
    latest = entry.pair.refresh;
  }
  if (known && !needsRefresh(known.access)) return Promise.resolve({ ok: true, pair: known });

  let pending = state.inflight.get(latest);
  if (!pending) {
    const token = latest;
    pending = doRefresh(token).finally(() => state.inflight.delete(token));
    state.inflight.set(token, pending);
  }
  return pending;
}

async function doRefresh(refresh: string): Promise<RefreshResult> {
  const sentAt = Date.now();
  try {
    const { data, response } = await apiClient().POST("/api/auth/token/refresh/", { body: { refresh } });
    if (data) {
      state.rotated.set(refresh, { pair: data, sentAt });
      return { ok: true, pair: data };
    }
    return { ok: false, reason: response.status === 400 || response.status === 401 ? "refused" : "unavailable" };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}
