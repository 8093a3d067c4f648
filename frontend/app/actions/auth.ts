"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actionCall, apiClient, browserHeaders, safeNext } from "@/app/lib/api";
import { clearTokens, getTokens, setTokens } from "@/app/lib/session";

export type LoginState = { error?: string; username?: string };

export type RegisterState = {
  fieldErrors?: Partial<Record<"username" | "email" | "password", string[]>>;
  error?: string;
  values?: { username: string; email: string };
};

const UNAVAILABLE = "The server is not reachable right now. Please try again in a moment.";

/** Sign in: exchange the credentials for a token pair and keep it in HttpOnly cookies. */
export async function login(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const username = String(formData.get("username") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  const next = safeNext(formData.get("next"));
  if (!username || !password) return { error: "Enter your username and password.", username };

  let result;
  try {
    result = await apiClient().POST("/api/auth/token/", {
      body: { username, password },
      headers: await browserHeaders(),
    });
  } catch {
    return { error: UNAVAILABLE, username };
  }
  const { data, response } = result;
  if (!data) {
    if (response.status === 429) return { error: tooManyAttempts(response, result.error), username };
    if (response.status === 400 || response.status === 401) {
      return { error: "Invalid username or password.", username };
    }
    return { error: UNAVAILABLE, username };
  }
  await setTokens(data);
  redirect(next); // outside any try/catch: redirect() throws
}

function tooManyAttempts(response: Response, body: unknown): string {
  let seconds = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  if (!Number.isFinite(seconds)) {
    const detail = (body as { detail?: string } | undefined)?.detail ?? "";
    seconds = Number.parseInt(/(\d+)\s*second/.exec(detail)?.[1] ?? "", 10);
  }
  return Number.isFinite(seconds)
    ? `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`
    : "Too many attempts. Try again later.";
}

/** Create an account, then go to the sign-in page. */
export async function register(_prev: RegisterState, formData: FormData): Promise<RegisterState> {
  const username = String(formData.get("username") ?? "").trim();
  const email = String(formData.get("email") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  const values = { username, email };

  let result;
  try {
    result = await apiClient().POST("/api/auth/register/", {
      body: { username, password, ...(email ? { email } : {}) },
    });
  } catch {
    return { error: UNAVAILABLE, values };
  }
  const { data, response } = result;
  if (!data) {
    if (response.status === 400) {
      const body = (result.error ?? {}) as Record<string, string[] | string>;
      const list = (v: string[] | string | undefined) => (v === undefined ? undefined : [v].flat());
      const fieldErrors = { username: list(body.username), email: list(body.email), password: list(body.password) };
      const other = [...(list(body.non_field_errors) ?? []), ...(list(body.detail) ?? [])];
      return { fieldErrors, error: other.length ? other.join(" ") : undefined, values };
    }
    if (response.status === 429) return { error: tooManyAttempts(response, result.error), values };
    if (response.status === 403) return { error: "Registration is closed.", values };
    return { error: UNAVAILABLE, values };
  }
  redirect(`/login?registered=${encodeURIComponent(data.username)}`);
}

/** Sign out: revoke this session's refresh token at the API and clear the cookies. */
export async function signOut(): Promise<void> {
  const { refresh } = await getTokens();
  if (refresh) {
    try {
      await apiClient().POST("/api/auth/logout/", { body: { refresh } });
    } catch {
      // The cookies go anyway; the API will let the token expire.
    }
  }
  await clearTokens();
  redirect("/login");
}

/** End every session of the user (all devices), then sign out here. */
export async function signOutEverywhere(): Promise<void> {
  await actionCall((api) => api.POST("/api/auth/logout-all/"));
  await clearTokens();
  redirect("/login");
}

/** End one session (another device). */
export async function revokeSession(id: string): Promise<void> {
  await actionCall((api) => api.DELETE("/api/auth/sessions/{id}/", { params: { path: { id } } }));
  revalidatePath("/account");
}
