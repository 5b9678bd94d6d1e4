//! Bank accounts: IBANs, recognised by their shape and their ISO 13616
//! check digits (mod 97), so a reference number that merely looks like one
//! stays. Written grouped by four or run together, in upper or lower case.
//!
//! National account numbers have no shape of their own: they are found
//! only after a cue ("A/C no.", "Konto", "cuenta", "счёт", "账号"), as
//! digit groups joined by spaces, dashes or (Chilean RUT) dots.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, prev_char};

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

/// An IBAN in upper case with irregular groups ("UA67 515799
/// 4784753683155056963"): the check digits keep this safe.
static IBAN_LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: [A-Z0-9]{1,30}){1,8}(?-u:\b)")
        .expect("loose IBAN pattern compiles")
});

/// A cue for a national account number, then at most two short words
/// (a bank's name, "no.", "is") before the number. Digit groups are
/// joined by one space, dash or dot; at least six digits in all.
static ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:
            (?-u:\b)(?:a/c|acct|acc|account|accounts|bank\s?account|bankkonto|konto(?:nummer|nr)?
               |kontonummer|rekening(?:nummer)?|cuenta(?:\s+(?:corriente|rut|de\s+ahorros?))?
               |conta(?:\s+corrente)?|c/c|hesap(?:\s+numarası)?|rachunku|rachunek|numer\s+konta
               |compte|conto|iban)
          | bank(?:en|a)?(?-u:\b)
          | (?:сч[её]т[аеу]?|рахун(?:ок|ку)|λογαριασμ[α-ωά-ώ]*|账号|账户|帳號|帳戶|口座番号|口座)
        )
        (?:[\ \t]*(?:no\.?|nr\.?|number|n[°º]\.?|\#|:|=|is|was|of|at|in|в|на|\(|,|，|：)){0,4}
        (?:[\ \t]+[\p{L}][\p{L}\p{M}.&'-]{0,20}){0,2}?
        [\ \t]*[:：(]?[\ \t]*
        (\d{1,2}\.\d{3}\.\d{3}-[\dkK]|\d+(?:[\ \-]\d+){0,5})(?-u:\b)",
    )
    .expect("account pattern compiles")
});

/// A Chilean RUT, dotted like a version number (which `protect` keeps).
static RUT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}\.\d{3}\.\d{3}-[\dkK]$").expect("RUT pattern compiles"));

/// Words that say the number after a cue is an amount or a count.
static NOT_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)(?-u:\b)(?:usd|eur|gbp|inr|php|pln|nok|dkk|sek|try|tl|rub|uah|cny|rmb|jpy|brl|clp|ngn|aed|sgd|hkd|us\$|rs\.?|for|since|from|until|manager|holder|name|dated?|tel|phone|hotline|call|fax|mobile|swift|bic|sort)(?-u:\b)|[$€£¥₹]",
    )
    .expect("non-account pattern compiles")
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
    let mut found_at: Vec<(usize, usize)> = Vec::new();
    for found in IBAN.find_iter(text).chain(IBAN_LOOSE.find_iter(text)) {
        let start = found.start();
        let mut end = found.end();
        // Trim trailing groups until the check digits hold (or too short).
        loop {
            let candidate = &text[start..end];
            if iban_ok(candidate) {
                if !found_at.contains(&(start, end)) {
                    found_at.push((start, end));
                    out.push(Candidate::new(start, end, Kind::BankAccount));
                }
                break;
            }
            match candidate.rfind(' ') {
                Some(space) if space > 4 => end = start + space,
                _ => break,
            }
        }
    }
}

/// National account numbers after their cue. Shape-based, so protected
/// spans (dates, times, coordinates, IP addresses) are left alone.
pub(crate) fn accounts(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    for found in ACCOUNT.captures_iter(text) {
        let (Some(all), Some(value)) = (found.get(0), found.get(1)) else {
            continue;
        };
        let digits = value.as_str().bytes().filter(u8::is_ascii_digit).count();
        let between = &text[all.start()..value.start()];
        if !(6..=30).contains(&digits)
            || NOT_ACCOUNT.is_match(between)
            || glued_cue(text, all.start())
            || prev_char(text, value.start()).is_some_and(|c| c == '+' || c.is_alphanumeric())
            || (protected.overlaps(value.start(), value.end()) && !shape_only(value.as_str()))
            || amount_unit(&text[value.end()..])
        {
            continue;
        }
        out.push(Candidate::new(
            value.start(),
            value.end(),
            Kind::BankAccount,
        ));
    }
}

/// Values that `protect` keeps for their shape alone, which after an
/// account cue are account numbers: a RUT looks like a version number,
/// a long run of decimal digits like a hex digest (a real digest of 16 or
/// more characters without a letter is vanishingly rare).
fn shape_only(value: &str) -> bool {
    RUT.is_match(value) || (value.len() >= 16 && value.bytes().all(|b| b.is_ascii_digit()))
}

/// A Cyrillic or Greek cue inside a longer word ("расчёт" holds "счёт").
/// Latin cues have `\b`; Han and kana have no spaces to look for.
fn glued_cue(text: &str, start: usize) -> bool {
    let cue_script = text[start..]
        .chars()
        .next()
        .is_some_and(|c| ('\u{370}'..='\u{52F}').contains(&c));
    cue_script && prev_char(text, start).is_some_and(char::is_alphabetic)
}

/// Is the word after a number a currency ("1 200 000 USD") or a percent?
fn amount_unit(after: &str) -> bool {
    let after = after.trim_start_matches([' ', '\t']);
    if after.starts_with('%') {
        return true;
    }
    let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
    !word.is_empty()
        && NOT_ACCOUNT
            .find(&word)
            .is_some_and(|m| m.len() == word.len())
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

    fn accounts_in(text: &str) -> Vec<&str> {
        let protected = crate::protect::spans(text, &[]);
        let mut out = Vec::new();
        accounts(text, &protected, &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn national_accounts_after_their_cue() {
        assert_eq!(
            accounts_in("Bank: (HK bank), A/C no. 582-330971-838, name Luzon"),
            vec!["582-330971-838"]
        );
        assert_eq!(
            accounts_in("Я перевёл со своего счёта в Сбербанке 40817810338042217654."),
            vec!["40817810338042217654"]
        );
        assert_eq!(
            accounts_in("对公账号 3100 2178 0410 5562）"),
            vec!["3100 2178 0410 5562"]
        );
        assert_eq!(
            accounts_in("cuenta RUT 17.664.208-3 (Cuenta"),
            vec!["17.664.208-3"]
        );
        assert_eq!(
            accounts_in("Konto geändert von PH-Bankkonto 0039-2281-7745 auf"),
            vec!["0039-2281-7745"]
        );
        assert_eq!(
            accounts_in("conta corrente 48820-7, favorecido"),
            vec!["48820-7"]
        );
        assert_eq!(
            accounts_in("BPI account no. 3049 2207 18, and"),
            vec!["3049 2207 18"]
        );
    }

    #[test]
    fn amounts_phones_and_dates_after_a_cue_stay() {
        assert!(accounts_in("account for USD 1 250 000 paid").is_empty());
        assert!(accounts_in("transferred 1 250 000 EUR from the account").is_empty());
        assert!(accounts_in("account manager +44 20 7946 0958").is_empty());
        assert!(accounts_in("account locked on 2024-05-17 at 14:32").is_empty());
        assert!(accounts_in("расчёт 123456 тонн").is_empty());
        assert!(accounts_in("SWIFT DEUTDEFF, account 2024").is_empty());
    }
}
