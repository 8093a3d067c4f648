"use client";

import { useActionState } from "react";
import { requestPasswordReset, type ForgotPasswordState } from "@/app/actions/password";
import { RESET_SENT } from "@/app/lib/api-errors";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

export function ForgotPasswordForm() {
  const [state, action] = useActionState<ForgotPasswordState, FormData>(requestPasswordReset, {});
  const errors = state.fieldErrors?.email;
  return (
    <form action={action} className="stack">
      {state.sent && (
        <p role="status" className="notice">
          {RESET_SENT}
        </p>
      )}
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <label className="field">
        <span>Email</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.email}
          aria-invalid={!!errors?.length}
          aria-describedby={errors?.length ? "email-errors" : undefined}
        />
      </label>
      <FieldErrors id="email-errors" errors={errors} />
      <SubmitButton pendingText="Sending…">Send reset link</SubmitButton>
    </form>
  );
}
