//! Typed observables: the indicators of incidents, advisories and analyses
//! as values a machine can look up and other tools can import.
//!
//! One value has one canonical text, so "have we seen 185.220.101.4?"
//! finds every record that carries it however it was typed (defanged,
//! upper case, with a `/32`), and so that exports (STIX, MISP) name each
//! indicator once.

use std::fmt;
use std::net::IpAddr;
use std::sync::LazyLock;

use ipnet::IpNet;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::entry::{EntryKind, MAX_ENTRY_CHARS, parse_entry};
use crate::error::{ObservableError, shown};
use crate::host::check_ascii_host;
use crate::refang::refang;

/// Narrowest-allowed IPv4 network prefix for a range indicator: a /7 is
/// not an indicator of anything.
const MIN_IPV4_PREFIX: u8 = 8;
/// The same for IPv6.
const MIN_IPV6_PREFIX: u8 = 16;
/// Longest malware family name kept.
const MAX_FAMILY_CHARS: usize = 64;

/// The kinds of typed observable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObservableKind {
    /// One IPv4 address.
    Ipv4,
    /// One IPv6 address.
    Ipv6,
    /// An IPv4 network (`/8` to `/31`).
    Ipv4Net,
    /// An IPv6 network (`/16` to `/127`).
    Ipv6Net,
    /// A DNS name.
    Domain,
    /// A URL with a scheme and a host.
    Url,
    /// An e-mail address.
    Email,
    /// File hashes.
    Md5,
    /// SHA-1 file hash.
    Sha1,
    /// SHA-256 file hash.
    Sha256,
    /// SHA-512 file hash.
    Sha512,
    /// A Bitcoin, Ethereum or Monero address.
    Wallet,
    /// A CVE identifier.
    Cve,
    /// A malware family name.
    Malware,
}

impl ObservableKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [ObservableKind; 14] = [
        ObservableKind::Ipv4,
        ObservableKind::Ipv6,
        ObservableKind::Ipv4Net,
        ObservableKind::Ipv6Net,
        ObservableKind::Domain,
        ObservableKind::Url,
        ObservableKind::Email,
        ObservableKind::Md5,
        ObservableKind::Sha1,
        ObservableKind::Sha256,
        ObservableKind::Sha512,
        ObservableKind::Wallet,
        ObservableKind::Cve,
        ObservableKind::Malware,
    ];

    /// Stable identifier for storage, URLs and the API.
    pub const fn id(self) -> &'static str {
        match self {
            ObservableKind::Ipv4 => "ipv4",
            ObservableKind::Ipv6 => "ipv6",
            ObservableKind::Ipv4Net => "ipv4-net",
            ObservableKind::Ipv6Net => "ipv6-net",
            ObservableKind::Domain => "domain",
            ObservableKind::Url => "url",
            ObservableKind::Email => "email",
            ObservableKind::Md5 => "md5",
            ObservableKind::Sha1 => "sha1",
            ObservableKind::Sha256 => "sha256",
            ObservableKind::Sha512 => "sha512",
            ObservableKind::Wallet => "wallet",
            ObservableKind::Cve => "cve",
            ObservableKind::Malware => "malware",
        }
    }

    /// The kind with this [`id`](Self::id), if any.
    pub fn from_id(id: &str) -> Option<ObservableKind> {
        Self::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// Name for people.
    pub const fn label(self) -> &'static str {
        match self {
            ObservableKind::Ipv4 => "IPv4 address",
            ObservableKind::Ipv6 => "IPv6 address",
            ObservableKind::Ipv4Net => "IPv4 range",
            ObservableKind::Ipv6Net => "IPv6 range",
            ObservableKind::Domain => "Domain",
            ObservableKind::Url => "URL",
            ObservableKind::Email => "E-mail address",
            ObservableKind::Md5 => "MD5",
            ObservableKind::Sha1 => "SHA-1",
            ObservableKind::Sha256 => "SHA-256",
            ObservableKind::Sha512 => "SHA-512",
            ObservableKind::Wallet => "Crypto wallet",
            ObservableKind::Cve => "CVE",
            ObservableKind::Malware => "Malware family",
        }
    }

    /// The hash kind of this many hex digits.
    fn of_hex_length(length: usize) -> Option<ObservableKind> {
        match length {
            32 => Some(ObservableKind::Md5),
            40 => Some(ObservableKind::Sha1),
            64 => Some(ObservableKind::Sha256),
            128 => Some(ObservableKind::Sha512),
            _ => None,
        }
    }

    const fn example(self) -> &'static str {
        match self {
            ObservableKind::Ipv4 => "185.220.101.4",
            ObservableKind::Ipv6 => "2001:db8::1",
            ObservableKind::Ipv4Net => "185.220.101.0/24",
            ObservableKind::Ipv6Net => "2001:db8::/32",
            ObservableKind::Domain => "evil.example",
            ObservableKind::Url => "https://evil.example/login",
            ObservableKind::Email => "billing@evil.example",
            ObservableKind::Md5 => "32 hexadecimal digits",
            ObservableKind::Sha1 => "40 hexadecimal digits",
            ObservableKind::Sha256 => "64 hexadecimal digits",
            ObservableKind::Sha512 => "128 hexadecimal digits",
            ObservableKind::Wallet => "a Bitcoin, Ethereum or Monero address",
            ObservableKind::Cve => "CVE-2024-3400",
            ObservableKind::Malware => "LockBit",
        }
    }
}

