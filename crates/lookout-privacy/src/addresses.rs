//! Postal addresses, as they stand in signature blocks, letters and
//! running text, in many countries' layouts.
//!
//! An address is a sequence of comma-separated parts on one line. Each
//! part is judged on its own: a *stop* (a lower-case word, a legal form, a
//! contact label, a month, an e-mail or a date), an *anchor* (a street
//! word with a house number, a postcode in a local shape next to a
//! capitalised town, a P.O. box, a floor or suite, or weaker: a street
//! word alone, a building or a district word), or *plain* (capitalised
//! words and numbers, a few of them). A run of parts between stops is an
//! address when its anchors weigh enough, or when it follows a cue
//! ("Address:", "地址：", "Адрес:"). A short plain line right after an
//! address line ("Apapa, Lagos, Nigeria"), or between two, goes too.
//!
//! Han, kana and hangul addresses have no commas to split on: a run of
//! those scripts with a province, city or ward and a numbered block, lot or
//! floor ("上海市浦东新区港城路1888号", "〒105-0011 東京都港区芝公園2-4-1") is
//! one.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, floor_boundary};
use crate::words;

/// A part's weight towards being an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Stop,
    Plain,
    Anchor(u8),
}

/// A part of a line, in bytes of the text; `hard` when a separator that no
/// address crosses (`|`, `;`, a tab, a label's colon) comes before it.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: usize,
    end: usize,
    part: Part,
    hard: bool,
    cue: bool,
}

/// Street words written after the name ("Anson Road", "Roxas Blvd").
#[rustfmt::skip]
const STREET_AFTER: &[&str] = &[
    "street", "st", "road", "rd", "avenue", "ave", "av", "boulevard", "blvd", "lane", "drive",
    "crescent", "path", "marg", "quay", "wharf", "terrace", "highway", "hwy", "parade",
    "embankment", "esplanade", "place", "square", "sq", "wall", "gate", "gata", "gaten", "vej",
    "gade", "veien", "vei", "vegen", "allé", "alle", "straße", "strasse", "str", "weg", "laan",
    "straat", "kade", "plass", "torg", "cad", "caddesi", "sok", "sokak", "sokağı", "mah",
    "mahallesi", "yolu", "bulvarı", "шоссе", "бульвар", "канал", "проспект", "переулок",
    "набережная", "площадь", "улица", "path", "dr", "ln", "way", "ct", "pkwy", "cir",
];

/// Street words written before the name ("Calle León", "ul. Hallera").
#[rustfmt::skip]
const STREET_BEFORE: &[&str] = &[
    "calle", "c/", "avenida", "avda", "av", "rua", "rue", "via", "viale", "piazza", "corso",
    "largo", "paseo", "passeig", "carrer", "rambla", "praça", "travessa", "estrada", "rodovia",
    "alameda", "quai", "boulevard", "bd", "bld", "bulevardul", "strada", "str", "ulica", "ul",
    "aleja", "al", "plac", "pl", "osiedle", "os", "vul", "вул", "ул", "пр", "просп", "пер",
    "наб", "odos", "οδός", "οδ", "leoforos", "leof", "λεωφ", "λεωφόρος", "akti", "ακτή", "plateia",
    "πλατεία", "jalan", "jl", "jln", "lorong", "soi", "thanon", "calea", "bulevar", "am", "blvd",
    "đường", "phố",
];

/// Compound street names end in these ("Strandveien", "Hafenstraße").
#[rustfmt::skip]
const STREET_SUFFIX: &[&str] = &[
    "straße", "strasse", "gasse", "weg", "allee", "damm", "platz", "ufer", "kai", "gate", "gata",
    "gatan", "vägen", "veien", "vegen", "vej", "gade", "stræde", "allé", "kade", "kaai", "straat",
    "laan", "gracht", "plein", "singel", "haven", "dijk", "kaien", "bryggen", "torget", "havnevej",
    "vegur", "caddesi", "sokak", "kaj", "brygge", "kaia",
];

