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
