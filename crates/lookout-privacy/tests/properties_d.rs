//! Property tests of the recognisers that work by shape and structure
//! rather than by cue: codes of letters and digits, prefixed document
//! numbers, login-shaped tokens, the address and company lines of a
//! signature block, and people listed one to a line. A generated value
//! never survives `scrub`, indicators beside it stay, and scrubbing what
//! came out finds nothing more.

mod common;

use common::scrub_twice;
use proptest::prelude::*;

/// Sentences the values are dropped into, with no cue before them.
fn frame() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        Just(("He showed ", " at the gate.")),
        Just(("Found in the crew file: ", ", see attached.")),
        Just(("(", ") was copied to a USB stick.")),
        Just(("- ", "\n- next item")),
        Just(("Listed as ", " in the 2023 export.")),
    ]
}

/// A code: two or three capitals, a separator, four to seven digits, and
/// maybe a trailing capital (`HBG-SEC-3310`, `AB1234567`, `P3310472C`).
fn code() -> impl Strategy<Value = String> {
    (
        "[A-HJ-NP-Z]{2}",
        prop_oneof![Just(""), Just("-"), Just("-SEC-"), Just("/")],
        "[1-9][0-9]{3,6}",
        prop_oneof![Just(""), Just("C"), Just("X")],
    )
        .prop_map(|(a, sep, n, tail)| format!("{a}{sep}{n}{tail}"))
        .prop_filter("not money, an invoice, a standard or an algorithm", |c| {
            let letters: String = c.chars().take_while(char::is_ascii_uppercase).collect();
            ![
                "US", "USD", "EUR", "GBP", "NOK", "INR", "INV", "ISO", "IEC", "IMO", "KB", "CVE",
                "CWE", "SHA", "MD", "AES", "TLS", "SSL", "UTF", "CRC", "APT", "UNC", "FIN", "TA",
                "DEV", "FY", "PO", "SO", "ORD", "WIN", "TCP", "UDP", "JS",
            ]
            .iter()
            .any(|p| letters.starts_with(p))
        })
}

/// A login: a first initial or name, a dot or underscore, a surname.
fn login() -> impl Strategy<Value = String> {
    (
        "[a-z]{1,6}",
        prop_oneof![Just("."), Just("_")],
        "[a-z]{3,9}[0-9]{0,2}",
    )
        // (A surname no file extension or top-level domain starts like.)
        .prop_map(|(a, sep, b)| format!("{a}{sep}zq{b}"))
}

/// An address line of a signature: a street word in some script and a
/// number, or a box.
fn address_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("Harbour Area, Community"),
            Just("вул. Транспортна,"),
            Just("Ακτή Κονδύλη"),
            Just("P.O. Box CO"),
            Just("Leontiou A'"),
        ],
        "[1-9][0-9]{0,3}",
    )
        .prop_map(|(street, n)| format!("{street} {n}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn codes_with_no_cue_are_removed((before, after) in frame(), value in code()) {
        let input = format!("{before}{value}{after} Hash 9f86d081884c7d659a2feaa0c55ad015.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value:?} survived in {out:?}");
        prop_assert!(out.contains("9f86d081884c7d659a2feaa0c55ad015"), "{out:?}");
    }

    #[test]
    fn prefixed_numbers_are_removed(prefix in "[A-HJ-NP-RT-Z]{1,2}", number in "0[0-9]{5,7}") {
        let input = format!("Seaman's papers: {prefix} {number}, issued 2019.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&number), "{number:?} survived in {out:?}");
    }

    #[test]
    fn login_shaped_tokens_are_removed(value in login()) {
        let input = format!("Top sources: 2,207 {value} 91.240.118.29, tool rclone.exe");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&format!(" {value} ")), "{value:?} survived in {out:?}");
        prop_assert!(out.contains("91.240.118.29") && out.contains("rclone.exe"), "{out:?}");
    }

    #[test]
    fn address_lines_of_a_signature_are_removed(line in address_line(), phone in "[1-9][0-9]{2} [0-9]{3} [0-9]{4}") {
        let input = format!("Regards,\nHelen Marsh\nSecurity Manager\nVolta Coast Terminal Ltd\n{line}\nTel: +233 {phone}\n");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&line), "{line:?} survived in {out:?}");
    }

    #[test]
    fn people_listed_with_one_found_are_removed(given in "[A-Z][a-z]{3,7}", family in "[A-Z][a-z]{3,8}") {
        let second = format!("{given} {family}");
        let input = format!("Stowaways found:\n1. Mamadou Diallo, 19, no papers\n2. {second}, 22, passport copy\n");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&second), "{second:?} survived in {out:?}");
    }
}