impl fmt::Display for ObservableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One typed, canonical indicator value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Observable {
    kind: ObservableKind,
    value: String,
}

impl Observable {
    /// Checks and normalises `input` as a value of `kind`: defanged text is
    /// refanged, addresses and hashes lower-cased, networks reduced to
    /// their first address, CVE identifiers upper-cased.
    pub fn parse(kind: ObservableKind, input: &str) -> Result<Observable, ObservableError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ObservableError::Empty);
        }
        let length = input.chars().count();
        if length > MAX_ENTRY_CHARS {
            return Err(ObservableError::TooLong { length });
        }
        let refanged = refang(input);
        let text = refanged.trim();
        let value = canonical(kind, text).ok_or_else(|| ObservableError::Invalid {
            kind,
            input: shown(input),
            example: kind.example(),
        })?;
        Ok(Observable { kind, value })
    }

    /// What kind of value this is.
    pub fn kind(&self) -> ObservableKind {
        self.kind
    }

    /// The canonical text: `185.220.101.4`, `10.0.0.0/8`, `evil.example`,
    /// `https://evil.example/x`, `a@evil.example`, lower-case hashes,
    /// `CVE-2024-3400`, the wallet address as written (Ethereum in lower
    /// case), the malware family as written.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The text two values are the same under: the value, except that
    /// malware families are compared without regard to case (`Lockbit` is
    /// `LockBit`).
    pub fn match_text(&self) -> String {
        match self.kind {
            ObservableKind::Malware => self.value.to_lowercase(),
            _ => self.value.clone(),
        }
    }

    /// The chain of a [`ObservableKind::Wallet`]: `bitcoin`, `ethereum` or
    /// `monero`.
    pub fn wallet_chain(&self) -> Option<&'static str> {
        (self.kind == ObservableKind::Wallet).then(|| wallet_chain(&self.value))?
    }

    /// The network of an address or range, for containment look-ups.
    pub fn ip_net(&self) -> Option<IpNet> {
        match self.kind {
            ObservableKind::Ipv4
            | ObservableKind::Ipv6
            | ObservableKind::Ipv4Net
            | ObservableKind::Ipv6Net => self
                .value
                .parse::<IpNet>()
                .ok()
                .or_else(|| self.value.parse::<IpAddr>().ok().map(IpNet::from)),
            _ => None,
        }
    }

    /// The host of a domain, URL or e-mail address.
    pub fn host(&self) -> Option<&str> {
        match self.kind {
            ObservableKind::Domain => Some(&self.value),
            ObservableKind::Email => self.value.rsplit_once('@').map(|(_, host)| host),
            ObservableKind::Url => {
                let rest = self.value.split_once("://")?.1;
                let authority = rest.split(['/', '?', '#']).next()?;
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                let host = match host.strip_prefix('[') {
                    Some(v6) => v6.split(']').next()?,
                    None => host.split(':').next()?,
                };
                (!host.is_empty() && host.parse::<IpAddr>().is_err()).then_some(host)
            }
            _ => None,
        }
    }

    pub(crate) fn from_parts(kind: ObservableKind, value: String) -> Observable {
        Observable { kind, value }
    }
}

