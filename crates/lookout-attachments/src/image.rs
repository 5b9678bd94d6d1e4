//! Pictures: JPEG, PNG and WebP lose their metadata without being
//! re-encoded. What decodes to pixels is copied byte for byte; everything
//! else is dropped unless it is on a short list of what decoders need.
//!
//! Each cleaner checks its own output afterwards (parsed again, and searched
//! for the markers of EXIF, XMP and ICC data); output that fails the check is
//! not returned.

use img_parts::jpeg::{Jpeg, JpegSegment};
use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF, ImageICC};

use crate::removed::Removed;

/// A picture with its metadata removed.
#[derive(Debug)]
pub(crate) struct CleanImage {
    pub bytes: Vec<u8>,
    pub removed: Removed,
}

/// Why a picture could not be cleaned. Either way it goes to the analysts
/// only; the variants are for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotCleaned {
    /// The container does not parse (damaged, truncated, or not this type).
    Unreadable,
    /// The cleaned output still holds something it must not.
    Residue,
}

/// What the removed-list says for each kind of metadata.
pub(crate) const EXIF_GPS: &str = "EXIF (including GPS position)";
pub(crate) const EXIF_PLAIN: &str = "EXIF (camera, software and dates)";
pub(crate) const XMP: &str = "XMP";
pub(crate) const ICC: &str = "ICC colour profile";
const COMMENTS: &str = "comments";
const IPTC: &str = "IPTC/Photoshop data (can name the photographer)";
const OTHER_APP: &str = "other embedded application data";
const EXTRA_IMAGES: &str = "extra images (MPF)";
const TRAILING: &str = "data after the end of the picture (such as extra images)";
const JFIF_THUMBNAIL: &str = "thumbnail (can show the picture before it was cropped)";
const PNG_TEXT: &str = "text chunks (tEXt/zTXt/iTXt: author, software, comments)";
const PNG_TIME: &str = "modification time (tIME)";

/// Byte strings that no cleaned picture may contain: the EXIF segment
/// prefix, the XMP namespaces and packet header, the ICC segment prefix.
const RESIDUE: &[&[u8]] = &[
    b"Exif\0\0",
    b"http://ns.adobe.com/xap/1.0/",
    b"http://ns.adobe.com/xmp/extension/",
    b"<x:xmpmeta",
    b"ICC_PROFILE\0",
];

pub(crate) fn has_residue(bytes: &[u8]) -> bool {
    RESIDUE.iter().any(|needle| contains(bytes, needle))
}

/// Whether `needle` occurs in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The EXIF label for a TIFF-structured EXIF payload: whether its first IFD
/// points to a GPS IFD (tag 0x8825).
pub(crate) fn exif_label(tiff: &[u8]) -> &'static str {
    if exif_has_gps(tiff) {
        EXIF_GPS
    } else {
        EXIF_PLAIN
    }
}

