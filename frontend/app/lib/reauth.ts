import "server-only";
import { actionCall } from "./api";
import { formFailure, reauthenticationRequired, type FormFailure } from "./api-errors";
import type { Api } from "./tokens";
import { asksCode, reauthAnswerOf, reauthMethodsOf, type ReauthAnswer, type ReauthMethods } from "./reauth-answer";
import { credentialFromJSON } from "./webauthn";

export type { ReauthAnswer, ReauthMethods };

/** The prompt, with what was wrong with the last answer (under the password, the code, or in the alert). */
export type ReauthPrompt = FormFailure<"password" | "code"> & { methods: ReauthMethods };

/**
 * What the prompt offers this user besides the password (GET /api/auth/mfa/):
 * the code field with an authenticator app or recovery codes left, *Use a
 * passkey instead* with a passkey. `failure` is the API's last refusal: when
 * it asked for a code although the factors showed none (one added
 * meanwhile, or the factors could not be read), every way is offered.
 */
export async function reauthMethods(failure?: FormFailure<"password" | "code">): Promise<ReauthMethods> {
  const { data } = await actionCall((api) => api.GET("/api/auth/mfa/"));
  return reauthMethodsOf(data, !!failure?.fieldErrors?.code?.length);
}

/**
 * Prove again who the user is (POST /api/auth/reauthenticate/): the password;
 * with two-factor sign-in on, the password and a code, or a passkey alone.
 * The session may then, for the API's REAUTH_SECONDS (300 by default),
 * change the email address, delete the account or change its sign-in
 * factors. Return null when the API took it, else the prompt again with what
 * the form shows. For Server Actions only.
 */
export async function reauthenticate(source: FormData | ReauthAnswer): Promise<ReauthPrompt | null> {
  const answer = reauthAnswerOf(source) ?? {};
  let body: { password: string; code?: string } | { credential: Record<string, unknown> };
  if (answer.credential) {
    const credential = credentialFromJSON(answer.credential);
    if (!credential) return reauthPrompt({ error: "The passkey's answer could not be read." });
    body = { credential };
  } else {
    const password = answer.password ?? "";
    const code = (answer.code ?? "").trim();
    if (!password) return reauthPrompt({ fieldErrors: { password: ["Enter your password."] } });
    body = code ? { password, code } : { password };
  }
  const { error, response } = await actionCall((api) => api.POST("/api/auth/reauthenticate/", { body }));
  if (response.status === 204) return null;
  return reauthPrompt(formFailure(response.status, error, response.headers.get("Retry-After"), ["password", "code"]));
}

/** The prompt for a form: the API's refusal, if any, and what to offer besides the password. */
export async function reauthPrompt(failure: FormFailure<"password" | "code"> = {}): Promise<ReauthPrompt> {
  const methods = await reauthMethods(failure);
  const codeErrors = failure.fieldErrors?.code;
  if (codeErrors?.length && !asksCode(methods)) {
    // No code field to show them under (a passkey, no recovery codes left): into the alert.
    const { code: _code, ...fieldErrors } = failure.fieldErrors ?? {};
    return { fieldErrors, error: [...codeErrors, ...(failure.error ? [failure.error] : [])].join(" "), methods };
  }
  return { ...failure, methods };
}

/** The outcome of freshCall: the API's answer, or the prompt (with what was wrong). */
export type Fresh<R> = { ok: true; result: R } | ({ ok: false } & ReauthPrompt);

/**
 * Call the API for an action that needs a fresh session (email change,
 * factor changes): when the form carries the prompt's answer
 * (app/components/ReauthFields.tsx: `password` and `code`, or a passkey's
 * `credential`), re-authenticate first; when the API still or again answers
 * 403 `reauthentication_required`, say so, and the form shows the prompt.
 * For Server Actions only.
 */
export async function freshCall<R extends { response: Response; error?: unknown }>(
  source: FormData | ReauthAnswer | null | undefined,
  call: (api: Api) => Promise<R>,
): Promise<Fresh<R>> {
  const answer = reauthAnswerOf(source);
  if (answer) {
    const refused = await reauthenticate(answer);
    if (refused) return { ok: false, ...refused };
  }
  const result = await actionCall(call);
  if (reauthenticationRequired(result.response.status, result.error)) return { ok: false, ...(await reauthPrompt()) };
  return { ok: true, result };
}
