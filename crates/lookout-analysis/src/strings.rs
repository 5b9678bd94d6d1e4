//! Printable strings, as `strings` and `strings -el` find them.

use crate::{FoundString, StringEncoding, Strings};

/// Shortest run reported: shorter runs are mostly noise in binaries.
const MIN_LEN: usize = 5;
/// Longest value kept for one string; the rest is cut with an ellipsis.
const MAX_VALUE_CHARS: usize = 300;

fn printable(byte: u8) -> bool {
    byte == b'\t' || (0x20..0x7f).contains(&byte)
}

/// ASCII runs and UTF-16LE runs (ASCII characters with zero high bytes,
/// which is how Windows programs store most of their text), in file order.
pub(crate) fn extract(data: &[u8], max_items: usize) -> Strings {
    let mut found = Strings::default();
    let mut items: Vec<FoundString> = Vec::new();
    for_each_run(data, |encoding, offset, run| {
        let count = match encoding {
            StringEncoding::Ascii => &mut found.ascii_count,
            StringEncoding::Utf16le => &mut found.utf16le_count,
        };
        *count += 1;
        // Up to the cap of each encoding, so wide strings are not crowded
        // out by a binary's many short ASCII runs.
        if *count <= max_items as u64 {
            items.push(string_at(offset, run, encoding));
        }
    });
    items.sort_by_key(|s| s.offset);
    items.truncate(max_items);
    found.truncated = (found.ascii_count + found.utf16le_count) as usize > items.len();
    found.items = items;
    found
}

/// Calls `visit` with every printable run of at least [`MIN_LEN`]
/// characters: all ASCII runs first, then UTF-16LE runs, as
/// `(encoding, offset, ASCII bytes)`.
pub(crate) fn for_each_run(data: &[u8], mut visit: impl FnMut(StringEncoding, usize, &[u8])) {
    let mut start = 0;
    for (i, &byte) in data.iter().chain(std::iter::once(&0)).enumerate() {
        if i < data.len() && printable(byte) {
            continue;
        }
        if i - start >= MIN_LEN {
            visit(StringEncoding::Ascii, start, &data[start..i]);
        }
        start = i + 1;
    }

    // Both alignments: a UTF-16 string may start at an odd offset.
    let mut run: Vec<u8> = Vec::new();
    for parity in 0..2 {
        run.clear();
        let mut run_start = parity;
        let mut offset = parity;
        while offset <= data.len() {
            match data.get(offset..offset + 2) {
                Some([low, 0]) if printable(*low) => {
                    if run.is_empty() {
                        run_start = offset;
                    }
                    run.push(*low);
                }
                _ => {
                    if run.len() >= MIN_LEN {
                        visit(StringEncoding::Utf16le, run_start, &run);
                    }
                    run.clear();
                }
            }
            offset += 2;
        }
    }
}

fn string_at(offset: usize, bytes: &[u8], encoding: StringEncoding) -> FoundString {
    // Every byte here is printable ASCII, so one byte is one character.
    let mut value: String = bytes
        .iter()
        .take(MAX_VALUE_CHARS)
        .map(|&b| char::from(b))
        .collect();
    if bytes.len() > MAX_VALUE_CHARS {
        value.push('…');
    }
    FoundString {
        offset: offset as u64,
        encoding,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ascii_and_wide_strings_with_offsets() {
        let mut data = b"\x00\x01hello world\x00ab\x00".to_vec();
        data.push(0xff);
        for c in "C:\\Users".encode_utf16() {
            data.extend_from_slice(&c.to_le_bytes());
        }
        let found = extract(&data, 100);
        let values: Vec<(&str, StringEncoding, u64)> = found
            .items
            .iter()
            .map(|s| (s.value.as_str(), s.encoding, s.offset))
            .collect();
        assert_eq!(
            values,
            [
                ("hello world", StringEncoding::Ascii, 2),
                ("C:\\Users", StringEncoding::Utf16le, 18)
            ]
        );
        assert!(!found.truncated);
    }

    #[test]
    fn caps_items_but_counts_all() {
        let data = "alpha bravo\n".repeat(50).replace(' ', "\0");
        let found = extract(data.as_bytes(), 10);
        assert_eq!(found.items.len(), 10);
        assert_eq!(found.ascii_count, 100);
        assert!(found.truncated);
    }
}
