//! Numbers that name one person, one vehicle or one company's case:
//! passports, seaman's books and seafarers' identity documents, employee,
//! staff and badge numbers, case, ticket, complaint and internal reference
//! numbers, and licence plates.
//!
//! Most are found after their cue word, in several languages ("passport
//! no.", "pasaporte", "паспорт", "CDC", "SIRB", "Emp ID", "Az.", "our ref",
//! "zaaknr.", "kenteken", "matrícula", "工号", ...), and only when the value
//! holds a digit, so "case closed" or "badge reader" stay. A value may
//! carry a short upper-case prefix ("RUS 0412877", "MMR-DK 118452"), and a
//! list of values of the same shape after one cue goes whole. Two shapes
//! need no cue: ticketing tools' ids (`INC0012345`, `RITM0012345`) and
//! dashed references of letters and digits (`SG-IR-24-0917`).

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, floor_boundary, prev_char};

/// Cue words of documents, staff numbers and case references; the generic
/// `no.`/`nr`/`N°`/`№` last (the word before it is checked in code).
const DOC_CUE: &str = r"(?:(?-u:\b)(?:
    passports?|pasaporte|passaporte|passeport|pasaport|paszport|reisepass|paspor
   |seam[ae]n'?s?\s+(?:book|identity\s+(?:card|document)|id)|seaman\s?book
   |seafarer'?s?\s+(?:id|identity\s+(?:card|document)|book|record\s+book)
   |seafarer'?s?\s+code|registration\s+(?:number|no)|boletim|ocorr[eê]ncia
   |sirb|cdc|sid|indos|coc|discharge\s+book|buku\s+pelaut|libreta(?:\s+de\s+embarque)?|gac
   |gemiadamı\s+cüzdanı|seefahrtsbuch|endorsement|książeczk
   |sim|emirates\s+id|ila\s+card|union\s+card|dni|nic|aadhaar|cpf|cnh|rg|nif|nie|pesel|nik|ktp|twic|ssn|nin|national\s+id|id\s+card|identity\s+card|(?:driver'?s?|driving)\s+licen[cs]e
   |licen[cs]e|rijbewijs|führerschein
   |employee|empleado|funcionário|emp\.?\s*(?:id|no)|staff|personnel|personalnummer|personal-?nr|pers\.?-?nr|matr[ií]cula|crew[\s-]?id|badge
   |access\s+card|gate\s+pass|vehicle\s+pass|surveyor\s+id|client\s+id|customer\s+id|member\s+id
   |cases?|caso|ticket|incident|ref|refs|reference|az|aktenzeichen|sak|saksnr|saksnummer|zaaknr
   |zaaknummer|registratienummer|tagebuchnummer|anmeldelse|file|dosya|soruşturma|complaint|petition
   |report|rapor|raporu|receipt|folio|carpetilla|atestado|denuncia|blotter\s+entry|procès-verbal
   |seal|permit
   |invoices?|inv|faktur[ay]|factura|fatura|rechnung|factuur|τιμολ[οό]γιο
   |no|nr|br
 )(?-u:\b)
 |nummer(?-u:\b)
 |(?-u:\b)n[°º]
 |(?:zgłoszeni[ae]|паспорт|διαβατ|книжк|książeczk|таб\.|табельн|사번|사원번호|knjižic|посвідченн|справ|số\s+đăng\s+ký|№|护照|護照|旅券|工号|员工号|社員番号|事件编号|案件编号|编号|工单|单号)
)";

/// What may stand between a cue and its value.
const CONNECT: &str = r"(?:[\ \t]*(?:(?:no|nr|br|n[°º]|num|numer|nummer|number|id|ref|vide|de)(?-u:\b)\.?|№|\#|:|：|\(|\)|-|–|(?:registered|is|was|of|code|eg)(?-u:\b)|e\.g\.|z\.\s?B\.|np\.|например|напр\.|наприклад|ex\.|p\.\s?ex\.|vd\.))*[\ \t]*";

