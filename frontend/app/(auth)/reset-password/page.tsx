import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "./ResetPasswordForm";

// The URL carries the reset token: send it to no other site as a Referer.
export const metadata: Metadata = { title: "Set a new password", referrer: "no-referrer" };

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ uid?: string | string[]; token?: string | string[] }>;
}) {
  const { uid, token } = await searchParams;
  const complete = typeof uid === "string" && uid && typeof token === "string" && token;
  return (
    <main className="auth">
      <div className="card">
        <h1>Set a new password</h1>
        {complete ? (
          <ResetPasswordForm uid={uid} token={token} />
        ) : (
          <p role="alert" className="alert">
            This reset link is incomplete. Open the link from the email again, or ask for a new one.
          </p>
        )}
        <p className="muted links">
          <Link href="/forgot-password">Ask for a new link</Link>
          <Link href="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
