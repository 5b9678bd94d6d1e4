//! Watchlist entries: what a member types, checked and normalised.

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use url::{Host, Url};

use crate::error::{EntryError, LineError, shown};
use crate::host::{HostProblem, check_ascii_host, to_ascii};
use crate::refang::refang;

/// Most entries [`parse_entries`] accepts in one paste.
pub const MAX_ENTRIES: usize = 10_000;

/// Longest single entry, in characters, before any parsing (a pasted URL
/// can be long; anything longer than this is not one entry).
pub const MAX_ENTRY_CHARS: usize = 2_048;

/// IPv4 ranges wider than this are refused.
const MIN_IPV4_PREFIX: u8 = 8;
/// IPv6 ranges wider than this are refused.
const MIN_IPV6_PREFIX: u8 = 16;

/// The kinds of watchlist entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// IMO ship identification number (7 digits with a check digit).
    Imo,
    /// Maritime Mobile Service Identity (9 digits).
    Mmsi,
    /// An IPv4 or IPv6 network; matches every address in it.
    Cidr,
    /// A DNS name; matches it and its subdomains.
    Domain,
    /// The domain of email addresses; matches addresses at it and its
    /// subdomains.
    EmailDomain,
}

impl EntryKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [EntryKind; 5] = [
        EntryKind::Imo,
        EntryKind::Mmsi,
        EntryKind::Cidr,
        EntryKind::Domain,
        EntryKind::EmailDomain,
    ];

    /// Stable identifier for storage and form values.
    pub const fn id(self) -> &'static str {
        match self {
            EntryKind::Imo => "imo",
            EntryKind::Mmsi => "mmsi",
            EntryKind::Cidr => "cidr",
            EntryKind::Domain => "domain",
            EntryKind::EmailDomain => "email_domain",
        }
    }

    /// The kind with this [`id`](Self::id), if any.
    pub fn parse(id: &str) -> Option<EntryKind> {
        Self::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// Name for people.
    pub const fn label(self) -> &'static str {
        match self {
            EntryKind::Imo => "IMO number",
            EntryKind::Mmsi => "MMSI",
            EntryKind::Cidr => "IP range",
            EntryKind::Domain => "Domain",
            EntryKind::EmailDomain => "Email domain",
        }
    }

    /// What to enter, as used in error messages.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            EntryKind::Imo => "the ship's IMO number, for example IMO 9074729",
            EntryKind::Mmsi => "the ship's 9-digit MMSI, for example 235012345",
            EntryKind::Cidr => "an IP address such as 192.0.2.10, or a range such as 192.0.2.0/24",
            EntryKind::Domain => "a domain name, for example example.com",
            EntryKind::EmailDomain => {
                "the part of your email addresses after the @, for example example.com"
            }
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A checked, normalised watchlist entry.
///
/// Build one with [`parse_entry`] (from what a user typed) or
/// [`Entry::from_canonical`] (from storage).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    kind: EntryKind,
    canonical: String,
    net: Option<IpNet>,
}

impl Entry {
    /// Rebuilds an entry from its stored `(kind, canonical)` pair. The
    /// canonical text of every entry parses back to the same entry.
    pub fn from_canonical(kind: EntryKind, canonical: &str) -> Result<Entry, EntryError> {
        parse_entry(kind, canonical)
    }

    /// What kind of entry this is.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// The stable text to store: `IMO9074729`, `235012345`,
    /// `192.0.2.0/24`, `2001:db8::/48`, `example.com`,
    /// `xn--bcher-kva.example`.
    pub fn canonical(&self) -> String {
        self.canonical.clone()
    }

