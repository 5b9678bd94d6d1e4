#!/usr/bin/env python3
"""Checks that `lookout analyze --json` output follows docs/analysis.schema.json.

An independent validator (python-jsonschema, Draft 2020-12) reads the
documented schema and the CLI's output for every sample file, so the schema
members' scripts rely on and what the portal exports cannot drift apart.

Usage: analysis_schema_check.py --lookout BIN --samples DIR
"""

import argparse
import json
import pathlib
import subprocess
import sys

from jsonschema import Draft202012Validator


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookout", required=True)
    parser.add_argument("--samples", required=True)
    args = parser.parse_args()

    root = pathlib.Path(__file__).resolve().parent.parent
    schema = json.loads((root / "docs" / "analysis.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    files = sorted(p for p in pathlib.Path(args.samples).rglob("*") if p.is_file())
    if not files:
        print(f"no sample files in {args.samples}")
        return 1
    failures = 0
    for path in files:
        out = subprocess.run(
            [args.lookout, "analyze", "--json", str(path)],
            capture_output=True,
            check=False,
        )
        if out.returncode != 0:
            print(f"{path.name}: lookout analyze failed: {out.stderr.decode(errors='replace')}")
            failures += 1
            continue
        document = json.loads(out.stdout)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors[:5]:
            location = "/".join(str(p) for p in error.path) or "(root)"
            print(f"{path.name}: {location}: {error.message}")
        failures += bool(errors)
    if failures:
        print(f"{failures} of {len(files)} analyses do not follow docs/analysis.schema.json")
        return 1
    print(f"{len(files)} analyses follow docs/analysis.schema.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
