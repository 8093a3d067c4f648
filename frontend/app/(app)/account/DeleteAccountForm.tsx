"use client";

import { useActionState } from "react";
import { deleteAccount, type DeleteAccountState } from "@/app/actions/account";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

/** Password first, then a last warning, then the account is gone and the browser signed out. */
export function DeleteAccountForm() {
  const [state, action] = useActionState<DeleteAccountState, FormData>(deleteAccount, { step: "start" });
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="stack" key={state.step}>
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      {state.step === "start" && (
        <>
          <p className="muted">Deleting the account removes it for good, with all its items and sessions.</p>
          <div>
            <SubmitButton className="button danger" name="intent" value="start">
              Delete account
            </SubmitButton>
          </div>
        </>
      )}
      {state.step === "password" && (
        <>
          <p className="muted">First, enter your password.</p>
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              aria-invalid={!!errors.password?.length}
              aria-describedby={errors.password?.length ? "delete-password-errors" : undefined}
            />
          </label>
          <FieldErrors id="delete-password-errors" errors={errors.password} />
          <div className="actions">
            {/* First, so that Enter in the password field confirms. */}
            <SubmitButton name="intent" value="reauthenticate" pendingText="Checking…">
              Confirm password
            </SubmitButton>
            <button type="submit" name="intent" value="cancel" className="button secondary" formNoValidate>
              Cancel
            </button>
          </div>
        </>
      )}
      {state.step === "confirm" && (
        <>
          <div role="alert" className="warning">
            <strong>This cannot be undone.</strong> Your account, its items and every session are deleted at once,
            and this browser is signed out. Anyone may then take the username.
          </div>
          <div className="actions">
            <SubmitButton name="intent" value="delete" className="button destructive" pendingText="Deleting…">
              Delete my account
            </SubmitButton>
            <button type="submit" name="intent" value="cancel" className="button secondary">
              Cancel
            </button>
          </div>
        </>
      )}
    </form>
  );
}
