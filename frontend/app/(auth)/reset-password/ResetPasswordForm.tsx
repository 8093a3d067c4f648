"use client";

import { useActionState, useState } from "react";
import { resetPassword, type ResetPasswordState } from "@/app/actions/password";
import { passwordMismatch } from "@/app/lib/api-errors";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

/**
 * The uid and token of the link travel as hidden fields to the Server
 * Action, which sends them to the API. The two passwords are compared here
 * before anything is sent (and again by the action).
 */
export function ResetPasswordForm({ uid, token }: { uid: string; token: string }) {
  const [state, action] = useActionState<ResetPasswordState, FormData>(resetPassword, {});
  const [mismatch, setMismatch] = useState<string>();
  const errors = state.fieldErrors ?? {};
  const confirmErrors = mismatch ? [mismatch] : errors.confirm_password;

  function checkMatch(event: React.FormEvent<HTMLFormElement>) {
    const form = new FormData(event.currentTarget);
    const message = passwordMismatch(String(form.get("new_password")), String(form.get("confirm_password")));
    setMismatch(message);
    if (message) event.preventDefault();
  }

  return (
    <form action={action} onSubmit={checkMatch} className="stack">
      <input type="hidden" name="uid" value={uid} />
      <input type="hidden" name="token" value={token} />
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
          {state.linkInvalid && " Ask for a new link below."}
        </p>
      )}
      <label className="field">
        <span>New password</span>
        <input
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!errors.new_password?.length}
          aria-describedby={errors.new_password?.length ? "new-password-errors" : undefined}
        />
      </label>
      <FieldErrors id="new-password-errors" errors={errors.new_password} />
      <label className="field">
        <span>Confirm password</span>
        <input
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!confirmErrors?.length}
          aria-describedby={confirmErrors?.length ? "confirm-password-errors" : undefined}
        />
      </label>
      <FieldErrors id="confirm-password-errors" errors={confirmErrors} />
      <SubmitButton pendingText="Saving…">Set password</SubmitButton>
    </form>
  );
}
