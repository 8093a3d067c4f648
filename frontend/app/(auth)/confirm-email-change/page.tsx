import type { Metadata } from "next";
import { confirmEmailChange } from "@/app/actions/email";
import { EmailLinkCheck } from "@/app/components/EmailLinkCheck";
import { LINK_INVALID } from "@/app/lib/api-errors";
import { getTokens } from "@/app/lib/session";

// The URL carries the key: send it to no other site as a Referer.
export const metadata: Metadata = { title: "Confirm new email", referrer: "no-referrer" };

export default async function ConfirmEmailChangePage({
  searchParams,
}: {
  searchParams: Promise<{ key?: string | string[] }>;
}) {
  const { key } = await searchParams;
  const signedIn = !!(await getTokens()).refresh;
  const next = signedIn ? { href: "/account", label: "Go to your account" } : { href: "/login", label: "Sign in" };
  return (
    <main className="auth">
      <div className="card">
        {typeof key === "string" && key ? (
          <EmailLinkCheck
            keyValue={key}
            check={confirmEmailChange}
            next={next}
            texts={{
              pending: "Changing your email…",
              ok: "Email changed",
              okDetail:
                "Your account now uses this address. Only the session that asked for the change is still signed in, and the old address was sent a notice.",
              failed: "Email not changed",
            }}
          />
        ) : (
          <>
            <h1>Email not changed</h1>
            <p role="alert" className="alert">
              {LINK_INVALID}
            </p>
          </>
        )}
      </div>
    </main>
  );
}
