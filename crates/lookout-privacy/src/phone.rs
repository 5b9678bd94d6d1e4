//! Telephone numbers.
//!
//! A phone number is a shape, not a syntax, so this is the detector most
//! likely to eat something useful. It works in three steps:
//!
//! 1. find runs of digit groups joined by one separator each (space,
//!    hyphen, dot, parentheses), with an optional leading `+`;
//! 2. within a run, try windows of whole groups, longest first, that do not
//!    touch a protected span (date, time, coordinate, IP address, hash, ...);
//! 3. accept a window only if it has a telephone's shape: international
//!    (`+` or `00` and 8–15 digits), introduced by a cue word (`Tel`,
//!    `mobile`, `WhatsApp`, ...), a national number with a trunk `0` and
//!    9–12 digits, or the North American 3-3-4 layout.
//!
//! A bare run of digits without any of these (an order number, a count of
//! tonnes) is left alone.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, floor_boundary, is_word, next_char, prev_char};

static RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[+(]{0,2}\d(?:[\d\-.() \t\u{A0}]*[\d)])?").expect("phone run pattern compiles")
});

/// A cue word just before a number makes any 7–15 digit shape a phone:
/// in English and the other languages reports come in ("tlf.", "Τηλ.",
/// "Тел.", "电话：", "手机", "携帯", "전화", "ĐT").
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:
            (?-u:\b)(?:tel|tél|tlf|tlph|telf|telp|telef|telefon|telefone|teléfono|telefono|téléphone|telephone
               |telepon|phone|ph|mobile|mobil|mobiel|móvil|movil|celular|cel|cell|cellphone|handy|natel|gsm
               |handphone|fax|whats\s?app|viber|telegram|signal|sms|hotline|helpline|landline|satphone|sat\s?phone
               |iridium|inmarsat|thuraya|fbb|vsat\s?phone|contact|kontakt|tilefono|tilefwno|kinito
               |kom|hp|did|mob|sat-?c|inmarsat-?c|off|direct|dir
               |reach(?:ed)?\s+(?:him|her|me|us|them)(?:\s+(?:on|at))?
               |call(?:ed|ing)?(?:\s+(?:him|her|me|us|them|back))?(?:\s+(?:on|at))?)
            \.?
          | (?-u:\b)[TMF]\s?:
          | (?:τηλ(?:έφωνο)?|κιν(?:ητό)?|νούμερο|αριθμό|тел(?:ефон)?|моб(?:ильный|ільний)?|电话|電話|手机|手機|联系电话|携帯|전화|휴대폰|핸드폰
               |đt|điện\s+thoại)\.?
        )
        \s*(?:no\.?|number|nr\.?|\#)?\s*[:=\-：]?\s*\(?\+?$",
    )
    .expect("phone cue pattern compiles")
});

/// An extension after the number: "ext. 214", "loc. 214", "wew. 23",
/// "x123", "Durchwahl 12".
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[ \t]*(?:ext|extn|x|loc|local|wew|int|dw|poste|interno|anexo|durchwahl|lok|доб)\.?[ \t]*\d{1,5}(?-u:\b)",
    )
    .expect("phone extension pattern compiles")
});

/// Words after a number that say the last group was not part of it.
static TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^[\ \t]+(?:
            jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
            |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?
            |nm|nmi|kn|kts|knots|m|km|cm|mm|h|hrs|hours|min|mins|minutes|sec|secs|seconds
            |crew|people|persons|times|days|weeks|months|years|tonnes|tons|t|mt|cbm|teu|dwt|gt
            |usd|eur|gbp|bbl|files|hosts|pcs|units|percent|degrees
        )(?-u:\b)",
    )
    .expect("phone trailer pattern compiles")
});

