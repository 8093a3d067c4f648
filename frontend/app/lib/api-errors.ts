// What the forms say when the API refuses. Pure functions of the API's
// answer (no "server-only", no Next.js imports), so `node --test` can load
// them; the Server Actions in app/actions/ call them.

export const UNAVAILABLE = "The server is not reachable right now. Please try again in a moment.";

type FieldMessages = string[] | string | undefined;
export type RegisterFailure = {
  fieldErrors?: Partial<Record<"username" | "email" | "password", string[]>>;
  error?: string;
};

/** "Too many attempts", with the wait from Retry-After (or DRF's detail) when there is one. */
export function tooManyAttempts(retryAfter: string | null, body: unknown): string {
  let seconds = Number.parseInt(retryAfter ?? "", 10);
  if (!Number.isFinite(seconds)) {
    const detail = (body as { detail?: string } | undefined)?.detail ?? "";
    seconds = Number.parseInt(/(\d+)\s*second/.exec(detail)?.[1] ?? "", 10);
  }
  return Number.isFinite(seconds)
    ? `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`
    : "Too many attempts. Try again later.";
}

/**
 * The sign-in form's message for a refused POST /api/auth/token/. With the
 * API's REQUIRE_VERIFIED_EMAIL, an unverified address is a 403
 * `email_unverified` whose detail says a new link is on its way.
 */
export function loginFailure(status: number, body: unknown, retryAfter: string | null): string {
  if (status === 429) return tooManyAttempts(retryAfter, body);
  if (status === 400 || status === 401) return "Invalid username or password.";
  if (status === 403 && errorCode(body) === "email_unverified") {
    return detailOf(body) ?? "Verify your email address first: a new link is on its way to your inbox.";
  }
  return UNAVAILABLE;
}

/**
 * The register form's messages for a refused POST /api/auth/register/.
 *
 * With REGISTRATION_OPEN=false the API answers 404 {"detail": "Registration
 * is closed."}; a 403 is what a proxy or a later API version might send for
 * the same refusal. Either way the API's own detail is shown, so the user is
 * not told the server is down when it said no.
 */
export function registerFailure(status: number, body: unknown, retryAfter: string | null): RegisterFailure {
  if (status === 400) {
    const fields = (body ?? {}) as Record<string, FieldMessages>;
    const list = (v: FieldMessages) => (v === undefined ? undefined : [v].flat());
    const fieldErrors = { username: list(fields.username), email: list(fields.email), password: list(fields.password) };
    const other = [...(list(fields.non_field_errors) ?? []), ...(list(fields.detail) ?? [])];
    return { fieldErrors, error: other.length ? other.join(" ") : undefined };
  }
  if (status === 429) return { error: tooManyAttempts(retryAfter, body) };
  if (status === 403 || status === 404) {
    const detail = (body as { detail?: unknown } | undefined)?.detail;
    return { error: typeof detail === "string" && detail ? detail : "Registration is closed." };
  }
  return { error: UNAVAILABLE };
}

/** What a form shows for a refused call: messages next to its fields, the rest in one alert. */
export type FormFailure<F extends string> = { fieldErrors?: Partial<Record<F, string[]>>; error?: string };

/** Keys of a DRF 400 body that belong to no field of a form. */
const GENERAL_KEYS = ["non_field_errors", "detail"];

/**
 * Split a DRF 400 body between the form's `fields` and an alert: the alert
 * gets `non_field_errors`, `detail` and any key the form has no field for
 * (e.g. a reset link's `uid` or `token`).
 */
export function splitErrors<F extends string>(body: unknown, fields: readonly F[]): FormFailure<F> {
  const all = (body && typeof body === "object" ? body : {}) as Record<string, FieldMessages>;
  const list = (v: FieldMessages) => (v === undefined ? [] : [v].flat().map(String));
  const fieldErrors: Partial<Record<F, string[]>> = {};
  for (const field of fields) {
    if (all[field] !== undefined) fieldErrors[field] = list(all[field]);
  }
  const others = Object.keys(all).filter((key) => !(fields as readonly string[]).includes(key));
  others.sort((a, b) => Number(!GENERAL_KEYS.includes(a)) - Number(!GENERAL_KEYS.includes(b)));
  const other = others.flatMap((key) => list(all[key]));
  return { fieldErrors, error: other.length ? other.join(" ") : undefined };
}

/** A form's messages for any refused call: 400 per field, 429 with the wait, else unreachable. */
export function formFailure<F extends string>(
  status: number,
  body: unknown,
  retryAfter: string | null,
  fields: readonly F[],
): FormFailure<F> {
  if (status === 400) return splitErrors(body, fields);
  if (status === 429) return { error: tooManyAttempts(retryAfter, body) };
  return { error: UNAVAILABLE };
}

