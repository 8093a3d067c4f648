import "server-only";
import { actionCall } from "./api";
import { formFailure, type FormFailure } from "./api-errors";

/**
 * Prove the password again (POST /api/auth/reauthenticate/): the session may
 * then, for the API's REAUTH_SECONDS (300 by default), change the email
 * address or delete the account. Return null when the API took it, else what
 * the form shows. For Server Actions only.
 */
export async function reauthenticate(password: string): Promise<FormFailure<"password"> | null> {
  if (!password) return { fieldErrors: { password: ["Enter your password."] } };
  const { error, response } = await actionCall((api) => api.POST("/api/auth/reauthenticate/", { body: { password } }));
  if (response.status === 204) return null;
  return formFailure(response.status, error, response.headers.get("Retry-After"), ["password"]);
}
