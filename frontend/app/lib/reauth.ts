import "server-only";
import { actionCall } from "./api";
import { formFailure, reauthenticationRequired, type FormFailure } from "./api-errors";
import type { Api } from "./tokens";

/**
 * Prove the password again (POST /api/auth/reauthenticate/): the session may
 * then, for the API's REAUTH_SECONDS (300 by default), change the email
 * address, delete the account or change its sign-in factors. Return null when the API took it, else what
 * the form shows. For Server Actions only.
 */
export async function reauthenticate(password: string): Promise<FormFailure<"password"> | null> {
  if (!password) return { fieldErrors: { password: ["Enter your password."] } };
  const { error, response } = await actionCall((api) => api.POST("/api/auth/reauthenticate/", { body: { password } }));
  if (response.status === 204) return null;
  return formFailure(response.status, error, response.headers.get("Retry-After"), ["password"]);
}

/** The outcome of freshCall: the API's answer, or the password prompt (with what was wrong). */
export type Fresh<R> = { ok: true; result: R } | ({ ok: false } & FormFailure<"password">);

/**
 * Call the API for an action that needs a fresh session (email change,
 * factor changes): with the form's `password` (the prompt of
 * app/components/ReauthFields.tsx was answered) re-authenticate first; when
 * the API still or again answers 403 `reauthentication_required`, say so, and
 * the form asks for the password. For Server Actions only.
 */
export async function freshCall<R extends { response: Response; error?: unknown }>(
  password: FormDataEntryValue | null | undefined,
  call: (api: Api) => Promise<R>,
): Promise<Fresh<R>> {
  if (password !== null && password !== undefined) {
    const refused = await reauthenticate(String(password));
    if (refused) return { ok: false, ...refused };
  }
  const result = await actionCall(call);
  if (reauthenticationRequired(result.response.status, result.error)) return { ok: false };
  return { ok: true, result };
}
