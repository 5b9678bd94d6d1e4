//! An identifier found once by its cue is removed everywhere.
//!
//! A host name, login, call sign or IMO number is often written with its
//! cue once ("host ECR-PC", "user k.rajan", "IMO 9210634") and bare after
//! that ("ECR-PC was isolated"). Leaving the bare repetitions would leave
//! the identifier in the text, so every other occurrence of the same
//! string, standing as a word of its own, goes too.
//!
//! Scrubbing stays idempotent: the first pass removes every occurrence,
//! so the second finds none to spread.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, prev_char};
use crate::words;

/// The kinds whose values are specific enough to spread: a string that
/// names one machine, account, path owner or ship.
const SPREAD: [Kind; 6] = [
    Kind::Host,
    Kind::Account,
    Kind::UserPath,
    Kind::Callsign,
    Kind::Imo,
    Kind::Mmsi,
];

/// Values that are too short or too ordinary to look for elsewhere: a
/// profile named "captain" or "ubuntu" does not make every such word one.
fn spreadable(value: &str) -> bool {
    let chars = value.chars().count();
    (3..=128).contains(&chars)
        && !value.contains(['\n', '[', ']'])
        && value.starts_with(|c: char| c.is_alphanumeric())
        && value.ends_with(|c: char| c.is_alphanumeric())
        && !words::is_stop(value)
        && !words::is_common(value)
        && !words::is_acronym(value)
}

/// Adds a candidate for every other word-bounded occurrence of each value
/// found so far of a [`SPREAD`] kind, outside the protected spans.
pub(crate) fn repeat(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    let values: BTreeSet<(&str, Kind)> = out
        .iter()
        .filter(|c| SPREAD.contains(&c.kind) && !c.extra)
        .flat_map(|c| {
            let v = &text[c.start..c.end];
            // `DOMAIN\user`: the user is named bare elsewhere.
            let user = (c.kind == Kind::Account)
                .then(|| v.rsplit_once('\\').map(|(_, u)| u.trim_end_matches('$')))
                .flatten();
            std::iter::once((v, c.kind)).chain(user.map(|u| (u, c.kind)))
        })
        .filter(|(v, _)| spreadable(v))
        .collect();
    let mut seen = BTreeSet::new();
    let phones = local_numbers(text, out);
    for (value, kind) in values.into_iter().chain(phones) {
        // One value found as two kinds is looked for once.
        if !seen.insert(value) {
            continue;
        }
        for (s, _) in text.match_indices(value) {
            let e = s + value.len();
            if bounded(text, s, e) && !protected.overlaps(s, e) {
                out.push(Candidate::new(s, e, kind));
            }
        }
    }
}

/// People, ships and companies found once by a cue or a list are named
/// bare elsewhere ("Capt. Ivan Petrov ... Petrov said", "MV Nordic Star
/// ... the NORDIC STAR"): every other occurrence goes too, in any case,
/// and for a person each part of the name that is no ordinary word.
pub(crate) fn names(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    // (as written, lower case, kind)
    let mut values: BTreeSet<(String, String, Kind)> = BTreeSet::new();
    for c in out.iter().filter(|c| !c.extra) {
        if !matches!(c.kind, Kind::Person | Kind::Vessel | Kind::Org) {
            continue;
        }
        let v = text[c.start..c.end].trim();
        if spreadable(v) {
            values.insert((v.to_string(), v.to_lowercase(), c.kind));
        }
        if c.kind == Kind::Person {
            for part in v.split([' ', '\u{A0}']) {
                let part = part.trim_end_matches(['.', ',']);
                if part.chars().count() >= 3 && spreadable(part) && !words::is_particle(part) {
                    values.insert((part.to_string(), part.to_lowercase(), c.kind));
                }
            }
        }
    }
    families(text, guard, out);
    list_siblings(text, guard, out);
    let lower = text.to_lowercase();
    // Case folding that changes lengths (rare scripts) would shift the
    // offsets: then only exact matches count.
    let folded = lower.len() == text.len();
    let haystack = if folded { lower.as_str() } else { text };
    let mut seen = BTreeSet::new();
    for (written, value, kind) in values {
        let needle = if folded && value.len() == written.len() {
            value
        } else {
            written
        };
        if !seen.insert(needle.clone()) {
            continue;
        }
        let needle = needle.as_str();
        for (s, _) in haystack.match_indices(needle) {
            let e = s + needle.len();
            if text.is_char_boundary(s)
                && text.is_char_boundary(e)
                && bounded(text, s, e)
                && !guard.overlaps(s, e)
            {
                out.push(Candidate::new(s, e, kind));
            }
        }
    }
}

