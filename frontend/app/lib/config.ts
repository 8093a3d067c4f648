// Server-side configuration. Imported by proxy.ts too, so no "server-only"
// marker here; nothing in this file is NEXT_PUBLIC_, so it never reaches the
// browser bundle.

/** Base URL of the Django API, read at request time (server-side only). */
export function apiBaseUrl(): string {
  return (process.env.API_BASE_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Whether auth cookies get the Secure flag: always, except when the app is
 * served from a loopback host (plain-http development and CI).
 * COOKIE_SECURE=true|false overrides the guess.
 */
export function cookieSecure(host: string | null | undefined): boolean {
  const forced = process.env.COOKIE_SECURE;
  if (forced === "true" || forced === "false") return forced === "true";
  const hostname = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  return !LOOPBACK.has(hostname);
}
