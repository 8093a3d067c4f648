// Two-factor sign-in and passkeys, one user in order: an authenticator app
// set up from the secret the page shows (codes computed here, RFC 6238),
// sign-in with a code and with recovery codes, new recovery codes, the app
// turned off, a passkey added, sign-in with the passkey alone and as the
// second step, a passkey that cannot verify its user, and the passkey
// removed. With a factor on, re-authentication (the prompt of
// app/components/ReauthFields.tsx) takes the password and a code (the app's,
// or a recovery code), or a passkey alone; never the password alone.
//
// Passkeys come from Chromium's virtual authenticator (CDP WebAuthn domain).
// Their relying party is `localhost` (never an IP address), so this test
// opens the app at http://localhost:<port>, and the API runs with
// WEBAUTHN_RP_ID=localhost and WEBAUTHN_ORIGINS=http://localhost:<port>
// (.ci/frontend-e2e.sh).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { SCREENSHOTS, WEB, apiPost, atPath, jwtClaims, launchBrowser, sleep } from "./browser.mjs";
import { nextTimeStep, timeStep, totp } from "./totp.mjs";

/** The app at localhost: the origin passkeys are bound to. */
const APP = (() => {
  const url = new URL(process.env.E2E_PASSKEY_BASE_URL ?? WEB);
  url.hostname = "localhost";
  return url.origin;
})();
const username = `mfa_${Date.now().toString(36)}`;
const password = "Str0ng-passphrase!";
const TIMEOUT = 15_000;
/** Longer than the API's REAUTH_SECONDS (5 in .ci/frontend-e2e.sh). */
const REAUTH_WAIT_MS = Number(process.env.E2E_REAUTH_WAIT_MS ?? 5500);

const WRONG_CODE = "The code is wrong or has already been used.";
const WRONG_PASSWORD = "The password is not correct.";
/** The API's answer to the password alone when two-factor sign-in is on (mfa/reauthentication.py). */
const CODE_NEEDED =
  "Two-factor sign-in is on: send a code from your authenticator app or a recovery code as well, or use a passkey.";
const PASSKEY_NOT_ALLOWED =
  "The passkey was not used: the request was cancelled or timed out, or your device could not verify you.";

let browser;
let context;
let page;
let cdp;
let authenticatorId;
/** The app's secret, whether it is on, the last time step whose code the API took, and the recovery codes. */
let secret;
let appOn = false;
let lastStep;
let recoveryCodes;
/** When this browser last proved the password (sign-in or re-authentication). */
let provedAt = 0;