/// A few words and a colon: "ticket on our side: KF-2024-0311". Words
/// without digits or brackets, so that the path never steps over a value
/// or a placeholder (which would make a second pass find more).
const COLON_PATH: &str = r"(?:(?:[\ \t]+[^\s:：\d\[\]]+){1,6}?[\ \t]*[:：][\ \t]*)?";

/// A document or reference value: a Russian passport's series and number,
/// a short capitalised prefix and a number, or one token of letters and
/// digits joined by `-`, `/` or `.`.
const VALUE: &str = r"(?P<v>\d{2}[\ ]?\d{2}[\ ]+№[\ ]?\d{6}|\d{2,4}(?:[\ ]\d{3,7}){1,3}(?-u:\b)|(?-i:[A-ZÀ-ÞĀ-žΑ-ΩА-ЯЁЄІЇҐ][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ]*(?:-[A-ZÀ-ÞΑ-ΩА-ЯЁЄІЇҐ][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ]*)?)[\ ]+(?:(?:№|n[°º]\.?)[\ ]?)?[0-9][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]*(?:[-/.–][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]+)*|[A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]*[0-9][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]*(?:[-/.–][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]+)*|[A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ]+(?:[-/.–][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9一-鿿ぁ-ヿ가-힣]+)+)";

/// Cues are found first, then a value is looked for right after each:
/// one pattern for both would be too large for the regex crate's fast
/// engines.
static DOC_CUE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?ix){DOC_CUE}\.?")).expect("ID cue pattern compiles"));

static DOC_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex::RegexBuilder::new(&format!(
        r"(?ix)^{CONNECT}(?P<adj>(?-i:[a-zß-ÿā-žα-ωά-ώа-яёєіїґ]{{3,}})[\ \t]+{CONNECT})?{COLON_PATH}{VALUE}"
    ))
    .dfa_size_limit(1 << 26)
    .build()
    .expect("ID number pattern compiles")
});

/// How far after a cue its value may start and end.
const REACH: usize = 96;

/// Registers whose abbreviation belongs to the number ("FIR 0214/2023",
/// "КУСП № 11842", "B.O. 00918/2024"): the abbreviation goes too.
static REGISTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:FIR|CSR|BVH|HR[AB]|B\.O\.|BO)[\ ]+(?:(?:no\.?|nº|n°|№)[\ ]?)?\d[\p{L}\p{N}]*(?:[-/.][\p{L}\p{N}]+)*|(?:КУСП|[ЄЕ]РДР)[\ ]+(?:№[\ ]?)?\d+",
    )
    .expect("register pattern compiles")
});

/// Cue words of vehicles and their plates.
const PLATE_CUE: &str = r"(?:(?-u:\b)(?:
    (?:licen[cs]e|number|registration)\s+plates?|plates?|placas?|registration|reg\.?\s*no\.?|kenteken
   |matr[ií]cula|plaque|immatricul[ée]e?|kennzeichen|targa|truck|lorry|tractor|trailer|chassis
   |plat(?:\s+nomor)?|nopol|plaka\w*|semirremolque|cabeza\s+tractora|trekker|oplegger|vehicle|car|van|pickup|camion|camión|turismo
   |regn\.?|taxi|cab|minibus|bus|motorbike|motorcycle|scooter|jeepney|tricycle|prime\s+mover|haulier
 )
 |(?:автоцистерн|причіп|автомобіл|автомобил|госномер|тягач|напівпричеп|полуприцеп|фур[аиу]|번호판|차량|트럭|车牌|车辆|货车|ナンバー|車両)
)";

/// A plate: up to four groups of capitals or digits joined by a space or
/// a dash ("84-BVR-7", "TN 05 BQ 6620", "ВН 7712 ЕС").
const PLATE: &str = r"([\p{Lu}\d]{1,7}(?:[\ -][\p{Lu}\d]{1,5}){0,3})";

