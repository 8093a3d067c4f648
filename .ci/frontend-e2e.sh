#!/usr/bin/env bash
# Frontend leg of CI: install, run the unit tests, check the generated API
# types against the Django schema, build the Next.js app, start an SMTP server
# that stores every mail in a Maildir (aiosmtpd), the real Django API (fresh
# SQLite database, mail over SMTP, EdDSA tokens) and `next start` on loopback,
# and run the browser tests (playwright-core + node --test, Debian's Chromium),
# which read the mail from that Maildir.
#
# The API signs with EdDSA, a key generated here, so the whole suite runs on
# tokens that proxy.ts verifies itself with jose against the API's JWK set,
# and e2e/jwks.alone.mjs checks that forged and expired cookies go to /login
# without a request to the API. The suite runs once: HS256 (the default, with
# an empty JWK set that proxy.ts leaves to the API) is covered by the Python
# tests and the unit tests of app/lib/access-token.ts; E2E_JWT_ALGORITHM=HS256
# runs this script on it (jwks.alone.mjs then skips).
#
# Usage: bash .ci/frontend-e2e.sh   (any cwd; as root in CI)
# Env:   PYTHON (default $REPO/.venv/bin/python), API_PORT (8010), WEB_PORT (3010),
#        SMTP_PORT (8025), CHROMIUM_PATH (/usr/bin/chromium),
#        E2E_JWT_ALGORITHM (EdDSA, or HS256)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND="$REPO/frontend"
PYTHON="${PYTHON:-$REPO/.venv/bin/python}"
API_PORT="${API_PORT:-8010}"
WEB_PORT="${WEB_PORT:-3010}"
SMTP_PORT="${SMTP_PORT:-8025}"
E2E_JWT_ALGORITHM="${E2E_JWT_ALGORITHM:-EdDSA}"
case "$E2E_JWT_ALGORITHM" in
  EdDSA | HS256) ;;
  *) echo "E2E_JWT_ALGORITHM must be EdDSA or HS256" >&2; exit 2 ;;
esac
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export NEXT_TELEMETRY_DISABLED=1
export API_BASE_URL="http://127.0.0.1:${API_PORT}"
export E2E_BASE_URL="http://127.0.0.1:${WEB_PORT}"

WORK="$(mktemp -d /tmp/frontend-e2e.XXXXXX)"
LOGS="$FRONTEND/test-results"
mkdir -p "$LOGS"

START=$SECONDS
LAST=$SECONDS
TIMINGS=()
step() { # step NAME: record the time since the previous step
  TIMINGS+=("$1=$((SECONDS - LAST))s")
  echo "== $1 done in $((SECONDS - LAST))s"
  LAST=$SECONDS
}

PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in smtp django next; do
      [ -f "$LOGS/$log.log" ] && { echo "--- tail of $log.log"; tail -n 40 "$LOGS/$log.log"; }
    done
  fi
  rm -rf "$WORK"
  echo "TIMING ${TIMINGS[*]:-} total=$((SECONDS - START))s"
  exit "$status"
}
trap cleanup EXIT

wait_for() { # wait_for URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "timeout waiting for $1" >&2; return 1; fi
    sleep 0.2
  done
}

wait_for_port() { # wait_for_port PORT SECONDS: until something listens on 127.0.0.1:PORT
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "timeout waiting for port $1" >&2; return 1; fi
    sleep 0.2
  done
}

# --- Chromium (Debian package; no browser download) ---------------------------
if [ ! -x "$CHROMIUM_PATH" ]; then
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3 4 5 6; do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; then break; fi
    [ "$attempt" -eq 6 ] && { echo "could not install chromium" >&2; exit 1; }
    echo "apt-get failed (dpkg lock?), retrying in 10s" >&2
    sleep 10
  done
fi
step chromium

# --- Install, types check, build ----------------------------------------------
cd "$FRONTEND"
npm ci --no-audit --no-fund
step npm_ci

bash scripts/test-unit.sh
step unit

PYTHON="$PYTHON" bash scripts/check-api-types.sh
step types_check

./node_modules/.bin/next build
step build

