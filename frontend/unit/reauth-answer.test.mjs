// The re-authentication prompt's answer (app/lib/reauth-answer.ts): what the
// Server Actions send to /api/auth/reauthenticate/, and when a form carried
// no prompt at all.
import assert from "node:assert/strict";
import { test } from "node:test";
import { load } from "./build.mjs";

const { reauthAnswerOf } = load("app/lib/reauth-answer");

const form = (fields) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

test("a form without the prompt carries no answer: the action calls the API without re-authenticating", () => {
  assert.equal(reauthAnswerOf(undefined), undefined);
  assert.equal(reauthAnswerOf(null), undefined);
  assert.equal(reauthAnswerOf(form({})), undefined);
  // The new authenticator app's code, in the setup's scan step, is no answer.
  assert.equal(reauthAnswerOf(form({ code: "123456", intent: "confirm" })), undefined);
  // The prompt's hidden field, empty until a passkey answers.
  assert.equal(reauthAnswerOf(form({ credential: "" })), undefined);
});

test("the password, with the code when the prompt showed one", () => {
  assert.deepEqual(reauthAnswerOf(form({ password: "pw", credential: "" })), {
    password: "pw",
    code: undefined,
    credential: "",
  });
  assert.deepEqual(reauthAnswerOf(form({ password: "pw", code: "abcde-fghjk", credential: "" })), {
    password: "pw",
    code: "abcde-fghjk",
    credential: "",
  });
  // An empty password is an answer too (the action says to enter it).
  assert.deepEqual(reauthAnswerOf(form({ password: "" })), { password: "", code: undefined, credential: undefined });
});

test("a passkey's answer, with or without the password field", () => {
  assert.deepEqual(reauthAnswerOf(form({ password: "", code: "", credential: '{"id":"AQI"}' })), {
    password: "",
    code: "",
    credential: '{"id":"AQI"}',
  });
  assert.deepEqual(reauthAnswerOf({ credential: '{"id":"AQI"}' }), {
    password: undefined,
    code: undefined,
    credential: '{"id":"AQI"}',
  });
});

test("from a client component's object, only strings count", () => {
  assert.deepEqual(reauthAnswerOf({ password: "pw", code: "123456" }), {
    password: "pw",
    code: "123456",
    credential: undefined,
  });
  assert.equal(reauthAnswerOf({ password: 42, credential: {} }), undefined);
});

const { PASSWORD_ONLY, asksCode, reauthMethodsOf, reauthWording } = load("app/lib/reauth-answer");

test("the prompt offers what the account has: the code field for an app or recovery codes, the passkey button for a passkey", () => {
  const factors = (totp, passkeys, left) => ({ totp, passkeys, recovery_codes_left: left });
  assert.deepEqual(reauthMethodsOf(factors(false, 0, 0)), PASSWORD_ONLY);
  assert.equal(asksCode(PASSWORD_ONLY), false);
  assert.deepEqual(reauthMethodsOf(factors(true, 0, 10)), { app: true, recoveryCode: true, passkey: false });
  assert.deepEqual(reauthMethodsOf(factors(false, 1, 10)), { app: false, recoveryCode: true, passkey: true });
  // A passkey and no recovery code left: no code field, only the passkey.
  const passkeyOnly = reauthMethodsOf(factors(false, 2, 0));
  assert.deepEqual(passkeyOnly, { app: false, recoveryCode: false, passkey: true });
  assert.equal(asksCode(passkeyOnly), false);
  // Factors unknown: the password alone, until the API asks for a code; then every way.
  assert.deepEqual(reauthMethodsOf(undefined), PASSWORD_ONLY);
  assert.deepEqual(reauthMethodsOf(undefined, true), { app: true, recoveryCode: true, passkey: true });
  assert.deepEqual(reauthMethodsOf(factors(false, 0, 0), true), { app: true, recoveryCode: true, passkey: true });
  assert.deepEqual(reauthMethodsOf(factors(false, 2, 0), true), passkeyOnly);
});

test("the prompt's words name the ways the account has", () => {
  assert.deepEqual(reauthWording(undefined), { intro: "", codeHint: "" });
  assert.equal(reauthWording(PASSWORD_ONLY).intro, "");
  assert.deepEqual(reauthWording({ app: true, recoveryCode: true, passkey: true }), {
    intro:
      "Two-factor sign-in is on: enter a code from your authenticator app or a recovery code as well, or use a passkey instead.",
    codeHint: "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
  });
  assert.deepEqual(reauthWording({ app: true, recoveryCode: false, passkey: false }), {
    intro: "Two-factor sign-in is on: enter a code from your authenticator app as well.",
    codeHint: "The 6-digit code your authenticator app shows now.",
  });
  assert.deepEqual(reauthWording({ app: false, recoveryCode: true, passkey: true }), {
    intro: "Two-factor sign-in is on: enter a recovery code as well, or use a passkey instead.",
    codeHint: "One of your recovery codes.",
  });
  assert.equal(reauthWording({ app: false, recoveryCode: false, passkey: true }).intro, "Two-factor sign-in is on: use your passkey.");
});
