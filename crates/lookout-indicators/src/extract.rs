//! Identifiers mentioned in free text (incident indicators, advisory bodies).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use ipnet::IpNet;
use regex::Regex;

use crate::entry::{Entry, EntryKind, is_valid_imo, is_valid_mmsi};
use crate::host::{MAX_HOST_LEN, check_ascii_host, is_file_extension, is_tld, to_ascii, within};
use crate::observable::{Observable, ObservableKind, net_from_text};
use crate::refang::refang;

/// Most mentions kept per kind (IMO numbers, MMSIs, IP addresses, domains,
/// email addresses, email domains); [`Mentions::is_truncated`] tells when
/// some were dropped.
pub const MAX_MENTIONS_PER_KIND: usize = 10_000;

/// Most keys [`Mentions::lookup_keys`] returns. Domain suffixes are produced
/// shortest first, so only unusually deep subdomains are dropped.
pub const MAX_LOOKUP_KEYS: usize = 100_000;

/// Longest host-like token looked at, in bytes. A host name is at most 253
/// characters in ASCII; a Unicode name of that length can take about four
/// times as many bytes before conversion.
const MAX_TOKEN_BYTES: usize = 4 * MAX_HOST_LEN;
/// Longest textual IPv6 address (with an embedded IPv4 address).
const MAX_IPV6_TEXT: usize = 45;
/// Longest local part of an email address.
const MAX_EMAIL_LOCAL: usize = 64;

/// One host label as written in text, before normalisation: letters, marks
/// and digits of any script, hyphens, underscores.
const LABEL: &str = r"[\p{L}\p{M}\p{N}_-]+";

struct Patterns {
    imo: Regex,
    mmsi: Regex,
    host: Regex,
    email: Regex,
    ipv6: Regex,
    url: Regex,
    hex: Regex,
    cve: Regex,
    wallet: Regex,
    family: Regex,
    prefix: Regex,
}

impl Patterns {
    fn new() -> Result<Patterns, regex::Error> {
        let host = format!(r"{LABEL}(?:\.{LABEL})+");
        // `(?-u:\b)` (ASCII word boundary) keeps every pattern within what
        // the lazy DFA runs, whatever script the text is in.
        Ok(Patterns {
            imo: Regex::new(
                r"(?i)(?-u:\b)imo(?:[ \t]*(?:no\.?|nr\.?|num\.?|number))?[ \t]*[:#=.\-]?[ \t]*([0-9]{7})(?-u:\b)",
            )?,
            mmsi: Regex::new(
                r"(?i)(?-u:\b)mmsi(?:[ \t]*(?:no\.?|nr\.?|num\.?|number))?[ \t:=#.\-(]{0,4}([0-9]{9})(?-u:\b)",
            )?,
            email: Regex::new(&format!(r"([A-Za-z0-9._%+\-]+)@({host})"))?,
            host: Regex::new(&host)?,
            ipv6: Regex::new(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:\.[0-9]+\.[0-9]+\.[0-9]+)?")?,
            url: Regex::new(r"(?i)(?-u:\b)(?:https?|ftps?|sftp|wss?|tcp)://[^\s<>\x22'`]+")?,
            hex: Regex::new(r"(?-u:\b)[0-9A-Fa-f]{32,128}(?-u:\b)")?,
            cve: Regex::new(r"(?i)(?-u:\b)cve-[0-9]{4}-[0-9]{4,7}(?-u:\b)")?,
            wallet: Regex::new(concat!(
                r"(?-u:\b)(?:0[xX][0-9A-Fa-f]{40}|[13][1-9A-HJ-NP-Za-km-z]{25,34}",
                r"|[bB][cC]1[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}|[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?)(?-u:\b)",
            ))?,
            // Families only where labelled, one a line: a name in prose
            // cannot be told from any other capitalised word.
            family: Regex::new(concat!(
                r"(?im)^[ \t>*•-]*(?:malware(?:[ \t]+famil(?:y|ies))?|famil(?:y|ies)|ransomware|trojan|rat",
                r"|loader|stealer|infostealer|backdoor|wiper|botnet)[ \t]*[:=][ \t]*([^\r\n]{1,200})$",
            ))?,
            prefix: Regex::new(r"^/([0-9]{1,3})(?:[^0-9]|$)")?,
        })
    }
}