    /// [`canonical`](Self::canonical) without the copy.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The network, for [`EntryKind::Cidr`] entries.
    pub fn ip_net(&self) -> Option<IpNet> {
        self.net
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Checks and normalises one entry as typed by a user.
///
/// Accepted variations: surrounding white space; `IMO`/`MMSI` prefixes in any
/// case followed by spaces or a colon; host bits in a CIDR range (reduced to
/// the network); a single address (a /32 or /128); IPv4-mapped IPv6 (stored
/// as IPv4); for domains, upper case, a trailing dot, a leading `*.`, a
/// pasted `http(s)://` URL, a port, Unicode names (stored as punycode) and
/// defanged text; for email domains, also `@example.com` and
/// `someone@example.com`.
pub fn parse_entry(kind: EntryKind, input: &str) -> Result<Entry, EntryError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(EntryError::Empty { kind });
    }
    let length = input.chars().count();
    if length > MAX_ENTRY_CHARS {
        return Err(EntryError::TooLong { kind, length });
    }
    let (canonical, net) = match kind {
        EntryKind::Imo => (parse_imo(input)?, None),
        EntryKind::Mmsi => (parse_mmsi(input)?, None),
        EntryKind::Cidr => {
            let net = parse_cidr(input)?;
            (net.to_string(), Some(net))
        }
        EntryKind::Domain | EntryKind::EmailDomain => (parse_host(kind, input)?, None),
    };
    Ok(Entry {
        kind,
        canonical,
        net,
    })
}

/// Parses a pasted list: entries separated by newlines or commas, blank ones
/// ignored, duplicates (after normalisation) kept once, in order.
///
/// Either every entry is good and all are returned, or every bad one is
/// reported with its line number, so a form can show them all at once. More
/// than [`MAX_ENTRIES`] entries is an error of its own (reported at the line
/// where the limit was passed, after the errors before it).
pub fn parse_entries(kind: EntryKind, text: &str) -> Result<Vec<Entry>, Vec<LineError>> {
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    let mut count = 0usize;
    for (index, line) in text.lines().enumerate() {
        for item in line.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            count += 1;
            if count > MAX_ENTRIES {
                errors.push(LineError {
                    line: index + 1,
                    input: shown(item),
                    error: EntryError::TooManyEntries { max: MAX_ENTRIES },
                });
                return Err(errors);
            }
            match parse_entry(kind, item) {
                Ok(entry) => {
                    if seen.insert(entry.canonical.clone()) {
                        entries.push(entry);
                    }
                }
                Err(error) => errors.push(LineError {
                    line: index + 1,
                    input: shown(item),
                    error,
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

// ------------------------------------------------------------ IMO and MMSI

/// The IMO check digit for the first six digits: weights 7 to 2, sum
/// modulo 10.
pub(crate) fn imo_check_digit(six: &[u8]) -> u8 {
    let sum: u32 = six
        .iter()
        .zip((2..=7u32).rev())
        .map(|(d, w)| u32::from(d.saturating_sub(b'0')) * w)
        .sum();
    // The sum of six digits times at most 7 is far below u8::MAX * 10.
    (sum % 10) as u8
}

/// Whether seven ASCII digits form an IMO number with a valid check digit
/// (and are not all zeros).
pub(crate) fn is_valid_imo(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 7
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes.iter().any(|&b| b != b'0')
        && bytes[6] - b'0' == imo_check_digit(&bytes[..6])
}

/// `input` without a leading `label` (any case) and the spaces, colons or
/// `#` after it.
fn without_label<'a>(input: &'a str, label: &str) -> &'a str {
    match (input.get(..label.len()), input.get(label.len()..)) {
        (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case(label) => {
            rest.trim_start_matches([' ', '\t', ':', '#'])
        }
        _ => input,
    }
}

fn parse_imo(input: &str) -> Result<String, EntryError> {
    let digits = without_label(input, "IMO");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EntryError::ImoNotDigits {
            input: shown(input),
        });
    }
    match digits.len() {
        7 => {}
        9 => {
            return Err(EntryError::ImoLooksLikeMmsi {
                input: shown(input),
            });
        }
        n => {
            return Err(EntryError::ImoLength {
                input: shown(input),
                digits: n,
            });
        }
    }
    let bytes = digits.as_bytes();
    if bytes.iter().all(|&b| b == b'0') {
        return Err(EntryError::ImoUnassigned {
            input: shown(input),
        });
    }
    let expected = imo_check_digit(&bytes[..6]);
    if bytes[6] - b'0' != expected {
        return Err(EntryError::ImoCheckDigit {
            number: digits.to_owned(),
            expected,
        });
    }
    Ok(format!("IMO{digits}"))
}

/// Whether nine ASCII digits can be an MMSI. Deliberately loose: every
/// leading digit has a use (ships, groups, coast stations, handhelds, SAR),
/// so only all zeros is refused.
pub(crate) fn is_valid_mmsi(digits: &str) -> bool {
    digits.len() == 9
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.bytes().any(|b| b != b'0')
}

fn parse_mmsi(input: &str) -> Result<String, EntryError> {
    let digits = without_label(input, "MMSI");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EntryError::MmsiNotDigits {
            input: shown(input),
        });
    }
    match digits.len() {
        9 => {}
        7 => {
            return Err(EntryError::MmsiLooksLikeImo {
                input: shown(input),
            });
        }
        n => {
            return Err(EntryError::MmsiLength {
                input: shown(input),
                digits: n,
            });
        }
    }
    if !is_valid_mmsi(digits) {
        return Err(EntryError::MmsiZero {
            input: shown(input),
        });
    }
    Ok(digits.to_owned())
}

