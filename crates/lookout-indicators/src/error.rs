//! The one error type for watchlist entries. Every message is shown next to
//! the entry in a web form, so it says what is wrong and what to enter
//! instead, in words a ship's security officer uses.

use crate::EntryKind;

/// Why a watchlist entry was refused.
///
/// The `Display` text is the message for the user; the fields are there for
/// code that wants to react differently (and for tests). Echoed input is
/// trimmed and cut to a readable length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// Nothing but white space.
    #[error("This entry is empty; enter {}.", kind.example())]
    Empty { kind: EntryKind },

    /// Longer than [`crate::MAX_ENTRY_CHARS`].
    #[error("This entry is {length} characters long, far more than any {} needs; enter {}.", kind.label(), kind.example())]
    TooLong { kind: EntryKind, length: usize },

    /// Something other than digits after the optional `IMO` prefix.
    #[error(
        "“{input}” is not an IMO number; enter the 7 digits from the ship's certificate, for example IMO 9074729."
    )]
    ImoNotDigits { input: String },

    /// Digits, but not 7 of them.
    #[error(
        "“{input}” has {digits} digits, but an IMO number has exactly 7; enter it as on the ship's certificate, for example IMO 9074729."
    )]
    ImoLength { input: String, digits: usize },

    /// 9 digits: almost certainly an MMSI typed into the IMO field.
    #[error(
        "“{input}” has 9 digits, so it looks like an MMSI rather than an IMO number; add it as an MMSI, or enter the ship's 7-digit IMO number."
    )]
    ImoLooksLikeMmsi { input: String },

    /// The seventh digit does not match the first six.
    #[error(
        "IMO {number}: the check digit should be {expected}; check the number on the ship's certificate."
    )]
    ImoCheckDigit { number: String, expected: u8 },

    /// `0000000`, which passes the check-digit test but is never assigned.
    #[error(
        "“{input}” is not an assigned IMO number; enter the 7 digits from the ship's certificate."
    )]
    ImoUnassigned { input: String },

    /// Something other than digits after the optional `MMSI` prefix.
    #[error(
        "“{input}” is not an MMSI; enter the 9 digits from the ship's radio licence or AIS, for example 235012345."
    )]
    MmsiNotDigits { input: String },

    /// Digits, but not 9 of them.
    #[error(
        "“{input}” has {digits} digits, but an MMSI has exactly 9; enter it as on the ship's radio licence, for example 235012345."
    )]
    MmsiLength { input: String, digits: usize },

    /// 7 digits: almost certainly an IMO number typed into the MMSI field.
    #[error(
        "“{input}” has 7 digits, so it looks like an IMO number rather than an MMSI; add it as an IMO number, or enter the ship's 9-digit MMSI."
    )]
    MmsiLooksLikeImo { input: String },

    /// `000000000`.
    #[error("“{input}” is not an assigned MMSI; enter the 9 digits from the ship's radio licence.")]
    MmsiZero { input: String },

    /// Not an address, with or without a `/prefix`.
    #[error(
        "“{input}” is not an IP address or range; enter one address such as 192.0.2.10, or a range in CIDR notation such as 192.0.2.0/24 or 2001:db8::/48."
    )]
    CidrSyntax { input: String },

    /// The part after `/` is not a number from 0 to `max`.
    #[error(
        "“{input}”: the number after the / must be at most {max} for an {} address; for example 192.0.2.0/24 covers 256 addresses.",
        if *max == 32 { "IPv4" } else { "IPv6" }
    )]
    CidrPrefix { input: String, max: u8 },

    /// A range so wide it would match other people's traffic.
    #[error("“{input}”: a /{prefix} would match {} of the {family} internet; enter only your own ranges (a /{min_prefix} or longer, for example {}).", share(*prefix), family_example(family))]
    CidrTooBroad {
        input: String,
        prefix: u8,
        min_prefix: u8,
        family: &'static str,
    },

    /// Not recognisable as a host name at all (for example a URL with an
    /// unsupported scheme, or text the IDN rules refuse).
    #[error(
        "“{input}” is not a domain name; enter a name such as example.com, using letters, digits, hyphens and dots."
    )]
    DomainNotAName { input: String },

    /// A character that cannot appear in a host name.
    #[error("“{input}” contains {}, which cannot be part of a domain name; use only letters, digits, hyphens and dots, for example mail.example.com.", describe_char(*character))]
    DomainBadCharacter { input: String, character: char },

    /// `a..b`, `.example.com`.
    #[error(
        "“{input}” has two dots in a row or starts with a dot; enter the name with single dots between its parts, for example mail.example.com."
    )]
    DomainEmptyLabel { input: String },

    /// `localhost`, `com`.
    #[error(
        "“{input}” is not a full domain name; enter it with its ending, for example example.com."
    )]
    DomainSingleLabel { input: String },

    /// A label over 63 characters.
    #[error(
        "“{input}”: the part “{label}” is longer than 63 characters, which no domain name allows; check for a missing dot."
    )]
    DomainLabelTooLong { input: String, label: String },

    /// A label starting or ending with `-`.
    #[error(
        "“{input}”: the part “{label}” starts or ends with a hyphen, which no domain name allows; check the spelling."
    )]
    DomainHyphen { input: String, label: String },

    /// The last label is not a plausible top-level domain.
    #[error(
        "“{input}” does not end in a top-level domain such as .com, .no or .shipping; enter the full name, for example example.com."
    )]
    DomainBadEnding { input: String },

    /// Over 253 characters once converted.
    #[error(
        "“{input}” is {length} characters long once converted, more than the 253 a domain name can have; check that you entered one name."
    )]
    DomainTooLong { input: String, length: usize },

    /// An IP address typed into a domain field.
    #[error("“{input}” is an IP address, not a domain name; add it as an IP range instead.")]
    DomainIsAddress { input: String },

    /// An email address typed into a domain field.
    #[error(
        "“{input}” is an email address; enter just the domain after the @, or add it as an email domain to be alerted about mail from that domain."
    )]
    DomainIsEmailAddress { input: String },

    /// An `xn--` label that is not valid punycode.
    #[error(
        "“{input}” contains an xn-- part that is not valid; enter the name as you would type it, for example bücher.example, and the portal will convert it."
    )]
    DomainBadPunycode { input: String },

    /// An email address with nothing after the `@`.
    #[error("“{input}” has nothing after the @; enter the email domain, for example example.com.")]
    EmailNoDomain { input: String },

    /// A bulk paste with more than [`crate::MAX_ENTRIES`] entries.
    #[error("This list has more than {max} entries; enter at most {max} at a time.")]
    TooManyEntries { max: usize },
}

