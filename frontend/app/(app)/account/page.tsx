import type { Metadata } from "next";
import Link from "next/link";
import { revokeSession, signOutEverywhere } from "@/app/actions/auth";
import { AppHeader } from "@/app/components/AppHeader";
import { SubmitButton } from "@/app/components/SubmitButton";
import { getFactors, getSessions, getUser } from "@/app/lib/dal";
import { ChangeEmailForm } from "./ChangeEmailForm";
import { ChangePasswordForm } from "./ChangePasswordForm";
import { DeleteAccountForm } from "./DeleteAccountForm";
import { ProfileForm } from "./ProfileForm";

export const metadata: Metadata = { title: "Account" };

/** A short, readable name for a User-Agent string. */
function deviceName(userAgent: string): string {
  if (!userAgent) return "Unknown device";
  const browser =
    /Edg\//.test(userAgent) ? "Edge"
    : /Chrome\//.test(userAgent) ? (/HeadlessChrome/.test(userAgent) ? "Headless Chrome" : "Chrome")
    : /Firefox\//.test(userAgent) ? "Firefox"
    : /Safari\//.test(userAgent) ? "Safari"
    : /node|undici/i.test(userAgent) ? "Server"
    : userAgent.split(/[ /]/)[0];
  const os =
    /Windows/.test(userAgent) ? "Windows"
    : /Mac OS X/.test(userAgent) ? "macOS"
    : /Android/.test(userAgent) ? "Android"
    : /iPhone|iPad/.test(userAgent) ? "iOS"
    : /Linux/.test(userAgent) ? "Linux"
    : "";
  return os ? `${browser} on ${os}` : browser;
}

export default async function AccountPage() {
  const [user, sessions, factors] = await Promise.all([getUser(), getSessions(), getFactors()]);
  const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
  const fullName = [user.first_name, user.last_name].filter(Boolean).join(" ");

  return (
    <>
      <AppHeader username={user.username} current="account" />
      <main className="page">
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">Account</h2>
          <dl className="facts">
            <dt>Username</dt>
            <dd>{user.username}</dd>
            <dt>Name</dt>
            <dd>{fullName || <span className="muted">not given</span>}</dd>
            <dt>Email</dt>
            <dd>
              {user.email ? (
                <>
                  {user.email}
                  {user.email_verified ? (
                    <span className="badge">Verified</span>
                  ) : (
                    <span className="badge pending">Not verified</span>
                  )}
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
            <dt>Member since</dt>
            <dd>{dateFormat.format(new Date(user.date_joined))}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <ProfileForm firstName={user.first_name ?? ""} lastName={user.last_name ?? ""} />
        </section>

        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <ChangePasswordForm />
        </section>

        <section className="card" aria-labelledby="two-factor-heading">
          <h2 id="two-factor-heading">Two-factor sign-in</h2>
          <p>
            {factors.totp || factors.passkeys ? (
              <>
                <span className="badge">On</span>{" "}
                {[factors.totp && "authenticator app", factors.passkeys && `${factors.passkeys} passkey${factors.passkeys === 1 ? "" : "s"}`]
                  .filter(Boolean)
                  .join(", ")}
                ; {factors.recovery_codes_left} recovery codes left.
              </>
            ) : (
              <>
                <span className="badge pending">Off</span> Only your password protects this account.
              </>
            )}
          </p>
          <p>
            <Link href="/account/security" prefetch={false}>
              Manage two-factor sign-in and passkeys
            </Link>
          </p>
        </section>

        <section className="card" aria-labelledby="email-heading">
          <h2 id="email-heading">Change email</h2>
          <p className="muted">
            A link goes to the new address; the change happens when it is opened there, and the current address is
            told.
          </p>
          <ChangeEmailForm />
        </section>

        <section className="card" aria-labelledby="sessions-heading">
          <div className="card-head">
            <h2 id="sessions-heading">Sessions</h2>
            <form action={signOutEverywhere}>
              <SubmitButton className="button danger small" pendingText="Signing out…">
                Sign out everywhere
              </SubmitButton>
            </form>
          </div>
          <ul className="items" aria-label="Sessions">
            {sessions.map((session) => (
              <li key={session.id} className="item session">
                <div>
                  <div className="item-name">
                    {deviceName(session.user_agent)}
                    {session.current && <span className="badge">This device</span>}
                  </div>
                  <div className="item-meta">
                    {session.ip_address ?? "unknown address"} · signed in{" "}
                    {dateFormat.format(new Date(session.created_at))} · last used{" "}
                    {dateFormat.format(new Date(session.last_used_at))}
                  </div>
                </div>
                {!session.current && (
                  <form action={revokeSession.bind(null, session.id)}>
                    <SubmitButton className="button secondary small" pendingText="Ending…">
                      End session
                    </SubmitButton>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </section>

        <section className="card danger-zone" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete account</h2>
          <DeleteAccountForm />
        </section>
      </main>
    </>
  );
}