/// The class of a character in a code's shape: capitals `A`, small
/// letters `a`, digits `9`, anything else as written.
fn class(c: char) -> char {
    if c.is_ascii_digit() {
        '9'
    } else if c.is_uppercase() {
        'A'
    } else if c.is_lowercase() {
        'a'
    } else {
        c
    }
}

/// The shape of a code ("33 ADR 471" → "99 AAA 999").
fn shape(value: &str) -> String {
    value.chars().map(class).collect()
}

/// Documents and plates come in lists of one format ("trucks MH 43 BX
/// 7712, MH 04 GT 2290"; "passports EH4471082, EJ2290317"): once an ID
/// number is found, every other code of exactly its shape goes too. Only
/// shapes specific enough to name a format count: letters and digits
/// mixed, or digits in several groups.
pub(crate) fn shapes(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let mut wanted: Vec<Vec<char>> = out
        .iter()
        .filter(|c| c.kind == Kind::IdNumber && !c.extra)
        .map(|c| &text[c.start..c.end])
        .filter(|v| {
            let n = v.chars().count();
            let digits = v.chars().filter(char::is_ascii_digit).count();
            let letters = v.chars().filter(|c| c.is_alphabetic()).count();
            let groups = v
                .split(|c: char| !c.is_alphanumeric())
                .filter(|g| !g.is_empty())
                .count();
            (5..=24).contains(&n)
                && digits >= 2
                && (letters >= 1 || (groups >= 3 && digits >= 8))
                && v.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.'))
        })
        .map(|v| shape(v).chars().collect())
        .collect();
    wanted.sort();
    wanted.dedup();
    wanted.truncate(12);
    if wanted.is_empty() {
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(start, first)) in chars.iter().enumerate() {
        if i > 0 && chars[i - 1].1.is_alphanumeric() {
            continue;
        }
        let first = class(first);
        for w in wanted.iter().filter(|w| w[0] == first) {
            let Some(window) = chars.get(i..i + w.len()) else {
                continue;
            };
            if window.iter().zip(w).all(|(&(_, c), &k)| class(c) == k)
                && !chars
                    .get(i + w.len())
                    .is_some_and(|&(_, c)| c.is_alphanumeric())
            {
                let end = chars.get(i + w.len()).map_or(text.len(), |&(b, _)| b);
                if !guard.overlaps(start, end) {
                    out.push(Candidate::new(start, end, Kind::IdNumber));
                }
            }
        }
    }
}

/// Latin letters without their marks, lower case: logins drop them
/// ("Can Koç" signs in as KOCC).
fn folded(word: &str) -> String {
    word.to_lowercase()
        .chars()
        .filter_map(|c| {
            let plain = match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
                'ç' | 'ć' | 'č' => 'c',
                'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'ı' => 'i',
                'ñ' | 'ń' | 'ň' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
                'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
                'ş' | 'ś' | 'š' => 's',
                'ğ' => 'g',
                'ł' => 'l',
                'ż' | 'ź' | 'ž' => 'z',
                'ý' | 'ÿ' => 'y',
                'ř' => 'r',
                'ď' => 'd',
                'ť' => 't',
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            };
            Some(plain)
        })
        .collect()
}

/// Login-shaped tokens, as byte spans: an ASCII letter, letters and
/// digits, and at most one dot or underscore inside (`lim.jh`), not
/// touching another ASCII letter or digit. A plain loop: the login rule
/// looks at every word of the text, and a regex per word cost more than
/// the rest of it.
fn ascii_tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let start = i;
            if !b[i].is_ascii_alphabetic() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i + 1 < b.len() && matches!(b[i], b'.' | b'_') && b[i + 1].is_ascii_alphanumeric() {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            }
            return Some((start, i));
        }
        None
    })
}

