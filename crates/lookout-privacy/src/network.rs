//! Network identifiers: e-mail addresses, private IP addresses, internal
//! host names, `DOMAIN\user` accounts and home-directory paths.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, is_word, next_char, prev_char, word_at};
use crate::words;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("network pattern compiles")
}

// ---------------------------------------------------------------- e-mail

/// `local@domain.tld`, also defanged: `[@]`, `[at]`, `(at)`, `[.]`, `[dot]`.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        \b[a-z0-9_%+-][a-z0-9._%+'-]*
        (?:@|\s?\[@\]\s?|\s?\[at\]\s?|\s?\(at\)\s?)
        (?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?
           (?:\.|\s?\[\.\]\s?|\s?\[dot\]\s?|\s?\(dot\)\s?|\(\.\)))+
        \p{L}{2,63}\b")
});

/// An address spelled out to dodge harvesters: `j.smith at company dot
/// com`, `ops (at) acme (dot) gr`, `j dot smith at ...`. The word `dot`
/// is rare in narratives otherwise, and the address must end in a common
/// top-level domain, so "at port" alone never matches.
static SPELLED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        \b(?:[a-z0-9_%+'-]+(?:\s+dot\s+|\.))*[a-z0-9_%+'-]+
        \s*(?:\s at \s|\[at\]|\(at\)|\{at\}|@)\s*
        (?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?
           \s*(?:\s dot \s|\[dot\]|\(dot\)|\{dot\}|\.)\s*)+
        (?:com|net|org|info|biz|io|co|uk|gr|no|dk|se|fi|de|nl|be|fr|es|it|pt|pl|ru|ua|tr
          |cy|mt|cn|hk|tw|jp|kr|sg|my|id|ph|vn|th|in|pk|bd|lk|ae|sa|qa|om|eg|ng|gh|za|ke
          |br|mx|ar|cl|pa|lr|mh|us|ca|au|nz)\b")
});

pub(crate) fn emails(text: &str, out: &mut Vec<Candidate>) {
    for m in EMAIL.find_iter(text) {
        out.push(Candidate::new(m.start(), m.end(), Kind::Email));
    }
    for m in SPELLED_EMAIL.find_iter(text) {
        // Only the spelled-out forms: the ones above are already taken.
        let spelled = m.as_str().to_ascii_lowercase();
        if spelled.contains(" dot ") || spelled.contains(" at ") {
            out.push(Candidate::new(m.start(), m.end(), Kind::Email));
        }
    }
}

// ---------------------------------------------------------------- IP