static PATTERNS: LazyLock<Result<Patterns, regex::Error>> = LazyLock::new(Patterns::new);

/// The identifiers mentioned in a text, normalised and de-duplicated.
///
/// Values use the same canonical text as [`Entry::canonical`]: `IMO9074729`,
/// `235012345`, lower-case punycode domains, `local@domain` emails with a
/// lower-case local part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    imos: BTreeSet<String>,
    mmsis: BTreeSet<String>,
    ips: BTreeSet<IpAddr>,
    domains: BTreeSet<String>,
    emails: BTreeSet<String>,
    email_domains: BTreeSet<String>,
    nets: BTreeSet<IpNet>,
    stated_domains: BTreeSet<String>,
    urls: BTreeSet<String>,
    others: BTreeSet<Observable>,
    truncated: bool,
}

impl Mentions {
    /// IMO numbers (labelled `IMO` in the text, with a valid check digit),
    /// as `IMO9074729`.
    pub fn imos(&self) -> &BTreeSet<String> {
        &self.imos
    }

    /// MMSIs (labelled `MMSI` in the text), as nine digits.
    pub fn mmsis(&self) -> &BTreeSet<String> {
        &self.mmsis
    }

    /// IPv4 and IPv6 addresses; IPv4-mapped IPv6 addresses appear as IPv4.
    pub fn ips(&self) -> &BTreeSet<IpAddr> {
        &self.ips
    }

    /// Host names, including the domains of URLs and email addresses.
    pub fn domains(&self) -> &BTreeSet<String> {
        &self.domains
    }

    /// Email addresses.
    pub fn emails(&self) -> &BTreeSet<String> {
        &self.emails
    }

    /// The domains of [`emails`](Self::emails).
    pub fn email_domains(&self) -> &BTreeSet<String> {
        &self.email_domains
    }

    /// IP ranges (`10.0.0.0/8`), host bits cleared.
    pub fn nets(&self) -> &BTreeSet<IpNet> {
        &self.nets
    }

    /// Nothing was found.
    pub fn is_empty(&self) -> bool {
        self.imos.is_empty()
            && self.mmsis.is_empty()
            && self.ips.is_empty()
            && self.domains.is_empty()
            && self.emails.is_empty()
            && self.nets.is_empty()
            && self.urls.is_empty()
            && self.others.is_empty()
    }

    /// The typed indicators as written: addresses, ranges, domains written
    /// on their own (not the hosts of URLs and e-mail addresses, which are
    /// found through [`Observable::host`]), URLs, e-mail addresses, hashes,
    /// wallets, CVE identifiers and labelled malware families. Sorted by
    /// kind, then value.
    pub fn observables(&self) -> Vec<Observable> {
        let mut all: BTreeSet<Observable> = self.others.clone();
        for ip in &self.ips {
            let kind = if ip.is_ipv4() {
                ObservableKind::Ipv4
            } else {
                ObservableKind::Ipv6
            };
            all.insert(Observable::from_parts(kind, ip.to_string()));
        }
        for net in &self.nets {
            let kind = match net {
                IpNet::V4(_) => ObservableKind::Ipv4Net,
                IpNet::V6(_) => ObservableKind::Ipv6Net,
            };
            all.insert(Observable::from_parts(kind, net.to_string()));
        }
        for (kind, values) in [
            (ObservableKind::Domain, &self.stated_domains),
            (ObservableKind::Url, &self.urls),
            (ObservableKind::Email, &self.emails),
        ] {
            // Text accepts a little more than a typed value (a host with
            // an odd punycode label); only what reads back as typed is an
            // indicator.
            all.extend(
                values
                    .iter()
                    .filter_map(|v| Observable::parse(kind, v).ok()),
            );
        }
        all.into_iter().collect()
    }