/// Logins made of a person's name, the way directories make them: an
/// initial and a surname (`jdekker`, `kl.ng`), a surname and initials
/// (`BANERJEES`, `lim.jh`, `liuxf`). Either the person is named in the
/// text ("Sourav Banerjee (BANERJEES)"), or, in capitals as sign-in logs
/// print them, the surname is a listed one (`JANSSENF`).
pub(crate) fn logins_from_names(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    // (surname, initials of the given names) of each person found.
    let mut people: Vec<(String, String)> = Vec::new();
    let names: BTreeSet<&str> = out
        .iter()
        .filter(|c| c.kind == Kind::Person && !c.extra)
        .map(|c| &text[c.start..c.end])
        .collect();
    for name in names {
        let parts: Vec<String> = name
            .split([' ', '\u{A0}', ',', '-'])
            .map(folded)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            continue;
        }
        // Either order: "Sourav Banerjee", "BANERJEE Sourav".
        for (si, sur) in parts.iter().enumerate() {
            let initials: String = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != si)
                .filter_map(|(_, p)| p.chars().next())
                .collect();
            if sur.len() >= 2 {
                people.push((sur.clone(), initials));
            }
        }
    }
    // Every login a directory would make of each person found.
    let forms: std::collections::HashSet<String> = people
        .iter()
        .flat_map(|(sur, ini)| {
            let first: String = ini.chars().take(1).collect();
            [
                format!("{first}{sur}"),
                format!("{sur}{first}"),
                format!("{sur}{ini}"),
                format!("{ini}{sur}"),
            ]
        })
        .filter(|f| f.len() >= 4)
        .collect();
    // A person found inside a login ("vasiliki" of "vasiliki.t") does
    // not stop it.
    let taken = Intervals::from_unsorted(
        out.iter()
            .filter(|c| c.kind != Kind::Person)
            .map(|c| (c.start, c.end))
            .collect(),
    );
    let mut found = Vec::new();
    // Most tokens are ordinary words: only a token that could be a
    // person's form, a capital login or a dotted one is looked at.
    let lengths: std::collections::HashSet<usize> = forms.iter().map(String::len).collect();
    let spans: Vec<(usize, usize)> = ascii_tokens(text)
        .filter(|&(s, e)| {
            let token = &text[s..e];
            let marks = token.bytes().filter(|b| matches!(b, b'.' | b'_')).count();
            marks > 0
                || token.bytes().all(|b| b.is_ascii_uppercase())
                || lengths.contains(&(token.len() - marks))
        })
        .collect();
    for (start, end) in spans {
        let token = &text[start..end];
        let n = token.len();
        let caps = token.bytes().all(|b| b.is_ascii_uppercase());
        let flat = token.to_ascii_lowercase().replace(['.', '_'], "");
        let of_someone = forms.contains(&flat);
        if !(of_someone || caps || token.contains(['.', '_'])) {
            continue;
        }
        if !(4..=24).contains(&n)
            || taken.overlaps(start, end)
            || guard.overlaps(start, end)
            || words::is_common(token)
            || words::is_stop(token)
            || words::is_acronym(token)
            || prev_char(text, start).is_some_and(|c| c == '@' || c == '.' || c == '[')
            || text[end..].starts_with(['@', '['])
        {
            continue;
        }
        let listed_login = caps && (5..=14).contains(&n) && {
            let lower = token.to_lowercase();
            let (head, last) = lower.split_at(lower.len() - 1);
            let (first, tail) = lower.split_at(1);
            (crate::people::is_listed_name(head)
                && head.len() >= 5
                && !words::is_common(head)
                && !crate::people::is_wordy_name(head)
                && last != "s")
                || (crate::people::is_listed_name(tail)
                    && tail.len() >= 5
                    && !words::is_common(tail)
                    && !crate::people::is_wordy_name(tail)
                    && first != "s")
        };
        // "vasiliki.t", "lena.kr", "lim.jh": a listed name, a dot and
        // one to three letters is a login, though it ends like a domain.
        let dotted_name = token.chars().all(|c| c.is_ascii_lowercase() || c == '.')
            && token.split_once('.').is_some_and(|(name, rest)| {
                (1..=3).contains(&rest.len())
                    && name.len() >= 3
                    && crate::people::is_listed_name(name)
                    && !words::is_common(name)
                    && !crate::people::is_wordy_name(name)
            });
        if of_someone || listed_login || dotted_name {
            found.push(Candidate::new(start, end, Kind::Account));
        }
    }
    out.extend(found);
}

