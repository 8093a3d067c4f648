// Passkey ceremonies in the browser: the API's options (JSON) to what
// navigator.credentials.create/get take, the credential back to JSON for the
// API, and what to tell the user when the browser refuses. Pure (no React,
// no Next.js, no "server-only") so the unit tests load it too.
//
// Browsers with WebAuthn Level 3 (Chromium 129+, Firefox 119+, Safari 18.4+)
// have PublicKeyCredential.parseCreationOptionsFromJSON, .parseRequestOptionsFromJSON
// and credential.toJSON(); the fallbacks below do the same base64url work for
// the others.

/** The API's options for navigator.credentials.create(): PublicKeyCredentialCreationOptionsJSON. */
export type CreationOptionsJSON = PublicKeyCredentialCreationOptionsJSON;
/** The API's options for navigator.credentials.get(): PublicKeyCredentialRequestOptionsJSON. */
export type RequestOptionsJSON = PublicKeyCredentialRequestOptionsJSON;
/** What the API takes as `credential`: PublicKeyCredential.toJSON(). */
export type CredentialJSON = Record<string, unknown>;

export function base64urlToBuffer(value: string): ArrayBuffer {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function bufferToBase64url(value: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

type Descriptor = { id: string; type: string; transports?: string[] };
const descriptors = (list: Descriptor[] | undefined) =>
  list?.map((d) => ({ ...d, id: base64urlToBuffer(d.id) }) as PublicKeyCredentialDescriptor);

/** parseCreationOptionsFromJSON, natively when the browser has it. */
export function creationOptions(json: CreationOptionsJSON): PublicKeyCredentialCreationOptions {
  const native = globalThis.PublicKeyCredential?.parseCreationOptionsFromJSON;
  if (native) return native.call(PublicKeyCredential, json);
  return {
    ...json,
    challenge: base64urlToBuffer(json.challenge),
    user: { ...json.user, id: base64urlToBuffer(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials as Descriptor[] | undefined),
  } as PublicKeyCredentialCreationOptions;
}

/** parseRequestOptionsFromJSON, natively when the browser has it. */
export function requestOptions(json: RequestOptionsJSON): PublicKeyCredentialRequestOptions {
  const native = globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON;
  if (native) return native.call(PublicKeyCredential, json);
  return {
    ...json,
    challenge: base64urlToBuffer(json.challenge),
    allowCredentials: descriptors(json.allowCredentials as Descriptor[] | undefined),
  } as PublicKeyCredentialRequestOptions;
}

type ResponseFields = {
  clientDataJSON: ArrayBuffer;
  attestationObject?: ArrayBuffer;
  authenticatorData?: ArrayBuffer;
  signature?: ArrayBuffer;
  userHandle?: ArrayBuffer | null;
  getTransports?: () => string[];
};

/** credential.toJSON(), natively when the browser has it. */
export function credentialJSON(credential: PublicKeyCredential): CredentialJSON {
  if (typeof credential.toJSON === "function") return credential.toJSON() as CredentialJSON;
  const response = credential.response as unknown as ResponseFields;
  const encoded: Record<string, unknown> = { clientDataJSON: bufferToBase64url(response.clientDataJSON) };
  if (response.attestationObject) {
    encoded.attestationObject = bufferToBase64url(response.attestationObject);
    encoded.transports = response.getTransports?.() ?? [];
  }
  if (response.authenticatorData) encoded.authenticatorData = bufferToBase64url(response.authenticatorData);
  if (response.signature) encoded.signature = bufferToBase64url(response.signature);
  if (response.userHandle) encoded.userHandle = bufferToBase64url(response.userHandle);
  return {
    id: credential.id,
    rawId: bufferToBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: encoded,
  };
}

/** A passkey's JSON (PublicKeyCredential.toJSON()) is about 1 kB; anything far larger is not one. */
export const MAX_CREDENTIAL_LENGTH = 64 * 1024;

/**
 * A credential sent as a form field (JSON text), as the object the API
 * takes; undefined unless it is a JSON object of a sensible size. For the
 * Server Actions, which get it from the browser.
 */
export function credentialFromJSON(raw: unknown): CredentialJSON | undefined {
  if (typeof raw !== "string" || !raw || raw.length > MAX_CREDENTIAL_LENGTH) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as CredentialJSON) : undefined;
  } catch {
    return undefined;
  }
}

export const PASSKEYS_UNSUPPORTED = "This browser does not support passkeys.";
export const PASSKEY_NOT_ALLOWED =
  "The passkey was not used: the request was cancelled or timed out, or your device could not verify you.";

/** What to tell the user when navigator.credentials.create/get throws. */
export function ceremonyFailure(error: unknown, during: "create" | "get"): string {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case "NotAllowedError":
      return PASSKEY_NOT_ALLOWED;
    case "AbortError":
      return "The passkey request was cancelled.";
    case "InvalidStateError":
      return during === "create"
        ? "This device already holds a passkey for your account."
        : "The passkey could not be used. Please try again.";
    case "SecurityError":
      return "Passkeys do not work on this address: open the site at its own domain name.";
    case "NotSupportedError":
      return PASSKEYS_UNSUPPORTED;
    default:
      return "The passkey did not work. Please try again.";
  }
}

/** True when this browser can create and use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof globalThis.PublicKeyCredential === "function" && !!globalThis.navigator?.credentials;
}

/** Ask the browser for a passkey signature of the API's challenge; JSON for the API, or what went wrong. */
export async function passkeyGet(options: RequestOptionsJSON): Promise<{ credential: CredentialJSON } | { error: string }> {
  if (!passkeysSupported()) return { error: PASSKEYS_UNSUPPORTED };
  try {
    const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
    if (!credential) return { error: PASSKEY_NOT_ALLOWED };
    return { credential: credentialJSON(credential as PublicKeyCredential) };
  } catch (error) {
    return { error: ceremonyFailure(error, "get") };
  }
}

/** Ask the browser to create a passkey for the API's options; JSON for the API, or what went wrong. */
export async function passkeyCreate(options: CreationOptionsJSON): Promise<{ credential: CredentialJSON } | { error: string }> {
  if (!passkeysSupported()) return { error: PASSKEYS_UNSUPPORTED };
  try {
    const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
    if (!credential) return { error: PASSKEY_NOT_ALLOWED };
    return { credential: credentialJSON(credential as PublicKeyCredential) };
  } catch (error) {
    return { error: ceremonyFailure(error, "create") };
  }
}