/// Floors, suites and units: with a number, strong.
#[rustfmt::skip]
const UNIT_STRONG: &[&str] = &[
    "floor", "fl", "suite", "ste", "unit", "level", "flat", "apt", "apto", "piso", "oficina", "of",
    "sala", "andar", "conj", "kat", "daire", "tầng", "офис", "оф", "д", "кв", "корп", "лит",
    "lok", "p.o.box", "postboks", "postfach", "apartado", "τ.θ", "lt", "lantai",
    "số",
];

/// Units and blocks that name other things too ("Office 365", "Block C").
#[rustfmt::skip]
const UNIT_WEAK: &[&str] = &[
    "office", "room", "rm", "block", "blk", "lot", "plot", "lob", "sector", "tower", "building",
    "no",
];

/// Buildings and districts: a little evidence each.
#[rustfmt::skip]
const PLACE: &[&str] = &[
    "building", "bldg", "tower", "towers", "plaza", "centre", "center", "house", "chambers",
    "court", "estate", "park", "complex", "edificio", "torre", "bhavan", "mansion", "arcade",
    "annexe", "village", "zone", "col", "colonia", "sector", "phường", "quận", "ciudad", "state",
    "province", "district", "island", "bay", "point", "city", "bairro", "barangay", "brgy",
    "nagar", "node", "kav", "mile", "centro", "gedung", "wisma", "menara", "xã", "huyện", "tỉnh",
    "thị", "г", "обл", "пос", "смт", "село",
];

/// Lower-case words that belong to addresses.
#[rustfmt::skip]
const LOWER_OK: &[&str] = &[
    "de", "del", "la", "las", "los", "da", "do", "dos", "das", "di", "du", "des", "le", "y", "e",
    "z", "cel", "van", "der", "den", "het", "ter", "am", "an", "im", "von", "al", "ul", "pl", "os",
    "vul", "вул", "ул", "пр", "просп", "пер", "д", "оф", "офис", "лит", "кв", "корп", "стр",
    "шоссе", "бульвар", "канал", "проспект", "переулок", "улица", "набережная", "площадь", "of",
    "oficina", "piso", "sala", "andar", "conj", "s/n", "xã", "thị", "huyện", "phường", "tầng",
    "corner", "floor", "fl", "gate", "gata", "gaten", "vej", "gade", "veien", "vei", "allé",
    "straße", "strasse", "weg", "laan", "straat", "kade", "plass", "torg", "no", "nr", "bis", "lok",
    "m", "apt", "apto", "i", "st", "rd", "th", "nd", "đường", "phố", "tỉnh", "thành", "tp", "г",
    "обл", "пос", "с", "смт", "р-н", "cor",
];

/// Capitalised words that end an address: legal forms, contact labels,
/// closing words, codes that are not addresses.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "ltd", "limited", "llc", "llp", "inc", "corp", "corporation", "gmbh", "kg", "ag", "as", "asa",
    "a/s", "aps", "sa", "s.a", "s.l", "sl", "srl", "s.r.l", "b.v", "bv", "n.v", "nv", "d.o.o",
    "d.d", "a.ş", "şti", "pte", "pvt", "plc", "spa", "s.p.a", "ltda", "fzco", "fze", "k.k", "co",
    "ike", "ικε", "α.ε", "ε.ν.ε", "ооо", "тов", "sdn", "bhd", "tbk", "oy", "ab",
    "tel", "tlf", "telefon", "telephone", "phone", "ph", "fax", "mob", "mobile", "cel", "hp", "did",
    "email", "e-mail", "web", "www", "τηλ", "тел", "моб", "đt", "sentralbord", "kom",
    "imo", "mmsi", "iban", "swift", "bic", "usd", "eur", "gbp", "c/s", "mv", "m/v", "mt", "m/t",
    "capt", "master", "regards", "thanks", "thank", "best", "kind", "sincerely", "cheers", "dear",
    "hi", "hello", "sir", "madam", "subject", "from", "to", "date", "sent", "re", "fwd", "attn",
    "cc", "ref", "ticket", "case", "invoice", "vessel", "not", "and", "or", "the", "for", "urgent",
    "note", "mvh", "hilsen", "pozdrawiam", "saygılarımızla", "atenciosamente", "saludos",
    "grüße", "gruß", "utc", "gmt", "ip", "id", "host", "pc",
];

