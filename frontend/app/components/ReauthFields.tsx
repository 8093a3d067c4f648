"use client";

import { useEffect, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import { passkeySignInOptions } from "@/app/actions/auth";
import { UNAVAILABLE } from "@/app/lib/api-errors";
import { asksCode, reauthWording, type ReauthMethods } from "@/app/lib/reauth-answer";
import { passkeyGet } from "@/app/lib/webauthn";
import { FieldErrors } from "./FieldErrors";
import { SubmitButton } from "./SubmitButton";

/**
 * The re-authentication prompt of a form whose action the API refused with
 * 403 `reauthentication_required` (the session proved who the user is more
 * than the API's REAUTH_SECONDS ago). Used by every form that changes the
 * account's email, existence or sign-in factors.
 *
 * **Password**, and, with two-factor sign-in on (`methods`, from the
 * action: app/lib/reauth.ts), **Authentication code** (the app's code or a
 * recovery code): *Confirm* sends the form again with them, and the action
 * re-authenticates before it tries again. *Use a passkey instead* (when the
 * account has one) runs the passkey ceremony here, in the browser, on a
 * challenge from a Server Action, and sends the form with the signed answer
 * (`credential`, in place of the password and code). *Cancel* sends
 * `intent=cancel`, or calls `onCancel`.
 */
export function ReauthFields({
  reason,
  idPrefix,
  methods,
  errors,
  confirmName,
  confirmValue,
  onCancel,
}: {
  /** Why the password is asked, e.g. "To change the address of your account, enter your password again." */
  reason: string;
  /** Unique on the page: the error lists are `${idPrefix}-password-errors` and `${idPrefix}-code-errors`. */
  idPrefix: string;
  /** What the API takes besides the password; the password alone when undefined. */
  methods?: ReauthMethods;
  errors?: { password?: string[]; code?: string[] };
  /** Sent with the form by *Confirm* (and with a passkey's answer), e.g. intent=reauthenticate. */
  confirmName?: string;
  confirmValue?: string;
  /** A client-side Cancel; without it, Cancel submits intent=cancel. */
  onCancel?: () => void;
}) {
  const { pending } = useFormStatus();
  const confirm = useRef<HTMLButtonElement>(null);
  const credential = useRef<HTMLInputElement>(null);
  const [waiting, setWaiting] = useState(false);
  const [ceremonyError, setCeremonyError] = useState<string>();
  const passwordErrorsId = `${idPrefix}-password-errors`;
  const codeErrorsId = `${idPrefix}-code-errors`;
  const codeHintId = `${idPrefix}-code-hint`;
  const code = asksCode(methods);
  const secondFactor = code || !!methods?.passkey;

  // A new answer on its way: the last ceremony's message no longer applies.
  useEffect(() => {
    if (pending) setCeremonyError(undefined);
  }, [pending]);

  /** Sign a fresh challenge with a passkey, then send the form with it, as *Confirm* would. */
  async function confirmWithPasskey(event: React.MouseEvent<HTMLButtonElement>) {
    const form = event.currentTarget.form;
    if (!form) return;
    setCeremonyError(undefined);
    setWaiting(true);
    try {
      const challenge = await passkeySignInOptions();
      if ("error" in challenge) return setCeremonyError(challenge.error);
      const signed = await passkeyGet(challenge.options);
      if ("error" in signed) return setCeremonyError(signed.error);
      const input = credential.current;
      if (!input) return;
      input.value = JSON.stringify(signed.credential);
      // The password field is required for *Confirm*, not with a passkey. The
      // form's data is read while the submit event is dispatched, so both
      // can be put back at once.
      form.noValidate = true;
      try {
        form.requestSubmit(confirm.current);
      } finally {
        form.noValidate = false;
        input.value = "";
      }
    } catch {
      setCeremonyError(UNAVAILABLE);
    } finally {
      setWaiting(false);
    }
  }

  const { intro, codeHint } = reauthWording(methods);

  return (
    <>
      <p className="muted">
        {reason}
        {intro && ` ${intro}`}
      </p>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          aria-invalid={!!errors?.password?.length}
          aria-describedby={errors?.password?.length ? passwordErrorsId : undefined}
        />
      </label>
      <FieldErrors id={passwordErrorsId} errors={errors?.password} />
      {code && (
        <>
          <label className="field">
            <span>Authentication code</span>
            {/* Not `required`: without it, the API says what else it takes (a passkey). */}
            <input
              name="code"
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={32}
              placeholder="123456 or xxxxx-xxxxx"
              aria-invalid={!!errors?.code?.length}
              aria-describedby={[codeHintId, errors?.code?.length ? codeErrorsId : ""].join(" ").trim()}
            />
          </label>
          <p id={codeHintId} className="muted field-hint">
            {codeHint}
          </p>
          <FieldErrors id={codeErrorsId} errors={errors?.code} />
        </>
      )}
      <input ref={credential} type="hidden" name="credential" defaultValue="" />
      <div className="actions">
        {/* First, so that Enter in the password field confirms. */}
        <SubmitButton ref={confirm} name={confirmName} value={confirmValue} pendingText="Checking…">
          {secondFactor ? "Confirm" : "Confirm password"}
        </SubmitButton>
        {methods?.passkey && (
          <button
            type="button"
            className="button secondary"
            disabled={waiting || pending}
            aria-disabled={waiting || pending}
            onClick={confirmWithPasskey}
          >
            {waiting ? "Waiting for your passkey…" : "Use a passkey instead"}
          </button>
        )}
        {onCancel ? (
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : (
          <button type="submit" name="intent" value="cancel" className="button secondary" formNoValidate>
            Cancel
          </button>
        )}
      </div>
      {ceremonyError && (
        <p role="alert" className="alert">
          {ceremonyError}
        </p>
      )}
    </>
  );
}
