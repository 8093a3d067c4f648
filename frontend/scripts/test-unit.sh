#!/usr/bin/env bash
# Unit tests of the app's pure modules, without a browser or servers.
#
# Node 20 cannot import .ts files, so the modules listed in
# tsconfig.unit.json are compiled by the project's own tsc to CommonJS in a
# temporary directory inside node_modules/.cache (inside the project, so
# their imports of packages such as openapi-fetch still resolve), and
# `node --test unit/` loads them from there (UNIT_BUILD_DIR).
set -euo pipefail
FRONTEND="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$FRONTEND/node_modules/.cache"
BUILD="$(mktemp -d "$FRONTEND/node_modules/.cache/unit.XXXXXX")"
trap 'rm -rf "$BUILD"' EXIT

"$FRONTEND/node_modules/.bin/tsc" -p "$FRONTEND/tsconfig.unit.json" --outDir "$BUILD"
# package.json says "type": "module"; the compiled files are CommonJS.
echo '{"type": "commonjs"}' >"$BUILD/package.json"
cd "$FRONTEND"
UNIT_BUILD_DIR="$BUILD" node --test "unit/"