fn exif_has_gps(tiff: &[u8]) -> bool {
    let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
    let big_endian = match tiff.get(0..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return false,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let Some(ifd) = u32_at(4).and_then(|o| usize::try_from(o).ok()) else {
        return false;
    };
    let Some(count) = u16_at(ifd) else {
        return false;
    };
    (0..usize::from(count)).any(|i| {
        ifd.checked_add(2 + 12 * i)
            .and_then(u16_at)
            .is_some_and(|tag| tag == 0x8825)
    })
}

// ---------------------------------------------------------------- JPEG

mod marker {
    pub const SOI: u8 = 0xD8;
    pub const EOI: u8 = 0xD9;
    pub const APP0: u8 = 0xE0;
    pub const APP1: u8 = 0xE1;
    pub const APP2: u8 = 0xE2;
    pub const APP13: u8 = 0xED;
    pub const APP14: u8 = 0xEE;
    pub const APP15: u8 = 0xEF;
    pub const COM: u8 = 0xFE;

    /// Restart markers, which live inside entropy-coded data.
    pub fn is_rst(m: u8) -> bool {
        (0xD0..=0xD7).contains(&m)
    }

    /// Segments that carry coding tables or frame and scan headers: what a
    /// decoder needs. C0–CF (SOFn, DHT, DAC) but C8 (JPG, reserved), and
    /// DA–DF (SOS, DQT, DNL, DRI, DHP, EXP).
    pub fn is_coding(m: u8) -> bool {
        matches!(m, 0xC0..=0xC7 | 0xC9..=0xCF | 0xDA..=0xDF)
    }
}

/// The length of Adobe's APP14 segment: "Adobe", version, two flag words,
/// colour transform.
const ADOBE_LEN: usize = 12;

/// What becomes of one JPEG metadata segment.
fn jpeg_segment_verdict(m: u8, contents: &[u8], removed: &mut Removed) -> Option<Vec<u8>> {
    match m {
        marker::APP0 if contents.starts_with(b"JFIF\0") => {
            // Keep JFIF (density, version) but not its thumbnail.
            match (contents.get(12), contents.get(13)) {
                (Some(&w), Some(&h)) if w != 0 && h != 0 || contents.len() > 14 => {
                    removed.add(JFIF_THUMBNAIL);
                    let mut head = contents.get(..14)?.to_vec();
                    head[12] = 0;
                    head[13] = 0;
                    Some(head)
                }
                (Some(_), Some(_)) => Some(contents.to_vec()),
                _ => {
                    removed.add(OTHER_APP);
                    None
                }
            }
        }
        marker::APP1 if contents.starts_with(b"Exif\0\0") => {
            removed.add(exif_label(contents));
            None
        }
        marker::APP1 if contents.starts_with(b"http://ns.adobe.com/") => {
            removed.add(XMP);
            None
        }
        marker::APP2 if contents.starts_with(b"ICC_PROFILE\0") => {
            removed.add(ICC);
            None
        }
        marker::APP2 if contents.starts_with(b"MPF\0") => {
            removed.add(EXTRA_IMAGES);
            None
        }
        marker::APP13 => {
            removed.add(IPTC);
            None
        }
        // The Adobe segment says how colours are transformed: decoders need
        // it. It is 12 bytes; anything more is not Adobe's.
        marker::APP14 if contents.starts_with(b"Adobe") && contents.len() >= ADOBE_LEN => {
            if contents.len() > ADOBE_LEN {
                removed.add(OTHER_APP);
            }
            Some(contents.get(..ADOBE_LEN)?.to_vec())
        }
        marker::APP0..=marker::APP15 => {
            removed.add(OTHER_APP);
            None
        }
        marker::COM => {
            removed.add(COMMENTS);
            None
        }
        _ => Some(contents.to_vec()),
    }
}

fn push_segment(out: &mut Vec<u8>, m: u8, contents: &[u8]) -> Result<(), NotCleaned> {
    let len = u16::try_from(contents.len() + 2).map_err(|_| NotCleaned::Unreadable)?;
    out.extend_from_slice(&[0xFF, m]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(contents);
    Ok(())
}

/// Strips a JPEG: every APPn segment but JFIF (without thumbnail) and
/// Adobe, every comment, before and between scans, and anything after the
/// end-of-image marker. Scan data is copied byte for byte.
pub(crate) fn clean_jpeg(bytes: &[u8]) -> Result<CleanImage, NotCleaned> {
    let jpeg =
        Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| NotCleaned::Unreadable)?;
    let mut removed = Removed::default();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, marker::SOI]);
    let mut tail: Option<&[u8]> = None;
    for segment in jpeg.segments() {
        let m = segment.marker();
        if let Some(kept) = jpeg_segment_verdict(m, segment.contents(), &mut removed) {
            push_segment(&mut out, m, &kept)?;
        }
        if segment.has_entropy() {
            // img-parts keeps everything after the first scan header as that
            // segment's "entropy": the rest of the file.
            let entropy_len = segment.len_with_entropy() - segment.len();
            let start = bytes
                .len()
                .checked_sub(entropy_len)
                .ok_or(NotCleaned::Unreadable)?;
            tail = Some(&bytes[start..]);
            break;
        }
    }
    match tail {
        Some(tail) => copy_scans(tail, &mut out, &mut removed)?,
        None => out.extend_from_slice(&[0xFF, marker::EOI]),
    }
    verify_jpeg(&out)?;
    Ok(CleanImage {
        bytes: out,
        removed,
    })
}

