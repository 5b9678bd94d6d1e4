//! People named without a title, found by their names: given names and
//! surnames from the lists in `data/names/` (Latin, Greek, Cyrillic, Han,
//! kana and hangul, with transliterations; see `data/names/SOURCES.md`).
//!
//! A run of capitalised words holding a listed name is a person ("Eleni
//! Markou", "ZAITSEV Ivan", "Кравченко Е.В."); so is a lone listed name
//! that is not also an ordinary English word or a place ("Boyet said").
//! Lower-case names count when they are listed and not words ("ramesh
//! called"). Han and hangul names are a listed surname followed by a
//! listed given name. The line after a letter's closing ("Best regards,")
//! is taken as the writer's name.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};
use crate::words;

struct Lists {
    /// Lower-case given names and surnames.
    names: HashSet<String>,
    /// Greek and Cyrillic names cut by one or two letters, for their
    /// inflected forms (Сергея, Παπαδόπουλου).
    stems: HashSet<String>,
    /// Han, kana and hangul surnames (one or two characters).
    cjk_surnames: HashSet<String>,
    /// Han, kana and hangul given names.
    cjk_given: HashSet<String>,
    /// Names that are also ordinary English words ("will", "grace").
    wordy: HashSet<&'static str>,
}

fn cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}')
}

fn inflected_script(word: &str) -> bool {
    word.chars()
        .any(|c| matches!(c, '\u{0370}'..='\u{03ff}' | '\u{1f00}'..='\u{1fff}' | '\u{0400}'..='\u{04ff}'))
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let mut lists = Lists {
        names: HashSet::new(),
        stems: HashSet::new(),
        cjk_surnames: HashSet::new(),
        cjk_given: HashSet::new(),
        wordy: include_str!("../data/names/common-words.txt")
            .lines()
            .collect(),
    };
    let given = include_str!("../data/names/given.txt");
    let surnames = include_str!("../data/names/surnames.txt");
    for (list, is_surname) in [(given, false), (surnames, true)] {
        for name in list.lines().filter(|l| !l.is_empty()) {
            if name.chars().all(cjk) {
                if is_surname {
                    lists.cjk_surnames.insert(name.to_string());
                } else {
                    lists.cjk_given.insert(name.to_string());
                }
                continue;
            }
            let lower = name.to_lowercase();
            if inflected_script(&lower) {
                let chars: Vec<char> = lower.chars().collect();
                for cut in 1..=2 {
                    if chars.len() >= 4 + cut {
                        lists
                            .stems
                            .insert(chars[..chars.len() - cut].iter().collect());
                    }
                }
            }
            // "Juan dela Cruz": each word of a multi-word entry too.
            for part in lower.split(' ') {
                if part.chars().count() >= 2 && !words::is_particle(part) {
                    lists.names.insert(part.to_string());
                }
            }
            lists.names.insert(lower);
        }
    }
    lists
});

