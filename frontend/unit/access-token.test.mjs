// proxy.ts's check of the access and refresh tokens against the API's JWK set
// (app/lib/access-token.ts), with a fake /.well-known/jwks.json.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { load } from "./build.mjs";

const { checkAccessToken, checkRefreshToken } = load("app/lib/access-token");

async function signingKey(kid, alg = "EdDSA") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

function sign(key, claims = {}, { expiresIn = "30m", kid = key.kid, alg = key.alg } = {}) {
  return new SignJWT({ token_type: "access", user_id: "1", ...claims })
    .setProtectedHeader({ alg, kid })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

/** Serve `keys` as the JWK set of a fresh API URL; count the fetches. */
function fakeApi(keys, { down = false } = {}) {
  const base = `http://api-${Math.random().toString(36).slice(2)}.test`;
  process.env.API_BASE_URL = base;
  const fetches = [];
  globalThis.fetch = async (url) => {
    fetches.push(String(url));
    assert.equal(String(url), `${base}/.well-known/jwks.json`);
    if (down) throw new TypeError("fetch failed");
    return Response.json({ keys: keys.map((key) => key.jwk) });
  };
  return { fetches };
}

const realFetch = globalThis.fetch;
let savedBase;
beforeEach(() => {
  savedBase = process.env.API_BASE_URL;
});
afterEach(() => {
  globalThis.fetch = realFetch;
  if (savedBase === undefined) delete process.env.API_BASE_URL;
  else process.env.API_BASE_URL = savedBase;
});

test("a token signed by a published key is valid, and the key set is fetched once", async () => {
  const key = await signingKey("k1");
  const api = fakeApi([key]);

  assert.equal(await checkAccessToken(await sign(key)), "valid");
  assert.equal(await checkAccessToken(await sign(key)), "valid");

  assert.equal(api.fetches.length, 1);
});

test("every algorithm the API may use is accepted", async () => {
  for (const alg of ["EdDSA", "ES256", "RS256"]) {
    const key = await signingKey(`k-${alg}`, alg);
    fakeApi([key]);
    assert.equal(await checkAccessToken(await sign(key)), "valid", alg);
  }
});

test("an expired token, another key, a refresh token or HS256 is invalid", async () => {
  const key = await signingKey("k1");
  const stranger = await signingKey("k2");
  fakeApi([key]);
  const hs256 = await new SignJWT({ token_type: "access" })
    .setProtectedHeader({ alg: "HS256", kid: "k1" })
    .setExpirationTime("30m")
    .sign(new TextEncoder().encode("a-secret-of-thirty-two-bytes-or-more"));
  const tokens = {
    expired: await sign(key, {}, { expiresIn: "-1m" }),
    "another key, its own kid": await sign(stranger),
    "another key, our kid": await sign(stranger, {}, { kid: "k1" }),
    "a refresh token": await sign(key, { token_type: "refresh" }),
    HS256: hs256,
    garbage: "not-a-jwt",
    missing: undefined,
  };

  for (const [name, token] of Object.entries(tokens)) {
    assert.equal(await checkAccessToken(token), "invalid", name);
  }
});

test("with HS256 the API publishes no key, and the token is left to the API", async () => {
  const key = await signingKey("k1");
  fakeApi([]);

  assert.equal(await checkAccessToken(await sign(key)), "unchecked");
});

test("a key set that cannot be fetched leaves the token to the API", async () => {
  const key = await signingKey("k1");
  fakeApi([key], { down: true });

  assert.equal(await checkAccessToken(await sign(key)), "unavailable");
});

test("the issuer and audience are required when JWT_ISSUER and JWT_AUDIENCE are set", async () => {
  const key = await signingKey("k1");
  fakeApi([key]);
  process.env.JWT_ISSUER = "https://api.example.com";
  process.env.JWT_AUDIENCE = "api";
  try {
    const ours = await sign(key, { iss: "https://api.example.com", aud: "api" });
    const theirs = await sign(key, { iss: "https://evil.example.com", aud: "api" });
    const elsewhere = await sign(key, { iss: "https://api.example.com", aud: "billing" });

    assert.equal(await checkAccessToken(ours), "valid");
    assert.equal(await checkAccessToken(theirs), "invalid");
    assert.equal(await checkAccessToken(elsewhere), "invalid");
  } finally {
    delete process.env.JWT_ISSUER;
    delete process.env.JWT_AUDIENCE;
  }
});

test("a refresh token is checked the same way, and must be a refresh token", async () => {
  const key = await signingKey("k1");
  const stranger = await signingKey("k2");
  fakeApi([key]);
  const refresh = (signer, options) => sign(signer, { token_type: "refresh" }, options);

  assert.equal(await checkRefreshToken(await refresh(key)), "valid");
  const refused = {
    expired: await refresh(key, { expiresIn: "-1m" }),
    "another key, its own kid": await refresh(stranger),
    "another key, our kid": await refresh(stranger, { kid: "k1" }),
    "an access token": await sign(key),
    garbage: "not-a-jwt",
    missing: undefined,
  };
  for (const [name, token] of Object.entries(refused)) {
    assert.equal(await checkRefreshToken(token), "invalid", name);
  }
});

test("with HS256 or no key set, a refresh token is left to the API", async () => {
  const key = await signingKey("k1");
  fakeApi([]);
  assert.equal(await checkRefreshToken(await sign(key, { token_type: "refresh" })), "unchecked");

  fakeApi([key], { down: true });
  assert.equal(await checkRefreshToken(await sign(key, { token_type: "refresh" })), "unavailable");
});