static PLATE_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?ix){PLATE_CUE}")).expect("plate cue pattern compiles")
});

static PLATE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)^(?:[\ \t]*(?:(?:no|nr)(?-u:\b)\.?|:|=|\(|-))*(?:[\ \t]+(?-i:\p{{Ll}}{{2,12}}))?(?:{COLON_PATH}|[\ \t]+)(?-i:{PLATE})(?:[^\p{{L}}\p{{N}}]|$)"
    ))
    .expect("plate pattern compiles")
});

/// Turkish puts the cue after the plates: "34 KLM 482 ve 34 TR 7719
/// plakalı".
static PLATE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)\d{2}[\ ][A-Z]{1,3}[\ ]\d{2,4}(?:[\ ]*(?:,|ve|and)[\ ]*\d{2}[\ ][A-Z]{1,3}[\ ]\d{2,4})*[\ ]+plaka",
    )
    .expect("Turkish plate pattern compiles")
});

static TURKISH_PLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{2}[\ ][A-Z]{1,3}[\ ]\d{2,4}").expect("Turkish plate compiles")
});

/// After one value, another of the same shape: "EC4521873 (Nowicki),
/// EK9036214".
static MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[\ \t]*\([^()\n]{{1,40}}\))?[\ \t]*(?:,|;|and|or|та|і|и|y|e|et|ve|und|en|og|och|oraz|dan|và|i|a|&)[\ \t]+(?:\(?[\ \t]*(?:{PLATE_CUE})[\ \t]+)?{VALUE}"
    ))
    .expect("list pattern compiles")
});

/// After one plate, another: "ВН 7712 ЕС (причіп ВН 0943 ХР) та АА 3381 КМ".
static MORE_PLATES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\)?(?:[\ \t]*\([^()\n]{{1,40}}\))?[\ \t]*(?:,|;|and|or|та|і|и|y|e|et|ve|und|en|og|och|oraz|dan|và|i|a|&)[\ \t]+(?:\(?[\ \t]*(?:{PLATE_CUE})[\ \t]+)?{PLATE}"
    ))
    .expect("plate list pattern compiles")
});

/// Ticketing tools' ids, dashed references and Chinese licence plates
/// (a province's character, a letter, five or six more), found without a
/// cue.
static SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:(?:INC|RITM|CHG|REQ|PRB|SCTASK|TASK|SR|CS|TKT)-?\d{5,}|[A-Z]{2,6}(?:-[A-Z0-9]{1,8}){2,5})(?-u:\b)|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}(?-u:\b)|\p{Han}{1,4}[\ ]?\d{2,3}[\ ]?\p{Hiragana}[\ ]?\d{1,2}-\d{2}(?-u:\b)|(?-u:\b)\d{1,4}/\d{4,6}/(?:\d{2}|\d{4})(?-u:\b)|(?:[가-힣]{2}[\ ]?)?\d{2,3}[가-힣][\ ]?\d{4}(?-u:\b)",
    )
    .expect("shaped reference pattern compiles")
});

/// Names of algorithms and formats that follow a cue like "file" and
/// are no one's number ("dosya SHA256 a28...").
static TECHNICAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:sha-?\d+|md5|crc-?32|x64|x86|win(?:32|64)|ipv[46]|utf-?(?:8|16)|base64|aes-?\d+|rc4|tls-?v?\d(?:\.\d)?|mp[34]|h\.?26[45])$")
        .expect("technical names compile")
});