impl fmt::Display for Observable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Reads one value typed into a search box, guessing its kind: a CVE
/// identifier, an address or range, an e-mail address, a URL, a hash, a
/// wallet, a domain; any other short name is taken for a malware family.
pub fn parse_observable(input: &str) -> Result<Observable, ObservableError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ObservableError::Empty);
    }
    let length = trimmed.chars().count();
    if length > MAX_ENTRY_CHARS {
        return Err(ObservableError::TooLong { length });
    }
    let refanged = refang(trimmed);
    let text = refanged.trim();
    let guesses: &[ObservableKind] = if text.contains("://") {
        &[ObservableKind::Url]
    } else if text.contains('@') {
        &[ObservableKind::Email]
    } else if text.contains('/') {
        &[ObservableKind::Ipv4Net, ObservableKind::Ipv6Net]
    } else {
        &[
            ObservableKind::Cve,
            ObservableKind::Ipv4,
            ObservableKind::Ipv6,
            ObservableKind::Md5,
            ObservableKind::Sha1,
            ObservableKind::Sha256,
            ObservableKind::Sha512,
            ObservableKind::Wallet,
            ObservableKind::Domain,
            ObservableKind::Malware,
        ]
    };
    for &kind in guesses {
        if let Some(value) = canonical(kind, text) {
            return Ok(Observable { kind, value });
        }
    }
    Err(ObservableError::Unrecognised {
        input: shown(trimmed),
    })
}

/// The canonical text of `text` (already refanged and trimmed) as `kind`.
fn canonical(kind: ObservableKind, text: &str) -> Option<String> {
    match kind {
        ObservableKind::Ipv4 => ip(text).filter(IpAddr::is_ipv4).map(|ip| ip.to_string()),
        ObservableKind::Ipv6 => ip(text).filter(IpAddr::is_ipv6).map(|ip| ip.to_string()),
        ObservableKind::Ipv4Net | ObservableKind::Ipv6Net => {
            let net = network(text)?;
            let wanted = matches!(net, IpNet::V4(_)) == (kind == ObservableKind::Ipv4Net);
            wanted.then(|| net.to_string())
        }
        ObservableKind::Domain => {
            if text.contains(['/', '@', ':']) || text.parse::<IpAddr>().is_ok() {
                return None;
            }
            let entry = parse_entry(EntryKind::Domain, text).ok()?;
            // A domain needs a dot: a single word is not one.
            entry.as_str().contains('.').then(|| entry.canonical())
        }
        ObservableKind::Url => url(text),
        ObservableKind::Email => email(text),
        ObservableKind::Md5
        | ObservableKind::Sha1
        | ObservableKind::Sha256
        | ObservableKind::Sha512 => {
            let hex = text.bytes().all(|b| b.is_ascii_hexdigit());
            (hex && ObservableKind::of_hex_length(text.len()) == Some(kind))
                .then(|| text.to_ascii_lowercase())
        }
        ObservableKind::Wallet => wallet(text),
        ObservableKind::Cve => cve(text),
        ObservableKind::Malware => family(text),
    }
}

