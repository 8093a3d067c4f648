"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { changePassword, type ChangePasswordState } from "@/app/actions/password";
import { passwordMismatch } from "@/app/lib/api-errors";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

export function ChangePasswordForm() {
  const [state, action] = useActionState<ChangePasswordState, FormData>(changePassword, {});
  const [mismatch, setMismatch] = useState<string>();
  const errors = state.fieldErrors ?? {};
  const confirmErrors = mismatch ? [mismatch] : errors.confirm_password;
  /** aria-invalid and aria-describedby of a field with these messages. */
  const described = (id: string, messages?: string[]) => ({
    "aria-invalid": !!messages?.length,
    "aria-describedby": messages?.length ? id : undefined,
  });

  function checkMatch(event: React.FormEvent<HTMLFormElement>) {
    const form = new FormData(event.currentTarget);
    const message = passwordMismatch(String(form.get("new_password")), String(form.get("confirm_password")));
    setMismatch(message);
    if (message) event.preventDefault();
  }

  return (
    <form action={action} onSubmit={checkMatch} className="stack" key={state.ok ?? 0}>
      {state.ok && (
        <p role="status" className="notice">
          Password changed. Every other session was signed out; this one stays signed in.
        </p>
      )}
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <label className="field">
        <span>Current password</span>
        <input name="old_password" type="password" autoComplete="current-password" required {...described("old-password-errors", errors.old_password)} />
      </label>
      <FieldErrors id="old-password-errors" errors={errors.old_password} />
      <label className="field">
        <span>New password</span>
        <input name="new_password" type="password" autoComplete="new-password" required {...described("new-password-errors", errors.new_password)} />
      </label>
      <FieldErrors id="new-password-errors" errors={errors.new_password} />
      <label className="field">
        <span>Confirm new password</span>
        <input name="confirm_password" type="password" autoComplete="new-password" required {...described("confirm-password-errors", confirmErrors)} />
      </label>
      <FieldErrors id="confirm-password-errors" errors={confirmErrors} />
      <div className="actions">
        <SubmitButton pendingText="Changing…">Change password</SubmitButton>
        <Link href="/forgot-password" className="muted">
          Forgot it?
        </Link>
      </div>
    </form>
  );
}