/// Places that are also names: ports, cities and countries a narrative
/// names far more often than a person called so.
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "santos", "houston", "victoria", "lima", "jordan", "paris", "florence", "alexandria", "georgia",
    "chelsea", "sydney", "adelaide", "austin", "charlotte", "dallas", "denver", "lagos", "lome",
    "manila", "mumbai", "chennai", "odesa", "odessa", "singapore", "panama", "algeciras", "valencia",
    "barcelona", "genoa", "hamburg", "bremen", "rotterdam", "antwerp", "piraeus", "limassol",
    "larnaca", "istanbul", "izmir", "mersin", "constanta", "varna", "gdansk", "gdynia", "szczecin",
    "bergen", "oslo", "stavanger", "haugesund", "aberdeen", "dover", "felixstowe", "southampton",
    "london", "liverpool", "dubai", "fujairah", "jebel", "doha", "jeddah", "aden", "djibouti",
    "mombasa", "durban", "cape", "town", "tema", "abidjan", "dakar", "cotonou", "luanda", "santos",
    "janeiro", "buenos", "aires", "valparaiso", "valparaíso", "callao", "guayaquil", "colon",
    "balboa", "manzanillo", "veracruz", "shanghai", "ningbo", "qingdao", "tianjin", "dalian",
    "xiamen", "shenzhen", "guangzhou", "hong", "kong", "busan", "incheon", "ulsan", "tokyo",
    "yokohama", "kobe", "osaka", "nagoya", "kaohsiung", "keelung", "taipei", "jakarta", "surabaya",
    "batam", "belawan", "makassar", "cebu", "davao", "subic", "batangas", "bangkok", "laem",
    "chabang", "saigon", "haiphong", "danang", "hanoi", "karachi", "colombo", "chittagong", "kandla",
    "mundra", "kochi", "cochin", "vizag", "kolkata", "haldia", "paradip", "tuticorin", "goa",
    "novorossiysk", "murmansk", "vladivostok", "kaliningrad", "petersburg", "arkhangelsk", "sochi",
    "batumi", "poti", "mariupol", "kherson", "mykolaiv", "izmail", "reni", "galati", "tulcea",
    "split", "rijeka", "zadar", "koper", "trieste", "venice", "naples", "palermo", "malta",
    "valletta", "marsaxlokk", "tangier", "casablanca", "alger", "tunis", "tripoli", "benghazi",
    "suez", "port", "said", "sokhna", "ismailia", "aqaba", "haifa", "ashdod", "beirut", "mersin",
    "america", "china", "india", "russia", "ukraine", "greece", "norway", "turkey", "poland",
    "nigeria", "philippines", "indonesia", "malaysia", "brazil", "mexico", "chile", "peru", "cyprus",
    "liberia", "marshall", "bahamas", "germany", "denmark", "sweden", "finland", "netherlands",
    "belgium", "france", "spain", "portugal", "italy", "croatia", "romania", "bulgaria", "egypt",
    "israel", "lebanon", "oman", "yemen", "somalia", "kenya", "tanzania", "ghana", "togo", "benin",
    "cameroon", "gabon", "congo", "angola", "namibia", "africa", "europe", "asia", "guinea",
    "arabia", "gulf", "red", "black", "baltic", "aegean", "adriatic", "caspian", "pacific",
    "atlantic", "indian", "mediterranean", "north", "south", "east", "west", "bay", "strait",
    "channel", "canal", "harbour", "island", "islands", "cape", "point", "santa", "san", "saint",
    "st", "christ", "bonny", "las", "palmas", "aliaga", "maas", "constanța", "constanta", "sri",
    "lanka", "rotterdam", "le", "havre", "gibraltar", "ceuta", "melilla", "tenerife", "canarias", "god", "allah", "inshallah", "mashallah", "bismillah",
];

static PLACE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| PLACES.iter().copied().collect());

/// Is `word` (any case) a listed given name or surname, in the
/// lists' own spelling?
pub(crate) fn is_listed_name(word: &str) -> bool {
    LISTS.names.contains(&word.to_lowercase())
}

/// Is `word` a name that is also an ordinary English word ("will")?
pub(crate) fn is_wordy_name(word: &str) -> bool {
    LISTS.wordy.contains(word.to_lowercase().as_str())
}

/// Is `word` (any case) a port, city, country or sea ([`PLACES`])?
pub(crate) fn is_place(word: &str) -> bool {
    PLACE_SET.contains(word.to_lowercase().as_str())
}

