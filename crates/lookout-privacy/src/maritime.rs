//! Ship identifiers: IMO numbers, MMSIs and radio call signs.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, floor_boundary, next_char, prev_char, word_at};
use crate::words;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("maritime pattern compiles")
}

/// What may stand between `IMO`/`MMSI` and the number: "no.", "nº",
/// "number", "#", and the word for "number" in the languages reports come
/// in ("IMO-nummer", "IMO番号", "IMO编号", "MMSI 번호", "номер ИМО" is
/// not covered).
const NUMBER_WORD: &str = r"(?:[\s-]*(?:no\.?|n[º°o]\.?|№|numbers?|nr\.?|\#|id|nummer|número|numero|numéro|番号|编号|編號|号码|번호|номер|αριθμός))?";

static IMO: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?-u:\b)IMO{NUMBER_WORD}(?:\s+[a-z]+){{0,6}}?\s*[:：=(（\#\-]?\s*(\d{{7}})(?-u:\b)"
    ))
});
static IMO_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:,|/|&|(?-u:\b)and(?-u:\b)|(?-u:\b)or(?-u:\b))\s*(?:IMO\s*)?(\d{7})(?-u:\b)")
});
/// A seven-digit number in parentheses right after a name ("SETO GLORY
/// (9210634)", "«Zwaantje» (9705677)"): an IMO number when its check
/// digit is right and it starts like one (ships have been numbered from
/// 5000000 upwards; today's fleet is 7, 8 and 9 million).
static IMO_BARE: LazyLock<Regex> =
    LazyLock::new(|| re(r"[\p{L}»”\x22'’」』]\s?[(（]\s*([5-9]\d{6})\s*[)）]"));

static MMSI: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?-u:\b)MMSIs?{NUMBER_WORD}(?:\s+[a-z]+){{0,6}}?\s*[:：=(（\#\-]?\s*(\d{{9}}|\d{{3}}[ \-]\d{{3}}[ \-]\d{{3}})(?-u:\b)"
    ))
});
static MMSI_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:,|/|&|(?-u:\b)and(?-u:\b)|(?-u:\b)or(?-u:\b))\s*(?:MMSI\s*)?(\d{9})(?-u:\b)")
});
/// A nine-digit number with a ship's MID (2xx–7xx) right after an AIS
/// word ("AIS target 538007123", "targets, 538007123 and 311000456").
static AIS_MMSI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:AIS(?:\s+(?:target|contact|track|id|identity))?|targets?|contacts?|tracks?|transponder)\s*[:,#]?\s*([2-7]\d{8})(?-u:\b)",
    )
});
static AIS_MMSI_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:,|/|&|(?-u:\b)and(?-u:\b)|(?-u:\b)or(?-u:\b))\s*([2-7]\d{8})(?-u:\b)")
});

/// Words for "call sign" in the languages reports come in. Bare
/// `signal`/`señal` is too common; it counts only with its qualifier.
static CALLSIGN: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?ix:
            (?-u:\b)(?:call[\s\-]?signs?|call\s+letters|signal\s+letters|c/s|c\.s\.
              |roepnaam|roepletters|roepteken|rufzeichen|funkrufzeichen|kaldesignal|kallesignal
              |anropssignal|kutsutunnus|radiokutsu|znak\s+wywoławczy|sygnał\s+wywoławczy
              |distintivo(?:\s+de\s+llamada)?|señal\s+distintiva|señal(?:\s+de\s+llamada)?
              |indicativo(?:\s+de\s+chamada)?|indicatif(?:\s+d['’]appel)?|nominativo
              |hô\s+hiệu|tanda\s+panggilan|tanda\s+panggil)(?-u:\b)
            | çağrı\s+işareti(?:si)?
            | позывно(?:й|го|м)(?:\s+сигнал)?|позивний|позивного|радиопозывной
            | διακριτικ(?:ό|ού|ά)(?:\s+σήμα)?|Δ\.Σ\.|Ι\.Σ\.
            | 호출\s?부호|呼出符号|呼出名称|船舶呼号|呼号
        )(?:\s+(?:is|was|of|de|des|do|da|del))?\s*[:：=\-]?\s*["'“‘«(（]?([A-Z0-9]{3,8})(?-u:\b)"#)
});
static CALLSIGN_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:,|/|&|(?-u:\b)and(?-u:\b)|(?-u:\b)or(?-u:\b))\s*([A-Z0-9]{3,8})(?-u:\b)")
});

