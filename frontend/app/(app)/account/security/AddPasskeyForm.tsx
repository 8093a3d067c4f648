"use client";

import { useRef, useState } from "react";
import { addPasskey, passkeyRegistrationOptions } from "@/app/actions/mfa";
import { FieldErrors } from "@/app/components/FieldErrors";
import { ReauthFields } from "@/app/components/ReauthFields";
import { UNAVAILABLE } from "@/app/lib/api-errors";
import { reauthAnswerOf, type ReauthMethods } from "@/app/lib/reauth-answer";
import { passkeyCreate, type CredentialJSON } from "@/app/lib/webauthn";
import { RecoveryCodes } from "./RecoveryCodes";

type Errors = { password?: string[]; code?: string[]; name?: string[] };

/**
 * Add a passkey: the API's options (a Server Action), the browser creates
 * the passkey (navigator.credentials.create, here), the API checks and keeps
 * it (another Server Action). When the API wants the password again, at
 * either call, the form shows the prompt (with two-factor sign-in on, the
 * password and a code, or a passkey already registered) and carries on; a
 * passkey already created is kept until the API has it. The account's first
 * factor comes with recovery codes, shown once.
 */
export function AddPasskeyForm() {
  /** The prompt is shown, offering these besides the password. */
  const [asking, setAsking] = useState<ReauthMethods | false>(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [errors, setErrors] = useState<Errors>({});
  const [added, setAdded] = useState<string>();
  const [codes, setCodes] = useState<string[]>();
  /** A passkey the browser created but the API has not taken yet (it asked for the password first). */
  const created = useRef<CredentialJSON | undefined>(undefined);
  const form = useRef<HTMLFormElement>(null);

  function reset() {
    created.current = undefined;
    setAsking(false);
    setErrors({});
    setError(undefined);
  }

  function askPassword(prompt: { error?: string; fieldErrors?: Errors; methods: ReauthMethods }) {
    setAsking(prompt.methods);
    setError(prompt.error);
    setErrors(prompt.fieldErrors ?? {});
  }

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = new FormData(event.currentTarget);
    const name = String(fields.get("name") ?? "").trim();
    let reauth = reauthAnswerOf(fields);
    setBusy(true);
    setError(undefined);
    setErrors({});
    setAdded(undefined);
    try {
      if (!created.current) {
        const options = await passkeyRegistrationOptions(reauth);
        if (options.status === "password") return askPassword(options);
        if (options.status === "error") {
          reset();
          return setError(options.error);
        }
        reauth = undefined; // proved: the session is fresh now
        setAsking(false);
        const passkey = await passkeyCreate(options.options);
        if ("error" in passkey) return setError(passkey.error);
        created.current = passkey.credential;
      }
      const result = await addPasskey({ credential: created.current, name, reauth });
      if (result.status === "password") return askPassword(result);
      created.current = undefined;
      setAsking(false);
      if (result.status === "error") {
        setError(result.error);
        setErrors(result.fieldErrors ?? {});
        return;
      }
      setAdded(result.name);
      setCodes(result.recoveryCodes ?? undefined);
      form.current?.reset();
    } catch {
      setError(UNAVAILABLE);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {codes && <RecoveryCodes codes={codes} onSaved={() => setCodes(undefined)} />}
      <form ref={form} onSubmit={submit} className="stack" aria-label="Add a passkey">
        {added && (
          <p role="status" className="notice">
            Passkey “{added}” added. Your other sessions were signed out.
          </p>
        )}
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            maxLength={64}
            placeholder="e.g. Work laptop"
            readOnly={!!asking || busy}
            aria-invalid={!!errors.name?.length}
            aria-describedby={errors.name?.length ? "passkey-name-errors" : undefined}
          />
        </label>
        <FieldErrors id="passkey-name-errors" errors={errors.name} />
        {asking ? (
          <ReauthFields
            reason="To add a passkey, enter your password again."
            idPrefix="passkey"
            methods={asking}
            errors={errors}
            onCancel={reset}
          />
        ) : (
          <div>
            <button type="submit" className="button" disabled={busy} aria-disabled={busy}>
              {busy ? "Waiting for your passkey…" : "Add a passkey"}
            </button>
          </div>
        )}
      </form>
    </>
  );
}