/// Fleets share a first word ("Konkan Pride", "Konkan Star"; "Sentosa
/// Pioneer & Sentosa Venture"): once a ship of two words or more is
/// found, that first word and another capitalised word name a ship too,
/// unless the first word is ordinary or the second makes a company or a
/// place of it ("Sentosa Island", "Konkan Shipping").
fn families(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let firsts: BTreeSet<&str> = out
        .iter()
        .filter(|c| c.kind == Kind::Vessel && !c.extra)
        .filter_map(|c| {
            let v = &text[c.start..c.end];
            let (first, _) = v.split_once(' ')?;
            (first.chars().count() >= 4
                && first.chars().next().is_some_and(char::is_uppercase)
                && first.chars().all(char::is_alphabetic)
                && !words::is_stop(first)
                && !words::is_common(first)
                && !words::is_vessel_stop(first)
                && !words::is_calendar(first))
            .then_some(first)
        })
        .collect();
    for first in firsts {
        for (s, _) in text.match_indices(first) {
            let rest = &text[s + first.len()..];
            let Some(second) = rest.strip_prefix(' ') else {
                continue;
            };
            let len = second
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(second.len());
            let word = &second[..len];
            let e = s + first.len() + 1 + len;
            if word.chars().count() >= 2
                && word.chars().next().is_some_and(char::is_uppercase)
                && !PLACE_OR_COMPANY.contains(&word.to_lowercase().as_str())
                && !words::is_stop(word)
                && bounded(text, s, e)
                && !guard.overlaps(s, e)
            {
                out.push(Candidate::new(s, e, Kind::Vessel));
            }
        }
    }
}

/// A list item's marker: "1.", "2)", "-", "*", "•", "–".
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:\d{1,2}[.)]|[-*•–])[ \t]+").expect("list marker pattern compiles")
});

/// The name at the head of a list item: capitalised words up to a comma,
/// a dash, a bracket or a colon ("Ibrahima Camara, 22, ...", "Tkachuk
/// Vasyl - passport ...").
static HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}\p{M}'’.-]*(?:[ ]\p{Lu}[\p{L}\p{M}'’.-]*){0,3}")
        .expect("list head pattern compiles")
});

/// People listed one to a line: once the head of one item is a person
/// found by any rule, the heads of the other items of that list are
/// people too ("1. Mamadou Diallo, 19 / 2. Ibrahima Camara, 22").
fn list_siblings(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    // (head start, head end) per item; None where a line is no item.
    let mut items: Vec<Option<(usize, usize)>> = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        let item = MARKER.find(line).and_then(|m| {
            let rest = &line[m.end()..];
            let head = HEAD.find(rest)?;
            let after = rest[head.end()..].trim_start_matches(' ');
            let delimited = after.is_empty()
                || after.starts_with([',', '(', ';', '–', '—'])
                || after.starts_with("- ");
            let ordinary = head
                .as_str()
                .split(' ')
                .all(|w| words::is_stop(w) || words::is_common(w) || words::is_calendar(w));
            (delimited && !ordinary)
                .then(|| (at + m.end() + head.start(), at + m.end() + head.end()))
        });
        items.push(item);
        at += line.len() + 1;
    }
    let people: Vec<(usize, usize)> = out
        .iter()
        .filter(|c| c.kind == Kind::Person && !c.extra)
        .map(|c| (c.start, c.end))
        .collect();
    let mut found = Vec::new();
    for list in items.split(Option::is_none) {
        let heads: Vec<(usize, usize)> = list.iter().flatten().copied().collect();
        let named = heads
            .iter()
            .any(|&(s, e)| people.iter().any(|&(ps, pe)| ps == s && pe <= e));
        if heads.len() < 2 || !named {
            continue;
        }
        for &(s, e) in &heads {
            let other = out
                .iter()
                .any(|c| c.kind != Kind::Person && c.start < e && s < c.end);
            if !other && !guard.overlaps(s, e) {
                found.push(Candidate::new(s, e, Kind::Person));
            }
        }
    }
    out.extend(found);
}

