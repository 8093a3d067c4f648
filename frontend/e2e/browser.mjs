// Shared setup for the end-to-end tests: Debian's Chromium driven by
// playwright-core (no browser download), and the servers' addresses.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const WEB = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3010";
export const API = process.env.API_BASE_URL ?? "http://127.0.0.1:8010";
/** How long to wait for an access token to expire (the API runs with JWT_ACCESS_LIFETIME_SECONDS=2). */
export const ACCESS_EXPIRY_WAIT_MS = Number(process.env.E2E_ACCESS_EXPIRY_WAIT_MS ?? 3000);
/** Longer than the API's REFRESH_REUSE_GRACE_SECONDS, which is at most 2. */
export const REUSE_GRACE_WAIT_MS = 3000;
export const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR
  ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test-results");
mkdirSync(SCREENSHOTS, { recursive: true });

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Wait until the page shows `pathAndQuery`. Server Action redirects are
 * client-side navigations (no "load" event), hence "commit".
 */
export function atPath(target, pathAndQuery) {
  return target.waitForURL((url) => url.pathname + url.search === pathAndQuery, { waitUntil: "commit" });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST JSON straight to the Django API (not through Next.js). */
export async function apiPost(pathname, body) {
  const response = await fetch(API + pathname, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** GET JSON straight from the Django API with an access token. */
export async function apiGet(pathname, access) {
  const response = await fetch(API + pathname, { headers: { Authorization: `Bearer ${access}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A JWT's claims, unverified (e.g. the session id `sid` of a refresh token). */
export const jwtClaims = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));

/** Token cookies as the browser stores them. */
export async function tokenCookies(context) {
  const cookies = await context.cookies(WEB);
  return {
    access: cookies.find((c) => c.name === "access_token"),
    refresh: cookies.find((c) => c.name === "refresh_token"),
  };
}
