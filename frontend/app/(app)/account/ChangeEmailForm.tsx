"use client";

import { useActionState } from "react";
import { changeEmail, type ChangeEmailState } from "@/app/actions/email";
import { FieldErrors } from "@/app/components/FieldErrors";
import { ReauthFields } from "@/app/components/ReauthFields";
import { SubmitButton } from "@/app/components/SubmitButton";

/**
 * New address first; when the API wants the password again, the same form
 * shows the prompt (the address stays as typed) and the action
 * re-authenticates, then asks again.
 */
export function ChangeEmailForm() {
  const [state, action] = useActionState<ChangeEmailState, FormData>(changeEmail, {});
  const errors = state.fieldErrors ?? {};
  const asking = !!state.needsPassword;
  return (
    <form action={action} className="stack" key={state.sent ? `sent-${state.newEmail}` : "form"}>
      {state.sent && (
        <p role="status" className="notice">
          {state.sent} The link went to <strong>{state.newEmail}</strong>; until it is opened, nothing changes.
        </p>
      )}
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <label className="field">
        <span>New email</span>
        <input
          name="new_email"
          type="email"
          autoComplete="email"
          required
          readOnly={asking}
          defaultValue={state.sent ? "" : state.newEmail}
          aria-invalid={!!errors.new_email?.length}
          aria-describedby={errors.new_email?.length ? "new-email-errors" : undefined}
        />
      </label>
      <FieldErrors id="new-email-errors" errors={errors.new_email} />
      {asking ? (
        <ReauthFields
          reason="To change the address of your account, enter your password again."
          idPrefix="email"
          methods={state.methods}
          errors={errors}
        />
      ) : (
        <div>
          <SubmitButton pendingText="Sending…">Change email</SubmitButton>
        </div>
      )}
    </form>
  );
}