before(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  ({ authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
  const registered = await apiPost("/api/auth/register/", { username, password });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
});

after(async () => {
  await browser?.close();
});

const shot = (name) => page.screenshot({ path: path.join(SCREENSHOTS, `mfa-${name}.png`), fullPage: true });
const section = (name) => page.getByRole("region", { name, exact: true });
/** The page's own alerts (Next's route announcer is a role="alert" element too). */
const alertIn = (scope = page.getByRole("main")) => scope.getByRole("alert");

async function signInWithPassword() {
  await page.goto(`${APP}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await atPath(page, "/login");
}

async function openSecurityPage() {
  await page.goto(`${APP}/dashboard`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Security" }).click();
  await atPath(page, "/account/security");
  await page.getByRole("heading", { name: "Two-factor sign-in and passkeys" }).waitFor();
}

/**
 * The code of the first time step after the last one the API took: it takes
 * each step once, and only a later one, within one step either side of its
 * clock; so at most one step ahead of now, waiting when that is not enough.
 */
async function nextCode() {
  if (lastStep + 1 > timeStep() + 1) await nextTimeStep(lastStep - 1);
  lastStep = Math.max(lastStep + 1, timeStep());
  return totp(secret, lastStep);
}

/** A second factor's code for the prompt: the app's next one while it is on, else a recovery code (spent). */
const promptCode = () => (appOn ? nextCode() : recoveryCodes.shift());

/**
 * Wait for `done` in `scope`; whenever the API wants the user to prove who
 * they are again first (the session proved it more than REAUTH_SECONDS
 * ago), answer the prompt: the password, and a code when it asks for one
 * (two-factor sign-in on). Return how many times it asked.
 */
async function answeringPrompt(scope, done) {
  const prompt = scope.getByLabel("Password", { exact: true });
  let asked = 0;
  for (;;) {
    await done.or(prompt).first().waitFor();
    if (await done.first().isVisible()) return asked;
    assert.ok(++asked <= 2, "the password was asked for again and again");
    await prompt.fill(password);
    const code = scope.getByLabel("Authentication code", { exact: true });
    if (await code.count()) await code.fill(await promptCode());
    await scope.getByRole("button", { name: /^Confirm( password)?$/ }).click();
    provedAt = Date.now();
    await Promise.race([done.first().waitFor(), prompt.waitFor({ state: "detached" })]);
  }
}

/**
 * Wait for `message` in the error list under `field`: the list the field
 * names in aria-describedby, which it marks invalid.
 */
async function errorUnder(field, message) {
  const list = page.locator("ul.field-errors").filter({ hasText: message });
  await list.waitFor();
  const id = await list.getAttribute("id");
  const describedBy = ((await field.getAttribute("aria-describedby")) ?? "").split(/\s+/);
  assert.ok(describedBy.includes(id), `"${message}" (#${id}) is not the field's error list: ${describedBy}`);
  assert.equal(await field.getAttribute("aria-invalid"), "true");
}

/** Past REAUTH_SECONDS since the password was last proved: the next factor change must ask for it. */
async function staleSession() {
  await sleep(Math.max(0, provedAt + REAUTH_WAIT_MS - Date.now()));
}

/** The recovery codes on screen, after checking there are ten; then "I have saved these codes". */
async function saveRecoveryCodes(scope) {
  const list = scope.getByRole("list", { name: "Recovery codes" });
  await list.waitFor();
  const codes = (await list.getByRole("listitem").allInnerTexts()).map((code) => code.trim());
  assert.equal(codes.length, 10);
  for (const code of codes) assert.match(code, /^[a-z0-9]{5}-[a-z0-9]{5}$/);
  return codes;
}

async function dismissRecoveryCodes(scope) {
  await scope.getByRole("button", { name: "I have saved these codes" }).click();
  await scope.getByRole("list", { name: "Recovery codes" }).waitFor({ state: "detached" });
}

/** A 6-digit code that no step the API accepts now (this one, and one either side) produces. */
function wrongCode(step) {
  const accepted = [step - 1, step, step + 1, step + 2].map((s) => totp(secret, s));
  for (let s = step + 10; ; s++) {
    const code = totp(secret, s);
    if (!accepted.includes(code)) return code;
  }
}

/** The token cookies of the app at localhost. */
async function tokenCookies() {
  const cookies = await context.cookies(APP);
  return {
    access: cookies.find((c) => c.name === "access_token"),
    refresh: cookies.find((c) => c.name === "refresh_token"),
  };
}

/** The `amr` claim (RFC 8176) of this browser's session: how its user proved who they are. */
async function sessionAmr() {
  const { access } = await tokenCookies();
  return jwtClaims(access.value).amr;
}

test("the security page sets up an authenticator app from its QR code and secret, and shows the recovery codes once", async () => {
  // Another session, opened before the app: a factor change signs it out.
  const other = await apiPost("/api/auth/token/", { username, password });
  assert.equal(other.status, 200);

  await signInWithPassword();
  await atPath(page, "/dashboard");
  provedAt = Date.now();
  await page.goto(`${APP}/account`);
  const summary = section("Two-factor sign-in");
  await summary.getByText("Off", { exact: true }).waitFor();
  await summary.getByRole("link", { name: "Manage two-factor sign-in and passkeys" }).click();
  await atPath(page, "/account/security");

  const app = section("Authenticator app");
  await app.getByText("Off", { exact: true }).waitFor();
  await section("Recovery codes").getByText("You get recovery codes with your first").waitFor();
  await app.getByRole("button", { name: "Set up authenticator app" }).click();
  const shownSecret = app.locator("#totp-secret");
  await answeringPrompt(app, shownSecret);
  await app.getByRole("img", { name: "QR code for your authenticator app" }).locator("svg").waitFor();
  secret = (await shownSecret.innerText()).replace(/\s+/g, "");
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await shot("totp-scan");

  // A wrong code is refused next to the field; the setup goes on.
  const code = app.getByLabel("Code", { exact: true });
  await code.fill(wrongCode(timeStep()));
  await app.getByRole("button", { name: "Confirm", exact: true }).click();
  await answeringPrompt(app, app.locator("#totp-code-errors").getByText(WRONG_CODE));
  await shot("totp-wrong-code");

  lastStep = timeStep();
  await code.fill(totp(secret, lastStep));
  await app.getByRole("button", { name: "Confirm", exact: true }).click();
  await answeringPrompt(app, app.getByRole("list", { name: "Recovery codes" }));
  appOn = true;
  recoveryCodes = await saveRecoveryCodes(app);
  await app.getByRole("status").getByText("The authenticator app is on.").waitFor();
  await shot("totp-recovery-codes");
  await dismissRecoveryCodes(app);
  await app.getByText("On", { exact: true }).waitFor();
  await app.getByRole("button", { name: "Turn off" }).waitFor();
  await section("Recovery codes").getByText("10 recovery codes left.").waitFor();
  await shot("totp-on");

  // The other session is over; this one goes on.
  assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: other.body.refresh })).status, 401);
  await page.reload();
  await page.getByText(`Signed in as ${username}`).waitFor();
});