static IPV4: LazyLock<Regex> = LazyLock::new(|| re(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"));
static IPV6: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[0-9a-f]{0,4}:[0-9a-f:]*:[0-9a-f:.]*(?:%[0-9a-z_.-]+)?"));

/// Private, loopback, link-local and shared (CGNAT, 100.64.0.0/10).
pub(crate) fn v4_private(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
}

/// Loopback, unique local (fc00::/7), link-local (fe80::/10), the old
/// site-local (fec0::/10) and IPv4-mapped private addresses.
pub(crate) fn v6_private(ip: Ipv6Addr) -> bool {
    let s0 = ip.segments()[0];
    ip.is_loopback()
        || (s0 & 0xfe00) == 0xfc00
        || (s0 & 0xffc0) == 0xfe80
        || (s0 & 0xffc0) == 0xfec0
        || ip.to_ipv4_mapped().is_some_and(v4_private)
}

fn parse_v4(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        *o = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

/// Finds IP addresses. Every address found goes to `all` (so that no other
/// detector reads one as a phone number); private ones become candidates.
pub(crate) fn ips(text: &str, all: &mut Vec<(usize, usize)>, out: &mut Vec<Candidate>) {
    for m in IPV4.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let before = prev_char(text, s);
        // A placeholder's `]` or `[` stands where a word was.
        if word_at(before) || matches!(before, Some('.' | ']')) {
            continue;
        }
        let mut after = text[e..].chars();
        match after.next() {
            Some(c) if is_word(c) || c == '[' => continue,
            Some('.') if after.next().is_some_and(|c| c.is_ascii_digit()) => continue,
            _ => {}
        }
        let Some(ip) = parse_v4(m.as_str()) else {
            continue;
        };
        all.push((s, e));
        if v4_private(ip) {
            out.push(Candidate::new(s, e, Kind::PrivateIp));
        }
    }
    for m in IPV6.find_iter(text) {
        let s = m.start();
        if matches!(prev_char(text, s), Some(c) if is_word(c) || matches!(c, ':' | '.' | ']')) {
            continue;
        }
        // Glued to a word or a placeholder: not an address ("fe80::1c2b:[EMAIL]").
        if matches!(next_char(text, m.end()), Some(c) if is_word(c) || c == '[') {
            continue;
        }
        let mut cand = m.as_str();
        let (addr, zone) = match cand.split_once('%') {
            Some((a, z)) => (a, z.len() + 1),
            None => (cand, 0),
        };
        // Trailing punctuation that is not part of the address.
        let mut addr = addr;
        let ip = loop {
            if let Ok(ip) = addr.parse::<Ipv6Addr>() {
                break Some(ip);
            }
            match addr.strip_suffix([':', '.']) {
                Some(shorter) if zone == 0 => addr = shorter,
                _ => break None,
            }
        };
        let Some(ip) = ip else { continue };
        if zone == 0 {
            cand = addr;
        }
        let e = s + cand.len();
        if matches!(next_char(text, e), Some(c) if is_word(c) || c == '[') {
            continue;
        }
        all.push((s, e));
        if v6_private(ip) {
            out.push(Candidate::new(s, e, Kind::PrivateIp));
        }
    }
}

// ---------------------------------------------------------------- hosts

/// Names under suffixes that only exist inside an organisation.
static INTERNAL_FQDN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+(?:local|lan|internal|intranet|corp|home\.arpa|localdomain|intra|private)(?-u:\b)",
    )
});

/// A single-label name after a word that says it is a machine.
static HOST_CUE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?ix)
        (?-u:\b)(?:host\s?names?|hosts?|computer\s?names?|computers?|servers?|workstations?|pcs?|laptops?
           |desktops?|machines?|endpoints?|vms?|domain\s+controllers?|device\s?names?|nodes?)(?-u:\b)
        (?:\s+(?:name|called|named|affected|involved|compromised|infected|encrypted))?
        (?:\s+(?:is|was))?
        \s*[:=]?\s*[\"'“‘(]?
        ([A-Za-z0-9][A-Za-z0-9_-]{1,62})"#)
});

static HOST_MORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:,|/|&|(?-u:\b)and(?-u:\b))\s*([A-Za-z0-9][A-Za-z0-9_-]{1,62})(?-u:\b)")
});

/// Host names by naming convention, with no cue: `BRIDGE-PC01`,
/// `SRV-DC01`, Windows' default `DESKTOP-7H3K2LQ`.
static HOST_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:[A-Z][A-Z0-9]*-)+(?:PC|WS|SRV|SVR|DC|LT|NB|VM|FS|NAS|HOST|SERVER|LAPTOP|DESKTOP)-?\d{1,4}(?-u:\b)|(?-u:\b)(?:DESKTOP|LAPTOP|WIN)-[A-Z0-9]{7,11}(?-u:\b)",
    )
});

/// The server part of a UNC path: `\\BRIDGE-PC01\share`.
static UNC: LazyLock<Regex> = LazyLock::new(|| re(r"\\\\([A-Za-z0-9][A-Za-z0-9_-]{0,62})"));