    /// Some kind had more than [`MAX_MENTIONS_PER_KIND`] distinct mentions
    /// and the rest were dropped.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Whether a watchlist entry is mentioned: IMO numbers and MMSIs
    /// exactly, an IP range when it contains a mentioned address or
    /// overlaps a mentioned range, a domain
    /// when a mentioned host is it or one of its subdomains, an email domain
    /// when a mentioned address is at it or one of its subdomains.
    /// Subdomains count on label boundaries only: `mail.example.com` matches
    /// `example.com`, `badexample.com` does not.
    pub fn matches(&self, entry: &Entry) -> bool {
        let value = entry.as_str();
        match entry.kind() {
            EntryKind::Imo => self.imos.contains(value),
            EntryKind::Mmsi => self.mmsis.contains(value),
            EntryKind::Cidr => entry.ip_net().is_some_and(|net| {
                self.ips
                    .range(net.network()..=net.broadcast())
                    .next()
                    .is_some()
                    || self
                        .nets
                        .iter()
                        .any(|mentioned| mentioned.contains(&net) || net.contains(mentioned))
            }),
            EntryKind::Domain => self.domains.iter().any(|host| within(host, value)),
            EntryKind::EmailDomain => self.email_domains.iter().any(|host| within(host, value)),
        }
    }

    /// Every `(kind, canonical)` of an exact-match entry that
    /// [`matches`](Self::matches) these mentions, for looking entries up by
    /// their keyed hash instead of scanning them.
    ///
    /// IMO numbers and MMSIs as they are; for each mentioned host every
    /// suffix of two labels or more (`a.b.example.com`, `b.example.com`,
    /// `example.com`, never the bare top-level domain), as
    /// [`EntryKind::Domain`] keys, and the same for email domains as
    /// [`EntryKind::EmailDomain`] keys. CIDR entries have no keys; check them
    /// with [`matches`](Self::matches).
    ///
    /// De-duplicated, at most [`MAX_LOOKUP_KEYS`], shortest suffixes first.
    pub fn lookup_keys(&self) -> Vec<(EntryKind, String)> {
        let mut keys: Vec<(EntryKind, String)> = Vec::new();
        keys.extend(self.imos.iter().map(|v| (EntryKind::Imo, v.clone())));
        keys.extend(self.mmsis.iter().map(|v| (EntryKind::Mmsi, v.clone())));
        keys.truncate(MAX_LOOKUP_KEYS);

        let domains = label_starts(&self.domains);
        let email_domains = label_starts(&self.email_domains);
        let mut depth = 2;
        loop {
            let mut deeper = false;
            for (kind, hosts) in [
                (EntryKind::Domain, &domains),
                (EntryKind::EmailDomain, &email_domains),
            ] {
                let mut level = BTreeSet::new();
                for (host, starts) in hosts {
                    if let Some(&start) =
                        starts.len().checked_sub(depth).and_then(|i| starts.get(i))
                    {
                        level.insert(&host[start..]);
                        deeper |= starts.len() > depth;
                    }
                }
                for suffix in level {
                    if keys.len() >= MAX_LOOKUP_KEYS {
                        return keys;
                    }
                    keys.push((kind, suffix.to_owned()));
                }
            }
            if !deeper {
                return keys;
            }
            depth += 1;
        }
    }

    fn insert<T: Ord>(set: &mut BTreeSet<T>, value: T, truncated: &mut bool) {
        if set.len() < MAX_MENTIONS_PER_KIND {
            set.insert(value);
        } else if !set.contains(&value) {
            *truncated = true;
        }
    }
}

/// Each host with the byte offsets where its labels start.
fn label_starts(hosts: &BTreeSet<String>) -> Vec<(&str, Vec<usize>)> {
    hosts
        .iter()
        .map(|host| {
            let starts = std::iter::once(0)
                .chain(host.match_indices('.').map(|(i, _)| i + 1))
                .collect();
            (host.as_str(), starts)
        })
        .collect()
}