/// The IMO check: the first six digits weighted 7, 6, 5, 4, 3, 2; the last
/// digit of the sum is the seventh digit.
#[must_use]
pub fn imo_checksum_ok(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 7 || digits.len() != 7 {
        return false;
    }
    let sum: u32 = d[..6]
        .iter()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(a, w)| a * w)
        .sum();
    sum % 10 == d[6]
}

// Between the cue and the number only plain words may stand ("the MMSI
// of our vessel (218765430)"): a gap that held anything else could change
// once that was replaced, and scrubbing would stop being idempotent.

/// Runs `first`, then `more` repeatedly from the end of each match, so that
/// "IMO 9321483 and 9234567" yields both numbers.
fn with_list(
    text: &str,
    first: &Regex,
    more: &Regex,
    mut accept: impl FnMut(usize, usize, &str) -> bool,
) {
    for caps in first.captures_iter(text) {
        let m = caps.get(1).expect("group 1 always participates");
        if !accept(m.start(), m.end(), m.as_str()) {
            continue;
        }
        let mut at = m.end();
        while let Some(c) = more.captures(&text[at..]) {
            let n = c.get(1).expect("group 1 always participates");
            let (s, e) = (at + n.start(), at + n.end());
            if !accept(s, e, n.as_str()) {
                break;
            }
            at = e;
        }
    }
}

/// A separator inside a ship's identity line: "IMO 9211391, AUGY, MMSI
/// 419000561", "IMO 9187590 / UBFG6 / 273441980", "| 3FQL2 |", two spaces.
const SEP: &str = r"(?:[ \t]*[,/|;][ \t]*|[ \t]+[-–—][ \t]+|[ \t]{2,})";

static NEXT_ITEM: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^{SEP}([A-Za-z0-9]{{3,9}})(?-u:\b)")));
static PREV_ITEM: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?-u:\b)([A-Za-z0-9]{{3,9}}){SEP}$")));

/// Four-letter words in capitals that stand in identity lines and are not
/// call signs: flags and field names.
const NOT_CALLSIGN: &[&str] = &[
    "PERU", "CUBA", "IRAN", "IRAQ", "OMAN", "CHAD", "FIJI", "TOGO", "MALI", "LAOS", "GUAM", "NIUE",
    "FLAG", "TYPE", "NAME", "SHIP", "BULK", "TANK", "OPEN", "HULL", "YEAR", "PORT", "CREW", "LINE",
    "DATE", "TIME", "FROM", "SENT", "MMSI", "IMO", "IMEI", "BUILT",
];

/// The shape of a ship's call sign: three to seven capitals and digits
/// with at least two letters; all-letter ones are four letters long
/// ("PBVZ"), longer words in capitals are names or flags.
fn callsign_shape(token: &str) -> bool {
    let b = token.as_bytes();
    let letters = b.iter().filter(|c| c.is_ascii_uppercase()).count();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    (3..=7).contains(&b.len())
        && letters + digits == b.len()
        && letters >= 2
        && (digits > 0 || b.len() == 4)
        && !words::is_acronym(token)
        && !words::is_stop(token)
        && !NOT_CALLSIGN.contains(&token)
}

/// A nine-digit number that can be a ship's MMSI (a country's MID, 2xx–7xx).
fn ship_mmsi_shape(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 9 && b.iter().all(u8::is_ascii_digit) && (b'2'..=b'7').contains(&b[0])
}

/// What stands next to an IMO number or MMSI in an identity line, on the
/// same line: a call sign or an MMSI, without their own cue words.
fn neighbours(text: &str, anchor: (usize, usize), protected: &Intervals, out: &mut Vec<Candidate>) {
    let classify = |token: &str| {
        if ship_mmsi_shape(token) {
            Some(Kind::Mmsi)
        } else if callsign_shape(token) {
            Some(Kind::Callsign)
        } else {
            None
        }
    };
    let mut at = anchor.1;
    while let Some(c) = NEXT_ITEM.captures(&text[at..]) {
        let m = c.get(1).expect("group 1 always participates");
        let (s, e) = (at + m.start(), at + m.end());
        // "Flag: ..." is a field name, not a value.
        let label = matches!(next_char(text, e), Some(':' | '：'));
        match classify(m.as_str()) {
            Some(kind) if !label && !protected.overlaps(s, e) => {
                out.push(Candidate::new(s, e, kind));
                at = e;
            }
            _ => break,
        }
    }
    let mut at = anchor.0;
    loop {
        let from = floor_boundary(text, at.saturating_sub(24));
        let Some(c) = PREV_ITEM.captures(&text[from..at]) else {
            break;
        };
        let m = c.get(1).expect("group 1 always participates");
        let (s, e) = (from + m.start(), from + m.end());
        // The window may cut a word: the token must start one.
        if s == from && from > 0 && word_at(prev_char(text, s)) {
            break;
        }
        match classify(m.as_str()) {
            Some(kind) if !protected.overlaps(s, e) => {
                out.push(Candidate::new(s, e, kind));
                at = s;
            }
            _ => break,
        }
    }
}

