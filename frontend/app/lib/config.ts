// Server-side configuration. Imported by proxy.ts too, so no "server-only"
// marker here; nothing in this file is NEXT_PUBLIC_, so it never reaches the
// browser bundle.

/** Base URL of the Django API, read at request time (server-side only). */
export function apiBaseUrl(): string {
  return (process.env.API_BASE_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

/**
 * Whether the token cookies get the Secure flag: yes, unless COOKIE_SECURE=false
 * (a plain-http deployment) or `next dev` (NODE_ENV=development) without
 * COOKIE_SECURE=true.
 *
 * Not guessed from the Host header: behind a proxy that sends its own Host
 * (nginx's default `proxy_set_header Host $proxy_host`, e.g. 127.0.0.1:3000)
 * production cookies would silently lose Secure.
 */
export function cookieSecure(): boolean {
  const setting = process.env.COOKIE_SECURE?.trim().toLowerCase();
  if (setting === "true" || setting === "false") return setting === "true";
  return process.env.NODE_ENV !== "development";
}

/** The API's limits for REFRESH_REUSE_GRACE_SECONDS (config/settings.py). */
const REUSE_GRACE_DEFAULT_SECONDS = 2;
const REUSE_GRACE_MAX_SECONDS = 2;

/**
 * How long, in milliseconds, a refresh token that this server has just
 * rotated still gets the new pair: the API's REFRESH_REUSE_GRACE_SECONDS,
 * from the variable of the same name (default 2, clamped to 0–2, as the API
 * does). Set both servers to the same value.
 *
 * Past that window the API revokes the session when the rotated token comes
 * back (theft or replay), so the client must not answer for it any longer.
 */
export function refreshReuseGraceMs(): number {
  const raw = process.env.REFRESH_REUSE_GRACE_SECONDS?.trim();
  const seconds = raw ? Number(raw) : REUSE_GRACE_DEFAULT_SECONDS;
  if (!Number.isFinite(seconds)) return REUSE_GRACE_DEFAULT_SECONDS * 1000;
  return Math.min(REUSE_GRACE_MAX_SECONDS, Math.max(0, seconds)) * 1000;
}
