"use client";

import { useActionState, useState } from "react";
import { setUpAuthenticatorApp, turnOffAuthenticatorApp, type TotpSetupState } from "@/app/actions/mfa";
import { FieldErrors } from "@/app/components/FieldErrors";
import { ReauthFields } from "@/app/components/ReauthFields";
import { SubmitButton } from "@/app/components/SubmitButton";
import { FactorChangeForm } from "./FactorChangeForm";
import { RecoveryCodes } from "./RecoveryCodes";

const REASON = "To change how you sign in, enter your password again.";

/**
 * The authenticator app: set it up (QR code and secret, a code to confirm,
 * then the recovery codes, once) or turn it off. One component for both, so
 * the recovery codes stay on screen after the page shows the app as on.
 */
export function AuthenticatorApp({ enabled }: { enabled: boolean }) {
  const [state, action] = useActionState<TotpSetupState, FormData>(setUpAuthenticatorApp, { step: "start" });
  const [saved, setSaved] = useState<TotpSetupState>();

  if (state.step === "codes" && state.recoveryCodes && saved !== state) {
    return (
      <div className="stack">
        <p role="status" className="notice">
          The authenticator app is on. Your other sessions were signed out.
        </p>
        <RecoveryCodes codes={state.recoveryCodes} onSaved={() => setSaved(state)} />
      </div>
    );
  }
  if (enabled) {
    return (
      <div className="stack">
        <p>
          <span className="badge">On</span> Signing in asks for a code from your authenticator app after the
          password.
        </p>
        <FactorChangeForm
          action={turnOffAuthenticatorApp}
          label="Turn off"
          pendingText="Turning off…"
          reason={REASON}
          idPrefix="totp-off"
          className="button danger"
        />
      </div>
    );
  }

  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="stack" key={state.step}>
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      {(state.step === "start" || state.step === "codes") && (
        <>
          <p>
            <span className="badge pending">Off</span> An app such as Google Authenticator, Aegis or 1Password
            shows a new 6-digit code every 30 seconds; signing in then asks for one after the password.
          </p>
          <div>
            <SubmitButton name="intent" value="setup" pendingText="Starting…">
              Set up authenticator app
            </SubmitButton>
          </div>
        </>
      )}
      {state.step === "password" && (
        <ReauthFields
          reason={REASON}
          idPrefix="totp-setup"
          methods={state.methods}
          errors={errors}
          confirmName="intent"
          confirmValue="reauthenticate"
        />
      )}
      {state.step === "scan" && state.setup && (
        <>
          <p>Scan this QR code with your authenticator app, then enter the code it shows.</p>
          <div
            className="qr"
            role="img"
            aria-label="QR code for your authenticator app"
            // An SVG that our own API drew (segno) from the otpauth:// URI.
            dangerouslySetInnerHTML={{ __html: state.setup.qrSvg }}
          />
          <p className="muted">
            Cannot scan it? Enter this key in the app instead:{" "}
            <code id="totp-secret" className="secret">
              {state.setup.secret.match(/.{1,4}/g)?.join(" ")}
            </code>
          </p>
          <label className="field">
            <span>Code</span>
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={8}
              required
              autoFocus
              aria-invalid={!!errors.code?.length}
              aria-describedby={errors.code?.length ? "totp-code-errors" : undefined}
            />
          </label>
          <FieldErrors id="totp-code-errors" errors={errors.code} />
          <div className="actions">
            <SubmitButton name="intent" value="confirm" pendingText="Checking…">
              Confirm
            </SubmitButton>
            <button type="submit" name="intent" value="cancel" className="button secondary" formNoValidate>
              Cancel
            </button>
          </div>
        </>
      )}
    </form>
  );
}