/// Does a word after `at` say the number ended before it? A single
/// letter is a unit only when no number follows: "12 m", but "T +65 ...
/// M +65 ..." and "T: ... M: ..." label the next number.
fn trailer(text: &str, at: usize) -> bool {
    let Some(m) = TRAILER.find(&text[at..]) else {
        return false;
    };
    let word = m.as_str().trim();
    if word.chars().count() == 1 {
        let rest = text[at + m.end()..].trim_start_matches([' ', '\t']);
        if rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | ':' | '(')) {
            return false;
        }
    }
    true
}

#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    /// Byte where the window starting here begins (includes a `(` or `+`).
    lead: usize,
}

pub(crate) fn detect(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    let from = out.len();
    for m in RUN.find_iter(text) {
        for sub in split_run(text, m.start(), m.end()) {
            scan(text, &sub, protected, out);
        }
    }
    continuations(text, protected, from, out);
}

/// A second number after a phone's, behind a slash, bar or comma: "Tel
/// +91 22 2789 4410 / 98201 55732".
static NEXT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*[/|,][ \t]*(\+?\d[\d \-]{5,16}\d)(?:[^\d\-.]|$)")
        .expect("next number pattern compiles")
});

fn continuations(text: &str, protected: &Intervals, from: usize, out: &mut Vec<Candidate>) {
    let mut at = out.len();
    let mut i = from;
    while i < at {
        let c = out[i];
        if c.kind == Kind::Phone
            && let Some(n) = NEXT_NUMBER.captures(&text[c.end..]).and_then(|m| m.get(1))
        {
            let (s, e) = (c.end + n.start(), c.end + n.end());
            let digits = n.as_str().bytes().filter(u8::is_ascii_digit).count();
            if (7..=15).contains(&digits) && !protected.overlaps(s, e) {
                out.push(Candidate::new(s, e, Kind::Phone));
                at += 1;
            }
        }
        i += 1;
    }
}

/// Separators allowed between two digit groups, after folding tabs and
/// no-break spaces to spaces and runs of spaces to one.
fn separator_ok(raw: &str) -> bool {
    let mut norm = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if c == '\t' || c == '\u{A0}' { ' ' } else { c };
        if c == ' ' && norm.ends_with(' ') {
            continue;
        }
        norm.push(c);
    }
    matches!(
        norm.as_str(),
        " " | "-" | "." | " (" | ") " | ")" | "(" | ")-" | "-(" | ") -"
    ) && raw.len() <= 4
}

/// Splits a run at separators no phone number uses (`. `, `--`, ...).
fn split_run(text: &str, start: usize, end: usize) -> Vec<Vec<Group>> {
    let run = &text[start..end];
    let mut subs: Vec<Vec<Group>> = Vec::new();
    let mut cur: Vec<Group> = Vec::new();
    let mut i = 0;
    let bytes = run.as_bytes();
    let mut prev_end: Option<usize> = None; // end of previous group, in run
    let first_digit = run.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let gs = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let lead = match prev_end {
                None => start + leading_prefix(run, first_digit),
                Some(pe) => {
                    // Include an opening parenthesis right before the group.
                    let sep = &run[pe..gs];
                    if !separator_ok(sep) {
                        if !cur.is_empty() {
                            subs.push(std::mem::take(&mut cur));
                        }
                        start + gs
                    } else if sep.ends_with('(') {
                        start + gs - 1
                    } else {
                        start + gs
                    }
                }
            };
            cur.push(Group {
                start: start + gs,
                end: start + i,
                lead,
            });
            prev_end = Some(i);
        } else {
            i += 1;
        }
    }
    if !cur.is_empty() {
        subs.push(cur);
    }
    subs
}

/// Offset (in `run`) where the first group's window starts: a `+` and/or
/// `(` right before the first digit.
fn leading_prefix(run: &str, first_digit: usize) -> usize {
    let pre = &run[..first_digit];
    let trimmed = pre.trim_start_matches(|c: char| c != '+' && c != '(');
    first_digit - trimmed.len()
}

