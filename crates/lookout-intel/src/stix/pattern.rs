//! STIX patterns for the typed observables.

use lookout_indicators::{Observable, ObservableKind};

use super::build::WALLET_SCO_TYPE;

/// Escapes a value for a STIX pattern string literal: `\` becomes `\\`
/// and `'` becomes `\'` (STIX 2.1 patterning §9.4). Values come from
/// reports, so a quote in a URL must not end the literal early.
pub fn escape_pattern_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The STIX pattern that matches an observable, or `None` for the kinds
/// that are not patterns but objects of their own (CVE → vulnerability,
/// malware family → malware).
///
/// Networks use `ISSUBSET`, so an address inside the range matches; file
/// hashes use the hash names of the `hash-algorithm-ov`.
pub fn pattern_for(observable: &Observable) -> Option<String> {
    let v = escape_pattern_string(observable.value());
    let (path, op) = match observable.kind() {
        ObservableKind::Ipv4 => ("ipv4-addr:value", "="),
        ObservableKind::Ipv6 => ("ipv6-addr:value", "="),
        ObservableKind::Ipv4Net => ("ipv4-addr:value", "ISSUBSET"),
        ObservableKind::Ipv6Net => ("ipv6-addr:value", "ISSUBSET"),
        ObservableKind::Domain => ("domain-name:value", "="),
        ObservableKind::Url => ("url:value", "="),
        ObservableKind::Email => ("email-addr:value", "="),
        ObservableKind::Md5 => ("file:hashes.MD5", "="),
        ObservableKind::Sha1 => ("file:hashes.'SHA-1'", "="),
        ObservableKind::Sha256 => ("file:hashes.'SHA-256'", "="),
        ObservableKind::Sha512 => ("file:hashes.'SHA-512'", "="),
        ObservableKind::Wallet => {
            return Some(format!("[{WALLET_SCO_TYPE}:value = '{v}']"));
        }
        ObservableKind::Cve | ObservableKind::Malware => return None,
    };
    Some(format!("[{path} {op} '{v}']"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(kind: ObservableKind, v: &str) -> Observable {
        Observable::parse(kind, v).unwrap()
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(escape_pattern_string(r"a'b\c"), r"a\'b\\c");
        assert_eq!(escape_pattern_string("plain"), "plain");
        let url = obs(ObservableKind::Url, "https://evil.example/it's");
        assert_eq!(url.value(), "https://evil.example/it's");
        assert_eq!(
            pattern_for(&url).unwrap(),
            r"[url:value = 'https://evil.example/it\'s']"
        );
    }

    #[test]
    fn each_kind_gets_its_object_path() {
        assert_eq!(
            pattern_for(&obs(ObservableKind::Ipv4, "185.220.101.4")).unwrap(),
            "[ipv4-addr:value = '185.220.101.4']"
        );
        assert_eq!(
            pattern_for(&obs(ObservableKind::Ipv4Net, "10.0.0.0/8")).unwrap(),
            "[ipv4-addr:value ISSUBSET '10.0.0.0/8']"
        );
        assert_eq!(
            pattern_for(&obs(
                ObservableKind::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709"
            ))
            .unwrap(),
            "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"
        );
        assert!(pattern_for(&obs(ObservableKind::Cve, "CVE-2024-3400")).is_none());
    }
}
