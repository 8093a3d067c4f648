"use client";

import { useActionState } from "react";
import { deleteAccount, type DeleteAccountState } from "@/app/actions/account";
import { ReauthFields } from "@/app/components/ReauthFields";
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
        <ReauthFields
          reason="First, enter your password."
          idPrefix="delete"
          methods={state.methods}
          errors={errors}
          confirmName="intent"
          confirmValue="reauthenticate"
        />
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
