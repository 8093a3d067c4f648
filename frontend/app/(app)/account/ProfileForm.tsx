"use client";

import { useActionState } from "react";
import { updateProfile, type ProfileState } from "@/app/actions/account";
import { FieldErrors } from "@/app/components/FieldErrors";
import { SubmitButton } from "@/app/components/SubmitButton";

export function ProfileForm({ firstName, lastName }: { firstName: string; lastName: string }) {
  const [state, action] = useActionState<ProfileState, FormData>(updateProfile, {});
  const errors = state.fieldErrors ?? {};
  return (
    // A new key after each save shows the saved values (the page is rendered again).
    <form action={action} className="stack" key={state.ok ?? 0}>
      {state.ok && (
        <p role="status" className="notice">
          Profile saved.
        </p>
      )}
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      <div className="row">
        <div className="stack">
          <label className="field">
            <span>First name</span>
            <input
              name="first_name"
              autoComplete="given-name"
              maxLength={150}
              defaultValue={firstName}
              aria-invalid={!!errors.first_name?.length}
              aria-describedby={errors.first_name?.length ? "first-name-errors" : undefined}
            />
          </label>
          <FieldErrors id="first-name-errors" errors={errors.first_name} />
        </div>
        <div className="stack">
          <label className="field">
            <span>Last name</span>
            <input
              name="last_name"
              autoComplete="family-name"
              maxLength={150}
              defaultValue={lastName}
              aria-invalid={!!errors.last_name?.length}
              aria-describedby={errors.last_name?.length ? "last-name-errors" : undefined}
            />
          </label>
          <FieldErrors id="last-name-errors" errors={errors.last_name} />
        </div>
      </div>
      <div>
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </form>
  );
}