test("signing in takes the password, then a code from the app; a code already used is refused, the sign-in goes on", async () => {
  await signOut();
  await signInWithPassword();
  const field = page.getByLabel("Authentication code");
  await field.waitFor();
  await page.getByText(`Signing in as ${username}`).waitFor();
  // Half signed in: no session cookie, and the API's mfa_token out of JavaScript's reach.
  const cookies = await context.cookies(`${APP}/login`);
  assert.deepEqual(cookies.filter((c) => c.name.endsWith("_token")), []);
  const pending = cookies.find((c) => c.name === "mfa_pending");
  assert.ok(pending?.httpOnly, "the mfa_token is not in an HttpOnly cookie");
  assert.equal(pending.sameSite, "Strict");
  assert.equal(pending.path, "/login");
  assert.equal(await page.evaluate(() => document.cookie), "");
  await shot("sign-in-code");

  // The code that turned the app on: its time step is spent.
  await field.fill(totp(secret, lastStep));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.locator("#code-errors").getByText(WRONG_CODE).waitFor();
  await shot("sign-in-code-used");

  lastStep = await nextTimeStep(lastStep);
  await field.fill(totp(secret, lastStep));
  await page.getByRole("button", { name: "Verify" }).click();
  await atPath(page, "/dashboard");
  provedAt = Date.now();
  assert.deepEqual(await sessionAmr(), ["pwd", "otp", "mfa"]);
  assert.equal((await context.cookies(`${APP}/login`)).find((c) => c.name === "mfa_pending"), undefined);
});