/// Words before a bare `no.` that make it not an identifier's cue.
const NOT_BEFORE_NO: &[&str] = &[
    "imo",
    "mmsi",
    "tel",
    "telephone",
    "phone",
    "fax",
    "mobile",
    "mob",
    "cell",
    "flight",
    "voyage",
    "hold",
    "tank",
    "ecdis",
    "generator",
    "engine",
    "cylinder",
    "pump",
    "berth",
    "gate",
    "bay",
    "pier",
    "quay",
    "deck",
    "room",
    "cabin",
    "version",
    "build",
    "port",
    "platform",
    "lane",
    "radar",
    "gps",
    "vhf",
    "unit",
    "call",
    "sign",
    "event",
    "anydesk",
    "teamviewer",
    "rustdesk",
    "tlx",
    "telex",
    "invoice",
    "inv",
    "faktura",
    "factura",
    "fattura",
    "rechnung",
    "order",
    "po",
];

/// Upper-case words before a number that make it something else.
const NOT_PREFIX: &[&str] = &[
    "IMO", "MMSI", "USD", "EUR", "GBP", "NOK", "DKK", "SEK", "PLN", "INR", "PHP", "TRY", "TL",
    "RUB", "UAH", "CNY", "RMB", "JPY", "BRL", "CLP", "NGN", "AED", "SGD", "HKD", "UTC", "GMT",
    "LT", "TEL", "FAX", "ID", "NO", "NR", "MT", "TEU", "DWT", "GT", "CVE",
];

/// Words after a number that make it a count or a measure.
const UNITS: &[&str] = &[
    "mt", "t", "teu", "kg", "km", "nm", "dwt", "gt", "cbm", "usd", "eur", "pcs", "h", "hrs",
];

pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let from = out.len();
    for cue in DOC_CUE_RE.find_iter(text) {
        let from = word_end(text, cue.end());
        // "Bré000000": a cue inside a word glued to digits is no cue (an
        // ASCII word boundary falls before "é").
        if from > cue.end() && text[from..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let Some(window) = window(text, from) else {
            continue;
        };
        let Some(found) = DOC_TAIL.captures(window) else {
            continue;
        };
        let Some(value) = found.name("v") else {
            continue;
        };
        let (mut vs, ve) = (from + value.start(), from + value.end());
        // A prefix is a short code ("RUS", "MMR-DK"), not a word.
        if let Some((prefix, _)) = value.as_str().split_once(' ')
            && prefix.split('-').any(|p| p.chars().count() > 6)
        {
            vs += prefix.len() + 1;
        }
        let value = &text[vs..ve];
        let bare = bare_no(text, cue.start(), cue.as_str());
        let weak = bare == Some(false) || found.name("adj").is_some();
        if bare == Some(true) || (weak && !strong(value)) {
            continue;
        }
        let mut end = push_value(text, vs, ve, guard, out);
        if end.is_none() {
            continue;
        }
        // A list of values of the same shape after one cue.
        let shape = signature(value);
        while let Some(at) = end {
            let Some(next) = MORE.captures(&text[at..]).and_then(|c| c.name("v")) else {
                break;
            };
            if signature(next.as_str()) != shape {
                break;
            }
            end = push_value(text, at + next.start(), at + next.end(), guard, out);
        }
    }
    for found in REGISTER.find_iter(text) {
        let digits = found.as_str().bytes().filter(u8::is_ascii_digit).count();
        if digits >= 16 || !guard.overlaps(found.start(), found.end()) {
            out.push(Candidate::new(found.start(), found.end(), Kind::IdNumber));
        }
    }
    plates(text, guard, out);
    elsewhere(text, guard, from, out);
}

/// The same number written again without its cue ("KOL 221908 is
/// registered to ...") still names the person: every other occurrence of
/// a value found after a cue goes too.
fn elsewhere(text: &str, guard: &Intervals, from: usize, out: &mut Vec<Candidate>) {
    let mut values: Vec<&str> = out[from..]
        .iter()
        .map(|c| &text[c.start..c.end])
        .filter(|v| v.chars().filter(char::is_ascii_digit).count() >= 5)
        .collect();
    values.sort_unstable();
    values.dedup();
    // Enough for any narrative; a pathological text keeps its first ones.
    values.truncate(256);
    if values.is_empty() {
        return;
    }
    let pattern = values
        .iter()
        .map(|v| regex::escape(v))
        .collect::<Vec<_>>()
        .join("|");
    let Ok(re) = Regex::new(&pattern) else { return };
    for m in re.find_iter(text) {
        let glued = prev_char(text, m.start()).is_some_and(char::is_alphanumeric)
            || text[m.end()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if !glued && !guard.overlaps(m.start(), m.end()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::IdNumber));
        }
    }
}

