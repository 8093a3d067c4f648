// Authenticator-app codes for the browser tests: RFC 6238 TOTP (HMAC-SHA1,
// 30-second steps, 6 digits, what the API's pyotp checks) from the base32
// secret the security page shows. node:crypto only.
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const STEP_SECONDS = 30;

/** RFC 4648 base32, without padding; spaces (the page groups the secret by four) are ignored. */
export function base32Decode(text) {
  const bytes = [];
  let value = 0;
  let bits = 0;
  for (const char of text.toUpperCase().replace(/[\s=]/g, "")) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 HOTP of `counter` with `key`. */
export function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 10 ** digits).padStart(digits, "0");
}

/** The time step of `ms` (epoch milliseconds). */
export const timeStep = (ms = Date.now()) => Math.floor(ms / 1000 / STEP_SECONDS);

/** The code of a base32 `secret` for a time step (now by default). */
export const totp = (secret, step = timeStep(), digits = 6) => hotp(base32Decode(secret), step, digits);

/**
 * Wait for the first time step after `step`: the API accepts a code only for
 * a step later than the last one it accepted.
 */
export async function nextTimeStep(step) {
  const start = (step + 1) * STEP_SECONDS * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - Date.now() + 200)));
  return timeStep();
}
