import "server-only";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { clearTokens, getTokens, setTokens } from "./session";
import { safeNext } from "./safe-next";
import { apiClient, needsRefresh, refreshTokens, type Api } from "./tokens";

export { apiClient };

/** Where the current request came from (set by proxy.ts), for /login?next=… */
async function currentPath(): Promise<string> {
  return safeNext((await headers()).get("x-next-url"));
}

/**
 * The browser's User-Agent and address, for calls that start a session, so
 * the Account page can tell devices apart. Django believes X-Forwarded-For
 * only with TRUSTED_PROXY set to the number of proxies in front of it. Next.js
 * fills the header in only when it is missing: unless a proxy in front of
 * this app writes it, it is whatever the browser sent (README, "Client IP").
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

export class ApiUnavailableError extends Error {
  constructor() {
    super("The API is not reachable right now.");
  }
}

type Result = { response: Response };

/**
 * Call the API as the signed-in user from a Server Component.
 *
 * proxy.ts has already renewed an expiring access token for this request
 * (Server Components cannot write cookies). A 401 for a token that has
 * expired since (a render slower than proxy.ts's margin) loads the page
 * again, and proxy.ts renews it first. Any other 401 means the API no longer
 * accepts the session: go to /login, where proxy.ts drops the cookies.
 */
export async function renderCall<R extends Result>(call: (api: Api) => Promise<R>): Promise<R> {
  const { access, refresh } = await getTokens();
  const path = await currentPath();
  const next = encodeURIComponent(path);
  if (!refresh || !access) redirect(`/login?next=${next}`);
  const result = await call(apiClient(access));
  if (result.response.status === 401) {
    // needsRefresh is what proxy.ts checks, so the next request renews the token: no loop.
    if (needsRefresh(access)) redirect(path);
    redirect(`/login?next=${next}&ended=1`);
  }
  return result;
}

/**
 * Call the API as the signed-in user from a Server Action. When the access
 * token has expired (or the API answers 401), refresh once (single-flight),
 * store the rotated pair and retry once. A refused refresh clears the
 * cookies and lands on /login.
 */
export async function actionCall<R extends Result>(call: (api: Api) => Promise<R>): Promise<R> {
  const tokens = await getTokens();
  const next = encodeURIComponent(await currentPath());
  const toLogin = async (): Promise<never> => {
    await clearTokens();
    redirect(`/login?next=${next}`);
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
  if (!access || needsRefresh(access)) {
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
