//! Pictures: metadata goes, pixels stay byte for byte.

mod common;

use common::*;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF, ImageICC};
use lookout_attachments::{Kind, Limits, Outcome, clean};

fn cleaned(bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    match clean(bytes, &Limits::default()).unwrap().outcome {
        Outcome::Cleaned { bytes, removed } => (bytes, removed),
        other => panic!("not cleaned: {other:?}"),
    }
}

#[test]
fn jpeg_keeps_exactly_jfif_and_the_coded_picture() {
    let input = jpeg_with_metadata();
    let result = clean(&input, &Limits::default()).unwrap();
    assert_eq!(result.detected.kind, Kind::Jpeg);
    assert_eq!(result.detected.mime, "image/jpeg");
    let (out, removed) = cleaned(&input);

    let mut expected = vec![0xFF, 0xD8];
    expected.extend(jfif());
    expected.extend(jpeg_coding());
    assert_eq!(
        out, expected,
        "tables, frame, scan and scan data unchanged, nothing else"
    );

    assert!(!contains(&out, NAME.as_bytes()));
    assert!(!contains(&out, b"Exif"));
    assert!(!contains(&out, b"GPS"));
    assert_eq!(
        removed,
        [
            "EXIF (including GPS position)",
            "XMP",
            "ICC colour profile",
            "IPTC/Photoshop data (can name the photographer)",
            "comments",
            "data after the end of the picture (such as extra images)",
        ]
    );
}

#[test]
fn jpeg_thumbnail_in_jfif_goes() {
    let mut input = vec![0xFF, 0xD8];
    // JFIF with a 1×1 RGB thumbnail
    let jfif_thumb = b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x01\x01\xAA\xBB\xCC";
    input.extend_from_slice(&[
        0xFF,
        0xE0,
        0x00,
        u8::try_from(jfif_thumb.len() + 2).unwrap(),
    ]);
    input.extend_from_slice(jfif_thumb);
    input.extend(jpeg_coding());
    let (out, removed) = cleaned(&input);
    let mut expected = vec![0xFF, 0xD8];
    expected.extend(jfif());
    expected.extend(jpeg_coding());
    assert_eq!(out, expected);
    assert_eq!(
        removed,
        ["thumbnail (can show the picture before it was cropped)"]
    );
}

#[test]
fn clean_jpeg_comes_out_unchanged() {
    let mut input = vec![0xFF, 0xD8];
    input.extend(jfif());
    input.extend(jpeg_coding());
    let (out, removed) = cleaned(&input);
    assert_eq!(out, input);
    assert!(removed.is_empty());
}

#[test]
fn damaged_jpeg_is_for_analysts() {
    // A segment length that runs past the end of the file.
    let input = b"\xFF\xD8\xFF\xE1\x40\x00Exif\0\0II*\0".to_vec();
    let result = clean(&input, &Limits::default()).unwrap();
    assert_eq!(result.detected.kind, Kind::Jpeg);
    match result.outcome {
        Outcome::AnalystsOnly { reason } => {
            assert!(reason.contains("could not be cleaned"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn png_keeps_only_pixels_and_rendering_chunks() {
    let input = png_with_metadata();
    assert_eq!(lookout_attachments::detect(&input).kind, Kind::Png);
    let (out, removed) = cleaned(&input);

    let (ihdr, idat, iend) = png_pixels();
    let expected = [PNG_SIGNATURE.to_vec(), ihdr, png_phys(), idat, iend].concat();
    assert_eq!(out, expected);

    assert!(!contains(&out, NAME.as_bytes()));
    assert!(!contains(&out, COMPANY.as_bytes()));
    let png = Png::from_bytes(Bytes::from(out)).unwrap();
    assert!(png.exif().is_none());
    assert!(png.icc_profile().is_none());
    assert_eq!(
        removed,
        [
            "data after the end of the picture (such as extra images)",
            "text chunks (tEXt/zTXt/iTXt: author, software, comments)",
            "XMP",
            "EXIF (including GPS position)",
            "modification time (tIME)",
            "ICC colour profile",
            "other chunks (prVt)",
        ]
    );
}

#[test]
fn png_with_a_bad_checksum_is_for_analysts() {
    let mut input = png_with_metadata();
    let last_of_ihdr_crc = PNG_SIGNATURE.len() + 8 + 13 + 3;
    input[last_of_ihdr_crc] ^= 0xFF;
    let result = clean(&input, &Limits::default()).unwrap();
    assert!(matches!(result.outcome, Outcome::AnalystsOnly { .. }));
}

#[test]
fn webp_keeps_the_bitstream_and_clears_the_flags() {
    let input = webp_with_metadata();
    let detected = lookout_attachments::detect(&input);
    assert_eq!(detected.kind, Kind::Webp);
    assert_eq!(detected.mime, "image/webp");
    let (out, removed) = cleaned(&input);

    let webp = WebP::from_bytes(Bytes::from(out.clone())).unwrap();
    let ids: Vec<[u8; 4]> = webp.chunks().iter().map(|c| c.id()).collect();
    assert_eq!(ids, [*b"VP8X", *b"VP8L"]);
    let vp8x = webp
        .chunk_by_id(*b"VP8X")
        .unwrap()
        .content()
        .data()
        .unwrap();
    assert_eq!(vp8x[0], 0, "ICC, EXIF and XMP flags cleared");
    let vp8l = webp
        .chunk_by_id(*b"VP8L")
        .unwrap()
        .content()
        .data()
        .unwrap();
    assert_eq!(&vp8l[..], VP8L);
    assert!(webp.exif().is_none());
    assert!(webp.icc_profile().is_none());
    assert!(!contains(&out, NAME.as_bytes()));
    assert!(!contains(&out, COMPANY.as_bytes()));
    assert_eq!(
        removed,
        [
            "ICC colour profile",
            "EXIF (including GPS position)",
            "XMP",
            "other chunks (prVt)",
        ]
    );
}

#[test]
fn cleaning_twice_removes_nothing_more() {
    for input in [
        jpeg_with_metadata(),
        png_with_metadata(),
        webp_with_metadata(),
    ] {
        let (once, _) = cleaned(&input);
        let (twice, removed) = cleaned(&once);
        assert_eq!(twice, once);
        assert!(removed.is_empty(), "{removed:?}");
    }
}

#[test]
fn adobe_segment_keeps_only_its_twelve_bytes() {
    let adobe = b"Adobe\x00\x64\x00\x00\x00\x00\x01";
    let mut input = vec![0xFF, 0xD8];
    input.extend_from_slice(&[0xFF, 0xEE, 0x00, 14 + 2 + 11]);
    input.extend_from_slice(adobe);
    input.extend_from_slice(b"\0\0Ivan Petrov");
    input.extend(jpeg_coding());
    let (out, removed) = cleaned(&input);
    let mut expected = vec![0xFF, 0xD8, 0xFF, 0xEE, 0x00, 14];
    expected.extend_from_slice(adobe);
    expected.extend(jpeg_coding());
    assert_eq!(out, expected);
    assert_eq!(removed, ["other embedded application data"]);
}
