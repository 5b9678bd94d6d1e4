#!/usr/bin/env bash
# Creates (once) the throw-away venv holding the external checkers, pinned.
#   setup_venv.sh VENV_DIR
set -euo pipefail
venv=${1:?usage: setup_venv.sh VENV_DIR}
if [ ! -x "$venv/bin/stix2_validator" ] || ! "$venv/bin/python" -c 'import pymisp, stix2' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'stix2-validator==3.3.2' 'stix2==3.0.2' 'pymisp==2.5.34.4'
fi