pub(crate) fn hosts(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    for m in INTERNAL_FQDN.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        if matches!(prev_char(text, s), Some('.' | '-')) {
            continue;
        }
        let mut after = text[e..].chars();
        match after.next() {
            Some('-') => continue,
            Some('.')
                if after
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '[') =>
            {
                continue;
            }
            _ => {}
        }
        out.push(Candidate::new(s, e, Kind::Host));
    }
    // A rejected token may itself be a cue ("host host PC-1"): resume there.
    let mut at = 0;
    while let Some(caps) = HOST_CUE.captures_at(text, at) {
        let m = caps.get(1).expect("group 1 always participates");
        let (s, e) = (m.start(), m.end());
        if host_token_ok(text, m.as_str(), e) && !protected.overlaps(s, e) {
            out.push(Candidate::new(s, e, Kind::Host));
            at = e;
            // "hosts: VCT-TOS01, VCT-TOS02 and ..."
            while let Some(c) = HOST_MORE.captures(&text[at..]) {
                let n = c.get(1).expect("group 1 always participates");
                let (s, e) = (at + n.start(), at + n.end());
                if !host_token_ok(text, n.as_str(), e) || protected.overlaps(s, e) {
                    break;
                }
                out.push(Candidate::new(s, e, Kind::Host));
                at = e;
            }
        } else {
            at = s;
        }
    }
    for m in HOST_SHAPE.find_iter(text) {
        let mut after = text[m.end()..].chars();
        let dotted = matches!(prev_char(text, m.start()), Some('.' | '-'))
            || match after.next() {
                Some('-') => true,
                Some('.') => after
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '['),
                _ => false,
            };
        if !dotted && !protected.overlaps(m.start(), m.end()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::Host));
        }
    }
    for caps in UNC.captures_iter(text) {
        let m = caps.get(1).expect("group 1 always participates");
        let name = m.as_str();
        // The whole label, not a dotted name (those follow the suffix rule).
        let whole = !matches!(next_char(text, m.end()), Some(c) if is_word(c) || matches!(c, '.' | '-' | '['));
        if whole && !name.bytes().all(|b| b.is_ascii_digit()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::Host));
        }
    }
}

fn host_token_ok(text: &str, token: &str, end: usize) -> bool {
    if token.len() < 2 || token.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // Part of a dotted name, an address, an account or a path; or cut
    // short by the pattern's length limit.
    let mut after = text[end..].chars();
    match after.next() {
        Some('.')
            if after
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '[') =>
        {
            return false;
        }
        Some(c) if is_word(c) || matches!(c, '@' | '\\' | '/' | '-' | '[') => return false,
        _ => {}
    }
    // A year or a product generation: "Server 2019", "Windows Server 2016R2".
    let b = token.as_bytes();
    if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) && (b[0] == b'1' || b[0] == b'2') {
        return false;
    }
    if words::is_stop(token) || words::is_acronym(token) {
        return false;
    }
    let has_digit = b.iter().any(u8::is_ascii_digit);
    let has_letter = b.iter().any(u8::is_ascii_alphabetic);
    let upper = !b.iter().any(u8::is_ascii_lowercase);
    // A version ("v2", "V10") is no host name.
    if (b[0] == b'v' || b[0] == b'V') && b.len() > 1 && b[1].is_ascii_digit() {
        return false;
    }
    has_letter && (has_digit || (upper && b.len() >= 3))
}

// ---------------------------------------------------------------- accounts

static ACCOUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"([A-Za-z][A-Za-z0-9_-]{0,14})\\([A-Za-z][A-Za-z0-9._-]{0,63}\$?)"));

pub(crate) fn accounts(text: &str, out: &mut Vec<Candidate>) {
    let mut at = 0;
    while let Some(caps) = ACCOUNT.captures_at(text, at) {
        let whole = caps.get(0).expect("group 0");
        let domain = caps.get(1).expect("group 1").as_str();
        let user = caps.get(2).expect("group 2").as_str().trim_end_matches('.');
        let (s, e) = (whole.start(), whole.start() + domain.len() + 1 + user.len());
        // Resume after the backslash: the user part may start another match.
        at = s + domain.len() + 1;
        if matches!(prev_char(text, s), Some(c) if is_word(c) || matches!(c, '\\' | '/' | ':' | '.' | '%' | '$' | '-' | ']'))
        {
            continue;
        }
        // Continued by a path, or cut short by the pattern's length limit.
        if matches!(next_char(text, e), Some(c) if is_word(c) || matches!(c, '\\' | '/' | '-' | '['))
        {
            continue;
        }
        if words::is_builtin_domain(domain) || words::is_builtin_account(user) {
            continue;
        }
        // "NT AUTHORITY\SYSTEM", "NT SERVICE\..."
        if text[..s].trim_end().ends_with("NT") && prev_char(text, s) == Some(' ') {
            continue;
        }
        out.push(Candidate::new(s, e, Kind::Account));
    }
}