test("a recovery code signs in once; used again it is refused with a message", async () => {
  await signOut();
  await signInWithPassword();
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  const field = page.getByLabel("Recovery code");
  await field.fill(recoveryCodes[0]);
  await shot("sign-in-recovery-code");
  await page.getByRole("button", { name: "Verify" }).click();
  await atPath(page, "/dashboard");

  await signOut();
  await signInWithPassword();
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await field.fill(recoveryCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.locator("#code-errors").getByText(WRONG_CODE).waitFor();
  await shot("sign-in-recovery-code-used");
  await field.fill(recoveryCodes[1]);
  await page.getByRole("button", { name: "Verify" }).click();
  await atPath(page, "/dashboard");
  provedAt = Date.now();

  await openSecurityPage();
  await section("Recovery codes").getByText("8 recovery codes left.").waitFor();
});

test("the account page's prompt asks for the code too (Delete account)", async () => {
  await page.goto(`${APP}/account`);
  const zone = section("Delete account");
  await zone.getByRole("button", { name: "Delete account" }).click();
  await zone.getByLabel("Password", { exact: true }).waitFor();
  await zone.getByLabel("Authentication code", { exact: true }).waitFor();
  await zone.getByText("Two-factor sign-in is on: enter a code from your authenticator app or a recovery code as well.").waitFor();
  // The app only: no passkey to offer.
  assert.equal(await zone.getByRole("button", { name: "Use a passkey instead" }).count(), 0);
  await zone.screenshot({ path: path.join(SCREENSHOTS, "mfa-delete-account-prompt.png") });
  await zone.getByRole("button", { name: "Cancel" }).click();
  await zone.getByRole("button", { name: "Delete account" }).waitFor();
  await openSecurityPage();
});

test("new recovery codes take the password and a code again, never the password alone, and replace the old ones", async () => {
  await staleSession();
  const codes = section("Recovery codes");
  await codes.getByRole("button", { name: "New recovery codes" }).click();
  const prompt = codes.getByLabel("Password", { exact: true });
  const code = codes.getByLabel("Authentication code", { exact: true });
  const confirm = codes.getByRole("button", { name: "Confirm", exact: true });
  await code.waitFor();
  assert.equal(await codes.getByRole("button", { name: "Use a passkey instead" }).count(), 0);

  // A wrong password: under the password, whatever the code.
  await prompt.fill("not-the-password");
  await code.fill(wrongCode(timeStep()));
  await confirm.click();
  await codes.locator("#codes-password-errors").getByText(WRONG_PASSWORD).waitFor();
  await errorUnder(prompt, WRONG_PASSWORD);
  assert.equal(await codes.locator("#codes-code-errors").count(), 0);
  await shot("recovery-codes-password");

  // The right password alone: refused, the API's words under the code.
  await prompt.fill(password);
  await confirm.click();
  await codes.locator("#codes-code-errors").getByText(CODE_NEEDED).waitFor();
  await errorUnder(code, CODE_NEEDED);
  assert.equal(await codes.locator("#codes-password-errors").count(), 0);
  await shot("recovery-codes-password-alone");

  // The right password and a wrong code: refused under the code.
  await prompt.fill(password);
  await code.fill(wrongCode(timeStep()));
  await confirm.click();
  await codes.locator("#codes-code-errors").getByText(WRONG_CODE).waitFor();
  await errorUnder(code, WRONG_CODE);
  await shot("recovery-codes-wrong-code");

  // The password and the app's next code.
  await prompt.fill(password);
  await code.fill(await nextCode());
  await confirm.click();
  provedAt = Date.now();
  const fresh = await saveRecoveryCodes(codes);
  assert.equal(fresh.filter((code) => recoveryCodes.includes(code)).length, 0);
  await shot("recovery-codes-new");
  await dismissRecoveryCodes(codes);
  await codes.getByText("10 recovery codes left.").waitFor();

  // An old, unused code no longer finishes a sign-in.
  const started = await apiPost("/api/auth/token/", { username, password });
  assert.equal(started.body.mfa_required, true);
  const old = await apiPost("/api/auth/mfa/verify/", { mfa_token: started.body.mfa_token, code: recoveryCodes[2] });
  assert.deepEqual([old.status, old.body], [400, { code: [WRONG_CODE] }]);
  recoveryCodes = fresh;
});

test("Turn off takes the password and a recovery code, and removes the authenticator app and its recovery codes", async () => {
  await staleSession();
  const app = section("Authenticator app");
  await app.getByRole("button", { name: "Turn off" }).click();
  await app.getByLabel("Password", { exact: true }).fill(password);
  await app.getByLabel("Authentication code", { exact: true }).fill(recoveryCodes.shift());
  await shot("totp-off-recovery-code");
  await app.getByRole("button", { name: "Confirm", exact: true }).click();
  provedAt = Date.now();
  await app.getByRole("button", { name: "Set up authenticator app" }).waitFor();
  appOn = false;
  await app.getByText("Off", { exact: true }).waitFor();
  await section("Recovery codes").getByText("You get recovery codes with your first").waitFor();
  await shot("totp-off");
});

test("a passkey added as the first factor comes with recovery codes, shown once", async () => {
  const passkeys = section("Passkeys");
  await passkeys.getByText("No passkeys yet.").waitFor();
  await passkeys.getByLabel("Name", { exact: true }).fill("Test passkey");
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await answeringPrompt(passkeys, passkeys.getByRole("list", { name: "Recovery codes" }));
  recoveryCodes = await saveRecoveryCodes(passkeys);
  await passkeys.getByRole("status").getByText("Passkey “Test passkey” added.").waitFor();
  const list = passkeys.getByRole("list", { name: "Passkeys" });
  await list.getByText("Test passkey").waitFor();
  await shot("passkey-added");
  await dismissRecoveryCodes(passkeys);
  await section("Recovery codes").getByText("10 recovery codes left.").waitFor();

  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, "the passkey is not discoverable");
  assert.equal(credentials[0].rpId, "localhost");
});

