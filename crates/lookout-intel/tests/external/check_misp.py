#!/usr/bin/env python3
"""Checks a MISP feed directory written by `examples/sample_misp.rs`
against PyMISP, the reference implementation of the feed format:

- every `{uuid}.json` loads with `MISPEvent().load_file()` and is exactly
  what PyMISP's `MISPEvent.to_feed()` writes for the loaded event (so the
  file is a fixpoint of PyMISP's own feed export);
- every attribute type/category pair is one MISP's describeTypes allows;
- `manifest.json` and `hashes.csv` equal what PyMISP's
  `pymisp.tools.feed.feed_meta_generator` writes for the same events.

Usage: check_misp.py FEED_DIR. Exits non-zero on any difference.
"""

import json
import shutil
import sys
import tempfile
from pathlib import Path

from pymisp import MISPEvent
from pymisp.tools.feed import feed_meta_generator


def fail(msg: str) -> None:
    print(f"check_misp: FAIL: {msg}")
    sys.exit(1)


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: check_misp.py FEED_DIR")
    feed = Path(sys.argv[1])
    events = sorted(p for p in feed.glob("*.json") if p.name != "manifest.json")
    if not events:
        fail(f"no event files in {feed}")

    describe = MISPEvent().describe_types
    categories = describe["category_type_mappings"]
    for path in events:
        ours = json.loads(path.read_text())
        event = MISPEvent()
        event.load_file(str(path))
        if path.stem != event.uuid:
            fail(f"{path.name}: file name is not the event uuid {event.uuid}")
        theirs = event.to_feed()
        if ours != theirs:
            fail(f"{path.name}: differs from PyMISP to_feed():\nours:   {json.dumps(ours, sort_keys=True)}\n"
                 f"theirs: {json.dumps(theirs, sort_keys=True)}")
        for a in event.attributes:
            if a.type not in describe["types"]:
                fail(f"{path.name}: unknown attribute type {a.type}")
            if a.type not in categories.get(a.category, []):
                fail(f"{path.name}: type {a.type} not allowed in category {a.category}")
        print(f"ok: {path.name}: {len(event.attributes)} attributes, tags "
              f"{[t.name for t in event.tags]}")

    with tempfile.TemporaryDirectory() as tmp:
        ref = Path(tmp)
        for path in events:
            shutil.copy(path, ref / path.name)
        feed_meta_generator(ref)
        our_manifest = json.loads((feed / "manifest.json").read_text())
        ref_manifest = json.loads((ref / "manifest.json").read_text())
        if our_manifest != ref_manifest:
            fail("manifest.json differs from PyMISP's:\nours:   "
                 f"{json.dumps(our_manifest, sort_keys=True)}\ntheirs: {json.dumps(ref_manifest, sort_keys=True)}")
        print(f"ok: manifest.json matches PyMISP ({len(our_manifest)} events)")
        our_hashes = sorted((feed / "hashes.csv").read_text().splitlines())
        ref_hashes = sorted((ref / "hashes.csv").read_text().splitlines())
        if our_hashes != ref_hashes:
            fail(f"hashes.csv differs from PyMISP's: only ours {sorted(set(our_hashes) - set(ref_hashes))}, "
                 f"only theirs {sorted(set(ref_hashes) - set(our_hashes))}")
        print(f"ok: hashes.csv matches PyMISP ({len(our_hashes)} lines)")
    print("check_misp: all checks passed")


if __name__ == "__main__":
    main()
