#!/usr/bin/env python3
"""Interop check: the portal's STIX bundles, TAXII 2.1 server and MISP feed,
read by tools nobody on the team wrote, on a running demo portal.

Starts `lookout serve --demo` (as .ci/ux_crawl.py does), creates API tokens
with `lookout admin create-api-token` beside it for

  amber  it@northwind-tankers.example: Northwind Tankers, AMBER+STRICT (the
         default clearance of an organisation)
  green  ciso@meridian-lines.example: Meridian Container Lines, lowered to
         TLP:GREEN for this run (no `lookout admin` command sets a clearance,
         so the demo database's organisations.tlp_clearance is set to 1);
         its organisation submitted the demo's RED analysis
  colleague  a member of Meridian created here (`lookout admin create-user`),
         who did not upload that analysis

and checks, failing on any difference (with the object and the request):

TAXII 2.1 with the OASIS taxii2-client
  - discovery, the default API root (title, versions hold
    application/taxii+json;version=2.1), the collections;
  - every readable collection walked with as_pages(get_objects) in small
    pages: the same objects in the same order as one large page, the same
    count and ids as the manifest walked with as_pages(get_manifest), the
    manifest's version the object's `modified`; an id listed more than once
    only as the same object (ids are UUIDv5 and clients de-duplicate by id:
    docs/interop.md), never as two different bodies or versions;
  - get_object and object_versions of one object; added_after with the last
    date_added answers nothing;
  - every object of a level collection carries a TLP marking, none above
    the collection's level; for the GREEN member no AMBER or RED collection
    is listed (and the AMBER ones answer 404), and nothing outside "my
    organisation" carries a marking other than TLP:CLEAR or TLP:GREEN;
  - adding a bundle to the writable collection: 202 and a status polled to
    "complete" with get_status (SKIP while the portal answers 404/405).
STIX 2.1 with OASIS stix2-validator
  - bundles downloaded from /incidents/{ref}/stix, /advisories/{ref}/stix and
    /analysis/{ref}/stix as a signed-in member (the HTML sign-in form, CSRF
    token included), and one bundle of every object walked over TAXII, run
    with --strict --disable 103,302 as
    crates/lookout-intel/tests/external/check_stix.sh does (warnings of a
    non-strict run printed, not failed).
MISP feed with PyMISP
  - manifest.json, hashes.csv and every {uuid}.json fetched with
    `Authorization: <token>` for each member, each event loaded with
    MISPEvent().load(); crates/lookout-intel/tests/external/check_misp.py
    run on the fetched feed (every event a fixpoint of PyMISP's to_feed(),
    manifest and hashes equal to PyMISP's feed_meta_generator); the ETags
    answer 304 to If-None-Match;
  - each member's feed holds only events they may read by the pages' own
    rules: every event above their clearance or at AMBER+STRICT or RED opens
    for them at the page it links to, and at that page's /stix bundle.

Usage: python3 .ci/interop_check.py --lookout PATH_TO_LOOKOUT_BINARY

Installs the checkers, pinned, into a venv (--venv, default
/var/tmp/lookout-interop-venv) unless this Python already has them, and
runs itself again there.
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Same pins as crates/lookout-intel/tests/external/setup_venv.sh, and the
# OASIS TAXII client.
PINS = {"taxii2-client": "2.3.0", "stix2-validator": "3.3.2", "pymisp": "2.5.34.4"}
DEFAULT_VENV = "/var/tmp/lookout-interop-venv"
# Not LOOKOUT_*: the portal reads those as settings and refuses unknown ones.
REEXEC_MARK = "INTEROP_CHECK_REEXEC"
CHECK_MISP = ROOT / "crates/lookout-intel/tests/external/check_misp.py"

TAXII_21 = "application/taxii+json;version=2.1"
# The TLP 2.0 marking definitions, by their official ids (not the portal's).
TLP_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber-strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_OF_ID = {v: k for k, v in TLP_IDS.items()}
LEVEL_TITLES = {
    "Lookout TLP:CLEAR": "clear",
    "Lookout TLP:GREEN": "green",
    "Lookout TLP:AMBER": "amber",
    "Lookout TLP:AMBER+STRICT": "amber-strict",
    "Lookout TLP:RED": "red",
}
MY_ORG = "Lookout: my organisation"
MISP_TLP_TAGS = {"tlp:clear": "clear", "tlp:white": "clear", "tlp:green": "green", "tlp:amber": "amber",
                 "tlp:amber+strict": "amber-strict", "tlp:red": "red"}
RANK = {"clear": 0, "green": 1, "amber": 2, "amber-strict": 3, "red": 4}

AMBER_MEMBER = "it@northwind-tankers.example"
# Meridian's org-admin uploaded the demo's RED analysis, which only they and
# the analysts may open (analysis::seen::may_view): something above GREEN
# that a colleague in the same organisation must not be given.
GREEN_MEMBER = "ciso@meridian-lines.example"
GREEN_ORG = "Meridian Container Lines"
COLLEAGUE = "interop.colleague@meridian-lines.example"
AMBER_ORG = "Northwind Tankers"

PER_PAGE = 50
BUNDLES_PER_KIND = 5

FAILURES: list[str] = []
SHOWN_FAILURES = 60


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fail(message: str) -> None:
    FAILURES.append(message)
    if len(FAILURES) <= SHOWN_FAILURES:
        print(f"FAIL: {message}", flush=True)


def fatal(message: str) -> None:
    fail(message)
    finish()


def finish(summary: list[str] | None = None) -> None:
    if summary:
        print("\n== summary")
        for line in summary:
            print(f"  {line}")
    if FAILURES:
        print(f"\ninterop_check: {len(FAILURES)} failure(s):")
        for f in FAILURES[:SHOWN_FAILURES]:
            print(f"  - {f}")
        if len(FAILURES) > SHOWN_FAILURES:
            print(f"  ... and {len(FAILURES) - SHOWN_FAILURES} more")
        sys.exit(1)
    print("\ninterop_check: all checks passed")
    sys.exit(0)


# ---------------------------------------------------------------- checkers


def have_pins() -> bool:
    for name, version in PINS.items():
        try:
            if importlib.metadata.version(name) != version:
                return False
        except importlib.metadata.PackageNotFoundError:
            return False
    return True


def ensure_checkers(venv: str) -> None:
    """Runs this script again in a venv with the pinned checkers, unless this
    Python has them."""
    if have_pins():
        return
    if os.environ.get(REEXEC_MARK):
        sys.exit(f"the checkers are still missing in {sys.executable} after installing them")
    python = Path(venv) / "bin" / "python"
    pins = [f"{n}=={v}" for n, v in PINS.items()]
    probe = "import importlib.metadata as m, sys; sys.exit(any(m.version(n) != v for n, v in %r))" % (
        list(PINS.items()),
    )
    if not python.exists() or subprocess.run([str(python), "-c", probe], stderr=subprocess.DEVNULL).returncode:
        log(f"installing {' '.join(pins)} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *pins], check=True)
    env = dict(os.environ, **{REEXEC_MARK: "1"})
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env)


# ---------------------------------------------------------------- portal


def portal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOKOUT_")}
    env["LOOKOUT_LOG"] = "warn"
    return env


def admin(binary: str, data_dir: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [binary, "admin", "--data-dir", data_dir, *args],
        capture_output=True, text=True, env=portal_env(), input=stdin,
    )
    if done.returncode != 0:
        fatal(f"lookout admin {' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def api_token(binary: str, data_dir: str, email: str) -> str:
    out = admin(binary, data_dir, "create-api-token", "--email", email, "--scope", "read", "--scope", "write",
                "--name", "interop check")
    token = out.split()[-1] if out.split() else ""
    if not token.startswith("lkt_"):
        fatal(f"no API token in the output of create-api-token for {email}: {out!r}")
    return token


def set_clearance(data_dir: str, org: str, rank: int) -> None:
    """There is no `lookout admin` command for an organisation's clearance:
    set it in the demo's SQLite database, beside the running portal (which
    reads the clearance at every request)."""
    db = Path(data_dir) / "lookout.sqlite3"
    if not db.exists():
        fatal(f"no SQLite database at {db}")
    with sqlite3.connect(db, timeout=30) as conn:
        changed = conn.execute("UPDATE organisations SET tlp_clearance = ? WHERE name = ?", (rank, org)).rowcount
    if changed != 1:
        fatal(f"could not set the clearance of {org!r} ({changed} rows)")


def wait_for_analyses(data_dir: str, timeout: float = 90) -> None:
    """The demo's analyses run in the portal's workers after it starts and
    their exports change the collections: wait until they are done."""
    deadline = time.time() + timeout
    while True:
        with sqlite3.connect(Path(data_dir) / "lookout.sqlite3", timeout=30) as conn:
            pending = conn.execute("SELECT COUNT(*) FROM analyses WHERE state IN ('queued', 'running')").fetchone()[0]
        if not pending:
            return
        if time.time() > deadline:
            fatal(f"{pending} demo analyses still queued or running after {timeout:.0f} s")
        time.sleep(0.5)


def clearance(data_dir: str, org: str) -> int:
    with sqlite3.connect(Path(data_dir) / "lookout.sqlite3", timeout=30) as conn:
        row = conn.execute("SELECT tlp_clearance FROM organisations WHERE name = ?", (org,)).fetchone()
    return row[0] if row else -1


# ---------------------------------------------------------------- the HTML side


class Browser:
    """A member signed in through the HTML form (the CSRF token from the
    page, the session cookie from the portal)."""

    def __init__(self, base: str, email: str, password: str):
        import requests

        self.base = base
        self.session = requests.Session()
        form = self.session.get(f"{base}/login", timeout=30)
        m = re.search(r'name="csrf" value="([^"]+)"', form.text)
        if form.status_code != 200 or not m:
            fatal(f"GET /login: {form.status_code}, no CSRF token in the form")
        signed = self.session.post(
            f"{base}/login",
            data={"csrf": html.unescape(m.group(1)), "next": "", "email": email, "password": password},
            timeout=60,
        )
        path = signed.url.split(base, 1)[-1]
        if signed.status_code != 200 or path.startswith(("/login", "/account/mfa")):
            fatal(f"signing in as {email}: {signed.status_code} at {path}")
        if "Sign out" not in signed.text:
            fatal(f"signing in as {email}: no Sign out on {path}")

    def get(self, path: str):
        return self.session.get(self.base + path, timeout=60)

    def references(self, list_path: str, detail_prefix: str) -> list[str]:
        page = self.get(list_path)
        if page.status_code != 200:
            fail(f"GET {list_path}: {page.status_code}")
            return []
        refs = []
        for ref in re.findall(rf'href="{re.escape(detail_prefix)}([^"/?#]+)"', page.text):
            ref = html.unescape(ref)
            if ref not in refs and ref not in ("new", "drafts"):
                refs.append(ref)
        return refs


def download_bundles(browser: Browser, out: Path) -> list[Path]:
    files = []
    for kind, list_path, prefix in (
        ("incidents", "/incidents", "/incidents/"),
        ("advisories", "/advisories", "/advisories/"),
        ("analysis", "/analysis", "/analysis/"),
    ):
        refs = browser.references(list_path, prefix)
        if not refs:
            fail(f"no references listed on {list_path}")
            continue
        # Spread over the first page of the list (levels and kinds vary).
        step = max(1, len(refs) // BUNDLES_PER_KIND)
        for ref in refs[::step][:BUNDLES_PER_KIND]:
            path = f"{prefix}{ref}/stix"
            r = browser.get(path)
            ctype = r.headers.get("content-type", "")
            if r.status_code != 200:
                fail(f"GET {path}: {r.status_code} {r.text[:200]!r}")
                continue
            if not ctype.startswith("application/stix+json"):
                fail(f"GET {path}: Content-Type {ctype!r}, not application/stix+json")
            try:
                bundle = json.loads(r.content)
            except ValueError as e:
                fail(f"GET {path}: not JSON ({e})")
                continue
            if bundle.get("type") != "bundle" or not bundle.get("objects"):
                fail(f"GET {path}: not a bundle with objects")
                continue
            target = out / f"{kind}-{re.sub(r'[^A-Za-z0-9-]', '_', ref)}.json"
            target.write_bytes(r.content)
            files.append(target)
    return files


# ---------------------------------------------------------------- TAXII


def key(obj: dict) -> tuple[str, str]:
    return obj["id"], obj.get("modified", "")


def canonical(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def markings(obj: dict) -> set[str]:
    refs = set(obj.get("object_marking_refs", []))
    for g in obj.get("granular_markings", []):
        if "marking_ref" in g:
            refs.add(g["marking_ref"])
    return refs


def describe(obj: dict) -> str:
    return f"{obj.get('type')} {obj.get('id')} ({obj.get('name') or obj.get('value') or ''})".strip()


def walk(collection, who: str) -> list[dict]:
    """Every object of a collection, checked for paging, manifest, one object,
    versions and added_after. Returns the objects as listed."""
    from taxii2client.v21 import as_pages

    label = f"{who}: {collection.title}"
    objects: list[dict] = []
    pages = 0
    for envelope in as_pages(collection.get_objects, per_request=PER_PAGE):
        pages += 1
        got = envelope.get("objects", [])
        if len(got) > PER_PAGE:
            fail(f"{label}: a page of {len(got)} objects for limit={PER_PAGE}")
        if envelope.get("more") and not envelope.get("next"):
            fail(f"{label}: more=true without next")
        objects.extend(got)
    whole: list[dict] = []
    for envelope in as_pages(collection.get_objects, per_request=10_000):
        whole.extend(envelope.get("objects", []))
    if [canonical(o) for o in objects] != [canonical(o) for o in whole]:
        only_paged = Counter(map(canonical, objects)) - Counter(map(canonical, whole))
        only_whole = Counter(map(canonical, whole)) - Counter(map(canonical, objects))
        fail(f"{label}: {len(objects)} objects in pages of {PER_PAGE} but {len(whole)} in one page; "
             f"only paged: {[json.loads(s)['id'] for s in list(only_paged)[:5]]}, "
             f"only whole: {[json.loads(s)['id'] for s in list(only_whole)[:5]]}")

    manifest: list[dict] = []
    for envelope in as_pages(collection.get_manifest, per_request=PER_PAGE):
        manifest.extend(envelope.get("objects", []))
    if len(manifest) != len(objects):
        fail(f"{label}: {len(objects)} objects but {len(manifest)} manifest entries")
    for i, (entry, obj) in enumerate(zip(manifest, objects)):
        if entry.get("id") != obj.get("id"):
            fail(f"{label}: manifest entry {i} is {entry.get('id')}, object {i} is {obj.get('id')}")
            break
        if "modified" in obj and entry.get("version") != obj["modified"]:
            fail(f"{label}: manifest version {entry.get('version')} of {obj['id']} is not its modified "
                 f"{obj['modified']}")
            break
        if entry.get("media_type") and not entry["media_type"].startswith("application/stix+json"):
            fail(f"{label}: manifest media_type {entry['media_type']!r}")
            break
    added = [e.get("date_added", "") for e in manifest]
    if added != sorted(added):
        fail(f"{label}: manifest date_added not in ascending order")

    # The same id more than once: the same object reached through two
    # subjects is allowed (clients de-duplicate by id); two bodies or
    # versions under one id are not.
    by_id: dict[str, set[str]] = defaultdict(set)
    for obj in objects:
        by_id[obj["id"]].add(canonical(obj))
    for oid, bodies in by_id.items():
        if len(bodies) > 1:
            variants = [json.loads(b) for b in bodies]
            differing = sorted({k for v in variants for k in v if any(v.get(k) != w.get(k) for w in variants)})
            fail(f"{label}: {oid} listed as {len(bodies)} different objects (differing in {differing}): "
                 + " | ".join(canonical({k: v.get(k) for k in differing}) for v in variants[:3]))
    repeats = len(objects) - len(by_id)

    if objects:
        # One object and its versions.
        pick = next((o for o in objects if o["type"] in ("incident", "report", "malware-analysis")), objects[0])
        one = collection.get_object(pick["id"])
        got = one.get("objects", [])
        if not got or any(o.get("id") != pick["id"] for o in got):
            fail(f"{label}: get_object({pick['id']}) answered {[o.get('id') for o in got]}")
        elif canonical(got[0]) not in by_id[pick["id"]]:
            fail(f"{label}: get_object({pick['id']}) is not the object listed")
        versions = collection.object_versions(pick["id"]).get("versions", [])
        if "modified" in pick and pick["modified"] not in versions:
            fail(f"{label}: object_versions({pick['id']}) = {versions}, without {pick['modified']}")
        # Nothing after the last object added.
        last = manifest[-1]["date_added"] if manifest else None
        if last:
            after = collection.get_objects(added_after=last)
            if after.get("objects") or after.get("more"):
                fail(f"{label}: added_after={last} (the last date_added) answered "
                     f"{len(after.get('objects', []))} objects, more={after.get('more')}")
            after = collection.get_manifest(added_after=last)
            if after.get("objects"):
                fail(f"{label}: manifest added_after={last} answered {len(after['objects'])} entries")
        else:
            fail(f"{label}: no date_added in the manifest")

    level = LEVEL_TITLES.get(collection.title)
    unmarked = 0
    if level:
        for obj in objects:
            refs = markings(obj)
            if obj["type"] == "marking-definition":
                continue
            if not refs:
                unmarked += 1
                fail(f"{label}: {describe(obj)} carries no TLP marking")
            # The portal's own identity is TLP:CLEAR in every collection:
            # nothing may be marked above the collection's level.
            above = {r for r in refs if RANK.get(TLP_OF_ID.get(r, ""), 99) > RANK[level]}
            if above:
                fail(f"{label}: {describe(obj)} carries {sorted(TLP_OF_ID.get(r, r) for r in above)}")
    types = Counter(o["type"] for o in objects)
    repeated = Counter(o["type"] for o in objects) - Counter(json.loads(next(iter(b)))["type"] for b in by_id.values())
    log(f"{label}: {len(objects)} objects, {len(by_id)} ids ({repeats} listed again, the same object: "
        f"{dict(repeated)}), {pages} pages of {PER_PAGE}, manifest {len(manifest)}, {unmarked} unmarked; "
        f"types {dict(types.most_common(6))}")
    return objects


def taxii_server(base: str, token: str, who: str):
    from taxii2client.v21 import Server

    server = Server(f"{base}/taxii2/", user="any", password=token)
    if server.title != "Lookout":
        fail(f"{who}: discovery title {server.title!r}")
    if not server.api_roots:
        fatal(f"{who}: discovery lists no API roots")
    root = server.default
    if root is None:
        fatal(f"{who}: discovery has no default API root")
    if not root.url.endswith("/taxii2/api/"):
        fail(f"{who}: default API root {root.url}")
    if not root.title:
        fail(f"{who}: API root without title")
    if TAXII_21 not in root.versions:
        fail(f"{who}: API root versions {root.versions} lack {TAXII_21}")
    return server, root


def try_add_bundle(root, collections, who: str) -> str:
    """Adds a one-indicator envelope to the writable collection and polls its
    status; SKIP while the portal does not take bundles."""
    import requests

    writable = [c for c in collections if c.can_write]
    if len(writable) != 1:
        fail(f"{who}: {len(writable)} writable collections, expected 1")
        return "no writable collection"
    collection = writable[0]
    if collection.can_read:
        fail(f"{who}: {collection.title} is writable and readable")
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    envelope = {"objects": [{
        "type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
        "created": now, "modified": now, "valid_from": now,
        "name": "Phishing link sent to the fleet", "description": "Seen in an e-mail to our masters.",
        "indicator_types": ["malicious-activity"], "pattern_type": "stix",
        "pattern": "[url:value = 'http://203.0.113.77/login.php']",
        "object_marking_refs": [TLP_IDS["green"]],
    }]}
    seen: list = []
    hook = lambda response, *a, **k: seen.append(response)  # noqa: E731
    collection._conn.session.hooks["response"].append(hook)
    try:
        try:
            status = collection.add_objects(envelope, wait_for_completion=False)
        except requests.HTTPError as e:
            code = e.response.status_code if e.response is not None else None
            if code in (404, 405):
                print(f"SKIP: {who}: POST {collection.objects_url} answers {code}: adding bundles is not "
                      "there yet", flush=True)
                return f"SKIP ({code})"
            fail(f"{who}: POST {collection.objects_url}: {e}")
            return "failed"
    finally:
        collection._conn.session.hooks["response"].remove(hook)
    code = seen[-1].status_code if seen else None
    if code != 202:
        fail(f"{who}: POST {collection.objects_url} answered {code}, not 202")
    deadline = time.time() + 60
    while status.status != "complete" and time.time() < deadline:
        time.sleep(1)
        status = root.get_status(status.id)
    if status.status != "complete":
        fail(f"{who}: status {status.id} still {status.status!r} after 60 s")
        return "pending"
    if status.total_count != 1 or status.success_count != 1 or status.failure_count or status.pending_count:
        fail(f"{who}: status {status.id}: total {status.total_count}, success {status.success_count}, "
             f"failure {status.failure_count} {status.failures}, pending {status.pending_count}")
        return "wrong counts"
    return f"status {status.id} complete, success_count {status.success_count}"


# ---------------------------------------------------------------- STIX


def validate(files: list[Path], what: str) -> int:
    """stix2-validator as check_stix.sh runs it: warnings of a non-strict
    run printed, then --strict --disable 103,302, whose errors fail.
    Returns the number of objects validated."""
    from stix2validator import parse_args, run_validation

    names = [str(f) for f in files]
    warnings: Counter = Counter()
    for result in run_validation(parse_args(["--disable", "103,302", *names], is_script=True)):
        for obj in result.object_results:
            for w in obj.warnings or []:
                warnings[re.sub(r"--[0-9a-f-]{36}", "--…", str(w))] += 1
    for w, n in sorted(warnings.items()):
        print(f"  warning ({what}, {n}x): {w}")
    for result in run_validation(parse_args(["--strict", "--disable", "103,302", *names], is_script=True)):
        name = Path(result.filepath).name if result.filepath else "?"
        if result.fatal:
            fail(f"stix2-validator {name}: {result.fatal.error}")
        errors = [(obj.object_id, e) for obj in result.object_results for e in obj.errors]
        for object_id, e in errors:
            fail(f"stix2_validator --strict --disable 103,302 {name}: {object_id}: {e}")
        if not result.is_valid and not result.fatal and not errors:
            fail(f"stix2_validator --strict --disable 103,302 {name}: invalid")
    return sum(len(json.loads(f.read_text()).get("objects", [])) for f in files)


def assembled_bundle(objects: list[dict], out: Path) -> Path:
    """One bundle of every distinct object. A cyber-observable has no
    version: the same address seen at two levels is one id marked
    differently in each collection, and the bundle keeps one of them. An
    object with a version must be the same object wherever it is listed."""
    unique: dict[tuple[str, str], dict] = {}
    conflicts: dict[tuple[str, str], int] = Counter()
    for obj in objects:
        k = key(obj)
        if k in unique and "modified" in obj and canonical(unique[k]) != canonical(obj):
            conflicts[k] += 1
        unique.setdefault(k, obj)
    for (oid, version), n in conflicts.items():
        fail(f"{oid} version {version} is listed as {n + 1} different objects across collections")
    path = out / "taxii-all.json"
    path.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                "objects": list(unique.values())}))
    return path


# ---------------------------------------------------------------- MISP


def misp_feed(base: str, token: str, who: str, out: Path) -> tuple[int, int, Counter, list[dict]]:
    """Fetches the feed; checks ETags and runs check_misp.py on it. Returns
    (events, attributes, tags by TLP, events as loaded)."""
    import requests
    from pymisp import MISPEvent

    session = requests.Session()
    session.headers["Authorization"] = token
    feed = out / f"misp-{who}"
    feed.mkdir()

    def fetch(name: str) -> bytes | None:
        url = f"{base}/misp/feed/{name}"
        r = session.get(url, timeout=60)
        if r.status_code != 200:
            fail(f"{who}: GET /misp/feed/{name}: {r.status_code} {r.text[:200]!r}")
            return None
        etag = r.headers.get("etag")
        if not etag:
            fail(f"{who}: GET /misp/feed/{name}: no ETag")
        else:
            again = session.get(url, headers={"If-None-Match": etag}, timeout=60)
            if again.status_code != 304 or again.content:
                fail(f"{who}: GET /misp/feed/{name} with If-None-Match {etag}: {again.status_code}, "
                     f"{len(again.content)} bytes, not an empty 304")
            stale = session.get(url, headers={"If-None-Match": '"not-the-etag"'}, timeout=60)
            if stale.status_code != 200:
                fail(f"{who}: GET /misp/feed/{name} with a stale If-None-Match: {stale.status_code}")
        (feed / name).write_bytes(r.content)
        return r.content

    raw_manifest = fetch("manifest.json")
    raw_hashes = fetch("hashes.csv")
    if raw_manifest is None or raw_hashes is None:
        return 0, 0, Counter(), []
    manifest = json.loads(raw_manifest)
    events: list[dict] = []
    attributes = 0
    tags: Counter = Counter()
    for event_uuid in manifest:
        raw = fetch(f"{event_uuid}.json")
        if raw is None:
            continue
        event = MISPEvent()
        try:
            event.load(json.loads(raw))
        except Exception as e:  # noqa: BLE001 - any refusal by PyMISP is the finding
            fail(f"{who}: MISPEvent().load({event_uuid}.json): {type(e).__name__}: {e}")
            continue
        if event.uuid != event_uuid:
            fail(f"{who}: {event_uuid}.json holds event {event.uuid}")
        attributes += len(event.attributes)
        levels = {MISP_TLP_TAGS[t.name.lower()] for t in event.tags if t.name.lower() in MISP_TLP_TAGS}
        if len(levels) != 1:
            fail(f"{who}: event {event_uuid} ({event.info}) has TLP tags {sorted(levels)}")
        for level in levels:
            tags[level] += 1
        events.append({"uuid": event.uuid, "info": event.info, "levels": levels, "json": json.loads(raw)})
    if len(events) != len(manifest):
        fail(f"{who}: {len(manifest)} events in manifest.json, {len(events)} loaded")
    # PyMISP's own feed helpers against ours, exactly as the library test does.
    done = subprocess.run([sys.executable, str(CHECK_MISP), str(feed)], capture_output=True, text=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    if done.returncode != 0:
        fail(f"{who}: check_misp.py: " + "\n".join(l for l in lines if not l.startswith("ok: ") or "manifest" in l
                                                   or "hashes" in l)[-4000:])
    else:
        for line in lines:
            if line.startswith(("ok: manifest", "ok: hashes")):
                log(f"{who}: check_misp.py {line}")
    return len(events), attributes, tags, events


def misp_links(event: dict) -> set[str]:
    """The portal pages an event names (its attributes of type link)."""
    e = event["json"].get("Event", event["json"])
    return {a.get("value") for a in e.get("Attribute", []) if a.get("type") == "link"}


def feed_matches_pages(base: str, browser: Browser, who: str, rank: int, events: list[dict]) -> int:
    """A member's feed holds the events they may read (docs/interop.md), by
    the pages' own rules: every event above the member's clearance, or at
    a level kept to an organisation or a person (AMBER+STRICT, RED), must
    be one whose page, and page bundle, opens for them. Returns how many
    were checked."""
    checked = 0
    for e in events:
        if not any(RANK[level] > rank or level in ("amber-strict", "red") for level in e["levels"]):
            continue
        pages = [u[len(base):] for u in misp_links(e) if u.startswith(base + "/")]
        if not pages:
            fail(f"{who}: MISP event {e['uuid']} ({e['info']}) names no portal page")
            continue
        for path in pages:
            checked += 1
            for target in (path, f"{path}/stix"):
                code = browser.get(target).status_code
                if code != 200:
                    fail(f"{who}: the MISP feed serves event {e['uuid']} ({e['info']}, tagged "
                         f"{'/'.join(sorted(e['levels']))}) but GET {target} answers {code} for them")
    return checked


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookout", required=True, help="the lookout binary")
    parser.add_argument("--venv", default=DEFAULT_VENV, help="where to install the checkers")
    args = parser.parse_args()
    binary = os.path.abspath(args.lookout)
    if not os.access(binary, os.X_OK):
        sys.exit(f"not an executable: {binary}")
    ensure_checkers(args.venv)

    started = time.time()
    sys.path.insert(0, str(HERE))
    sys.dont_write_bytecode = True  # no __pycache__ in the work tree
    from ux_crawl import Portal  # noqa: E402 - the same demo portal as the UX crawl

    log("starting a demo portal")
    portal = Portal(binary)
    summary: list[str] = []
    out: Path | None = None
    try:
        log(f"portal at {portal.base} ({time.time() - started:.0f} s)")
        for email in (AMBER_MEMBER, GREEN_MEMBER):
            if email not in portal.passwords:
                fatal(f"the demo printed no password for {email}")
        if clearance(portal.data_dir, AMBER_ORG) != RANK["amber-strict"]:
            fatal(f"{AMBER_ORG} is not AMBER+STRICT (rank {clearance(portal.data_dir, AMBER_ORG)})")
        # A second member of the GREEN organisation, who did not upload its
        # RED analysis.
        colleague_password = secrets.token_urlsafe(24)
        admin(binary, portal.data_dir, "create-user", "--email", COLLEAGUE, "--role", "member", "--org", GREEN_ORG,
              "--password-stdin", stdin=colleague_password + "\n")
        tokens = {"amber": api_token(binary, portal.data_dir, AMBER_MEMBER),
                  "green": api_token(binary, portal.data_dir, GREEN_MEMBER),
                  "colleague": api_token(binary, portal.data_dir, COLLEAGUE)}
        set_clearance(portal.data_dir, GREEN_ORG, RANK["green"])

        browser = Browser(portal.base, AMBER_MEMBER, portal.passwords[AMBER_MEMBER])
        wait_for_analyses(portal.data_dir)
        log(f"signed in as {AMBER_MEMBER}; analyses done ({time.time() - started:.0f} s)")

        out = Path(tempfile.mkdtemp(prefix="lookout-interop-"))

        # ---- TAXII
        walked: list[dict] = []
        counts: dict[str, int] = {}
        _, root = taxii_server(portal.base, tokens["amber"], "amber")
        amber_collections = root.collections
        titles = [c.title for c in amber_collections]
        for expected in ("Lookout TLP:CLEAR", "Lookout TLP:GREEN", "Lookout TLP:AMBER", "Lookout TLP:AMBER+STRICT",
                         MY_ORG):
            if expected not in titles:
                fail(f"amber: no collection {expected!r} in {titles}")
        if "Lookout TLP:RED" in titles:
            fail("amber: a member's organisation is offered the RED collection")
        for c in amber_collections:
            if not c.can_read:
                continue
            objects = walk(c, "amber")
            counts[f"amber {c.title}"] = len(objects)
            walked.extend(objects)
        summary.append("TAXII amber (" + AMBER_MEMBER + "): "
                       + ", ".join(f"{t.split(' ', 1)[1]} {n}" for t, n in counts.items() if t.startswith("amber")))
        posted = try_add_bundle(root, amber_collections, "amber")
        summary.append(f"TAXII add objects: {posted}")

        _, groot = taxii_server(portal.base, tokens["green"], "green")
        green_collections = groot.collections
        gtitles = [c.title for c in green_collections]
        if sorted(t for t in gtitles if t in LEVEL_TITLES) != ["Lookout TLP:CLEAR", "Lookout TLP:GREEN"]:
            fail(f"green: level collections {gtitles}, expected CLEAR and GREEN only")
        for c in amber_collections:
            level = LEVEL_TITLES.get(c.title)
            if level and RANK[level] > RANK["green"]:
                import requests

                r = requests.get(f"{portal.base}/taxii2/api/collections/{c.id}/objects/",
                                 headers={"Authorization": f"Bearer {tokens['green']}", "Accept": TAXII_21},
                                 timeout=30)
                if r.status_code != 404:
                    fail(f"green: the {c.title} collection answers {r.status_code}, not 404")
        green_counts = {}
        for c in green_collections:
            if not c.can_read:
                continue
            if c.title == MY_ORG:
                green_counts[c.title] = len(walk(c, "green"))
                continue
            objects = walk(c, "green")
            green_counts[c.title] = len(objects)
            walked.extend(objects)
            for obj in objects:
                other = markings(obj) - {TLP_IDS["clear"], TLP_IDS["green"]}
                if other:
                    fail(f"green: {c.title}: {describe(obj)} carries "
                         f"{sorted(TLP_OF_ID.get(r, r) for r in other)}")
        summary.append("TAXII green (" + GREEN_MEMBER + "): "
                       + ", ".join(f"{t.split(' ', 1)[1]} {n}" for t, n in green_counts.items()))

        # ---- STIX
        log("downloading bundles from the pages")
        page_files = download_bundles(browser, out)
        log(f"stix2-validator on {len(page_files)} page bundles")
        page_objects = validate(page_files, "pages")
        kinds = Counter(f.name.split("-", 1)[0] for f in page_files)
        summary.append(f"STIX page bundles validated: {len(page_files)} ({dict(kinds)}), {page_objects} objects")
        taxii_file = assembled_bundle(walked, out)
        n = len(json.loads(taxii_file.read_text())["objects"])
        log(f"stix2-validator on one bundle of the {n} distinct objects walked over TAXII")
        validate([taxii_file], "TAXII")
        summary.append(f"STIX bundle of every TAXII object validated: {n} objects")

        # ---- MISP
        browsers = {"amber": browser, "green": Browser(portal.base, GREEN_MEMBER, portal.passwords[GREEN_MEMBER]),
                    "colleague": Browser(portal.base, COLLEAGUE, colleague_password)}
        ranks = {"amber": RANK["amber-strict"], "green": RANK["green"], "colleague": RANK["green"]}
        for who in ("amber", "green", "colleague"):
            log(f"MISP feed as {who}")
            events, attributes, tags, loaded = misp_feed(portal.base, tokens[who], who, out)
            checked = feed_matches_pages(portal.base, browsers[who], who, ranks[who], loaded)
            summary.append(f"MISP {who}: {events} events loaded, {attributes} attributes, by TLP {dict(tags)}; "
                           f"{checked} above GREEN or kept to an organisation or person opened on their pages")
    except Exception as e:  # noqa: BLE001 - a checker's refusal is a finding, with its message
        import traceback

        traceback.print_exc()
        fail(f"{type(e).__name__}: {e}")
    finally:
        portal.stop()
        if out is not None:
            if FAILURES:
                summary.append(f"downloaded files kept in {out}")
            else:
                shutil.rmtree(out, ignore_errors=True)
    summary.append(f"took {time.time() - started:.0f} s")
    finish(summary)


if __name__ == "__main__":
    main()
