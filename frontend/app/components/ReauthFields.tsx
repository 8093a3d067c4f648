"use client";

import { FieldErrors } from "./FieldErrors";
import { SubmitButton } from "./SubmitButton";

/**
 * The password prompt of a form whose action the API refused with 403
 * `reauthentication_required` (the session proved its password more than the
 * API's REAUTH_SECONDS ago): **Password**, then *Confirm password* sends the
 * form again with it, and the action re-authenticates (app/lib/reauth.ts)
 * before it tries again. *Cancel* sends `intent=cancel`, or calls `onCancel`.
 * Used by every form that changes the account's email, existence or sign-in factors.
 */
export function ReauthFields({
  reason,
  errorsId,
  errors,
  confirmName,
  confirmValue,
  onCancel,
}: {
  /** Why the password is asked, e.g. "To change the address of your account, enter your password again." */
  reason: string;
  /** The id of the password's error list (unique on the page). */
  errorsId: string;
  errors?: string[];
  /** Sent with the form by *Confirm password*, e.g. intent=reauthenticate. */
  confirmName?: string;
  confirmValue?: string;
  /** A client-side Cancel; without it, Cancel submits intent=cancel. */
  onCancel?: () => void;
}) {
  return (
    <>
      <p className="muted">{reason}</p>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          aria-invalid={!!errors?.length}
          aria-describedby={errors?.length ? errorsId : undefined}
        />
      </label>
      <FieldErrors id={errorsId} errors={errors} />
      <div className="actions">
        {/* First, so that Enter in the password field confirms. */}
        <SubmitButton name={confirmName} value={confirmValue} pendingText="Checking…">
          Confirm password
        </SubmitButton>
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
    </>
  );
}
