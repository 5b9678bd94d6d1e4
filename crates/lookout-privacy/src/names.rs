//! Names found by what comes before them: a person after a rank or title
//! ("Chief Officer Ivan Petrov"), a ship after a prefix ("MV Nordic Star").

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, is_word, next_char, prev_char};
use crate::words;

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?-u:\b)(?:
          (?i:
            captain|capt|cpt|master|port\s+captain|harbou?r\s?master
            |chief\s+(?:officer|mate|engineer|eng|cook|steward)
            |(?:first|1st|second|2nd|third|3rd|fourth|4th)\s+(?:officer|engineer|eng|mate)
            |electro[-\s]?technical\s+officer|electrical\s+officer|radio\s+officer
            |(?:ship|company|port\s+facility)\s+security\s+officer|security\s+officer
            |designated\s+person(?:\s+ashore)?
            |bosun|boatswain|(?:deck|engine)\s+cadet|cadet|pilot|superintendent|supt
            |able\s+seaman|ordinary\s+seaman|oiler|fitter|motorman|cook|steward|purser
            |deckhand|messman|electrician|surveyor|inspector|technician|engineer|officer
            |manager|director|driver|chauffeur|coordinator|executive|clerk|accountant|cashier
            |colleague|broker|analyst|responder|dispatcher|secretary|assistant|supervisor
            |foreman|watchman|lawyer|advocate|attorney|adv|atty|engr
          )
          |PFSO|DPO|CFO|CEO|COO|CTO|CIO|Lt\s+Cdr|Cdr|Lt|Sgt|Cpl|Insp|WO2|Pak|Bu|Ibu|Bapak|Kaptan
          |Kapitein|Pan|Pani|Panem|Pana|Panu|Señor|Sra|Doña|Senhor|Senhora|Sig|Signor|Signora
          |Dott|Ing|Eng
          |Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Sra|Sr
          |ETO|CSO|SSO|DPA|OOW|CISO|C/O|C/E|2/O|3/O|2/E|3/E|AB|OS
        )",
    )
    .expect("title pattern compiles")
});

/// Titles in words with letters beyond ASCII, where an ASCII word
/// boundary never falls (see [`titles`]).
static TITLE_WIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"κ\.|κα\.|κυρία|κύριο|κύριος|κυρ\.|капитан[аому]?|капітан[аому]?|старпом|боцман|матрос(?:ом|а|у)?|механик(?:ом|а)?|механік(?:ом|а)?|Panią|Doña|Sayın|Kapitän|Juru\s+mudi(?:\s+jaga)?|Nakhoda|Kapten|kapitanem|księgow\w+|kierownik\w*|driftssjef|inspektør|Inspektor",
    )
    .expect("title pattern compiles")
});

/// Every title: [`TITLE`], and [`TITLE_WIDE`] where no letter touches
/// its start.
fn titles(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    TITLE.find_iter(text).chain(
        TITLE_WIDE
            .find_iter(text)
            .filter(|m| !prev_char(text, m.start()).is_some_and(char::is_alphabetic)),
    )
}

/// Titles written as abbreviations may carry a dot: "Capt. Smith".
fn abbreviation(title: &str) -> bool {
    let last = title
        .split_whitespace()
        .last()
        .unwrap_or(title)
        .to_ascii_lowercase();
    matches!(
        last.as_str(),
        "capt"
            | "cpt"
            | "supt"
            | "eng"
            | "mr"
            | "mrs"
            | "ms"
            | "mx"
            | "dr"
            | "prof"
            | "sr"
            | "sra"
            | "mme"
            | "adv"
            | "atty"
            | "engr"
            | "cdr"
            | "lt"
            | "sgt"
            | "cpl"
            | "insp"
            | "sig"
            | "dott"
            | "ing"
    )
}

static VESSEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"M/V|M\.V\.|MV|M/T|M\.T\.|MT|M/Y|MY|M/S|MS|LNG/C|LPG/C|R/V|RV|F/V|FV|M/B|M/N|M/F|MF|S/Y|SY|TB|BG|m/v|m/t|m/s|m/b|m/n|m\.v\.|m\.t\.|mv|mt|[тТ]/[хx]|[tT]/[xх]")
        .expect("vessel prefix pattern compiles")
});

/// Words after which a capitalised name is a ship's: "Vessel:", "on
/// board", "master of", "sister ship", "our vessels", and the same in
/// the trade's other languages. The name (or a list of names) follows.
static VESSEL_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)(?-u:\b)(?:vessel(?:'s)?(?:\s+name)?|ship(?:'s)?\s+name|vessels|ships|sister(?:\s+(?:ship|vessel|boat|tug))?|our\s+(?:vessel|ship|tanker|bulker|tug|barge|yacht|ferry|feeder|mv|m/v)s?|on\s*board(?:\s+(?:the|our))?|aboard(?:\s+(?:the|our))?|master\s+of(?:\s+the)?|barge|bargen|tug|the\s+(?:vessel|ship|tanker|bulker|bulk\s+carrier|container\s+ship|feeder|ferry|yacht|trawler|tug|barge|psv|osv|ahts|reefer|coaster)|schip|schepen|schiffe?|skipet|skip|skib|skibet|skibe|gemimiz|gemisi|gemi|buque|navio|nave|statek|statku|kapal|barko|navire|tanker|motor\s+yacht|yachts?|launch|tongkang|kapal\s+tunda|tugs|barges|trawlers?|kuter|gulet|AHTS|PSV|OSV|DSV|bulk\s+carrier|container\s+ship|fleet\s+affected|principal\s+vessels|sister\s+vessel
      |coasters?|gulets|\w*skipet|ferja|ferga|fleet,?\s+(?:incl|including|e\.g|namely|such\s+as)|fleet,?\s+earlier\s+on|vessel\s+list|ship\s+mailbox\s+of|charter\s+part(?:y|ies)\s+for)(?-u:\b)",
    )
    .expect("vessel cue pattern compiles")
});

/// The cues of [`VESSEL_CUE`] in words with letters beyond ASCII, where
/// an ASCII word boundary never falls: the caller checks that no letter
/// touches either end.
static VESSEL_CUE_WIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)fartøy(?:et)?|\w*båt(?:en|ene)?|\w*fartøyet|πλοίο|πλοίου|πλοία|πλοίων|σκάφος|σκάφους
        |στοιχεία\s+πλοίου|судно|судна|судне|теплоход[аеу]?|танкер[аеу]?|толкач[аеу]?|буксир[аеу]?
        |баржи|на\s+борту|선명|선박|tàu\s+cá|tàu|gemisı",
    )
    .expect("vessel cue pattern compiles")
});

/// Every cue of a ship's name: [`VESSEL_CUE`], and [`VESSEL_CUE_WIDE`]
/// where no letter touches the match.
fn vessel_cues(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    VESSEL_CUE
        .find_iter(text)
        .chain(VESSEL_CUE_WIDE.find_iter(text).filter(|m| {
            !prev_char(text, m.start()).is_some_and(char::is_alphabetic)
                && !next_char(text, m.end()).is_some_and(char::is_alphabetic)
        }))
}

/// Ship types and size classes: "BAY OF ISLANDS, Panamax bulk" lists
/// no second ship.
pub(crate) fn ship_type(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "panamax"
            | "supramax"
            | "ultramax"
            | "handysize"
            | "handymax"
            | "kamsarmax"
            | "capesize"
            | "aframax"
            | "suezmax"
            | "vlcc"
            | "ulcc"
            | "vlgc"
            | "bulk"
            | "container"
            | "chemical"
            | "product"
            | "general"
            | "cargo"
    )
}

/// The length of a ship's prefix and the space after it at the start of
/// `s` ("MT Hai Yang 12" → 3), or 0.
pub(crate) fn prefix_len(s: &str) -> usize {
    VESSEL_PREFIX
        .find(s)
        .filter(|m| m.start() == 0 && s[m.end()..].starts_with(' '))
        .map_or(0, |m| m.end() + 1)
}

