// The account lifecycle of one user, in order, with real mail: email
// verification, password reset, profile, password change, email change and
// deletion. The API sends its mail over SMTP to the Maildir that
// .ci/frontend-e2e.sh hands over in E2E_MAILDIR; the links are opened from
// the mail as a user would.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { SCREENSHOTS, WEB, apiPost, atPath, launchBrowser, sleep, tokenCookies } from "./browser.mjs";
import { MAILDIR, linkIn, mailsTo, waitForMail } from "./mail.mjs";

const stamp = Date.now().toString(36);
const username = `life_${stamp}`;
const email = `${username}@example.com`;
const newEmail = `new_${stamp}@example.net`;
const firstPassword = "Str0ng-passphrase!";
const resetPassword = "Reset-passphrase-42";
const changedPassword = "Changed-passphrase-77";
const TIMEOUT = 15_000;
/** Longer than the API's REAUTH_SECONDS (5 in .ci/frontend-e2e.sh): a session's sign-in no longer counts as proof. */
const REAUTH_WAIT_MS = Number(process.env.E2E_REAUTH_WAIT_MS ?? 5500);

const SUBJECT = {
  verify: "Verify your email address",
  reset: "Reset your password",
  change: "Confirm your new email address",
  changed: "Your email address was changed",
  deleted: "Your account was deleted",
};

let browser;
let context;
let page;
/** When the current session was opened (a sign-in or a password change counts as proof of the password). */
let sessionOpenedAt;

before(async () => {
  assert.ok(MAILDIR, "E2E_MAILDIR is not set: run the API with an SMTP sink (see .ci/frontend-e2e.sh)");
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

const shot = (name, options = {}) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `lifecycle-${name}.png`), fullPage: true, ...options });
const section = (name) => page.getByRole("region", { name, exact: true });
/** The page's own alerts (Next's route announcer is a role="alert" element too). */
const alertIn = (scope = page.getByRole("main")) => scope.getByRole("alert");