// ------------------------------------------------------------------- CIDR

fn parse_cidr(input: &str) -> Result<IpNet, EntryError> {
    let syntax = || EntryError::CidrSyntax {
        input: shown(input),
    };
    let text = refang(input);
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address.trim(), Some(prefix.trim())),
        None => (text, None),
    };
    let address = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(address);
    let address: IpAddr = address.parse().map_err(|_| syntax())?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => {
            let bad = || EntryError::CidrPrefix {
                input: shown(input),
                max,
            };
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(bad()),
            }
        }
    };
    // An IPv4-mapped IPv6 network (::ffff:192.0.2.0/120) is an IPv4 one;
    // store it as such so it matches IPv4 mentions.
    let (address, prefix) = match address {
        IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
            Some(v4) => (IpAddr::V4(v4), prefix - 96),
            None => (address, prefix),
        },
        _ => (address, prefix),
    };
    let (min_prefix, family) = if address.is_ipv4() {
        (MIN_IPV4_PREFIX, "IPv4")
    } else {
        (MIN_IPV6_PREFIX, "IPv6")
    };
    if prefix < min_prefix {
        return Err(EntryError::CidrTooBroad {
            input: shown(input),
            prefix,
            min_prefix,
            family,
        });
    }
    IpNet::new(address, prefix)
        .map(|net| net.trunc())
        .map_err(|_| syntax())
}

// ------------------------------------------------------- domains and mail

fn has_web_scheme(s: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        s.get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
    })
}