pub(crate) fn detect(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    with_list(text, &IMO, &IMO_MORE, |s, e, digits| {
        let ok = imo_checksum_ok(digits) && !protected.overlaps(s, e);
        if ok {
            out.push(Candidate::new(s, e, Kind::Imo));
        }
        ok
    });
    for caps in IMO_BARE.captures_iter(text) {
        let m = caps.get(1).expect("group 1 always participates");
        if imo_checksum_ok(m.as_str()) && !protected.overlaps(m.start(), m.end()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::Imo));
        }
    }
    with_list(text, &MMSI, &MMSI_MORE, |s, e, digits| {
        let ok = mmsi_ok(digits) && !protected.overlaps(s, e);
        if ok {
            out.push(Candidate::new(s, e, Kind::Mmsi));
        }
        ok
    });
    with_list(text, &AIS_MMSI, &AIS_MMSI_MORE, |s, e, _| {
        let ok = !protected.overlaps(s, e);
        if ok {
            out.push(Candidate::new(s, e, Kind::Mmsi));
        }
        ok
    });
    with_list(text, &CALLSIGN, &CALLSIGN_MORE, |s, e, token| {
        let ok = token.bytes().any(|b| b.is_ascii_alphabetic())
            && !words::is_acronym(token)
            && !words::is_stop(token)
            && !protected.overlaps(s, e);
        if ok {
            out.push(Candidate::new(s, e, Kind::Callsign));
        }
        ok
    });
    // Identity lines: the neighbours of each IMO number and MMSI found
    // with its cue word.
    let mut anchors = Vec::new();
    for caps in IMO.captures_iter(text) {
        let (m0, m1) = (caps.get(0), caps.get(1));
        if let (Some(m0), Some(m1)) = (m0, m1)
            && imo_checksum_ok(m1.as_str())
        {
            anchors.push((m0.start(), m1.end()));
        }
    }
    for caps in MMSI.captures_iter(text) {
        let (m0, m1) = (caps.get(0), caps.get(1));
        if let (Some(m0), Some(m1)) = (m0, m1)
            && mmsi_ok(m1.as_str())
        {
            anchors.push((m0.start(), m1.end()));
        }
    }
    for a in anchors {
        neighbours(text, a, protected, out);
    }
}

