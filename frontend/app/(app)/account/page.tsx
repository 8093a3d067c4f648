import type { Metadata } from "next";
import { revokeSession, signOutEverywhere } from "@/app/actions/auth";
import { AppHeader } from "@/app/components/AppHeader";
import { SubmitButton } from "@/app/components/SubmitButton";
import { getSessions, getUser } from "@/app/lib/dal";

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
  const [user, sessions] = await Promise.all([getUser(), getSessions()]);
  const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

  return (
    <>
      <AppHeader username={user.username} current="account" />
      <main className="page">
        <section className="card">
          <h2>Account</h2>
          <dl className="facts">
            <dt>Username</dt>
            <dd>{user.username}</dd>
            <dt>Email</dt>
            <dd>{user.email || <span className="muted">none</span>}</dd>
            <dt>Member since</dt>
            <dd>{dateFormat.format(new Date(user.date_joined))}</dd>
          </dl>
        </section>

        <section className="card">
          <div className="card-head">
            <h2>Sessions</h2>
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
      </main>
    </>
  );
}
