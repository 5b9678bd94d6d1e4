//! Property tests: nothing panics, canonical forms are stable, and what a
//! member enters matches the same identifier written (or defanged) in text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use lookout_indicators::{
    Entry, EntryKind, Observable, ObservableKind, extract, parse_entries, parse_entry,
    parse_observable,
};
use proptest::prelude::*;

/// Text built from indicator fragments, which reaches far more of the
/// extractor than uniformly random characters do.
fn indicatorish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "IMO ",
        "imo:",
        "MMSI ",
        "mmsi=",
        "9074729",
        "9074728",
        "235012345",
        "0",
        "1",
        "12",
        "255",
        "256",
        ".",
        "..",
        ":",
        "::",
        "/",
        "@",
        "[.]",
        "(.)",
        "{.}",
        "[dot]",
        "[:]",
        "[@]",
        "[at]",
        "hxxps://",
        "https://",
        "http://",
        "-",
        "_",
        " ",
        "\n",
        "\t",
        ",",
        "a",
        "example",
        "com",
        "zip",
        "pdf",
        "xn--",
        "xn--bcher-kva",
        "ü",
        "пример",
        "рф",
        "。",
        "é",
        "ffff",
        "2001",
        "db8",
        "[",
        "]",
        "(",
        ")",
        "*",
        "%",
        "\u{0}",
        "\u{200d}",
        "١",
        "CVE-2024-",
        "3400",
        "d41d8cd98f00b204e9800998ecf8427e",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "0x52908400098527886e0f7030069857d2e4169ee7",
        "Malware: ",
        "LockBit",
        "/24",
        "/",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn any_kind() -> impl Strategy<Value = EntryKind> {
    prop::sample::select(EntryKind::ALL.to_vec())
}

/// File extensions the extractor does not take for top-level domains in
/// bare text.
const EXTENSIONS: &[&str] = &[
    "exe", "dll", "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf", "zip",
    "rar", "gz", "tar", "cab", "js", "vbs", "vbe", "ps1", "bat", "cmd", "lnk", "iso", "img", "scr",
    "jar", "msi", "hta", "txt", "log", "csv", "json", "xml", "ini", "cfg", "dat", "bin", "tmp",
    "sys", "png", "jpg", "jpeg", "gif", "bmp", "svg", "htm", "html", "php", "asp", "aspx", "mov",
    "mp4",
];

/// A valid lower-case ASCII domain name with 2–5 labels.
fn domain() -> impl Strategy<Value = String> {
    let label = "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"
        .prop_filter("not punycode", |l| !l.starts_with("xn--"));
    let tld = "[a-z]{2,12}".prop_filter("not a file extension", |t| {
        !EXTENSIONS.contains(&t.as_str())
    });
    (prop::collection::vec(label, 1..5), tld).prop_map(|(mut labels, tld)| {
        labels.push(tld);
        labels.join(".")
    })
}

/// A valid IMO number (7 digits, valid check digit, not all zeros).
fn imo_digits() -> impl Strategy<Value = String> {
    "[0-9]{6}"
        .prop_filter("not all zeros", |d| d != "000000")
        .prop_map(|six| {
            let sum: u32 = six
                .bytes()
                .zip((2..=7u32).rev())
                .map(|(d, w)| u32::from(d - b'0') * w)
                .sum();
            format!("{six}{}", sum % 10)
        })
}

fn ipv4() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>()
        .prop_map(Ipv4Addr::from)
        .prop_filter("not 0.0.0.0", |a| !a.is_unspecified())
}

fn ipv6() -> impl Strategy<Value = Ipv6Addr> {
    any::<u128>()
        .prop_map(Ipv6Addr::from)
        .prop_filter("not ::", |a| !a.is_unspecified())
}

fn defang(domain: &str, style: usize) -> String {
    let dot = [".", "[.]", "(.)", "{.}", "[dot]", "[DOT]"][style % 6];
    domain.replace('.', dot)
}

fn round_trips(entry: &Entry) -> Result<(), TestCaseError> {
    let again = parse_entry(entry.kind(), &entry.canonical());
    prop_assert_eq!(again.as_ref(), Ok(entry));
    let rebuilt = Entry::from_canonical(entry.kind(), entry.as_str());
    prop_assert_eq!(rebuilt.as_ref(), Ok(entry));
    Ok(())
}