/// An MMSI of a ship or a station, not a placeholder ("000000000") nor a
/// device that identifies no ship: AIS-SART, MOB and EPIRB beacons (97x),
/// craft associated with a parent ship (98x), aids to navigation (99x) and
/// SAR aircraft (111): spoofed ones of these are indicators.
fn mmsi_ok(digits: &str) -> bool {
    let b: Vec<u8> = digits.bytes().filter(u8::is_ascii_digit).collect();
    let Some(&first) = b.first() else {
        return false;
    };
    !b.iter().all(|&d| d == first) && first != b'9' && !b.starts_with(b"111")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let prot = protect::spans(text, &[]);
        let mut out = Vec::new();
        detect(text, &prot, &mut out);
        let mut v: Vec<_> = out
            .iter()
            .map(|c| (c.kind, c.start, &text[c.start..c.end]))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(|(k, _, s)| (k, s)).collect()
    }

    #[test]
    fn imo_checksum() {
        assert!(imo_checksum_ok("9321483"));
        assert!(imo_checksum_ok("9074729"));
        assert!(!imo_checksum_ok("9321484"));
        assert!(!imo_checksum_ok("932148"));
        assert!(!imo_checksum_ok("93214830"));
    }

    #[test]
    fn imo_numbers_need_a_valid_check_digit() {
        assert_eq!(found("IMO 9321483"), vec![(Kind::Imo, "9321483")]);
        assert_eq!(found("IMO no. 9321483."), vec![(Kind::Imo, "9321483")]);
        assert_eq!(found("(IMO9321483)"), vec![(Kind::Imo, "9321483")]);
        assert_eq!(
            found("IMO numbers 9321483 and 9074729"),
            vec![(Kind::Imo, "9321483"), (Kind::Imo, "9074729")]
        );
        assert!(found("IMO 9321484").is_empty());
        assert!(found("IMO 2020 sulphur cap").is_empty());
    }

    #[test]
    fn mmsi() {
        assert_eq!(found("MMSI 235012345"), vec![(Kind::Mmsi, "235012345")]);
        assert_eq!(
            found("MMSI: 636 012 345"),
            vec![(Kind::Mmsi, "636 012 345")]
        );
        assert_eq!(
            found("AIS showed two targets, 538007123 and 311000456."),
            vec![(Kind::Mmsi, "538007123"), (Kind::Mmsi, "311000456")]
        );
        assert!(found("invoice 538007123 was paid").is_empty());
    }

    #[test]
    fn call_signs() {
        assert_eq!(
            found("call sign 9HA2345"),
            vec![(Kind::Callsign, "9HA2345")]
        );
        assert_eq!(found("Callsign: C6AB7."), vec![(Kind::Callsign, "C6AB7")]);
        assert_eq!(found("C/S V7XY9"), vec![(Kind::Callsign, "V7XY9")]);
        assert_eq!(found("callsign is GBTT"), vec![(Kind::Callsign, "GBTT")]);
        assert!(found("the call sign was not heard on VHF").is_empty());
        assert!(found("call sign VHF").is_empty());
    }

    #[test]
    fn imo_in_other_forms() {
        for t in [
            "IMO番号：9712034",
            "IMO nº 9260110",
            "IMO-nummer 9321483",
            "IMO# 9321483",
            "IMO no.9321483",
            "IMO编号 9321483",
            "IMO №9321483",
            "SETO GLORY (9321483)",
            "«Zwaantje» (9321483)",
        ] {
            let got: Vec<&str> = found(t).into_iter().map(|(_, s)| s).collect();
            assert_eq!(got.len(), 1, "{t}: {got:?}");
            assert!(got[0].len() == 7, "{t}: {got:?}");
        }
        // Wrong check digit, or not right after a name.
        assert!(found("SETO GLORY (9321484)").is_empty());
        assert!(found("paid 1 250 (9321483)").is_empty());
    }

    #[test]
    fn call_signs_in_other_languages() {
        for (t, cs) in [
            ("позывной UBKR4, MMSI", "UBKR4"),
            ("позивний D5RV7,", "D5RV7"),
            ("roepnaam PBVZ)", "PBVZ"),
            ("znak wywoławczy SPRW", "SPRW"),
            ("Rufzeichen DGQT2.", "DGQT2"),
            ("kallesignal LAVM6", "LAVM6"),
            ("distintivo de llamada 3FKL9", "3FKL9"),
            ("호출부호 DTBK3", "DTBK3"),
            ("呼出符号：7JQR", "7JQR"),
            ("διακριτικό SVBN4", "SVBN4"),
            ("çağrı işareti TCA5312", "TCA5312"),
            ("hô hiệu 3WDN7", "3WDN7"),
        ] {
            assert_eq!(found(t), vec![(Kind::Callsign, cs)], "{t}");
        }
    }

    #[test]
    fn identity_lines() {
        assert_eq!(
            found("MT Kalpataru (IMO 9211391, AUGY, MMSI 419000561)"),
            vec![
                (Kind::Imo, "9211391"),
                (Kind::Mmsi, "419000561"),
                (Kind::Callsign, "AUGY")
            ]
        );
        assert_eq!(
            found("MV Sibirskiy Bereg / IMO 9187590 / UBFG6 / 273441980"),
            vec![
                (Kind::Imo, "9187590"),
                (Kind::Mmsi, "273441980"),
                (Kind::Callsign, "UBFG6")
            ]
        );
        assert_eq!(
            found("MASTER MV KAPITAN SVIRIDOV  UBPJ5  IMO 9692222"),
            vec![(Kind::Imo, "9692222"), (Kind::Callsign, "UBPJ5")]
        );
        for t in [
            "IMO 9321483, LNG carrier",
            "IMO 9321483 / PANAMA / built 2004",
            "IMO 9321483, FLAG: MALTA, DWT 50000",
            "MMSI 235012345, SOG 12, ETA 14:00",
        ] {
            let got = found(t);
            assert!(
                got.iter().all(|(k, _)| matches!(k, Kind::Imo | Kind::Mmsi)),
                "{t}: {got:?}"
            );
        }
    }

    #[test]
    fn beacons_and_aids_are_not_ship_mmsis() {
        assert!(found("AIS-SART (MMSI 970123456, 970123457)").is_empty());
        assert!(found("MMSI 999888777 and MMSI 111234567").is_empty());
        assert_eq!(found("MMSI：431582000"), vec![(Kind::Mmsi, "431582000")]);
    }
}
