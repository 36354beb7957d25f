#!/bin/sh
# Run by Maven (hardlight-js/pom.xml, phase test): installs the locked npm packages when they are
# missing or older than package-lock.json, then runs `npm test` (build, size, all tests).
set -eu
cd "${0%/*}/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "hardlight-js: Node.js 20+ and npm must be on the PATH to build and test the TypeScript client (none found)." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "hardlight-js: Node.js 20+ is needed to build and test the TypeScript client; this is $(node --version)." >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm test
