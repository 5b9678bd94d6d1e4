//! Bank accounts: IBANs, recognised by their shape and their ISO 13616
//! check digits (mod 97), so a reference number that merely looks like one
//! stays. Written grouped by four or run together, in upper or lower case.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::Candidate;

/// A country code, two check digits and the account: run together, or
/// in groups of four separated by single spaces (the last group shorter).
/// `detect` trims trailing groups until the check digits hold, for a
/// pattern that took a short word after the number.
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)[a-z]{2}[0-9]{2}(?:[a-z0-9]{11,30}|(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?)(?-u:\b)",
    )
    .expect("IBAN pattern compiles")
});

/// The shortest and longest IBANs any country issues (Norway 15, Saint
/// Lucia 32; the standard allows 34).
const SHORTEST: usize = 15;
const LONGEST: usize = 34;

/// Whether `candidate` (spaces allowed) is an IBAN with valid check digits.
#[must_use]
pub fn iban_ok(candidate: &str) -> bool {
    let compact: Vec<u8> = candidate
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(SHORTEST..=LONGEST).contains(&compact.len())
        || !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
        || !compact.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    // The check runs over the number with its first four characters moved
    // to the end, letters as 10..=35, taken modulo 97 digit by digit.
    let mut remainder: u32 = 0;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// Valid check digits are strong evidence, like an e-mail address: an
/// IBAN is removed even inside a protected span (a payment URL).
pub(crate) fn detect(text: &str, out: &mut Vec<Candidate>) {
    for found in IBAN.find_iter(text) {
        let start = found.start();
        let mut end = found.end();
        // Trim trailing groups until the check digits hold (or too short).
        loop {
            let candidate = &text[start..end];
            if iban_ok(candidate) {
                out.push(Candidate::new(start, end, Kind::BankAccount));
                break;
            }
            match candidate.rfind(' ') {
                Some(space) if space > 4 => end = start + space,
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        detect(text, &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn check_digits_decide() {
        assert!(iban_ok("DE89 3704 0044 0532 0130 00"));
        assert!(iban_ok("GB82WEST12345698765432"));
        assert!(iban_ok("NO9386011117947"));
        assert!(iban_ok("gr16 0110 1250 0000 0001 2300 695"));
        assert!(
            !iban_ok("DE88 3704 0044 0532 0130 00"),
            "one check digit off"
        );
        assert!(!iban_ok("DE89 3704"), "too short");
    }

    #[test]
    fn ibans_are_found_grouped_or_not_and_words_after_them_stay() {
        assert_eq!(
            found("pay to DE89 3704 0044 0532 0130 00 TO the account"),
            vec!["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            found("new IBAN: GB82WEST12345698765432."),
            vec!["GB82WEST12345698765432"]
        );
        assert_eq!(
            found("Kontonr NO93 8601 1117 947, takk"),
            vec!["NO93 8601 1117 947"]
        );
        assert_eq!(
            found("pay to DE67 AA00 00AA AAA0 0000 H today"),
            vec!["DE67 AA00 00AA AAA0 0000 H"]
        );
    }

    #[test]
    fn lookalikes_stay() {
        assert!(found("ticket AB12 3456 7890 1234 5678 raised").is_empty());
        assert!(found("part no. XY99ABCDEFGHIJKLMNO").is_empty());
    }
}
