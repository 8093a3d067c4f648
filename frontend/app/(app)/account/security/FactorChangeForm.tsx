"use client";

import { useActionState, useState } from "react";
import type { FactorChangeState } from "@/app/actions/mfa";
import { ReauthFields } from "@/app/components/ReauthFields";
import { SubmitButton } from "@/app/components/SubmitButton";
import { RecoveryCodes } from "./RecoveryCodes";

/**
 * One button that changes a sign-in factor (Turn off, New recovery codes,
 * Remove): when the API wants the password again, the form shows the prompt
 * (with two-factor sign-in on, the password and a code, or a passkey) and
 * sends the same change with its answer. New recovery codes are shown once.
 */
export function FactorChangeForm({
  action,
  label,
  pendingText,
  reason,
  idPrefix,
  className = "button secondary",
}: {
  action: (state: FactorChangeState, formData: FormData) => Promise<FactorChangeState>;
  label: string;
  pendingText: string;
  /** Why the password is asked. */
  reason: string;
  /** The prompt's ids start with it: unique on the page. */
  idPrefix: string;
  className?: string;
}) {
  const [state, dispatch] = useActionState<FactorChangeState, FormData>(action, {});
  const [saved, setSaved] = useState<number>();

  if (state.recoveryCodes && state.doneAt !== saved) {
    return <RecoveryCodes codes={state.recoveryCodes} onSaved={() => setSaved(state.doneAt)} />;
  }
  return (
    <form action={dispatch} className="stack factor-change">
      {state.error && (
        <p role="alert" className="alert">
          {state.error}
        </p>
      )}
      {state.needsPassword ? (
        <ReauthFields reason={reason} idPrefix={idPrefix} methods={state.methods} errors={state.fieldErrors} />
      ) : (
        <div>
          <SubmitButton className={className} pendingText={pendingText}>
            {label}
          </SubmitButton>
        </div>
      )}
    </form>
  );
}
