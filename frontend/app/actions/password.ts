"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actionCall, apiClient, browserHeaders } from "@/app/lib/api";
import { UNAVAILABLE, formFailure, passwordMismatch, type FormFailure } from "@/app/lib/api-errors";
import { setTokens } from "@/app/lib/session";

export type ForgotPasswordState = FormFailure<"email"> & { sent?: boolean; email?: string };

export type ResetPasswordState = FormFailure<"new_password" | "confirm_password"> & { linkInvalid?: boolean };

export type ChangePasswordState = FormFailure<"old_password" | "new_password" | "confirm_password"> & {
  ok?: number;
};

/** Ask the API to mail a reset link. */
export async function requestPasswordReset(_prev: ForgotPasswordState, formData: FormData): Promise<ForgotPasswordState> {
  const email = String(formData.get("email") ?? "").trim();
  if (!email) return { fieldErrors: { email: ["Enter your email address."] } };
  let result;
  try {
    // The API limits reset requests per IP: forward the browser's address (README, "Client IP").
    result = await apiClient().POST("/api/auth/password/reset/", { body: { email }, headers: await browserHeaders() });
  } catch {
    return { error: UNAVAILABLE, email };
  }
  const { response } = result;
  if (response.status === 202) return { sent: true };
  return { ...formFailure(response.status, result.error, response.headers.get("Retry-After"), ["email"]), email };
}

/**
 * Set a new password with the uid and token of a reset link (hidden fields of
 * the form), then go to the sign-in page.
 */
export async function resetPassword(_prev: ResetPasswordState, formData: FormData): Promise<ResetPasswordState> {
  const uid = String(formData.get("uid") ?? "");
  const token = String(formData.get("token") ?? "");
  const newPassword = String(formData.get("new_password") ?? "");
  const mismatch = passwordMismatch(newPassword, String(formData.get("confirm_password") ?? ""));
  if (mismatch) return { fieldErrors: { confirm_password: [mismatch] } };

  let result;
  try {
    result = await apiClient().POST("/api/auth/password/reset/confirm/", {
      body: { uid, token, new_password: newPassword },
    });
  } catch {
    return { error: UNAVAILABLE };
  }
  const { response } = result;
  if (response.status !== 204) {
    const failure = formFailure(response.status, result.error, response.headers.get("Retry-After"), [
      "new_password",
    ]);
    // Anything but the password itself is about the link (non_field_errors, uid, token).
    return { ...failure, linkInvalid: response.status === 400 && !!failure.error };
  }
  redirect("/login?reset=1"); // outside any try/catch: redirect() throws
}

/**
 * Change the password of the signed-in user. The API ends every session,
 * this one included, and answers with the pair of a new one: store it.
 */
export async function changePassword(_prev: ChangePasswordState, formData: FormData): Promise<ChangePasswordState> {
  const oldPassword = String(formData.get("old_password") ?? "");
  const newPassword = String(formData.get("new_password") ?? "");
  const mismatch = passwordMismatch(newPassword, String(formData.get("confirm_password") ?? ""));
  if (mismatch) return { fieldErrors: { confirm_password: [mismatch] } };

  // The API opens a new session for this browser: tell it which browser (the Account page lists it).
  const headers = await browserHeaders();
  const { data, error, response } = await actionCall((api) =>
    api.POST("/api/auth/password/change/", {
      body: { old_password: oldPassword, new_password: newPassword },
      headers,
    }),
  );
  if (!data) {
    return formFailure(response.status, error, response.headers.get("Retry-After"), ["old_password", "new_password"]);
  }
  await setTokens(data);
  revalidatePath("/account");
  return { ok: Date.now() };
}
