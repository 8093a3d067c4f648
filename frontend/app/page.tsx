import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTokens } from "@/app/lib/session";

export const metadata: Metadata = { title: "Welcome" };

/** Signed in: the dashboard. Otherwise a front door (and the notice after an account was deleted). */
export default async function Home({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  if ((await getTokens()).refresh) redirect("/dashboard");
  const { deleted } = await searchParams;
  return (
    <main className="auth">
      <div className="card">
        <h1>Items</h1>
        {deleted !== undefined && (
          <p role="status" className="notice">
            Your account was deleted, and you are signed out.
          </p>
        )}
        <p className="muted">Keep a list of items, from any device.</p>
        <p className="actions">
          <Link href="/login" className="button">
            Sign in
          </Link>
          <Link href="/register" className="button secondary">
            Create account
          </Link>
        </p>
      </div>
    </main>
  );
}
