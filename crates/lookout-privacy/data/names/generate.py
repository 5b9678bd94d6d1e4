#!/usr/bin/env python3
"""Regenerate the name gazetteers in this folder.

Outputs (all UTF-8, one entry per line, deduplicated, sorted by Unicode code
point, which is the same as byte order of the UTF-8 encoding):

    given.txt         given names (plus patronymic / middle-name forms)
    surnames.txt      surnames / family names
    common-words.txt  lower-case words that are both frequent ordinary English
                      words and entries of given.txt or surnames.txt

The committed .txt files are what the Rust crate uses; nothing here runs at
build time.  To regenerate (network access to PyPI and Debian is needed once):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install faker==40.63.0 mimesis==22.2.0 \
        wordfreq==3.1.1 english-words==2.0.2
    /tmp/gazvenv/bin/python generate.py            # writes the .txt files

The SCOWL word lists (Debian packages `wamerican` and `wbritish`) are used as
a filter for common-words.txt.  They are read from /usr/share/dict if present;
otherwise the script runs `apt-get download wamerican wbritish` into a
temporary directory and unpacks them with `dpkg-deb -x` (nothing is
installed).  Pass --scowl-dir DIR to point at a directory holding
american-english and british-english instead.

The script also rewrites the block between the `counts:begin` and
`counts:end` markers in SOURCES.md with the per-source counts of this run.

No GPL code or data is used (in particular no unidecode): all
transliteration tables below are written for this project.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import importlib.metadata
import itertools
import json
import os
import pkgutil
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

EXPECTED_VERSIONS = {
    "faker": "40.63.0",
    "mimesis": "22.2.0",
    "wordfreq": "3.1.1",
    "english-words": "2.0.2",
}

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

APOSTROPHES = "'\u2019\u02bc"  # ' ’ ʼ
ALLOWED_PUNCT = set("-" + APOSTROPHES)
JOINERS = {"\u200c", "\u200d"}  # ZWNJ / ZWJ are part of Persian / Indic spelling


def is_cjk_char(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0x20000 <= cp <= 0x2FA1F  # extensions B.. and compatibility supplement
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xAC00 <= cp <= 0xD7A3  # Hangul syllables
    )


JA_SCRIPTS = {"CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC"}


def mixed_script(s: str) -> bool:
    scripts = set()
    for ch in s:
        if unicodedata.category(ch)[0] == "L" and ch not in APOSTROPHES:
            scripts.add(unicodedata.name(ch, "?").split()[0])
    return len(scripts) > 1 and not scripts <= JA_SCRIPTS


def normalise(raw: str, kind: str) -> str | None:
    """Return the cleaned entry, or None if it must be dropped.

    kind is "given" or "surname": a single CJK character is kept only as a
    surname (王, 李, 김 ...)."""
    if not isinstance(raw, str):
        return None
    s = unicodedata.normalize("NFC", raw)
    s = " ".join(s.split())  # strip + collapse internal whitespace
    if not s or "{" in s or "#" in s:
        return None
    for ch in s:
        if ch == " " or ch in ALLOWED_PUNCT or ch in JOINERS:
            continue
        cat = unicodedata.category(ch)
        if cat[0] in ("L", "M"):
            continue
        return None  # digits, other punctuation, symbols, controls
    if not any(unicodedata.category(ch)[0] == "L" for ch in s):
        return None
    if mixed_script(s):
        return None  # source typos such as Latin "a" inside a Cyrillic name
    if s[0] in ALLOWED_PUNCT or s[-1] == "-":
        return None
    if len(s) < 2:
        if not (kind == "surname" and is_cjk_char(s)):
            return None
    return s


def script_of(s: str) -> str:
    """Crude script detection: greek / cyrillic / georgian / hangul / latin / other."""
    for ch in s:
        cp = ord(ch)
        if 0x0370 <= cp <= 0x03FF or 0x1F00 <= cp <= 0x1FFF:
            return "greek"
        if 0x0400 <= cp <= 0x052F:
            return "cyrillic"
        if 0x10A0 <= cp <= 0x10FF:
            return "georgian"
        if 0xAC00 <= cp <= 0xD7A3:
            return "hangul"
    if all(
        (not unicodedata.category(ch).startswith("L")) or ch in APOSTROPHES
        or "LATIN" in unicodedata.name(ch, "")
        for ch in s
    ):
        return "latin"
    return "other"


# --------------------------------------------------------------------------
# Word-wise helpers shared by the transliterators
# --------------------------------------------------------------------------

SEP_RE = re.compile(r"([ \-]+)")


def map_words(name: str, fn, force_cap: bool = False) -> str:
    """Apply fn(lower_word) to each word of name, keep separators, restore the
    initial capital of each word that had one in the source (or of every word
    when force_cap is set, for caseless scripts such as Georgian)."""
    parts = SEP_RE.split(name)
    out = []
    for p in parts:
        if not p or SEP_RE.fullmatch(p):
            out.append(p)
            continue
        t = fn(p.lower())
        if t and (force_cap or p[0].isupper()):
            t = t[0].upper() + t[1:]
        out.append(t)
    return "".join(out)


# --------------------------------------------------------------------------
# Greek -> Latin (ELOT 743-like, plus common popular spellings)
# --------------------------------------------------------------------------

GR_VOWELS = set("αεηιουω")
GR_VOICED = set("βγδζλμνρ")
GR_SINGLE = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i",
    "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x",
    "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y",
    "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
# scheme parameters:
#   cluster: "letter" (mp/nt/gk everywhere), "elot" (b/d/g initially,
#            mp/nt/gk inside), "phonetic" (b/d/g initially, mb/nd/ng inside)
#   upsilon: y or i;  chi: ch or h;  xi: x or ks
#   diph: keep ai/ei/oi (False) or phonetic e/i/i (True)
#   yod: initial γι+vowel -> "" (keep), "yi" or "y"
GR_SCHEMES = [
    dict(cluster="letter", upsilon="y", chi="ch", xi="x", diph=False, yod=""),
    dict(cluster="elot", upsilon="y", chi="ch", xi="x", diph=False, yod=""),
    dict(cluster="phonetic", upsilon="i", chi="h", xi="ks", diph=True, yod="yi"),
    dict(cluster="phonetic", upsilon="i", chi="h", xi="x", diph=False, yod="y"),
    dict(cluster="elot", upsilon="i", chi="ch", xi="x", diph=False, yod=""),
]


def _greek_letters(word: str):
    """Split a lower-case Greek word into [base, has_acute, has_diaeresis]."""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            if out:
                if ch == "\u0308":
                    out[-1][2] = True
                else:
                    out[-1][1] = True
            continue
        out.append([ch, False, False])
    return out


def greek_word(word: str, sc: dict) -> str:
    L = _greek_letters(word)
    b = [x[0] for x in L]
    n = len(b)
    res = []
    i = 0
    while i < n:
        c = b[i]
        nxt = b[i + 1] if i + 1 < n else ""
        nxt_plain = i + 1 < n and not L[i + 1][2]  # next letter has no diaeresis
        first_plain = not L[i][1]  # this letter carries no accent
        # initial γι + vowel  (Γιάννης -> Yannis / Yiannis)
        if i == 0 and c == "γ" and nxt == "ι" and i + 2 < n and b[i + 2] in GR_VOWELS and sc["yod"]:
            res.append(sc["yod"] if sc["yod"] == "yi" else "y")
            i += 2
            continue
        if c in "αεη" and nxt == "υ" and nxt_plain and first_plain:
            after = b[i + 2] if i + 2 < n else ""
            v = "v" if (after in GR_VOWELS or after in GR_VOICED) else "f"
            res.append({"α": "a", "ε": "e", "η": "i"}[c] + v)
            i += 2
            continue
        if c == "ο" and nxt == "υ" and nxt_plain and first_plain:
            res.append("ou")
            i += 2
            continue
        if sc["diph"] and nxt == "ι" and nxt_plain and first_plain and c in "αεου":
            res.append({"α": "e", "ε": "i", "ο": "i", "υ": "i"}[c])
            i += 2
            continue
        if c == "γ" and nxt == "γ":
            res.append("ng")
            i += 2
            continue
        if c == "γ" and nxt in ("ξ", "χ"):
            res.append("n")
            i += 1
            continue
        if (c, nxt) in (("μ", "π"), ("ν", "τ"), ("γ", "κ")):
            initial = {"μ": "b", "ν": "d", "γ": "g"}[c]
            inner = {
                "letter": {"μ": "mp", "ν": "nt", "γ": "gk"},
                "elot": {"μ": "mp", "ν": "nt", "γ": "gk"},
                "phonetic": {"μ": "mb", "ν": "nd", "γ": "ng"},
            }[sc["cluster"]][c]
            if sc["cluster"] != "letter" and i == 0:
                res.append(initial)
            else:
                res.append(inner)
            i += 2
            continue
        if c == "υ":
            res.append(sc["upsilon"])
        elif c == "χ":
            res.append(sc["chi"])
        elif c == "ξ":
            res.append(sc["xi"])
        else:
            res.append(GR_SINGLE.get(c, c))
        i += 1
    return "".join(res)


def translit_greek(name: str) -> set[str]:
    return {map_words(name, lambda w, sc=sc: greek_word(w, sc)) for sc in GR_SCHEMES}


# --------------------------------------------------------------------------
# Cyrillic -> Latin (BGN/PCGN-like, ICAO Doc 9303 / Ukrainian 2010 national,
# Bulgarian streamlined system, Macedonian, Kazakh) with popular variants
# --------------------------------------------------------------------------

CYR_VOWELS = set("аеёиоуыэюяіїєәөұүѣ")

RU_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "zh", "з": "z",
    "и": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    # Ukrainian / Belarusian / other letters that can appear in Russian data
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}

# Kazakh-specific letters, two spellings each (plain ASCII, digraph)
KK_EXTRA = {
    "ә": ("a", "a"), "ғ": ("g", "gh"), "қ": ("k", "q"), "ң": ("n", "ng"),
    "ө": ("o", "o"), "ұ": ("u", "u"), "ү": ("u", "u"), "һ": ("h", "h"),
}


def _cyr_word(word: str, lang: str, f: dict) -> str:
    """Transliterate one lower-case Cyrillic word.

    f keys: e ("ye"|"e"), y ("y"|"i"|"ua"), end ("nat"|"y"|"i"),
            kh ("kh"|"h"), ks ("ks"|"x"), g ("h"|"g") [uk],
            kk ("plain"|"digraph") [kk], bg_er ("a"|"u") [bg]
    """
    w = word
    n = len(w)
    res = []
    i = 0
    while i < n:
        c = w[i]
        prev = w[i - 1] if i > 0 else ""
        nxt = w[i + 1] if i + 1 < n else ""
        at_start = i == 0 or prev in CYR_VOWELS or prev in "ъь'’ʼ"
        word_start = i == 0
        at_end2 = i + 2 == n  # this letter and the next are the last two
        # endings -ий / -ый / -ій (and -ия for the popular spelling "Maria")
        if at_end2 and c in "иыі" and nxt == "й" and f["end"] != "nat":
            if c == "ы":
                res.append("y")
            else:
                res.append(f["end"])
            i += 2
            continue
        if c in "'’ʼ":
            i += 1
            continue
        if c == "к" and nxt == "с":
            res.append(f["ks"])
            i += 2
            continue
        if c == "х":
            res.append(f["kh"])
        elif c in KK_EXTRA and lang == "kk":
            res.append(KK_EXTRA[c][0 if f.get("kk") == "plain" else 1])
        elif lang == "uk":
            if c == "г":
                res.append(f["g"])
            elif c == "и":
                res.append("i" if f["g"] == "g" else "y")
            elif c == "е":
                res.append("e")
            elif c in "єїйюя":
                y_form = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}[c]
                i_form = {"є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"}[c]
                if f["y"] == "y":
                    res.append(y_form)
                elif f["y"] == "i":
                    res.append(i_form)
                else:  # national 2010 system: y-forms word-initially only
                    res.append(y_form if word_start else i_form)
            elif c == "щ":
                res.append("shch")
            else:
                res.append(RU_BASE.get(c, c))
        elif lang == "bg":
            if c == "щ":
                res.append("sht")
            elif c == "ъ":
                res.append(f["bg_er"])
            elif c == "ь":
                res.append("y")
            elif c == "й":
                res.append(f["y"])
            elif c == "ю":
                res.append("yu" if f["y"] == "y" else "iu")
            elif c == "я":
                # streamlined system: final -ия -> -ia
                if prev == "и" and i == n - 1:
                    res.append("a")
                else:
                    res.append("ya" if f["y"] == "y" else "ia")
            elif c == "е":
                res.append("e")
            else:
                res.append(RU_BASE.get(c, c))
        else:  # ru, kk and default
            if c == "е":
                res.append("ye" if (f["e"] == "ye" and at_start) else "e")
            elif c == "ё":
                res.append("yo" if f["e"] == "ye" else "e")
            elif c == "й":
                res.append("y" if f["y"] == "y" else "i")
            elif c == "ю":
                res.append("iu" if f["y"] == "i" else "yu")
            elif c == "я":
                if f["end"] != "nat" and prev == "и" and i == n - 1:
                    res.append("a")  # Мария -> Maria
                else:
                    res.append("ia" if f["y"] == "i" else "ya")
            else:
                res.append(RU_BASE.get(c, c))
        i += 1
    return "".join(res)


MK_SCHEMES = [
    # ASCII digraphs, official Latin with diacritics, diacritics stripped
    {"ѓ": "gj", "ќ": "kj", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "џ": "dzh",
     "ц": "c", "ч": "ch", "ш": "sh", "ж": "zh", "х": "h"},
    {"ѓ": "ǵ", "ќ": "ḱ", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "џ": "dž",
     "ц": "c", "ч": "č", "ш": "š", "ж": "ž", "х": "h"},
    {"ѓ": "g", "ќ": "k", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "џ": "dz",
     "ц": "c", "ч": "c", "ш": "s", "ж": "z", "х": "h"},
]


MK_BASE = dict(RU_BASE, **{"е": "e", "ѐ": "e", "ѝ": "i", "й": "j", "ю": "ju", "я": "ja"})


def _mk_word(word: str, table: dict) -> str:
    return "".join(table.get(c, MK_BASE.get(c, c)) for c in word)


CYR_SCHEMES = {
    # e: е after a vowel / word-initially (ye|e);  y: й ю я as y yu ya ("y"),
    # i iu ia ("i"), i yu ya ("mix"), or Ukrainian 2010 position rule ("ua");
    # end: -ий/-ій/-ый as spelt letter by letter ("nat"), or -y / -i;
    # kh: х;  ks: кс;  g: Ukrainian г (h|g, g also gives и -> i)
    "ru": [
        dict(e="ye", y="y", end="nat", kh="kh", ks="ks"),    # BGN/PCGN: Sergey, Aleksey, Dmitriy, Yevgeniy
        dict(e="e", y="i", end="nat", kh="kh", ks="ks"),     # ICAO 9303: Sergei, Aleksei, Dmitrii, Evgenii
        dict(e="ye", y="y", end="y", kh="kh", ks="x"),       # popular: Alexey, Dmitry, Yevgeny
        dict(e="e", y="mix", end="y", kh="kh", ks="x"),      # popular: Alexei, Evgeny, Yury, Maria
        dict(e="e", y="mix", end="i", kh="h", ks="x"),       # popular: Dmitri, Yuri, Mihail
    ],
    "uk": [
        dict(y="ua", end="nat", g="h", kh="kh", ks="ks"),    # national 2010: Oleksandr, Serhii, Yurii
        dict(y="y", end="nat", g="h", kh="kh", ks="ks"),     # BGN/PCGN: Serhiy, Yuriy
        dict(y="y", end="i", g="h", kh="kh", ks="x"),        # popular: Olexandr, Yuri
        dict(y="y", end="i", g="g", kh="kh", ks="x"),        # Russian-style: Oleg, Olga, Galina
    ],
    "bg": [
        dict(y="y", end="nat", kh="h", ks="ks", bg_er="a"),  # streamlined system (2009)
        dict(y="y", end="nat", kh="kh", ks="ks", bg_er="u"), # older BGN/PCGN
        dict(y="i", end="nat", kh="h", ks="x", bg_er="a"),   # popular
    ],
    "kk": [
        dict(e="ye", y="y", end="nat", kh="kh", ks="ks", kk="plain"),
        dict(e="e", y="y", end="y", kh="kh", ks="ks", kk="digraph"),
        dict(e="e", y="i", end="nat", kh="h", ks="ks", kk="plain"),
    ],
}


def translit_cyrillic(name: str, lang: str) -> set[str]:
    if lang == "mk":
        return {map_words(name, lambda w, t=t: _mk_word(w, t)) for t in MK_SCHEMES}
    out = set()
    for f in CYR_SCHEMES.get(lang, CYR_SCHEMES["ru"]):
        f = dict(f)
        f.setdefault("e", "e")
        out.add(map_words(name, lambda w, f=f: _cyr_word(w, lang, f)))
    return out


# --------------------------------------------------------------------------
# Georgian -> Latin (2002 national system)
# --------------------------------------------------------------------------

KA = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z",
    "თ": "t", "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o",
    "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p",
    "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz",
    "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h",
}


def translit_georgian(name: str) -> set[str]:
    return {map_words(name, lambda w: "".join(KA.get(c, c) for c in w), force_cap=True)}


# --------------------------------------------------------------------------
# Hangul -> Latin (Revised Romanization, syllable by syllable, no
# assimilation, as used for personal names; plus a popular variant)
# --------------------------------------------------------------------------

KO_INITIAL = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
KO_MEDIAL = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"]
KO_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]


def ko_syllable(ch: str, popular: bool) -> str:
    code = ord(ch) - 0xAC00
    li, vi, ti = code // 588, (code % 588) // 28, code % 28
    ini, med, fin = KO_INITIAL[li], KO_MEDIAL[vi], KO_FINAL[ti]
    if popular:
        if ini == "g":
            ini = "k"
        if med == "yeo" and fin == "ng" and ini == "":
            med = "you"  # 영 -> young
        elif med in ("eo", "yeo") and fin:
            med = "u" if med == "eo" else "yu"  # 성 -> sung, 현 -> hyun, 경 -> kyung
        elif med == "u" and not fin:
            med = "oo" if ini else "woo"  # 수 -> soo, 우 -> woo
        elif med == "u" and fin == "n":
            med = "oo"  # 준 -> joon, 훈 -> hoon
        elif med == "ui" and ini:
            med = "ee"  # 희 -> hee
    return ini + med + fin


def translit_hangul_given(name: str) -> set[str]:
    if not all(0xAC00 <= ord(c) <= 0xD7A3 for c in name) or len(name) < 2:
        return set()
    out = set()
    for popular in (False, True):
        syl = [ko_syllable(c, popular) for c in name]
        if not all(syl):
            continue
        joined = "".join(syl)
        out.add(joined[0].upper() + joined[1:])
        if not popular:  # Min-jun (RR with hyphen); popular form only joined
            out.add(syl[0].capitalize() + "-" + "-".join(syl[1:]))
    return out


# Conventional spellings of Korean surnames as used in passports and the press
# (written for this project; RR forms are produced mechanically above).
KO_SURNAME_SPELLINGS = {
    "김": "Kim Gim", "이": "Lee Yi Rhee Rhie", "박": "Park Pak Bak", "최": "Choi Choe",
    "정": "Jung Jeong Chung", "강": "Kang Gang", "조": "Cho Jo", "윤": "Yoon Yun",
    "장": "Jang Chang", "임": "Lim Im Rim", "한": "Han", "오": "Oh", "서": "Seo Suh",
    "신": "Shin Sin", "권": "Kwon Gwon", "황": "Hwang", "안": "Ahn An", "송": "Song",
    "류": "Ryu Yoo Yu Ryoo", "유": "Yoo Yu", "전": "Jeon Jun Chun Chon", "홍": "Hong",
    "고": "Ko Go Koh", "문": "Moon Mun", "양": "Yang", "손": "Son Sohn", "배": "Bae Pae",
    "백": "Baek Paik Paek", "허": "Heo Hur Huh", "노": "Noh Roh No", "남": "Nam",
    "심": "Shim Sim", "하": "Ha", "곽": "Kwak Gwak", "성": "Sung Seong", "차": "Cha",
    "주": "Joo Ju Chu", "우": "Woo", "구": "Koo Gu Ku", "민": "Min", "진": "Jin Chin",
    "나": "Na Ra", "지": "Ji Chi", "엄": "Eom Um Uhm", "채": "Chae", "원": "Won",
    "천": "Cheon Chun", "방": "Bang Pang", "공": "Kong Gong", "현": "Hyun Hyeon",
    "함": "Ham", "변": "Byun Byeon", "염": "Yeom Yum", "여": "Yeo Yuh", "추": "Choo Chu",
    "도": "Do Doh", "소": "So", "석": "Seok Suk", "선": "Sun Seon", "설": "Seol Sul",
    "마": "Ma", "길": "Gil Kil", "연": "Yeon Youn", "위": "Wi Wee", "표": "Pyo",
    "명": "Myung Myeong", "기": "Ki Gi", "반": "Ban Pan", "왕": "Wang", "금": "Geum Keum",
    "옥": "Ok", "육": "Yuk Yook", "인": "In", "맹": "Maeng", "제": "Je", "모": "Mo",
    "탁": "Tak", "국": "Kook Guk", "어": "Eo", "은": "Eun", "편": "Pyeon Pyun",
    "용": "Yong", "예": "Ye", "경": "Kyung Gyeong", "봉": "Bong", "부": "Boo Bu",
    "가": "Ka Ga", "복": "Bok", "태": "Tae", "목": "Mok", "형": "Hyung Hyeong",
    "피": "Pi", "두": "Doo Du", "감": "Kam Gam", "음": "Eum", "빈": "Bin", "동": "Dong",
    "온": "On", "호": "Ho", "범": "Beom Bum", "남궁": "Namgung Namkoong",
    "황보": "Hwangbo", "제갈": "Jegal", "선우": "Sunwoo Seonu", "독고": "Dokgo",
    "사공": "Sagong", "서문": "Seomun", "동방": "Dongbang",
}


# --------------------------------------------------------------------------
# Latin: ASCII folding variants (own table; NFD + a few special letters)
# --------------------------------------------------------------------------

FOLD_SPECIAL = {
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe",
    "Œ": "Oe", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "ng", "Ŋ": "Ng",
    "ƒ": "f", "ǧ": "g", "ə": "a", "Ə": "A",
}
# German / Nordic spellings without umlauts: Müller -> Mueller, Øyvind -> Oeyvind
FOLD_E = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
          "å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe"}
FOLD_E_LANGS = {"de", "da", "no", "nb", "sv", "is", "fi", "et"}


def fold_ascii(s: str, e_forms: bool = False) -> str:
    out = []
    for ch in s:
        if e_forms and ch in FOLD_E:
            out.append(FOLD_E[ch])
            continue
        if ch in FOLD_SPECIAL:
            out.append(FOLD_SPECIAL[ch])
            continue
        if ch in "\u2019\u02bc":
            out.append("'")
            continue
        d = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in d if not unicodedata.combining(c)))
    return unicodedata.normalize("NFC", "".join(out))


# --------------------------------------------------------------------------
# Hand-written supplements (written for this project; facts about common
# names, no third-party list copied).  Released with the project.
# --------------------------------------------------------------------------

PH_PARTICLE_BASES = {
    "la": ["Cruz", "Rosa", "Paz", "Torre", "Peña", "Fuente", "Merced", "Vega", "Serna", "Concepcion", "Calzada", "Viña"],
    "los": ["Santos", "Reyes", "Angeles", "Trinos"],
    "l": ["Rosario", "Mundo", "Castillo", "Valle", "Prado", "Carmen", "Pilar", "Monte", "Sol", "Fierro"],
    "": ["Guzman", "Leon", "Castro", "Jesus", "Vera", "Ocampo", "Lara", "Mesa", "Asis", "Villa",
         "Belen", "Lima", "Dios", "Gracia", "Torres", "Silva", "Luna", "Lemos", "Gala", "Ramos", "Vega"],
}


def filipino_particle_surnames() -> list[str]:
    out = []
    for part, bases in PH_PARTICLE_BASES.items():
        for b in bases:
            if part == "la":
                out += [f"dela {b}", f"Dela {b}", f"De la {b}", f"de la {b}", f"De La {b}", f"Dela{b.lower()}"]
            elif part == "los":
                out += [f"delos {b}", f"Delos {b}", f"De los {b}", f"de los {b}", f"De Los {b}", f"Delos{b.lower()}"]
            elif part == "l":
                out += [f"del {b}", f"Del {b}", f"Del{b.lower()}"]
            else:
                out += [f"de {b}", f"De {b}"]
    out += ["San Jose", "San Juan", "San Pedro", "San Diego", "San Miguel", "San Luis", "San Agustin",
            "Santa Maria", "Santa Ana", "Santa Cruz", "Santa Rosa", "Santo Tomas", "Santo Domingo"]
    return out


PH_SURNAMES = """
Abad Abadilla Abarquez Abella Abellana Abrenica Agbayani Aglipay Agoncillo Aguinaldo Alcantara Almario
Alvarado Amurao Andal Angeles Apostol Aquino Arceo Arellano Arroyo Asuncion Austria Avelino Baculi
Bacani Bagatsing Baltazar Baluyot Banaag Barcelona Basilio Batungbakal Bautista Belmonte Bernabe
Binay Bonifacio Buenaflor Buenaventura Bumanglag Bunag Buot Cabahug Cabatingan Cabrera Cacho
Calderon Caluya Camacho Cajucom Catacutan Cayabyab Cayetano Cojuangco Concepcion Cortez Cuizon
Custodio Dacanay Dagohoy Dalisay Dantes Datu Dimaano Dimaculangan Dimagiba Dimalanta Dimayuga
Dizon Ducusin Dumalagan Dungca Durano Ebdane Ejercito Enrile Espiritu Estrada Evangelista Fabella
Fajardo Francisco Gabriel Galang Galvez Gamboa Gatbonton Gatchalian Gatdula Gatmaitan Gonzaga
Gullas Guevarra Ilagan Ilustre Ignacio Jacinto Javier Katigbak Labrador Lacsamana Lacson Lagman
Lansangan Lapid Lapuz Laurel Legaspi Lualhati Mabini Macabulos Macapagal Macaraeg Macaspac
Madriaga Magbanua Maglaya Magno Magsaysay Magtanggol Malabanan Malacaman Malonzo Manalastas Manalo
Manaloto Manansala Mangubat Manlapaz Marasigan Matibag Medina Mercado Nacpil Natividad Nepomuceno
Nicolas Ocampo Olivar Ongpin Osmeña Ouano Pacaña Pacquiao Padilla Pagaduan Pagdanganan Palma
Pamintuan Panganiban Pangilinan Pascual Pineda Punsalan Quiambao Quijano Quimpo Quisumbing Quezon
Rama Recto Roxas Sabado Salazar Salonga Samonte Santiago Sarmiento Sevilla Sicat Sison Soriano
Tabios Tabora Tagle Talag Tamayo Tanglao Tantoco Tiangco Tibayan Tiongson Tolentino Tuason Tuazon
Ulep Umali Valenzuela Velasco Vergara Villanueva Villar Yabut Ylanan Yulo Zamora Zaragoza
"""

PH_GIVEN = """
Adelfa Alvin Analyn Angelito Arnel Ariel Bayani Bienvenido Bong Bongbong Carmelita Cherry Conrado
Corazon Danilo Dante Diosdado Divina Dodong Edgardo Efren Eliseo Elmer Emmanuel Ernesto Ferdinand
Fernando Florante Gerardo Gilbert Gloria Honeylyn Imelda Inday Jayson Jerome Jessie Jhon Jhonrey
Jhun Jocelyn Joel Jomar Jonalyn Jonel Jose Joselito Jovito Jun Junjun Leonila Lito Lorna Lourdes
Luzviminda Manny Maricel Marilou Marites Marivic Marlon Marvin Merlie Mylene Narciso Nelia Nestor
Ninoy Noel Nonoy Norberto Perla Rafael Ramil Raymart Renato Rey Reynaldo Rizalino Rodel Rodrigo
Rodolfo Rogelio Rolando Romeo Rommel Ronaldo Rosalie Rowena Teodoro Virgilio Wilfredo Yolanda
"""

VN_SURNAMES = """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Mai Đào Cao
Hà Lưu Tạ Tô Trịnh Châu Quách Thái Lương Kiều Tăng Từ Chu Đoàn Vương Lục Hứa La Triệu Doãn Khúc
Nghiêm Phùng Tôn Thân Mạc Âu Quan Tiêu Giang Văn Đàm Ninh Khổng Nông Kim Lạc Diệp Đồng Thạch Viên
"""

VN_GIVEN = """
An Anh Bảo Bình Cường Chi Dũng Dung Đức Giang Hà Hải Hạnh Hiếu Hiền Hoa Hòa Hùng Hưng Hương Huy
Khánh Khoa Lan Linh Long Mai Minh Nam Nga Ngọc Nhung Phong Phúc Phương Quang Quân Sơn Tâm Thảo Thắng
Thành Thanh Thủy Tiến Toàn Trang Trung Tú Tuấn Tùng Vân Việt Vinh Vy Xuân Yến Hoàng Hiệp Kiên Lâm
Lộc Nghĩa Nhân Phát Tài Thịnh Trí Tuyết Uyên Đạt Định Điệp Hậu Khải Luân Mạnh Nhật Quý Tân Thái
Thiện Thông Thuận Tín Vũ Vương Văn Thị Hữu Công Đình Duy Gia Kim Ngân Nhi Như Oanh Phượng Quyên
Sang Thư Thùy Trâm Trinh Tường Vĩnh Hằng Hiển Hoài Khang Khôi Lợi Lực Nguyên Quốc Sáng Thuỷ Tuệ
"""

MM_GIVEN = """
Aung Kyaw Win Myint Htun Tun Zaw Thant Naing Soe Maung Thein Hlaing Oo Min Thura Htet Nyein Lwin
Khin Thida Aye Mya San Hla Phyo Moe Nyi Paing Sithu Wai Yan Zin Thet Tin Than Swe Myo Wunna Kaung
Htoo Zeyar Linn Lin Naung Pyae Sone Thiha Yadanar Ei Phyu Nandar Khaing Hnin Wah Nwe Yin Cho Sandar
Myat Thuzar Htay Shwe Kyi Sein Tint Hein Htike Khant Zeya Nay Thu Ye Chit Pyone Kyaing Lay
"""

# Chinese surnames in Hong Kong / Cantonese, Hokkien / Teochew (Singapore,
# Malaysia, Philippines) and Wade-Giles / Taiwanese spellings
ZH_SURNAMES_LATIN = """
Wong Chan Cheung Leung Lau Ng Tan Lim Lee Ho Yeung Tsang Kwok Chow Lam Tse Yip Fung Tang Chiu Choi
Kwan Law Lo Mak Poon Siu Tam Yuen Ong Goh Teo Koh Chua Ang Yeo Low Toh Sim Chong Foo Seah Quek Heng
Phua Khoo Tay Teh Loh Tsui Tsai Hsu Chang Chen Huang Lin Wu Liu Tsao Chou Cheng Hsieh Kuo Hung Lai
Yeh Su Chiang Shih Tseng Hsiao Tu Chien Pan Fan Fong Yong Liew Loo Kok Lew Chin Yap Soh Sia Gan
Kuan Hui Mok Kong Au Wan Wai Chu Chui Cheuk Ching Chung Hon Kam Kei Ku Kung Lui Luk Ma Man Mui
Pang Sze Szeto Tong Tsoi Tung Wat Woo Yau Yim Yiu Yu Yue Keung Shum Sin Shek
"""

TR_SURNAMES = """
Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin
Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş Güler
Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin Taş Köse Yüksel
Ateş Aksoy Çiftçi Kahraman Oral Başaran Özgür Uçar Tunç Eren Karaca Altun Güven Akın Kalkan
Karakaya Uysal Coşkun Tuncer Temiz Bayram Duman Kocabaş Ayhan Bilgin Erdem Aydemir Sönmez Kurtuluş
"""

NG_GIVEN = """
Abiodun Adebayo Adebola Adekunle Ademola Adewale Adeyinka Akinwale Ayodele Babatunde Bolaji Bukola
Chidi Chidinma Chiamaka Chibuike Chika Chinedu Chinonso Chioma Chukwudi Chukwuemeka Ebuka Ekene
Emeka Femi Folake Funmilayo Ifeanyi Ikechukwu Kayode Kehinde Nkechi Nnamdi Obinna Ogechi Olamide
Olufemi Olumide Oluwadamilare Oluwafemi Oluwaseun Oluwatobi Segun Seun Tobi Tochukwu Tolu Tunde
Uchenna Uche Yetunde Abdullahi Abubakar Aliyu Aminu Bashir Garba Hadiza Hauwa Ibrahim Idris Isa
Jamilu Kabiru Lawal Musa Mustapha Nasiru Sani Shehu Umar Usman Yakubu Yusuf Zainab Zubairu
"""

NG_SURNAMES = """
Abiola Adebayo Adegoke Adeleke Adeniyi Adeyemi Afolabi Agbaje Ajayi Akande Akinola Alabi Babatunde
Bakare Balogun Bello Danjuma Dikko Eze Ezeh Ibekwe Igwe Ilori Nnadi Nwachukwu Nwankwo Nwafor Nwosu
Obi Odukoya Ogunbanjo Ogunleye Ogunsanya Ojo Okafor Okeke Okoro Okonkwo Okoye Olaniyan Olawale
Oyelaran Oyewole Salami Sanusi Suleiman Yakubu Abdullahi Abubakar Aliyu Bako Dangote Garba Ibrahim
Lawal Mohammed Musa Sani Shehu Tijani Umar Usman Yusuf Chukwu Onyekachi Uzoma Anyanwu Okonjo
"""

IN_SURNAMES = """
D'Souza Dsouza D'Costa Dcosta D'Cruz Dcruz D'Mello Dmello D'Silva Fernandes Rodrigues Pereira
Menezes Noronha Gomes Pinto Coutinho Rebello Lobo Nair Menon Pillai Kurup Panicker Kurian Varghese
Mathew Chacko Thomas Kutty Cherian Abraham Joseph Iyer Iyengar Naidu Reddy Rao Shetty Kamath Pai
Bhat Hegde Chaudhary Choudhury Gill Sandhu Dhillon Sidhu Grewal Bhatia Saxena Srivastava Tiwari
Pandey Mishra Dubey Tripathi Yadav Chauhan Rathore Thakur Negi Rawat Bisht Banerjee Mukherjee
Chatterjee Ganguly Bose Sen Das Ghosh Dutta Mondal Sarkar Roy Biswas Patil Jadhav Kulkarni Deshpande
Deshmukh Shinde Pawar Gaikwad Joshi Desai Mehta Shah Patel Modi Trivedi Parikh Naik Sawant Khan
Siddiqui Ansari Qureshi Sheikh Syed Pathan Krishnan Subramanian Raman Narayanan Srinivasan Murugan
Selvam Rajan Balakrishnan Venkatesh Gopal Anand Singh Kumar Sharma Verma Gupta Agarwal
"""

IN_GIVEN = """
Aakash Abhishek Aditya Ajay Akash Amit Anand Anil Ankit Anup Arun Ashok Ashish Deepak Dinesh
Ganesh Gaurav Girish Gopal Hari Harish Jagdish Jitendra Kamal Karthik Kiran Krishna Lokesh Mahesh
Manish Manoj Mukesh Naveen Nikhil Nitin Pankaj Prakash Pradeep Pramod Prashant Rahul Rajesh Rajiv
Rakesh Ramesh Ravi Sachin Sandeep Sanjay Santosh Satish Saurabh Shyam Srinivas Subhash Sudhir Sunil
Suresh Sushil Tarun Umesh Vijay Vikas Vikram Vinod Vishal Vivek Yogesh Abdul Irfan Imran Salim
Anita Anjali Deepa Divya Geeta Kavita Lakshmi Meena Neha Pooja Priya Rekha Sangeeta Sunita Swati
Baljit Gurpreet Harpreet Jaswinder Kuldeep Manpreet Paramjit Sukhwinder Balwinder Jasbir
Anoop Biju Jijo Jomon Shaji Sajan Saji Sijo Tomy Binu Jobin Libin Rijo Sibi Vinu
"""

JA_GIVEN = """
Akira Atsushi Daiki Daisuke Hajime Haruto Hideki Hideo Hiroki Hiroshi Hiroyuki Ichiro Isamu Jiro
Katsuhiro Kazuki Kazuo Kazuya Kei Keiichi Keisuke Ken Kenichi Kenji Kenta Koji Makoto Masahiro
Masaki Masao Masaru Minoru Naoki Noboru Osamu Ren Ryo Ryota Satoshi Shigeru Shinichi Shingo Shinji
Sho Shota Shun Sota Susumu Tadashi Takahiro Takashi Takeshi Takumi Takuya Taro Tetsuya Toru
Tomoya Tsuyoshi Yasuhiro Yoshiaki Yoshio Yuichi Yuki Yusuke Yuta Yuto Ai Akiko Aya Ayumi Emi
Haruka Hiroko Kaori Kazuko Keiko Kumiko Mai Mayumi Megumi Michiko Misaki Naoko Noriko Sakura
Sachiko Tomoko Yoko Yui Yuko Yumi
"""

JA_SURNAMES = """
Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki
Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto Yamashita
Ishikawa Nakajima Maeda Fujita Ogawa Goto Okada Hasegawa Murakami Kondo Ishii Saito Sakamoto Endo
Aoki Fujii Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa Nakano Harada Ono Tamura
Takeuchi Kaneko Wada Nakayama Ishida Ueda Morita Hara Shibata Sakai Kudo Yokoyama Miyazaki Miyamoto
Uchida Takagi Ando Taniguchi Ohno Maruyama Imai Takada Fujimoto Takeda Murata Ueno Sugiyama Masuda
Sugawara Hirano Otsuka Chiba Kubo Matsui Iwasaki Sakurai Kinoshita Noguchi Matsuo Nomura Kikuchi
Sano Onishi Sugimoto Arai Hamada Ichikawa Furukawa Mizuno Komatsu Shimada Koyama Takano Yamauchi
Nishida Kikuchi Kojima Ishihara Oshima Satou Itou Katou Saitou Kudou Endou Andou Gotou
"""

TR_GIVEN = """
Ayşe Fatma Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Özlem Esra Büşra
Mehmet Ahmet Mustafa Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ali Mahmut Emre Halil
Süleyman Abdullah Ramazan Recep Kemal Orhan Burak Serkan Volkan Onur Tolga Cem Can Kaan Barış
"""

AZ_SURNAMES = """
Mammadov Mammadova Aliyev Aliyeva Hasanov Hasanova Huseynov Huseynova Guliyev Guliyeva Ismayilov
Ismayilova Abdullayev Abdullayeva Hajiyev Hajiyeva Rzayev Rzayeva Musayev Musayeva Babayev
Babayeva Jafarov Jafarova Karimov Karimova Suleymanov Suleymanova Rustamov Rustamova Gasimov
Gasimova Orujov Orujova Valiyev Valiyeva Ibrahimov Ibrahimova Mahmudov Mahmudova Najafov Najafova
Safarov Safarova Aghayev Aghayeva Bayramov Bayramova Isgandarov Isgandarova Mustafayev Mustafayeva
Quliyev Məmmədov Məmmədova Əliyev Əliyeva Həsənov Hüseynov Quliyeva İsmayılov Hacıyev Cəfərov
"""

AR_LATIN_GIVEN = """
Mohamed Mohammed Muhammad Mohammad Mohamad Ahmed Ahmad Mahmoud Mahmud Mostafa Mustafa Moustafa
Hassan Hasan Hussein Husein Hossam Ibrahim Ismail Youssef Yousef Yusuf Khaled Khalid Tarek Tariq
Said Saeed Sayed Ali Omar Amr Osama Usama Walid Waleed Karim Kareem Sherif Sharif Hany Hani Hesham
Hisham Ashraf Ayman Wael Amir Ramy Rami Samir Samy Sami Tamer Yasser Yasir Magdy Maged Emad Alaa
Adel Adil Nabil Fouad Fawzi Gamal Jamal Abdallah Abdullah Abdulrahman Abdelrahman Abdel Abdul
Fatma Fatima Aisha Aya Mona Mariam Maryam Nour Noor Heba Dina Rania Salma Yasmin Yasmine Amira
"""

AR_LATIN_SURNAMES = """
El-Sayed Elsayed El_Sayed Al-Sayed Abdel-Rahman Abdelrahman Abdelaziz Abdel-Aziz Abdelhamid Abdallah
Abdel_Rahman Abdel_Aziz Mansour Mansur Hassan Hussein Ibrahim Ismail Mahmoud Mostafa Mustafa Saleh Salah Farouk Fahmy
Fathy Hamdy Helmy Ramadan Soliman Suleiman Shehata Eid Zaki Naguib Nasser Gaber Ghoneim Ashour
Al-Harbi Al-Ghamdi Al-Otaibi Al-Qahtani Al-Shehri Al-Zahrani Al-Dosari Al-Mutairi Al-Rashid
Haddad Khoury Nassar Najjar Saad Shaheen Hamdan Hamad Qasim Kassem Darwish Bakr Bakri
"""

HAND_SOURCES = {
    # name: (kind, text or list)
    "hand:PH-particle-surnames": ("surname", filipino_particle_surnames()),
    "hand:PH-surnames": ("surname", PH_SURNAMES.split()),
    "hand:PH-given": ("given", PH_GIVEN.split()),
    "hand:VN-surnames": ("surname", VN_SURNAMES.split()),
    "hand:VN-given": ("given", VN_GIVEN.split()),
    "hand:MM-given": ("given", MM_GIVEN.split()),
    "hand:ZH-latin-surnames": ("surname", ZH_SURNAMES_LATIN.split()),
    "hand:KO-surname-spellings": ("surname", [w for v in KO_SURNAME_SPELLINGS.values() for w in v.split()]),
    "hand:TR-surnames": ("surname", TR_SURNAMES.split()),
    "hand:NG-given": ("given", NG_GIVEN.split()),
    "hand:NG-surnames": ("surname", NG_SURNAMES.split()),
    "hand:IN-surnames": ("surname", IN_SURNAMES.split()),
    "hand:AR-latin-given": ("given", AR_LATIN_GIVEN.split()),
    "hand:IN-given": ("given", IN_GIVEN.split()),
    "hand:TR-given": ("given", TR_GIVEN.split()),
    "hand:AZ-surnames": ("surname", AZ_SURNAMES.split()),
    "hand:JA-given": ("given", JA_GIVEN.split()),
    "hand:JA-surnames": ("surname", JA_SURNAMES.split()),
    "hand:AR-latin-surnames": ("surname", [x.replace("_", " ") for x in AR_LATIN_SURNAMES.split()]),
}

# Maritime / IT vocabulary, plus ordinary words the dictionary test cannot see
# (modern words missing from web2; days, months, nationality and language
# words, which both dictionaries spell with a capital), checked by hand
# against the gazetteers: only the ones that really occur in given.txt or
# surnames.txt go to common-words.txt.
HAND_COMMON = """
master chief cook mate pilot captain bosun boatswain oiler wiper fitter cadet steward officer
engineer rating crew seaman sailor mariner skipper port starboard deck bridge engine hold hatch
anchor berth dock quay pier harbour harbor bay cape sea ocean wave storm wind gale tide reef rock
sand shore coast island north south east west star crown link net cloud server admin host root
guest user cargo hull keel mast sail rudder bow stern helm compass radar chart flag tug barge
ferry liner tanker fisher marine navy naval lee gunner carpenter smith baker cooper mason porter
steel iron stone lock gate wall field ford marsh pool lake brook hill wood forest river bank
rust ruby swift java python pearl perl oracle apache cisco node shell bash patch bug log backup
mail web cookie token key vault cache proxy router switch gateway kernel
metro nano indie eco ok fella
monday tuesday wednesday thursday friday saturday sunday january february march april june
july september october november december easter christmas english french german dutch danish
norwegian swedish finnish greek russian polish turkish latin catalan czech arab christian
baptist viking martian
"""

# Words that pass every mechanical test but whose ordinary sense is rare or
# slang, so that in running text they are overwhelmingly names (kept out of
# common-words.txt on purpose).
COMMON_EXCLUDE = set("""
maria peter martin billy bobby jimmy barney tony terry sally harry hector homer sonny hank
brad josh rick
""".split())


# --------------------------------------------------------------------------
# Collect
# --------------------------------------------------------------------------


class Collector:
    def __init__(self):
        self.given: set[str] = set()
        self.surnames: set[str] = set()
        # per-source counts of (normalised, unique) entries read
        self.counts: "OrderedDict[str, dict]" = OrderedDict()
        self.derived = defaultdict(lambda: {"given": set(), "surname": set()})
        self.dropped = defaultdict(int)

    def add(self, source: str, kind: str, raw_values, lang: str = "", fold_e: bool = False):
        target = self.given if kind == "given" else self.surnames
        c = self.counts.setdefault(source, {"given": set(), "surname": set()})
        for raw in raw_values:
            v = normalise(raw, kind)
            if v is None:
                self.dropped[source] += 1
                continue
            c[kind].add(v)
            target.add(v)
            for d in self.derive(v, kind, lang, fold_e):
                dn = normalise(d[1], kind)
                if dn and dn != v:
                    self.derived[d[0]][kind].add(dn)
                    target.add(dn)

    @staticmethod
    def derive(v: str, kind: str, lang: str, fold_e: bool):
        sc = script_of(v)
        out = []
        if sc == "greek":
            out += [("translit:greek", t) for t in translit_greek(v)]
        elif sc == "cyrillic":
            cl = lang if lang in ("uk", "bg", "mk", "kk") else "ru"
            out += [(f"translit:cyrillic-{cl}", t) for t in translit_cyrillic(v, cl)]
        elif sc == "georgian":
            out += [("translit:georgian", t) for t in translit_georgian(v)]
        elif sc == "hangul":
            if kind == "given":
                out += [("translit:hangul", t) for t in translit_hangul_given(v)]
            elif v in KO_SURNAME_SPELLINGS:
                out += [("translit:hangul", t) for t in KO_SURNAME_SPELLINGS[v].split()]
            else:
                t = "".join(ko_syllable(c, False) for c in v if 0xAC00 <= ord(c) <= 0xD7A3)
                if t:
                    out.append(("translit:hangul", t[0].upper() + t[1:]))
        # all-capitals source forms (zh_TW passport style CHEN, CHIA-HAO):
        # add Chen, Chia-Hao and Chia-hao
        if sc == "latin" and v.isupper() and len(v) > 1:
            words = v.split(" ")
            out.append(("case:title", " ".join("-".join(p.capitalize() for p in w.split("-")) for w in words)))
            out.append(("case:title", " ".join(w.capitalize() for w in words)))
        # ASCII folding for Latin script (incl. diacritic transliterations)
        latin = [v] if sc == "latin" else [t for _, t in out]
        for t in latin:
            f = fold_ascii(t)
            if f != t:
                out.append(("fold:ascii", f))
            if fold_e and sc == "latin":
                fe = fold_ascii(t, e_forms=True)
                if fe != t and fe != f:
                    out.append(("fold:ascii-e", fe))
        return out


# Locales left out to keep each file under ~400 KB, with the reason.
FAKER_EXCLUDE = {
    # land-locked countries (few seafarers; their names overlap with the
    # neighbouring locales that are kept)
    "cs_CZ": "land-locked", "sk_SK": "land-locked", "hu_HU": "land-locked",
    "de_AT": "land-locked", "de_CH": "land-locked", "de_LI": "land-locked",
    "de_LU": "land-locked", "fr_CH": "land-locked", "hy_AM": "land-locked",
    "ne_NP": "land-locked", "uz_UZ": "land-locked",
    # 3,880 Icelandic given names (46 KB with their ASCII forms) for a small
    # fleet; Icelanders mostly share Nordic names kept from the other locales
    "is_IS": "size (small seafaring population, names largely Nordic)",
    # Irish-language forms (Ó Briain ...); en_IE has the English forms
    "ga_IE": "Irish-language spellings, rarely used in English text",
    # Indian / Sri Lankan native scripts other than the Hindi, Tamil and
    # Bengali ones asked for; the Latin forms come from en_IN
    "or_IN": "Odia script", "mr_IN": "Marathi (Devanagari) script",
    "gu_IN": "Gujarati script", "si_LK": "Sinhala script",
    # Hebrew script only, no Latin forms in the data; not among the locales asked for
    "he_IL": "Hebrew script only",
}
# (locale, attribute) pairs skipped
FAKER_SKIP = {
    ("ta_IN", "last_names"): "identical to ta_IN first_names (Tamil uses the father's name); kept once, in given.txt",
}
# mimesis is a second source, used only where it adds names of large
# seafaring / ship-managing nations that Faker covers thinly.  Everything not
# listed here is left out to keep each file under ~400 KB (see SOURCES.md).
MIMESIS_USE = {
    # ru: 1,781 male surnames; the 1,449 female forms are left out for size
    # (Faker ru_RU supplies 250 common female surnames)
    "ru": ("names", "surnames.male"), "uk": ("names", "surnames"), "el": ("names", "surnames"),
    "pl": ("names", "surnames.male"), "tr": ("names", "surnames"), "ko": ("names", "surnames"),
    "zh": ("surnames",), "da": ("surnames",), "no": ("surnames",), "sv": ("surnames",),
    "fi": ("surnames",), "et": ("surnames",), "hr": ("surnames",), "de": ("surnames",),
    "nl-be": ("surnames",), "es": ("surnames",), "es-mx": ("surnames",), "pt": ("surnames",),
    "en": ("surnames",), "en-gb": ("surnames",), "en-au": ("surnames",),
    "en-ca": ("surnames",), "ar-eg": ("surnames",), "ar-sy": ("surnames",), "ar-sa": ("surnames",),
    "az": ("surnames",),
}

FAKER_ATTR_RE = re.compile(
    r"^(first_names?.*|first_.*names?.*|first_name_pairs.*|middle_names?.*|last_names?.*|last_name_pairs.*|"
    r"last_.*names?.*|.*_last_names)$"
)
FAKER_SKIP_ATTRS = {"last_names_without_suffix"}  # Icelandic genitive stems, not names


def flatten(v):
    if isinstance(v, dict):
        vals = list(v.values())
        if vals and all(isinstance(x, (int, float)) for x in vals):
            # Faker weighted data: OrderedDict(name -> weight): take the keys
            for k in v.keys():
                yield from flatten(k)
        else:
            # mimesis: {"male": [...], "female": [...]}: take the values
            for x in vals:
                yield from flatten(x)
    elif isinstance(v, (list, tuple, set, frozenset)):
        for x in v:
            yield from flatten(x)
    elif isinstance(v, str):
        yield v


def collect_faker(col: Collector):
    import faker.providers.person as P

    base = P.Provider
    mods = sorted(m.name for m in pkgutil.iter_modules(P.__path__))
    for loc in mods:
        if loc in FAKER_EXCLUDE:
            continue
        cls = importlib.import_module(f"faker.providers.person.{loc}").Provider
        lang = loc.split("_")[0]
        fold_e = lang in FOLD_E_LANGS
        for attr in sorted(dir(cls)):
            if attr.startswith("_") or attr in FAKER_SKIP_ATTRS or not FAKER_ATTR_RE.match(attr):
                continue
            if (loc, attr) in FAKER_SKIP:
                continue
            if "format" in attr or "language" in attr:
                continue
            val = getattr(cls, attr)
            if not isinstance(val, (dict, list, tuple, set, frozenset)):
                continue
            if hasattr(base, attr) and getattr(base, attr) is val:
                continue  # inherited placeholder (John / Jane / Doe)
            kind = "surname" if attr.startswith("last_") or attr.endswith("last_names") else "given"
            col.add(f"faker:{loc}", kind, list(flatten(val)), lang=lang, fold_e=fold_e)


def collect_mimesis(col: Collector):
    import mimesis

    root = os.path.join(os.path.dirname(mimesis.__file__), "datasets")
    for path in sorted(glob.glob(os.path.join(root, "*", "person.json"))):
        loc = os.path.basename(os.path.dirname(path))
        if loc not in MIMESIS_USE:
            continue
        lang = loc.split("-")[0]
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        for key, kind in (("names", "given"), ("surnames", "surname")):
            use = [u for u in MIMESIS_USE[loc] if u.split(".")[0] == key]
            if key not in d or not use:
                continue
            val = d[key]
            if "." in use[0]:  # e.g. "surnames.male": one gender only
                val = val[use[0].split(".")[1]]
            col.add(f"mimesis:{loc}", kind, list(flatten(val)), lang=lang,
                    fold_e=lang in FOLD_E_LANGS)


def collect_hand(col: Collector):
    for name, (kind, values) in HAND_SOURCES.items():
        col.add(name, kind, values, lang=name.split(":")[1].split("-")[0].lower())


# --------------------------------------------------------------------------
# common-words.txt
# --------------------------------------------------------------------------


def scowl_words(scowl_dir: str | None) -> tuple[set[str], str]:
    names = ("american-english", "british-english")
    cands = [scowl_dir] if scowl_dir else ["/usr/share/dict"]
    for d in cands:
        if d and all(os.path.exists(os.path.join(d, n)) for n in names):
            break
    else:
        tmp = tempfile.mkdtemp(prefix="scowl-")
        os.chmod(tmp, 0o755)  # apt-get download runs as the _apt user
        subprocess.run(["apt-get", "download", "wamerican", "wbritish"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        for deb in glob.glob(os.path.join(tmp, "*.deb")):
            subprocess.run(["dpkg-deb", "-x", deb, os.path.join(tmp, "root")], check=True)
        d = os.path.join(tmp, "root", "usr", "share", "dict")
    words = set()
    for n in names:
        with open(os.path.join(d, n), encoding="utf-8", errors="replace") as fh:
            words.update(line.strip() for line in fh)
    return words, d


def web2_has(w: str, web2: set[str]) -> bool:
    """True if w, or the stem of a regular inflection of w, is a lower-case
    entry of web2 (which lists head-words only: no plurals or -ed/-ing)."""
    if w in web2:
        return True
    cands = []
    if w.endswith("ies"):
        cands.append(w[:-3] + "y")
    if w.endswith("es"):
        cands.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        cands.append(w[:-1])
    for suf in ("ed", "ing", "er", "ers", "est"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            stem = w[: -len(suf)]
            cands += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                cands.append(stem[:-1])
            if stem.endswith("i"):
                cands.append(stem[:-1] + "y")
    return any(c in web2 for c in cands)


def build_common(given: set[str], surnames: set[str], scowl_dir: str | None, top_n: int):
    from english_words import get_english_words_set
    from wordfreq import top_n_list

    gaz = {}
    for s in given | surnames:
        if " " in s:
            continue
        gaz.setdefault(s.lower(), s)
    top = top_n_list("en", top_n)  # wordlist "best" = large_en
    web2 = get_english_words_set(["web2"], lower=False)  # proper nouns are capitalised
    scowl, scowl_path = scowl_words(scowl_dir)
    stats = {"wordfreq_top": len(top)}
    raw = [w for w in top if w in gaz and len(w) >= 2]
    stats["top_in_gazetteer"] = len(raw)
    # an ordinary word is listed in lower case by BOTH dictionaries (their
    # proper nouns are capitalised); this drops john/david/james/wang/kim ...
    mech = {w for w in raw if web2_has(w, web2) and w in scowl and w not in COMMON_EXCLUDE}
    stats["mechanical"] = len(mech)
    stats["rejected_as_names"] = sorted(set(raw) - mech)
    hand = {w for w in HAND_COMMON.split() if w in gaz}
    stats["hand_added"] = sorted(hand - mech)
    stats["hand_not_in_gazetteer"] = sorted(w for w in HAND_COMMON.split() if w not in gaz)
    return sorted(mech | hand), stats, scowl_path


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def write_list(path: str, items) -> int:
    items = sorted(set(items))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for x in items:
            fh.write(x + "\n")
    return len(items)


def update_sources_md(col: Collector, n_given: int, n_sur: int, n_common: int, cstats: dict):
    path = os.path.join(HERE, "SOURCES.md")
    if not os.path.exists(path):
        return
    lines = ["<!-- counts:begin (written by generate.py; do not edit by hand) -->", ""]
    lines.append("| source | given (read) | surnames (read) | dropped by normalisation |")
    lines.append("| --- | ---: | ---: | ---: |")
    for src, c in col.counts.items():
        lines.append(f"| {src} | {len(c['given'])} | {len(c['surname'])} | {col.dropped.get(src, 0)} |")
    lines.append("")
    lines.append("| derived forms (new lines, before deduplication against the sources) | given | surnames |")
    lines.append("| --- | ---: | ---: |")
    for src in sorted(col.derived):
        c = col.derived[src]
        lines.append(f"| {src} | {len(c['given'])} | {len(c['surname'])} |")
    lines.append("")
    lines.append(f"Totals after deduplication: given.txt **{n_given}**, surnames.txt **{n_sur}**, "
                 f"common-words.txt **{n_common}** "
                 f"(wordfreq top {cstats['wordfreq_top']}: {cstats['top_in_gazetteer']} are in a gazetteer, "
                 f"{cstats['mechanical']} kept by the dictionary test, {len(cstats['hand_added'])} added by hand).")
    lines.append("")
    lines.append("Frequent words in a gazetteer that the dictionary test or COMMON_EXCLUDE left out "
                 "(names rather than ordinary words; some are put back by the hand list below): "
                 + ", ".join(cstats["rejected_as_names"]) + ".")
    lines.append("")
    lines.append("Words from the hand list HAND_COMMON added because they collide (and were not already kept): "
                 + ", ".join(cstats["hand_added"]) + ".")
    lines.append("")
    lines.append("Words from the hand list HAND_COMMON that are in neither gazetteer (so not written): "
                 + ", ".join(cstats["hand_not_in_gazetteer"]) + ".")
    lines.append("")
    lines.append("<!-- counts:end -->")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    block = "\n".join(lines)
    new, k = re.subn(r"<!-- counts:begin.*?<!-- counts:end -->", lambda m: block, text, flags=re.S)
    if k:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--scowl-dir", default=None)
    ap.add_argument("--top-n", type=int, default=20000)
    args = ap.parse_args()

    for pkg, want in EXPECTED_VERSIONS.items():
        have = importlib.metadata.version(pkg)
        if have != want:
            print(f"warning: {pkg} {have} installed, SOURCES.md documents {want}", file=sys.stderr)

    col = Collector()
    collect_faker(col)
    collect_mimesis(col)
    collect_hand(col)

    common, cstats, scowl_path = build_common(col.given, col.surnames, args.scowl_dir, args.top_n)

    n_g = write_list(os.path.join(args.out, "given.txt"), col.given)
    n_s = write_list(os.path.join(args.out, "surnames.txt"), col.surnames)
    n_c = write_list(os.path.join(args.out, "common-words.txt"), common)
    if os.path.abspath(args.out) == HERE:
        update_sources_md(col, n_g, n_s, n_c, cstats)
    for f in ("given.txt", "surnames.txt", "common-words.txt"):
        p = os.path.join(args.out, f)
        print(f"{f}: {sum(1 for _ in open(p, encoding='utf-8'))} lines, {os.path.getsize(p)} bytes")
    print(f"SCOWL lists read from {scowl_path}")


if __name__ == "__main__":
    main()
