//! HTML to text in one linear pass (see "Decisions" in the crate docs for
//! why not html5ever's tokenizer). It follows the HTML5 tokenizer where that
//! changes which characters are text: quoted attribute values may hold `>`,
//! comments end at `-->`, `<!…>` and `<?…>` are bogus comments, `<` not
//! followed by a letter is text, and script-like elements are raw text up to
//! their own end tag. Everything else about tags is thrown away.

use web_atoms::NAMED_ENTITIES;

use crate::text::Sink;

/// Elements whose contents are never text for a reader: raw-text elements
/// the tokenizer skips to their end tag.
const RAW_DROPPED: &[&str] = &[
    "script", "style", "noscript", "iframe", "noembed", "noframes", "title", "textarea",
];
/// Raw text that browsers do show, so it is kept (without decoding).
const RAW_KEPT: &[&str] = &["xmp"];
/// Ordinary markup whose contents are not reading text; they nest, so a
/// counter rather than a skip.
const SUPPRESSED: &[&str] = &["template", "svg", "head", "select"];

/// Elements that separate words: their tags become a space so that
/// `<p>a</p><p>b</p>` reads "a b", not "ab". Also used for XHTML content.
pub(crate) fn is_block(name: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "img",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// Elements whose contents are dropped when they appear as XML children
/// (XHTML content, or unescaped HTML inside an RSS description).
pub(crate) fn is_dropped(name: &str) -> bool {
    RAW_DROPPED
        .iter()
        .chain(SUPPRESSED)
        .any(|b| b.eq_ignore_ascii_case(name))
}

/// Writes the text of an HTML fragment to `out`: entities decoded, a space
/// where blocks meet (the sink collapses runs of them).
pub(crate) fn to_text(html: &str, out: &mut Sink<'_>) {
    let b = html.as_bytes();
    let mut suppressed: u32 = 0;
    let mut text_from = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'&' => {
                if suppressed == 0 {
                    out.push_str(&html[text_from..i]);
                }
                let (decoded, len) = char_ref(&html[i..], false);
                if suppressed == 0 {
                    decoded.push_to_sink(out);
                }
                i += len;
                text_from = i;
            }
            b'<' => {
                let Some(markup) = markup_at(html, i) else {
                    // A `<` that opens nothing is text; leave it in the run.
                    i += 1;
                    continue;
                };
                if suppressed == 0 {
                    out.push_str(&html[text_from..i]);
                }
                match markup.kind {
                    Markup::Other => {}
                    Markup::Start { self_closing } => {
                        let name = markup.name;
                        if let Some(raw) = find_word(RAW_DROPPED, name) {
                            i = after_end_tag(html, markup.end, raw);
                            text_from = i;
                            continue;
                        }
                        if let Some(raw) = find_word(RAW_KEPT, name) {
                            let close = end_tag_at(html, markup.end, raw);
                            if suppressed == 0 {
                                out.push(' ');
                                out.push_str(&html[markup.end..close.unwrap_or(html.len())]);
                                out.push(' ');
                            }
                            i = after_end_tag(html, markup.end, raw);
                            text_from = i;
                            continue;
                        }
                        if name.eq_ignore_ascii_case("plaintext") {
                            if suppressed == 0 {
                                out.push(' ');
                                out.push_str(&html[markup.end..]);
                            }
                            return;
                        }
                        if find_word(SUPPRESSED, name).is_some() && !self_closing {
                            suppressed = suppressed.saturating_add(1);
                        } else if suppressed == 0 && is_block(name) {
                            out.push(' ');
                        }
                    }
                    Markup::End => {
                        let name = markup.name;
                        if find_word(SUPPRESSED, name).is_some() {
                            suppressed = suppressed.saturating_sub(1);
                        } else if suppressed == 0 && is_block(name) {
                            out.push(' ');
                        }
                    }
                }
                i = markup.end;
                text_from = i;
            }
            _ => i += 1,
        }
    }
    if suppressed == 0 {
        out.push_str(&html[text_from..]);
    }
}

fn find_word(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|w| w.eq_ignore_ascii_case(name))
}

enum Markup {
    Start {
        self_closing: bool,
    },
    End,
    /// Comments, doctypes, processing instructions, `</>`: dropped whole.
    Other,
}

struct Found<'a> {
    kind: Markup,
    name: &'a str,
    /// Byte index just past the markup.
    end: usize,
}