/// Words that end a run of names: roles, trades, legal forms, things.
fn blocker(word: &str) -> bool {
    let lower = word.to_lowercase();
    words::is_stop(word)
        || (words::is_acronym(word) && !word.chars().any(char::is_lowercase))
        || words::is_opener(word)
        || PLACE_SET.contains(lower.as_str())
        || matches!(
            lower.as_str(),
            "shipping"
                | "maritime"
                | "marine"
                | "navigation"
                | "tankers"
                | "bulk"
                | "lines"
                | "logistics"
                | "agency"
                | "agencies"
                | "crewing"
                | "manning"
                | "management"
                | "ltd"
                | "limited"
                | "inc"
                | "corp"
                | "co"
                | "gmbh"
                | "as"
                | "asa"
                | "sa"
                | "bv"
                | "llc"
                | "plc"
                | "pte"
                | "pvt"
                | "terminal"
                | "terminals"
                | "trading"
                | "holdings"
                | "street"
                | "road"
                | "avenue"
                | "st."
                | "str"
                | "ave"
                | "spirit"
                | "star"
                | "express"
                | "trader"
                | "pride"
                | "glory"
                | "explorer"
                | "pioneer"
                | "venture"
                | "leader"
                | "dawn"
                | "queen"
                | "king"
                | "prince"
                | "princess"
                | "eng"
                | "cpt"
                | "supt"
                | "sgt"
                | "col"
                | "gen"
                | "adm"
                | "cdr"
                | "lt"
                | "cmdr"
        )
}

/// A name without an apostrophe suffix: "Petrov's", Turkish
/// "Tekin'in", "Ahmet'e".
fn without_suffix(word: &str) -> &str {
    match word.rfind(['\'', '’']) {
        Some(i) if word[i..].chars().count() <= 5 && i > 0 => &word[..i],
        _ => word,
    }
}

/// Is `word` (as written) a listed name, also inflected?
fn listed(word: &str) -> bool {
    let lists = &*LISTS;
    let w = without_suffix(word);
    let lower = w.to_lowercase();
    if lists.names.contains(&lower) {
        return true;
    }
    if inflected_script(&lower) {
        let chars: Vec<char> = lower.chars().collect();
        return (1..=3).any(|cut| {
            chars.len() >= 4 + cut
                && lists
                    .stems
                    .contains(&chars[..chars.len() - cut].iter().collect::<String>())
        }) || (1..=2).any(|cut| {
            chars.len() > cut + 3
                && lists
                    .names
                    .contains(&chars[..chars.len() - cut].iter().collect::<String>())
        });
    }
    false
}

/// A name that is also a common word, a place or a blocker needs company.
fn plain_word(word: &str) -> bool {
    let lower = without_suffix(word).to_lowercase();
    let w = lower.as_str();
    // A listed name is a plain word only if the dictionary has it in
    // lower case ("will", "grace"), not merely because it is frequent
    // ("john", "oliver").
    let common = if listed(word) {
        LISTS.wordy.contains(w)
    } else {
        words::is_common(w)
    };
    common || blocker(word)
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{M}][\p{L}\p{M}'’\-]*\.?").expect("token pattern compiles")
});

#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    /// Followed by a single space and the next token (same run).
    joined: bool,
}

fn initial(word: &str) -> bool {
    // "J." "Е.В." "R.R."
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    word.ends_with('.')
        && !letters.is_empty()
        && letters.len() <= 3
        && letters.iter().all(|c| c.is_uppercase())
}

pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let toks: Vec<Tok> = {
        let ms: Vec<(usize, usize)> = TOKEN
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        ms.iter()
            .enumerate()
            .map(|(i, &(s, e))| {
                let joined = ms.get(i + 1).is_some_and(|&(ns, _)| {
                    let gap = &text[e..ns];
                    gap == " " || gap == "\u{A0}" || (gap.is_empty() && text[s..e].ends_with('.'))
                });
                Tok {
                    start: s,
                    end: e,
                    joined,
                }
            })
            .collect()
    };
    let word = |t: &Tok| text[t.start..t.end].trim_end_matches('.');
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let w = word(&t);
        let first = w.chars().next().unwrap_or(' ');
        // Glued to a number ("0ETel", "ab_Maria") it is part of a code.
        // "0AA-HEIMO", and "[CALLSIGN]-HEIMO" after a first pass.
        let hyphen_glued = text[..t.start].ends_with('-')
            && crate::text::prev_char(text, t.start - 1)
                .is_some_and(|c| c.is_alphanumeric() || c == ']');
        // "a.aab.Maria": the tail of a dotted token (a login, a domain).
        let dot_glued = text[..t.start].ends_with('.')
            && crate::text::prev_char(text, t.start - 1)
                .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == ']');
        let glued = hyphen_glued
            || dot_glued
            || crate::text::prev_char(text, t.start).is_some_and(|c| c.is_numeric() || c == '_');
        // "02 Sep 0210", "5 May": a month beside a number is a date.
        let dated = words::is_calendar(w)
            && (text[..t.start]
                .trim_end_matches([' ', '\u{A0}'])
                .ends_with(|c: char| c.is_ascii_digit())
                || text[t.start + w.len()..]
                    .trim_start_matches([' ', '\u{A0}', '.', ','])
                    .starts_with(|c: char| c.is_ascii_digit()));
        if guard.overlaps(t.start, t.end) || w.chars().any(cjk) || glued || dated {
            i += 1;
            continue;
        }
        if first.is_lowercase() {
            // Lower-case: a listed name that is no word at all.
            if w.chars().count() >= 4
                && listed(w)
                && !plain_word(w)
                && !words::is_particle(w)
                && !inflected_script(w)
            {
                out.push(Candidate::new(t.start, t.start + w.len(), Kind::Person));
            }
            i += 1;
            continue;
        }
        // At most one unlisted capitalised word opens a run ("Yönetim
        // Kurulu Başkanımız Ali Rıza Tekin" is a title, then a name).
        if !listed(w)
            && t.joined
            && toks.get(i + 1).is_some_and(|n| {
                let nw = word(n);
                nw.chars().next().is_some_and(char::is_uppercase)
                    && !listed(nw)
                    && !initial(&text[n.start..n.end])
            })
        {
            i += 1;
            continue;
        }
        // A run of capitalised words, initials and particles.
        let mut j = i;
        let mut end = i;
        let (mut strong, mut names, mut words_in, mut initials) = (false, 0, 0, 0);
        loop {
            let tj = toks[j];
            let wj = word(&tj);
            let raw = &text[tj.start..tj.end];
            let is_init = initial(raw);
            let cap = wj.chars().next().is_some_and(char::is_uppercase);
            let particle = words::is_particle(wj) && j > i;
            if guard.overlaps(tj.start, tj.end) || (!cap && !particle) {
                break;
            }
            if is_init {
                initials += 1;
            }
            if !is_init && !particle {
                // A place or trade word ends a name, unless it is a listed
                // surname after a strong given name ("Edwin Santos").
                let surname_after_name =
                    strong && words_in > 0 && listed(wj) && !words::is_stop(wj);
                if (blocker(wj) && !surname_after_name)
                    || (words_in > 0 && plain_word(wj) && !listed(wj))
                {
                    break;
                }
                words_in += 1;
                if listed(wj) {
                    names += 1;
                    if !plain_word(wj) {
                        strong = true;
                    }
                }
            }
            if !particle {
                end = j;
            }
            if !tj.joined || j + 1 >= toks.len() || words_in >= 4 {
                break;
            }
            j += 1;
        }
        // An unlisted word opening a sentence is capitalised for that
        // reason alone ("Сообщил Кравченко").
        let mut from = i;
        while from < end
            && !listed(word(&toks[from]))
            && !initial(&text[toks[from].start..toks[from].end])
            && sentence_start(text, toks[from].start)
        {
            from += 1;
            words_in -= 1;
        }
        // The first word that is not an initial ("T. Nguyen": Nguyen).
        let first_word = (from..=end)
            .map(|k| &toks[k])
            .find(|t| !initial(&text[t.start..t.end]))
            .map_or_else(|| word(&toks[from]), word);
        let lone_ok = words_in == 1
            && names == 1
            && strong
            && first_word.chars().count() >= 3
            && !(first_word.chars().all(char::is_uppercase) && first_word.chars().count() <= 3);
        // "Blessing Akpan": a listed given name opening a run of names.
        // "T. Nguyen", "Габдуллин Р.Р.": initials and a word that is no
        // ordinary word.
        let run_ok = (words_in >= 2 && names >= 1 && (strong || listed(first_word)))
            || (initials > 0 && words_in >= 1 && !plain_word(first_word));
        if (run_ok || lone_ok) && words_in > 0 && !plain_word(first_word) || (run_ok && names >= 2)
        {
            let s = toks[from].start;
            let mut e = toks[end].end;
            if !initial(&text[toks[end].start..toks[end].end]) {
                e = toks[end].start + without_suffix(word(&toks[end])).len();
            }
            let mut next = end + 1;
            // "Hartmann, Jens", "DELA PEÑA, Rodel Macaraeg": surname first,
            // then the given names after a comma.
            if text[e..].starts_with(", ") {
                let mut k = next;
                while k < toks.len() && k < next + 3 {
                    let wk = word(&toks[k]);
                    let gap_ok = if k == next {
                        toks[k].start == e + 2
                    } else {
                        toks[k - 1].joined
                    };
                    let first_ok = k > next || listed(wk);
                    if !gap_ok
                        || !first_ok
                        || !wk.chars().next().is_some_and(char::is_uppercase)
                        || blocker(wk)
                        || (plain_word(wk)
                            && !listed(wk)
                            && !initial(&text[toks[k].start..toks[k].end]))
                    {
                        break;
                    }
                    e = toks[k].end;
                    k += 1;
                }
                next = k.max(next);
            }
            out.push(Candidate::new(s, e, Kind::Person));
            i = next;
        } else {
            i += 1;
        }
    }
    cjk_names(text, guard, out);
    closings(text, guard, out);
    labelled(text, guard, out);
    greeted_and_signed(text, guard, out);
}

