"use client";

import { useActionState } from "react";
import { login, type LoginState } from "@/app/actions/auth";
import { SubmitButton } from "@/app/components/SubmitButton";

export function LoginForm({ next, username }: { next: string; username?: string }) {
  const [state, action] = useActionState<LoginState, FormData>(login, { username });
  return (
    <form action={action} className="stack">
      <input type="hidden" name="next" value={next} />
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
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
  );
}
