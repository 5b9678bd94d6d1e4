//! Detection from content, and what becomes of each kind.

mod common;

use common::*;
use lookout_attachments::{AttachmentError, Kind, Limits, Outcome, clean, detect};

fn reason_for(bytes: &[u8]) -> String {
    match clean(bytes, &Limits::default()).unwrap().outcome {
        Outcome::AnalystsOnly { reason } => reason,
        other @ Outcome::Cleaned { .. } => panic!("cleaned: {other:?}"),
    }
}

fn refusal(bytes: &[u8]) -> String {
    match clean(bytes, &Limits::default()) {
        Err(AttachmentError::Refused { reason }) => reason,
        other => panic!("not refused: {other:?}"),
    }
}

const PROGRAM: &str = "Programs are not accepted as attachments: put the file in a zip archive \
                       protected with the password \"infected\" and attach that, so no one opens \
                       it by accident.";

#[test]
fn programs_are_refused_whatever_they_would_be_called() {
    let mut pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0".to_vec();
    pe.resize(64, 0);
    pe[60] = 64;
    pe.extend_from_slice(b"PE\0\0\x4c\x01");
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    let macho = b"\xCF\xFA\xED\xFE\x07\0\0\x01\x03\0\0\0\x02\0\0\0".to_vec();
    let fat = b"\xCA\xFE\xBA\xBE\0\0\0\x02".to_vec();
    let lnk = b"\x4C\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46\x9b\0\0\0".to_vec();
    for program in [pe, elf, macho, fat, lnk] {
        assert_eq!(detect(&program).kind, Kind::Executable, "{program:?}");
        assert_eq!(refusal(&program), PROGRAM);
    }
    let err = clean(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), PROGRAM);
}

#[test]
fn text_that_starts_with_mz_is_not_a_program() {
    let text = b"MZ-7 engine log: all normal\n";
    assert_eq!(detect(text).kind, Kind::Text);
    assert!(clean(text, &Limits::default()).is_ok());
}

#[test]
fn pictures_that_cannot_be_cleaned_are_refused_with_a_way_out() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free".to_vec();
    let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf\0\0\0\x08free".to_vec();
    let tiff = b"II*\0\x08\0\0\0\0\0\0\0\0\0\0\0".to_vec();
    for (picture, kind) in [(heic, Kind::Heic), (avif, Kind::Heic), (tiff, Kind::Tiff)] {
        assert_eq!(detect(&picture).kind, kind);
        let reason = refusal(&picture);
        assert!(reason.contains("GPS position"), "{reason}");
        assert!(reason.contains("screenshot"), "{reason}");
        assert!(reason.contains("PNG or JPEG"), "{reason}");
    }
}