test("Sign in with a passkey needs no username or password", async () => {
  await signOut();
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await atPath(page, "/dashboard");
  // The API counts a new session as fresh, whatever opened it.
  provedAt = Date.now();
  const amr = await sessionAmr();
  assert.ok(!amr.includes("pwd") && amr.includes("mfa") && (amr.includes("hwk") || amr.includes("swk")), String(amr));
  await shot("passkey-signed-in");
  await openSecurityPage();
  await section("Passkeys").getByText(/last used/).waitFor();
});

test("after the password, the passkey also serves as the second step", async () => {
  await signOut();
  await signInWithPassword();
  // No app: the field takes a recovery code, and the passkey is offered.
  await page.getByLabel("Recovery code").waitFor();
  await shot("sign-in-second-step-passkey");
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await atPath(page, "/dashboard");
  provedAt = Date.now();
  const amr = await sessionAmr();
  assert.equal(amr[0], "pwd");
  assert.ok(amr.includes("mfa") && (amr.includes("hwk") || amr.includes("swk")), String(amr));
});

test("a passkey that cannot verify its user fails with a message, and nothing is signed in", async () => {
  await signOut();
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
  try {
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    const button = page.getByRole("button", { name: "Sign in with a passkey" });
    await button.click();
    await alertIn().getByText(PASSKEY_NOT_ALLOWED).waitFor();
    await shot("passkey-not-verified");
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.deepEqual(await tokenCookies(), { access: undefined, refresh: undefined });
    assert.deepEqual(errors, []);
    assert.equal(await button.isEnabled(), true);
  } finally {
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: true });
  }
});

test("Remove refuses the password alone, takes the passkey instead, and deletes it; the password alone signs in again", async () => {
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await atPath(page, "/dashboard");
  provedAt = Date.now();
  await openSecurityPage();
  await staleSession();
  const passkeys = section("Passkeys");
  const item = passkeys.getByRole("listitem").filter({ hasText: "Test passkey" });
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  const signCount = credentials[0].signCount;
  await item.getByRole("button", { name: "Remove" }).click();
  // Past REAUTH_SECONDS: the prompt, with the recovery codes' field and the passkey.
  const prompt = item.getByLabel("Password", { exact: true });
  const code = item.getByLabel("Authentication code", { exact: true });
  await code.waitFor();
  await item.getByText("or use a passkey instead.").waitFor();
  await prompt.fill(password);
  await item.getByRole("button", { name: "Confirm", exact: true }).click();
  await errorUnder(code, CODE_NEEDED);
  await shot("passkey-remove-password-alone");

  await item.getByRole("button", { name: "Use a passkey instead" }).click();
  await passkeys.getByText("No passkeys yet.").waitFor();
  provedAt = Date.now();
  // The passkey signed one more challenge: the re-authentication's.
  const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.ok(after.credentials[0].signCount > signCount, `sign count ${after.credentials[0].signCount} <= ${signCount}`);
  await section("Recovery codes").getByText("You get recovery codes with your first").waitFor();
  await shot("passkey-removed");

  await signOut();
  await signInWithPassword();
  await atPath(page, "/dashboard");
  assert.deepEqual(await sessionAmr(), ["pwd"]);
});
