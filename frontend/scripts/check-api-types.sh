#!/usr/bin/env bash
# Fail when openapi/schema.json or openapi/schema.d.ts differ from what the
# Django project generates now. Fix with: npm run gen:schema && npm run gen:api
set -euo pipefail
FRONTEND="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$FRONTEND/.." && pwd)"
PYTHON="${PYTHON:-$REPO/.venv/bin/python}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

(cd "$REPO" && DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-schema-check}" \
  "$PYTHON" manage.py spectacular --format openapi-json --file "$TMP/schema.json")
"$FRONTEND/node_modules/.bin/openapi-typescript" "$TMP/schema.json" -o "$TMP/schema.d.ts" >/dev/null

status=0
for file in schema.json schema.d.ts; do
  if ! cmp -s "$TMP/$file" "$FRONTEND/openapi/$file"; then
    echo "frontend/openapi/$file is out of date with the Django schema:" >&2
    diff -u "$FRONTEND/openapi/$file" "$TMP/$file" | head -40 >&2 || true
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "Regenerate: (cd frontend && npm run gen:schema && npm run gen:api), then commit both files." >&2
  exit 1
fi
echo "API types match the schema the backend serves."