/// A greeting before a name: "Dear Faisal,", "Hi Marto", "Kính gửi ông
/// Hùng", "Уважаемый Сергей".
static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^[ \t>]*(?:dear|hi|hello|hey|good\s+(?:morning|day|afternoon|evening)|bonjour|hola|olá|ola|ciao|merhaba|sayın|kære|hei|hej|beste|estimad[oa]|car[oa]|querid[oa]|dzień\s+dobry|szanown[ya]\s+pan(?:ie|i)?|pani|panie|уважаем\w+|шановн\w+|добрый\s+день|αγαπητ\w+|kính\s+gửi|chào|salam|assalamu\s*alaikum|sehr\s+geehrte[rs]?\s+(?:herr|frau))[ \t]+(?:(?:mr|mrs|ms|capt|dr|anh|chị|ông|bà|kak|pak|bu|bapak|ibu)\.?[ \t]+)?",
    )
    .expect("greeting pattern compiles")
});

/// A line that starts with a name and goes on with a role: "Rizky
/// Pratama, Deck Cadet", "Okan Çelik, BT Sorumlusu", "Jan-Philipp Meyer /
/// Leiter IT".
static NAME_THEN_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^[ \t>]*(\p{Lu}[\p{L}\p{M}'’-]+(?:[ ]\p{Lu}[\p{L}\p{M}'’.-]*){1,3})[ \t]*(?:,|/|–|-|\|)[ \t]*(?:(?:senior|junior|deputy|assistant|acting|chief|head|lead|general|regional|fleet|marine|technical|crew|crewing|it|hr|ops|operations|finance|security|safety|port|claims|deck|engine|bt|güvenlik)\s+)*(?:manager|officer|cadet|engineer|analyst|head|director|coordinator|clerk|superintendent|supt|master|captain|capt|cso|dpa|pfso|sso|ciso|cfo|ceo|executive|sorumlusu|müdürü|şefi|uzmanı|leiter|leiterin|kierownik|specjalista|inspector|inspektør|surveyor|correspondent|handler|adviser|advisor|consultant|specialist|administrator|accountant|secretary|assistant|agent|broker|lawyer|liaison|team\s+lead|on\s+duty)(?-u:\b)",
    )
    .expect("name then role pattern compiles")
});

