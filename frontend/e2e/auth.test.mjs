// The whole journey of one user, in order, against the real Django API and
// `next start`. Run with `node --test e2e/` (see .ci/frontend-e2e.sh).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  ACCESS_EXPIRY_WAIT_MS, API, REUSE_GRACE_WAIT_MS, SCREENSHOTS, WEB, apiGet, apiPost, atPath, jwtClaims,
  launchBrowser, sleep, tokenCookies,
} from "./browser.mjs";

const username = `e2e_${Date.now().toString(36)}`;
const password = "Str0ng-passphrase!";
const TIMEOUT = 15_000;

let browser;
let context;
let page;

before(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

async function signIn(user = username, secret = password) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("a visitor without a session is sent from /dashboard to /login", async () => {
  await page.goto(`${WEB}/dashboard`);
  await atPath(page, `/login?next=%2Fdashboard`);
  await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, "login.png") });
});

test("registration shows the API's validation messages next to the fields", async () => {
  await page.goto(`${WEB}/register`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.com`);
  await page.getByLabel("Password").fill("12345678");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.locator("#password-errors").getByText("This password is entirely numeric.").waitFor();
  assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");
  await page.screenshot({ path: path.join(SCREENSHOTS, "register-errors.png") });
});

test("registering a user leads to the sign-in page", async () => {
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await atPath(page, `/login?registered=${username}`);
  await page.getByRole("status").getByText("Account created").waitFor();
});

test("a wrong password shows an alert and sets no cookie", async () => {
  await page.goto(`${WEB}/login?next=%2Fdashboard`);
  await signIn(username, "not-the-password");
  // Scoped to <main>: Next's route announcer is a role="alert" element too.
  const alert = page.getByRole("main").getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /Invalid username or password/);
  await page.screenshot({ path: path.join(SCREENSHOTS, "login-error.png") });
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
});

test("signing in lands on the dashboard", async () => {
  await signIn();
  await atPath(page, `/dashboard`);
  await page.getByText(`Signed in as ${username}`).waitFor();
});

test("tokens live in Secure HttpOnly SameSite=Lax cookies that JavaScript cannot read", async () => {
  const { access, refresh } = await tokenCookies(context);
  for (const cookie of [access, refresh]) {
    assert.ok(cookie, "token cookie missing");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    // The production default, kept over http://127.0.0.1 (see .ci/frontend-e2e.sh).
    assert.equal(cookie.secure, true);
  }
  const visible = await page.evaluate(() => [document.cookie, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })]);
  for (const text of visible) {
    assert.doesNotMatch(text, /access_token|refresh_token/);
    assert.ok(!text.includes(access.value) && !text.includes(refresh.value));
  }
  const html = await page.content();
  assert.ok(!html.includes(access.value) && !html.includes(refresh.value), "a token leaked into the page");
});

test("items: add two, page through them, delete one", async () => {
  const items = page.getByRole("list", { name: "Items" });
  for (const [name, description] of [["First item", "bought on Monday"], ["Second item", ""]]) {
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Description").fill(description);
    await page.getByRole("button", { name: "Add item" }).click();
    await items.getByText(name, { exact: true }).waitFor();
  }
  assert.equal(await items.getByRole("listitem").count(), 2);
  await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard.png") });

  // Cursor pagination, one item per page: newest first.
  await page.goto(`${WEB}/dashboard?page_size=1`);
  await items.getByText("Second item", { exact: true }).waitFor();
  await page.getByRole("link", { name: "Next page" }).click();
  await items.getByText("First item", { exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Next page" }).count(), 0);
  await page.getByRole("link", { name: "Previous page" }).click();
  await items.getByText("Second item", { exact: true }).waitFor();

  await page.goto(`${WEB}/dashboard`);
  await items.getByRole("listitem").filter({ hasText: "First item" }).getByRole("button", { name: "Delete" }).click();
  await items.getByText("First item", { exact: true }).waitFor({ state: "detached" });
  assert.equal(await items.getByRole("listitem").count(), 1);
  await page.reload();
  assert.deepEqual(await items.locator(".item-name").allInnerTexts(), ["Second item"]);
});

test("an expired access token is refreshed on the next page load (rotation)", async () => {
  const before = (await tokenCookies(context)).refresh.value;
  await sleep(ACCESS_EXPIRY_WAIT_MS);
  await page.goto(`${WEB}/dashboard`);
  await page.getByText(`Signed in as ${username}`).waitFor();
  assert.equal(new URL(page.url()).pathname, "/dashboard");
  const after = (await tokenCookies(context)).refresh.value;
  assert.notEqual(after, before, "the refresh token was not rotated");
  // The rotated-out token is dead.
  assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: before })).status, 401);
});

test("concurrent requests with an expired token share one refresh", async () => {
  await sleep(ACCESS_EXPIRY_WAIT_MS);
  const finalPaths = await page.evaluate(async () => {
    const responses = await Promise.all(
      ["/dashboard", "/account", "/dashboard?page_size=5", "/account?x=1"].map((url) => fetch(url)),
    );
    return responses.map((r) => `${r.status} ${new URL(r.url).pathname}`);
  });
  assert.deepEqual(finalPaths, ["200 /dashboard", "200 /account", "200 /dashboard", "200 /account"]);
  // Long past the API's reuse grace period: a racing refresh would have ended the session by now.
  // ...and a client-side navigation (an RSC request) refreshes as well.
  await sleep(ACCESS_EXPIRY_WAIT_MS);
  await page.getByRole("link", { name: "Account" }).click();
  await atPath(page, "/account");
  await page.getByRole("heading", { name: "Sessions" }).waitFor();
  await page.getByText(`Signed in as ${username}`).waitFor();
});

test("the account page lists the sessions", async () => {
  const sessions = page.getByRole("list", { name: "Sessions" });
  await sessions.getByText("This device").waitFor();
  assert.ok(await page.getByRole("button", { name: "Sign out everywhere" }).isVisible());
  await page.screenshot({ path: path.join(SCREENSHOTS, "account.png") });
});

test("sign out revokes the refresh token and returns to /login", async () => {
  const { refresh } = await tokenCookies(context);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await atPath(page, `/login`);
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
  assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: refresh.value })).status, 401);
  await page.goto(`${WEB}/dashboard`);
  await atPath(page, "/login?next=%2Fdashboard");
});

test("a refused refresh clears the cookies and lands on /login", async () => {
  await signIn();
  await atPath(page, `/dashboard`);
  const { refresh } = await tokenCookies(context);
  // End the session behind the app's back, then let the access token expire.
  assert.equal((await apiPost("/api/auth/logout/", { refresh: refresh.value })).status, 204);
  await sleep(ACCESS_EXPIRY_WAIT_MS);
  await page.goto(`${WEB}/dashboard`);
  await atPath(page, `/login?next=%2Fdashboard`);
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
});

test("a session the API ended is dropped on the next page load", async () => {
  await page.goto(`${WEB}/login`);
  await signIn();
  await atPath(page, "/dashboard");
  const { refresh } = await tokenCookies(context);
  assert.equal((await apiPost("/api/auth/logout/", { refresh: refresh.value })).status, 204);
  // Right away, while the access token may still be unexpired: Django rejects it (session
  // ended) and the app signs out; or the proxy's refresh is refused. Either way: /login.
  await page.goto(`${WEB}/dashboard`);
  await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("next") === "/dashboard");
  await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  assert.deepEqual(await tokenCookies(context), { access: undefined, refresh: undefined });
});

test("sign out everywhere ends every session", async () => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(`${WEB}/login`);
  await otherPage.getByLabel("Username").fill(username);
  await otherPage.getByLabel("Password").fill(password);
  await otherPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await atPath(otherPage, `/dashboard`);
  const otherRefresh = (await tokenCookies(other)).refresh.value;

  await page.goto(`${WEB}/login?next=%2Faccount`);
  await signIn();
  await atPath(page, `/account`);
  assert.equal(await page.getByRole("list", { name: "Sessions" }).getByRole("listitem").count(), 2);
  const { refresh } = await tokenCookies(context);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await atPath(page, `/login`);
  for (const token of [refresh.value, otherRefresh]) {
    assert.equal((await apiPost("/api/auth/token/refresh/", { refresh: token })).status, 401);
  }
  await other.close();
});

test("a rotated refresh token replayed after the API's grace period ends the session", async () => {
  // The victim signs in; a copy of the refresh cookie leaks.
  const victim = await browser.newContext();
  victim.setDefaultTimeout(TIMEOUT);
  const victimPage = await victim.newPage();
  await victimPage.goto(`${WEB}/login`);
  await victimPage.getByLabel("Username").fill(username);
  await victimPage.getByLabel("Password").fill(password);
  await victimPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await atPath(victimPage, "/dashboard");
  const stolen = (await tokenCookies(victim)).refresh;

  // The access token expires; the victim's next page load rotates the refresh token.
  await sleep(ACCESS_EXPIRY_WAIT_MS);
  await victimPage.goto(`${WEB}/dashboard`);
  await victimPage.getByText(`Signed in as ${username}`).waitFor();
  const newest = (await tokenCookies(victim)).refresh.value;
  assert.notEqual(newest, stolen.value, "the refresh token was not rotated");

  // Past the grace period, a fresh browser holding only the stolen cookie is sent to /login...
  await sleep(REUSE_GRACE_WAIT_MS);
  const thief = await browser.newContext();
  thief.setDefaultTimeout(TIMEOUT);
  await thief.addCookies([stolen]);
  const thiefPage = await thief.newPage();
  await thiefPage.goto(`${WEB}/dashboard`);
  await atPath(thiefPage, "/login?next=%2Fdashboard");
  assert.deepEqual(await tokenCookies(thief), { access: undefined, refresh: undefined });

  // ...and the API has revoked the session: the victim's newest token is refused as ended,
  const refused = await apiPost("/api/auth/token/refresh/", { refresh: newest });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.code, "session_ended");
  // and the session is gone from the user's list.
  const check = await apiPost("/api/auth/token/", { username, password });
  assert.equal(check.status, 200);
  const sessions = await apiGet("/api/auth/sessions/", check.body.access);
  assert.equal(sessions.status, 200);
  const ids = sessions.body.map((session) => session.id);
  assert.ok(ids.includes(jwtClaims(check.body.refresh).sid), "the list does not show live sessions");
  assert.ok(!ids.includes(jwtClaims(newest).sid), "the replayed session is still active");
  assert.equal((await apiPost("/api/auth/logout/", { refresh: check.body.refresh })).status, 204);
  await thief.close();
  await victim.close();
});
