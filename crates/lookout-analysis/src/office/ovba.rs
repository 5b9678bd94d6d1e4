//! MS-OVBA 2.4.1 decompression, the LZ77 variant VBA stores its `dir`
//! stream and module source in.
//!
//! Hand-written because no crate with a clear licence does it. Every input
//! byte is hostile: output stops at a cap, every read is checked, and each
//! step consumes input, so no input makes it loop, panic or allocate more
//! than the cap.

/// Bytes one chunk decompresses to at most (MS-OVBA 2.4.1.1.4).
pub(crate) const CHUNK_SIZE: usize = 4096;

/// What could be decompressed, and why it stopped early if it did. The
/// bytes before a fault are kept: half a macro is still evidence.
#[derive(Debug, Default)]
pub(crate) struct Decompressed {
    pub(crate) bytes: Vec<u8>,
    /// The output reached the cap; the rest was not decompressed.
    pub(crate) truncated: bool,
    pub(crate) error: Option<&'static str>,
}

enum Stop {
    Cap,
    Malformed(&'static str),
}

/// Decompresses a CompressedContainer, producing at most `cap` bytes.
pub(crate) fn decompress(input: &[u8], cap: usize) -> Decompressed {
    let mut out = Decompressed::default();
    match container(input, cap, &mut out.bytes) {
        Ok(()) => {}
        Err(Stop::Cap) => out.truncated = true,
        Err(Stop::Malformed(why)) => out.error = Some(why),
    }
    out
}

fn container(input: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<(), Stop> {
    match input.first() {
        Some(0x01) => {}
        Some(_) => return Err(Stop::Malformed("the signature byte is not 0x01")),
        None => return Err(Stop::Malformed("the compressed container is empty")),
    }
    let mut pos = 1;
    while pos < input.len() {
        let header = read_u16(input, pos).ok_or(Stop::Malformed("a chunk header is cut short"))?;
        if (header >> 12) & 0b111 != 0b011 {
            return Err(Stop::Malformed("a chunk signature is not 0b011"));
        }
        let end = pos.saturating_add(usize::from(header & 0x0FFF) + 3);
        let body = input.get(pos + 2..end.min(input.len())).unwrap_or_default();
        if header & 0x8000 != 0 {
            chunk(body, cap, out)?;
        } else {
            // A raw chunk is 4096 bytes as they are; the size field must say so.
            if end - pos != CHUNK_SIZE + 2 {
                return Err(Stop::Malformed("an uncompressed chunk is not 4096 bytes"));
            }
            for &byte in body {
                push(out, byte, cap)?;
            }
        }
        if end > input.len() {
            return Err(Stop::Malformed("the last chunk is cut short"));
        }
        pos = end;
    }
    Ok(())
}

/// One compressed chunk: token sequences, each a flag byte and up to eight
/// tokens (bit clear: a literal byte; bit set: a two-byte copy token).
fn chunk(body: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<(), Stop> {
    let start = out.len();
    let mut pos = 0;
    while let Some(&flags) = body.get(pos) {
        pos += 1;
        for bit in 0..8 {
            if pos >= body.len() {
                break;
            }
            if flags >> bit & 1 == 0 {
                let byte = body.get(pos).copied().unwrap_or_default();
                pos += 1;
                chunk_push(out, byte, start, cap)?;
                continue;
            }
            let token = read_u16(body, pos).ok_or(Stop::Malformed("a copy token is cut short"))?;
            pos += 2;
            let (offset, length) = unpack_copy_token(token, out.len() - start);
            if offset > out.len() - start {
                return Err(Stop::Malformed("a copy token points before its chunk"));
            }
            for _ in 0..length {
                // Copies may overlap what they produce (runs), so byte by byte.
                let byte = out.get(out.len() - offset).copied().unwrap_or_default();
                chunk_push(out, byte, start, cap)?;
            }
        }
    }
    Ok(())
}

/// Splits a copy token into (offset, length). The split between the two
/// fields depends on how far into the chunk decompression is (MS-OVBA
/// 2.4.1.3.19.1): the further in, the more bits the offset needs.
fn unpack_copy_token(token: u16, position_in_chunk: usize) -> (usize, usize) {
    let bits = offset_bits(position_in_chunk);
    let token = u32::from(token);
    let length_mask = 0xFFFF_u32 >> bits;
    let offset = (token >> (16 - bits)) + 1;
    let length = (token & length_mask) + 3;
    (offset as usize, length as usize)
}

/// Bits of a copy token that hold the offset: at least 4, enough to reach
/// back to the chunk's start, and never more than 12 (a chunk is 4096 bytes).
pub(crate) fn offset_bits(position_in_chunk: usize) -> u32 {
    let needed = match position_in_chunk {
        0 | 1 => 0,
        n => usize::BITS - (n - 1).leading_zeros(),
    };
    needed.clamp(4, 12)
}

fn chunk_push(out: &mut Vec<u8>, byte: u8, start: usize, cap: usize) -> Result<(), Stop> {
    if out.len() - start >= CHUNK_SIZE {
        return Err(Stop::Malformed("a chunk expands past 4096 bytes"));
    }
    push(out, byte, cap)
}

fn push(out: &mut Vec<u8>, byte: u8, cap: usize) -> Result<(), Stop> {
    if out.len() >= cap {
        return Err(Stop::Cap);
    }
    out.push(byte);
    Ok(())
}

fn read_u16(data: &[u8], pos: usize) -> Option<u16> {
    let bytes = data.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([*bytes.first()?, *bytes.get(1)?]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of MS-OVBA 3.2.1 (no compression possible).
    #[test]
    fn spec_example_literals() {
        let input = [
            0x01, 0x19, 0xB0, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x00, 0x69,
            0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x00, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76,
            0x2E,
        ];
        let out = decompress(&input, 1024);
        assert_eq!(out.error, None);
        assert_eq!(out.bytes, b"abcdefghijklmnopqrstuv.");
    }

    /// The example of MS-OVBA 3.2.2 (normal compression).
    #[test]
    fn spec_example_copy_tokens() {
        let input = [
            0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82, 0x66,
            0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00,
            0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04, 0x10, 0x72, 0x73, 0x74,
            0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C,
        ];
        let out = decompress(&input, 1024);
        assert_eq!(out.error, None);
        assert_eq!(
            out.bytes,
            b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
        );
    }

    /// The example of MS-OVBA 3.2.3 (maximum compression): 72 'a's.
    #[test]
    fn spec_example_run() {
        let input = [0x01, 0x03, 0xB0, 0x02, 0x61, 0x45, 0x00];
        let out = decompress(&input, 1024);
        assert_eq!(out.error, None);
        assert_eq!(out.bytes, [b'a'; 73]);
    }

    #[test]
    fn offset_bits_follow_the_spec() {
        assert_eq!(offset_bits(1), 4);
        assert_eq!(offset_bits(16), 4);
        assert_eq!(offset_bits(17), 5);
        assert_eq!(offset_bits(32), 5);
        assert_eq!(offset_bits(33), 6);
        assert_eq!(offset_bits(4096), 12);
    }

    #[test]
    fn cap_stops_output() {
        let out = decompress(&[0x01, 0x03, 0xB0, 0x02, 0x61, 0x45, 0x00], 10);
        assert!(out.truncated);
        assert_eq!(out.bytes.len(), 10);
    }
}