fn greeted_and_signed(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in GREETING.find_iter(text) {
        let rest = &text[m.end()..];
        let stop = rest
            .find(['\n', ',', '!', ':', ';', '(', '.'])
            .unwrap_or(rest.len());
        let name = rest[..stop].trim_end();
        let words: Vec<&str> = name.split_whitespace().collect();
        if (1..=3).contains(&words.len())
            && words.iter().all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !blocker(w)
                    && !words::is_common(w)
                    && !w.eq_ignore_ascii_case("lookout")
            })
        {
            spans.push((m.end(), m.end() + name.len()));
        }
    }
    for c in NAME_THEN_ROLE.captures_iter(text) {
        let Some(name) = c.get(1) else { continue };
        let words: Vec<&str> = name.as_str().split(' ').collect();
        // "Crew Department, Manager" is no one: every word must be fit
        // for a name, and one of them no ordinary word.
        if words.iter().all(|w| !blocker(w.trim_end_matches('.')))
            && words.iter().any(|w| !plain_word(w.trim_end_matches('.')))
        {
            spans.push((name.start(), name.end()));
        }
    }
    for (s, e) in spans {
        if !guard.overlaps(s, e) {
            out.push(Candidate::new(s, e, Kind::Person));
        }
    }
}

/// Labels of forms, tickets and reports after which a person is named:
/// "Prepared by:", "Analyst:", "Contact:", "Hazırlayan:".
static PERSON_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:prepared|raised|opened|reported|written|checked|approved|reviewed|submitted|signed|compiled|assigned|escalated|handled|requested|created|logged|closed|filed|acknowledged|investigated|verified)\s+by|analyst|responders?|contact(?:\s+person)?|handler|lead\s+responder|driver|chauffeur|requester|requestor|caller|assignee|reporter|author|hazırlayan|açan|atanan|ansprechpartner|kontakt|contacto|contato|interlocutor|podpis|підпис|подпись|names?\s+given|pfso|cso|dpa|sso|duty\s+officer|on\s+duty|officer\s+on\s+watch|watchkeeper|engineer\s+on\s+duty|prepared|reviewed)[ \t]*[:：][ \t]*",
    )
    .expect("person label pattern compiles")
});

/// The name after a [`PERSON_LABEL`]: one to four words up to a comma, a
/// bracket, a bar or the line's end; capitalised, or lower case in a
/// chat ("Analyst: arvind | IR: mei ling").
fn labelled(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for m in PERSON_LABEL.find_iter(text) {
        // Not "IT: " inside a word ("audit: ").
        if crate::text::prev_char(text, m.start()).is_some_and(char::is_alphanumeric) {
            continue;
        }
        let rest = &text[m.end()..];
        let stop = rest
            .find(['\n', ',', '(', '|', ';', '/', '–', '<', '['])
            .unwrap_or(rest.len())
            .min(rest.find(" - ").unwrap_or(rest.len()));
        let name = rest[..stop].trim_end_matches([' ', '.', '\t']);
        let words: Vec<&str> = name.split_whitespace().collect();
        let capitalised = words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase() || cjk(c)) || words::is_particle(w)
        });
        // Lower case only for a listed name ("arvind"), not "pending".
        let lower_chat = words.iter().all(|w| w.chars().all(char::is_lowercase))
            && words.iter().any(|w| listed(w));
        let fits = !words.is_empty()
            && words.len() <= 4
            && (capitalised || lower_chat)
            && !name
                .chars()
                .any(|c| c.is_ascii_digit() || c == '@' || c == ':')
            && !words.iter().any(|w| {
                let w = w.trim_end_matches('.');
                (blocker(w) && !listed(w)) || (lower_chat && words::is_common(w))
            })
            && !words
                .iter()
                .all(|w| plain_word(w.trim_end_matches('.')) && !listed(w));
        if fits && !guard.overlaps(m.end(), m.end() + name.len()) {
            out.push(Candidate::new(m.end(), m.end() + name.len(), Kind::Person));
        }
    }
}

/// Does a sentence (or the text, or a line) begin at byte `at`?
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t', '"', '“', '(']);
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', ';'])
}