/// Abbreviations that end in a period inside an address.
#[rustfmt::skip]
const ABBREVIATION: &[&str] = &[
    "str", "st", "av", "avda", "bd", "blvd", "jl", "jln", "leof", "col", "no", "nr", "kav", "bldg",
    "ul", "al", "pl", "vul", "of", "conj", "fl", "rd", "ave", "apt", "tamps", "cad", "sok", "mah",
    "lit", "д", "оф", "ул", "вул", "пр", "λεωφ", "tp", "bldg", "dr", "mr", "ms", "prof",
    "г", "м", "обл", "пос", "с", "р-н", "cor", "sen", "gen", "ln", "ct",
];

/// Postcodes in their local shapes, at the start or end of a part.
static POSTCODE: LazyLock<Vec<(Regex, u8)>> = LazyLock::new(|| {
    [
        // "5013 Bergen", "DK-2900 Hellerup", "35005 Las Palmas", "49733
        // Haren (Ems)": the whole part, capitalised words after the code.
        (r"^(?:[A-Z]{1,2}-)?\d{4,5}(?:[\ ]+(?:\p{Lu}[\p{Ll}\p{M}'’.-]*|de|del|la|am|an|der)){1,4}(?:[\ ]*\(\p{Lu}[\p{L}.]*\)?)?(?:/\p{Lu}\p{L}*)?$", 2),
        // "185 45 Piraeus", "166 74 Glyfada"
        (r"^\d{3}[\ ]\d{2}[\ ]+\p{Lu}", 2),
        // "81-345 Gdynia"
        (r"^\d{2}-\d{3}[\ ]+\p{Lu}", 2),
        // "9934 AA Delfzijl"
        (r"^\d{4}[\ ]?[A-Z]{2}[\ ]+\p{Lu}", 2),
        // "11010-090", "CEP 11045-002"
        (r"(?:^|[\ ])(?:CEP[\ ]?)?\d{5}-\d{3}$", 2),
        // "Mumbai 400020", "Mumbai - 400001", "Singapore 079903"
        (r"\p{Lu}\p{Ll}+[\ ]+(?:-[\ ]+)?\d{5,6}$", 2),
        // "TX 77506"
        (r"^[A-Z]{2}[\ ]\d{5}(?:-\d{4})?$", 1),
        // "London EC3R 7AG"
        (r"\p{Lu}\p{L}+[\ ]+[A-Z]{1,2}\d[A-Z\d]?[\ ]\d[A-Z]{2}$", 2),
        // "Manila 1004", "Pasay City 1300"
        (r"\p{Lu}\p{Ll}+[\ ]+\d{4,5}$", 1),
        // "Kobe 650-0024", "Tokyo 100-0005"
        (r"\p{Lu}\p{Ll}+[\ ]+\d{3}-\d{4}$", 2),
        // Japanese block numbers: "3-1-14 Kaigandori", "2-6-1 Marunouchi"
        (r"^\d{1,2}-\d{1,2}-\d{1,3}[\ ]+\p{Lu}\p{Ll}+$", 2),
        // Japanese wards and cities: "Chuo-ku", "Chiyoda-ku"
        (r"^\p{Lu}\p{Ll}+-(?:ku|shi|cho|machi|gun|ken)$", 1),
        // "65012", "198035" alone between commas
        (r"^\d{5,6}$", 1),
    ]
    .into_iter()
    .map(|(p, w)| (Regex::new(p).expect("postcode pattern compiles"), w))
    .collect()
});

/// Floors written as a shape: "3/F", "12F", "4th Floor" (the word is in
/// [`UNIT_STRONG`]), "#22-07", "8º andar", "P.O. Box 1234".
static UNIT_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\ ])(?:\d{1,2}/F|\d{1,2}F|\#\d{1,3}-\d{1,4}|\d{1,2}º|p\.?[\ ]?o\.?[\ ]?box[\ ]?\d+|po[\ ]box[\ ]\d+|box[\ ]\d+)(?:[\ ,]|$)",
    )
    .expect("unit shape pattern compiles")
});

/// Cues after which the rest of the line is an address.
pub(crate) static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\ \t(])(?:address|adres|adresse|adresa|dirección|direccion|endereço|indirizzo|anschrift|alamat|địa\ chỉ|адрес|адреса|διεύθυνση|head\ office|registered\ office|office|sede)[\ \t]*[:：][\ \t]*$",
    )
    .expect("address cue pattern compiles")
});