/// Finds the identifiers mentioned in `text`, after undoing defanging
/// (`hxxps://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[@]`, `[at]`).
///
/// * IMO numbers only when labelled (`IMO 9074729`, `IMO: 9074729`,
///   `IMO no. 9074729`) and with a valid check digit.
/// * MMSIs only when labelled (`MMSI 235012345`, `MMSI: 235012345`,
///   `mmsi=235012345`).
/// * IPv4 and IPv6 addresses.
/// * Host names with a plausible top-level domain (2–24 letters, or
///   punycode), bare or in URLs and email addresses; bare names ending in a
///   common file extension (`invoice.pdf`, `setup.exe`, `notes.zip`) are
///   skipped, as are dotted numbers that are not IPv4 addresses (`1.2.3`).
/// * Email addresses (and their domains, as domains too).
///
/// Runs in time linear in the length of the text.
pub fn extract(text: &str) -> Mentions {
    let mut found = Mentions::default();
    let Ok(patterns) = PATTERNS.as_ref() else {
        return found;
    };
    let refanged = refang(text);
    let text: &str = &refanged;
    let truncated = &mut found.truncated;

    for caps in patterns.imo.captures_iter(text) {
        if let Some(digits) = caps.get(1)
            && is_valid_imo(digits.as_str())
        {
            let value = format!("IMO{}", digits.as_str());
            Mentions::insert(&mut found.imos, value, truncated);
        }
    }

    for caps in patterns.mmsi.captures_iter(text) {
        if let Some(digits) = caps.get(1)
            && is_valid_mmsi(digits.as_str())
        {
            Mentions::insert(&mut found.mmsis, digits.as_str().to_owned(), truncated);
        }
    }

    // Where the local parts of email addresses are, so that `john.smith`
    // in `john.smith@example.com` is not taken for a host name.
    let mut local_parts = Vec::new();
    for caps in patterns.email.captures_iter(text) {
        let (Some(local), Some(domain)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        local_parts.push(local.range());
        let local = local.as_str().trim_matches('.');
        if local.is_empty() || local.len() > MAX_EMAIL_LOCAL {
            continue;
        }
        let Some(host) = mentioned_host(domain.as_str(), true) else {
            continue;
        };
        let email = format!("{}@{host}", local.to_ascii_lowercase());
        Mentions::insert(&mut found.emails, email, truncated);
        Mentions::insert(&mut found.email_domains, host.clone(), truncated);
        Mentions::insert(&mut found.domains, host, truncated);
    }

    for found_url in patterns.url.find_iter(text) {
        let written = trim_url(found_url.as_str());
        if let Ok(url) = Observable::parse(ObservableKind::Url, written) {
            Mentions::insert(&mut found.urls, url.value().to_owned(), truncated);
        }
    }

    let mut local_parts = local_parts.into_iter().peekable();
    for token in patterns.host.find_iter(text) {
        while local_parts
            .next_if(|local| local.end <= token.start())
            .is_some()
        {}
        if local_parts
            .peek()
            .is_some_and(|local| local.start <= token.start())
            || text[token.end()..].starts_with('@')
        {
            // The local part of an email address (`john.smith@`,
            // `first.last+tag@`).
            continue;
        }
        let token_text = token.as_str();
        if token_text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            if let Ok(ip) = token_text.parse::<Ipv4Addr>()
                && !ip.is_unspecified()
            {
                match range_after(patterns, text, token.end(), IpAddr::V4(ip)) {
                    Some(net) => Mentions::insert(&mut found.nets, net, truncated),
                    None => Mentions::insert(&mut found.ips, IpAddr::V4(ip), truncated),
                }
            }
            continue;
        }
        let before = &text[..token.start()];
        let in_url_or_email = before.ends_with("://") || before.ends_with('@');
        if let Some(host) = mentioned_host(token_text, in_url_or_email) {
            if !in_url_or_email && !before.ends_with(['/', '.']) {
                Mentions::insert(&mut found.stated_domains, host.clone(), truncated);
            }
            Mentions::insert(&mut found.domains, host, truncated);
        }
    }

    for candidate in patterns.ipv6.find_iter(text) {
        let address = candidate.as_str();
        if address.len() > MAX_IPV6_TEXT || address.bytes().filter(|&b| b == b':').count() < 2 {
            continue;
        }
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        if text[..candidate.start()]
            .chars()
            .next_back()
            .is_some_and(is_word)
            || text[candidate.end()..].chars().next().is_some_and(is_word)
        {
            // Part of a longer word (`std::io`, `Vec::new`).
            continue;
        }
        let Ok(v6) = address.parse::<Ipv6Addr>() else {
            continue;
        };
        if v6.is_unspecified() {
            continue;
        }
        let ip = v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4);
        match range_after(patterns, text, candidate.end(), ip) {
            Some(net) => Mentions::insert(&mut found.nets, net, truncated),
            None => Mentions::insert(&mut found.ips, ip, truncated),
        }
    }

    extract_other_kinds(patterns, text, &mut found);
    found
}

