/**
 * Read a JWT's claims without verifying it. Only for timing decisions
 * (is the access token about to expire?); Django verifies every token.
 */
export function jwtClaims(token: string | undefined): { exp?: number; iat?: number } {
  if (!token) return {};
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

/** Seconds until the token expires (negative when expired, -Infinity when unreadable). */
export function secondsLeft(token: string | undefined, now = Date.now()): number {
  const { exp } = jwtClaims(token);
  return typeof exp === "number" ? exp - now / 1000 : -Infinity;
}
