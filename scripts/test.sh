#!/usr/bin/env bash
# The whole test suite, from a fresh machine: engine, fixture images, registry, then type, lint, unit and
# real-engine tests (and a smoke run of the benchmark). This is what the README's test command and .ci/run run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
bash scripts/engine-up.sh
bash scripts/tools-up.sh
bash scripts/build-images.sh
bash scripts/registry-up.sh
bash scripts/browser-up.sh
npm run typecheck
npm run lint
# The benchmark once, as a smoke run: it must work; its timings are printed, never asserted.
npm run bench -- --smoke
# Last, so the test runner's summary closes the output.
node scripts/run-tests.mjs all
