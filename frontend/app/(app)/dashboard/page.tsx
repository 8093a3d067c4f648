import type { Metadata } from "next";
import Link from "next/link";
import { deleteItem } from "@/app/actions/items";
import { AppHeader } from "@/app/components/AppHeader";
import { SubmitButton } from "@/app/components/SubmitButton";
import { getItems, getUser } from "@/app/lib/dal";
import { ItemForm } from "./ItemForm";
import { VerifyEmailBanner } from "./VerifyEmailBanner";

export const metadata: Metadata = { title: "Dashboard" };

function pageHref(cursor: string | undefined, pageSize: number | undefined): string {
  const query = new URLSearchParams();
  if (cursor) query.set("cursor", cursor);
  if (pageSize) query.set("page_size", String(pageSize));
  const qs = query.toString();
  return qs ? `/dashboard?${qs}` : "/dashboard";
}

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<{ cursor?: string; page_size?: string }>;
}) {
  const params = await searchParams;
  const pageSize = Number.parseInt(params.page_size ?? "", 10) || undefined;
  const [user, page] = await Promise.all([getUser(), getItems(params.cursor, pageSize)]);
  const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

  return (
    <>
      <AppHeader username={user.username} current="dashboard" />
      <main className="page">
        {user.email && !user.email_verified && <VerifyEmailBanner email={user.email} />}
        <section className="card">
          <h2>New item</h2>
          <ItemForm />
        </section>

        <section className="card">
          <h2>Your items</h2>
          {page.items.length === 0 ? (
            <p className="muted">{params.cursor ? "No more items." : "No items yet. Add your first one above."}</p>
          ) : (
            <ul className="items" aria-label="Items">
              {page.items.map((item) => (
                <li key={item.id} className="item">
                  <div>
                    <div className="item-name">{item.name}</div>
                    {item.description && <div className="item-description">{item.description}</div>}
                    <div className="item-meta">
                      Added <time dateTime={item.created_at}>{dateFormat.format(new Date(item.created_at))}</time>
                    </div>
                  </div>
                  <form action={deleteItem.bind(null, item.id)}>
                    <SubmitButton className="button danger small" pendingText="Deleting…">
                      Delete
                    </SubmitButton>
                  </form>
                </li>
              ))}
            </ul>
          )}
          {(page.previousCursor !== undefined || page.nextCursor) && (
            <nav className="pager" aria-label="Pagination">
              {page.previousCursor !== undefined ? (
                <Link href={pageHref(page.previousCursor, pageSize)} prefetch={false}>← Previous page</Link>
              ) : (
                <span />
              )}
              {page.nextCursor && (
                <Link href={pageHref(page.nextCursor, pageSize)} rel="next" prefetch={false}>
                  Next page →
                </Link>
              )}
            </nav>
          )}
        </section>
      </main>
    </>
  );
}
