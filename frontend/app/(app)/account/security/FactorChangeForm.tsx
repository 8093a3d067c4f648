"use client";

import { useActionState, useState } from "react";
import type { FactorChangeState } from "@/app/actions/mfa";
import { ReauthFields } from "@/app/components/ReauthFields";
import { SubmitButton } from "@/app/components/SubmitButton";
import { RecoveryCodes } from "./RecoveryCodes";

/**
 * One button that changes a sign-in factor (Turn off, New recovery codes,
 * Remove): when the API wants the password again, the form asks for it and
 * sends the same change with it. New recovery codes are shown once.
 */
export function FactorChangeForm({
  action,
  label,
  pendingText,
  reason,
  errorsId,
  className = "button secondary",
}: {
  action: (state: FactorChangeState, formData: FormData) => Promise<FactorChangeState>;
  label: string;
  pendingText: string;
  /** Why the password is asked. */
  reason: string;
  /** The id of the password's errors, unique on the page. */
  errorsId: string;
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
        <ReauthFields reason={reason} errorsId={errorsId} errors={state.fieldErrors?.password} />
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
