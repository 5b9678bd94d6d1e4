#!/usr/bin/env python3
"""Checks that boreal (lookout-analysis's rule engine) and the C YARA engine
(yara-python) agree on our rules and samples.

Compiles the .yar files of each rule directory with yara.compile(filepaths=
{namespace: path}), the namespace being the file stem as lookout-analysis
uses it, scans every file of --samples (written by `lookout-bench
write-samples`), and compares the `namespace:rule` names with those that
`lookout-bench rule-matches` prints for the same rules and files. Exits 1
with a diff on any difference.

    python3 .ci/yara_crosscheck.py --samples DIR [--bench PATH] [RULE_DIR ...]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULE_DIRS = [
    os.path.join(ROOT, "crates/lookout-analysis/rules"),
    os.path.join(ROOT, "crates/lookout-analysis/tests/crosscheck"),
]


def rule_files(dirs):
    files = {}
    for directory in dirs:
        for name in sorted(os.listdir(directory)):
            if name.endswith(".yar"):
                namespace = name[: -len(".yar")]
                if namespace in files:
                    sys.exit(f"two rule files are namespace {namespace!r}: {files[namespace]}, {directory}/{name}")
                files[namespace] = os.path.join(directory, name)
    return files


def yara_matches(paths, samples):
    import yara

    rules = yara.compile(filepaths=paths)
    result = {}
    for name in sorted(os.listdir(samples)):
        path = os.path.join(samples, name)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        result[name] = sorted(f"{m.namespace}:{m.rule}" for m in rules.match(data=data))
    return result, len(list(rules))


def boreal_matches(bench, dirs, samples):
    command = [bench, "rule-matches", "--files", samples]
    for directory in dirs:
        command += ["--rules", directory]
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", required=True, help="directory written by lookout-bench write-samples")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bench", default=os.path.join(target, "debug", "lookout-bench"))
    parser.add_argument("rule_dirs", nargs="*", default=RULE_DIRS)
    args = parser.parse_args()

    import yara

    paths = rule_files(args.rule_dirs)
    theirs, rule_count = yara_matches(paths, args.samples)
    ours = boreal_matches(args.bench, args.rule_dirs, args.samples)

    differences = []
    for name in sorted(set(theirs) | set(ours)):
        c_engine, boreal = set(theirs.get(name, [])), set(ours.get(name, []))
        if name not in theirs or name not in ours:
            differences.append(f"{name}: scanned by {'yara-python' if name in theirs else 'boreal'} only")
        for rule in sorted(c_engine - boreal):
            differences.append(f"{name}: - {rule}   (yara-python matches, boreal does not)")
        for rule in sorted(boreal - c_engine):
            differences.append(f"{name}: + {rule}   (boreal matches, yara-python does not)")

    files = len(theirs)
    matches = sum(len(rules) for rules in theirs.values())
    if differences:
        print(f"yara-python {yara.__version__} and boreal disagree on {files} files x {rule_count} rules:")
        for line in differences:
            print(f"  {line}")
        return 1
    matched_rules = len({rule for rules in theirs.values() for rule in rules})
    print(
        f"yara-python {yara.__version__} agrees with boreal on {files} files x {rule_count} rules "
        f"({matches} matches; {matched_rules} of the rules match at least one file)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