/// Copies entropy-coded scan data and the coding segments between scans,
/// drops APPn and comment segments between scans, stops after EOI.
fn copy_scans(tail: &[u8], out: &mut Vec<u8>, removed: &mut Removed) -> Result<(), NotCleaned> {
    let mut at = 0; // start of what is still to be copied
    let mut p = 0; // scan position
    while p < tail.len() {
        if tail[p] != 0xFF {
            p += 1;
            continue;
        }
        let Some(&next) = tail.get(p + 1) else {
            break; // a lone 0xFF at the very end: copied below
        };
        if next == 0x00 || marker::is_rst(next) {
            p += 2; // stuffed byte or restart marker: scan data
            continue;
        }
        if next == 0xFF {
            // A fill byte before a marker: drop it.
            out.extend_from_slice(&tail[at..p]);
            p += 1;
            at = p;
            continue;
        }
        out.extend_from_slice(&tail[at..p]);
        if next == marker::EOI {
            out.extend_from_slice(&[0xFF, marker::EOI]);
            if tail.len() > p + 2 {
                removed.add(TRAILING);
            }
            return Ok(());
        }
        let len_bytes: [u8; 2] = tail
            .get(p + 2..p + 4)
            .and_then(|b| b.try_into().ok())
            .ok_or(NotCleaned::Unreadable)?;
        let len = usize::from(u16::from_be_bytes(len_bytes));
        let end = p + 2 + len;
        let contents = tail.get(p + 4..end).ok_or(NotCleaned::Unreadable)?;
        if marker::is_coding(next) {
            if len < 2 {
                return Err(NotCleaned::Unreadable);
            }
            out.extend_from_slice(&tail[p..end]);
        } else if (marker::APP0..=marker::APP15).contains(&next) || next == marker::COM {
            if len < 2 {
                return Err(NotCleaned::Unreadable);
            }
            // Nothing between scans is needed from these: drop them all.
            let _ = jpeg_segment_verdict(next, contents, removed);
            if next == marker::APP0 || next == marker::APP14 {
                removed.add(OTHER_APP);
            }
        } else {
            // SOI, JPG extensions, reserved markers: not a JPEG we know.
            return Err(NotCleaned::Unreadable);
        }
        p = end;
        at = p;
    }
    // Truncated: no end-of-image marker. Keep what there is and end it.
    out.extend_from_slice(&tail[at..]);
    out.extend_from_slice(&[0xFF, marker::EOI]);
    Ok(())
}

fn verify_jpeg(out: &[u8]) -> Result<(), NotCleaned> {
    let jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(out)).map_err(|_| NotCleaned::Residue)?;
    let allowed = |s: &JpegSegment| match s.marker() {
        marker::APP0 => s.contents().starts_with(b"JFIF\0") && s.contents().len() <= 14,
        marker::APP14 => s.contents().starts_with(b"Adobe") && s.contents().len() == ADOBE_LEN,
        m => !(marker::APP0..=marker::APP15).contains(&m) && m != marker::COM,
    };
    if !jpeg.segments().iter().all(allowed)
        || jpeg.exif().is_some()
        || jpeg.icc_profile().is_some()
        || has_residue(out)
    {
        return Err(NotCleaned::Residue);
    }
    Ok(())
}

// ---------------------------------------------------------------- PNG

/// Chunks a PNG keeps: the critical ones, transparency and colour rendering
/// hints without text, and APNG animation control. Everything else goes.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD",
    b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLi",
];

