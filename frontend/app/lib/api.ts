import "server-only";
import createClient, { type Client } from "openapi-fetch";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import type { paths } from "@/openapi/schema";
import { apiBaseUrl } from "./config";
import { secondsLeft } from "./jwt";
import { clearTokens, getTokens, setTokens, type TokenPair } from "./session";

export type Api = Client<paths>;

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
 * The browser's User-Agent and address, for calls that start a session, so
 * the Account page can tell devices apart. Django believes X-Forwarded-For
 * only with TRUSTED_PROXY set to the number of proxies in front of it.
 */
export async function browserHeaders(): Promise<Record<string, string>> {
  const incoming = await headers();
  const forwarded: Record<string, string> = {};
  const userAgent = incoming.get("user-agent");
  const forwardedFor = incoming.get("x-forwarded-for");
  if (userAgent) forwarded["User-Agent"] = userAgent;
  if (forwardedFor) forwarded["X-Forwarded-For"] = forwardedFor;
  return forwarded;
}

// ---------------------------------------------------------------------------
// Refresh, single-flight.
//
// The API rotates refresh tokens and treats reuse of a rotated token more than
// a couple of seconds later as theft (it ends the whole session). Two requests
// of the same browser that both find the access token expired must therefore
// share one refresh: the first starts it, the others wait for the same
// promise, and a request that arrives a little later with the old refresh
// token is handed the newest pair instead of replaying the dead token.
// This state lives in the Next.js server process; with several instances,
// route one user's requests to the same instance or accept an occasional
// sign-out.
// ---------------------------------------------------------------------------

export type RefreshResult =
  | { ok: true; pair: TokenPair }
  | { ok: false; reason: "refused" | "unavailable" };

const ROTATION_MEMORY_MS = 60_000;
const inflight = new Map<string, Promise<RefreshResult>>();
const rotated = new Map<string, { pair: TokenPair; at: number }>();
const minted = new Map<string, number>();

function forgetOld(now: number): void {
  for (const [token, entry] of rotated) if (now - entry.at > ROTATION_MEMORY_MS) rotated.delete(token);
  for (const [token, at] of minted) if (now - at > ROTATION_MEMORY_MS) minted.delete(token);
}

/** Exchange a refresh token for a new pair, at most once per token. */
export function refreshTokens(refresh: string): Promise<RefreshResult> {
  const now = Date.now();
  forgetOld(now);
  // Follow the rotation chain to the newest pair this process knows of.
  let latest = refresh;
  let known: TokenPair | undefined;
  for (let entry = rotated.get(latest); entry; entry = rotated.get(latest)) {
    known = entry.pair;
    latest = entry.pair.refresh;
  }
  if (known && secondsLeft(known.access) > 1) return Promise.resolve({ ok: true, pair: known });

  let pending = inflight.get(latest);
  if (!pending) {
    pending = doRefresh(latest).finally(() => inflight.delete(latest));
    inflight.set(latest, pending);
  }
  return pending;
}

async function doRefresh(refresh: string): Promise<RefreshResult> {
  try {
    const { data, response } = await apiClient().POST("/api/auth/token/refresh/", { body: { refresh } });
    if (data) {
      const at = Date.now();
      rotated.set(refresh, { pair: data, at });
      minted.set(data.access, at);
      return { ok: true, pair: data };
    }
    return { ok: false, reason: response.status === 400 || response.status === 401 ? "refused" : "unavailable" };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** True when this process minted the access token moments ago (a 401 then means the session is gone). */
function justMinted(access: string): boolean {
  const at = minted.get(access);
  return at !== undefined && Date.now() - at < 3_000;
}

// ---------------------------------------------------------------------------
// Authenticated calls.
// ---------------------------------------------------------------------------

/** Only same-site paths are allowed as a post-login destination. */
export function safeNext(next: unknown, fallback = "/dashboard"): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\")
    ? next
    : fallback;
}

async function currentPath(): Promise<string> {
  return safeNext((await headers()).get("x-next-url"));
}

export class ApiUnavailableError extends Error {
  constructor() {
    super("The API is not reachable right now.");
  }
}

type Result = { response: Response };

/**
 * Call the API as the signed-in user from a Server Component.
 *
 * Server Components cannot write cookies, so when the access token has
 * expired (or the API answers 401) the request is sent through the
 * /auth/refresh route handler, which refreshes once, stores the new pair and
 * comes back to the same page.
 */
export async function renderCall<R extends Result>(call: (api: Api) => Promise<R>): Promise<R> {
  const { access, refresh } = await getTokens();
  const next = await currentPath();
  if (!refresh) redirect(`/login?next=${encodeURIComponent(next)}`);
  if (!access || secondsLeft(access) < 1) redirect(`/auth/refresh?next=${encodeURIComponent(next)}`);
  const result = await call(apiClient(access));
  if (result.response.status === 401) {
    const to = justMinted(access) ? "/auth/signout" : "/auth/refresh";
    redirect(`${to}?next=${encodeURIComponent(next)}`);
  }
  return result;
}

/**
 * Call the API as the signed-in user from a Server Action: refresh once
 * (single-flight), store the rotated pair, and retry once. A refused refresh
 * clears the cookies and lands on /login.
 */
export async function actionCall<R extends Result>(call: (api: Api) => Promise<R>): Promise<R> {
  const tokens = await getTokens();
  const next = await currentPath();
  const toLogin = async (): Promise<never> => {
    await clearTokens();
    redirect(`/login?next=${encodeURIComponent(next)}`);
  };
  if (!tokens.refresh) return toLogin();

  const refreshed = async (refresh: string): Promise<string> => {
    const result = await refreshTokens(refresh);
    if (!result.ok) {
      if (result.reason === "unavailable") throw new ApiUnavailableError();
      return toLogin();
    }
    await setTokens(result.pair);
    return result.pair.access;
  };

  let access = tokens.access;
  let didRefresh = false;
  if (!access || secondsLeft(access) < 1) {
    access = await refreshed(tokens.refresh);
    didRefresh = true;
  }
  let result = await call(apiClient(access));
  if (result.response.status === 401 && !didRefresh) {
    access = await refreshed(tokens.refresh);
    result = await call(apiClient(access));
  }
  if (result.response.status === 401) return toLogin();
  return result;
}