# --- Servers: single processes started directly, stopped by PID ---------------
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_SECRET_KEY="frontend-e2e-test-key"
export DJANGO_DEBUG=false
export JWT_ACCESS_LIFETIME_SECONDS=2
# A sign-in counts as proof of the password for this long: the browser test
# waits it out to see the API ask for the password again (email change).
export REAUTH_SECONDS=5
# Read by both servers: the API's reuse grace period, and how long Next.js
# answers for a refresh token it has just rotated.
export REFRESH_REUSE_GRACE_SECONDS=2
# Limits out of the tests' way, except the one the browser test checks:
# a fourth "Resend verification email" within the hour is refused (429).
export LOGIN_RATE_LIMIT="ip=1000/min,username=1000/15min,register=1000/h,reset=1000/h,reset_email=1000/h,password_change=1000/min,reauthenticate=1000/min,email_change=1000/h,verify_resend=3/h"
LOGIN_RATE_LIMIT="$LOGIN_RATE_LIMIT,mfa=1000/5min,passkey_sign_in=1000/min"
# Passkeys: the relying party is localhost (an IP address cannot be one), so
# the passkey test opens the app at http://localhost:$WEB_PORT.
export WEBAUTHN_RP_ID=localhost
export WEBAUTHN_ORIGINS="http://localhost:${WEB_PORT}"
# Mail: to the SMTP server below, sent inside the request (no task worker),
# with links to the Next.js app.
export EMAIL_URL="smtp://127.0.0.1:${SMTP_PORT}"
export TASKS_BACKEND=immediate
export FRONTEND_URL="$E2E_BASE_URL"
export E2E_MAILDIR="$WORK/maildir"
# The local-memory cache, not a Redis an earlier CI step may have left in the env.
unset REDIS_URL
# The token cookies keep their production default, Secure, and the browser
# test checks it: Chromium treats http://127.0.0.1 (like http://localhost) as
# a secure context and stores and sends Secure cookies there.
unset COOKIE_SECURE
# Tokens: signed with a key made for this run (generated before JWT_ALGORITHM
# is set: settings refuse EdDSA without a key) and given to Django alone, in
# JWT_SIGNING_KEYS. Next.js needs no key, only the API's issuer and audience,
# which proxy.ts then requires of every token; it fetches the JWK set from
# API_BASE_URL + /.well-known/jwks.json. The browser test reads the key file,
# to sign an expired token with the API's own key.
unset JWT_ALGORITHM JWT_SIGNING_KEYS JWT_SIGNING_KEYS_FILE
JWT_KEY_FILE=""
SIGNING_KEYS=""
if [ "$E2E_JWT_ALGORITHM" != HS256 ]; then
  JWT_KEY_FILE="$WORK/jwt-keys.pem"
  (umask 077 && cd "$REPO" && "$PYTHON" manage.py jwt_keys generate --algorithm "$E2E_JWT_ALGORITHM" >"$JWT_KEY_FILE")
  SIGNING_KEYS="$(cat "$JWT_KEY_FILE")"
fi
export JWT_ALGORITHM="$E2E_JWT_ALGORITHM"
export JWT_ISSUER="$API_BASE_URL"
export JWT_AUDIENCE=api
(cd "$REPO" && JWT_SIGNING_KEYS="$SIGNING_KEYS" "$PYTHON" manage.py migrate --noinput >"$LOGS/migrate.log" 2>&1)
"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:${SMTP_PORT}" -c aiosmtpd.handlers.Mailbox "$E2E_MAILDIR" \
  >"$LOGS/smtp.log" 2>&1 &
PIDS+=($!)
# runserver logs one line per request (stderr), which jwks.alone.mjs counts.
JWT_SIGNING_KEYS="$SIGNING_KEYS" "$PYTHON" "$REPO/manage.py" runserver "127.0.0.1:${API_PORT}" --noreload \
  >"$LOGS/django.log" 2>&1 &
PIDS+=($!)
./node_modules/.bin/next start -H 127.0.0.1 -p "$WEB_PORT" >"$LOGS/next.log" 2>&1 &
PIDS+=($!)
wait_for_port "$SMTP_PORT" 30
wait_for "$API_BASE_URL/api/health/" 60
wait_for "$E2E_BASE_URL/login" 60
# The key set proxy.ts checks tokens against: the generated key, or empty for HS256.
curl -sf "$API_BASE_URL/.well-known/jwks.json" | "$PYTHON" -c '
import json, sys
keys, algorithm = json.load(sys.stdin)["keys"], sys.argv[1]
expected = [] if algorithm == "HS256" else [algorithm]
if [key["alg"] for key in keys] != expected:
    sys.exit(f"JWK set {keys} is not {expected}")
print("JWK set:", " ".join(key["alg"] + " " + key["kid"] for key in keys) or "empty")
' "$E2E_JWT_ALGORITHM"
step start

# --- Browser tests ------------------------------------------------------------
# Two test files at a time, whatever the core count: each has its own users
# and browser, and the lifecycle test runs while the session test waits for
# tokens to expire (about 15 s less on two cores). Then the *.alone.mjs files,
# one at a time with nothing else running: they count the API's requests in
# its log.
node --test --test-concurrency=2 e2e/
E2E_API_LOG="$LOGS/django.log" E2E_JWT_KEY_FILE="$JWT_KEY_FILE" node --test --test-concurrency=1 e2e/*.alone.mjs
step e2e