/** The API's stable error code (`{"detail", "code"}`), if any. */
export function errorCode(body: unknown): string | undefined {
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The API's `detail`, if it is a non-empty string. */
export function detailOf(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === "string" && detail ? detail : undefined;
}

/** True when the API wants the password again before this action (403 `reauthentication_required`). */
export function reauthenticationRequired(status: number, body: unknown): boolean {
  return status === 403 && errorCode(body) === "reauthentication_required";
}

/** Shown for every address, known or not, so the page cannot tell which have accounts. */
export const RESET_SENT = "If an account uses this email, a reset link is on its way.";

export const PASSWORDS_DIFFER = "The two passwords do not match.";

/** The message for a "confirm password" field, or undefined when both fields agree. */
export function passwordMismatch(password: string, confirmation: string): string | undefined {
  return password === confirmation ? undefined : PASSWORDS_DIFFER;
}

/** What the verification banner says when the API limits resends (3 an hour). */
export const RESEND_THROTTLED = "Too many requests, try later.";

/** The API's wording for a used, expired or forged email link (accounts/email_addresses.py). */
export const LINK_INVALID = "This link is invalid, has expired or has already been used.";

/** The message of a refused email link (verification or change of address). */
export function linkFailure(status: number, body: unknown): string {
  if (status === 400) {
    const { fieldErrors, error } = splitErrors(body, ["key"]);
    const messages = [...(fieldErrors?.key ?? []), ...(error ? [error] : [])];
    return messages.join(" ") || LINK_INVALID;
  }
  if (status === 429) return tooManyAttempts(null, body);
  return UNAVAILABLE;
}

/** The API's words when an `mfa_token` has expired or was spent (mfa/sign_in.py). */
export const SIGN_IN_EXPIRED = "The sign-in has expired or was already finished; sign in again.";

/** What the second sign-in step shows: next to the code, in the alert, or back to the password. */
export type SecondFactorFailure = { codeErrors?: string[]; error?: string; restart?: boolean };

/**
 * The second step's message for a refused POST /api/auth/mfa/verify/: a
 * wrong code (400 `{"code": [...]}`) keeps the step, the token is not spent;
 * an expired or used `mfa_token` (400 `{"detail", "code": "mfa_token_invalid"}`)
 * starts the sign-in again; a refused passkey (400 `{"credential": [...]}`)
 * and anything else go into the alert.
 */
export function secondFactorFailure(status: number, body: unknown, retryAfter: string | null): SecondFactorFailure {
  if (status === 400 && errorCode(body) === "mfa_token_invalid") {
    return { restart: true, error: detailOf(body) ?? SIGN_IN_EXPIRED };
  }
  if (status === 400) {
    const { fieldErrors, error } = splitErrors(body, ["code"]);
    return { codeErrors: fieldErrors?.code, error };
  }
  if (status === 429) return { error: tooManyAttempts(retryAfter, body) };
  if (status === 403 && errorCode(body) === "email_unverified") return { error: detailOf(body) ?? UNAVAILABLE };
  return { error: UNAVAILABLE };
}

/**
 * The sign-in page's message for a refused POST /api/auth/passkeys/login/:
 * the API's reason (400 `{"credential": [...]}`), the wait, or an unverified
 * address (403 `email_unverified`).
 */
export function passkeySignInFailure(status: number, body: unknown, retryAfter: string | null): string {
  if (status === 400) return splitErrors(body, []).error ?? "The passkey could not be verified.";
  if (status === 429) return tooManyAttempts(retryAfter, body);
  if (status === 403 && errorCode(body) === "email_unverified") return detailOf(body) ?? UNAVAILABLE;
  return UNAVAILABLE;
}

/**
 * A refused change of a sign-in factor: the API's messages for the form's
 * `fields` (a wrong `code`, a passkey `name`), its `detail` for a conflict
 * (409: "An authenticator app is already on", "No authenticator app is on"…),
 * a passkey gone meanwhile (404), the wait (429). The 403
 * `reauthentication_required` is the caller's to handle (the password prompt).
 */
export function factorChangeFailure<F extends string>(
  status: number,
  body: unknown,
  retryAfter: string | null,
  fields: readonly F[] = [],
): FormFailure<F> {
  if (status === 409) return { error: detailOf(body) ?? "This change conflicts with the account's factors; reload the page." };
  if (status === 404) return { error: "This passkey no longer exists; reload the page." };
  if (status === 403) return { error: detailOf(body) ?? UNAVAILABLE };
  return formFailure(status, body, retryAfter, fields);
}
