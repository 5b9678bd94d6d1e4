//! Bytes to UTF-8, in the order the XML spec (appendix F) gives: byte order
//! mark, then the UTF-16 shape of `<?`, then the declaration's `encoding`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::FeedError;

/// How far into the document the XML declaration may end; real ones are
/// well under 100 bytes, and looking further would let junk pass as one.
const DECL_WINDOW: usize = 512;

pub(crate) fn to_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, FeedError> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(FeedError::UnsupportedEncoding {
            label: "UTF-32".into(),
        });
    }
    // Appendix F: a BOM wins over anything the declaration says.
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode(encoding, &bytes[bom_len..]));
    }
    // `<` then `?` or a letter, each as a UTF-16 code unit.
    let markup = |c: u8| c == b'?' || c.is_ascii_alphabetic();
    match bytes {
        [b'<', 0, c, 0, ..] if markup(*c) => return Ok(decode(UTF_16LE, bytes)),
        [0, b'<', 0, c, ..] if markup(*c) => return Ok(decode(UTF_16BE, bytes)),
        _ => {}
    }
    let encoding = match declared_label(bytes) {
        None => UTF_8,
        Some(label) => match Encoding::for_label(label) {
            // Readable as ASCII, so the UTF-16 label is wrong: what is left
            // is nearly always UTF-8.
            Some(e) if e == UTF_16LE || e == UTF_16BE => UTF_8,
            // for_label maps ISO-2022-KR and friends to the "replacement"
            // encoding, which decodes everything to one U+FFFD.
            Some(e) if e != encoding_rs::REPLACEMENT => e,
            _ => {
                return Err(FeedError::UnsupportedEncoding {
                    label: printable_label(label),
                });
            }
        },
    };
    Ok(decode(encoding, bytes))
}

fn decode<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Cow<'a, str> {
    // Malformed sequences become U+FFFD: one stray byte should not cost an
    // editor the whole feed.
    encoding.decode_without_bom_handling(bytes).0
}

/// The value of `encoding="…"` in a leading `<?xml … ?>`, if any.
fn declared_label(bytes: &[u8]) -> Option<&[u8]> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &bytes[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let window = &rest[..rest.len().min(DECL_WINDOW)];
    let end = window.windows(2).position(|w| w == b"?>")?;
    let decl = &window[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let after = &decl[at + 8..];
    let after = trim_start(after);
    let after = trim_start(after.strip_prefix(b"=")?);
    let quote = *after.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &after[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some(&value[..close])
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// The label goes into a message an editor reads, so only its printable
/// ASCII, and not much of it.
fn printable_label(label: &[u8]) -> String {
    label
        .iter()
        .filter(|b| b.is_ascii_graphic())
        .take(40)
        .map(|&b| char::from(b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_windows_1252_is_decoded() {
        let doc = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x93caf\xe9 \x80\x94</a>";
        assert_eq!(
            to_utf8(doc).unwrap(),
            "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\u{201c}caf\u{e9} \u{20ac}\u{201d}</a>"
        );
    }

    #[test]
    fn iso_8859_1_reads_as_windows_1252_like_browsers() {
        let doc = b"<?xml version='1.0' encoding = 'ISO-8859-1' ?><a>\x80</a>";
        assert!(to_utf8(doc).unwrap().contains('\u{20ac}'));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "<?xml version=\"1.0\"?><a>\u{e9}</a>";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(to_utf8(&le).unwrap(), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(to_utf8(&be).unwrap(), text);
        let bare: Vec<u8> = "<rss/>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(to_utf8(&bare).unwrap(), "<rss/>");
    }

    #[test]
    fn unknown_and_replacement_labels_are_refused_by_name() {
        let e = to_utf8(b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><a/>").unwrap_err();
        assert_eq!(
            e,
            FeedError::UnsupportedEncoding {
                label: "x-klingon".into()
            }
        );
        assert!(to_utf8(b"<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><a/>").is_err());
        assert!(to_utf8(&[0xFF, 0xFE, 0, 0, b'<', 0, 0, 0]).is_err());
    }

    #[test]
    fn mislabelled_utf16_and_bad_bytes_degrade_gently() {
        let doc = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>\u{e9}</a>";
        assert_eq!(to_utf8(doc.as_bytes()).unwrap(), doc);
        assert_eq!(to_utf8(b"<a>\xff</a>").unwrap(), "<a>\u{fffd}</a>");
    }
}
