"use client";

import { useFormStatus } from "react-dom";

/** A submit button that is disabled while its form's Server Action runs. */
export function SubmitButton({
  children,
  pendingText,
  className = "button",
}: {
  children: React.ReactNode;
  pendingText?: string;
  className?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