fn png_keeps(kind: [u8; 4]) -> bool {
    PNG_KEEP.iter().any(|k| **k == kind)
}

/// Strips a PNG to the chunks in [`PNG_KEEP`], copied as they were.
pub(crate) fn clean_png(bytes: &[u8]) -> Result<CleanImage, NotCleaned> {
    let mut png =
        Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| NotCleaned::Unreadable)?;
    if png.chunks().first().map(PngChunk::kind) != Some(*b"IHDR") {
        return Err(NotCleaned::Unreadable);
    }
    let mut removed = Removed::default();
    if png.len() < bytes.len() {
        removed.add(TRAILING);
    }
    let mut others: Vec<String> = Vec::new();
    for chunk in png.chunks() {
        let kind = chunk.kind();
        if png_keeps(kind) {
            continue;
        }
        match &kind {
            b"tEXt" | b"zTXt" => removed.add(PNG_TEXT),
            b"iTXt" => {
                if chunk.contents().starts_with(b"XML:com.adobe.xmp\0") {
                    removed.add(XMP);
                } else {
                    removed.add(PNG_TEXT);
                }
            }
            b"eXIf" => removed.add(exif_label(chunk.contents())),
            b"tIME" => removed.add(PNG_TIME),
            b"iCCP" => removed.add(ICC),
            _ => {
                let name = String::from_utf8_lossy(&kind).into_owned();
                if !others.contains(&name) {
                    others.push(name);
                }
            }
        }
    }
    if !others.is_empty() {
        removed.add(&format!("other chunks ({})", others.join(", ")));
    }
    png.chunks_mut().retain(|c| png_keeps(c.kind()));
    if png.chunks().last().map(PngChunk::kind) != Some(*b"IEND") {
        png.chunks_mut().push(PngChunk::new(*b"IEND", Bytes::new()));
    }
    let out = png.encoder().bytes().to_vec();
    verify_png(&out)?;
    Ok(CleanImage {
        bytes: out,
        removed,
    })
}

fn verify_png(out: &[u8]) -> Result<(), NotCleaned> {
    let png = Png::from_bytes(Bytes::copy_from_slice(out)).map_err(|_| NotCleaned::Residue)?;
    if !png.chunks().iter().all(|c| png_keeps(c.kind()))
        || png.exif().is_some()
        || png.icc_profile().is_some()
        || has_residue(out)
    {
        return Err(NotCleaned::Residue);
    }
    Ok(())
}

// ---------------------------------------------------------------- WebP

/// Chunks a WebP keeps: the bitstreams, alpha, animation.
const WEBP_KEEP: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"];

/// The VP8X flags for an ICC profile, EXIF and XMP.
const VP8X_METADATA_FLAGS: u8 = 0x20 | 0x08 | 0x04;

fn webp_keeps(id: [u8; 4]) -> bool {
    WEBP_KEEP.iter().any(|k| **k == id)
}

/// Strips a WebP to the chunks in [`WEBP_KEEP`] and clears the metadata
/// flags in its VP8X header.
pub(crate) fn clean_webp(bytes: &[u8]) -> Result<CleanImage, NotCleaned> {
    let mut webp =
        WebP::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| NotCleaned::Unreadable)?;
    let mut removed = Removed::default();
    if usize::try_from(webp.len()).is_ok_and(|len| len < bytes.len()) {
        removed.add(TRAILING);
    }
    let mut others: Vec<String> = Vec::new();
    for chunk in webp.chunks() {
        match &chunk.id() {
            id if webp_keeps(*id) => {}
            b"EXIF" => removed.add(exif_label(chunk.content().data().map_or(&[][..], |d| d))),
            b"XMP " => removed.add(XMP),
            b"ICCP" => removed.add(ICC),
            id => {
                let name = String::from_utf8_lossy(id).trim_end().to_owned();
                if !others.contains(&name) {
                    others.push(name);
                }
            }
        }
    }
    if !others.is_empty() {
        removed.add(&format!("other chunks ({})", others.join(", ")));
    }
    webp.chunks_mut().retain(|c| webp_keeps(c.id()));
    for chunk in webp.chunks_mut() {
        if chunk.id() != *b"VP8X" {
            continue;
        }
        if let RiffContent::Data(data) = chunk.content()
            && let Some(&flags) = data.first()
            && flags & VP8X_METADATA_FLAGS != 0
        {
            let mut fixed = data.to_vec();
            fixed[0] = flags & !VP8X_METADATA_FLAGS;
            *chunk = RiffChunk::new(*b"VP8X", RiffContent::Data(Bytes::from(fixed)));
        }
    }
    let out = webp.encoder().bytes().to_vec();
    verify_webp(&out)?;
    Ok(CleanImage {
        bytes: out,
        removed,
    })
}