/// Tool ids and dashed references, which need no cue; added only where no
/// other detector found something (a host's naming convention looks the
/// same and is better named `[HOST]`).
pub(crate) fn shaped(text: &str, guard: &Intervals, taken: &Intervals, out: &mut Vec<Candidate>) {
    for m in SHAPED.find_iter(text) {
        let v = m.as_str();
        let digits = v.bytes().filter(u8::is_ascii_digit).count();
        let last = v.rsplit('-').next().unwrap_or(v);
        let dashed = v.is_ascii()
            && (v.contains('-') && !v.starts_with("INC-") || v.matches('-').count() >= 2);
        let ok = if dashed {
            digits >= 4 && last.bytes().filter(u8::is_ascii_digit).count() >= 2
        } else {
            true
        };
        if ok
            && !after_invoice_word(&text[..m.start()])
            && !guard.overlaps(m.start(), m.end())
            && !taken.overlaps(m.start(), m.end())
        {
            out.push(Candidate::new(m.start(), m.end(), Kind::IdNumber));
        }
    }
}

/// Invoice and order numbers name a transaction, not a person or a case:
/// left, like the amounts next to them.
fn after_invoice_word(before: &str) -> bool {
    let mut rest = before;
    for _ in 0..2 {
        rest = rest.trim_end_matches([' ', '\t', ':', '#', '.']);
        let len: usize = rest
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum();
        let word = rest[rest.len() - len..].to_lowercase();
        rest = &rest[..rest.len() - len];
        match word.as_str() {
            "invoice" | "inv" | "faktura" | "factura" | "fattura" | "rechnung" | "order" | "po"
            | "note" => {
                return true;
            }
            "no" | "nr" | "number" => {}
            _ => return false,
        }
    }
    false
}

fn plates(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for cue in PLATE_CUE_RE.find_iter(text) {
        let from = word_end(text, cue.end());
        let Some(window) = window(text, from) else {
            continue;
        };
        let Some(value) = PLATE_TAIL.captures(window).and_then(|c| c.get(1)) else {
            continue;
        };
        let (vs, ve) = (from + value.start(), from + value.end());
        let Some(mut end) = push_plate(text, vs, ve, guard, out) else {
            continue;
        };
        let shape = signature(value.as_str());
        while let Some(next) = MORE_PLATES.captures(&text[end..]).and_then(|c| c.get(1)) {
            if signature(next.as_str()) != shape {
                break;
            }
            match push_plate(text, end + next.start(), end + next.end(), guard, out) {
                Some(e) => end = e,
                None => break,
            }
        }
    }
    for list in PLATE_BEFORE.find_iter(text) {
        for p in TURKISH_PLATE.find_iter(list.as_str()) {
            let (s, e) = (list.start() + p.start(), list.start() + p.end());
            if !guard.overlaps(s, e) {
                out.push(Candidate::new(s, e, Kind::IdNumber));
            }
        }
    }
}

/// Cues in inflected languages are stems ("паспорт", "книжк"): the
/// ending goes with the cue.
fn word_end(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    at + rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len())
}

/// The rest of the line after a cue, at most [`REACH`] bytes; `None` when
/// it holds no digit (most cues are ordinary words: "no", "case", "car").
fn window(text: &str, from: usize) -> Option<&str> {
    let reach = floor_boundary(text, from + REACH);
    let rest = &text[from..reach];
    let line = rest.find('\n').map_or(rest, |n| &rest[..n]);
    line.bytes().any(|b| b.is_ascii_digit()).then_some(line)
}

