// Checks a token's signature and expiry against the API's published keys, for
// proxy.ts, before a protected page renders: the access token, and the refresh
// token before it is sent to the API. Imported by proxy.ts, so no
// "server-only" marker; nothing here reaches the browser bundle.
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { apiBaseUrl } from "./config";

/**
 * - "valid": signed by a key the API publishes, not expired, of the type asked for;
 * - "invalid": anything else (another key, a retired key, expired, forged);
 * - "unchecked": the API publishes no key (HS256: only the API can check);
 * - "unavailable": the keys could not be fetched; the API decides later.
 */
export type AccessTokenCheck = "valid" | "invalid" | "unchecked" | "unavailable";

/** The API's algorithms whose keys it publishes; HS256 and `none` never pass. */
export const ALGORITHMS = ["EdDSA", "ES256", "RS256"];

/**
 * How long the key set is kept: the API's `Cache-Control: max-age` for it.
 * A token naming a key not in the set fetches it again, at most once every
 * COOLDOWN_MS (a new key put first on the API is seen within that).
 */
export const JWKS_MAX_AGE_MS = 300_000;
export const COOLDOWN_MS = 30_000;

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

// One key set per API URL and server process, shared by every request.
const keySets: Map<string, RemoteKeySet> = ((globalThis as { __jwks?: Map<string, RemoteKeySet> }).__jwks ??=
  new Map());

export function jwksUrl(): string {
  return `${apiBaseUrl()}/.well-known/jwks.json`;
}

function keySet(): RemoteKeySet {
  const url = jwksUrl();
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cacheMaxAge: JWKS_MAX_AGE_MS, cooldownDuration: COOLDOWN_MS });
    keySets.set(url, set);
  }
  return set;
}

/**
 * Check an access token against the API's key set, fetched at most once per
 * JWKS_MAX_AGE_MS per process (plus once per COOLDOWN_MS for an unknown
 * `kid`). Optimistic, like the rest of proxy.ts: the API still checks the
 * session on every call, which is what makes a revoked session fail.
 */
export function checkAccessToken(token: string | undefined): Promise<AccessTokenCheck> {
  return checkToken(token, "access");
}

/**
 * Check a refresh token the same way, before proxy.ts sends it to the API.
 * The API signs both tokens with the same keys and claims, so one that is
 * "invalid" here (another key, a key no longer published, expired, another
 * issuer or audience, not a refresh token) would be refused there too: the
 * browser goes to /login without that round trip. A key the API signs with
 * before publishing it (skipping step 1 of a rotation, docs/keys.md) fails
 * here until this process fetches the set again, at most COOLDOWN_MS later.
 */
export function checkRefreshToken(token: string | undefined): Promise<AccessTokenCheck> {
  return checkToken(token, "refresh");
}

async function checkToken(token: string | undefined, tokenType: "access" | "refresh"): Promise<AccessTokenCheck> {
  if (!token) return "invalid";
  const keys = keySet();
  try {
    if (!keys.fresh) await keys.reload();
  } catch {
    return "unavailable";
  }
  if (!keys.jwks()?.keys.length) return "unchecked";
  try {
    const { payload } = await jwtVerify(token, keys, { algorithms: ALGORITHMS, ...expectedClaims() });
    return payload.token_type === tokenType ? "valid" : "invalid";
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || isFetchFailure(error)) return "unavailable";
    return "invalid";
  }
}

/** `iss` and `aud` to require, when given the API's JWT_ISSUER and JWT_AUDIENCE. */
function expectedClaims(): { issuer?: string; audience?: string } {
  const issuer = process.env.JWT_ISSUER?.trim();
  const audience = process.env.JWT_AUDIENCE?.trim();
  return { ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC");
}
