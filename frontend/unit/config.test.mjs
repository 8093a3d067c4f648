// Server configuration read from the environment (app/lib/config.ts).
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { load } from "./build.mjs";

const { cookieSecure, refreshReuseGraceMs } = load("app/lib/config");
const { tokenCookieOptions } = load("app/lib/tokens");

const NAMES = ["COOKIE_SECURE", "NODE_ENV", "REFRESH_REUSE_GRACE_SECONDS"];
let saved;
beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  for (const name of NAMES) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** An unsigned JWT that expires in an hour; tokenCookieOptions only reads `exp`. */
const token = () => {
  const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url");
  return `e30.${claims}.sig`;
};

test("token cookies are Secure by default", () => {
  assert.equal(cookieSecure(), true);
  assert.equal(tokenCookieOptions(token()).secure, true);
  process.env.NODE_ENV = "production";
  assert.equal(cookieSecure(), true);
  assert.equal(tokenCookieOptions(token()).secure, true);
});

test("a loopback Host header does not drop Secure", () => {
  // Behind nginx's default `proxy_set_header Host $proxy_host` every request
  // names the upstream, e.g. 127.0.0.1:3000. Both functions once took the
  // Host header; passing one must change nothing.
  process.env.NODE_ENV = "production";
  for (const host of ["127.0.0.1:3000", "localhost", "[::1]:3000"]) {
    assert.equal(cookieSecure(host), true, host);
    assert.equal(tokenCookieOptions(token(), host).secure, true, host);
  }
});

test("token cookies keep HttpOnly, SameSite=Lax and the token's lifetime", () => {
  const options = tokenCookieOptions(token());
  assert.deepEqual({ ...options, maxAge: undefined }, { httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge: undefined });
  assert.ok(options.maxAge > 3590 && options.maxAge <= 3600, `maxAge ${options.maxAge}`);
});

test("next dev (NODE_ENV=development) drops Secure", () => {
  process.env.NODE_ENV = "development";
  assert.equal(cookieSecure(), false);
});

test("COOKIE_SECURE=false drops Secure for a plain-http deployment", () => {
  process.env.NODE_ENV = "production";
  for (const value of ["false", "FALSE", " false "]) {
    process.env.COOKIE_SECURE = value;
    assert.equal(cookieSecure(), false, JSON.stringify(value));
    assert.equal(tokenCookieOptions(token()).secure, false);
  }
});

test("COOKIE_SECURE=true keeps Secure even under next dev", () => {
  process.env.NODE_ENV = "development";
  process.env.COOKIE_SECURE = "true";
  assert.equal(cookieSecure(), true);
});

test("a COOKIE_SECURE that is neither true nor false leaves the default, Secure", () => {
  process.env.NODE_ENV = "production";
  for (const value of ["", "0", "no", "off", "auto"]) {
    process.env.COOKIE_SECURE = value;
    assert.equal(cookieSecure(), true, JSON.stringify(value));
  }
});

test("a rotated refresh token is answered for 2 s by default, the API's default", () => {
  assert.equal(refreshReuseGraceMs(), 2000);
  process.env.REFRESH_REUSE_GRACE_SECONDS = "";
  assert.equal(refreshReuseGraceMs(), 2000);
});

test("REFRESH_REUSE_GRACE_SECONDS is read like the API reads it, in seconds", () => {
  for (const [value, ms] of [["0", 0], ["0.5", 500], ["1.25", 1250], ["2", 2000], [" 1 ", 1000]]) {
    process.env.REFRESH_REUSE_GRACE_SECONDS = value;
    assert.equal(refreshReuseGraceMs(), ms, JSON.stringify(value));
  }
});

test("REFRESH_REUSE_GRACE_SECONDS outside 0-2 is clamped, never longer than the API allows", () => {
  for (const [value, ms] of [["60", 2000], ["2.5", 2000], ["1e9", 2000], ["-1", 0]]) {
    process.env.REFRESH_REUSE_GRACE_SECONDS = value;
    assert.equal(refreshReuseGraceMs(), ms, JSON.stringify(value));
  }
});

test("an unreadable REFRESH_REUSE_GRACE_SECONDS falls back to 2 s", () => {
  for (const value of ["two", "NaN", "Infinity", "1s"]) {
    process.env.REFRESH_REUSE_GRACE_SECONDS = value;
    assert.equal(refreshReuseGraceMs(), 2000, JSON.stringify(value));
  }
});