fn ip(text: &str) -> Option<IpAddr> {
    let ip = match text.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    (!ip.is_unspecified()).then_some(ip)
}

/// A network of at least [`MIN_IPV4_PREFIX`] / [`MIN_IPV6_PREFIX`] bits
/// and narrower than one address, host bits cleared.
fn network(text: &str) -> Option<IpNet> {
    let net = text.parse::<IpNet>().ok()?.trunc();
    let (min, max) = match net {
        IpNet::V4(_) => (MIN_IPV4_PREFIX, 31),
        IpNet::V6(_) => (MIN_IPV6_PREFIX, 127),
    };
    (min..=max).contains(&net.prefix_len()).then_some(net)
}

const URL_SCHEMES: &[&str] = &["http", "https", "ftp", "ftps", "sftp", "ws", "wss", "tcp"];

fn url(text: &str) -> Option<String> {
    let parsed = url::Url::parse(text).ok()?;
    if !URL_SCHEMES.contains(&parsed.scheme()) {
        return None;
    }
    match parsed.host()? {
        url::Host::Domain(host) => check_ascii_host(host, true).ok()?,
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => {}
    }
    Some(parsed.to_string())
}

fn email(text: &str) -> Option<String> {
    let (local, host) = text.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.');
    if !local_ok {
        return None;
    }
    let domain = canonical(ObservableKind::Domain, host)?;
    Some(format!("{}@{domain}", local.to_ascii_lowercase()))
}

static CVE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?i:cve)[-‐‑–][0-9]{4}[-‐‑–][0-9]{4,7}$").ok());

fn cve(text: &str) -> Option<String> {
    CVE.as_ref()?.is_match(text).then(|| {
        let digits: Vec<&str> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        format!("CVE-{}", digits.join("-"))
    })
}

const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn wallet_chain(value: &str) -> Option<&'static str> {
    if value.starts_with("0x") {
        Some("ethereum")
    } else if value.len() >= 95 {
        Some("monero")
    } else {
        Some("bitcoin")
    }
}

/// A wallet address whose checksum holds (Bitcoin's Base58Check and
/// Bech32), or of the exact shape (Ethereum, Monero: their checksums need
/// Keccak, and a shape this long is not met by chance in prose).
fn wallet(text: &str) -> Option<String> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        let ok = hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return ok.then(|| format!("0x{}", hex.to_ascii_lowercase()));
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("bc1") {
        let same_case = text == lower || text == text.to_ascii_uppercase();
        return (same_case && bech32::segwit::decode(&lower).is_ok()).then_some(lower);
    }
    if !text.chars().all(|c| BASE58.contains(c)) {
        return None;
    }
    match text.as_bytes().first()? {
        b'1' | b'3' if (26..=35).contains(&text.len()) => {
            base58_check(text).then(|| text.to_owned())
        }
        b'4' | b'8' if text.len() == 95 || text.len() == 106 => Some(text.to_owned()),
        _ => None,
    }
}

/// Bitcoin's Base58Check: version byte 0 or 5, twenty bytes, and the first
/// four bytes of a double SHA-256 as checksum.
fn base58_check(text: &str) -> bool {
    let Ok(bytes) = bs58::decode(text).into_vec() else {
        return false;
    };
    let Some((payload, checksum)) = bytes.split_last_chunk::<4>() else {
        return false;
    };
    let digest = Sha256::digest(Sha256::digest(payload));
    payload.len() == 21 && matches!(payload[0], 0 | 5) && digest[..4] == checksum[..]
}

/// A malware family as people write it: letters, digits, spaces and
/// `. - _ !`, at least two characters and one letter, white space made
/// single.
fn family(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    let ok = (2..=MAX_FAMILY_CHARS).contains(&chars)
        && name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || " .-_!".contains(c));
    ok.then_some(name)
}

