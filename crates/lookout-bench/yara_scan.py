#!/usr/bin/env python3
"""The other engines' side of `lookout-bench analysis`.

Compiles the `.yar` files of --rules (each its own namespace, the file
stem, as lookout-analysis does), reads every file of --files into memory,
then times only the scans, on one thread. Prints one JSON line:
{"engine", "compile_seconds", "scan_seconds", "kind_seconds", "files",
"bytes", "matches"} (a file's kind is its name up to the first "-"), or
{"skipped": why} when the engine's Python package is not installed.

    pip install yara-python   # the C engine (libyara), --engine yara
    pip install yara-x        # VirusTotal's Rust rewrite, --engine yara-x
"""

import argparse
import importlib.metadata
import json
import os
import sys
import time


def rule_paths(directory):
    return {
        name[: -len(".yar")]: os.path.join(directory, name)
        for name in sorted(os.listdir(directory))
        if name.endswith(".yar")
    }


def corpus(directory):
    files = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            files.append((name.split("-")[0], f.read()))
    return files


def yara_python(paths):
    import yara

    started = time.perf_counter()
    rules = yara.compile(filepaths=paths)
    compiled = time.perf_counter() - started
    engine = f"yara-python {yara.__version__} (libyara {yara.YARA_VERSION})"
    return engine, compiled, lambda data: len(rules.match(data=data))


def yara_x(paths):
    import yara_x

    started = time.perf_counter()
    compiler = yara_x.Compiler()
    for namespace, path in paths.items():
        compiler.new_namespace(namespace)
        with open(path, encoding="utf-8") as f:
            compiler.add_source(f.read())
    rules = compiler.build()
    scanner = yara_x.Scanner(rules)
    compiled = time.perf_counter() - started
    engine = f"yara-x {importlib.metadata.version('yara-x')} (python)"
    return engine, compiled, lambda data: len(scanner.scan(data).matching_rules)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["yara", "yara-x"], required=True)
    parser.add_argument("--rules", required=True, help="directory of .yar files")
    parser.add_argument("--files", required=True, help="directory of files to scan")
    args = parser.parse_args()

    try:
        engine, compiled, scan = (yara_python if args.engine == "yara" else yara_x)(
            rule_paths(args.rules)
        )
    except ImportError as error:
        package = "yara-python" if args.engine == "yara" else "yara-x"
        print(json.dumps({"skipped": f"{error} (pip install {package})"}))
        return 0

    files = corpus(args.files)
    matches = 0
    kind_seconds = {}
    for kind, data in files:
        started = time.perf_counter()
        matches += scan(data)
        kind_seconds[kind] = kind_seconds.get(kind, 0.0) + time.perf_counter() - started
    print(
        json.dumps(
            {
                "engine": engine,
                "compile_seconds": compiled,
                "scan_seconds": sum(kind_seconds.values()),
                "kind_seconds": kind_seconds,
                "files": len(files),
                "bytes": sum(len(data) for _, data in files),
                "matches": matches,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