fn parse_host(kind: EntryKind, input: &str) -> Result<String, EntryError> {
    let shown_input = || shown(input);
    let not_a_name = || EntryError::DomainNotAName {
        input: shown(input),
    };
    let is_address = || EntryError::DomainIsAddress {
        input: shown(input),
    };

    let refanged = refang(input);
    let mut s: &str = refanged.trim();
    if kind == EntryKind::EmailDomain {
        s = without_label(s, "mailto:");
        if let Some((_, domain)) = s.rsplit_once('@') {
            s = domain.trim();
            if s.is_empty() {
                return Err(EntryError::EmailNoDomain {
                    input: shown_input(),
                });
            }
        }
    }

    let from_url;
    if has_web_scheme(s) {
        let url = Url::parse(s).map_err(|_| not_a_name())?;
        match url.host() {
            Some(Host::Domain(d)) => {
                from_url = d.to_owned();
                s = &from_url;
            }
            Some(Host::Ipv4(_) | Host::Ipv6(_)) => return Err(is_address()),
            None => return Err(not_a_name()),
        }
    } else if s.contains("://") {
        return Err(not_a_name());
    } else if s.contains('@') && kind == EntryKind::Domain {
        return Err(EntryError::DomainIsEmailAddress {
            input: shown_input(),
        });
    } else {
        s = s.strip_prefix("*.").unwrap_or(s);
        if let Some(end) = s.find(['/', '?', '#']) {
            s = &s[..end];
        }
        if let Some((host, port)) = s.rsplit_once(':')
            && !host.contains(':')
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
        {
            s = host;
        }
    }
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() {
        return Err(not_a_name());
    }
    let bare = s
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(s);
    if bare.parse::<IpAddr>().is_ok() {
        return Err(is_address());
    }

    let ascii = if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        if let Some(c) = s
            .chars()
            .find(|&c| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        {
            return Err(EntryError::DomainBadCharacter {
                input: shown_input(),
                character: c,
            });
        }
        match Host::parse(s) {
            Ok(Host::Domain(d)) => d,
            Ok(_) => return Err(is_address()),
            Err(_) => return Err(not_a_name()),
        }
    };
    let ascii = match ascii.strip_suffix('.') {
        Some(stripped) => stripped.to_owned(),
        None => ascii,
    };

    check_ascii_host(&ascii, false).map_err(|problem| match problem {
        HostProblem::BadCharacter(character) => EntryError::DomainBadCharacter {
            input: shown_input(),
            character,
        },
        HostProblem::EmptyLabel => EntryError::DomainEmptyLabel {
            input: shown_input(),
        },
        HostProblem::SingleLabel => EntryError::DomainSingleLabel {
            input: shown_input(),
        },
        HostProblem::LabelTooLong(label) => EntryError::DomainLabelTooLong {
            input: shown_input(),
            label: shown(&label),
        },
        HostProblem::Hyphen(label) => EntryError::DomainHyphen {
            input: shown_input(),
            label: shown(&label),
        },
        HostProblem::BadEnding => EntryError::DomainBadEnding {
            input: shown_input(),
        },
        HostProblem::TooLong(length) => EntryError::DomainTooLong {
            input: shown_input(),
            length,
        },
    })?;

    // Typed-in punycode must be valid punycode, and in the form the IDNA
    // rules produce, or it could never equal a converted mention.
    if ascii.split('.').any(|label| label.starts_with("xn--")) {
        return match to_ascii(&ascii) {
            Some(converted) if converted == ascii => Ok(ascii),
            _ => Err(EntryError::DomainBadPunycode {
                input: shown_input(),
            }),
        };
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: EntryKind, input: &str) -> String {
        match parse_entry(kind, input) {
            Ok(entry) => {
                assert_eq!(entry.kind(), kind);
                entry.canonical()
            }
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    fn err(kind: EntryKind, input: &str) -> EntryError {
        match parse_entry(kind, input) {
            Ok(entry) => panic!("{input:?} accepted as {entry}"),
            Err(e) => e,
        }
    }

    // ------------------------------------------------------------ kinds

    #[test]
    fn kind_ids_round_trip_and_are_distinct() {
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.id()), Some(kind));
        }
        let ids: HashSet<_> = EntryKind::ALL.iter().map(|k| k.id()).collect();
        assert_eq!(ids.len(), EntryKind::ALL.len());
        assert_eq!(EntryKind::parse("IMO"), None);
        assert_eq!(EntryKind::parse(""), None);
        assert_eq!(EntryKind::EmailDomain.id(), "email_domain");
        assert_eq!(EntryKind::Cidr.label(), "IP range");
        assert_eq!(EntryKind::Mmsi.to_string(), "MMSI");
    }

    #[test]
    fn empty_and_huge_entries() {
        for kind in EntryKind::ALL {
            assert_eq!(err(kind, "  \t "), EntryError::Empty { kind });
            let huge = "1".repeat(MAX_ENTRY_CHARS + 1);
            assert!(matches!(err(kind, &huge), EntryError::TooLong { .. }));
        }
        assert_eq!(
            err(EntryKind::Imo, "").to_string(),
            "This entry is empty; enter the ship's IMO number, for example IMO 9074729."
        );
    }

    // -------------------------------------------------------------- IMO

    #[test]
    fn imo_valid_forms() {
        for input in [
            "9074729",
            "IMO9074729",
            "IMO 9074729",
            "imo 9074729",
            "Imo: 9074729",
            "IMO:9074729",
            "  IMO  9074729 ",
        ] {
            assert_eq!(ok(EntryKind::Imo, input), "IMO9074729", "{input}");
        }
        assert_eq!(ok(EntryKind::Imo, "IMO 9319466"), "IMO9319466");
    }

    #[test]
    fn imo_check_digit_message() {
        let e = err(EntryKind::Imo, "IMO 9074728");
        assert_eq!(
            e,
            EntryError::ImoCheckDigit {
                number: "9074728".into(),
                expected: 9
            }
        );
        assert_eq!(
            e.to_string(),
            "IMO 9074728: the check digit should be 9; check the number on the ship's certificate."
        );
    }

    #[test]
    fn imo_invalid() {
        assert!(matches!(
            err(EntryKind::Imo, "IMO 907472"),
            EntryError::ImoLength { digits: 6, .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "90747290"),
            EntryError::ImoLength { digits: 8, .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "235012345"),
            EntryError::ImoLooksLikeMmsi { .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "IMO 907-4729"),
            EntryError::ImoNotDigits { .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "IMO"),
            EntryError::ImoNotDigits { .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "ship 9074729"),
            EntryError::ImoNotDigits { .. }
        ));
        assert!(matches!(
            err(EntryKind::Imo, "0000000"),
            EntryError::ImoUnassigned { .. }
        ));
        // Non-ASCII digits are not IMO digits.
        assert!(matches!(
            err(EntryKind::Imo, "९०७४७२९"),
            EntryError::ImoNotDigits { .. }
        ));
    }

    // ------------------------------------------------------------- MMSI

    #[test]
    fn mmsi_valid_forms() {
        for input in ["235012345", "MMSI 235012345", "mmsi:235012345"] {
            assert_eq!(ok(EntryKind::Mmsi, input), "235012345");
        }
        // Coast stations and SAR devices are MMSIs too.
        assert_eq!(ok(EntryKind::Mmsi, "002320001"), "002320001");
        assert_eq!(ok(EntryKind::Mmsi, "970123456"), "970123456");
    }

    #[test]
    fn mmsi_invalid() {
        assert!(matches!(
            err(EntryKind::Mmsi, "000000000"),
            EntryError::MmsiZero { .. }
        ));
        assert!(matches!(
            err(EntryKind::Mmsi, "23501234"),
            EntryError::MmsiLength { digits: 8, .. }
        ));
        assert!(matches!(
            err(EntryKind::Mmsi, "9074729"),
            EntryError::MmsiLooksLikeImo { .. }
        ));
        assert!(matches!(
            err(EntryKind::Mmsi, "235 012 345"),
            EntryError::MmsiNotDigits { .. }
        ));
        assert!(
            err(EntryKind::Mmsi, "2350123456")
                .to_string()
                .contains("has 10 digits, but an MMSI has exactly 9")
        );
    }

    // ------------------------------------------------------------- CIDR

    #[test]
    fn cidr_valid_and_normalised() {
        let cases = [
            ("192.0.2.0/24", "192.0.2.0/24"),
            ("10.0.0.1/24", "10.0.0.0/24"),
            (" 10.0.0.1 / 24 ", "10.0.0.0/24"),
            ("192.0.2.10", "192.0.2.10/32"),
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("2001:DB8::1/48", "2001:db8::/48"),
            ("2001:db8::1", "2001:db8::1/128"),
            ("[2001:db8::1]", "2001:db8::1/128"),
            ("::ffff:192.0.2.1", "192.0.2.1/32"),
            ("::ffff:192.0.2.1/120", "192.0.2.0/24"),
            ("192.0.2[.]0/24", "192.0.2.0/24"),
        ];
        for (input, canonical) in cases {
            assert_eq!(ok(EntryKind::Cidr, input), canonical, "{input}");
        }
        let entry = parse_entry(EntryKind::Cidr, "10.0.0.1/24").unwrap();
        assert_eq!(entry.ip_net(), Some("10.0.0.0/24".parse().unwrap()));
    }

    #[test]
    fn cidr_too_broad() {
        let e = err(EntryKind::Cidr, "16.0.0.0/4");
        assert_eq!(
            e,
            EntryError::CidrTooBroad {
                input: "16.0.0.0/4".into(),
                prefix: 4,
                min_prefix: 8,
                family: "IPv4"
            }
        );
        assert!(
            e.to_string().contains(
                "a /4 would match a sixteenth of the IPv4 internet; enter only your own ranges"
            ),
            "{e}"
        );
        assert!(
            err(EntryKind::Cidr, "0.0.0.0/0")
                .to_string()
                .contains("would match all of the IPv4 internet")
        );
        assert!(
            err(EntryKind::Cidr, "10.0.0.0/7")
                .to_string()
                .contains("1/128 of the IPv4 internet")
        );
        assert!(matches!(
            err(EntryKind::Cidr, "2000::/3"),
            EntryError::CidrTooBroad {
                prefix: 3,
                family: "IPv6",
                ..
            }
        ));
        assert!(matches!(
            err(EntryKind::Cidr, "::/0"),
            EntryError::CidrTooBroad { .. }
        ));
        assert!(matches!(
            err(EntryKind::Cidr, "::ffff:0.0.0.0/96"),
            EntryError::CidrTooBroad { prefix: 0, .. }
        ));
        assert_eq!(ok(EntryKind::Cidr, "2001::/16"), "2001::/16");
    }

    #[test]
    fn cidr_syntax_errors() {
        for input in [
            "192.0.2",
            "192.0.2.256",
            "010.0.0.1",
            "example.com",
            "192.0.2.0-192.0.2.255",
            "fe80::1%eth0",
        ] {
            assert!(
                matches!(err(EntryKind::Cidr, input), EntryError::CidrSyntax { .. }),
                "{input}"
            );
        }
        for input in [
            "192.0.2.0/33",
            "192.0.2.0/",
            "192.0.2.0/x",
            "::/129",
            "1.2.3.4/0024",
        ] {
            assert!(
                matches!(err(EntryKind::Cidr, input), EntryError::CidrPrefix { .. }),
                "{input}"
            );
        }
        assert!(
            err(EntryKind::Cidr, "192.0.2.0/33")
                .to_string()
                .contains("must be at most 32 for an IPv4 address")
        );
    }

    // ----------------------------------------------------------- domains

    #[test]
    fn domain_valid_and_normalised() {
        let cases = [
            ("example.com", "example.com"),
            ("Example.COM.", "example.com"),
            ("mail.example.co.uk", "mail.example.co.uk"),
            ("https://www.Example.com/login?x=1", "www.example.com"),
            ("HTTP://example.com:8080", "example.com"),
            ("hxxps://evil[.]example[.]com/x", "evil.example.com"),
            ("example.com/path", "example.com"),
            ("example.com:443", "example.com"),
            ("*.example.com", "example.com"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
            ("example。com", "example.com"),
            ("a-b.example.com", "a-b.example.com"),
            ("1.2.3.example", "1.2.3.example"),
            ("example.zip", "example.zip"),
        ];
        for (input, canonical) in cases {
            assert_eq!(ok(EntryKind::Domain, input), canonical, "{input}");
        }
    }

    #[test]
    fn domain_invalid() {
        type Check = fn(&EntryError) -> bool;
        let cases: &[(&str, Check)] = &[
            ("localhost", |e| {
                matches!(e, EntryError::DomainSingleLabel { .. })
            }),
            ("example..com", |e| {
                matches!(e, EntryError::DomainEmptyLabel { .. })
            }),
            (".example.com", |e| {
                matches!(e, EntryError::DomainEmptyLabel { .. })
            }),
            ("exa mple.com", |e| {
                matches!(e, EntryError::DomainBadCharacter { character: ' ', .. })
            }),
            ("_dmarc.example.com", |e| {
                matches!(e, EntryError::DomainBadCharacter { character: '_', .. })
            }),
            ("-bad.example.com", |e| {
                matches!(e, EntryError::DomainHyphen { .. })
            }),
            ("bad-.example.com", |e| {
                matches!(e, EntryError::DomainHyphen { .. })
            }),
            ("example.123", |e| {
                matches!(e, EntryError::DomainBadEnding { .. })
            }),
            ("example.c", |e| {
                matches!(e, EntryError::DomainBadEnding { .. })
            }),
            ("192.0.2.1", |e| {
                matches!(e, EntryError::DomainIsAddress { .. })
            }),
            ("https://192.0.2.1/x", |e| {
                matches!(e, EntryError::DomainIsAddress { .. })
            }),
            ("[2001:db8::1]", |e| {
                matches!(e, EntryError::DomainIsAddress { .. })
            }),
            ("ftp://example.com", |e| {
                matches!(e, EntryError::DomainNotAName { .. })
            }),
            ("xn--zz.example", |e| {
                matches!(e, EntryError::DomainBadPunycode { .. })
            }),
            ("ex ämple.com", |e| {
                matches!(e, EntryError::DomainBadCharacter { character: ' ', .. })
            }),
        ];
        for (input, check) in cases {
            let e = err(EntryKind::Domain, input);
            assert!(check(&e), "{input}: {e:?}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(matches!(
            err(EntryKind::Domain, &long_label),
            EntryError::DomainLabelTooLong { .. }
        ));
        let long_name = format!("{}.com", vec!["a".repeat(63); 4].join("."));
        assert!(matches!(
            err(EntryKind::Domain, &long_name),
            EntryError::DomainTooLong { length: 259, .. }
        ));
        assert_eq!(
            err(EntryKind::Domain, "exa mple.com").to_string(),
            "“exa mple.com” contains a space, which cannot be part of a domain name; \
             use only letters, digits, hyphens and dots, for example mail.example.com."
        );
    }

    #[test]
    fn email_domain_forms() {
        for input in [
            "example.com",
            "@example.com",
            "someone@Example.com",
            "mailto:someone@example.com",
            "someone[@]example[.]com",
        ] {
            assert_eq!(ok(EntryKind::EmailDomain, input), "example.com", "{input}");
        }
        assert_eq!(
            ok(EntryKind::EmailDomain, "ops@bücher.example"),
            "xn--bcher-kva.example"
        );
        assert!(matches!(
            err(EntryKind::EmailDomain, "someone@"),
            EntryError::EmailNoDomain { .. }
        ));
        assert!(matches!(
            err(EntryKind::EmailDomain, "someone@localhost"),
            EntryError::DomainSingleLabel { .. }
        ));
        // A domain entry does not take email addresses.
        assert!(matches!(
            err(EntryKind::Domain, "someone@example.com"),
            EntryError::DomainIsEmailAddress { .. }
        ));
    }

    #[test]
    fn canonical_round_trips() {
        for (kind, input) in [
            (EntryKind::Imo, "imo 9074729"),
            (EntryKind::Mmsi, "MMSI 235012345"),
            (EntryKind::Cidr, "10.1.2.3/16"),
            (EntryKind::Cidr, "2001:db8::1/64"),
            (EntryKind::Domain, "https://Bücher.example/"),
            (EntryKind::EmailDomain, "x@Example.com"),
        ] {
            let entry = parse_entry(kind, input).unwrap();
            let again = Entry::from_canonical(kind, &entry.canonical()).unwrap();
            assert_eq!(again, entry);
        }
    }

    // -------------------------------------------------------------- bulk

    #[test]
    fn bulk_ok_skips_blanks_and_duplicates() {
        let text = "IMO 9074729, 9319466\n\n  \r\nimo9074729,\n";
        let entries = parse_entries(EntryKind::Imo, text).unwrap();
        let canon: Vec<_> = entries.iter().map(Entry::canonical).collect();
        assert_eq!(canon, ["IMO9074729", "IMO9319466"]);
        assert_eq!(parse_entries(EntryKind::Domain, ""), Ok(vec![]));
    }

    #[test]
    fn bulk_reports_every_bad_line() {
        let text = "example.com\nlocalhost\nok.example, bad..example\n\nfine.example\n-x.com";
        let errors = parse_entries(EntryKind::Domain, text).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| (e.line, e.input.as_str())).collect();
        assert_eq!(
            lines,
            [(2, "localhost"), (3, "bad..example"), (6, "-x.com")]
        );
        assert!(errors[0].to_string().starts_with("Line 2: “localhost”"));
    }

    #[test]
    fn bulk_is_capped() {
        let text = "10.0.0.1\n".repeat(MAX_ENTRIES);
        assert_eq!(parse_entries(EntryKind::Cidr, &text).unwrap().len(), 1);
        let text = format!("{text}10.0.0.2");
        let errors = parse_entries(EntryKind::Cidr, &text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, MAX_ENTRIES + 1);
        assert_eq!(
            errors[0].error,
            EntryError::TooManyEntries { max: MAX_ENTRIES }
        );
    }

    #[test]
    fn check_digit_helper() {
        assert_eq!(imo_check_digit(b"907472"), 9);
        assert!(is_valid_imo("9074729"));
        assert!(!is_valid_imo("9074728"));
        assert!(!is_valid_imo("0000000"));
        assert!(is_valid_mmsi("235012345"));
        assert!(!is_valid_mmsi("000000000"));
    }
}