async function signIn(password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** No page keeps a token or a key where browser JavaScript can read it. */
async function assertNothingStored() {
  const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
  assert.deepEqual(stored, [0, 0, ""]);
}

/** Open a link from a mail; it must point at this app. */
async function open(link) {
  assert.equal(link.origin, WEB, `the mail links to ${link.origin}, not to the app`);
  await page.goto(link.href);
}

test("registering with an email mails a verification link", async () => {
  await page.goto(`${WEB}/register`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(firstPassword);
  await page.getByRole("button", { name: "Create account" }).click();
  await atPath(page, `/login?registered=${username}`);
  const mail = await waitForMail(email, { subject: SUBJECT.verify });
  assert.match(mail.text, new RegExp(`Hello ${username}`));
  linkIn(mail, "/verify-email");
});

test("the dashboard asks to verify the address; Resend mails a new link, three times an hour", async () => {
  await signIn(firstPassword);
  await atPath(page, "/dashboard");
  const banner = section("Verify your email address");
  await banner.getByText(email).waitFor();
  await shot("dashboard-unverified", { fullPage: false });

  const resend = banner.getByRole("button", { name: "Resend verification email" });
  for (const count of [2, 3, 4]) {
    await resend.click();
    await waitForMail(email, { subject: SUBJECT.verify, count });
    await banner.getByRole("status").getByText("If your address is not verified yet, a link is on its way.").waitFor();
    if (count === 2) await shot("dashboard-resent", { fullPage: false });
  }
  await resend.click();
  await alertIn(banner).getByText("Too many requests, try later.").waitFor();
  await shot("dashboard-resend-throttled", { fullPage: false });
  assert.equal((await mailsTo(email)).length, 4, "a refused resend sent a mail");
});

test("the newest link verifies the address, the banner goes, and a used link says why it fails", async () => {
  const [first, , , newest] = await mailsTo(email);
  await open(linkIn(newest, "/verify-email"));
  await page.getByRole("heading", { name: "Email verified" }).waitFor();
  await shot("verify-email-ok");
  await assertNothingStored();

  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await atPath(page, "/dashboard");
  await page.getByRole("heading", { name: "New item" }).waitFor();
  assert.equal(await section("Verify your email address").count(), 0, "the banner is still there");

  // Any older link is spent now too.
  await open(linkIn(first, "/verify-email"));
  await page.getByRole("heading", { name: "Email not verified" }).waitFor();
  await alertIn().getByText("This link is invalid, has expired or has already been used.").waitFor();
  await shot("verify-email-used");
});

test("forgot password: the same answer for any address, and a reset mail for the real one", async () => {
  await page.goto(`${WEB}/dashboard`);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await atPath(page, "/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await atPath(page, "/forgot-password");

  const sent = page.getByRole("status").getByText("If an account uses this email, a reset link is on its way.");
  const unknown = `nobody_${stamp}@example.com`;
  await page.getByLabel("Email").fill(unknown);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await sent.waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await waitForMail(email, { subject: SUBJECT.reset });
  await sent.waitFor();
  await shot("forgot-password");
  assert.deepEqual(await mailsTo(unknown), []);
});

test("the reset link sets a new password: mismatch and weak passwords are refused first", async () => {
  const link = linkIn(await waitForMail(email, { subject: SUBJECT.reset }), "/reset-password");
  assert.ok(link.searchParams.get("uid") && link.searchParams.get("token"), link.href);
  await open(link);
  const newPassword = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm password", { exact: true });
  const submit = page.getByRole("button", { name: "Set password" });

  await newPassword.fill(resetPassword);
  await confirm.fill(`${resetPassword}x`);
  await submit.click();
  await page.locator("#confirm-password-errors").getByText("The two passwords do not match.").waitFor();

  await newPassword.fill("12345678");
  await confirm.fill("12345678");
  await submit.click();
  await page.locator("#new-password-errors").getByText("This password is entirely numeric.").waitFor();
  assert.equal(await newPassword.getAttribute("aria-invalid"), "true");
  await shot("reset-password-errors");
  await assertNothingStored();

  await newPassword.fill(resetPassword);
  await confirm.fill(resetPassword);
  await submit.click();
  await atPath(page, "/login?reset=1");
  await page.getByRole("status").getByText("Your password was changed. Sign in with the new one.").waitFor();
  await shot("login-after-reset");

  // The link worked once: the token is derived from the password it replaced.
  await open(link);
  await newPassword.fill("Another-passphrase-9");
  await confirm.fill("Another-passphrase-9");
  await submit.click();
  await alertIn().getByText("The reset link is invalid or has expired.").waitFor();
  await shot("reset-password-used");
});

test("only the new password signs in after the reset", async () => {
  await page.goto(`${WEB}/login`);
  await signIn(firstPassword);
  await alertIn().getByText("Invalid username or password.").waitFor();
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
  await signIn(resetPassword);
  await atPath(page, "/dashboard");
  sessionOpenedAt = Date.now();
});

test("the profile name is saved and shown after a reload", async () => {
  await page.goto(`${WEB}/account`);
  const profile = section("Profile");
  await profile.getByLabel("First name").fill("Ada");
  await profile.getByLabel("Last name").fill("Lovelace");
  await profile.getByRole("button", { name: "Save" }).click();
  await profile.getByRole("status").getByText("Profile saved.").waitFor();
  await page.reload();
  assert.equal(await section("Profile").getByLabel("First name").inputValue(), "Ada");
  assert.equal(await section("Profile").getByLabel("Last name").inputValue(), "Lovelace");
  await section("Account").getByText("Ada Lovelace").waitFor();
});

test("changing the password on /account keeps this browser signed in", async () => {
  const form = section("Change password");
  const fill = async (current, next, again = next) => {
    await form.getByLabel("Current password", { exact: true }).fill(current);
    await form.getByLabel("New password", { exact: true }).fill(next);
    await form.getByLabel("Confirm new password", { exact: true }).fill(again);
    await form.getByRole("button", { name: "Change password" }).click();
  };
  await fill("not-the-password", changedPassword);
  await form.locator("#old-password-errors").getByText("The old password is not correct.").waitFor();

  const before = (await tokenCookies(context)).refresh.value;
  await fill(resetPassword, changedPassword);
  await form.getByRole("status").getByText("Password changed.").waitFor();
  sessionOpenedAt = Date.now();
  const after = (await tokenCookies(context)).refresh.value;
  assert.notEqual(after, before, "the new token pair was not stored");
  // The API ended the old session, this one's included: its refresh token is dead.
  assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: before })).status, 401);
  await shot("account-password-changed");

  await page.reload();
  await page.getByText(`Signed in as ${username}`).waitFor();
  assert.equal(new URL(page.url()).pathname, "/account");
  // One session left, this browser's, recorded as the browser (not as the Next.js server).
  const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
  assert.equal(await sessions.count(), 1);
  assert.match(await sessions.innerText(), /Headless Chrome on Linux\s*This device/);
});