/// A number that ends a ship's name: " No.7", " No. 3", " Nr 12".
static NUMBER_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ ](?:No|NO|Nr|NR|no)\.?[ ]?\d{1,3}(?-u:\b)")
        .expect("number suffix pattern compiles")
});

/// What joins ships in a list: "A, B and C", "A og B", "A και B".
static LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:,\s*|\s*/\s*|\s+(?:and|og|und|en|και|y|e|i|ve|и|oraz|och|ja)\s+)")
        .expect("list join pattern compiles")
});

/// What follows a ship's name: its IMO number, in parentheses or after a
/// comma, bar or dash.
static BEFORE_IMO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\x22”»」]?[ ]?(?:(?:\(|（|,|–|-)[ ]?IMO|\|[ ]?IMO[ ]?(?:no\.?|nr\.?|number|\#|:)?[ ]?\d)")
        .expect("before IMO pattern compiles")
});

/// Lower-case words between a plural cue and its list.
static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\x20(?:not|were|are|was|is|affected|involved|concerned|named|in\s+question|listed|below|above)){1,3}(?:\x20?[:–-])?")
        .expect("qualifier pattern compiles")
});

/// Han or hangul names with a number before 轮/号/호: "远帆18轮", "해성 707호".
static CJK_NUMBERED_SHIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([\p{Han}]{2,4}\d{1,4}号?)轮|([\p{Hangul}]{1,8}[ ]?\d{1,4}호)")
        .expect("numbered ship pattern compiles")
});

/// The names in a bullet list that starts at the line after `at`.
fn bullet_names(text: &str, at: usize, protected: &Intervals, out: &mut Vec<Candidate>) {
    let mut line_start = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let trimmed = line.trim_start_matches([' ', '\t']);
        let Some(body) = ["- ", "* ", "• ", "– "]
            .iter()
            .find_map(|b| trimmed.strip_prefix(b))
        else {
            break;
        };
        let start = line_end - body.len();
        if let Some(end) = scan_name(text, start, 4, true, protected) {
            out.push(Candidate::new(start, end, Kind::Vessel));
        }
        line_start = line_end + 1;
    }
}

/// A table with a "Vessel" (or "Ship", "Судно", ...) column: each row's
/// cell in that column is a ship; in an "IMO", "MMSI" or "Call sign"
/// column, a number of that shape is one too (bare seven digits are
/// read as an IMO number nowhere else). Rows are `|`-separated, with or
/// without a leading bar.
fn table_column(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    let mut columns: Vec<(usize, Kind)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_start().starts_with('|') || body.matches(" | ").count() >= 2 {
            let cells: Vec<&str> = body.split('|').collect();
            if columns.is_empty() {
                columns = cells
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| header_kind(c).map(|k| (i, k)))
                    .collect();
                // A header names a ship, person or document column; IMO
                // alone is not enough.
                if !columns
                    .iter()
                    .any(|(_, k)| matches!(k, Kind::Vessel | Kind::Person | Kind::IdNumber))
                {
                    columns.clear();
                }
            } else {
                for &(i, kind) in &columns {
                    let Some(cell) = cells.get(i) else {
                        continue;
                    };
                    let mut at = offset + cells[..i].iter().map(|c| c.len() + 1).sum::<usize>();
                    at += cell.len() - cell.trim_start().len();
                    let value = cell.trim();
                    let end = at + value.len();
                    if !value.is_empty() && cell_fits(value, kind) && !protected.overlaps(at, end) {
                        out.push(Candidate::new(at, end, kind));
                    }
                }
            }
        } else {
            columns.clear();
        }
        offset += line.len();
    }
}