/// Second words that make a place or a company of a fleet's first word.
const PLACE_OR_COMPANY: &[&str] = &[
    "island",
    "islands",
    "bay",
    "port",
    "road",
    "street",
    "avenue",
    "harbour",
    "harbor",
    "terminal",
    "shipping",
    "maritime",
    "marine",
    "lines",
    "line",
    "ltd",
    "limited",
    "group",
    "company",
    "co",
    "inc",
    "agency",
    "agencies",
    "management",
    "services",
    "holdings",
    "city",
    "airport",
    "beach",
    "hotel",
    "bank",
    "office",
    "center",
    "centre",
    "tower",
    "building",
    "park",
    "point",
    "river",
    "coast",
    "strait",
    "sea",
    "region",
    "district",
    "province",
    "state",
    "crew",
    "crewing",
    "manning",
    "tankers",
    "bulk",
    "carriers",
    "navigation",
    "ship",
    "ships",
    "fleet",
    "logistics",
    "trading",
    "energy",
    "offshore",
    "pte",
    "llc",
    "plc",
    "gmbh",
    "sa",
    "as",
    "ab",
];

/// The national part of each international number found ("+507
/// 6318-4490" is written "6318-4490" a line later), when it is still
/// long and grouped enough not to be a count or an amount.
fn local_numbers<'t>(text: &'t str, out: &[Candidate]) -> Vec<(&'t str, Kind)> {
    out.iter()
        .filter(|c| c.kind == Kind::Phone && !c.extra)
        .filter_map(|c| {
            let v = text[c.start..c.end].strip_prefix('+')?;
            let (_, local) = v.split_once([' ', '-', '.', '\u{a0}'])?;
            let local = local.trim_start_matches([' ', '(']);
            let digits = local.bytes().filter(u8::is_ascii_digit).count();
            let grouped = local.contains([' ', '-', '.']);
            (digits >= 7 && grouped && local.starts_with(|c: char| c.is_ascii_digit()))
                .then_some((local, Kind::Phone))
        })
        .collect()
}

/// Is `[s, e)` a whole token: not glued to a word, a hyphenated or dotted
/// name, or a path on either side?
fn bounded(text: &str, s: usize, e: usize) -> bool {
    let before = prev_char(text, s);
    // An underscore joins words in a login ("rmercado_g2"), and the part
    // that is a user's name still names them.
    if before.is_some_and(char::is_alphanumeric)
        || matches!(before, Some('-' | '.' | '@' | '/' | '['))
    {
        return false;
    }
    let mut after = text[e..].chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || matches!(c, '-' | ']') => false,
        Some('.') => !after.next().is_some_and(char::is_alphanumeric),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread<'t>(text: &'t str, found: &[(&str, Kind)]) -> Vec<&'t str> {
        let mut out: Vec<Candidate> = found
            .iter()
            .map(|(v, k)| {
                let s = text.find(v).expect("value in text");
                Candidate::new(s, s + v.len(), *k)
            })
            .collect();
        let n = out.len();
        repeat(text, &Intervals::default(), &mut out);
        let mut got: Vec<&str> = out[n..].iter().map(|c| &text[c.start..c.end]).collect();
        got.sort_unstable();
        got
    }

    #[test]
    fn repetitions_of_a_found_value_go_too() {
        let t = "host ECR-PC (10.0.5.11) infected; ECR-PC isolated. \\\\ECR-PC\\PMS share, OLD-ECR-PC kept, ECR-PC2 too.";
        assert_eq!(
            spread(t, &[("ECR-PC", Kind::Host)]),
            vec!["ECR-PC", "ECR-PC", "ECR-PC"]
        );
    }

    #[test]
    fn ordinary_words_do_not_spread() {
        let t = "C:\\Users\\captain\\x.exe; the captain said";
        assert!(spread(t, &[("captain", Kind::UserPath)]).is_empty());
        let t = "user k.rajan; token of k.rajan; k.rajan.example.com";
        assert_eq!(
            spread(t, &[("k.rajan", Kind::Account)]),
            vec!["k.rajan", "k.rajan"]
        );
    }

    #[test]
    fn the_national_part_of_an_international_number_spreads() {
        let t = "[19:02] +507 6318-4490: pay to 6318-4490 or 6318-44901.";
        // Once inside the number itself, once on its own.
        assert_eq!(
            spread(t, &[("+507 6318-4490", Kind::Phone)]),
            vec!["6318-4490", "6318-4490"]
        );
    }
}
