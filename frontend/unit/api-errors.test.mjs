// The form messages derived from the API's refusals (app/lib/api-errors.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load } from "./build.mjs";

const { UNAVAILABLE, registerFailure, tooManyAttempts } = load("app/lib/api-errors");

test("a throttled request says how long to wait, from Retry-After", () => {
  assert.equal(tooManyAttempts("30", null), "Too many attempts. Try again in 30 seconds.");
  assert.equal(tooManyAttempts("1", null), "Too many attempts. Try again in 1 second.");
});

test("without Retry-After the wait comes from DRF's detail, or is left open", () => {
  const body = { detail: "Request was throttled. Expected available in 12 seconds." };
  assert.equal(tooManyAttempts(null, body), "Too many attempts. Try again in 12 seconds.");
  assert.equal(tooManyAttempts(null, undefined), "Too many attempts. Try again later.");
});

test("registration's validation errors go next to their fields, the rest into the alert", () => {
  const body = { password: ["This password is too short.", "This password is entirely numeric."], username: "Taken.", non_field_errors: ["Nope."] };
  assert.deepEqual(registerFailure(400, body, null), {
    fieldErrors: {
      username: ["Taken."],
      email: undefined,
      password: ["This password is too short.", "This password is entirely numeric."],
    },
    error: "Nope.",
  });
});

test("closed registration shows the API's reason, not an unreachable server", () => {
  // What the API answers with REGISTRATION_OPEN=false.
  assert.deepEqual(registerFailure(404, { detail: "Registration is closed." }, null), { error: "Registration is closed." });
  assert.deepEqual(registerFailure(403, { detail: "Sign-ups are paused." }, null), { error: "Sign-ups are paused." });
});

test("a 403 or 404 without the API's detail still says registration is closed", () => {
  for (const status of [403, 404]) {
    for (const body of [undefined, "", "<h1>Not Found</h1>", { detail: "" }, { detail: ["x"] }]) {
      assert.deepEqual(registerFailure(status, body, null), { error: "Registration is closed." }, `${status} ${JSON.stringify(body)}`);
    }
  }
});

test("throttled registration says how long to wait", () => {
  assert.deepEqual(registerFailure(429, {}, "7"), { error: "Too many attempts. Try again in 7 seconds." });
});

test("an API that fails or cannot be read says the server is not reachable", () => {
  for (const [status, body] of [[500, "<h1>Server Error</h1>"], [502, ""], [503, { detail: "Down." }]]) {
    assert.deepEqual(registerFailure(status, body, null), { error: UNAVAILABLE }, `status ${status}`);
  }
});
