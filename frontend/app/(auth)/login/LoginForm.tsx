"use client";

import { useActionState, useState, useTransition } from "react";
import { login, passkeySignInOptions, type LoginState } from "@/app/actions/auth";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";
import { passkeyGet } from "@/app/lib/webauthn";

/**
 * Sign in: username and password, then, for an account with a second
 * factor, its code or passkey; or a passkey alone, without a username.
 *
 * Every outcome goes through the `login` Server Action, so one state holds
 * the step and its messages. A passkey's ceremony runs here, in the browser,
 * between two calls to the server: the challenge comes from
 * passkeySignInOptions(), the signed answer goes to `login` as JSON.
 */
export function LoginForm({ next, username }: { next: string; username?: string }) {
  const [state, action] = useActionState<LoginState, FormData>(login, { username });
  /** What the browser's passkey ceremony said; cleared whenever the form is sent again. */
  const [ceremonyError, setCeremonyError] = useState<string>();
  const [asking, setAsking] = useState(false);
  /** True while `login` checks the passkey's answer (until the redirect, on success). */
  const [checking, startTransition] = useTransition();
  const busy = asking || checking;

  /** Get a passkey's signature of a fresh challenge and send it with `fields` to `login`. */
  async function passkeyStep(fields: Record<string, string>) {
    setCeremonyError(undefined);
    setAsking(true);
    try {
      const challenge = await passkeySignInOptions();
      if ("error" in challenge) return setCeremonyError(challenge.error);
      const signed = await passkeyGet(challenge.options);
      if ("error" in signed) return setCeremonyError(signed.error);
      const formData = new FormData();
      for (const [name, value] of Object.entries({ ...fields, next, credential: JSON.stringify(signed.credential) })) {
        formData.set(name, value);
      }
      startTransition(() => action(formData));
    } catch {
      setCeremonyError("The server is not reachable right now. Please try again in a moment.");
    } finally {
      setAsking(false);
    }
  }

  const error = ceremonyError ?? state.error;
  const alert = error && (
    <p role="alert" className="alert">
      {error}
    </p>
  );

  if (state.secondFactor) {
    return (
      <SecondFactorStep
        // A new step (another password sign-in) starts with the app's code again.
        key={state.username}
        state={state}
        action={action}
        next={next}
        alert={alert}
        busy={busy}
        onSubmit={() => setCeremonyError(undefined)}
        onPasskey={() => passkeyStep({ intent: "verify" })}
      />
    );
  }

  return (
    <>
      <form action={action} onSubmit={() => setCeremonyError(undefined)} className="stack">
        <input type="hidden" name="next" value={next} />
        {alert}
        <label className="field">
          <span>Username</span>
          <input name="username" autoComplete="username" required defaultValue={state.username} />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
      </form>
      <div className="or" aria-hidden="true">
        or
      </div>
      <div className="stack">
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          aria-disabled={busy}
          onClick={() => passkeyStep({ intent: "passkey" })}
        >
          {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
        </button>
      </div>
    </>
  );
}

function SecondFactorStep({
  state,
  action,
  next,
  alert,
  busy,
  onSubmit,
  onPasskey,
}: {
  state: LoginState;
  action: (formData: FormData) => void;
  next: string;
  alert: React.ReactNode;
  busy: boolean;
  onSubmit: () => void;
  onPasskey: () => void;
}) {
  const methods = state.secondFactor?.methods ?? [];
  const hasApp = methods.includes("totp");
  const hasCodes = methods.includes("recovery_code");
  const hasPasskey = methods.includes("webauthn");
  // Without an authenticator app, the field takes a recovery code.
  const [recovery, setRecovery] = useState(!hasApp);
  const errors = state.secondFactor?.codeErrors;

  return (
    <form action={action} onSubmit={onSubmit} className="stack">
      <input type="hidden" name="next" value={next} />
      <p className="muted">
        Signing in as <strong>{state.username}</strong>.{" "}
        {recovery
          ? "Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each works once."
          : "Enter the 6-digit code that your authenticator app shows now."}
      </p>
      {alert}
      {(hasApp || hasCodes) && (
        <>
          <label className="field" key={recovery ? "recovery" : "app"}>
            <span>{recovery ? "Recovery code" : "Authentication code"}</span>
            {recovery ? (
              <input
                name="code"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
                placeholder="xxxxx-xxxxx"
                aria-invalid={!!errors?.length}
                aria-describedby={errors?.length ? "code-errors" : undefined}
              />
            ) : (
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={8}
                required
                autoFocus
                aria-invalid={!!errors?.length}
                aria-describedby={errors?.length ? "code-errors" : undefined}
              />
            )}
          </label>
          <FieldErrors id="code-errors" errors={errors} />
          {/* The first submit button: Enter in the field verifies. */}
          <SubmitButton name="intent" value="verify" pendingText="Checking…">
            Verify
          </SubmitButton>
        </>
      )}
      <div className="actions">
        {hasApp && hasCodes && (
          <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
            {recovery ? "Use your authenticator app" : "Use a recovery code"}
          </button>
        )}
        {hasPasskey && (
          <button type="button" className="link-button" disabled={busy} onClick={onPasskey}>
            {busy ? "Waiting for your passkey…" : "Use a passkey"}
          </button>
        )}
        <button type="submit" name="intent" value="restart" className="link-button" formNoValidate>
          Start over
        </button>
      </div>
    </form>
  );
}
