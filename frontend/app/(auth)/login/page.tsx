import type { Metadata } from "next";
import Link from "next/link";
import { safeNext } from "@/app/lib/safe-next";
import { LoginForm } from "./LoginForm";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; registered?: string; ended?: string; reset?: string }>;
}) {
  const { next, registered, ended, reset } = await searchParams;
  return (
    <main className="auth">
      <div className="card">
        <h1>Sign in</h1>
        {reset !== undefined && (
          <p role="status" className="notice">
            Your password was changed. Sign in with the new one.
          </p>
        )}
        {ended !== undefined && !registered && reset === undefined && (
          <p role="status" className="notice">
            Your session has ended. Please sign in again.
          </p>
        )}
        {registered && (
          <p role="status" className="notice">
            Account created. Sign in as <strong>{registered}</strong>.
          </p>
        )}
        <LoginForm next={safeNext(next)} username={registered} />
        <p className="muted links">
          <Link href="/forgot-password">Forgot password?</Link>
          <span>
            No account yet? <Link href="/register">Create one</Link>
          </span>
        </p>
      </div>
    </main>
  );
}