// ---------------------------------------------------------------- paths

static WIN_HOME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?-u:\b)[a-z]:[\\/]+(?:users|documents and settings)[\\/]+|(?:^|[\s'\x22(=])\\users\\")
});
static UNIX_HOME: LazyLock<Regex> =
    LazyLock::new(|| re(r"/(?:home|Users|export/home|usr/home|var/home)/"));

/// Profile folders that belong to no one.
fn generic_profile(name: &str) -> bool {
    let lower = name.to_lowercase();
    matches!(
        lower.as_str(),
        "public"
            | "default"
            | "default user"
            | "all users"
            | "defaultapppool"
            | "shared"
            | "guest"
            | "administrator"
            | "admin"
            | "root"
            | "%username%"
            | "$user"
            | "${user}"
            | "<user>"
            | "<username>"
            | "{user}"
            | "{username}"
            | "*"
            | "."
            | ".."
    ) || lower.starts_with('%')
        || lower.starts_with('<')
        || lower.starts_with('[')
        || lower.starts_with('$')
}

/// The user segment that starts at `at`: up to the next separator; it may
/// hold spaces ("John Smith") only when a separator follows.
fn user_segment(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let stop = |c: char| {
        matches!(
            c,
            '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '\n' | '\r' | '\t'
        )
    };
    let full = rest.find(stop).unwrap_or(rest.len());
    let seg = &rest[..full];
    let sep_follows = matches!(rest[full..].chars().next(), Some('\\' | '/'));
    // "John Smith\Desktop": up to three plain words when a separator
    // follows; otherwise the first word only.
    let plain = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    let words = seg.split(' ').count();
    let seg = if seg.contains(' ')
        && !(sep_follows && seg.len() <= 40 && words <= 3 && seg.split(' ').all(plain))
    {
        &seg[..seg.find(' ').unwrap_or(seg.len())]
    } else {
        seg
    };
    let seg = seg.trim_end_matches(['.', ',', ';', '!', '?', ')', '\'', '’']);
    let seg = seg.trim_end();
    // A user name starts with a letter or digit; brackets mean a
    // placeholder is already there.
    if !seg.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        || seg.contains(['[', ']'])
        || seg.chars().count() > 64
        || generic_profile(seg)
    {
        return None;
    }
    Some((at, at + seg.len()))
}