/// Pushes a plate if it has the shape of one; returns its end.
fn push_plate(
    text: &str,
    start: usize,
    end: usize,
    guard: &Intervals,
    out: &mut Vec<Candidate>,
) -> Option<usize> {
    let v = &text[start..end];
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    // A unit follows its number ("120 t"); a region's letter leads a
    // plate ("H 1000 AA").
    let groups: Vec<&str> = v.split([' ', '-']).collect();
    let unit = groups.windows(2).any(|w| {
        w[0].bytes().all(|b| b.is_ascii_digit()) && UNITS.contains(&w[1].to_lowercase().as_str())
    });
    if digits < 2 || letters == 0 || digits + letters < 4 || unit || guard.overlaps(start, end) {
        return None;
    }
    out.push(Candidate::new(start, end, Kind::IdNumber));
    Some(end)
}

/// Pushes a document value if it looks like one; returns its end.
fn push_value(
    text: &str,
    start: usize,
    end: usize,
    guard: &Intervals,
    out: &mut Vec<Candidate>,
) -> Option<usize> {
    let v = &text[start..end];
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let alnum = v.chars().filter(|c| c.is_alphanumeric()).count();
    // A long run of decimal digits is protected as a hex digest; after a
    // cue it is a register number (a real digest without a letter is
    // vanishingly rare).
    let long_decimal = v.len() >= 16 && v.bytes().all(|b| b.is_ascii_digit());
    let year = v.len() == 4 && (v.starts_with("19") || v.starts_with("20")) && digits == 4;
    // "04/04", "27-28": a day, a date or a range, not a number.
    let day = v.len() <= 5 && digits == v.len() - 1 && v.contains(['/', '-', '.']);
    let technical = TECHNICAL.is_match(v);
    let prefix = v
        .split_once(' ')
        .is_some_and(|(p, _)| NOT_PREFIX.contains(&p.to_uppercase().as_str()));
    let after = text[end..].trim_start_matches([' ', '\t']);
    let unit_after = {
        let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        UNITS.contains(&word.to_lowercase().as_str())
            || [
                "persons", "people", "crew", "hours", "days", "tonnes", "tons",
            ]
            .contains(&word.to_lowercase().as_str())
    };
    if digits == 0
        || alnum < 4
        || (digits == alnum && digits < 4)
        || year
        || day
        || technical
        || prefix
        || unit_after
        || (guard.overlaps(start, end) && !long_decimal)
        || matches!(prev_char(text, start), Some('+'))
    {
        return None;
    }
    out.push(Candidate::new(start, end, Kind::IdNumber));
    Some(end)
}

/// Is this match's cue a bare `no.`/`nr`/`N°`, and if so, is it after a
/// word that says the number is not an identifier ("IMO No.", "Hold No.",
/// "tel. no.")? `None` for any other cue.
fn bare_no(text: &str, start: usize, matched: &str) -> Option<bool> {
    let cue: String = matched
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '°' | 'º'))
        .collect::<String>()
        .to_lowercase();
    if !matches!(cue.as_str(), "no" | "nr" | "br" | "n°" | "nº") {
        return None;
    }
    let before = text[..start].trim_end_matches([' ', '\t', '.', ':']);
    let word = crate::text::last_word(before).to_lowercase();
    Some(NOT_BEFORE_NO.contains(&word.as_str()))
}

/// After a bare `no.` or an adjective, a value needs some substance: five characters, or
/// letters and digits together.
fn strong(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    value.chars().count() >= 5 || (digits > 0 && letters > 0)
}

