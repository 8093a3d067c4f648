"use client";

import { useFormStatus } from "react-dom";

/** A submit button that is disabled while its form's Server Action runs. */
export function SubmitButton({
  children,
  pendingText,
  className = "button",
  name,
  value,
  ref,
}: {
  children: React.ReactNode;
  pendingText?: string;
  className?: string;
  /** Sent with the form when this button submits it (e.g. which step of a form). */
  name?: string;
  value?: string;
  /** The button itself, e.g. to submit the form with it (form.requestSubmit(button)). */
  ref?: React.Ref<HTMLButtonElement>;
}) {
  const { pending } = useFormStatus();
  return (
    <button ref={ref} type="submit" className={className} disabled={pending} aria-disabled={pending} name={name} value={value}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
