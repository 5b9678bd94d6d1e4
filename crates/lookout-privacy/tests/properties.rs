//! Property tests: invariants that must hold for any input.

use std::net::Ipv4Addr;

use lookout_privacy::{
    Extra, Finding, KnownNames, NameLists, Scrubbed, Span, scrub, scrub_with_extra,
};
use proptest::prelude::*;
use regex::RegexBuilder;

/// Findings sorted, non-overlapping, non-empty, in range; and the output is
/// exactly the input with each finding replaced by its placeholder.
fn check_invariants(input: &str, s: &Scrubbed) -> Result<(), TestCaseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut rebuilt = String::new();
    let mut at = 0;
    for f in &s.findings {
        prop_assert!(f.start < f.end, "empty finding {f:?}");
        prop_assert!(f.start >= at, "overlapping or unsorted {f:?}");
        prop_assert!(
            f.end <= chars.len(),
            "finding {f:?} past the end ({})",
            chars.len()
        );
        rebuilt.extend(&chars[at..f.start]);
        rebuilt.push_str(f.kind.placeholder());
        at = f.end;
    }
    rebuilt.extend(&chars[at..]);
    prop_assert_eq!(&rebuilt, &s.text);
    Ok(())
}

/// Characters of the input that a result removed.
fn removed(s: &Scrubbed) -> Vec<std::ops::Range<usize>> {
    s.findings.iter().map(Finding::range).collect()
}

/// Text that exercises the detectors: digits, separators, cue words and
/// identifiers mixed with noise.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Tel ".to_owned()),
        Just("+44 ".to_owned()),
        Just("IMO ".to_owned()),
        Just("MMSI ".to_owned()),
        Just("call sign ".to_owned()),
        Just("host ".to_owned()),
        Just("Capt. ".to_owned()),
        Just("MV ".to_owned()),
        Just("C:\\Users\\".to_owned()),
        Just("/home/".to_owned()),
        Just("ACME\\".to_owned()),
        Just("@".to_owned()),
        Just(".local ".to_owned()),
        Just("[PHONE]".to_owned()),
        Just("[".to_owned()),
        Just("(".to_owned()),
        Just(") ".to_owned()),
        Just("°".to_owned()),
        Just("é".to_owned()),
        Just("::".to_owned()),
        "[0-9]{1,10}",
        "[0-9]{1,3}(\\.[0-9]{1,3}){3}",
        "[A-Z][a-z]{1,8}",
        "[A-Z0-9-]{2,10}",
        "[a-z.]{1,10}",
        "[ .,:;/\\\\-]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn is_public(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || a == 0)
}

fn public_ipv4() -> impl Strategy<Value = String> {
    any::<[u8; 4]>()
        .prop_map(Ipv4Addr::from)
        .prop_filter("public", |ip| is_public(*ip))
        .prop_map(|ip| ip.to_string())
}

fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("the"),
            Just("Tel"),
            Just("host"),
            Just("server"),
            Just("IMO"),
            Just("MMSI"),
            Just("call sign"),
            Just("Capt."),
            Just("Master"),
            Just("MV"),
            Just("from"),
            Just("to"),
            Just("port"),
            Just("hash"),
            Just("2024-05-17"),
            Just("14:32"),
            Just("0044"),
            Just("+30"),
            Just("020"),
            Just("version"),
            Just("beacon"),
            Just("ECDIS"),
            Just("and"),
        ],
        0..6,
    )
    .prop_map(|v| v.join(" "))
}

