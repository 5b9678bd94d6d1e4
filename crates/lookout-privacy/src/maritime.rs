//! Ship identifiers: IMO numbers, MMSIs and radio call signs.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};
use crate::words;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("maritime pattern compiles")
}

static IMO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)IMO(?:\s*(?:no\.?|numbers?|nr\.?|\#|id))?(?:\s+[a-z]+){0,6}?\s*[:=(\#\-]?\s*(\d{7})(?-u:\b)",
    )
});
static IMO_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:,|/|&|(?-u:\b)and(?-u:\b)|(?-u:\b)or(?-u:\b))\s*(?:IMO\s*)?(\d{7})(?-u:\b)")
});

static MMSI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)MMSIs?(?:\s*(?:no\.?|numbers?|nr\.?|\#|id))?(?:\s+[a-z]+){0,6}?\s*[:=(\#\-]?\s*(\d{9}|\d{3}[ \-]\d{3}[ \-]\d{3})(?-u:\b)",
    )
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

static CALLSIGN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i:(?-u:\b)(?:call[\s\-]?signs?|c/s)(?-u:\b))(?:\s+(?:is|was|of))?\s*[:=\-]?\s*["'“‘(]?([A-Z0-9]{3,8})(?-u:\b)"#,
    )
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

pub(crate) fn detect(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    with_list(text, &IMO, &IMO_MORE, |s, e, digits| {
        let ok = imo_checksum_ok(digits) && !protected.overlaps(s, e);
        if ok {
            out.push(Candidate::new(s, e, Kind::Imo));
        }
        ok
    });
    with_list(text, &MMSI, &MMSI_MORE, |s, e, digits| {
        // "set to 000000000": a placeholder value, not a station.
        let first = digits.as_bytes()[0];
        let ok = !digits.bytes().all(|b| b == first || b == b' ' || b == b'-')
            && !protected.overlaps(s, e);
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
}