test("changing the email asks for the password again, then mails the new address", async () => {
  // Past REAUTH_SECONDS since the session opened, and past the access token's lifetime:
  // the next page load also refreshes the pair the password change stored.
  await sleep(Math.max(0, sessionOpenedAt + REAUTH_WAIT_MS - Date.now()));
  await page.goto(`${WEB}/account`);
  await page.getByText(`Signed in as ${username}`).waitFor();

  const form = section("Change email");
  await form.getByLabel("New email").fill(newEmail);
  await form.getByRole("button", { name: "Change email" }).click();
  const password = form.getByLabel("Password", { exact: true });
  await password.waitFor();
  assert.equal(await form.getByLabel("New email").inputValue(), newEmail);
  // No second factor: the password alone, no code and no passkey asked.
  assert.equal(await form.getByLabel("Authentication code").count(), 0);
  assert.equal(await form.getByRole("button", { name: "Use a passkey instead" }).count(), 0);
  await shot("account-email-reauthenticate");

  // Cancel goes back to the address; asking again asks for the password again.
  await form.getByRole("button", { name: "Cancel" }).click();
  await password.waitFor({ state: "detached" });
  assert.equal(await form.getByLabel("New email").getAttribute("readonly"), null);
  await form.getByRole("button", { name: "Change email" }).click();

  await password.fill("not-the-password");
  await form.getByRole("button", { name: "Confirm password" }).click();
  await form.locator("#email-password-errors").getByText("The password is not correct.").waitFor();
  await password.fill(changedPassword);
  await form.getByRole("button", { name: "Confirm password" }).click();
  await form.getByRole("status").getByText("Check your new inbox").waitFor();
  await shot("account-email-sent");
  await waitForMail(newEmail, { subject: SUBJECT.change });
});

test("the link at the new address changes it, and the old address is told", async () => {
  const mail = await waitForMail(newEmail, { subject: SUBJECT.change });
  await open(linkIn(mail, "/confirm-email-change"));
  await page.getByRole("heading", { name: "Email changed" }).waitFor();
  await shot("confirm-email-change");
  await assertNothingStored();

  const notice = await waitForMail(email, { subject: SUBJECT.changed });
  assert.ok(notice.text.includes(`n***@example.net`), notice.text);
  assert.match(notice.text, /reset your password/);

  // This browser asked for the change, so its session lives on.
  await page.getByRole("link", { name: "Go to your account" }).click();
  await atPath(page, "/account");
  const facts = section("Account");
  await facts.getByText(newEmail).waitFor();
  await facts.getByText("Verified").waitFor();
});

test("deleting the account takes the password and a confirmation, then signs out", async () => {
  const { refresh } = await tokenCookies(context);
  const zone = section("Delete account");
  await zone.getByRole("button", { name: "Delete account" }).click();
  await zone.getByLabel("Password", { exact: true }).fill(changedPassword);
  await zone.getByRole("button", { name: "Confirm password" }).click();
  await zone.getByText("This cannot be undone.").waitFor();
  // Only the section: the password proof lasts REAUTH_SECONDS, keep this step short.
  await zone.screenshot({ path: path.join(SCREENSHOTS, "lifecycle-account-delete-confirm.png") });
  await zone.getByRole("button", { name: "Delete my account" }).click();

  await atPath(page, "/?deleted=1");
  await page.getByRole("status").getByText("Your account was deleted").waitFor();
  await shot("home-after-delete");
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
  assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: refresh.value })).status, 401);
  await waitForMail(newEmail, { subject: SUBJECT.deleted });

  await page.getByRole("link", { name: "Sign in" }).click();
  await atPath(page, "/login");
  await signIn(changedPassword);
  await alertIn().getByText("Invalid username or password.").waitFor();
});