/// What the `<` at `i` opens, or `None` if it is a plain character.
fn markup_at(html: &str, i: usize) -> Option<Found<'_>> {
    let b = html.as_bytes();
    let next = *b.get(i + 1)?;
    let other = |end| {
        Some(Found {
            kind: Markup::Other,
            name: "",
            end,
        })
    };
    match next {
        c if c.is_ascii_alphabetic() => {
            let (name, after) = tag_name(html, i + 1);
            let (end, self_closing) = skip_attributes(b, after);
            Some(Found {
                kind: Markup::Start { self_closing },
                name,
                end,
            })
        }
        b'/' => match b.get(i + 2) {
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(html, i + 2);
                let (end, _) = skip_attributes(b, after);
                Some(Found {
                    kind: Markup::End,
                    name,
                    end,
                })
            }
            Some(b'>') => other(i + 3),
            // `</` then end of input is text in HTML5; dropping it is harmless.
            None => other(b.len()),
            Some(_) => other(past_gt(b, i + 2)),
        },
        b'!' => {
            if html[i..].starts_with("<!--") {
                let body = i + 4;
                // `<!-->` and `<!--->` close at once, as in HTML5.
                if html[body..].starts_with('>') {
                    return other(body + 1);
                }
                if html[body..].starts_with("->") {
                    return other(body + 2);
                }
                let end = html[body..].find("-->").map_or(b.len(), |p| body + p + 3);
                other(end)
            } else {
                other(past_gt(b, i + 2))
            }
        }
        b'?' => other(past_gt(b, i + 2)),
        _ => None,
    }
}

fn past_gt(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == b'>')
        .map_or(b.len(), |p| from + p + 1)
}

