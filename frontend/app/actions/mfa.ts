"use server";

// The account's sign-in factors (/account/security): authenticator app,
// recovery codes and passkeys. Every change needs a fresh session: when the
// API answers 403 `reauthentication_required`, the form shows the prompt
// (app/components/ReauthFields.tsx: the password, with two-factor sign-in on
// also a code, or a passkey instead) and sends its answer along with the
// same request, which freshCall re-authenticates before trying again. A
// change signs out the user's other sessions; this one stays.

import { revalidatePath } from "next/cache";
import { factorChangeFailure, type FormFailure } from "@/app/lib/api-errors";
import { freshCall, type ReauthAnswer, type ReauthMethods, type ReauthPrompt } from "@/app/lib/reauth";
import type { Api } from "@/app/lib/tokens";
import { MAX_CREDENTIAL_LENGTH, type CreationOptionsJSON } from "@/app/lib/webauthn";

const SECURITY_PAGE = "/account/security";

/** The state of a one-button change (Turn off, New recovery codes, Remove). */
export type FactorChangeState = FormFailure<"password" | "code"> & {
  /** The API wants the user to prove who they are again: the prompt, and what it offers. */
  needsPassword?: boolean;
  methods?: ReauthMethods;
  /** New recovery codes: shown once. */
  recoveryCodes?: string[];
  /** When the change was made. */
  doneAt?: number;
};

export type TotpSetup = { secret: string; otpauthUri: string; qrSvg: string };

/**
 * Setting up an authenticator app, step by step. `fieldErrors.code` is the
 * new app's code in the "scan" step, the prompt's code in the "password" step.
 */
export type TotpSetupState = FormFailure<"password" | "code"> & {
  step: "start" | "password" | "scan" | "codes";
  /** What the prompt offers besides the password (step "password"). */
  methods?: ReauthMethods;
  /** What the password prompt goes back to once answered. */
  resume?: "setup" | "confirm";
  setup?: TotpSetup;
  /** The code typed when the API asked for the password, sent again after it. */
  code?: string;
  recoveryCodes?: string[];
};

/** The prompt's part of a form state. */
const promptOf = ({ fieldErrors, error, methods }: ReauthPrompt) => ({ fieldErrors, error, methods });

type Call = (api: Api) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** Run one factor change for a form: the prompt, the API's refusal, or `done` of its answer. */
async function factorChange(
  formData: FormData,
  call: Call,
  done: (data: unknown) => FactorChangeState,
): Promise<FactorChangeState> {
  if (formData.get("intent") === "cancel") return {};
  const fresh = await freshCall(formData, call);
  if (!fresh.ok) return { needsPassword: true, ...promptOf(fresh) };
  const { data, error, response } = fresh.result;
  if (!response.ok) return { error: factorChangeFailure(response.status, error, response.headers.get("Retry-After")).error };
  revalidatePath(SECURITY_PAGE);
  return done(data);
}

/** Turn the authenticator app off (DELETE /api/auth/mfa/totp/). */
export async function turnOffAuthenticatorApp(_prev: FactorChangeState, formData: FormData): Promise<FactorChangeState> {
  return factorChange(formData, (api) => api.DELETE("/api/auth/mfa/totp/"), () => ({ doneAt: Date.now() }));
}

/** Replace the recovery codes; the answer shows the new ones once. */
export async function renewRecoveryCodes(_prev: FactorChangeState, formData: FormData): Promise<FactorChangeState> {
  return factorChange(
    formData,
    (api) => api.POST("/api/auth/mfa/recovery-codes/"),
    (data) => ({ doneAt: Date.now(), recoveryCodes: (data as { recovery_codes: string[] }).recovery_codes }),
  );
}

/** Remove one passkey (bound to its id by the page). */
export async function removePasskey(id: number, _prev: FactorChangeState, formData: FormData): Promise<FactorChangeState> {
  return factorChange(
    formData,
    (api) => api.DELETE("/api/auth/passkeys/{id}/", { params: { path: { id } } }),
    () => ({ doneAt: Date.now() }),
  );
}

/**
 * Set up an authenticator app, by the form's `intent`: "setup" gets a new
 * secret and its QR code; "confirm" turns the app on with a code from it and
 * answers the recovery codes; "reauthenticate" answers the password prompt
 * and resumes where the API asked for it; "cancel" starts again (the
 * unconfirmed secret stays unused on the server until the next setup
 * replaces it).
 */