/// The range an address followed by `/prefix` in text stands for, if the
/// prefix is one a range indicator may have; host bits are cleared, since
/// `10.1.2.3/8` written in a report means the network `10.0.0.0/8`.
pub(crate) fn net_from_text(address: IpAddr, prefix: &str) -> Option<IpNet> {
    let prefix: u8 = prefix.parse().ok()?;
    let net = IpNet::new(address, prefix).ok()?.trunc();
    network(&net.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> (ObservableKind, String) {
        let o = parse_observable(input).unwrap();
        (o.kind(), o.value().to_owned())
    }

    #[test]
    fn guesses_each_kind() {
        use ObservableKind as K;
        let cases = [
            ("185.220.101[.]4", K::Ipv4, "185.220.101.4"),
            ("::ffff:192.0.2.7", K::Ipv4, "192.0.2.7"),
            ("2001:DB8:0::1", K::Ipv6, "2001:db8::1"),
            ("10.1.2.3/8", K::Ipv4Net, "10.0.0.0/8"),
            ("2001:db8::/32", K::Ipv6Net, "2001:db8::/32"),
            ("Evil[.]Example", K::Domain, "evil.example"),
            (
                "hxxps://Evil.Example/Login?a=1",
                K::Url,
                "https://evil.example/Login?a=1",
            ),
            ("Billing[@]Evil.example", K::Email, "billing@evil.example"),
            (
                "D41D8CD98F00B204E9800998ECF8427E",
                K::Md5,
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            (
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                K::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                K::Sha256,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("cve-2024-3400", K::Cve, "CVE-2024-3400"),
            (
                "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                K::Wallet,
                "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            ),
            (
                "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
                K::Wallet,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            ),
            (
                "0x52908400098527886E0F7030069857D2E4169EE7",
                K::Wallet,
                "0x52908400098527886e0f7030069857d2e4169ee7",
            ),
            ("  LockBit   3.0 ", K::Malware, "LockBit 3.0"),
        ];
        for (input, kind, value) in cases {
            assert_eq!(parsed(input), (kind, value.to_owned()), "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_value() {
        for input in ["", "   ", "0.0.0.0", "10.0.0.0/4", "a b c ! ?", "x"] {
            assert!(parse_observable(input).is_err(), "{input:?}");
        }
        // A bad Base58Check checksum is not a wallet (it becomes a family
        // name guess, which no record carries).
        let bad = parse_observable("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").unwrap();
        assert_ne!(bad.kind(), ObservableKind::Wallet);
        assert!(
            Observable::parse(ObservableKind::Wallet, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
                .is_err()
        );
    }

    #[test]
    fn errors_say_what_to_type() {
        let error = Observable::parse(ObservableKind::Cve, "CVE 24").unwrap_err();
        assert_eq!(
            error.to_string(),
            "“CVE 24” is not a CVE; enter one such as CVE-2024-3400."
        );
    }

    #[test]
    fn hosts_of_urls_and_emails() {
        let url =
            Observable::parse(ObservableKind::Url, "https://user@a.evil.example:8443/x").unwrap();
        assert_eq!(url.host(), Some("a.evil.example"));
        let ip_url = Observable::parse(ObservableKind::Url, "http://192.0.2.1/x").unwrap();
        assert_eq!(ip_url.host(), None);
        let mail = Observable::parse(ObservableKind::Email, "x@evil.example").unwrap();
        assert_eq!(mail.host(), Some("evil.example"));
    }

    #[test]
    fn wallet_chains() {
        let eth = parse_observable("0x52908400098527886E0F7030069857D2E4169EE7").unwrap();
        assert_eq!(eth.wallet_chain(), Some("ethereum"));
        let btc = parse_observable("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").unwrap();
        assert_eq!(btc.wallet_chain(), Some("bitcoin"));
        let cve = parse_observable("CVE-2024-3400").unwrap();
        assert_eq!(cve.wallet_chain(), None);
    }
}