#[test]
fn empty_and_oversized_files_are_refused() {
    assert_eq!(clean(b"", &Limits::default()), Err(AttachmentError::Empty));
    assert_eq!(detect(b"").kind, Kind::Empty);
    let limits = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let big = jpeg_with_metadata().repeat(10);
    match clean(&big, &limits) {
        Err(AttachmentError::TooLarge { size, max }) => {
            assert_eq!((size, max), (big.len(), 1024));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(Limits::default().max_bytes, 16 * 1024 * 1024);
}

#[test]
fn scripts_in_markup_are_for_analysts() {
    for (markup, kind) in [
        (b"<!DOCTYPE html><html><script>fetch('/x')</script></html>".as_slice(), Kind::Html),
        (b"<html><body>invoice</body></html>", Kind::Html),
        (
            b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            Kind::Svg,
        ),
        (b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>", Kind::Svg),
    ] {
        assert_eq!(detect(markup).kind, kind, "{}", String::from_utf8_lossy(markup));
        assert!(reason_for(markup).contains("can carry scripts"));
    }
}

#[test]
fn everything_else_is_sealed_for_analysts() {
    let generic = "This file is kept for the analysts only: this kind of file cannot be checked \
                   for identifying details.";
    let pcap = b"\xD4\xC3\xB2\xA1\x02\0\x04\0\0\0\0\0\0\0\0\0\xFF\xFF\0\0\x01\0\0\0".to_vec();
    let log = b"2026-03-02 14:32:00 UTC bridge-pc: login failure for user master\n".to_vec();
    let csv = b"time,mmsi,event\n14:32,235012345,AIS gap\n".to_vec();
    let eml = b"Received: from mail.example by mx\r\nFrom: a@example.org\r\nSubject: invoice\r\n\r\nbody\r\n".to_vec();
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    for (bytes, kind) in [
        (pcap, Kind::Other),
        (log, Kind::Text),
        (csv, Kind::Text),
        (noise, Kind::Other),
    ] {
        let detected = detect(&bytes);
        assert_eq!(detected.kind, kind, "{}", detected.mime);
        assert_eq!(reason_for(&bytes), generic);
    }
    assert_eq!(detect(&eml).kind, Kind::Text, "{}", detect(&eml).mime);
    assert_eq!(reason_for(&eml), generic);
    assert_eq!(
        detect(b"\xD4\xC3\xB2\xA1\x02\0\x04\0").mime,
        "application/vnd.tcpdump.pcap"
    );

    let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0".to_vec();
    assert_eq!(detect(&ole).kind, Kind::LegacyOffice);
    assert!(reason_for(&ole).contains("save it as .docx"));

    let gif = b"GIF89a\x01\0\x01\0\0\0\0;".to_vec();
    assert_eq!(detect(&gif).kind, Kind::OtherImage);
    assert!(reason_for(&gif).contains("screenshot"));

    let gzip = b"\x1F\x8B\x08\0\0\0\0\0\0\x03\x03\0\0\0\0\0\0\0\0\0".to_vec();
    assert_eq!(detect(&gzip).kind, Kind::Archive);
    assert!(reason_for(&gzip).starts_with("This archive is kept for the analysts only"));
}

#[test]
fn detection_goes_by_content_not_by_what_the_file_claims() {
    // A PDF-looking start that is a JPEG underneath is a JPEG; a JPEG with
    // text in front is not one.
    let jpeg = jpeg_with_metadata();
    assert_eq!(detect(&jpeg).kind, Kind::Jpeg);
    let mut prefixed = b"%PDF-1.7 ".to_vec();
    prefixed.extend_from_slice(&jpeg);
    assert_ne!(detect(&prefixed).kind, Kind::Jpeg);
    // A docx is a docx, a zip of the same parts in other folders is a zip.
    assert_eq!(detect(&docx()).kind, Kind::Docx);
    assert_eq!(detect(&pdf_with_metadata(true)).kind, Kind::Pdf);
    assert_eq!(detect(&png_with_metadata()).kind, Kind::Png);
    assert_eq!(detect(&webp_with_metadata()).kind, Kind::Webp);
}

#[test]
fn error_messages_are_sentences() {
    for e in [
        AttachmentError::Empty,
        AttachmentError::TooLarge {
            size: 17 * 1024 * 1024,
            max: 16 * 1024 * 1024,
        },
    ] {
        let s = e.to_string();
        assert!(s.starts_with(char::is_uppercase) && s.ends_with('.'), "{s}");
    }
}

/// Found by fuzzing: a damaged JPEG the cleaner tidied into bytes that no
/// longer read as a JPEG. Members must get what the type says, so it stays
/// with the analysts.
#[test]
fn a_cleaned_copy_that_changes_type_goes_to_analysts() {
    let data = include_bytes!("data/fuzz-jpeg-retyped.bin");
    let cleaned = clean(data, &Limits::default()).unwrap();
    assert_eq!(cleaned.detected.kind, Kind::Jpeg);
    assert!(
        matches!(cleaned.outcome, Outcome::AnalystsOnly { .. }),
        "{:?}",
        cleaned.outcome
    );
}