pub(crate) fn user_paths(text: &str, out: &mut Vec<Candidate>) {
    for m in WIN_HOME.find_iter(text) {
        if let Some((s, e)) = user_segment(text, m.end()) {
            out.push(Candidate::new(s, e, Kind::UserPath));
        }
    }
    for m in UNIX_HOME.find_iter(text) {
        let s = m.start();
        let ok = match prev_char(text, s) {
            None => true,
            Some('/') => text[..s].ends_with("file://"),
            Some(c) => {
                c.is_whitespace()
                    || matches!(
                        c,
                        '"' | '\''
                            | '`'
                            | '“'
                            | '‘'
                            | '('
                            | '<'
                            | '='
                            | ':'
                            | ','
                            | ';'
                            | '>'
                            | '|'
                    )
            }
        };
        if ok && let Some((s, e)) = user_segment(text, m.end()) {
            out.push(Candidate::new(s, e, Kind::UserPath));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut all = Vec::new();
        let mut out = Vec::new();
        ips(text, &mut all, &mut out);
        let prot = protect::spans(text, &all);
        emails(text, &mut out);
        hosts(text, &prot, &mut out);
        accounts(text, &mut out);
        user_paths(text, &mut out);
        out.sort_by_key(|c| (c.start, c.end));
        out.iter()
            .map(|c| (c.kind, &text[c.start..c.end]))
            .collect()
    }

    #[test]
    fn emails_plain_and_defanged() {
        assert_eq!(
            found("from ops.manager@acme-shipping.com, cc: j.o'neil+x@mail.example.gr."),
            vec![
                (Kind::Email, "ops.manager@acme-shipping.com"),
                (Kind::Email, "j.o'neil+x@mail.example.gr")
            ]
        );
        assert_eq!(
            found("sender billing[at]bunker-pay[.]com"),
            vec![(Kind::Email, "billing[at]bunker-pay[.]com")]
        );
    }

    #[test]
    fn emails_spelled_out() {
        assert_eq!(
            found("write to j.smith at nordkap-shipping dot no today"),
            vec![(Kind::Email, "j.smith at nordkap-shipping dot no")]
        );
        assert_eq!(
            found("reply to ops (at) acme-crew dot com.ph"),
            vec![(Kind::Email, "ops (at) acme-crew dot com.ph")]
        );
        assert_eq!(
            found("j dot smith at mail dot example dot gr"),
            vec![(Kind::Email, "j dot smith at mail dot example dot gr")]
        );
        assert!(found("we arrived at Piraeus at 14:00 and stayed at anchor").is_empty());
        assert!(found("the dot matrix printer at the office").is_empty());
    }

    #[test]
    fn private_ips_only() {
        let t = "10.0.0.5, 172.16.4.20, 172.32.0.1, 192.168.1.10/24, 127.0.0.1, 169.254.10.1, \
                 100.64.1.1, 100.128.0.1, 185.220.101.4, 8.8.8.8 fd12:3456:789a::1 fe80::1%eth0 \
                 2001:db8::1 2a00:1450:4001:80b::200e ::ffff:10.1.2.3";
        let got: Vec<&str> = found(t).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            got,
            vec![
                "10.0.0.5",
                "172.16.4.20",
                "192.168.1.10",
                "127.0.0.1",
                "169.254.10.1",
                "100.64.1.1",
                "fd12:3456:789a::1",
                "fe80::1%eth0",
                "::ffff:10.1.2.3",
                "10.1.2.3",
            ]
        );
    }

    #[test]
    fn ip_lookalikes_are_ignored() {
        assert!(found("v10.2.3.4 and 1.2.3.4.5 and 14:32:10 and 00:1a:2b:3c:4d:5e").is_empty());
    }

    #[test]
    fn host_names() {
        let t = "hostname BRIDGE-PC01 joined dc01.acme.local; server: srv-files2 and the server was \
                 off. Workstation ECDIS stayed up. Share \\\\NAVPC3\\charts. DESKTOP-7H3K2LQ. \
                 host evil-c2.example.com and Windows Server 2019, mail.corp.example.com";
        assert_eq!(
            found(t),
            vec![
                (Kind::Host, "BRIDGE-PC01"),
                (Kind::Host, "BRIDGE-PC01"),
                (Kind::Host, "dc01.acme.local"),
                (Kind::Host, "srv-files2"),
                (Kind::Host, "NAVPC3"),
                (Kind::Host, "DESKTOP-7H3K2LQ"),
            ]
        );
    }

    #[test]
    fn accounts_but_not_paths_or_builtins() {
        let t = r"logged on as ACME\jsmith then NT AUTHORITY\SYSTEM, HKLM\Software and C:\Windows\System32\cmd.exe; corp\svc_backup$.";
        assert_eq!(
            found(t),
            vec![
                (Kind::Account, r"ACME\jsmith"),
                (Kind::Account, r"corp\svc_backup$")
            ]
        );
    }

    #[test]
    fn home_paths() {
        let t = r"dropped C:\Users\jsmith\AppData\Roaming\upd.exe and C:\Users\John Smith\Desktop\x.lnk, /home/ivan/.ssh/id_rsa, /Users/maria and C:\Users\Public\x; see https://evil.example/home/x";
        assert_eq!(
            found(t),
            vec![
                (Kind::UserPath, "jsmith"),
                (Kind::UserPath, "John Smith"),
                (Kind::UserPath, "ivan"),
                (Kind::UserPath, "maria"),
            ]
        );
    }
}
