#!/usr/bin/env bash
# The README's first command: engine, images, then a rehearsal of the bundled example and the status table.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/rehearsa.mjs ] || npm run build
bash scripts/engine-up.sh
bash scripts/build-images.sh
set +e
./dist/rehearsa.mjs --timeout 120 stack test examples/homelab/compose.yaml
code=$?
set -e
echo
./dist/rehearsa.mjs status
exit "$code"
