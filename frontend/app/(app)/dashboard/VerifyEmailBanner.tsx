"use client";

import { useActionState } from "react";
import { resendVerification, type ResendState } from "@/app/actions/email";
import { SubmitButton } from "@/app/components/SubmitButton";

/** Shown while the user's address is not verified: what to do, and a new link on request. */
export function VerifyEmailBanner({ email }: { email: string }) {
  const [state, action] = useActionState<ResendState>(resendVerification, {});
  return (
    <section className="banner" aria-labelledby="verify-heading">
      <div>
        <h2 id="verify-heading">Verify your email address</h2>
        <p>
          Open the link mailed to <strong>{email}</strong> to confirm that the address is yours.
        </p>
        {state.message && (
          <p role="status" className="banner-result">
            {state.message}
          </p>
        )}
        {state.error && (
          <p role="alert" className="alert">
            {state.error}
          </p>
        )}
      </div>
      <form action={action}>
        <SubmitButton className="button secondary small" pendingText="Sending…">
          Resend verification email
        </SubmitButton>
      </form>
    </section>
  );
}
