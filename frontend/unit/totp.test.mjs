// The e2e's authenticator app (e2e/totp.mjs) against RFC 6238's own test vectors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { base32Decode, hotp, timeStep, totp } from "../e2e/totp.mjs";

// RFC 6238, Appendix B: HMAC-SHA1 with the ASCII key "12345678901234567890", 8 digits.
const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const VECTORS = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

test("base32 decodes the RFC key, with or without the page's grouping", () => {
  assert.equal(base32Decode(SECRET).toString("ascii"), "12345678901234567890");
  assert.equal(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").toString("ascii"), "12345678901234567890");
  assert.throws(() => base32Decode("GEZ1"), /not base32/);
});

test("TOTP matches RFC 6238's SHA-1 vectors", () => {
  for (const [seconds, code] of VECTORS) {
    assert.equal(totp(SECRET, timeStep(seconds * 1000), 8), code, `T=${seconds}`);
  }
});

test("6-digit codes are the last six digits of the 8-digit ones (RFC 4226 truncation)", () => {
  const key = base32Decode(SECRET);
  assert.equal(hotp(key, 1), "287082");
  assert.equal(totp(SECRET, timeStep(59_000)), "287082");
});
