#!/usr/bin/env bash
# CI: lint the committed spec, generate the TypeScript client from it and type-check it.
# Node.js 22 (the generator needs >= 22.18) comes from the `node` package pinned in
# package.json: npm scripts find it first on their PATH; the machine's Node.js is untouched.
set -euo pipefail
cd "$(dirname "$0")"
start=$SECONDS
npm ci --no-audit --no-fund --loglevel=error
npm run --silent check
echo "clients/check.sh: spec lint and TypeScript client check passed in $((SECONDS - start))s"
