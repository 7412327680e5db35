#!/usr/bin/env bash
# The README's test command: install what the tests need, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/install-deps.sh
npx vitest run "$@"
