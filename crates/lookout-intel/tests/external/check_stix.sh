#!/usr/bin/env bash
# Validates the sample bundle (examples/sample_bundle.rs) with the OASIS
# tools: stix2-validator in strict mode, then the OASIS python library
# (stix2) for parsing and for the deterministic SCO ids.
#
#   LOOKOUT_INTEL_VENV=/var/tmp/intel-venv crates/lookout-intel/tests/external/check_stix.sh
#
# The venv is created (and the pinned checkers installed) if it does not
# exist. Exits non-zero on any error.
#
# Two best-practice checks are disabled in the strict run, on purpose:
#  103 (uuid-check): SDOs "SHOULD" use UUIDv4; ours are UUIDv5 from the
#      portal's own namespace so that re-exports keep their ids, which
#      STIX 2.1 section 2.9 allows.
#  302 (extref-hashes): the external reference to the portal page has a
#      URL but no hash; the page changes, a hash of it would be wrong.
# The first, non-strict run prints every warning so they stay visible.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
venv=${LOOKOUT_INTEL_VENV:-/var/tmp/intel-venv}
"$here/setup_venv.sh" "$venv"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$root" && cargo run -q -p lookout-intel --example sample_bundle) >"$out/bundle.json"

echo "== stix2_validator (all warnings, informative)"
"$venv/bin/stix2_validator" "$out/bundle.json" | grep -v '{103}' || true
echo "== stix2_validator --strict --disable 103,302"
"$venv/bin/stix2_validator" --strict --disable 103,302 "$out/bundle.json"

echo "== OASIS stix2 library"
"$venv/bin/python" - "$out/bundle.json" <<'PY'
import json
import sys

import stix2

path = sys.argv[1]
raw = json.load(open(path))
stix2.parse(raw, allow_custom=True)  # raises on anything it cannot load

expected = {
    "identity", "marking-definition", "extension-definition", "incident",
    "location", "indicator", "observed-data", "vulnerability", "malware",
    "malware-analysis", "report", "relationship", "ipv4-addr", "ipv6-addr",
    "domain-name", "url", "email-addr", "file", "x-lookout-cryptocurrency-wallet",
}
types = {o["type"] for o in raw["objects"]}
if types != expected:
    sys.exit(f"FAIL: object types {sorted(types)} != {sorted(expected)}")

classes = {
    "ipv4-addr": stix2.IPv4Address, "ipv6-addr": stix2.IPv6Address,
    "domain-name": stix2.DomainName, "url": stix2.URL,
    "email-addr": stix2.EmailAddress, "file": stix2.File,
}
checked = 0
for o in raw["objects"]:
    cls = classes.get(o["type"])
    if cls is None:
        continue
    props = {k: v for k, v in o.items() if k not in ("type", "id", "spec_version")}
    theirs = cls(**props).id
    if theirs != o["id"]:
        sys.exit(f"FAIL: {o['type']} {props}: our id {o['id']} != OASIS {theirs}")
    checked += 1

ids = [o["id"] for o in raw["objects"]]
if len(ids) != len(set(ids)):
    sys.exit("FAIL: duplicate ids in bundle")
print(f"ok: {len(raw['objects'])} objects of {len(types)} types; {checked} SCO ids match the OASIS library")
PY
echo "check_stix: all checks passed"