/// What a table's header cell says its column holds.
fn header_kind(cell: &str) -> Option<Kind> {
    let c = cell.trim().to_lowercase();
    match c.as_str() {
        "vessel"
        | "vessel name"
        | "ship"
        | "ship name"
        | "name of vessel"
        | "судно"
        | "название судна"
        | "gemi"
        | "πλοίο"
        | "船名"
        | "선명"
        | "statek"
        | "skip"
        | "fartøy"
        | "schiff"
        | "buque"
        | "navio" => Some(Kind::Vessel),
        "imo" | "imo no" | "imo no." | "imo number" => Some(Kind::Imo),
        "mmsi" => Some(Kind::Mmsi),
        "call sign" | "callsign" | "c/s" => Some(Kind::Callsign),
        "name"
        | "full name"
        | "crew name"
        | "seafarer"
        | "surname"
        | "surname, name"
        | "фио"
        | "ф.и.о."
        | "имя"
        | "прізвище"
        | "ονοματεπώνυμο"
        | "姓名"
        | "이름"
        | "氏名"
        | "nombre"
        | "nome"
        | "navn"
        | "isim"
        | "ad soyad"
        | "imię i nazwisko"
        | "nazwisko"
        | "driver"
        | "employee" => Some(Kind::Person),
        "passport"
        | "passport no"
        | "passport no."
        | "passport number"
        | "seaman book"
        | "seaman's book"
        | "seamans book"
        | "sbk"
        | "sirb"
        | "cdc"
        | "cdc no"
        | "id"
        | "id no"
        | "id no."
        | "id number"
        | "badge"
        | "badge no"
        | "staff id"
        | "emp id"
        | "employee id"
        | "паспорт"
        | "загранпаспорт"
        | "паспорт моряка"
        | "διαβατήριο"
        | "护照"
        | "海员证"
        | "여권"
        | "pasaporte"
        | "passaporte"
        | "libreta"
        | "plate"
        | "licence plate"
        | "license plate"
        | "truck"
        | "trailer" => Some(Kind::IdNumber),
        _ => None,
    }
}