fn left_ok(text: &str, at: usize) -> bool {
    match prev_char(text, at) {
        None => true,
        Some(c) if is_word(c) => false,
        Some(
            '.' | '-' | '/' | '\\' | '@' | '#' | '$' | '€' | '£' | '%' | '&' | '\'' | '°' | '='
            | ']',
        ) => false,
        Some(':' | ',' | ')') => {
            let before = floor_boundary(text, at.saturating_sub(1));
            !prev_char(text, before).is_some_and(|c| c.is_ascii_digit() || c == ']')
        }
        Some(_) => true,
    }
}

fn right_ok(text: &str, at: usize) -> bool {
    let mut chars = text[at..].chars();
    let Some(c) = chars.next() else { return true };
    if is_word(c) || matches!(c, '%' | '°' | '′' | '″' | '@' | '\\' | '_' | '[') {
        return false;
    }
    // A placeholder may stand where digits were: "0958-[PRIVATE_IP]".
    let followed_by_digit = chars.next().is_some_and(|d| d.is_ascii_digit() || d == '[');
    // ")" then digits (or their placeholder) continues something else:
    // "4405)52D.h.lan" is no phone before or after the host is replaced.
    if matches!(c, ':' | ',' | '/' | '.' | '-' | '\'' | ')') && followed_by_digit {
        return false;
    }
    !trailer(text, at)
}

fn scan(text: &str, groups: &[Group], protected: &Intervals, out: &mut Vec<Candidate>) {
    let n = groups.len();
    let mut i = 0;
    while i < n {
        let start_ok = if i == 0 {
            left_ok(text, groups[0].lead)
        } else {
            // Start inside a run only after a space: "2024-05-17 0044 ...".
            text[groups[i - 1].end..groups[i].lead].contains([' ', '\t', '\u{A0}'])
        };
        let mut accepted = None;
        if start_ok {
            let max_j = n.min(i + 15);
            for j in (i + 1..=max_j).rev() {
                let end_ok = if j == n {
                    right_ok(text, groups[j - 1].end)
                } else {
                    let sep = &text[groups[j - 1].end..groups[j].lead];
                    let blank = |t: &str| t.chars().all(|c| c == ' ' || c == '\t' || c == '\u{A0}');
                    // A closing parenthesis then a space ends a number as
                    // well as the end of the run does ("call 0010000000) or"):
                    // otherwise what follows decides, and a second pass over
                    // the scrubbed text could find what the first did not.
                    let closes = sep
                        .strip_prefix(')')
                        .is_some_and(|rest| !rest.is_empty() && blank(rest));
                    (blank(sep) || closes) && !trailer(text, groups[j - 1].end)
                };
                if end_ok && window_ok(text, &groups[i..j], protected) {
                    accepted = Some(j);
                    break;
                }
            }
        }
        match accepted {
            Some(j) => {
                let mut start = groups[i].lead;
                let mut end = groups[j - 1].end;
                // "(+44 20 7946 0958)": the parentheses are punctuation.
                if text[start..].starts_with('(') && !text[start..end].contains(')') {
                    start += 1;
                }
                end = close_paren(text, end, start);
                if let Some(x) = EXTENSION.find(&text[end..])
                    && !protected.overlaps(end, end + x.end())
                {
                    end += x.end();
                }
                out.push(Candidate::new(start, end, Kind::Phone));
                i = j;
            }
            None => i += 1,
        }
    }
}

/// Extends the end over a closing parenthesis that belongs to the number.
fn close_paren(text: &str, end: usize, start: usize) -> usize {
    if next_char(text, end) == Some(')')
        && text[start..end].matches('(').count() > text[start..end].matches(')').count()
    {
        end + 1
    } else {
        end
    }
}

