//! Undo the defanging analysts apply to indicators.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// `hxxp://`, `hxxps[:]//`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`,
/// `[@]`, `[at]` and their bracket and case variations. `hxxp` counts only
/// as a scheme (at a word start, followed by a colon), so words that happen
/// to contain it are left alone.
static DEFANGED: LazyLock<Result<Regex, regex::Error>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)hxxp(?P<s>s?)(?P<sep>://|\[:\]//|\[://\]|\[:\]|:)",
        r"|[\[({][ \t]?(?:\.|dot)[ \t]?[\])}]",
        r"|\[:(?://)?\]",
        r"|[\[({](?:@|at)[\])}]",
    ))
});

/// Text with defanged indicators turned back into their real form:
/// `hxxps://evil[.]example[.]com` becomes `https://evil.example.com`,
/// `user[@]example(.)com` becomes `user@example.com`, `10.0.0[.]1` becomes
/// `10.0.0.1`.
///
/// Text without any defanging is returned borrowed.
pub fn refang(text: &str) -> Cow<'_, str> {
    let Ok(re) = DEFANGED.as_ref() else {
        return Cow::Borrowed(text);
    };
    re.replace_all(text, |caps: &Captures<'_>| {
        if let Some(separator) = caps.name("sep") {
            let secure = caps.name("s").is_some_and(|s| !s.is_empty());
            let separator = separator.as_str().replace(['[', ']'], "");
            return Cow::Owned(format!("http{}{separator}", if secure { "s" } else { "" }));
        }
        let found = caps[0].to_ascii_lowercase();
        let real = if found.contains("//") {
            "://"
        } else if found.contains(':') {
            ":"
        } else if found.contains('@') || found.contains("at") {
            "@"
        } else {
            "."
        };
        Cow::Borrowed(real)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles() {
        assert!(DEFANGED.is_ok());
    }

    #[test]
    fn refangs_common_forms() {
        assert_eq!(
            refang("hxxps://evil[.]example[.]com/x"),
            "https://evil.example.com/x"
        );
        assert_eq!(refang("HXXP[://]evil(.)com"), "http://evil.com");
        assert_eq!(refang("hxxp[:]//evil{.}com"), "http://evil.com");
        assert_eq!(refang("a[@]b[dot]com"), "a@b.com");
        assert_eq!(refang("a[at]b(DOT)com"), "a@b.com");
        assert_eq!(refang("a(at)b[ . ]com"), "a@b.com");
        assert_eq!(refang("hXXpS://a.b"), "https://a.b");
        assert_eq!(refang("hxxp:a.b"), "http:a.b");
        assert_eq!(refang("(hxxps[://]x[.]y)"), "(https://x.y)");
        assert_eq!(refang("10.0.0[.]1"), "10.0.0.1");
    }

    #[test]
    fn leaves_plain_text_alone() {
        assert!(matches!(
            refang("nothing (here) [at all]"),
            Cow::Borrowed("nothing (here) [at all]")
        ));
        assert_eq!(refang("[2001:db8::1]:443"), "[2001:db8::1]:443");
        // `hxxp` only as a scheme.
        assert_eq!(refang("ahxxpa.aa and hxxpb"), "ahxxpa.aa and hxxpb");
    }
}
