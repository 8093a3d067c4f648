import "server-only";
import { actionCall } from "./api";
import { formFailure, type FormFailure } from "./api-errors";

export type ReauthResult = { ok: true } | ({ ok: false } & FormFailure<"password">);

/**
 * Prove the password again (POST /api/auth/reauthenticate/): the session may
 * then, for the API's REAUTH_SECONDS (300 by default), change the email
 * address or delete the account. For Server Actions only.
 */
export async function reauthenticate(password: string): Promise<ReauthResult> {
  if (!password) return { ok: false, fieldErrors: { password: ["Enter your password."] } };
  const { error, response } = await actionCall((api) => api.POST("/api/auth/reauthenticate/", { body: { password } }));
  if (response.status === 204) return { ok: true };
  return { ok: false, ...formFailure(response.status, error, response.headers.get("Retry-After"), ["password"]) };
}