proptest! {
    #[test]
    fn extract_never_panics(text in "\\PC*") {
        let mentions = extract(&text);
        let _ = mentions.lookup_keys();
    }

    #[test]
    fn extract_never_panics_on_indicator_fragments(text in indicatorish()) {
        let mentions = extract(&text);
        // Every look-up key that is a valid entry is an entry these
        // mentions match.
        for (kind, key) in mentions.lookup_keys() {
            if let Ok(entry) = parse_entry(kind, &key) {
                prop_assert_eq!(entry.as_str(), key.as_str());
                prop_assert!(mentions.matches(&entry), "{:?} {}", kind, key);
            }
        }
        for domain in mentions.domains() {
            if let Ok(entry) = parse_entry(EntryKind::Domain, domain) {
                prop_assert!(mentions.matches(&entry), "{}", domain);
            }
        }
    }

    #[test]
    fn typed_indicators_reparse_to_themselves(text in indicatorish()) {
        for observable in extract(&text).observables() {
            let again = Observable::parse(observable.kind(), observable.value());
            prop_assert_eq!(again.as_ref(), Ok(&observable), "{:?}", text);
        }
    }

    #[test]
    fn a_searched_value_is_stable(input in indicatorish()) {
        if let Ok(observable) = parse_observable(&input) {
            // Searching for the canonical value finds the same value.
            prop_assert_eq!(parse_observable(observable.value()), Ok(observable.clone()));
            let kind = ObservableKind::from_id(observable.kind().id());
            prop_assert_eq!(kind, Some(observable.kind()));
        }
    }

    #[test]
    fn parse_entry_never_panics(kind in any_kind(), input in "\\PC*") {
        if let Ok(entry) = parse_entry(kind, &input) {
            round_trips(&entry)?;
        }
    }

    #[test]
    fn parse_entry_never_panics_on_fragments(kind in any_kind(), input in indicatorish()) {
        match parse_entry(kind, &input) {
            Ok(entry) => round_trips(&entry)?,
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = parse_entries(kind, &input);
    }

    #[test]
    fn imo_round_trips(digits in imo_digits(), form in 0usize..4) {
        let input = match form {
            0 => digits.clone(),
            1 => format!("IMO {digits}"),
            2 => format!("imo:{digits}"),
            _ => format!(" Imo{digits} "),
        };
        let entry = parse_entry(EntryKind::Imo, &input).unwrap();
        prop_assert_eq!(entry.canonical(), format!("IMO{digits}"));
        round_trips(&entry)?;

        let text = format!("Vessel (IMO {digits}) reported a phishing attempt.");
        prop_assert!(extract(&text).matches(&entry));
    }

    #[test]
    fn domain_round_trips(
        domain in domain(),
        upper in any::<bool>(),
        trailing_dot in any::<bool>(),
        as_url in any::<bool>(),
    ) {
        let mut input = if upper { domain.to_ascii_uppercase() } else { domain.clone() };
        if trailing_dot {
            input.push('.');
        }
        if as_url {
            input = format!("https://{input}/login?next=/");
        }
        let entry = parse_entry(EntryKind::Domain, &input).unwrap();
        prop_assert_eq!(entry.canonical(), domain.clone());
        round_trips(&entry)?;

        let email = parse_entry(EntryKind::EmailDomain, &format!("someone@{domain}")).unwrap();
        prop_assert_eq!(email.canonical(), domain);
        round_trips(&email)?;
    }

    #[test]
    fn cidr_round_trips(v4 in ipv4(), p4 in 8u8..=32, v6 in ipv6(), p6 in 16u8..=128) {
        let entry = parse_entry(EntryKind::Cidr, &format!("{v4}/{p4}")).unwrap();
        let net = IpNet::new(IpAddr::V4(v4), p4).unwrap().trunc();
        prop_assert_eq!(entry.canonical(), net.to_string());
        prop_assert_eq!(entry.ip_net(), Some(net));
        round_trips(&entry)?;

        let entry = parse_entry(EntryKind::Cidr, &format!("{v6}/{p6}")).unwrap();
        if v6.to_ipv4_mapped().is_none() {
            let net = IpNet::new(IpAddr::V6(v6), p6).unwrap().trunc();
            prop_assert_eq!(entry.canonical(), net.to_string());
        }
        round_trips(&entry)?;
    }

    #[test]
    fn mentioned_domains_match_entries(
        domain in domain(),
        style in 0usize..6,
        wrapper in 0usize..10,
        upper in any::<bool>(),
    ) {
        let written = if upper { domain.to_ascii_uppercase() } else { domain.clone() };
        let written = defang(&written, style);
        let text = match wrapper {
            0 => format!("Seen {written} today."),
            1 => format!("C2 hxxps://{written}/gate.php?id=1"),
            2 => format!("http://{written}:8080"),
            3 => format!("mail from ops[@]{written}, reply-to x.y+z@{written}"),
            4 => format!("({written})"),
            5 => format!("**{written}**"),
            6 => format!("_{written}_"),
            7 => format!("<{written}>"),
            8 => format!("line one\n{written}\nline three"),
            _ => written.clone(),
        };
        let mentions = extract(&text);
        let entry = parse_entry(EntryKind::Domain, &domain).unwrap();
        prop_assert!(mentions.matches(&entry), "{:?} -> {:?}", text, mentions);
        prop_assert!(
            mentions.lookup_keys().contains(&(EntryKind::Domain, domain.clone())),
            "{:?}", text
        );
        if wrapper == 3 {
            let email = parse_entry(EntryKind::EmailDomain, &domain).unwrap();
            prop_assert!(mentions.matches(&email));
        }

        // A subdomain mentioned matches the parent entry; a name that
        // merely ends with the same letters does not.
        let sub = extract(&format!("see mail.{written} and bad{written}"));
        prop_assert!(sub.matches(&entry));
        let deeper = parse_entry(EntryKind::Domain, &format!("www.{domain}")).unwrap();
        let plain = extract(&format!("see {written}"));
        prop_assert!(!plain.matches(&deeper));
        let bad = extract(&format!("see bad{written}"));
        prop_assert!(!bad.matches(&entry), "{:?}", bad);
    }

    #[test]
    fn mentioned_addresses_match_ranges(v4 in ipv4(), p4 in 8u8..=32, v6 in ipv6(), defanged in any::<bool>()) {
        let written = if defanged { v4.to_string().replace('.', "[.]") } else { v4.to_string() };
        let text = format!("Beacon to {written}:443 and [{v6}]:8443.");
        let mentions = extract(&text);
        let range = parse_entry(EntryKind::Cidr, &format!("{v4}/{p4}")).unwrap();
        prop_assert!(mentions.matches(&range), "{:?}", text);
        let single = parse_entry(EntryKind::Cidr, &v6.to_string()).unwrap();
        prop_assert!(mentions.matches(&single), "{:?} -> {:?}", text, mentions);
    }
}
