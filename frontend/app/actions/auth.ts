"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actionCall, apiClient, browserHeaders } from "@/app/lib/api";
import {
  SIGN_IN_EXPIRED,
  UNAVAILABLE,
  loginFailure,
  passkeySignInFailure,
  registerFailure,
  secondFactorFailure,
  tooManyAttempts,
  type RegisterFailure,
} from "@/app/lib/api-errors";
import { safeNext } from "@/app/lib/safe-next";
import {
  clearPendingSignIn,
  clearTokens,
  getPendingSignIn,
  getTokens,
  setPendingSignIn,
  setTokens,
} from "@/app/lib/session";
import { credentialFromJSON, type RequestOptionsJSON } from "@/app/lib/webauthn";

export type SignInMethod = "totp" | "recovery_code" | "webauthn";
const SIGN_IN_METHODS: readonly SignInMethod[] = ["totp", "recovery_code", "webauthn"];

export type LoginState = {
  error?: string;
  username?: string;
  /** The password was right and the API wants a second factor (its `mfa_token` is in a cookie). */
  secondFactor?: { methods: SignInMethod[]; codeErrors?: string[] };
};

export type RegisterState = RegisterFailure & { values?: { username: string; email: string } };

/**
 * The sign-in form, by its `intent`:
 *
 * - (none) username and password. The API answers a token pair, stored in
 *   HttpOnly cookies, or `mfa_required`: its `mfa_token` goes into an
 *   HttpOnly cookie (app/lib/session.ts) and the form asks for the second factor;
 * - "verify": the second step, an authenticator app's code or a recovery
 *   code, or (with `credential`) a passkey's assertion;
 * - "passkey": sign in with a passkey alone (`credential`), no username;
 * - "restart": drop the half-done sign-in and ask for the password again.
 */
export async function login(prev: LoginState, formData: FormData): Promise<LoginState> {
  const next = safeNext(formData.get("next"));
  switch (formData.get("intent")) {
    case "verify":
      return verifySecondFactor(prev, formData, next);
    case "passkey":
      return signInWithPasskey(prev, formData, next);
    case "restart":
      await clearPendingSignIn();
      return { username: prev.username };
    default:
      return signInWithPassword(formData, next);
  }
}

async function signInWithPassword(formData: FormData, next: string): Promise<LoginState> {
  const username = String(formData.get("username") ?? "").trim();
  const password = String(formData.get("password") ?? "");
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
  if ("mfa_required" in data) {
    await setPendingSignIn(data.mfa_token);
    return { username, secondFactor: { methods: [...data.methods] } };
  }
  await clearPendingSignIn();
  await setTokens(data);
  redirect(next); // outside any try/catch: redirect() throws
}

async function verifySecondFactor(prev: LoginState, formData: FormData, next: string): Promise<LoginState> {
  const username = prev.username;
  const methods = (prev.secondFactor?.methods ?? []).filter((m) => SIGN_IN_METHODS.includes(m));
  const mfaToken = await getPendingSignIn();
  if (!mfaToken) return { username, error: SIGN_IN_EXPIRED };

  let body;
  if (formData.has("credential")) {
    const credential = credentialOf(formData);
    if (!credential) return { username, secondFactor: { methods }, error: "The passkey's answer could not be read." };
    body = { mfa_token: mfaToken, credential };
  } else {
    const code = String(formData.get("code") ?? "").trim();
    if (!code) return { username, secondFactor: { methods, codeErrors: ["Enter the code."] } };
    body = { mfa_token: mfaToken, code };
  }

  let result;
  try {
    result = await apiClient().POST("/api/auth/mfa/verify/", { body, headers: await browserHeaders() });
  } catch {
    return { username, secondFactor: { methods }, error: UNAVAILABLE };
  }
  const { data, response } = result;
  if (!data) {
    const failure = secondFactorFailure(response.status, result.error, response.headers.get("Retry-After"));
    if (failure.restart) {
      await clearPendingSignIn();
      return { username, error: failure.error };
    }
    return { username, secondFactor: { methods, codeErrors: failure.codeErrors }, error: failure.error };
  }
  await clearPendingSignIn();
  await setTokens(data);
  redirect(next);
}

async function signInWithPasskey(prev: LoginState, formData: FormData, next: string): Promise<LoginState> {
  const username = prev.username;
  const credential = credentialOf(formData);
  if (!credential) return { username, error: "The passkey's answer could not be read." };
  let result;
  try {
    result = await apiClient().POST("/api/auth/passkeys/login/", {
      body: { credential },
      headers: await browserHeaders(),
    });
  } catch {
    return { username, error: UNAVAILABLE };
  }
  const { data, response } = result;
  if (!data) {
    return { username, error: passkeySignInFailure(response.status, result.error, response.headers.get("Retry-After")) };
  }
  await clearPendingSignIn();
  await setTokens(data);
  redirect(next);
}

/** The `credential` field: a passkey's JSON, as an object, or undefined. */
function credentialOf(formData: FormData): Record<string, unknown> | undefined {
  return credentialFromJSON(formData.get("credential"));
}

/**
 * A challenge for navigator.credentials.get(), for signing in with a passkey
 * (alone, or as the second step) and for re-authenticating with one
 * (app/components/ReauthFields.tsx). No secret: the browser needs it as it is.
 */
export async function passkeySignInOptions(): Promise<{ options: RequestOptionsJSON } | { error: string }> {
  let result;
  try {
    result = await apiClient().POST("/api/auth/passkeys/login/options/", { headers: await browserHeaders() });
  } catch {
    return { error: UNAVAILABLE };
  }
  const { data, response } = result;
  if (data) return { options: data as unknown as RequestOptionsJSON };
  if (response.status === 429) return { error: tooManyAttempts(response.headers.get("Retry-After"), result.error) };
  return { error: UNAVAILABLE };
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