/// Does a cell's value have the shape of its column's kind?
fn cell_fits(value: &str, kind: Kind) -> bool {
    let digits = |n: usize| value.len() == n && value.bytes().all(|b| b.is_ascii_digit());
    match kind {
        Kind::Vessel => {
            !value.starts_with("---") && value.chars().next().is_some_and(char::is_uppercase)
        }
        Kind::Person => {
            value.chars().next().is_some_and(char::is_uppercase)
                && !value.chars().any(|c| c.is_ascii_digit())
                && (1..=5).contains(&value.split_whitespace().count())
        }
        Kind::IdNumber => {
            value.chars().filter(char::is_ascii_digit).count() >= 3
                && value.chars().count() <= 24
                && !value.starts_with("---")
        }
        Kind::Imo => digits(7) && crate::imo_checksum_ok(value),
        Kind::Mmsi => digits(9) && value.starts_with(['2', '3', '4', '5', '6', '7']),
        Kind::Callsign => {
            (3..=8).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && value.bytes().any(|b| b.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// Chinese ship names: a quoted name before 轮 or 号.
static CJK_SHIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[“「\x22]([^”」\x22\n]{1,20})[”」\x22](?:轮|号|號|丸)")
        .expect("Chinese ship pattern compiles")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Initial,
    Particle,
    Word { caps: bool, number: bool },
}

/// One token of a name at `at`: its end, its type, its text, and whether it
/// ended in a possessive `'s` (which ends the name).
fn token(text: &str, at: usize, vessel: bool) -> Option<(usize, Tok, &str, bool)> {
    let rest = &text[at..];
    let mut chars = rest.char_indices().peekable();
    let (_, c) = chars.next()?;
    if c.is_uppercase() {
        let after = &rest[c.len_utf8()..];
        if after.starts_with('.') && !after[1..].starts_with(char::is_lowercase) {
            return Some((
                at + c.len_utf8() + 1,
                Tok::Initial,
                &rest[..c.len_utf8() + 1],
                false,
            ));
        }
        let mut end = c.len_utf8();
        let mut it = after.chars().peekable();
        while let Some(&d) = it.peek() {
            if d.is_alphabetic() || (vessel && d.is_ascii_digit()) {
                end += d.len_utf8();
                it.next();
            } else if matches!(d, '\'' | '’' | '-') {
                let mut look = it.clone();
                look.next();
                match look.peek() {
                    Some(&e) if e.is_alphabetic() => {
                        end += d.len_utf8();
                        it.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        let mut word = &rest[..end];
        // "BAY OF ISLANDS": the joiners of a ship's name in capitals.
        if vessel
            && matches!(
                word,
                "OF" | "THE" | "DE" | "DEL" | "DI" | "DA" | "DO" | "LA" | "LE" | "AN" | "EL" | "DU"
            )
        {
            return Some((at + end, Tok::Particle, word, false));
        }
        let mut possessive = false;
        for suffix in ["'s", "’s"] {
            if let Some(w) = word.strip_suffix(suffix) {
                word = w;
                possessive = true;
            }
        }
        // "ABCDEF0123...", "Pe'RG-WS3": letters glued to digits (or to a
        // placeholder that replaced them) are a code, not a name.
        // A ship's name may end in one capital letter ("Eleni K",
        // "Elisabeth S"); a person's initial has its dot.
        let letter = vessel && word.chars().count() == 1 && !possessive;
        if (word.chars().count() < 2 && !letter) || (!possessive && glued(&text[at + word.len()..]))
        {
            return None;
        }
        let caps = !word.chars().any(char::is_lowercase);
        return Some((
            at + word.len(),
            Tok::Word {
                caps,
                number: false,
            },
            word,
            possessive,
        ));
    }
    if vessel && c.is_ascii_digit() {
        let end = rest
            .find(|d: char| !d.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        // "MV Master 1.0.0.0": a number that goes on is not part of a name.
        let mut after = rest[end..].chars();
        if let Some(p) = after.next()
            && !p.is_whitespace()
            && (p == '['
                || after
                    .next()
                    .is_some_and(|d| d.is_alphanumeric() || d == '['))
        {
            return None;
        }
        return Some((
            at + end,
            Tok::Word {
                caps: true,
                number: true,
            },
            &rest[..end],
            false,
        ));
    }
    if c.is_lowercase() {
        let end = rest
            .find(|d: char| !d.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        // "Pride of Lagos", "Stella del Mare": ships' names join words too.
        if words::is_particle(word) || (vessel && matches!(word, "of" | "the")) {
            return Some((at + end, Tok::Particle, word, false));
        }
    }
    None
}

/// Does the text right after a word continue it with something that is
/// not a letter (a digit, a placeholder, `-7`, `'[`)?
fn glued(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some(c) if is_word(c) || c == '[' => true,
        Some('\'' | '’' | '-') => chars.next().is_some_and(|d| is_word(d) || d == '['),
        _ => false,
    }
}

/// Scans a name starting at `at`; returns its end (after the last word).
fn scan_name(
    text: &str,
    at: usize,
    max_words: usize,
    vessel: bool,
    protected: &Intervals,
) -> Option<usize> {
    let mut pos = at;
    let mut end = None;
    let mut words_seen = 0;
    let mut full_words = 0;
    let mut particles = 0;
    while let Some((wend, tok, word, possessive)) = token(text, pos, vessel) {
        if protected.overlaps(pos, wend) {
            break;
        }
        match tok {
            Tok::Particle => {
                particles += 1;
                if particles > 2 {
                    break;
                }
            }
            Tok::Initial => {
                if vessel {
                    break;
                }
                words_seen += 1;
                particles = 0;
                end = Some(wend);
            }
            Tok::Word { caps, number } => {
                let stop = if vessel {
                    words::is_vessel_stop(word) || ship_type(word)
                } else {
                    words::is_stop(word)
                };
                let date = words::is_calendar(word) && {
                    let after = text[wend..].trim_start_matches([' ', '\u{A0}']);
                    after.starts_with(|c: char| c.is_ascii_digit())
                };
                let letter = word.chars().count() == 1;
                if stop
                    || date
                    || (caps && !letter && words::is_acronym(word))
                    || ((number || letter) && full_words == 0)
                {
                    break;
                }
                words_seen += 1;
                full_words += 1;
                particles = 0;
                end = Some(wend);
            }
        }
        if possessive || words_seen >= max_words {
            break;
        }
        // One space to the next word; an initial may run straight on.
        let mut next = text[wend..].chars();
        pos = match next.next() {
            Some(' ' | '\u{A0}') => wend + 1 + usize::from(text[wend..].starts_with('\u{A0}')),
            Some(c) if tok == Tok::Initial && c.is_uppercase() => wend,
            _ => break,
        };
    }
    if full_words == 0 { None } else { end }
}

/// Skips what may stand between a title or prefix and the name: a dot
/// after an abbreviation, a closing parenthesis, a comma or colon, quotes,
/// and one to three spaces.
fn skip_gap(text: &str, mut at: usize, dot_ok: bool) -> Option<usize> {
    if dot_ok && text[at..].starts_with('.') {
        at += 1;
    }
    for c in [')', ',', ':'] {
        if text[at..].starts_with(c) {
            at += 1;
        }
    }
    let spaces = text[at..]
        .chars()
        .take_while(|&c| c == ' ' || c == '\t' || c == '\u{A0}')
        .map(char::len_utf8)
        .collect::<Vec<_>>();
    if spaces.is_empty() || spaces.len() > 3 {
        return None;
    }
    at += spaces.iter().sum::<usize>();
    if let Some(q) = next_char(text, at)
        && matches!(q, '"' | '\'' | '“' | '‘' | '(' | '«' | '„')
    {
        at += q.len_utf8();
    }
    Some(at)
}

pub(crate) fn people(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    for m in titles(text) {
        // "Master's", "Masters", "C/O-2": not a title in front of a name.
        let Some(start) = skip_gap(text, m.end(), abbreviation(m.as_str())) else {
            continue;
        };
        if let Some(end) = scan_name(text, start, 3, false, protected) {
            out.push(Candidate::new(start, end, Kind::Person));
        }
    }
}

/// `taken` holds what other detectors found: a number they took is no
/// quantity in front of "MT".
pub(crate) fn vessels(
    text: &str,
    protected: &Intervals,
    taken: &Intervals,
    out: &mut Vec<Candidate>,
) {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for m in VESSEL_PREFIX.find_iter(text) {
        if matches!(prev_char(text, m.start()), Some(c) if is_word(c) || c == '/' || c == '.') {
            continue;
        }
        // "480 MT VLSFO": after a number, MT is metric tonnes.
        let before = text[..m.start()].trim_end_matches([' ', '\u{A0}']);
        // (A number that is part of a name found before is no quantity.)
        let digit = before.len().saturating_sub(1);
        if m.as_str().eq_ignore_ascii_case("MT")
            && before.ends_with(|c: char| c.is_ascii_digit())
            && !taken.overlaps(digit, before.len())
            && !found.iter().any(|&(s, e)| s <= digit && digit < e)
        {
            continue;
        }
        // "M.V." already ends in a dot; "MV." does not introduce a name.
        let Some(start) = skip_gap(text, m.end(), false) else {
            continue;
        };
        if let Some(end) = scan_name(text, start, 4, true, protected) {
            // "Ocean Star No.7", "Sakura Maru No. 3": the number is the
            // name's.
            let end = NUMBER_SUFFIX
                .find(&text[end..])
                .map_or(end, |m| end + m.end());
            out.push(Candidate::new(start, end, Kind::Vessel));
            found.push((start, end));
        }
    }
    for m in vessel_cues(text) {
        let mut at = m.end();
        // "vessels affected: A, B", "vessels not affected – A": up to two
        // lower-case words before the colon or dash.
        if let Some(q) = QUALIFIER.find(&text[at..]) {
            at += q.end();
        }
        // "fleet, incl. A and B", "fleet, e.g. A".
        if m.as_str().ends_with(['l', 'g']) && text[at..].starts_with('.') {
            at += 1;
        }
        // A list under the cue: "yachts:\n- A\n- B (motor yacht)".
        if text[at..].starts_with(':')
            && text[at + 1..]
                .trim_start_matches([' ', '\t'])
                .starts_with('\n')
        {
            bullet_names(text, at + 1, protected, out);
            continue;
        }
        // "Vessel: X", "vessels (A, B)", "т/х «X»", "barge \"X\"".
        let gap = text[at..]
            .chars()
            .take_while(|c| matches!(c, ':' | '-' | '–' | '(' | ' ' | '\u{A0}'))
            .map(char::len_utf8)
            .sum::<usize>();
        if gap == 0 || gap > 4 {
            continue;
        }
        at += gap;
        for _ in 0..8 {
            let start = at
                + next_char(text, at)
                    .filter(|q| matches!(q, '"' | '“' | '«' | '„'))
                    .map_or(0, char::len_utf8);
            let Some(end) = scan_name(text, start, 4, true, protected) else {
                break;
            };
            out.push(Candidate::new(start, end, Kind::Vessel));
            let after = end
                + next_char(text, end)
                    .filter(|q| matches!(q, '"' | '”' | '»' | '“'))
                    .map_or(0, char::len_utf8);
            match LIST_JOIN.find(&text[after..]) {
                Some(j) => at = after + j.end(),
                None => break,
            }
        }
    }
    // "Straits Harmony (IMO 9747546)", "LIMAN STAR, IMO ...": the name
    // right before an IMO number is the ship's.
    for m in BEFORE_IMO.find_iter(text) {
        let end = text[..m.start()]
            .trim_end_matches(['"', '”', '»', '」', ' '])
            .len();
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let (mut start, mut cur, mut words) = (end, end, 0);
        while words < 4 && cur > line_start {
            let ws = text[line_start..cur]
                .rfind(' ')
                .map_or(line_start, |i| line_start + i + 1);
            let word = &text[ws..cur];
            // "Vessel: X", "(X": the name starts after the mark.
            let (word, stop) = match word.rfind([':', '(', ',', '"', '“', '«', '「']) {
                Some(k) => (
                    &word[k + word[k..].chars().next().map_or(1, char::len_utf8)..],
                    true,
                ),
                None => (word, false),
            };
            let capital = word
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            let prefix = VESSEL_PREFIX
                .find(word)
                .is_some_and(|p| p.len() == word.len());
            let acronym = words == 0 && crate::words::is_acronym(word) && word.len() <= 3;
            // A protected word (an address, a date) ends the name where a
            // placeholder would: the same name on a second pass.
            let guarded = protected.overlaps(cur - word.len(), cur);
            if !capital || crate::words::is_vessel_stop(word) || prefix || acronym || guarded {
                break;
            }
            start = cur - word.len();
            words += 1;
            if stop || ws == line_start || ws < 1 || !text[..ws].ends_with(' ') {
                break;
            }
            cur = ws - 1;
        }
        if words > 0 && start < end && !protected.overlaps(start, end) {
            out.push(Candidate::new(start, end, Kind::Vessel));
        }
    }
    for c in CJK_NUMBERED_SHIP.captures_iter(text) {
        if let Some(name) = c.get(1).or_else(|| c.get(2))
            && !protected.overlaps(name.start(), name.end())
        {
            out.push(Candidate::new(name.start(), name.end(), Kind::Vessel));
        }
    }
    table_column(text, protected, out);
    for c in CJK_SHIP.captures_iter(text) {
        if let Some(name) = c.get(1)
            && !protected.overlaps(name.start(), name.end())
        {
            out.push(Candidate::new(name.start(), name.end(), Kind::Vessel));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let prot = crate::protect::spans(text, &[]);
        let mut out = Vec::new();
        people(text, &prot, &mut out);
        vessels(text, &prot, &Intervals::default(), &mut out);
        out.iter()
            .map(|c| (c.kind, &text[c.start..c.end]))
            .collect()
    }

    #[test]
    fn people_after_titles() {
        for (t, want) in [
            ("Capt. John Smith reported", "John Smith"),
            ("the Master, Capt. J. Smith, was", "J. Smith"),
            ("Chief Officer Ivan Petrov opened it", "Ivan Petrov"),
            ("2nd Engineer Li Wei found", "Li Wei"),
            ("ETO Rajesh Kumar's laptop", "Rajesh Kumar"),
            ("Bosun Juan dela Cruz saw", "Juan dela Cruz"),
            ("Mr. O'Brien-Walsh called", "O'Brien-Walsh"),
            ("Dr Anna Müller", "Anna Müller"),
            ("the CSO (Mark Evans) said", "Mark Evans"),
            ("Master: Øyvind Ødegård", "Øyvind Ødegård"),
            ("Captain IVAN PETROV signed", "IVAN PETROV"),
            ("Capt. van Dijk", "van Dijk"),
        ] {
            assert_eq!(found(t), vec![(Kind::Person, want)], "in {t:?}");
        }
    }

    #[test]
    fn titles_without_names() {
        for t in [
            "the Master Boot Record was overwritten",
            "reported to the Master. Ransomware then spread",
            "the Chief Engineer and the ETO",
            "Master ECDIS and Master GPS",
            "Agent Tesla and Dr.Web",
            "the Master's laptop",
            "the Captain said",
            "Pilot Station and Pilot Ladder",
            "Mr. The",
        ] {
            assert_eq!(found(t), vec![], "in {t:?}");
        }
    }

    #[test]
    fn ships_in_lists_tables_and_cjk() {
        let all = |t: &str| {
            let prot = crate::protect::spans(t, &[]);
            let mut out = Vec::new();
            vessels(t, &prot, &Intervals::default(), &mut out);
            out.iter()
                .map(|c| t[c.start..c.end].to_string())
                .collect::<Vec<_>>()
        };
        let got =
            all("Our yachts:\n- Deniz Yildizi (24 m gulet)\n- KARAADA (motor yacht)\n\nDone.");
        assert!(
            got.contains(&"Deniz Yildizi".to_string()) && got.contains(&"KARAADA".to_string()),
            "{got:?}"
        );
        let got =
            all("| Vessel | IMO |\n|---|---|\n| Wisla Trader | 9612105 |\n| Orlowo | 9665621 |\n");
        assert!(
            got.contains(&"Wisla Trader".to_string()) && got.contains(&"Orlowo".to_string()),
            "{got:?}"
        );
        let got = all("Principal vessels affected: Cebu Voyager, ILOILO STAR, Mindoro Bay.");
        assert!(
            got.contains(&"ILOILO STAR".to_string()) && got.contains(&"Mindoro Bay".to_string()),
            "{got:?}"
        );
        let got = all("关于远帆18轮租金 / 선박: 해성 707호");
        // Chinese has no spaces: a word in front may go with the name.
        assert!(got.iter().any(|g| g.ends_with("远帆18")), "{got:?}");
        assert!(got.contains(&"해성 707호".to_string()), "{got:?}");
    }

    #[test]
    fn vessels_after_prefixes() {
        for (t, want) in [
            ("aboard MV Nordic Star II at anchor", "Nordic Star II"),
            ("the M/T OCEAN GRACE was", "OCEAN GRACE"),
            ("MV \"Blue Horizon\" sailed", "Blue Horizon"),
            ("M.V. Aegean Spirit", "Aegean Spirit"),
            ("MT Royal Ocean 7 berthed", "Royal Ocean 7"),
        ] {
            assert_eq!(found(t), vec![(Kind::Vessel, want)], "in {t:?}");
        }
        for t in [
            "MS Word and MS Teams",
            "SWIFT MT 103",
            "mv file.txt",
            "the MV switchboard",
        ] {
            assert_eq!(found(t), vec![], "in {t:?}");
        }
    }
}
