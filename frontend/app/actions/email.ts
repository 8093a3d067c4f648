"use server";

import { revalidatePath } from "next/cache";
import { actionCall, apiClient } from "@/app/lib/api";
import {
  RESEND_THROTTLED,
  UNAVAILABLE,
  detailOf,
  formFailure,
  linkFailure,
  type FormFailure,
} from "@/app/lib/api-errors";
import { freshCall, type ReauthMethods } from "@/app/lib/reauth";
import type { Api } from "@/app/lib/tokens";

export type LinkResult = { ok: true } | { ok: false; error: string };

export type ResendState = { message?: string; error?: string; sentAt?: number };

export type ChangeEmailState = FormFailure<"new_email" | "password" | "code"> & {
  /** The address asked for, kept while the password is asked. */
  newEmail?: string;
  /** The API wants the password (and a code, or a passkey) again before it mails the new address. */
  needsPassword?: boolean;
  /** What the prompt offers besides the password. */
  methods?: ReauthMethods;
  /** The API's answer once the link is on its way to the new address. */
  sent?: string;
};

/** Keys are signed strings of a few hundred characters; anything else is not worth a request. */
const MAX_KEY_LENGTH = 2000;

/** Send the key of an email link to the API (no Bearer: the link may be opened anywhere). */
async function confirmKey(
  key: unknown,
  call: (api: Api, key: string) => Promise<{ response: Response; error?: unknown }>,
): Promise<LinkResult> {
  if (typeof key !== "string" || !key || key.length > MAX_KEY_LENGTH) {
    return { ok: false, error: linkFailure(400, undefined) };
  }
  let result;
  try {
    result = await call(apiClient(), key);
  } catch {
    return { ok: false, error: UNAVAILABLE };
  }
  if (result.response.status === 204) return { ok: true };
  return { ok: false, error: linkFailure(result.response.status, result.error) };
}

/** Mark the address verified with the key of /verify-email?key=… */
export async function verifyEmail(key: string): Promise<LinkResult> {
  const result = await confirmKey(key, (api, body) => api.POST("/api/auth/email/verify/", { body: { key: body } }));
  if (result.ok) revalidatePath("/dashboard");
  return result;
}

/** Move the account to its new address with the key of /confirm-email-change?key=… */
export async function confirmEmailChange(key: string): Promise<LinkResult> {
  const result = await confirmKey(key, (api, body) =>
    api.POST("/api/auth/email/change/confirm/", { body: { key: body } }),
  );
  if (result.ok) revalidatePath("/account");
  return result;
}

/** Mail the verification link again (the API allows 3 an hour). */
export async function resendVerification(_prev: ResendState): Promise<ResendState> {
  const { data, response } = await actionCall((api) => api.POST("/api/auth/email/verify/resend/"));
  if (response.status === 202) {
    return { message: detailOf(data) ?? "A new link is on its way.", sentAt: Date.now() };
  }
  if (response.status === 429) return { error: RESEND_THROTTLED };
  return { error: UNAVAILABLE };
}

/**
 * Ask to move the account to another address. When the API wants the
 * password again (403 `reauthentication_required`), the form asks for it
 * (with two-factor sign-in on, and a code, or a passkey instead); submitted
 * with the answer, this re-authenticates first and asks again. Cancel
 * (`intent=cancel`) goes back to the address, as typed.
 */
export async function changeEmail(_prev: ChangeEmailState, formData: FormData): Promise<ChangeEmailState> {
  const newEmail = String(formData.get("new_email") ?? "").trim();
  if (formData.get("intent") === "cancel") return { newEmail };
  if (!newEmail) return { fieldErrors: { new_email: ["Enter the new email address."] } };
  const fresh = await freshCall(formData, (api) =>
    api.POST("/api/auth/email/change/", { body: { new_email: newEmail } }),
  );
  if (!fresh.ok) {
    return { fieldErrors: fresh.fieldErrors, error: fresh.error, methods: fresh.methods, newEmail, needsPassword: true };
  }
  const { data, error, response } = fresh.result;
  if (response.status === 202) {
    return { sent: detailOf(data) ?? "Check your new inbox for a link to confirm the change.", newEmail };
  }
  return { ...formFailure(response.status, error, response.headers.get("Retry-After"), ["new_email"]), newEmail };
}