/// Hashes, CVE identifiers, wallets and labelled malware families.
fn extract_other_kinds(patterns: &Patterns, text: &str, found: &mut Mentions) {
    let truncated = &mut found.truncated;
    let others = &mut found.others;
    for hex in patterns.hex.find_iter(text) {
        let digits = hex.as_str();
        // A run of only digits or only letters is a number or a word.
        let mixed = digits.bytes().any(|b| b.is_ascii_digit())
            && digits.bytes().any(|b| b.is_ascii_alphabetic());
        let kind = match digits.len() {
            32 => ObservableKind::Md5,
            40 => ObservableKind::Sha1,
            64 => ObservableKind::Sha256,
            128 => ObservableKind::Sha512,
            _ => continue,
        };
        if mixed && let Ok(hash) = Observable::parse(kind, digits) {
            Mentions::insert(others, hash, truncated);
        }
    }
    for (pattern, kind) in [
        (&patterns.cve, ObservableKind::Cve),
        (&patterns.wallet, ObservableKind::Wallet),
    ] {
        for found in pattern.find_iter(text) {
            if let Ok(value) = Observable::parse(kind, found.as_str()) {
                Mentions::insert(others, value, truncated);
            }
        }
    }
    for caps in patterns.family.captures_iter(text) {
        let Some(names) = caps.get(1) else { continue };
        for name in names
            .as_str()
            .split([',', ';', '/', '|'])
            .flat_map(|part| part.split(" and "))
        {
            // "LockBit 3.0 (ransomware)": the remark is not the name.
            let name = name.split(['(', '[']).next().unwrap_or_default();
            let name = name.trim().trim_end_matches(['.', ':']);
            if let Ok(family) = Observable::parse(ObservableKind::Malware, name) {
                Mentions::insert(others, family, truncated);
            }
        }
    }
}

/// The range written as `address/prefix` when `/prefix` follows the
/// address at `end`.
fn range_after(patterns: &Patterns, text: &str, end: usize, address: IpAddr) -> Option<IpNet> {
    let caps = patterns.prefix.captures(&text[end..])?;
    net_from_text(address, caps.get(1)?.as_str())
}

/// A URL as found in prose, without the punctuation that ends the
/// sentence around it, and without a closing bracket it did not open.
fn trim_url(url: &str) -> &str {
    let mut url = url;
    loop {
        let Some(last) = url.chars().next_back() else {
            return url;
        };
        let unopened = |open: char, close: char| {
            last == close && url.matches(open).count() < url.matches(close).count()
        };
        if ".,;:!?".contains(last) || unopened('(', ')') || unopened('[', ']') || unopened('{', '}')
        {
            url = &url[..url.len() - last.len_utf8()];
        } else {
            return url;
        }
    }
}

