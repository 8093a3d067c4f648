// safeNext (app/lib/safe-next.ts): the post-login destination stays on this app.
import assert from "node:assert/strict";
import { test } from "node:test";
import { load } from "./build.mjs";

const { safeNext } = load("app/lib/safe-next");
const FALLBACK = "/dashboard";

/** What a browser on the real app would do with the Location safeNext produced. */
const landsOn = (location, app = "https://app.example") => new URL(location, app).origin;

const LEADS_ELSEWHERE = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "\n//evil.example",
  "\u0000//evil.example",
  "https:evil.example",
  "https://evil.example/dashboard",
  "http://evil.example",
  "HTTP://evil.example",
  "ftp://evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " javascript:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/.//evil.example",
  "/..//evil.example",
  "/dashboard/..//evil.example",
  "/%2e//evil.example",
];

for (const next of LEADS_ELSEWHERE) {
  test(`${JSON.stringify(next)} falls back to the dashboard`, () => {
    assert.equal(safeNext(next), FALLBACK);
  });
}

// Percent-encoded slashes and backslashes are not decoded by the URL parser:
// they stay part of a path on this app.
const ENCODED = {
  "%2F%2Fevil.example": "/%2F%2Fevil.example",
  "/%2F%2Fevil.example": "/%2F%2Fevil.example",
  "/%5Cevil.example": "/%5Cevil.example",
  "/%5C%5Cevil.example": "/%5C%5Cevil.example",
  "/%09/evil.example": "/%09/evil.example",
  "%252F%252Fevil.example": "/%252F%252Fevil.example",
};

for (const [next, path] of Object.entries(ENCODED)) {
  test(`encoded ${JSON.stringify(next)} stays a path on the app`, () => {
    assert.equal(safeNext(next), path);
    assert.equal(landsOn(safeNext(next)), "https://app.example");
  });
}

test("every result, kept or fallen back, is a path on the app", () => {
  for (const next of [...LEADS_ELSEWHERE, ...Object.keys(ENCODED)]) {
    const result = safeNext(next);
    assert.match(result, /^\/(?![/\\])/, JSON.stringify(next));
    assert.equal(landsOn(result), "https://app.example", JSON.stringify(next));
  }
});

test("paths on the app are kept with their query and fragment", () => {
  assert.equal(safeNext("/dashboard"), "/dashboard");
  assert.equal(safeNext("/account?tab=1#s"), "/account?tab=1#s");
  assert.equal(safeNext("/dashboard?page_size=1&cursor=cD0y"), "/dashboard?page_size=1&cursor=cD0y");
});

test("leading whitespace around a real path is dropped, as the browser would", () => {
  assert.equal(safeNext("  /account"), "/account");
  assert.equal(safeNext("\n/account"), "/account");
});

test("dot segments are resolved", () => {
  assert.equal(safeNext("/dashboard/../account"), "/account");
});

test("anything but a non-empty string falls back", () => {
  for (const next of [undefined, null, "", 42, ["/account"], { toString: () => "/account" }]) {
    assert.equal(safeNext(next), FALLBACK);
  }
  assert.equal(safeNext("//evil.example", "/account"), "/account");
});
