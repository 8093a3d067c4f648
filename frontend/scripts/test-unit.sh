#!/usr/bin/env bash
# Unit tests of the app's pure modules, without a browser or servers.
#
# Node 20 cannot import .ts files, so scripts/build-unit.mjs transpiles the
# modules under test with the project's TypeScript to CommonJS in a temporary
# directory inside node_modules/.cache (inside the project, so their imports
# of packages such as openapi-fetch still resolve), and `node --test unit/`
# loads them from there (UNIT_BUILD_DIR).
set -euo pipefail
FRONTEND="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$FRONTEND/node_modules/.cache"
BUILD="$(mktemp -d "$FRONTEND/node_modules/.cache/unit.XXXXXX")"
trap 'rm -rf "$BUILD"' EXIT

node "$FRONTEND/scripts/build-unit.mjs" "$BUILD"
cd "$FRONTEND"
UNIT_BUILD_DIR="$BUILD" node --test unit/