fn verify_webp(out: &[u8]) -> Result<(), NotCleaned> {
    let webp = WebP::from_bytes(Bytes::copy_from_slice(out)).map_err(|_| NotCleaned::Residue)?;
    let flags_clear = webp
        .chunk_by_id(*b"VP8X")
        .and_then(|c| c.content().data())
        .and_then(|d| d.first())
        .is_none_or(|f| f & VP8X_METADATA_FLAGS == 0);
    if !webp.chunks().iter().all(|c| webp_keeps(c.id()))
        || !flags_clear
        || webp.exif().is_some()
        || webp.icc_profile().is_some()
        || has_residue(out)
    {
        return Err(NotCleaned::Residue);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff_with_tags(tags: &[u16]) -> Vec<u8> {
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&u16::try_from(tags.len()).unwrap().to_le_bytes());
        for tag in tags {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&[4, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        }
        t.extend_from_slice(&[0; 4]);
        t
    }

    #[test]
    fn gps_is_found_in_the_first_ifd() {
        assert!(exif_has_gps(&tiff_with_tags(&[0x010F, 0x8825])));
        assert!(!exif_has_gps(&tiff_with_tags(&[0x010F, 0x0110])));
        let mut prefixed = b"Exif\0\0".to_vec();
        prefixed.extend(tiff_with_tags(&[0x8825]));
        assert!(exif_has_gps(&prefixed));
        // Truncated or garbage never panics.
        assert!(!exif_has_gps(b"MM\0*\xFF\xFF\xFF\xFF"));
        assert!(!exif_has_gps(b"II*\0\x08\0\0\0\xFF\xFF"));
        assert!(!exif_has_gps(b""));
    }

    #[test]
    fn scans_keep_coding_segments_and_drop_metadata() {
        // scan data, a DHT between scans, a COM, a second SOS, EOI, trailer
        let mut tail = vec![0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56];
        tail.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x03, 0x00]);
        tail.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x06, b'J', b'o', b'h', b'n']);
        tail.extend_from_slice(&[0xFF, 0xFF, 0xDA, 0x00, 0x02, 0x78]);
        tail.extend_from_slice(&[0xFF, 0xD9, b'P', b'K']);
        let mut out = Vec::new();
        let mut removed = Removed::default();
        copy_scans(&tail, &mut out, &mut removed).unwrap();
        assert_eq!(
            out,
            [
                0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xC4, 0x00, 0x03, 0x00, 0xFF, 0xDA,
                0x00, 0x02, 0x78, 0xFF, 0xD9
            ]
        );
        assert_eq!(removed.into_vec(), [COMMENTS, TRAILING]);
    }

    #[test]
    fn truncated_scans_are_ended() {
        let mut out = Vec::new();
        copy_scans(&[0x01, 0x02, 0xFF], &mut out, &mut Removed::default()).unwrap();
        assert_eq!(out, [0x01, 0x02, 0xFF, 0xFF, 0xD9]);
        // a segment whose length runs past the end
        let r = copy_scans(
            &[0xFF, 0xE1, 0x10, 0x00, 1],
            &mut Vec::new(),
            &mut Removed::default(),
        );
        assert_eq!(r, Err(NotCleaned::Unreadable));
    }
}