/// Why a typed indicator (a search or an analyst's entry) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ObservableError {
    /// Nothing but white space.
    #[error(
        "Nothing to look for; enter an indicator such as 185.220.101.4, evil.example or a file hash."
    )]
    Empty,

    /// Longer than [`crate::MAX_ENTRY_CHARS`].
    #[error(
        "This is {length} characters long, longer than any indicator; enter one address, domain, URL, hash or name."
    )]
    TooLong { length: usize },

    /// Not a value of the kind asked for.
    #[error("“{input}” is not {}; enter one such as {example}.", article(kind.label()))]
    Invalid {
        kind: crate::ObservableKind,
        input: String,
        example: &'static str,
    },

    /// Not a value of any kind.
    #[error(
        "“{input}” is not an address, domain, URL, e-mail address, hash, wallet, CVE or malware name; check it and try again."
    )]
    Unrecognised { input: String },
}

/// "a CVE", "an IPv4 address", "a URL".
fn article(label: &str) -> String {
    let vowel_sound = label.starts_with(['A', 'E', 'I', 'O', 'U']) && !label.starts_with("URL")
        || label.starts_with("MD5")
        || label.starts_with("SHA");
    let label = match label {
        "Domain" | "Crypto wallet" | "Malware family" => label.to_lowercase(),
        _ => label.to_owned(),
    };
    format!("{} {label}", if vowel_sound { "an" } else { "a" })
}

/// A refused entry in a bulk paste, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Line {line}: {error}")]
pub struct LineError {
    /// 1-based line number in the pasted text.
    pub line: usize,
    /// The entry as it was on that line (trimmed).
    pub input: String,
    /// What is wrong with it.
    #[source]
    pub error: EntryError,
}

/// How much of an address family a prefix covers, in words.
fn share(prefix: u8) -> String {
    match prefix {
        0 => "all".to_owned(),
        1 => "half".to_owned(),
        2 => "a quarter".to_owned(),
        3 => "an eighth".to_owned(),
        4 => "a sixteenth".to_owned(),
        5 => "a thirty-second".to_owned(),
        6 => "a sixty-fourth".to_owned(),
        p if p < 64 => format!("1/{}", 1u64 << p),
        p => format!("1/2^{p}"),
    }
}

fn family_example(family: &str) -> &'static str {
    if family == "IPv6" {
        "2001:db8:1200::/48"
    } else {
        "203.0.113.0/24"
    }
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '_' => "an underscore (_)".to_owned(),
        c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
        c => format!("“{c}”"),
    }
}

/// The input as echoed in a message: at most 64 characters.
pub(crate) fn shown(input: &str) -> String {
    const MAX: usize = 64;
    match input.char_indices().nth(MAX) {
        None => input.to_owned(),
        Some((cut, _)) => format!("{}…", &input[..cut]),
    }
}
