"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actionCall, apiClient, browserHeaders } from "@/app/lib/api";
import { UNAVAILABLE, loginFailure, registerFailure, type RegisterFailure } from "@/app/lib/api-errors";
import { safeNext } from "@/app/lib/safe-next";
import { clearTokens, getTokens, setTokens } from "@/app/lib/session";

export type LoginState = { error?: string; username?: string };

export type RegisterState = RegisterFailure & { values?: { username: string; email: string } };

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
  if (!data) return { error: loginFailure(response.status, result.error, response.headers.get("Retry-After")), username };
  await setTokens(data);
  redirect(next); // outside any try/catch: redirect() throws
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
  if (!data) return { ...registerFailure(response.status, result.error, response.headers.get("Retry-After")), values };
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
