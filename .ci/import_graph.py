#!/usr/bin/env python3
"""The import graph of crates/lookout-server/src, file by file.

An edge A -> B means a `use` or a path in A names an item of the module
file B (`crate::`, `super::`, `self::`). `mod` declarations are not edges:
a parent owning a child is not a dependency.

Prints the largest strongly connected component (the largest import loop),
the pairs of top-level modules that import each other, and the
feature-to-feature imports. With --check, fails when a loop is larger than
--max-cycle files, or when a ground module imports a feature module.
"""
import argparse
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "crates", "lookout-server", "src")

# Modules that name no feature: the floor. Everything else but the roof
# (`app`, `serve`, `lib`) is a feature.
GROUND = {"web", "db", "config", "secrets", "sharing", "runtime", "files", "mail", "state", "audit", "accounts", "ops", "review"}
ROOF = {"app", "lib", "demo"}


def module_files(root):
    mods = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib"):
                parts = parts[:-1]
            mods[tuple(parts)] = rel
    return mods


TOKENS = re.compile(
    r"//[^\n]*"  # a line comment
    r"|/\*.*?\*/"  # a block comment
    r"|r(#*)\".*?\"\1"  # a raw string
    r"|\"(?:\\.|[^\"\\])*\""  # a string
    r"|'(?:\\.|[^'\\])'",  # a character
    re.S,
)


def strip(src):
    """Code without comments, strings and tests. One pass left to right,
    so `//` inside a string is not taken for a comment."""
    src = TOKENS.sub(lambda m: '""' if m.group(0)[0] in "r\"'" else " ", src)
    return re.sub(r"#\[cfg\(test\)\]\s*mod\s+tests\s*\{.*", "", src, flags=re.S)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]"""
    tree = re.sub(r"\s+as\s+\w+", "", tree)
    tree = re.sub(r"\s+", "", tree)
    out = []

    def rec(prefix, t):
        depth = 0
        start = 0
        items = []
        for i, ch in enumerate(t):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(t[start:i])
                start = i + 1
        items.append(t[start:])
        for item in items:
            if not item:
                continue
            if "{" in item:
                head, rest = item.split("{", 1)
                rec(prefix + head, rest[: rest.rfind("}")])
            else:
                out.append(prefix + item)

    rec("", tree)
    return out


def resolve(path, here, mods):
    parts = [p for p in path.split("::") if p]
    if not parts:
        return None
    if parts[0] == "crate":
        base, rest = [], parts[1:]
    elif parts[0] in ("super", "self"):
        base = list(here)
        rest = parts
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    else:
        return None
    full = base + rest
    for n in range(len(full), -1, -1):
        key = tuple(full[:n])
        if key in mods:
            return key
    return None


def graph(root):
    mods = module_files(root)
    edges = {m: set() for m in mods}
    for mod, rel in mods.items():
        src = strip(open(os.path.join(root, rel), encoding="utf-8").read())
        # `here` for super:: is the module itself (a file's own module).
        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", src):
            paths += expand_use(m.group(1))
        for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", src):
            paths.append(m.group(1))
        for p in paths:
            target = resolve(p, mod, mods)
            if target is not None and target != mod and target != ():
                edges[mod].add(target)
    return mods, edges


def sccs(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in edges:
        if v not in index:
            strong(v)
    return out


def top(m):
    return m[0] if m else "lib"


HANDLER = re.compile(r":\s*State<AppState>")
SQL = re.compile(r"sqlx::query|\b(SELECT\s.+\sFROM|INSERT INTO|UPDATE\s+\w+\s+SET|DELETE FROM)\b")


def handler_files_with_sql(root, mods):
    """Files that define an HTTP handler (an extractor of the state) and
    hold SQL: queries belong in the feature's store."""
    found = []
    for rel in sorted(mods.values()):
        src = open(os.path.join(root, rel), encoding="utf-8").read()
        if HANDLER.search(src) and SQL.search(src):
            found.append(rel)
    return found


def role_comparisons(root, mods):
    """`Role::` outside accounts/ and sharing/: a decision about roles made
    elsewhere than authz."""
    found = []
    for rel in sorted(mods.values()):
        if rel.startswith(("accounts/", "sharing/")):
            continue
        src = open(os.path.join(root, rel), encoding="utf-8").read()
        for n, line in enumerate(src.splitlines(), 1):
            if "Role::" in line:
                found.append(f"{rel}:{n}")
    return found


def documented_imports():
    """The feature-to-feature imports ARCHITECTURE.md names, as pairs."""
    path = os.path.join(os.path.dirname(__file__), "..", "ARCHITECTURE.md")
    text = open(path, encoding="utf-8").read()
    start = text.find("### Imports between features")
    section = text[start:text.find("\n## ", start)]
    named = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or len(cells) < 2 or cells[0] in ("from", "---"):
            continue
        for source in cells[0].split(","):
            for target in cells[1].split(","):
                named.add((source.strip(), target.strip()))
    return named


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--max-cycle", type=int, default=12)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--strict", action="store_true",
                    help="with --check, also fail on SQL in handler files and Role:: comparisons")
    args = ap.parse_args()
    mods, edges = graph(ROOT)
    comps = sorted(sccs(edges), key=len, reverse=True)
    largest = comps[0]
    tops = {}
    for a, bs in edges.items():
        for b in bs:
            ta, tb = top(a), top(b)
            if ta != tb:
                tops.setdefault(ta, set()).add(tb)
    mutual = sorted({tuple(sorted((a, b))) for a, bs in tops.items() for b in bs if a in tops.get(b, set())})
    print(f"files: {len(mods)}")
    print(f"largest import loop: {len(largest)} files")
    if args.verbose:
        for c in comps:
            if len(c) > 1:
                print("  loop:", ", ".join(sorted(mods[m] for m in c)))
    print(f"mutual top-level pairs: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    ground_bad = []
    for a, bs in edges.items():
        if top(a) in GROUND:
            for b in bs:
                if top(b) not in GROUND:
                    ground_bad.append((mods[a], mods[b]))
    print(f"ground files importing a feature or the roof: {len(ground_bad)}")
    for a, b in sorted(ground_bad):
        print(f"  {a} -> {b}")
    roof_importers = sorted(mods[a] for a, bs in edges.items() for b in bs if top(b) == "app" and top(a) not in ROOF)
    print(f"files importing the roof: {len(roof_importers)}")
    features = sorted({(top(a), top(b)) for a, bs in edges.items() for b in bs
                       if top(a) not in GROUND | ROOF and top(b) not in GROUND | ROOF and top(a) != top(b)})
    print(f"feature-to-feature imports: {len(features)}")
    if args.verbose:
        for a, b in features:
            print(f"  {a} -> {b}")
    with_sql = handler_files_with_sql(ROOT, mods)
    print(f"handler files holding SQL: {len(with_sql)}")
    for rel in with_sql:
        print(f"  {rel}")
    roles = role_comparisons(ROOT, mods)
    print(f"Role:: outside accounts/ and sharing/: {len(roles)}")
    for place in roles:
        print(f"  {place}")
    named = documented_imports()
    unnamed = sorted(set(features) - named)
    print(f"feature imports ARCHITECTURE.md does not name: {len(unnamed)}")
    for a, b in unnamed:
        print(f"  {a} -> {b}")
    if args.check:
        failed = (len(largest) > args.max_cycle or ground_bad or roof_importers
                  or (args.strict and (with_sql or roles or unnamed)))
        if failed:
            print("FAILED", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
