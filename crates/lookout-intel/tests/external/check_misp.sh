#!/usr/bin/env bash
# Writes the sample MISP feed (examples/sample_misp.rs) and checks it with
# PyMISP (check_misp.py).
#
#   LOOKOUT_INTEL_VENV=/var/tmp/intel-venv crates/lookout-intel/tests/external/check_misp.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
venv=${LOOKOUT_INTEL_VENV:-/var/tmp/intel-venv}
"$here/setup_venv.sh" "$venv"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$root" && cargo run -q -p lookout-intel --example sample_misp "$out/feed")
"$venv/bin/python" "$here/check_misp.py" "$out/feed"
