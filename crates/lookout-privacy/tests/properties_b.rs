//! Property tests for the ship, host and login recognisers: a generated
//! valid value after its cue never survives, wherever it stands, and
//! scrubbing the result again finds nothing.

use lookout_privacy::{KnownNames, NameLists, scrub};
use proptest::prelude::*;

fn known() -> KnownNames {
    KnownNames::new(NameLists::default()).expect("empty lists compile")
}

/// Six digits and the IMO check digit.
fn imo() -> impl Strategy<Value = String> {
    (prop_oneof![Just(8u32), Just(9u32)], 0u32..100_000).prop_map(|(first, rest)| {
        let six = format!("{first}{rest:05}");
        let sum: u32 = six
            .chars()
            .filter_map(|c| c.to_digit(10))
            .zip([7, 6, 5, 4, 3, 2])
            .map(|(d, w)| d * w)
            .sum();
        format!("{six}{}", sum % 10)
    })
}

fn mmsi() -> impl Strategy<Value = String> {
    (2u32..8, 1_000_000u32..99_999_999).prop_map(|(mid, rest)| format!("{mid}{rest:08}"))
}

fn callsign() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9][0-9][A-Z]{1,3}"
}

fn host() -> impl Strategy<Value = String> {
    let role = prop_oneof![
        Just("PC"),
        Just("WS"),
        Just("SRV"),
        Just("APP"),
        Just("DB"),
        Just("FS"),
        Just("ESX"),
        Just("TOS"),
        Just("NAS"),
    ];
    ("[A-Z]{3}", role, 1u32..100).prop_map(|(site, role, n)| format!("{site}-{role}{n:02}"))
}

fn login() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]\\.[a-z]{4,9}",
        "svc_[a-z]{4,8}",
        "[a-z]{3,6}_[a-z]{2,4}[0-9]{1,2}",
    ]
}

/// A value of some kind with one of its cues.
fn cued() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (
            prop_oneof![
                Just("IMO "),
                Just("IMO no. "),
                Just("IMO番号："),
                Just("IMO# "),
                Just("IMO nº ")
            ],
            imo()
        ),
        (
            prop_oneof![Just("MMSI "), Just("MMSI："), Just("MMSI no. ")],
            mmsi()
        ),
        (
            prop_oneof![
                Just("call sign "),
                Just("позывной "),
                Just("Rufzeichen "),
                Just("distintivo de llamada "),
                Just("呼出符号：")
            ],
            callsign()
        ),
        (
            prop_oneof![Just("host "), Just("on "), Just("PC "), Just("")],
            host()
        ),
        (
            prop_oneof![
                Just("user "),
                Just("login: "),
                Just("Account Name: "),
                Just("user=")
            ],
            login()
        ),
    ]
    .prop_map(|(cue, v)| (cue.to_owned(), v))
}

fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Reported at 14:32 UTC: ".to_owned()),
        Just("(".to_owned()),
        Just("- ".to_owned()),
        Just("MV Nordic Star, ".to_owned()),
        Just("beacon to 185.220.101.4 from 10.0.5.11; ".to_owned()),
    ]
}

fn ending() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(".".to_owned()),
        Just(", then".to_owned()),
        Just(") was isolated".to_owned()),
        Just(" / 185.220.101.4".to_owned()),
        Just("\nNext line".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_cued_value_never_survives_and_scrubbing_is_idempotent(
        pre in filler(),
        (cue, value) in cued(),
        post in ending(),
        repeat in any::<bool>(),
    ) {
        let known = known();
        // Said again later without its cue: still removed.
        let tail = if repeat { format!(" Later {value} again.") } else { String::new() };
        let text = format!("{pre}{cue}{value}{post}{tail}");
        let once = scrub(&text, &known);
        prop_assert!(!once.text.contains(&value), "{text:?} -> {:?}", once.text);
        prop_assert!(once.text.contains("185.220.101.4") || !text.contains("185.220.101.4"));
        let twice = scrub(&once.text, &known);
        prop_assert!(twice.findings.is_empty(), "{:?} -> {:?}", once.text, twice.text);
    }

    #[test]
    fn private_subnets_go_whole(a in 0u8..=255, b in 0u8..=255, len in 8u8..=30) {
        let text = format!("pivoted into 10.{a}.{b}.0/{len} via the VPN");
        let out = scrub(&text, &known());
        prop_assert_eq!(out.text, "pivoted into [PRIVATE_IP] via the VPN");
    }
}