export async function setUpAuthenticatorApp(prev: TotpSetupState, formData: FormData): Promise<TotpSetupState> {
  let intent = formData.get("intent");
  if (intent === "cancel") return { step: "start" };
  const resuming = intent === "reauthenticate";
  if (resuming) intent = prev.resume ?? "setup";

  if (intent === "confirm" && prev.setup) {
    const setup = prev.setup;
    const code = (resuming ? prev.code : String(formData.get("code") ?? ""))?.replace(/\s+/g, "") ?? "";
    if (!code) return { step: "scan", setup, fieldErrors: { code: ["Enter the code that the app shows."] } };
    // Resuming, the form is the prompt: its `code` is the one that proves who the user is.
    const fresh = await freshCall(resuming ? formData : undefined, (api) =>
      api.POST("/api/auth/mfa/totp/confirm/", { body: { code } }),
    );
    if (!fresh.ok) return { step: "password", resume: "confirm", setup, code, ...promptOf(fresh) };
    const { data, error, response } = fresh.result;
    if (data) {
      revalidatePath(SECURITY_PAGE);
      return { step: "codes", recoveryCodes: data.recovery_codes };
    }
    return { step: "scan", setup, ...factorChangeFailure(response.status, error, response.headers.get("Retry-After"), ["code"]) };
  }

  const fresh = await freshCall(resuming ? formData : undefined, (api) => api.POST("/api/auth/mfa/totp/setup/"));
  if (!fresh.ok) return { step: "password", resume: "setup", ...promptOf(fresh) };
  const { data, error, response } = fresh.result;
  if (data) return { step: "scan", setup: { secret: data.secret, otpauthUri: data.otpauth_uri, qrSvg: data.qr_svg } };
  return { step: "start", error: factorChangeFailure(response.status, error, response.headers.get("Retry-After")).error };
}

/** Showing the prompt; with what was wrong with the last answer, if anything. */
export type PasswordPrompt = { status: "password" } & ReauthPrompt;

/**
 * Options for navigator.credentials.create(), for a new passkey of the
 * signed-in user; with the prompt's answer (`reauth`) when it was answered.
 */
export async function passkeyRegistrationOptions(
  reauth?: ReauthAnswer,
): Promise<{ status: "ok"; options: CreationOptionsJSON } | PasswordPrompt | { status: "error"; error: string }> {
  const fresh = await freshCall(reauth, (api) => api.POST("/api/auth/passkeys/register/options/"));
  if (!fresh.ok) return { status: "password", ...promptOf(fresh) };
  const { data, error, response } = fresh.result;
  if (data) return { status: "ok", options: data as unknown as CreationOptionsJSON };
  const failure = factorChangeFailure(response.status, error, response.headers.get("Retry-After"));
  return { status: "error", error: failure.error ?? "The passkey could not be added." };
}

export type AddPasskeyResult =
  | { status: "ok"; name: string; recoveryCodes: string[] | null }
  | PasswordPrompt
  | ({ status: "error" } & FormFailure<"name">);

/**
 * Register the passkey the browser created (`credential`, its toJSON()) as
 * `name`; with the prompt's answer (`reauth`) when it was answered. The
 * account's first factor comes with recovery codes: shown once.
 */
export async function addPasskey(input: { credential: unknown; name: string; reauth?: ReauthAnswer }): Promise<AddPasskeyResult> {
  const { credential } = input;
  const name = String(input.name ?? "").trim() || "Passkey";
  if (!credential || typeof credential !== "object" || JSON.stringify(credential).length > MAX_CREDENTIAL_LENGTH) {
    return { status: "error", error: "The browser's answer could not be read." };
  }
  const fresh = await freshCall(input.reauth, (api) =>
    api.POST("/api/auth/passkeys/register/", {
      body: { credential: credential as Record<string, unknown>, name },
    }),
  );
  if (!fresh.ok) return { status: "password", ...promptOf(fresh) };
  const { data, error, response } = fresh.result;
  if (!data) return { status: "error", ...factorChangeFailure(response.status, error, response.headers.get("Retry-After"), ["name"]) };
  revalidatePath(SECURITY_PAGE);
  return { status: "ok", name: data.name, recoveryCodes: data.recovery_codes ?? null };
}
