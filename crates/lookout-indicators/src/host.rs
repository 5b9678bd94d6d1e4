//! Host-name rules shared by watchlist entries and extraction, so that both
//! sides normalise a name to the same text.

use url::Host;

/// Longest host name in DNS, without the trailing dot.
pub(crate) const MAX_HOST_LEN: usize = 253;
/// Longest label in DNS.
pub(crate) const MAX_LABEL_LEN: usize = 63;

/// What is wrong with an ASCII host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostProblem {
    BadCharacter(char),
    EmptyLabel,
    SingleLabel,
    LabelTooLong(String),
    Hyphen(String),
    BadEnding,
    TooLong(usize),
}

/// Checks a lower-case ASCII host name: labels of letters, digits and
/// hyphens (and underscores when `allow_underscore`, as seen in the wild in
/// `_dmarc.` names), 1–63 characters, not starting or ending with a hyphen,
/// at least two labels, a plausible top-level domain, at most 253
/// characters.
pub(crate) fn check_ascii_host(host: &str, allow_underscore: bool) -> Result<(), HostProblem> {
    if let Some(c) = host.chars().find(|&c| {
        !(c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || c == '.'
            || (allow_underscore && c == '_'))
    }) {
        return Err(HostProblem::BadCharacter(c));
    }
    if host.split('.').any(str::is_empty) {
        return Err(HostProblem::EmptyLabel);
    }
    let mut labels = 0usize;
    let mut last = "";
    for label in host.split('.') {
        labels += 1;
        if label.len() > MAX_LABEL_LEN {
            return Err(HostProblem::LabelTooLong(label.to_owned()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(HostProblem::Hyphen(label.to_owned()));
        }
        last = label;
    }
    if labels < 2 {
        return Err(HostProblem::SingleLabel);
    }
    if !is_tld(last) {
        return Err(HostProblem::BadEnding);
    }
    if host.len() > MAX_HOST_LEN {
        return Err(HostProblem::TooLong(host.len()));
    }
    Ok(())
}

/// A plausible top-level domain in ASCII form: 2–24 letters, or an IDN
/// top-level domain in punycode (`xn--…`).
pub(crate) fn is_tld(label: &str) -> bool {
    let letters = (2..=24).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_lowercase());
    let punycode = label.len() > 4
        && label.starts_with("xn--")
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    letters || punycode
}

/// The ASCII (punycode, lower-case) form of a host name, by the URL
/// standard's IDNA rules. `None` when the rules refuse it or it is an IP
/// address.
pub(crate) fn to_ascii(host: &str) -> Option<String> {
    match Host::parse(host) {
        Ok(Host::Domain(d)) => Some(d),
        _ => None,
    }
}

/// Whether `host` is `base` or a subdomain of it (`mail.example.com` is
/// within `example.com`; `badexample.com` is not).
pub(crate) fn within(host: &str, base: &str) -> bool {
    match host.strip_suffix(base) {
        Some("") => true,
        Some(rest) => rest.ends_with('.'),
        None => false,
    }
}

/// File extensions that show up in incident text far more often as file
/// names than as top-level domains (`.zip` and `.mov` are real top-level
/// domains, but a bare `invoice.zip` is an attachment).
pub(crate) fn is_file_extension(label: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "exe", "dll", "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf",
        "zip", "rar", "gz", "tar", "cab", "js", "vbs", "vbe", "ps1", "bat", "cmd", "lnk", "iso",
        "img", "scr", "jar", "msi", "hta", "txt", "log", "csv", "json", "xml", "ini", "cfg", "dat",
        "bin", "tmp", "sys", "png", "jpg", "jpeg", "gif", "bmp", "svg", "htm", "html", "php",
        "asp", "aspx", "mov", "mp4",
    ];
    EXTENSIONS.contains(&label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_respects_label_boundaries() {
        assert!(within("example.com", "example.com"));
        assert!(within("mail.example.com", "example.com"));
        assert!(within("a.b.example.com", "example.com"));
        assert!(!within("badexample.com", "example.com"));
        assert!(!within("example.com", "mail.example.com"));
        assert!(!within("example.com.evil", "example.com"));
    }

    #[test]
    fn tld_rules() {
        assert!(is_tld("com"));
        assert!(is_tld("shipping"));
        assert!(is_tld("xn--p1ai"));
        assert!(!is_tld("c"));
        assert!(!is_tld("123"));
        assert!(!is_tld("co1"));
        assert!(!is_tld(&"a".repeat(25)));
    }

    #[test]
    fn ascii_host_problems() {
        assert_eq!(check_ascii_host("example.com", false), Ok(()));
        assert_eq!(
            check_ascii_host("_dmarc.example.com", false),
            Err(HostProblem::BadCharacter('_'))
        );
        assert_eq!(check_ascii_host("_dmarc.example.com", true), Ok(()));
        assert_eq!(
            check_ascii_host("a..com", false),
            Err(HostProblem::EmptyLabel)
        );
        assert_eq!(
            check_ascii_host("localhost", false),
            Err(HostProblem::SingleLabel)
        );
        assert_eq!(
            check_ascii_host("-a.com", false),
            Err(HostProblem::Hyphen("-a".into()))
        );
        assert_eq!(
            check_ascii_host("a.123", false),
            Err(HostProblem::BadEnding)
        );
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert_eq!(
            check_ascii_host(&long, false),
            Err(HostProblem::TooLong(long.len()))
        );
    }

    #[test]
    fn idn_to_ascii() {
        assert_eq!(
            to_ascii("Bücher.Example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(to_ascii("192.0.2.1"), None);
    }
}
