import type { Metadata } from "next";
import Link from "next/link";
import { ForgotPasswordForm } from "./ForgotPasswordForm";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <main className="auth">
      <div className="card">
        <h1>Forgot password</h1>
        <p className="muted">Enter the email address of your account: a link to set a new password will be mailed to it.</p>
        <ForgotPasswordForm />
        <p className="muted">
          <Link href="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