/// What follows a Han, kana or hangul name: titles and forms of address.
const ADDRESS_FORMS: &[&str] = &[
    "先生",
    "女士",
    "小姐",
    "船长",
    "大副",
    "二副",
    "三副",
    "轮机长",
    "大管轮",
    "经理",
    "主管",
    "老师",
    "工程师",
    "同志",
    "さん",
    "様",
    "氏",
    "船長",
    "部長",
    "課長",
    "씨",
    "님",
    "선장",
    "기관장",
];

/// Does a name may start at char `i`: the text, a line, a space, a
/// label's colon or a list mark before it, or a role word?
fn cjk_left_edge(chars: &[(usize, char)], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let prev = chars[i - 1].1;
    if !cjk(prev)
        || matches!(
            prev,
            '：' | '、' | '，' | '（' | '「' | '『' | '“' | '\u{3000}'
        )
    {
        return true;
    }
    let before: String = chars[i.saturating_sub(3)..i]
        .iter()
        .map(|&(_, c)| c)
        .collect();
    [
        "员工",
        "工程师",
        "司机",
        "操作员",
        "报告人",
        "联系人",
        "担当",
        "船长",
        "선장",
        "기관장",
        "部長",
        "課長",
        "经理",
        "主管",
        "职员",
        "船员",
    ]
    .iter()
    .any(|r| before.ends_with(r))
}

/// Does a name end at char `e`: the text's end, a non-CJK character,
/// punctuation, or a particle that follows names?
fn cjk_right_edge(chars: &[(usize, char)], e: usize) -> bool {
    let Some(&(_, next)) = chars.get(e) else {
        return true;
    };
    if !cjk(next) {
        return true;
    }
    if matches!(
        next,
        '：' | '、'
            | '，'
            | '。'
            | '）'
            | '」'
            | '』'
            | '”'
            | '\u{3000}'
            | '的'
            | '说'
            | '称'
            | '表'
            | '承'
            | '在'
            | 'で'
            | 'は'
            | 'が'
            | 'の'
            | 'を'
            | 'に'
            | '이'
            | '가'
            | '은'
            | '는'
            | '을'
            | '를'
            | '의'
            | '씨'
            | '님'
    ) {
        return true;
    }
    let after: String = chars[e..(e + 2).min(chars.len())]
        .iter()
        .map(|&(_, c)| c)
        .collect();
    ADDRESS_FORMS.iter().any(|f| after.starts_with(f)) || after.starts_with("です")
}

