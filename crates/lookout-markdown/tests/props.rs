//! Property tests: no input makes `render` or `quote` panic, and no input
//! gets a script or an event handler through.

mod common;

use lookout_markdown::{Limits, quote, render};
use proptest::prelude::*;

/// Strings built from Markdown and HTML fragments, which reach far more of
/// the parser than uniformly random characters do.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "&",
        "#",
        "*",
        "_",
        "`",
        "~",
        "[",
        "]",
        "(",
        ")",
        "!",
        "|",
        "-",
        ":",
        "\"",
        "'",
        "\\",
        "\n",
        "\n\n",
        " ",
        "    ",
        "> ",
        "- ",
        "1. ",
        "```",
        "a",
        "script",
        "javascript:",
        "on",
        "onerror=",
        "href=",
        "<script>",
        "</script>",
        "<img src=x ",
        "<a href=",
        "&#x61;",
        "&#58;",
        "http://",
        "/",
        "//",
        "data:",
        "mailto:",
        "@",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<svg",
        "\t",
        "\u{0}",
        "\u{a0}",
        "é",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn render_is_safe_on_markdownish_text(text in markdownish()) {
        let out = render(&text, &Limits::default()).unwrap();
        prop_assert!(!out.html.to_ascii_lowercase().contains("<script"));
        if let Err(e) = common::check_html(&out.html) {
            prop_assert!(false, "{e}: {:?} -> {:?}", text, out.html);
        }
        prop_assert!(out.html.len() <= 12 * text.len() + 1024);
    }

    #[test]
    fn render_is_safe_on_any_text(text in any::<String>()) {
        let out = render(&text, &Limits::default()).unwrap();
        prop_assert!(!out.html.to_ascii_lowercase().contains("<script"));
        if let Err(e) = common::check_html(&out.html) {
            prop_assert!(false, "{e}: {:?} -> {:?}", text, out.html);
        }
    }

    #[test]
    fn render_with_tiny_limits_never_panics(text in markdownish(), max_input_bytes in 0usize..64, max_nesting in 0usize..4) {
        let limits = Limits { max_input_bytes, max_nesting };
        match render(&text, &limits) {
            Ok(out) => prop_assert!(common::check_html(&out.html).is_ok()),
            Err(e) => prop_assert!(text.len() > max_input_bytes, "{e}"),
        }
    }

    #[test]
    fn quote_never_panics_and_stays_quoted(text in any::<String>(), max_chars in 0usize..200) {
        let quoted = quote(&text, max_chars);
        for line in quoted.lines() {
            prop_assert!(line == ">" || line.starts_with("> "), "{line:?}");
        }
        prop_assert!(quoted.chars().count() <= 3 * max_chars + 8);
    }
}