fn window_ok(text: &str, groups: &[Group], protected: &Intervals) -> bool {
    let start = groups[0].lead;
    let end = groups[groups.len() - 1].end;
    if protected.overlaps(start, end) {
        return false;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.end - g.start).collect();
    let digits: usize = lens.iter().sum();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let seps: Vec<&str> = groups
        .windows(2)
        .map(|w| text[w[0].end..w[1].lead].trim_end_matches('('))
        .collect();
    let all_dots = !seps.is_empty() && seps.iter().all(|s| *s == ".");
    // 10.20.30.40-like: leave dotted quads to the IP detector.
    if all_dots && groups.len() == 4 && lens.iter().all(|&l| l <= 3) {
        return false;
    }
    let first = &text.as_bytes()[groups[0].start..groups[0].end];
    let plus = text[start..groups[0].start].contains('+');
    if plus {
        return digits >= 8 && first[0] != b'0';
    }
    // 00 international prefix, then a country code.
    if first.len() >= 3 && first[0] == b'0' && first[1] == b'0' && first[2] != b'0' {
        return digits >= 10;
    }
    if first.len() == 2 && first == b"00" && groups.len() > 1 {
        return digits >= 10;
    }
    let dateish = groups.len() == 3
        && seps.iter().all(|s| *s == seps[0])
        && matches!(seps[0], "-" | "." | "/")
        && matches!(
            (lens[0], lens[1], lens[2]),
            (4, 1 | 2, 1 | 2) | (1 | 2, 1 | 2, 2 | 4)
        );
    if dateish {
        return false;
    }
    if has_cue(text, start) {
        return true;
    }
    // A Chinese mobile, 1[3-9]x xxxx xxxx: eleven digits no count or
    // order number is grouped like.
    if lens == [3, 4, 4] && first[0] == b'1' && (b'3'..=b'9').contains(&first[1]) {
        return !seps.iter().any(|s| s.is_empty() || s.contains('.'));
    }
    // An area code in parentheses and a hyphenated local number, as in
    // Brazil and much of Latin America: "(13) 3211-9080".
    if text[start..].starts_with('(')
        && (2..=4).contains(&lens[0])
        && lens.len() >= 3
        && lens[lens.len() - 1] == 4
        && seps.last().is_some_and(|s| *s == "-")
        && (9..=12).contains(&digits)
    {
        return true;
    }
    // North American 3-3-4, optionally with a leading 1.
    let nanp = match lens.as_slice() {
        [3, 3, 4] => first[0] >= b'2',
        [1, 3, 3, 4] => first == b"1",
        _ => false,
    };
    if nanp && !seps.iter().any(|s| s.is_empty()) {
        return true;
    }
    // National numbers with a trunk 0 (not 00).
    if first[0] == b'0' && first.get(1).is_some_and(|&d| d != b'0') || first == b"0" {
        if groups.len() == 1 {
            return (10..=11).contains(&digits);
        }
        if (9..=12).contains(&digits) {
            // Dots only in the French 2-2-2-2-2 layout.
            return !seps.iter().any(|s| s.contains('.'))
                || (all_dots && lens.iter().all(|&l| l == 2));
        }
    }
    false
}