/// The tag name starting at `from` (a letter) and the index after it.
fn tag_name(html: &str, from: usize) -> (&str, usize) {
    let b = html.as_bytes();
    let len = b[from..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        .unwrap_or(b.len() - from);
    // The name ends at an ASCII byte (or the end), so this is a char boundary.
    (&html[from..from + len], from + len)
}

/// Skips attributes up to and including the `>` that closes the tag,
/// honouring quoted values. Returns the index after the tag (the end of the
/// input if it never closes: the tag is then dropped, as in HTML5) and
/// whether it ended with `/>`.
fn skip_attributes(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut slash = false;
    while i < b.len() {
        match b[i] {
            b'>' => return (i + 1, slash),
            b'/' => {
                slash = true;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                slash = false;
                // Attribute name: the first character may be anything,
                // even `=`, `"` or `'`.
                i += 1;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>' | b'='
                    )
                {
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && b[i] == b'=' {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    match b.get(i) {
                        Some(&q @ (b'"' | b'\'')) => {
                            i = b[i + 1..]
                                .iter()
                                .position(|&c| c == q)
                                .map_or(b.len(), |p| i + 1 + p + 1);
                        }
                        Some(b'>') | None => {}
                        Some(_) => {
                            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    (b.len(), false)
}

/// Index of the `<` of the first `</name` (any case) at or after `from`
/// that ends a raw-text element.
fn end_tag_at(html: &str, from: usize, name: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut at = from;
    while let Some(p) = b.get(at..)?.iter().position(|&c| c == b'<') {
        let lt = at + p;
        let name_at = lt + 2;
        let after = name_at + name.len();
        if b.get(lt + 1) == Some(&b'/')
            && b.get(name_at..after)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after)
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

/// Index just past the end tag of the raw-text element `name`, or the end.
fn after_end_tag(html: &str, from: usize, name: &str) -> usize {
    match end_tag_at(html, from, name) {
        Some(lt) => skip_attributes(html.as_bytes(), lt + 2 + name.len()).0,
        None => html.len(),
    }
}

/// A decoded reference: one or two chars, or the text to keep as it was.
pub(crate) enum Decoded<'a> {
    Chars(char, Option<char>),
    Literal(&'a str),
}

impl Decoded<'_> {
    pub(crate) fn push_to_sink(&self, out: &mut Sink<'_>) {
        match *self {
            Decoded::Chars(a, b) => {
                out.push(a);
                if let Some(b) = b {
                    out.push(b);
                }
            }
            Decoded::Literal(s) => out.push_str(s),
        }
    }

    pub(crate) fn push_to(&self, out: &mut String) {
        match *self {
            Decoded::Chars(a, b) => {
                out.push(a);
                if let Some(b) = b {
                    out.push(b);
                }
            }
            Decoded::Literal(s) => out.push_str(s),
        }
    }
}

/// Decodes the character reference at the start of `s` (which starts with
/// `&`) the HTML5 way, returning it and how many bytes it took. In attribute
/// values a legacy name without `;` followed by `=` or a letter/digit is
/// left alone, so `?a=1&copy=2` stays a query string.
pub(crate) fn char_ref(s: &str, in_attribute: bool) -> (Decoded<'_>, usize) {
    let b = s.as_bytes();
    let literal = (Decoded::Literal("&"), 1);
    match b.get(1) {
        Some(b'#') => numeric_ref(s).unwrap_or(literal),
        Some(c) if c.is_ascii_alphanumeric() => {
            let Some((len, a, c2)) = longest_entity(&s[1..]) else {
                return literal;
            };
            let ends_with_semicolon = s.as_bytes()[len] == b';';
            if in_attribute
                && !ends_with_semicolon
                && b.get(len + 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'=')
            {
                return literal;
            }
            (Decoded::Chars(a, c2), len + 1)
        }
        _ => literal,
    }
}

/// The longest entity name that `s` starts with, as (length in bytes,
/// chars). The table holds every prefix of every name (mapped to 0), so the
/// walk stops as soon as no name can match; names are at most 32 bytes.
fn longest_entity(s: &str) -> Option<(usize, char, Option<char>)> {
    let b = s.as_bytes();
    let mut best = None;
    let mut len = 0;
    while len < b.len() && len < 40 {
        let c = b[len];
        if !(c.is_ascii_alphanumeric() || c == b';') {
            break;
        }
        len += 1;
        // ASCII so far, so `len` is a char boundary.
        match NAMED_ENTITIES.get(&s[..len]) {
            None => break,
            Some(&(0, _)) => {}
            Some(&(a, c2)) => {
                if let Some(a) = char::from_u32(a) {
                    best = Some((len, a, char::from_u32(c2).filter(|&c| c != '\0')));
                }
            }
        }
        if c == b';' {
            break;
        }
    }
    best
}

/// `&#123;` / `&#x7B;` with or without `;`, mapped as HTML5 does.
fn numeric_ref(s: &str) -> Option<(Decoded<'_>, usize)> {
    let b = s.as_bytes();
    let (radix, digits_at) = match b.get(2) {
        Some(b'x' | b'X') => (16, 3),
        _ => (10, 2),
    };
    let mut i = digits_at;
    let mut value: u32 = 0;
    while let Some(d) = b.get(i).and_then(|&c| char::from(c).to_digit(radix)) {
        // Saturate: anything past U+10FFFF is U+FFFD anyway.
        value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
        i += 1;
    }
    if i == digits_at {
        return None;
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    }
    Some((Decoded::Chars(html_code_point(value), None), i))
}

/// The HTML5 "numeric character reference end state" mapping.
pub(crate) fn html_code_point(value: u32) -> char {
    const WINDOWS_1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let value = match value {
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        v => v,
    };
    match value {
        0 => '\u{FFFD}',
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        let mut sink = Sink::new(usize::MAX, None);
        to_text(html, &mut sink);
        sink.finish()
    }

    #[test]
    fn tags_go_words_stay_apart() {
        assert_eq!(
            text("<p>Tanker <b>boarded</b></p><p>off Lagos</p>"),
            "Tanker boarded off Lagos"
        );
        assert_eq!(text("line<br>break<br/>again"), "line break again");
        assert_eq!(
            text("<a href=\"x\" title='a > b'>link</a> text"),
            "link text"
        );
        assert_eq!(text("<img src=x alt=\"<script>\">after"), "after");
    }

    #[test]
    fn scripts_styles_and_comments_leave_nothing() {
        assert_eq!(
            text("a<script>document.write('<p>x</p>')</script>b<style>p{}</style>c"),
            "abc"
        );
        assert_eq!(text("a<SCRIPT type=x>alert(1)</SCRIPT >b"), "ab");
        assert_eq!(text("a<script>never closed"), "a");
        assert_eq!(text("a<!-- <p>hidden</p> -->b<!-->c<!--->d"), "abcd");
        assert_eq!(text("a<!DOCTYPE html>b<?php echo 1 ?>c"), "abc");
        assert_eq!(
            text("a<template><p>t</p></template>b<svg><title>i</title></svg>c"),
            "abc"
        );
        assert_eq!(text("<noscript><img src=track></noscript>ok"), "ok");
    }

    #[test]
    fn entities_decode_like_html5() {
        assert_eq!(
            text("Fish &amp; Chips &mdash; &eacute;t&eacute;"),
            "Fish & Chips \u{2014} \u{e9}t\u{e9}"
        );
        assert_eq!(
            text("&#8364;&#x20AC;&#128;&#0;&#x110000;"),
            "\u{20ac}\u{20ac}\u{20ac}\u{fffd}\u{fffd}"
        );
        assert_eq!(
            text("AT&T &copy 2024 &notit; &unknown; & x"),
            "AT&T \u{a9} 2024 \u{ac}it; &unknown; & x"
        );
        assert_eq!(text("&lt;script&gt;"), "\u{FF1C}script>");
        assert_eq!(text("&nGt;"), "\u{226b}\u{20d2}");
    }

    #[test]
    fn attribute_flavour_keeps_query_strings() {
        let (d, len) = char_ref("&copy=2", true);
        assert!(matches!(d, Decoded::Literal("&")));
        assert_eq!(len, 1);
        let (d, len) = char_ref("&amp;b", true);
        let mut out = String::new();
        d.push_to(&mut out);
        assert_eq!((out.as_str(), len), ("&", 5));
    }

    #[test]
    fn stray_angle_brackets_are_text() {
        assert_eq!(text("5 < 7 and 9 > 8, <3"), "5 < 7 and 9 > 8, <3");
        assert_eq!(text("<"), "<");
        assert_eq!(text("a </> b"), "a b");
        assert_eq!(
            text("<xmp><b>shown</b></xmp>"),
            "\u{FF1C}b>shown\u{FF1C}/b>"
        );
        assert_eq!(text("x<plaintext><b>rest"), "x \u{FF1C}b>rest");
    }

    #[test]
    fn unclosed_tag_is_dropped() {
        assert_eq!(text("a <b class=\"x"), "a");
        assert_eq!(text("a <b"), "a");
    }
}
