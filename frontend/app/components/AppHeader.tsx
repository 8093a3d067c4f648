import Link from "next/link";
import { signOut } from "@/app/actions/auth";
import { SubmitButton } from "./SubmitButton";

export function AppHeader({ username, current }: { username: string; current: "dashboard" | "account" | "security" }) {
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link href="/dashboard" className="brand" prefetch={false}>
          Items
        </Link>
        <nav aria-label="Main">
          <Link href="/dashboard" prefetch={false} aria-current={current === "dashboard" ? "page" : undefined}>
            Dashboard
          </Link>
          <Link href="/account" prefetch={false} aria-current={current === "account" ? "page" : undefined}>
            Account
          </Link>
          <Link href="/account/security" prefetch={false} aria-current={current === "security" ? "page" : undefined}>
            Security
          </Link>
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{username}</strong>
          </span>
          <form action={signOut}>
            <SubmitButton className="button secondary small">Sign out</SubmitButton>
          </form>
        </div>
      </div>
    </header>
  );
}
