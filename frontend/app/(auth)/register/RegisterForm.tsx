"use client";

import { useActionState } from "react";
import { register, type RegisterState } from "@/app/actions/auth";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

export function RegisterForm() {
  const [state, action] = useActionState<RegisterState, FormData>(register, {});
  const errors = state.fieldErrors ?? {};
  const described = (field: keyof typeof errors) => (errors[field]?.length ? `${field}-errors` : undefined);
  return (
    <form action={action} className="stack">
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <label className="field">
        <span>Username</span>
        <input
          name="username"
          autoComplete="username"
          required
          defaultValue={state.values?.username}
          aria-invalid={!!errors.username?.length}
          aria-describedby={described("username")}
        />
      </label>
      <FieldErrors id="username-errors" errors={errors.username} />
      <label className="field">
        <span>Email</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={state.values?.email}
          aria-invalid={!!errors.email?.length}
          aria-describedby={described("email")}
        />
      </label>
      <FieldErrors id="email-errors" errors={errors.email} />
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!errors.password?.length}
          aria-describedby={described("password")}
        />
      </label>
      <FieldErrors id="password-errors" errors={errors.password} />
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
    </form>
  );
}
