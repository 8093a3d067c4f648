// The re-authentication prompt: its answer, what it offers and its words, shared by the prompt
// (app/components/ReauthFields.tsx) and the Server Actions (app/lib/reauth.ts).
// Pure (no React, no Next.js, no "server-only") so the unit tests load it too.

/**
 * Besides the password, what the prompt offers: with two-factor sign-in on,
 * the API takes the password only with a `code` (from the authenticator
 * app, or a recovery code), or a passkey alone.
 */
export type ReauthMethods = { app: boolean; recoveryCode: boolean; passkey: boolean };

/** The password alone: no second factor. */
export const PASSWORD_ONLY: ReauthMethods = { app: false, recoveryCode: false, passkey: false };

/** The answer of GET /api/auth/mfa/. */
type Factors = { totp: boolean; passkeys: number; recovery_codes_left: number };

/**
 * What the prompt offers for these factors (undefined: they could not be
 * read). `codeAsked`: the API refused the password alone, asking for a code:
 * when the factors showed none (one added meanwhile, or unknown), every way
 * is offered.
 */
export function reauthMethodsOf(factors: Factors | undefined, codeAsked = false): ReauthMethods {
  const methods = factors
    ? { app: factors.totp, recoveryCode: factors.recovery_codes_left > 0, passkey: factors.passkeys > 0 }
    : PASSWORD_ONLY;
  if (codeAsked && !methods.app && !methods.recoveryCode && !methods.passkey) {
    return { app: true, recoveryCode: true, passkey: true };
  }
  return methods;
}

/** True when the prompt shows the **Authentication code** field. */
export const asksCode = (methods: ReauthMethods | undefined) => !!(methods?.app || methods?.recoveryCode);

/**
 * The prompt's answer as the browser sends it: the password (and the code),
 * or `credential`, a passkey's assertion as JSON text (PublicKeyCredential.toJSON()).
 */
export type ReauthAnswer = { password?: string; code?: string; credential?: string };

/**
 * The answer in a form's fields (or in an object a client component sent),
 * or undefined when the form did not show the prompt: no `password` field
 * and no passkey answer.
 */
export function reauthAnswerOf(source: FormData | ReauthAnswer | null | undefined): ReauthAnswer | undefined {
  if (!source || typeof source !== "object") return undefined;
  const text = (name: keyof ReauthAnswer) => {
    const value = typeof (source as FormData).get === "function" ? (source as FormData).get(name) : (source as ReauthAnswer)[name];
    return typeof value === "string" ? value : undefined;
  };
  const answer = { password: text("password"), code: text("code"), credential: text("credential") };
  return answer.password !== undefined || answer.credential ? answer : undefined;
}

/** What the prompt says of the second factor, by what the account has. */
export function reauthWording(methods: ReauthMethods | undefined): { intro: string; codeHint: string } {
  if (!methods) return { intro: "", codeHint: "" };
  const { app, recoveryCode, passkey } = methods;
  const codes = [app && "a code from your authenticator app", recoveryCode && "a recovery code"].filter(Boolean).join(" or ");
  const ways = [codes && `enter ${codes} as well`, passkey && (codes ? "or use a passkey instead" : "use your passkey")];
  const intro = codes || passkey ? `Two-factor sign-in is on: ${ways.filter(Boolean).join(", ")}.` : "";
  const codeHint =
    app && recoveryCode
      ? "The 6-digit code your authenticator app shows now, or one of your recovery codes."
      : app
        ? "The 6-digit code your authenticator app shows now."
        : "One of your recovery codes.";
  return { intro, codeHint };
}
