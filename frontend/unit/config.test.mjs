// Server configuration read from the environment (app/lib/config.ts).
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { load } from "./build.mjs";

const { cookieSecure } = load("app/lib/config");
const { tokenCookieOptions } = load("app/lib/tokens");

const NAMES = ["COOKIE_SECURE", "NODE_ENV"];
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