/// Han, kana and hangul: a listed surname and a listed given name, or a
/// listed surname before a form of address.
fn cjk_names(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let lists = &*LISTS;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !cjk(chars[i].1) {
            i += 1;
            continue;
        }
        let mut found = None;
        for sl in [2usize, 1] {
            if i + sl > chars.len() {
                continue;
            }
            let surname: String = chars[i..i + sl].iter().map(|&(_, c)| c).collect();
            if !surname.chars().all(cjk) || !lists.cjk_surnames.contains(&surname) {
                continue;
            }
            // Skip a space between ("田中 太郎").
            let mut g = i + sl;
            if chars.get(g).is_some_and(|&(_, c)| c == ' ') {
                g += 1;
            }
            for gl in [2usize, 1] {
                if g + gl > chars.len() {
                    continue;
                }
                let given: String = chars[g..g + gl].iter().map(|&(_, c)| c).collect();
                if given.chars().all(cjk) && lists.cjk_given.contains(&given) {
                    found = Some(g + gl);
                    break;
                }
            }
            if found.is_some() {
                break;
            }
            // A surname and one or two characters standing as a word of
            // their own: after a label or role ("联系人：周海涛", "司机 钱永刚",
            // "担当：総務部 田中 美穂") and before a stop ("刘洋：", "최동훈이").
            if cjk_left_edge(&chars, i) {
                for gl in [2usize, 1] {
                    let e = g + gl;
                    if e > chars.len() || !chars[g..e].iter().all(|&(_, c)| cjk(c)) {
                        continue;
                    }
                    if cjk_right_edge(&chars, e) {
                        found = Some(e);
                        break;
                    }
                }
            }
            if found.is_some() {
                break;
            }
            // A surname and one or two characters before a form of
            // address: "周伟船长", "田中さん".
            for gl in [1usize, 2] {
                let after: String = chars.iter().skip(g + gl).take(3).map(|&(_, c)| c).collect();
                let given_ok = chars
                    .get(g..g + gl)
                    .is_some_and(|cs| cs.iter().all(|&(_, c)| cjk(c)));
                if given_ok && ADDRESS_FORMS.iter().any(|f| after.starts_with(f)) {
                    found = Some(g + gl);
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        if let Some(e) = found {
            let start = chars[i].0;
            let end = chars.get(e).map_or(text.len(), |&(b, _)| b);
            if !guard.overlaps(start, end) {
                out.push(Candidate::new(start, end, Kind::Person));
            }
            i = e;
        } else {
            i += 1;
        }
    }
}

/// The name under a letter's closing: "Best regards,\nEleni Markou".
static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^[ \t>]*(?:(?:best|kind|warm|many)\s+regards|regards|rgds|brgds|br|best|thanks|thank\s+you|cheers|sincerely|yours\s+(?:sincerely|faithfully|truly)|mit\s+freundlichen\s+grüßen|mfg|viele\s+grüße|med\s+vennlig\s+hilsen|mvh|vennlig\s+hilsen|med\s+venlig\s+hilsen|hilsen|mvh|saludos|un\s+saludo|atentamente|cordialmente|atenciosamente|abraços|με\s+εκτίμηση|φιλικά|ευχαριστώ|с\s+уважением|з\s+повагою|saygılarımla|saygılarımızla|pozdrawiam|z\s+poważaniem|salamat|met\s+vriendelijke\s+groet|groeten|此致|谢谢|よろしくお願いします)[ \t]*[,.!]?[ \t]*\r?\n[ \t>]*([^\n]{2,60})",
    )
    .expect("closing pattern compiles")
});

fn closings(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for c in CLOSING.captures_iter(text) {
        let Some(line) = c.get(1) else { continue };
        // The name, up to a comma or dash that starts a title.
        let name_end = line
            .as_str()
            .find([',', '|', '(', '/', '–'])
            .or_else(|| line.as_str().find(" - "))
            .unwrap_or(line.as_str().len());
        let name = line.as_str()[..name_end].trim_end();
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.is_empty()
            || words.len() > 4
            || name.chars().any(|c| c.is_ascii_digit() || c == '@')
            || !words
                .iter()
                .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || cjk(c)))
            || words
                .iter()
                .any(|w| blocker(w.trim_end_matches('.')) && !listed(w))
        {
            continue;
        }
        let start = line.start();
        let end = start + name.len();
        if !guard.overlaps(start, end) {
            out.push(Candidate::new(start, end, Kind::Person));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        detect(text, &Intervals::default(), &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn names_without_titles() {
        for (t, want) in [
            ("Then Eleni Markou called the bank", "Eleni Markou"),
            ("ZAITSEV Ivan reported", "ZAITSEV Ivan"),
            ("Сообщил Кравченко Е.В. вчера", "Кравченко Е.В."),
            ("the bosun Mihai saw it", "Mihai"),
            ("asked ramesh to check", "ramesh"),
            (
                "Best regards,\nTor Bjarne Rønning\nDPA",
                "Tor Bjarne Rønning",
            ),
            ("机务部王秀英收到邮件", "王秀英"),
            ("周伟船长说", "周伟"),
            ("联系人：周海涛\n电话", "周海涛"),
            ("- 선장 최동훈이 레이더", "최동훈"),
            ("T. Nguyen reset it", "T. Nguyen"),
        ] {
            let got = found(t);
            assert!(got.contains(&want), "{t:?}: {got:?}");
        }
    }

    #[test]
    fn ordinary_words_and_places_are_not_names() {
        for t in [
            "We will mark the chart and hope for the best.",
            "The ship left Santos for Houston.",
            "Please see the Bridge log.",
        ] {
            assert!(found(t).is_empty(), "{t:?}: {:?}", found(t));
        }
    }
}
