// The form messages derived from the API's refusals (app/lib/api-errors.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load } from "./build.mjs";

const {
  LINK_INVALID, PASSWORDS_DIFFER, UNAVAILABLE, formFailure, linkFailure, loginFailure, passwordMismatch,
  reauthenticationRequired, registerFailure, splitErrors, tooManyAttempts,
} = load("app/lib/api-errors");

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

test("a 400 goes next to the form's fields; non_field_errors, detail and unknown keys into the alert", () => {
  const body = {
    token: ["This field is required."],
    new_password: ["This password is too common."],
    non_field_errors: ["The reset link is invalid or has expired."],
  };
  assert.deepEqual(splitErrors(body, ["new_password"]), {
    fieldErrors: { new_password: ["This password is too common."] },
    error: "The reset link is invalid or has expired. This field is required.",
  });
  assert.deepEqual(splitErrors({ old_password: "Wrong." }, ["old_password", "new_password"]), {
    fieldErrors: { old_password: ["Wrong."] },
    error: undefined,
  });
  assert.deepEqual(splitErrors("<h1>Bad Request</h1>", ["email"]), { fieldErrors: {}, error: undefined });
});

test("formFailure: 400 per field, 429 with the wait, anything else unreachable", () => {
  assert.deepEqual(formFailure(400, { email: ["Enter a valid email address."] }, null, ["email"]), {
    fieldErrors: { email: ["Enter a valid email address."] },
    error: undefined,
  });
  assert.deepEqual(formFailure(429, {}, "42", ["password"]), { error: "Too many attempts. Try again in 42 seconds." });
  assert.deepEqual(formFailure(500, "", null, ["password"]), { error: UNAVAILABLE });
});

test("only a 403 with code reauthentication_required asks for the password again", () => {
  assert.equal(reauthenticationRequired(403, { detail: "…", code: "reauthentication_required" }), true);
  assert.equal(reauthenticationRequired(403, { detail: "…", code: "staff_account" }), false);
  assert.equal(reauthenticationRequired(401, { code: "reauthentication_required" }), false);
  assert.equal(reauthenticationRequired(403, undefined), false);
});

test("the two new passwords must match", () => {
  assert.equal(passwordMismatch("Str0ng-passphrase!", "Str0ng-passphrase!"), undefined);
  assert.equal(passwordMismatch("Str0ng-passphrase!", "Str0ng-passphrase"), PASSWORDS_DIFFER);
});

test("a refused email link shows the API's reason", () => {
  const used = { key: ["This link is invalid, has expired or has already been used."] };
  assert.equal(linkFailure(400, used), used.key[0]);
  assert.equal(linkFailure(400, undefined), LINK_INVALID);
  assert.equal(linkFailure(502, ""), UNAVAILABLE);
});

test("sign-in: wrong credentials, throttling, an unverified address, and a failing API", () => {
  assert.equal(loginFailure(401, { detail: "No active account found with the given credentials" }, null), "Invalid username or password.");
  assert.equal(loginFailure(429, {}, "9"), "Too many attempts. Try again in 9 seconds.");
  // REQUIRE_VERIFIED_EMAIL=true (accounts/email_addresses.py): the API's own words.
  const unverified = { detail: "Verify your email address first: a new link is on its way to your inbox.", code: "email_unverified" };
  assert.equal(loginFailure(403, unverified, null), unverified.detail);
  assert.equal(loginFailure(403, { detail: "Forbidden." }, null), UNAVAILABLE);
  assert.equal(loginFailure(502, "", null), UNAVAILABLE);
});

test("second step: a wrong code stays next to the field, an expired sign-in starts again", () => {
  const { SIGN_IN_EXPIRED, secondFactorFailure } = load("app/lib/api-errors");
  const wrong = { code: ["The code is wrong or has already been used."] };
  assert.deepEqual(secondFactorFailure(400, wrong, null), { codeErrors: wrong.code, error: undefined });
  // {"detail", "code": "mfa_token_invalid"}: `code` is the error's code here, not the field.
  const expired = { detail: "The sign-in has expired or was already finished; sign in again.", code: "mfa_token_invalid" };
  assert.deepEqual(secondFactorFailure(400, expired, null), { restart: true, error: expired.detail });
  assert.deepEqual(secondFactorFailure(400, { code: "mfa_token_invalid" }, null), { restart: true, error: SIGN_IN_EXPIRED });
  assert.deepEqual(secondFactorFailure(400, { credential: ["This passkey belongs to another account."] }, null), {
    codeErrors: undefined,
    error: "This passkey belongs to another account.",
  });
  assert.deepEqual(secondFactorFailure(429, {}, "60"), { error: "Too many attempts. Try again in 60 seconds." });
  assert.deepEqual(secondFactorFailure(502, "", null), { error: UNAVAILABLE });
});

test("passkey sign-in: the API's reason, the wait, an unverified address", () => {
  const { passkeySignInFailure } = load("app/lib/api-errors");
  assert.equal(passkeySignInFailure(400, { credential: ["This passkey is not registered here."] }, null), "This passkey is not registered here.");
  assert.equal(passkeySignInFailure(400, undefined, null), "The passkey could not be verified.");
  assert.equal(passkeySignInFailure(429, {}, "3"), "Too many attempts. Try again in 3 seconds.");
  const unverified = { detail: "Verify your email address first: a new link is on its way to your inbox.", code: "email_unverified" };
  assert.equal(passkeySignInFailure(403, unverified, null), unverified.detail);
  assert.equal(passkeySignInFailure(500, "", null), UNAVAILABLE);
});

test("factor changes: a conflict shows the API's detail, a wrong code goes next to its field", () => {
  const { factorChangeFailure } = load("app/lib/api-errors");
  const conflict = { detail: "An authenticator app is already on; turn it off first.", code: "totp_enabled" };
  assert.deepEqual(factorChangeFailure(409, conflict, null), { error: conflict.detail });
  assert.deepEqual(factorChangeFailure(400, { code: ["The code is wrong or has already been used."] }, null, ["code"]), {
    fieldErrors: { code: ["The code is wrong or has already been used."] },
    error: undefined,
  });
  assert.match(factorChangeFailure(404, { detail: "Not found." }, null).error, /no longer exists/);
  assert.deepEqual(factorChangeFailure(429, {}, "5"), { error: "Too many attempts. Try again in 5 seconds." });
});