/// The value's shape: runs of letters as `A`, of digits as `9`, other
/// characters kept ("EC4521873" and "EK9036214" are both `A9`).
fn signature(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let k = if c.is_alphabetic() {
            'A'
        } else if c.is_ascii_digit() {
            '9'
        } else {
            c
        };
        if !out.ends_with(k) || !k.is_alphanumeric() {
            out.push(k);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn found(text: &str) -> Vec<&str> {
        let guard = protect::word_guard(text, &protect::spans(text, &[]));
        let mut out = Vec::new();
        detect(text, &guard, &mut out);
        shaped(text, &guard, &Intervals::default(), &mut out);
        let all = out.clone();
        out.retain(|c| {
            !all.iter()
                .any(|o| o.start <= c.start && c.end <= o.end && o.end - o.start > c.end - c.start)
        });
        out.sort_by_key(|c| c.start);
        out.dedup_by_key(|c| (c.start, c.end));
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn numbers_after_their_cue_go() {
        assert_eq!(
            found("Passport no. P1234567 of the master"),
            vec!["P1234567"]
        );
        assert_eq!(found("seaman's book no. C0123456"), vec!["C0123456"]);
        assert_eq!(found("Seamans Book: AB-00123"), vec!["AB-00123"]);
        assert_eq!(
            found("badge ID 44812 and case #2023-117"),
            vec!["44812", "2023-117"]
        );
        assert_eq!(found("employee number E10442 logged in"), vec!["E10442"]);
        assert_eq!(
            found("our ticket INC0012345 was raised"),
            vec!["INC0012345"]
        );
    }

    #[test]
    fn prefixes_languages_and_lists() {
        assert_eq!(found("SEAMANS BOOK NO RUS 0412877."), vec!["RUS 0412877"]);
        assert_eq!(
            found("CDC No. MMR-DK 118452   Bosun"),
            vec!["MMR-DK 118452"]
        );
        assert_eq!(
            found("INDoS no. 14XL2207, CDC no. MUM 284019, passport Z5518203."),
            vec!["14XL2207", "MUM 284019", "Z5518203"]
        );
        assert_eq!(found("pasaporte marroquí UK4471902."), vec!["UK4471902"]);
        assert_eq!(
            found("паспорта (серия 03 19 № 448210)"),
            vec!["03 19 № 448210"]
        );
        assert_eq!(found("(Az. LfDI-HB 2024-0388)"), vec!["LfDI-HB 2024-0388"]);
        assert_eq!(found("(КУСП № 11842)"), vec!["КУСП № 11842"]);
        assert_eq!(found("工号 SE20170342）"), vec!["SE20170342"]);
        assert_eq!(
            found("pomorska knjižica br. 00-1-045512."),
            vec!["00-1-045512"]
        );
        assert_eq!(found("(no. de empleado 58817)"), vec!["58817"]);
        assert_eq!(
            found(" - SARKAR Bikash, OS, CDC KOL 221908, DOB 11.02.1999"),
            vec!["KOL 221908"]
        );
        assert_eq!(
            found("Passports were taken with them: EC4521873 (Nowicki), EK9036214 (Wójcik)."),
            vec!["EC4521873", "EK9036214"]
        );
        assert_eq!(
            found("Our ref: SAN-23-0412 / Club ref: 5521/STW"),
            vec!["SAN-23-0412", "5521/STW"]
        );
    }

    #[test]
    fn unseen_cues_shapes_and_scripts() {
        assert_eq!(
            found("motorista, CPF 312.445.789-05, disse"),
            vec!["312.445.789-05"]
        );
        assert_eq!(found("(matrícula 11873) observou"), vec!["11873"]);
        assert_eq!(found("작성자: 이서연 (사번 HM20417)"), vec!["HM20417"]);
        assert_eq!(found("(Martin, PersNr. 10448) und"), vec!["10448"]);
        assert_eq!(
            found("kucharz, książeczka PL 0388142). Z"),
            vec!["PL 0388142"]
        );
        assert_eq!(
            found("TWIC 0041 8823 7719 4402, gate app"),
            vec!["0041 8823 7719 4402"]
        );
        assert_eq!(
            found("паспорта моряка (например МК 2214587, МК 1987764) — утечка"),
            vec!["МК 2214587", "МК 1987764"]
        );
        assert_eq!(
            found("(reference 5管-航安-0512-07)."),
            vec!["5管-航安-0512-07"]
        );
        assert_eq!(
            found("terekam CCTV: plat B 9127 KXT dan B 9340 UEV."),
            vec!["B 9127 KXT", "B 9340 UEV"]
        );
        // Still nothing in plain counts after a new cue.
        assert!(found("CPF was checked by 2 clerks").is_empty());
        assert!(found("plat nomor tidak terbaca").is_empty());
    }

    #[test]
    fn plates_after_and_before_their_cue() {
        assert_eq!(
            found("trekker kenteken 84-BVR-7, oplegger OV-51-ZX, chauffeur"),
            vec!["84-BVR-7", "OV-51-ZX"]
        );
        assert_eq!(
            found("a Bolero pickup TN 05 BQ 6620 entered"),
            vec!["TN 05 BQ 6620"]
        );
        assert_eq!(
            found("Автоцистерни: ВН 7712 ЕС (причіп ВН 0943 ХР) та АА 3381 КМ, водії"),
            vec!["ВН 7712 ЕС", "ВН 0943 ХР", "АА 3381 КМ"]
        );
        assert_eq!(found("集卡 沪D7K521 进出港"), vec!["沪D7K521"]);
        assert_eq!(
            found("camioneta, placas TX BR7-K221, y"),
            vec!["TX BR7-K221"]
        );
        assert_eq!(
            found("Konteynerler 33 ADK 417 ve 34 FRT 92 plakalı çekicilerle"),
            vec!["33 ADK 417", "34 FRT 92"]
        );
        assert_eq!(
            found("camion immatriculé TG 4471 BF (transporteur"),
            vec!["TG 4471 BF"]
        );
    }

    #[test]
    fn a_number_found_after_its_cue_goes_everywhere() {
        assert_eq!(
            found(
                "CDC KOL 221908, DOB 11.02.1999. Later: KOL 221908 is registered to another man."
            ),
            vec!["KOL 221908", "KOL 221908"]
        );
    }

    #[test]
    fn shaped_references_need_no_cue() {
        assert_eq!(found("IR-24-0611 | Client: Lantau"), vec!["IR-24-0611"]);
        assert_eq!(found("INC0092741 - RDP brute force"), vec!["INC0092741"]);
        assert_eq!(
            found("at gate: 横浜 100 あ 12-34 and"),
            vec!["横浜 100 あ 12-34"]
        );
        assert_eq!(found("bikes taken. (37/24118/24)"), vec!["37/24118/24"]);
        assert!(found("on 12/03/2024 and 2024/05/17").is_empty());
    }

    #[test]
    fn words_counts_and_indicators_after_a_cue_stay() {
        assert!(found("the case was closed; badge reader at the gangway").is_empty());
        assert!(found("staff 12 on board, passport checks done").is_empty());
        assert!(found("in case of fire").is_empty());
        assert!(found("IMO No. 9321483, ECDIS No.1, hold no. 3").is_empty());
        assert!(found("Event ID 4625 and AnyDesk ID 1 481 229 303").is_empty());
        assert!(found("report 2024 and file: dropper01.exe, ref CVE-2023-1234").is_empty());
        assert!(found("the truck carried 20 MT of cargo; SHA-256 and AES-256-GCM").is_empty());
        assert!(found("the case at 14:32 on 2024-05-17").is_empty());
        assert!(found("dosya SHA256 a2869aa96f9637fa1b90500675487c25dd77e48").is_empty());
        assert!(found("the invoice was paid; invoice USD 48,260.00 recalled").is_empty());
    }

    #[test]
    fn invoice_numbers_name_a_transaction_and_go() {
        let got = found(
            "settle invoice INV-2024-00831 and Invoice No. 2024-1178; Faktura FV/2024/06/118",
        );
        assert_eq!(got.len(), 3, "{got:?}");
    }
}
