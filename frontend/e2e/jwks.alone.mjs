// proxy.ts checks the token cookies itself, with jose against the API's JWK
// set: a pair signed by another key, or expired, is sent to /login before the
// API is asked anything. The proof is the API's own request log (runserver
// writes one line per request to E2E_API_LOG), read before and after each
// navigation; a navigation with the genuine cookies shows that the log does
// see the proxy's and the page's requests.
//
// Counting the API's requests needs the API to itself, so this file is not a
// *.test.mjs file: .ci/frontend-e2e.sh runs it on its own, after the others.
// With HS256 (an empty JWK set) there is nothing to check and it skips.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8 } from "jose";
import { API, WEB, apiPost, atPath, jwtClaims, launchBrowser, sleep, tokenCookies } from "./browser.mjs";

const TIMEOUT = 15_000;
/** runserver logs a request once it has answered it: give the last line time to land. */
const LOG_SETTLE_MS = 500;
const REQUEST_LINE = /"([A-Z]+ \S+) HTTP\/[\d.]+"/;

const username = `jwks_${Date.now().toString(36)}`;
const password = "Str0ng-passphrase!";

const jwks = await (await fetch(`${API}/.well-known/jwks.json`)).json();
const skip = jwks.keys.length ? false : "the API signs with HS256: no published key for proxy.ts to check against";

let browser;
/** A genuine token pair of the user's (from the API), and its tokens' header. */
let genuine;

before(async () => {
  if (skip) return;
  assert.ok(process.env.E2E_API_LOG, "E2E_API_LOG is not set: the API's request log (see .ci/frontend-e2e.sh)");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** "METHOD /path" of every request the API has logged so far. */
function apiRequests() {
  return readFileSync(process.env.E2E_API_LOG, "utf8")
    .split("\n")
    .map((line) => line.match(REQUEST_LINE)?.[1])
    .filter(Boolean);
}

/** The API's requests logged while `action` ran. */
async function apiRequestsDuring(action) {
  const before = apiRequests().length;
  await action();
  await sleep(LOG_SETTLE_MS);
  return apiRequests().slice(before);
}

const tokenHeader = (token) => JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));

/** `token`'s header and claims, with another `kid` or `claims` if given, signed with `key`. */
function resign(token, key, { kid, claims = {} } = {}) {
  const header = tokenHeader(token);
  return new SignJWT({ ...jwtClaims(token), ...claims })
    .setProtectedHeader({ ...header, ...(kid ? { kid } : {}) })
    .sign(key);
}

/** A new browser holding these two token cookies, as the app sets them, kept for an hour whatever the tokens say. */
async function browserWith(access, refresh) {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const cookie = {
    domain: new URL(WEB).hostname,
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    expires: Math.floor(Date.now() / 1000) + 3600,
  };
  await context.addCookies([
    { ...cookie, name: "access_token", value: access },
    { ...cookie, name: "refresh_token", value: refresh },
  ]);
  return context;
}

/** Open /dashboard with these cookies: the API requests it made, having landed on /login. */
async function refusedAtDashboard(access, refresh) {
  const context = await browserWith(access, refresh);
  const page = await context.newPage();
  const requests = await apiRequestsDuring(async () => {
    await page.goto(`${WEB}/dashboard`);
    await atPath(page, "/login?next=%2Fdashboard");
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  });
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined }, "cookies not dropped");
  await context.close();
  return requests;
}

test("the API publishes one EdDSA key and signs with it; a genuine session asks the API", { skip }, async () => {
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].alg, "EdDSA");
  assert.equal((await apiPost("/api/auth/register/", { username, password })).status, 201);

  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.goto(`${WEB}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await atPath(page, "/dashboard");

  // A full page load: the proxy checks the token, fetching the key set if it
  // is not fresh, so the set is cached for the tests below (5 minutes).
  const requests = await apiRequestsDuring(async () => {
    await page.goto(`${WEB}/dashboard`);
    await page.getByText(`Signed in as ${username}`).waitFor();
  });
  assert.ok(requests.includes("GET /api/users/me/"), `the log shows no request of the page: ${requests}`);

  await context.close();

  const pair = await apiPost("/api/auth/token/", { username, password });
  assert.equal(pair.status, 200);
  genuine = { ...pair.body, header: tokenHeader(pair.body.access) };
  assert.deepEqual(genuine.header, { alg: "EdDSA", kid: jwks.keys[0].kid, typ: "JWT" });
  assert.deepEqual(tokenHeader(genuine.refresh), genuine.header);
});

test("a pair signed by another key under the API's kid goes to /login without asking the API", { skip }, async () => {
  const { privateKey } = await generateKeyPair("EdDSA");
  const { access, refresh } = genuine;
  // Same header (the API's kid) and claims (a live session's sid): only the key differs.
  const forged = [await resign(access, privateKey), await resign(refresh, privateKey)];

  assert.deepEqual(await refusedAtDashboard(...forged), []);
});

test("a pair signed by another key under its own kid: no request but one fetch of the key set", { skip }, async () => {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA");
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const { access, refresh } = genuine;
  const forged = [await resign(access, privateKey, { kid }), await resign(refresh, privateKey, { kid })];

  // A kid the set lacks makes jose fetch the set again, unless it did in the
  // last 30 s (COOLDOWN_MS): at most one GET of the set, nothing else.
  const requests = await refusedAtDashboard(...forged);
  assert.ok(requests.length <= 1, `${requests}`);
  assert.deepEqual(
    requests.filter((request) => request !== "GET /.well-known/jwks.json"),
    [],
  );
});

test("an expired pair signed by the API's own key goes to /login without asking the API", { skip }, async (t) => {
  if (!process.env.E2E_JWT_KEY_FILE) return t.skip("E2E_JWT_KEY_FILE (the API's private key) is not set");
  const privateKey = await importPKCS8(readFileSync(process.env.E2E_JWT_KEY_FILE, "ascii"), "EdDSA", {
    extractable: true,
  });
  const { kty, crv, x } = await exportJWK(privateKey);
  assert.equal(await calculateJwkThumbprint({ kty, crv, x }), genuine.header.kid, "not the API's key");

  const now = Math.floor(Date.now() / 1000);
  const claims = { iat: now - 3600, exp: now - 60 };
  const { access, refresh } = genuine;
  const expired = [await resign(access, privateKey, { claims }), await resign(refresh, privateKey, { claims })];

  assert.deepEqual(await refusedAtDashboard(...expired), []);
});
