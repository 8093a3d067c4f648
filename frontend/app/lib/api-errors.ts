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
