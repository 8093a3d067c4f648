import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { renderCall } from "./api";
import { safeNext } from "./safe-next";
import { getTokens } from "./session";

/** The real session check for Server Components: there must be a session cookie. */
export const verifySession = cache(async () => {
  const { refresh } = await getTokens();
  if (!refresh) {
    const next = safeNext((await headers()).get("x-next-url"));
    redirect(`/login?next=${encodeURIComponent(next)}`);
  }
  return { isAuth: true as const };
});

/** The signed-in user, as the API knows them (verifies the token with Django). */
export const getUser = cache(async () => {
  await verifySession();
  const { data } = await renderCall((api) => api.GET("/api/users/me/"));
  if (!data) throw new Error("Could not load the current user.");
  return data;
});

/** One page of the user's items, following the API's cursor pagination. */
export const getItems = cache(async (cursor?: string, pageSize?: number) => {
  await verifySession();
  const { data } = await renderCall((api) =>
    api.GET("/api/items/", { params: { query: { cursor, page_size: pageSize } } }),
  );
  if (!data) throw new Error("Could not load your items.");
  return {
    items: data.results,
    nextCursor: cursorOf(data.next),
    // The first page's link has no cursor: "" then means "first page".
    previousCursor: data.previous ? (cursorOf(data.previous) ?? "") : undefined,
  };
});

/** The user's sessions (devices). */
export const getSessions = cache(async () => {
  await verifySession();
  const { data } = await renderCall((api) => api.GET("/api/auth/sessions/"));
  if (!data) throw new Error("Could not load your sessions.");
  return data;
});

/** Which sign-in factors the user has on (never a secret or a code). */
export const getFactors = cache(async () => {
  await verifySession();
  const { data } = await renderCall((api) => api.GET("/api/auth/mfa/"));
  if (!data) throw new Error("Could not load your sign-in factors.");
  return data;
});

/** The user's passkeys, oldest first. */
export const getPasskeys = cache(async () => {
  await verifySession();
  const { data } = await renderCall((api) => api.GET("/api/auth/passkeys/"));
  if (!data) throw new Error("Could not load your passkeys.");
  return data;
});

function cursorOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return new URL(url).searchParams.get("cursor") ?? undefined;
}
