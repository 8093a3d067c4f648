// Passkey ceremonies' plumbing (app/lib/webauthn.ts): base64url, the API's
// JSON options for browsers without parse*OptionsFromJSON, a credential back
// to JSON without toJSON(), and the messages for the browser's refusals.
import assert from "node:assert/strict";
import { test } from "node:test";
import { load } from "./build.mjs";

const {
  PASSKEY_NOT_ALLOWED, PASSKEYS_UNSUPPORTED, base64urlToBuffer, bufferToBase64url, ceremonyFailure, creationOptions,
  credentialFromJSON, credentialJSON, MAX_CREDENTIAL_LENGTH, passkeyGet, requestOptions,
} = load("app/lib/webauthn");

const bytes = (buffer) => [...new Uint8Array(buffer)];

test("base64url round-trips bytes, without padding, with - and _", () => {
  const data = Uint8Array.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
  const encoded = bufferToBase64url(data);
  assert.equal(encoded, "AAEC-vv8_f7_");
  assert.deepEqual(bytes(base64urlToBuffer(encoded)), [...data]);
  for (const length of [0, 1, 2, 3, 4, 5]) {
    const some = Uint8Array.from({ length }, (_, i) => i * 37);
    assert.deepEqual(bytes(base64urlToBuffer(bufferToBase64url(some.buffer))), [...some], `length ${length}`);
  }
});

test("creation options: challenge, user id and excluded credentials become bytes, the rest stays", () => {
  // What the API answers (py_webauthn's options_to_json_dict), shortened.
  const json = {
    rp: { name: "Django JWT API", id: "localhost" },
    user: { id: "YWJj", name: "ada", displayName: "ada" },
    challenge: "AAEC",
    pubKeyCredParams: [{ type: "public-key", alg: -8 }],
    timeout: 300000,
    excludeCredentials: [{ id: "MTI", type: "public-key" }],
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    attestation: "none",
  };
  const options = creationOptions(json);
  assert.deepEqual(bytes(options.challenge), [0, 1, 2]);
  assert.deepEqual(bytes(options.user.id), [97, 98, 99]);
  assert.equal(options.user.name, "ada");
  assert.deepEqual(bytes(options.excludeCredentials[0].id), [49, 50]);
  assert.equal(options.excludeCredentials[0].type, "public-key");
  assert.deepEqual(options.authenticatorSelection, json.authenticatorSelection);
  assert.equal(options.rp.id, "localhost");
});

test("request options: the challenge becomes bytes; no allowed credentials means any passkey of the site", () => {
  const options = requestOptions({ challenge: "AAEC", timeout: 300000, rpId: "localhost", allowCredentials: [], userVerification: "required" });
  assert.deepEqual(bytes(options.challenge), [0, 1, 2]);
  assert.deepEqual(options.allowCredentials, []);
  assert.equal(options.userVerification, "required");
});

test("an assertion without toJSON() is encoded as the API reads it", () => {
  const buffer = (...values) => Uint8Array.from(values).buffer;
  const credential = {
    id: "AQI",
    rawId: buffer(1, 2),
    type: "public-key",
    authenticatorAttachment: "platform",
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: buffer(123), authenticatorData: buffer(4), signature: buffer(5), userHandle: buffer(6) },
  };
  assert.deepEqual(credentialJSON(credential), {
    id: "AQI",
    rawId: "AQI",
    type: "public-key",
    authenticatorAttachment: "platform",
    clientExtensionResults: {},
    response: { clientDataJSON: "ew", authenticatorData: "BA", signature: "BQ", userHandle: "Bg" },
  });
  const native = { toJSON: () => ({ id: "native" }) };
  assert.deepEqual(credentialJSON(native), { id: "native" });
});

test("the browser's refusals become messages; NotAllowedError (cancelled, or no user verification) says so", () => {
  assert.equal(ceremonyFailure({ name: "NotAllowedError" }, "get"), PASSKEY_NOT_ALLOWED);
  assert.match(ceremonyFailure({ name: "InvalidStateError" }, "create"), /already holds a passkey/);
  assert.match(ceremonyFailure({ name: "SecurityError" }, "get"), /domain name/);
  assert.equal(ceremonyFailure({ name: "NotSupportedError" }, "create"), PASSKEYS_UNSUPPORTED);
  assert.match(ceremonyFailure(new TypeError("x"), "get"), /did not work/);
  assert.match(ceremonyFailure(undefined, "get"), /did not work/);
});

test("without WebAuthn in the browser, a ceremony says so instead of throwing", async () => {
  assert.equal(globalThis.PublicKeyCredential, undefined);
  assert.deepEqual(await passkeyGet({ challenge: "AAEC" }), { error: PASSKEYS_UNSUPPORTED });
});

test("a credential sent as a form field is read back only when it is a JSON object of a sensible size", () => {
  const credential = { id: "AQI", rawId: "AQI", type: "public-key", response: { clientDataJSON: "ew" } };
  assert.deepEqual(credentialFromJSON(JSON.stringify(credential)), credential);
  for (const raw of [undefined, null, "", "not json", "[1, 2]", "null", "42", '"text"', { id: "AQI" }]) {
    assert.equal(credentialFromJSON(raw), undefined, JSON.stringify(raw));
  }
  const huge = JSON.stringify({ id: "x".repeat(MAX_CREDENTIAL_LENGTH) });
  assert.equal(credentialFromJSON(huge), undefined);
});
