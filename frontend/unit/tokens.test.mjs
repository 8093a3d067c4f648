// The single-flight refresh (app/lib/tokens.ts) against a fake token endpoint.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { load } from "./build.mjs";

const { refreshTokens } = load("app/lib/tokens");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An unsigned JWT valid for an hour; the client only reads `exp` and `iat`. */
function accessToken() {
  const now = Math.floor(Date.now() / 1000);
  return `e30.${Buffer.from(JSON.stringify({ iat: now, exp: now + 3600 })).toString("base64url")}.sig`;
}

/**
 * POST /api/auth/token/refresh/ as the API answers it: each refresh token
 * works once and is rotated; any other gets 401. `calls` lists the refresh
 * tokens that reached it.
 */
function fakeTokenEndpoint({ delayMs = 0 } = {}) {
  const prefix = Math.random().toString(36).slice(2);
  let counter = 0;
  const live = new Set([`${prefix}-0`]);
  const calls = [];
  globalThis.fetch = async (url, init) => {
    assert.equal(new URL(url).pathname, "/api/auth/token/refresh/");
    const { refresh } = JSON.parse(init.body);
    calls.push(refresh);
    await sleep(delayMs);
    if (!live.delete(refresh)) {
      return Response.json({ detail: "Token is invalid", code: "token_not_valid" }, { status: 401 });
    }
    const next = `${prefix}-${++counter}`;
    live.add(next);
    return Response.json({ access: accessToken(), refresh: next });
  };
  return { first: `${prefix}-0`, calls };
}

const realFetch = globalThis.fetch;
let savedGrace;
beforeEach(() => {
  savedGrace = process.env.REFRESH_REUSE_GRACE_SECONDS;
  delete process.env.REFRESH_REUSE_GRACE_SECONDS;
});
afterEach(() => {
  globalThis.fetch = realFetch;
  if (savedGrace === undefined) delete process.env.REFRESH_REUSE_GRACE_SECONDS;
  else process.env.REFRESH_REUSE_GRACE_SECONDS = savedGrace;
});

test("concurrent refreshes of one token share a single call to the API", async () => {
  const api = fakeTokenEndpoint({ delayMs: 50 });
  const results = await Promise.all([1, 2, 3, 4].map(() => refreshTokens(api.first)));
  assert.deepEqual(api.calls, [api.first]);
  for (const result of results) {
    assert.equal(result.ok, true);
    assert.deepEqual(result.pair, results[0].pair);
  }
});

test("a token rotated moments ago gets the pair it was rotated to, without asking the API again", async () => {
  const api = fakeTokenEndpoint();
  const first = await refreshTokens(api.first);
  const late = await refreshTokens(api.first);
  assert.deepEqual(late, first);
  assert.deepEqual(api.calls, [api.first]);
});

test("after the reuse grace window a rotated token goes to the API, which refuses it", async () => {
  process.env.REFRESH_REUSE_GRACE_SECONDS = "0.2";
  const api = fakeTokenEndpoint();
  assert.equal((await refreshTokens(api.first)).ok, true);
  await sleep(250);
  assert.deepEqual(await refreshTokens(api.first), { ok: false, reason: "refused" });
  assert.deepEqual(api.calls, [api.first, api.first]);
});

test("the grace window starts when the refresh was sent, not when the API answered", async () => {
  process.env.REFRESH_REUSE_GRACE_SECONDS = "0.5";
  const api = fakeTokenEndpoint({ delayMs: 400 });
  assert.equal((await refreshTokens(api.first)).ok, true);
  await sleep(150); // 550 ms after sending, 150 ms after the answer
  assert.deepEqual(await refreshTokens(api.first), { ok: false, reason: "refused" });
  assert.equal(api.calls.length, 2);
});

test("with REFRESH_REUSE_GRACE_SECONDS=0 only refreshes in flight are shared", async () => {
  process.env.REFRESH_REUSE_GRACE_SECONDS = "0";
  const api = fakeTokenEndpoint({ delayMs: 50 });
  const [a, b] = await Promise.all([refreshTokens(api.first), refreshTokens(api.first)]);
  assert.deepEqual(a, b);
  assert.equal(api.calls.length, 1);
  assert.deepEqual(await refreshTokens(api.first), { ok: false, reason: "refused" });
  assert.equal(api.calls.length, 2);
});

test("the newest refresh token still refreshes normally", async () => {
  const api = fakeTokenEndpoint();
  const first = await refreshTokens(api.first);
  const second = await refreshTokens(first.pair.refresh);
  assert.equal(second.ok, true);
  assert.notEqual(second.pair.refresh, first.pair.refresh);
  assert.deepEqual(api.calls, [api.first, first.pair.refresh]);
});

test("an unreachable API is reported as unavailable, not as a refused token", async () => {
  globalThis.fetch = async () => {
    throw new TypeError("fetch failed");
  };
  assert.deepEqual(await refreshTokens("never-rotated"), { ok: false, reason: "unavailable" });
});
