// Where to send the browser after signing in. Pure (no "server-only", no
// Next.js imports) so the unit tests can load it with plain `node --test`.

/** Any fixed origin works: it only tells "same app" from "somewhere else". */
const BASE = "http://app.invalid";

/**
 * Return `next` as a path on this app (path + query + fragment), or
 * `fallback` when it would lead anywhere else.
 *
 * Prefix checks on the raw string miss what the browser does with it: the
 * WHATWG URL parser drops tabs and newlines ("/\t/evil.example" is
 * "//evil.example"), reads "\" as "/", and trims leading spaces. So `next` is
 * resolved the way the browser will resolve it and kept only when it lands on
 * the app's own origin. The result is resolved once more, because
 * normalising can itself produce a scheme-relative URL ("/.//evil.example"
 * becomes the path "//evil.example").
 */
export function safeNext(next: unknown, fallback = "/dashboard"): string {
  if (typeof next !== "string" || next === "") return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  return new URL(path, BASE).href === url.href ? path : fallback;
}