fn has_cue(text: &str, at: usize) -> bool {
    let from = floor_boundary(text, at.saturating_sub(48));
    let before = &text[from..at];
    // Stay on the same line.
    let before = before.rsplit('\n').next().unwrap_or(before);
    CUE.is_match(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn phones(text: &str) -> Vec<&str> {
        let prot = protect::spans(text, &[]);
        let mut out = Vec::new();
        detect(text, &prot, &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn international_formats() {
        for (t, want) in [
            ("call +44 20 7946 0958 now", "+44 20 7946 0958"),
            ("ring +1 (555) 010-4477.", "+1 (555) 010-4477"),
            ("on +30 210 123 4567", "+30 210 123 4567"),
            ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
            ("+7 495 123-45-67", "+7 495 123-45-67"),
            ("dial 0030 210 1234567", "0030 210 1234567"),
            ("+4915112345678", "+4915112345678"),
            ("+1-202-555-0143", "+1-202-555-0143"),
            ("(+44) 20 7946 0958", "(+44) 20 7946 0958"),
        ] {
            assert_eq!(phones(t), vec![want], "in {t:?}");
        }
    }

    #[test]
    fn national_formats_and_cues() {
        for (t, want) in [
            ("office 020 7946 0958 today", "020 7946 0958"),
            ("(020) 7946 0958", "(020) 7946 0958"),
            ("mobile 07700 900123", "07700 900123"),
            ("07700900123", "07700900123"),
            ("US desk 555-010-4477", "555-010-4477"),
            ("Tel: 2345 6789", "2345 6789"),
            ("WhatsApp 912 345 678", "912 345 678"),
            ("T: 31 20 555 0101", "31 20 555 0101"),
            ("01.23.45.67.89", "01.23.45.67.89"),
            ("555.123.4567", "555.123.4567"),
        ] {
            assert_eq!(phones(t), vec![want], "in {t:?}");
        }
    }

    #[test]
    fn traps_are_not_phones() {
        for t in [
            "on 2024-05-17 at 14:32",
            "17.05.2024 14:32:10 UTC",
            "position 12°34.5'N 045°12.3'E",
            "version 10.2.3 and 10.2.3.4",
            "beacon to 185.220.101.4:443",
            "CVE-2023-12345 and CVE-2021-44228",
            "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "LockBit 3.0 demanded 250000 USD",
            "port 8080 and port 3389",
            "IMO 9321483 MMSI 235012345",
            "cargo 1 250 000 tonnes",
            "20240517 143210",
            "order 123456789",
            "43.2965, 28.0124",
            "at 2024-05-17T14:32:10+03:00",
        ] {
            assert_eq!(phones(t), Vec::<&str>::new(), "in {t:?}");
        }
    }

    #[test]
    fn phone_after_a_date_or_before_a_trailer() {
        assert_eq!(
            phones("2024-05-17 0044 20 7946 0958"),
            vec!["0044 20 7946 0958"]
        );
        assert_eq!(
            phones("Tel +44 20 7946 0958 14 May"),
            vec!["+44 20 7946 0958"]
        );
        assert_eq!(
            phones("at 14:32 +44 20 7946 0958"),
            vec!["+44 20 7946 0958"]
        );
        assert_eq!(phones("Tel 020 7946 0958. 12 crew"), vec!["020 7946 0958"]);
    }

    #[test]
    fn cues_in_other_languages_and_extensions() {
        for (t, want) in [
            ("Τηλ. 210 4290 615, κιν.", "210 4290 615"),
            ("tlf. 62 53 11 90\n", "62 53 11 90"),
            ("Тел.: 8 812 123-45-67", "8 812 123-45-67"),
            ("电话：021-5869 3312", "021-5869 3312"),
            ("手机：139 1652 8807", "139 1652 8807"),
            ("tel. 91 434 51 00 wew. 23", "91 434 51 00 wew. 23"),
            ("Tel (02) 8527 1190 loc. 214", "(02) 8527 1190 loc. 214"),
            ("CEP 11013-161\n(13) 3211-9080 - x@y.br", "(13) 3211-9080"),
            ("contato 138 1772 6653\n", "138 1772 6653"),
        ] {
            assert_eq!(phones(t), vec![want], "in {t:?}");
        }
    }

    #[test]
    fn a_label_letter_after_a_number_is_no_unit() {
        assert_eq!(
            phones("T +65 6221 4807  M +65 9178 3320"),
            vec!["+65 6221 4807", "+65 9178 3320"]
        );
        assert_eq!(
            phones("T: +90 212 249 66 30  M: +90 533 418 27 09"),
            vec!["+90 212 249 66 30", "+90 533 418 27 09"]
        );
        // A unit is still a unit.
        assert_eq!(phones("Tel 020 7946 0958 12 m"), vec!["020 7946 0958"]);
    }
}