/// Han, kana and hangul runs that may be an address.
static CJK_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[〒\p{Han}\p{Hangul}\p{Katakana}\p{Hiragana}ー][〒\p{Han}\p{Hangul}\p{Katakana}\p{Hiragana}ー0-9０-９\-－−・\ ,]*",
    )
    .expect("CJK run pattern compiles")
});

static CJK_REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[省市区區县縣県都府]|광역시|특별시|[시구군][\ ]").expect("CJK region compiles")
});

static CJK_NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^〒|\d[\ ]?(?:号|號|番地|丁目|楼|樓|階|층|F)|\d+-\d+|[路街道로길][\ ]?\d")
        .expect("CJK number compiles")
});

pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    cjk(text, guard, out);
    // (start, end, whole, plain) per line: the accepted runs are pushed
    // as found; lines are kept to extend blocks afterwards.
    let mut lines: Vec<LineInfo> = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        let info = scan_line(text, at, at + line.len(), guard, out);
        lines.push(info);
        at += line.len() + 1;
    }
    // A short plain line after an address line, or between two.
    for i in 0..lines.len() {
        if !lines[i].plain || lines[i].whole {
            continue;
        }
        let after = i > 0 && lines[i - 1].whole;
        let before = lines.get(i + 1).is_some_and(|l| l.whole);
        let second = i > 1 && lines[i - 2].whole && lines[i - 1].plain && !lines[i - 1].whole;
        if after || (before && second) {
            let (s, e) = (lines[i].body_start, lines[i].body_end);
            out.push(Candidate::new(s, e, Kind::Address));
            lines[i].whole = true;
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct LineInfo {
    /// An accepted run covers the line (after a label).
    whole: bool,
    /// Every part is plain: capitalised words and numbers, a few.
    plain: bool,
    body_start: usize,
    body_end: usize,
}

fn scan_line(
    text: &str,
    start: usize,
    end: usize,
    guard: &Intervals,
    out: &mut Vec<Candidate>,
) -> LineInfo {
    let segs = segments(text, start, end, guard);
    let mut info = LineInfo {
        whole: false,
        plain: false,
        body_start: start,
        body_end: start,
    };
    let Some(first) = segs.first() else {
        return info;
    };
    let last = segs[segs.len() - 1];
    info.body_start = first.start;
    info.body_end = last.end;
    let words: usize = segs
        .iter()
        .map(|s| text[s.start..s.end].split_whitespace().count())
        .sum();
    info.plain = segs.len() <= 4
        && words <= 8
        && segs.iter().all(|s| s.part != Part::Stop)
        && segs.iter().all(|s| !s.hard || s.start == first.start)
        && segs
            .iter()
            .any(|s| text[s.start..s.end].chars().any(char::is_uppercase));
    // Runs of non-stop parts.
    let mut i = 0;
    while i < segs.len() {
        if segs[i].part == Part::Stop {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < segs.len() && segs[j + 1].part != Part::Stop && !segs[j + 1].hard {
            j += 1;
        }
        let weight: u32 = segs[i..=j]
            .iter()
            .map(|s| match s.part {
                Part::Anchor(w) => u32::from(w),
                _ => 0,
            })
            .sum();
        let cued = segs[i].cue;
        if weight >= 2 || (cued && weight >= 1) || (cued && j > i) {
            // Leading plain parts: at most two before the first anchor, and
            // not a company's name ("Provence Maritime Agence").
            let first_anchor = (i..=j)
                .find(|&k| matches!(segs[k].part, Part::Anchor(_)))
                .unwrap_or(i);
            let mut from = if cued {
                i
            } else {
                first_anchor.saturating_sub(2).max(i)
            };
            if let Some(k) =
                (from..first_anchor).rfind(|&k| trade(&text[segs[k].start..segs[k].end]))
            {
                from = k + 1;
            }
            let s = segs[from].start;
            let e = trim_end(text, s, segs[j].end);
            if s < e {
                out.push(Candidate::new(s, e, Kind::Address));
                if from == 0 && j == segs.len() - 1 {
                    info.whole = true;
                }
            }
        }
        i = j + 1;
    }
    info
}

/// Drops a sentence's full stop ("Mumbai 400020.", "CJ Harlingen.").
fn trim_end(text: &str, start: usize, mut end: usize) -> usize {
    let t = &text[start..end];
    if let Some(body) = t.strip_suffix('.') {
        let word: String = body
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let abbreviation = ABBREVIATION.contains(
            &word
                .chars()
                .rev()
                .collect::<String>()
                .to_lowercase()
                .as_str(),
        );
        if word.chars().all(|c| c.is_ascii_digit()) || (word.chars().count() >= 5 && !abbreviation)
        {
            end -= 1;
        }
    }
    end
}

/// Trade words of company names, which an address does not start with.
fn trade(part: &str) -> bool {
    part.split_whitespace().any(|w| {
        matches!(
            w.to_lowercase().trim_end_matches([',', '.']),
            "shipping"
                | "maritime"
                | "marine"
                | "management"
                | "agency"
                | "agence"
                | "agencies"
                | "services"
                | "logistics"
                | "crewing"
                | "manning"
                | "chartering"
                | "trading"
                | "navigation"
                | "tankers"
                | "bulkers"
                | "lines"
                | "group"
                | "holdings"
                | "denizcilik"
                | "rederi"
                | "reederei"
                | "naviera"
                | "company"
        )
    })
}

/// Splits a line into parts and judges each.
fn segments(text: &str, start: usize, end: usize, guard: &Intervals) -> Vec<Seg> {
    let line = &text[start..end];
    let mut out = Vec::new();
    let mut seg_start = 0;
    let mut hard = true;
    let mut cue = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    let close = |s: usize, e: usize, hard: bool, cue: bool, out: &mut Vec<Seg>| {
        let raw = &line[s..e];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return;
        }
        let (a, b) = (start + s + lead, start + s + lead + trimmed.len());
        let part = if guard.overlaps(a, b) {
            Part::Stop
        } else {
            judge(trimmed)
        };
        out.push(Seg {
            start: a,
            end: b,
            part,
            hard,
            cue,
        });
    };
    while i < bytes.len() {
        let rest = &line[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let clen = c.len_utf8();
        // Soft separators: a comma, " - ", " / ".
        let soft = match c {
            ',' | '，' | '(' => Some(clen),
            ' ' if rest.starts_with(" - ")
                || rest.starts_with(" – ")
                || rest.starts_with(" / ") =>
            {
                Some(3 + usize::from(rest.starts_with(" – ")) * 2)
            }
            _ => None,
        };
        // Hard separators: "|", ";", a tab, two spaces, a label's colon,
        // a sentence's full stop.
        let hard_sep = match c {
            '|' | ';' | '\t' | '•' => Some(clen),
            ' ' if rest.starts_with("  ") => Some(2),
            ':' | '：' => {
                let after = rest[clen..].trim_start_matches([' ', '\t']);
                let label = line[..i]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric())
                    .count();
                if after.starts_with(|d: char| d.is_ascii_digit()) && c == ':' && label <= 4 {
                    None
                } else {
                    Some(clen)
                }
            }
            '.' if sentence_end(line, i) => Some(1),
            _ => None,
        };
        if let Some(n) = soft {
            close(seg_start, i, hard, cue, &mut out);
            hard = false;
            cue = false;
            i += n;
            seg_start = i;
        } else if let Some(n) = hard_sep {
            // The cue is a word or two before the colon: look no further.
            let from = floor_boundary(line, i.saturating_sub(40));
            let this_cue = matches!(c, ':' | '：') && CUE.is_match(&line[from..i + clen]);
            let keep_dot = c == '.';
            let before = out.len();
            close(
                seg_start,
                if keep_dot { i + 1 } else { i },
                hard,
                cue,
                &mut out,
            );
            if matches!(c, ':' | '：') && out.len() > before {
                // The label before a colon is not part of an address.
                if let Some(last) = out.last_mut() {
                    last.part = Part::Stop;
                }
            }
            hard = true;
            cue = this_cue;
            i += n;
            seg_start = i;
        } else {
            i += clen;
        }
    }
    close(seg_start, line.len(), hard, cue, &mut out);
    out
}

/// Is the `.` at byte `i` of `line` the end of a sentence: after a number
/// or a long word that is no abbreviation, and followed by a space?
fn sentence_end(line: &str, i: usize) -> bool {
    if !line[i + 1..].starts_with(' ') {
        return false;
    }
    let word = crate::text::last_word(&line[..i]);
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    if ABBREVIATION.contains(&lower.as_str()) {
        return false;
    }
    word.chars().all(|c| c.is_ascii_digit()) || word.chars().count() >= 5
}

/// Judges one part of a line.
fn judge(seg: &str) -> Part {
    let tokens: Vec<&str> = seg.split_whitespace().collect();
    if tokens.len() > 8
        || seg.contains('@')
        || seg.contains("://")
        || seg.to_lowercase().contains("www.")
        || seg.contains(|c: char| is_cjk(c))
    {
        return Part::Stop;
    }
    let mut numbers_in_row = 0;
    let mut has_number = false;
    let mut has_letter_word = false;
    let mut weight: u8 = 0;
    // Where the street word is, and whether the name is before it, after
    // it or in it ("Strandveien").
    let mut street_at: Option<(usize, Side)> = None;
    for (k, tok) in tokens.iter().enumerate() {
        // A phone number, or a placeholder of an earlier pass: joining it
        // would make a second pass find more than the first.
        if tok.starts_with('+') && tok[1..].starts_with(|c: char| c.is_ascii_digit())
            || tok.contains(['[', ']'])
        {
            return Part::Stop;
        }
        let bare = tok.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '«' | '»' | '.' | ','));
        let bare = bare.trim_end_matches(':');
        if bare.is_empty() || bare.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        let lower = bare.to_lowercase();
        let digit = bare.chars().any(|c| c.is_ascii_digit());
        if digit {
            has_number = true;
            if bare.chars().all(|c| c.is_ascii_digit()) {
                numbers_in_row += 1;
                if numbers_in_row >= 3 {
                    return Part::Stop;
                }
            } else {
                numbers_in_row = 0;
            }
            continue;
        }
        numbers_in_row = 0;
        let first = bare.chars().next().unwrap_or(' ');
        if STOP.contains(&lower.as_str()) && !(lower == "no" && tok.ends_with([':', '.'])) {
            // "No" in "No: 26" and "No. 9" is a house number's label.
            if !(first.is_lowercase() && LOWER_OK.contains(&lower.as_str())) {
                return Part::Stop;
            }
        }
        if words::is_calendar(&lower)
            && !(LOWER_OK.contains(&lower.as_str()) && first.is_lowercase())
        {
            return Part::Stop;
        }
        if first.is_lowercase() && !LOWER_OK.contains(&lower.as_str()) {
            return Part::Stop;
        }
        has_letter_word = true;
        let numbered = tokens.get(k + 1).is_some_and(|t| {
            let t = t.to_lowercase();
            t.starts_with("n°")
                || t.starts_with("nº")
                || matches!(t.trim_end_matches(['.', ':']), "no" | "nr")
        });
        if STREET_BEFORE.contains(&lower.as_str()) && k + 1 < tokens.len() && !numbered {
            street_at = street_at.or(Some((k, Side::Before)));
        } else if STREET_AFTER.contains(&lower.as_str()) && k > 0 {
            // "Gate 2" is not a street; "Olav Vs gate 5" is.
            if !(matches!(
                lower.as_str(),
                "gate" | "wall" | "place" | "square" | "path"
            ) && first.is_uppercase()
                && k == 0)
            {
                street_at = street_at.or(Some((k, Side::After)));
            }
        } else if compound_street(bare) {
            street_at = street_at.or(Some((k, Side::Inside)));
        }
        if PLACE.contains(&lower.as_str()) {
            weight = weight.max(1);
        }
    }
    if !has_letter_word && !has_number {
        return Part::Stop;
    }
    // Units: "Suite 805", "3rd floor", "of. 502".
    for (k, tok) in tokens.iter().enumerate() {
        let bare = tok.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ',' | ':'));
        let lower = bare.to_lowercase();
        let next_num = tokens
            .get(k + 1)
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()));
        let prev_num = k > 0 && tokens[k - 1].chars().any(|c| c.is_ascii_digit());
        if UNIT_STRONG.contains(&lower.as_str()) && (next_num || prev_num) {
            weight = weight.max(2);
        } else if UNIT_WEAK.contains(&lower.as_str()) && next_num {
            let office_365 = tokens.get(k + 1).is_some_and(|t| t.starts_with("365"));
            if !office_365 {
                weight = weight.max(1);
            }
        }
    }
    if UNIT_SHAPE.is_match(seg) {
        weight = weight.max(2);
    }
    if let Some((k, side)) = street_at {
        let named = match side {
            Side::Before => tokens.len() > k + 1,
            Side::After => k > 0,
            Side::Inside => true,
        };
        if named {
            weight = weight.max(if has_number { 2 } else { 1 });
        }
    }
    for (re, w) in POSTCODE.iter() {
        if re.is_match(seg) {
            // A year or a watch time ("0725 Disconnected") is weaker.
            let year = seg.split_whitespace().any(|t| {
                t.len() == 4
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && (t.starts_with("19") || t.starts_with("20") || clock(t))
            });
            let w = if year { (*w).min(1) } else { *w };
            weight = weight.max(w);
        }
    }
    if weight > 0 {
        Part::Anchor(weight)
    } else if tokens.len() <= 6 {
        Part::Plain
    } else {
        Part::Stop
    }
}

