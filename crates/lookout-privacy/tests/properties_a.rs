//! Property tests of the address, document-number and account-number
//! recognisers: a generated value after its cue never survives, and
//! scrubbing what came out finds nothing more.

mod common;

use common::scrub_twice;
use proptest::prelude::*;

/// Words around the identifier, some of them cue-like.
fn noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("the"),
            Just("was"),
            Just("sent"),
            Just("no."),
            Just("case"),
            Just("Road"),
            Just("Suite"),
            Just("12"),
            Just("2024-05-17"),
            Just("14:32"),
            Just("USD 1,200"),
            Just("IMO 9321483"),
            Just(","),
        ],
        0..6,
    )
    .prop_map(|v| v.join(" "))
}

/// A town's name, with an ending that keeps it clear of stop words.
fn town() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,6}(vik|burg|stad|polis|ton)"
}

/// A street line in one of several countries' layouts.
fn street() -> impl Strategy<Value = String> {
    (
        "[A-Z][a-z]{3,9}",
        1u32..999,
        prop_oneof![
            Just("{n} {s} Road"),
            Just("{n} {s} Street"),
            Just("{s}straße {n}"),
            Just("{s}veien {n}"),
            Just("ul. {s} {n}"),
            Just("Calle {s} {n}"),
            Just("Akti {s} {n}"),
            Just("{s} Cad. No: {n}"),
        ],
    )
        .prop_map(|(s, n, layout)| layout.replace("{s}", &s).replace("{n}", &n.to_string()))
}

/// A postcode line in one of several layouts.
fn postcode_line() -> impl Strategy<Value = String> {
    (
        town(),
        prop_oneof![
            (1000u32..9999).prop_map(|p| format!("{p:04}")),
            (10000u32..99999).prop_map(|p| p.to_string()),
            (10u32..99, 100u32..999).prop_map(|(a, b)| format!("{a}-{b}")),
            (100u32..999, 10u32..99).prop_map(|(a, b)| format!("{a} {b}")),
        ],
    )
        .prop_map(|(t, p)| format!("{p} {t}"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn signature_addresses_never_survive(
        street in street(),
        post in postcode_line(),
        before in noise(),
        same_line in any::<bool>(),
    ) {
        let address = if same_line {
            format!("{street}, {post}")
        } else {
            format!("{street}\n{post}")
        };
        let input = format!("{before}\n\nKind regards\nJan Berg\nNordvik Rederi AS\n{address}\nTel +47 55 30 12 40\n");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&street), "{street:?} survived in {out:?}");
        prop_assert!(!out.contains(&post), "{post:?} survived in {out:?}");
    }

    #[test]
    fn document_numbers_after_their_cue_never_survive(
        cue in prop_oneof![
            Just("passport no."),
            Just("Seaman's book"),
            Just("CDC No."),
            Just("SIRB"),
            Just("pasaporte"),
            Just("паспорт"),
            Just("Emp ID"),
            Just("badge"),
            Just("our ref"),
            Just("ticket"),
            Just("Case #"),
        ],
        value in prop_oneof![
            "[A-Z]{1,2}[0-9]{6,8}",
            "[A-Z]{3} [0-9]{6}",
            "[A-Z]{2,4}-[A-Z]{2,3}-[0-9]{3,5}",
            "[0-9]{5,9}",
        ]
        // A currency or a code before the number makes it something else.
        .prop_filter("no currency or code prefix", |v| {
            !["IMO", "USD", "EUR", "GBP", "NOK", "DKK", "SEK", "PLN", "INR", "PHP", "TRY", "RUB",
              "UAH", "CNY", "RMB", "JPY", "BRL", "CLP", "NGN", "AED", "SGD", "HKD", "UTC", "GMT",
              "TEL", "FAX", "DWT", "TEU", "CVE", "MMS"]
                .iter()
                .any(|p| v.starts_with(&format!("{p} ")))
                // Nor a connector word read as part of the cue ("no.", "nr").
                && !v.split([' ', '-']).any(|g| ["NO", "NR", "ID", "IS", "OF", "REF", "NUM"].contains(&g))
        }),
        before in noise(),
        after in noise(),
    ) {
        let input = format!("{before} {cue} {value}, {after}");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value:?} survived in {out:?}");
    }

    #[test]
    fn plates_after_their_cue_never_survive(
        cue in prop_oneof![Just("licence plate"), Just("truck"), Just("kenteken"), Just("matrícula")],
        value in prop_oneof!["[0-9]{2}-[A-Z]{3}-[0-9]", "[A-Z]{3} [0-9]{4}", "[A-Z]{2} [0-9]{4} [A-Z]{2}"]
            .prop_filter("not a unit (20 MT, 30 GT)", |v| {
                !v.split([' ', '-']).any(|g| ["MT", "GT", "T", "TEU", "KG", "KM", "NM", "DWT", "CBM", "USD", "EUR", "PCS", "H", "HRS", "LT", "UTC", "GMT", "Z"].contains(&g))
            }),
        before in noise(),
    ) {
        let input = format!("{before} {cue} {value} left the terminal");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value:?} survived in {out:?}");
    }

    #[test]
    fn account_numbers_after_their_cue_never_survive(
        cue in prop_oneof![Just("A/C no."), Just("acct"), Just("account number"), Just("Konto"), Just("cuenta"), Just("счёт"), Just("账号")],
        groups in prop::collection::vec("[0-9]{3,6}", 2..4),
        sep in prop_oneof![Just("-"), Just(" "), Just("")],
        before in noise(),
    ) {
        let value = groups.join(sep);
        let input = format!("{before} {cue} {value} was used");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value:?} survived in {out:?}");
    }

    #[test]
    fn cue_soup_is_idempotent(
        parts in prop::collection::vec(
            prop_oneof![
                Just("Road".to_owned()),
                Just("ul.".to_owned()),
                Just("Suite".to_owned()),
                Just("3/F".to_owned()),
                Just("passport".to_owned()),
                Just("no.".to_owned()),
                Just("truck".to_owned()),
                Just("A/C".to_owned()),
                Just("плакалı".to_owned()),
                Just("plakalı".to_owned()),
                Just("地址：".to_owned()),
                Just("市".to_owned()),
                Just("号".to_owned()),
                Just(", ".to_owned()),
                Just("\n".to_owned()),
                Just(": ".to_owned()),
                "[A-Z][a-z]{2,8}",
                "[A-Z]{1,3}",
                "[0-9]{1,6}",
                "[0-9]{2}-[0-9]{3}",
                any::<char>().prop_map(String::from),
            ],
            0..30,
        ),
    ) {
        let input = parts.join(" ");
        scrub_twice(&input)?;
    }
}