/// A valid IBAN: `country`, check digits computed for `bban` (ISO 13616
/// mod 97), grouped by four with spaces when `grouped`.
fn iban(country: &str, bban: &str, grouped: bool) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    let compact = format!("{country}{:02}{bban}", 98 - remainder);
    if !grouped {
        return compact;
    }
    let chars: Vec<char> = compact.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    // PROPTEST_CASES overrides the default for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_and_findings_are_well_formed(input in any::<String>()) {
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
    }

    #[test]
    fn tricky_input_is_well_formed_and_idempotent(input in tricky()) {
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
        let again = scrub(&s.text, &KnownNames::empty());
        prop_assert!(again.findings.is_empty(), "second pass over {:?} found {:?} in {:?}", input, again.findings, s.text);
    }

    #[test]
    fn known_names_never_survive(
        names in prop::collection::vec("[A-Z][a-z]{2,7}( [A-Z][a-z]{2,7}){0,2}", 1..4),
        domain in "[a-z]{3,10}\\.(com|gr|no|example)",
        before in tricky(),
        between in filler(),
        after in tricky(),
        upper in any::<bool>(),
    ) {
        let known = KnownNames::new(NameLists {
            organisations: vec![names[0].clone()],
            vessels: names[1..].to_vec(),
            domains: vec![domain.clone()],
            people: vec![],
        }).unwrap();
        let shown: Vec<String> = names
            .iter()
            .map(|n| if upper { n.to_uppercase() } else { n.clone() })
            .collect();
        let input = format!(
            "{before} {} {between} mail.{domain} {}. {after}",
            shown.join(" and "),
            shown[0]
        );
        let s = scrub(&input, &known);
        check_invariants(&input, &s)?;
        let output = s.text.clone();
        for n in names.iter().chain(std::iter::once(&domain)) {
            let words: Vec<String> = n.split(' ').map(regex::escape).collect();
            let re = RegexBuilder::new(&format!(r"\b{}\b", words.join(r"[\s\-_]+")))
                .case_insensitive(true)
                .build()
                .unwrap();
            for m in re.find_iter(&output) {
                // Inside a placeholder ("[ORG]" for a name "Org") is fine.
                let inside = output[..m.start()].ends_with('[') && output[m.end()..].starts_with(']');
                prop_assert!(inside, "{n:?} survived in {output:?}");
            }
        }
        let again = scrub(&output, &known);
        prop_assert!(again.findings.is_empty(), "second pass found {:?} in {:?}", again.findings, output);
    }

    #[test]
    fn iocs_survive(
        ip in public_ipv4(),
        sha in "[0-9a-f]{64}",
        cve in "CVE-(199[0-9]|20[0-2][0-9])-[0-9]{4,6}",
        a in filler(),
        b in filler(),
        c in filler(),
        d in filler(),
    ) {
        let input = format!("{a} {ip} {b} {sha} {c} {cve} {d}");
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
        for ioc in [&ip, &sha, &cve] {
            prop_assert!(s.text.contains(ioc.as_str()), "{ioc} lost: {:?}", s.text);
            let start = input.find(ioc.as_str()).unwrap(); // ASCII input
            let end = start + ioc.len();
            prop_assert!(
                s.findings.iter().all(|f| f.end <= start || f.start >= end),
                "{ioc} touched by {:?}", s.findings
            );
        }
    }

    #[test]
    fn private_ipv4_never_survives(
        ip in prop_oneof![
            any::<[u8; 3]>().prop_map(|[b, c, d]| Ipv4Addr::new(10, b, c, d)),
            (16u8..32, any::<[u8; 2]>()).prop_map(|(b, [c, d])| Ipv4Addr::new(172, b, c, d)),
            any::<[u8; 2]>().prop_map(|[c, d]| Ipv4Addr::new(192, 168, c, d)),
            (64u8..128, any::<[u8; 2]>()).prop_map(|(b, [c, d])| Ipv4Addr::new(100, b, c, d)),
        ],
        a in filler(),
        b in filler(),
    ) {
        let ip = ip.to_string();
        let input = format!("{a} {ip} {b}");
        let s = scrub(&input, &KnownNames::empty());
        prop_assert!(!s.text.contains(&ip), "{ip} survived: {:?}", s.text);
    }

    #[test]
    fn extra_only_removes_more(
        input in tricky(),
        spans in prop::collection::vec((0usize..200, 0usize..20), 0..4),
    ) {
        let len = input.chars().count();
        let spans: Vec<Span> = spans
            .into_iter()
            .map(|(s, l)| {
                let s = s.min(len);
                Span { start: s, end: (s + l).min(len) }
            })
            .collect();
        let base = scrub(&input, &KnownNames::empty());
        let more = scrub_with_extra(&input, &KnownNames::empty(), &Extra { spans: spans.clone(), ..Extra::default() }).unwrap();
        check_invariants(&input, &more)?;
        let wide = removed(&more);
        for r in removed(&base) {
            prop_assert!(wide.iter().any(|w| w.start <= r.start && r.end <= w.end), "{r:?} not removed any more");
        }
        for s in spans.iter().filter(|s| s.start < s.end) {
            prop_assert!(wide.iter().any(|w| w.start <= s.start && s.end <= w.end), "{s:?} not removed");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_valid_iban_never_survives(
        country in "(DE|GB|NO|GR|NL|FR|CY|MT|PL|TR)",
        bban in "[0-9A-Z]{11,26}",
        grouped in any::<bool>(),
        before in filler(),
        after in filler(),
    ) {
        let account = iban(&country, &bban, grouped);
        prop_assert!(lookout_privacy::iban_ok(&account), "{account}");
        let input = format!("{before} pay to {account} today {after}");
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
        let compact = account.replace(' ', "");
        prop_assert!(!s.text.replace(' ', "").contains(&compact), "{account} survived in {}", s.text);
        prop_assert!(s.text.contains("[BANK_ACCOUNT]"), "{}", s.text);
    }

    #[test]
    fn a_spelled_out_address_never_survives(
        local in "[a-z]{2,8}(\\.[a-z]{2,8})?",
        domain in "[a-z]{3,10}(-[a-z]{3,8})?",
        tld in "(com|no|gr|ph|net)",
        dotted_local in any::<bool>(),
        before in filler(),
        after in filler(),
    ) {
        let local = if dotted_local { local.replace('.', " dot ") } else { local };
        let spelled = format!("{local} at {domain} dot {tld}");
        let input = format!("{before} write to {spelled} today {after}");
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
        prop_assert!(!s.text.contains(&spelled), "{spelled} survived in {}", s.text);
        prop_assert!(s.text.contains("[EMAIL]"), "{}", s.text);
    }

    #[test]
    fn a_document_number_after_its_cue_never_survives(
        cue in "(Passport no\\.|passport number|seaman's book no\\.|Seamans Book:|badge ID|employee no\\.|case #|ticket)",
        value in "[A-Z]{0,2}[0-9]{5,9}",
        before in filler(),
        after in filler(),
    ) {
        let input = format!("{before} {cue} {value} was used {after}");
        let s = scrub(&input, &KnownNames::empty());
        check_invariants(&input, &s)?;
        prop_assert!(!s.text.contains(&value), "{value} survived in {}", s.text);
    }

    #[test]
    fn one_changed_digit_is_not_an_iban(
        country in "(DE|GB|NO|GR|NL)",
        bban in "[0-9]{14,22}",
        position in 0usize..14,
        delta in 1u32..10,
    ) {
        let account = iban(&country, &bban, false);
        let mut chars: Vec<char> = account.chars().collect();
        let at = 4 + position;
        let digit = chars[at].to_digit(10).unwrap_or(0);
        chars[at] = char::from_digit((digit + delta) % 10, 10).unwrap_or('0');
        let changed: String = chars.into_iter().collect();
        // mod 97 catches every single-digit change.
        prop_assert!(!lookout_privacy::iban_ok(&changed), "{changed}");
    }
}