/// Four digits that read as a time of day (`0725`, `2310`).
fn clock(t: &str) -> bool {
    let n: u32 = t.parse().unwrap_or(9999);
    n / 100 < 24 && n % 100 < 60
}

#[derive(Debug, Clone, Copy)]
enum Side {
    Before,
    After,
    Inside,
}

/// A compound street name: "Strandveien", "Konsul-Smidt-Straße"; not a
/// product written in camel case ("FortiGate").
fn compound_street(word: &str) -> bool {
    let last = word.rsplit('-').next().unwrap_or(word);
    let lower = word.to_lowercase();
    word.chars().count() > 6
        && !last.chars().skip(1).any(char::is_uppercase)
        && STREET_SUFFIX
            .iter()
            .any(|s| lower.ends_with(s) && lower.len() > s.len() + 2)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '〒')
}

/// Han, kana and hangul addresses.
fn cjk(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for m in CJK_RUN.find_iter(text) {
        let run = m.as_str();
        let trimmed = run.trim_end_matches([' ', ',', '-', '－', '−', '・']);
        if trimmed.is_empty() {
            continue;
        }
        if CJK_REGION.is_match(trimmed)
            && trimmed
                .chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            && CJK_NUMBERED.is_match(trimmed)
            && !guard.overlaps(m.start(), m.start() + trimmed.len())
        {
            out.push(Candidate::new(
                m.start(),
                m.start() + trimmed.len(),
                Kind::Address,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn found(text: &str) -> Vec<&str> {
        let guard = protect::word_guard(text, &protect::spans(text, &[]));
        let mut out = Vec::new();
        detect(text, &guard, &mut out);
        out.sort_by_key(|c| c.start);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn more_national_formats() {
        let joined = |t: &str| found(t).join(" | ");
        assert_eq!(
            joined("ООО «Агент»\n353900, г. Новороссийск, ул. Советов, д. 42, офис 305\nтел. +7"),
            "353900, г. Новороссийск, ул. Советов, д. 42, офис 305"
        );
        assert_eq!(
            joined("Terminal LLC\n1550 Clinton Dr\nHouston, TX 77020\n(713) 555-0192"),
            "1550 Clinton Dr | Houston, TX 77020"
        );
        assert_eq!(
            joined("Claims Co., Ltd.\n2-6-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005\nTel +81"),
            "2-6-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005"
        );
        assert_eq!(
            joined("Liên hệ: Anh\nSố 8 Trần Phú, Ngô Quyền, Hải Phòng\n"),
            "Số 8 Trần Phú, Ngô Quyền, Hải Phòng"
        );
        // A doctor, a score and a way of working are no addresses.
        assert!(found("Dr Mendes saw him. The final was 2-1 United, by the way.").is_empty());
    }

    #[test]
    fn signature_blocks() {
        assert_eq!(
            found(
                "Poseidon Marine Supplies Ltd\nAkti Kondyli 32\n185 45 Piraeus, Greece\nT: +30 210 4117 320"
            ),
            vec!["Akti Kondyli 32", "185 45 Piraeus, Greece"]
        );
        assert_eq!(
            found(
                "Karadere Denizcilik A.Ş.\nAydınlı Mah. Tersaneler Cad. No: 26 Kat: 3\n34956 Tuzla / İstanbul\nT: +90 216 446 28 10"
            ),
            vec![
                "Aydınlı Mah. Tersaneler Cad. No: 26 Kat: 3",
                "34956 Tuzla / İstanbul"
            ]
        );
        assert_eq!(
            found(
                "Luzon Crew Manning Inc.\nSuite 805, Cityland Herrera Tower\n98 V.A. Rufino St., Salcedo Village, Makati City 1227\nTel +63 2 8817 4420"
            ),
            vec![
                "Suite 805, Cityland Herrera Tower",
                "98 V.A. Rufino St., Salcedo Village, Makati City 1227"
            ]
        );
        assert_eq!(
            found(
                "Ocean Kings Shipping Agencies Ltd\n14 Warehouse Road\nApapa, Lagos, Nigeria\n\nCorrespondent: Olumide"
            ),
            vec!["14 Warehouse Road", "Apapa, Lagos, Nigeria"]
        );
        assert_eq!(
            found(
                "Skovgaard Tankers A/S\nTuborg Havnevej 18\nDK-2900 Hellerup\nTel: +45 33 63 41 00"
            ),
            vec!["Tuborg Havnevej 18", "DK-2900 Hellerup"]
        );
    }

    #[test]
    fn floors_and_quays() {
        assert_eq!(
            found(
                "PT Arung Samudra Lines, Gedung Graha Pelni Lt. 7, Jl. Gajah Mada 14, Jakarta Pusat 10130"
            ),
            vec!["Gedung Graha Pelni Lt. 7, Jl. Gajah Mada 14, Jakarta Pusat 10130"]
        );
        assert_eq!(
            found(
                "Øresund Bulk Carriers A/S\nKalkbrænderiløbskaj 4, 2100 København Ø\nTlf. +45 35 27 60 00"
            ),
            vec!["Kalkbrænderiløbskaj 4, 2100 København Ø"]
        );
    }

    #[test]
    fn running_text() {
        assert_eq!(
            found(
                "Real agent is Estrecho Port Services S.L., Avenida Virgen del Carmen 35, 11201 Algeciras, their real domain is estrecho.es"
            ),
            vec!["Avenida Virgen del Carmen 35, 11201 Algeciras"]
        );
        assert_eq!(
            found(
                "Company side: Kymata Shipping S.A., Kolokotroni 100, 185 35 Piraeus, tel +30 210 4185 700."
            ),
            vec!["Kolokotroni 100, 185 35 Piraeus"]
        );
        assert_eq!(
            found("Euxin Ship Management SRL, Str. Traian 42, Constanța 900178"),
            vec!["Str. Traian 42, Constanța 900178"]
        );
    }

    #[test]
    fn cjk_addresses() {
        assert_eq!(
            found("地址：上海市浦东新区港城路1888号"),
            vec!["上海市浦东新区港城路1888号"]
        );
        assert_eq!(
            found("株式会社\n〒105-0011 東京都港区芝公園2-4-1 芝パークビル8階\nTEL 03-5472-8830"),
            vec!["〒105-0011 東京都港区芝公園2-4-1 芝パークビル8階"]
        );
        assert!(found("2024年5月13日22:40至23:55，我司在港口").is_empty());
    }

    #[test]
    fn not_addresses() {
        assert!(found("The truck left via Gate 2 at 14:32 on 12 March 2024.").is_empty());
        assert!(found("MV Nordic Star, IMO 9321483, MMSI 235012345, flag Malta").is_empty());
        assert!(found("Office 365, Teams and SharePoint were affected").is_empty());
        assert!(found("Paid EUR 311.600 to two accounts, 14:32 UTC, 12°34.5'N").is_empty());
        assert!(found("Best regards,\nJan Huizinga\nCompany Security Officer").is_empty());
        assert!(found("C2 at 185.220.101.4, port 443, via evil-domain.com").is_empty());
    }
}
