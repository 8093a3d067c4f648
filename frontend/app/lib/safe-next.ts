// Where to send the browser after signing in. Pure (no "server-only", no
// Next.js imports) so the unit tests can load it with plain `node --test`.

/** Only same-site paths are allowed as a post-login destination. */
export function safeNext(next: unknown, fallback = "/dashboard"): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\")
    ? next
    : fallback;
}
