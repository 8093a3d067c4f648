import type { Metadata } from "next";
import { verifyEmail } from "@/app/actions/email";
import { EmailLinkCheck } from "@/app/components/EmailLinkCheck";
import { LINK_INVALID } from "@/app/lib/api-errors";
import { getTokens } from "@/app/lib/session";

// The URL carries the key: send it to no other site as a Referer.
export const metadata: Metadata = { title: "Verify email", referrer: "no-referrer" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ key?: string | string[] }> }) {
  const { key } = await searchParams;
  const signedIn = !!(await getTokens()).refresh;
  const next = signedIn ? { href: "/dashboard", label: "Go to the dashboard" } : { href: "/login", label: "Sign in" };
  return (
    <main className="auth">
      <div className="card">
        {typeof key === "string" && key ? (
          <EmailLinkCheck
            keyValue={key}
            check={verifyEmail}
            next={next}
            texts={{
              pending: "Verifying your email…",
              ok: "Email verified",
              okDetail: "Thank you: your email address is confirmed.",
              failed: "Email not verified",
            }}
          />
        ) : (
          <>
            <h1>Email not verified</h1>
            <p role="alert" className="alert">
              {LINK_INVALID}
            </p>
          </>
        )}
      </div>
    </main>
  );
}
