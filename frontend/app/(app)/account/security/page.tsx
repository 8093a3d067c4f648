import type { Metadata } from "next";
import { removePasskey, renewRecoveryCodes } from "@/app/actions/mfa";
import { AppHeader } from "@/app/components/AppHeader";
import { getFactors, getPasskeys, getUser } from "@/app/lib/dal";
import { AddPasskeyForm } from "./AddPasskeyForm";
import { AuthenticatorApp } from "./AuthenticatorApp";
import { FactorChangeForm } from "./FactorChangeForm";

export const metadata: Metadata = { title: "Security" };

const REASON = "To change how you sign in, enter your password again.";

export default async function SecurityPage() {
  const [user, factors, passkeys] = await Promise.all([getUser(), getFactors(), getPasskeys()]);
  const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
  const hasFactor = factors.totp || factors.passkeys > 0;

  return (
    <>
      <AppHeader username={user.username} current="security" />
      <main className="page">
        <section className="card" aria-labelledby="security-heading">
          <h2 id="security-heading">Two-factor sign-in and passkeys</h2>
          <p className="muted">
            {hasFactor
              ? "Signing in with your password also asks for a second factor: a code from your app, a recovery code or a passkey."
              : "Signing in asks only for your password. Add an authenticator app or a passkey to ask for a second factor too."}{" "}
            A passkey also signs you in on its own, without a username or password. Any change here signs out your
            other sessions; this one stays signed in.
          </p>
        </section>

        <section className="card" aria-labelledby="totp-heading">
          <h2 id="totp-heading">Authenticator app</h2>
          <AuthenticatorApp enabled={factors.totp} />
        </section>

        <section className="card" aria-labelledby="codes-heading">
          <h2 id="codes-heading">Recovery codes</h2>
          {hasFactor ? (
            <>
              <p>
                {factors.recovery_codes_left === 1
                  ? "1 recovery code left."
                  : `${factors.recovery_codes_left} recovery codes left.`}{" "}
                <span className="muted">
                  Each signs you in once in place of your app or passkey. New codes replace all the old ones.
                </span>
              </p>
              <FactorChangeForm
                action={renewRecoveryCodes}
                label="New recovery codes"
                pendingText="Creating…"
                reason={REASON}
                idPrefix="codes"
              />
            </>
          ) : (
            <p className="muted">You get recovery codes with your first authenticator app or passkey.</p>
          )}
        </section>

        <section className="card" aria-labelledby="passkeys-heading">
          <h2 id="passkeys-heading">Passkeys</h2>
          {passkeys.length ? (
            <ul className="items" aria-label="Passkeys">
              {passkeys.map((passkey) => (
                <li key={passkey.id} className="item passkey">
                  <div>
                    <div className="item-name">
                      {passkey.name}
                      {passkey.backed_up && <span className="badge">Synced</span>}
                    </div>
                    <div className="item-meta">
                      added {dateFormat.format(new Date(passkey.created_at))} ·{" "}
                      {passkey.last_used_at
                        ? `last used ${dateFormat.format(new Date(passkey.last_used_at))}`
                        : "not used yet"}
                    </div>
                  </div>
                  <FactorChangeForm
                    action={removePasskey.bind(null, passkey.id)}
                    label="Remove"
                    pendingText="Removing…"
                    reason={REASON}
                    idPrefix={`passkey-${passkey.id}`}
                    className="button danger small"
                  />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No passkeys yet.</p>
          )}
          <AddPasskeyForm />
        </section>
      </main>
    </>
  );
}
