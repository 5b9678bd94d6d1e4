//! Which links survive: absolute http(s), no credentials, not absurdly long.

use url::Url;

/// Longest link kept, in bytes, before and after resolution. Real article
/// links with tracking parameters stay well under it.
pub(crate) const MAX_URL_BYTES: usize = 2048;

/// A link as the feed wrote it, with the `xml:base` in force where it stood.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawLink {
    pub(crate) href: String,
    pub(crate) base: Option<Url>,
}

/// Resolves `raw` against its own base, else `fallback` (the feed's link,
/// then the address it was fetched from), and keeps it only if it is safe to
/// show as a link.
pub(crate) fn resolve(raw: &RawLink, fallbacks: &[Option<&Url>]) -> Option<Url> {
    let href = raw.href.trim();
    if href.is_empty() || href.len() > MAX_URL_BYTES {
        return None;
    }
    let base = raw
        .base
        .as_ref()
        .or_else(|| fallbacks.iter().flatten().copied().next());
    let url = match base {
        Some(base) => base.join(href),
        None => Url::parse(href),
    }
    .ok()?;
    safe(url)
}

/// `url` if it is http(s) with a host, no user name or password, and short
/// enough; `None` otherwise.
pub(crate) fn safe(url: Url) -> Option<Url> {
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.as_str().len() <= MAX_URL_BYTES;
    ok.then_some(url)
}

/// An `xml:base` value resolved against the base already in force.
pub(crate) fn rebase(current: Option<&Url>, value: &str) -> Option<Url> {
    let value = value.trim();
    if value.len() > MAX_URL_BYTES {
        return None;
    }
    match current {
        Some(base) => base.join(value).ok(),
        None => Url::parse(value).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(href: &str, base: Option<&str>) -> Option<String> {
        let base = base.map(|b| Url::parse(b).unwrap());
        let raw = RawLink {
            href: href.into(),
            base: None,
        };
        resolve(&raw, &[base.as_ref()]).map(String::from)
    }

    #[test]
    fn only_plain_web_links_survive() {
        assert_eq!(
            link(" https://a.example/x ", None).as_deref(),
            Some("https://a.example/x")
        );
        assert_eq!(
            link("/x", Some("https://a.example/news/")).as_deref(),
            Some("https://a.example/x")
        );
        assert_eq!(
            link("y", Some("https://a.example/news/")).as_deref(),
            Some("https://a.example/news/y")
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "file:///etc/passwd",
            "ftp://a.example/",
            "https://user:pw@a.example/",
            "https://user@a.example/",
            "relative/without/base",
            "http://",
            "",
        ] {
            assert_eq!(link(bad, None), None, "{bad:?}");
            assert_eq!(
                link(bad, Some("https://a.example/")).filter(|_| bad.contains(':')),
                None,
                "{bad:?}"
            );
        }
        let long = format!("https://a.example/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(link(&long, None), None);
    }

    #[test]
    fn non_web_base_makes_relative_links_unsafe() {
        assert_eq!(link("x", Some("file:///tmp/")), None);
    }
}