/// The canonical form of a host-like token found in text, if it is
/// plausibly a host name. `in_url_or_email`: it follows `://` or `@`, so a
/// file-extension ending (`.zip`) is a real top-level domain.
fn mentioned_host(token: &str, in_url_or_email: bool) -> Option<String> {
    // Markdown emphasis (`_evil.example_`) and stray hyphens are not part
    // of the name.
    let token = token.trim_matches(['-', '_']);
    if token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let tld = token.rsplit('.').next()?;
    let plausible = if tld.is_ascii() {
        let tld = tld.to_ascii_lowercase();
        is_tld(&tld) && (in_url_or_email || !is_file_extension(&tld))
    } else {
        (2..=24).contains(&tld.chars().count()) && tld.chars().all(char::is_alphabetic)
    };
    if !plausible {
        return None;
    }
    let ascii = if token.is_ascii() {
        token.to_ascii_lowercase()
    } else {
        to_ascii(token)?
    };
    let ascii = ascii.strip_suffix('.').map(str::to_owned).unwrap_or(ascii);
    check_ascii_host(&ascii, true).ok()?;
    Some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_entry;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn entry(kind: EntryKind, input: &str) -> Entry {
        parse_entry(kind, input).unwrap()
    }

    #[test]
    fn patterns_compile() {
        if let Err(e) = PATTERNS.as_ref() {
            panic!("{e}");
        }
    }

    #[test]
    fn nothing_in_plain_prose() {
        let m = extract("The master reported nothing unusual. All systems nominal; ETA 14:30.");
        assert!(m.is_empty(), "{m:?}");
        assert!(extract("").is_empty());
    }

    #[test]
    fn imo_numbers_need_label_and_check_digit() {
        let m = extract(
            "Vessel IMO 9074729 and IMO: 9319466, imo9074729 again; \
             IMO no. 9074728 (bad check digit), bare 9319466, IMO 90747290 too long.",
        );
        assert_eq!(m.imos(), &set(&["IMO9074729", "IMO9319466"]));

        let m = extract("reference 9074729 only");
        assert!(m.imos().is_empty());
        let m = extract("IMO 0000000");
        assert!(m.imos().is_empty());
        let m = extract("MIMO 9074729 antenna");
        assert!(m.imos().is_empty());
    }

    #[test]
    fn mmsis_need_label() {
        let m = extract(
            "MMSI 235012345; MMSI: 235012346\nmmsi=235012347 (MMSI 000000000) \
             call 235012348 MMSI 2350123499",
        );
        assert_eq!(m.mmsis(), &set(&["235012345", "235012346", "235012347"]));
    }

    #[test]
    fn defanged_urls() {
        let m = extract(
            "C2: hxxps://evil[.]example[.]com/gate.php and hxxp://cdn(.)bad-actor{.}net:8080/x, \
             also update[dot]example[dot]org and HXXPS[://]upper[.]example[.]io",
        );
        assert_eq!(
            m.domains(),
            &set(&[
                "cdn.bad-actor.net",
                "evil.example.com",
                "update.example.org",
                "upper.example.io"
            ])
        );
        assert!(m.ips().is_empty());
    }

    #[test]
    fn emails_and_their_domains() {
        let m = extract(
            "Phish from Payroll.Dept@Evil-Mail.example.COM and billing[@]fake-agent[.]com, \
             reply-to <x.y+z@bücher.example>, first.last+tag@example.net.",
        );
        assert_eq!(
            m.emails(),
            &set(&[
                "billing@fake-agent.com",
                "first.last+tag@example.net",
                "payroll.dept@evil-mail.example.com",
                "x.y+z@xn--bcher-kva.example"
            ])
        );
        let domains = set(&[
            "evil-mail.example.com",
            "example.net",
            "fake-agent.com",
            "xn--bcher-kva.example",
        ]);
        assert_eq!(m.email_domains(), &domains);
        // Local parts are not domains; email domains are.
        assert_eq!(m.domains(), &domains);
    }

    #[test]
    fn ip_addresses() {
        let m = extract(
            "Beacon to 198.51.100.23:443 and 203.0.113[.]9, v6 2001:db8::dead:beef and \
             [2001:DB8:0:0::1]:8443, mapped ::ffff:192.0.2.7; not 999.1.1.1, 1.2.3, \
             10.0.19041.1, 0.0.0.0, ::, std::io or 12:30:45.",
        );
        let ips: Vec<String> = m.ips().iter().map(ToString::to_string).collect();
        assert_eq!(
            ips,
            [
                "192.0.2.7",
                "198.51.100.23",
                "203.0.113.9",
                "2001:db8::1",
                "2001:db8::dead:beef"
            ]
        );
        assert!(m.domains().is_empty(), "{:?}", m.domains());
    }

    #[test]
    fn file_names_and_versions_are_not_domains() {
        let m = extract(
            "Attachment invoice.pdf dropped setup.exe, loader.js, payload.ZIP, run.ps1, \
             readme.txt, index.html; version 1.2.3, v2.0.1, build 10.0.19041, e.g. i.e. \
             _evil.example_ -dash.example-",
        );
        assert_eq!(m.domains(), &set(&["dash.example", "evil.example"]));
    }

    #[test]
    fn zip_is_a_domain_in_urls_and_emails() {
        let m = extract("see https://files.zip/x and a@mail.mov but not notes.zip");
        assert_eq!(m.domains(), &set(&["files.zip", "mail.mov"]));
    }

    #[test]
    fn unicode_hosts_are_punycode() {
        let m = extract("Lookalike: http://пример.рф/login and Bücher.example.");
        assert_eq!(
            m.domains(),
            &set(&["xn--bcher-kva.example", "xn--e1afmkfd.xn--p1ai"])
        );
    }

    #[test]
    fn matches_on_label_boundaries() {
        let m = extract("Seen: mail.example.com, ops@crew.shipco.example, 10.1.2.3, 2001:db8::5");
        assert!(m.matches(&entry(EntryKind::Domain, "example.com")));
        assert!(m.matches(&entry(EntryKind::Domain, "mail.example.com")));
        assert!(!m.matches(&entry(EntryKind::Domain, "xample.com")));
        assert!(!m.matches(&entry(EntryKind::Domain, "badexample.com")));
        assert!(!m.matches(&entry(EntryKind::Domain, "www.mail.example.com")));
        assert!(m.matches(&entry(EntryKind::Domain, "shipco.example")));
        assert!(m.matches(&entry(EntryKind::EmailDomain, "shipco.example")));
        assert!(m.matches(&entry(EntryKind::EmailDomain, "crew.shipco.example")));
        assert!(!m.matches(&entry(EntryKind::EmailDomain, "example.com")));
        assert!(!m.matches(&entry(EntryKind::EmailDomain, "hipco.example")));
        assert!(m.matches(&entry(EntryKind::Cidr, "10.0.0.0/8")));
        assert!(m.matches(&entry(EntryKind::Cidr, "10.1.2.3")));
        assert!(!m.matches(&entry(EntryKind::Cidr, "10.1.2.4")));
        assert!(!m.matches(&entry(EntryKind::Cidr, "11.0.0.0/8")));
        assert!(m.matches(&entry(EntryKind::Cidr, "2001:db8::/32")));
        assert!(!m.matches(&entry(EntryKind::Cidr, "2001:db9::/32")));
    }

    #[test]
    fn matches_ships() {
        let m = extract("IMO 9074729 / MMSI 235012345");
        assert!(m.matches(&entry(EntryKind::Imo, "9074729")));
        assert!(!m.matches(&entry(EntryKind::Imo, "9319466")));
        assert!(m.matches(&entry(EntryKind::Mmsi, "235012345")));
        assert!(!m.matches(&entry(EntryKind::Mmsi, "235012346")));
    }

    #[test]
    fn lookup_keys_cover_suffixes() {
        let m = extract(
            "IMO 9074729, MMSI 235012345, https://a.b.example.com/x, x@mail.example.org, 192.0.2.1",
        );
        let keys = m.lookup_keys();
        let keys: Vec<(EntryKind, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            keys,
            [
                (EntryKind::Imo, "IMO9074729"),
                (EntryKind::Mmsi, "235012345"),
                (EntryKind::Domain, "example.com"),
                (EntryKind::Domain, "example.org"),
                (EntryKind::EmailDomain, "example.org"),
                (EntryKind::Domain, "b.example.com"),
                (EntryKind::Domain, "mail.example.org"),
                (EntryKind::EmailDomain, "mail.example.org"),
                (EntryKind::Domain, "a.b.example.com"),
            ]
        );
        // Every key, as an entry, matches.
        for (kind, key) in m.lookup_keys() {
            assert!(m.matches(&entry(kind, &key)), "{kind:?} {key}");
        }
    }

    fn observed(text: &str) -> Vec<(ObservableKind, String)> {
        extract(text)
            .observables()
            .into_iter()
            .map(|o| (o.kind(), o.value().to_owned()))
            .collect()
    }

    #[test]
    fn typed_indicators_from_an_indicators_field() {
        use ObservableKind as K;
        let found = observed(
            "C2: hxxps://evil[.]example/gate.php?id=7 (seen 3 Nov), 185.220.101[.]4:443\n\
             Scan from 45.155.205.0/24 and 2001:db8:bad::/48; payload \
             E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855.\n\
             Phish sender: billing[@]fake-agent[.]com, look-alike shipco-ops.example\n\
             Exploited CVE-2024-3400; ransom to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\n\
             Malware: LockBit 3.0 (ransomware), Cobalt Strike\n\
             Build 20240101 and order 1234567890123456789012345678901234 are not hashes.",
        );
        assert_eq!(
            found,
            [
                (K::Ipv4, "185.220.101.4".to_owned()),
                (K::Ipv4Net, "45.155.205.0/24".to_owned()),
                (K::Ipv6Net, "2001:db8:bad::/48".to_owned()),
                (K::Domain, "shipco-ops.example".to_owned()),
                (K::Url, "https://evil.example/gate.php?id=7".to_owned()),
                (K::Email, "billing@fake-agent.com".to_owned()),
                (
                    K::Sha256,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_owned()
                ),
                (
                    K::Wallet,
                    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".to_owned()
                ),
                (K::Cve, "CVE-2024-3400".to_owned()),
                (K::Malware, "Cobalt Strike".to_owned()),
                (K::Malware, "LockBit 3.0".to_owned()),
            ]
        );
    }

    #[test]
    fn each_value_reparses_to_itself() {
        let m = extract(
            "http://[2001:db8::1]:8080/a https://x.example/(a) 10.9.8.7/16 ::ffff:1.2.3.4/120 \
             0x52908400098527886E0F7030069857D2E4169EE7 family: Emotet",
        );
        for o in m.observables() {
            let again = Observable::parse(o.kind(), o.value()).unwrap();
            assert_eq!(again, o);
        }
        assert!(
            m.observables()
                .iter()
                .any(|o| o.value() == "https://x.example/(a)")
        );
        assert!(m.nets().iter().any(|n| n.to_string() == "10.9.0.0/16"));
    }

    #[test]
    fn watched_ranges_match_overlapping_ranges() {
        let m = extract("Scanning from 45.155.205.0/24.");
        assert!(m.matches(&entry(EntryKind::Cidr, "45.155.0.0/16")));
        assert!(m.matches(&entry(EntryKind::Cidr, "45.155.205.7")));
        assert!(!m.matches(&entry(EntryKind::Cidr, "45.155.206.0/24")));
    }

    #[test]
    fn caps_mentions_per_kind() {
        let text: String = (0..MAX_MENTIONS_PER_KIND + 5)
            .map(|i| format!("host{i}.example "))
            .collect();
        let m = extract(&text);
        assert_eq!(m.domains().len(), MAX_MENTIONS_PER_KIND);
        assert!(m.is_truncated());
        assert!(!extract("a.example").is_truncated());
    }

    #[test]
    fn megabyte_inputs_are_handled() {
        const MB: usize = 1 << 20;
        let inputs = [
            "a.".repeat(MB / 2),
            "a".repeat(MB),
            ":".repeat(MB),
            "1.".repeat(MB / 2),
            "a@".repeat(MB / 2),
            "IMO ".repeat(MB / 4),
            "[.]".repeat(MB / 3),
            "é.".repeat(MB / 3),
            "x@y.example ".repeat(MB / 12),
            "ab:".repeat(MB / 3),
            "中文.例子 ".repeat(MB / 14),
            "IMO 9074729 MMSI 235012345 ".repeat(MB / 28),
            (0..MB / 16)
                .map(|i| format!("{}.{}.{}.{} ", i % 251, i / 251 % 251, 7, 9))
                .collect(),
            (0..MB / 24)
                .map(|i| format!("u{i}@h{i}.a.b.example "))
                .collect(),
            (0..MB / 24)
                .map(|i| format!("2001:db8::{:x} ", i))
                .collect(),
        ];
        for text in &inputs {
            let start = std::time::Instant::now();
            let m = extract(text);
            let keys = m.lookup_keys();
            assert!(keys.len() <= MAX_LOOKUP_KEYS);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "{:?}… took {:?}",
                text.chars().take(12).collect::<String>(),
                start.elapsed()
            );
        }
    }
}
