//! Office documents: properties emptied, pictures cleaned, the rest kept.

mod common;

use common::*;
use lookout_attachments::{Kind, Limits, Outcome, clean, detect};

fn outcome(bytes: &[u8], limits: &Limits) -> Outcome {
    clean(bytes, limits).unwrap().outcome
}

fn analysts_reason(bytes: &[u8], limits: &Limits) -> String {
    match outcome(bytes, limits) {
        Outcome::AnalystsOnly { reason } => reason,
        other @ Outcome::Cleaned { .. } => panic!("cleaned: {other:?}"),
    }
}

#[test]
fn docx_loses_author_company_and_photo_metadata_and_keeps_its_text() {
    let input = docx();
    let detected = detect(&input);
    assert_eq!(detected.kind, Kind::Docx);
    assert_eq!(
        detected.mime,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let Outcome::Cleaned {
        bytes: out,
        removed,
    } = outcome(&input, &Limits::default())
    else {
        panic!("not cleaned");
    };

    // Same parts, same order.
    assert_eq!(zip_names(&out), zip_names(&input));
    // What must go is gone from every part (and from the zip itself).
    for name in zip_names(&out) {
        let data = zip_entry(&out, &name).unwrap();
        for needle in [NAME, COMPANY, "Olav Hansen", TENANT] {
            assert!(!contains(&data, needle.as_bytes()), "{needle} in {name}");
        }
    }
    assert!(!contains(&out, COMPANY.as_bytes()), "zip comment");
    // The document itself is unchanged.
    assert_eq!(zip_entry(&out, "word/document.xml").unwrap(), DOCUMENT_XML);
    assert_eq!(
        zip_entry(&out, "[Content_Types].xml").unwrap(),
        CONTENT_TYPES
    );
    // The properties are valid and empty.
    let core = zip_entry(&out, "docProps/core.xml").unwrap();
    assert!(core.ends_with(b"/>"));
    assert!(contains(&core, b"<cp:coreProperties "));
    assert!(!contains(&core, b"creator"));
    let app = zip_entry(&out, "docProps/app.xml").unwrap();
    assert!(!contains(&app, b"Company"));
    // The photo is the cleaned photo.
    let photo = zip_entry(&out, "word/media/image1.jpeg").unwrap();
    let Outcome::Cleaned {
        bytes: clean_photo, ..
    } = outcome(&jpeg_with_metadata(), &Limits::default())
    else {
        panic!("photo not cleaned");
    };
    assert_eq!(photo, clean_photo);

    assert_eq!(
        removed,
        [
            "zip comment",
            "EXIF (including GPS position) in word/media/image1.jpeg",
            "XMP in word/media/image1.jpeg",
            "ICC colour profile in word/media/image1.jpeg",
            "IPTC/Photoshop data (can name the photographer) in word/media/image1.jpeg",
            "comments in word/media/image1.jpeg",
            "data after the end of the picture (such as extra images) in word/media/image1.jpeg",
            "docProps/core.xml title, author, last modified by, revision number, dates",
            "docProps/app.xml template, editing time, application details, company, manager",
            "docProps/custom.xml custom properties (such as sensitivity labels)",
        ]
    );
}

#[test]
fn cleaning_twice_removes_nothing_more() {
    let Outcome::Cleaned { bytes: once, .. } = outcome(&docx(), &Limits::default()) else {
        panic!("not cleaned");
    };
    let Outcome::Cleaned {
        bytes: twice,
        removed,
    } = outcome(&once, &Limits::default())
    else {
        panic!("not cleaned");
    };
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(twice, once);
}

#[test]
fn xlsx_loses_the_folder_it_was_saved_in() {
    let workbook = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\ivan.petrov\OneDrive - Nordkap Shipping\Incidents\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets><sheet name="Log" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>"#;
    let sheet = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>AIS gap 02:10-02:55</t></is></c></row></sheetData></worksheet>"#;
    let input = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", workbook),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    assert_eq!(detect(&input).kind, Kind::Xlsx);
    let Outcome::Cleaned {
        bytes: out,
        removed,
    } = outcome(&input, &Limits::default())
    else {
        panic!("not cleaned");
    };
    let wb = zip_entry(&out, "xl/workbook.xml").unwrap();
    assert!(!contains(&wb, b"ivan.petrov"));
    assert!(!contains(&wb, b"absPath"));
    assert!(contains(&wb, b"<sheets><sheet name=\"Log\""));
    assert_eq!(zip_entry(&out, "xl/worksheets/sheet1.xml").unwrap(), sheet);
    assert!(removed.contains(&"xl/workbook.xml folder the workbook was saved in".to_owned()));
}

#[test]
fn pptx_is_told_apart_from_a_plain_zip() {
    let pptx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("ppt/presentation.xml", b"<p/>"),
    ]);
    assert_eq!(detect(&pptx).kind, Kind::Pptx);
    assert!(outcome(&pptx, &Limits::default()).is_cleaned());
    // Whatever the first entry suggests to a signature matcher.
    let jar_first = zip_of(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", DOCUMENT_XML),
    ]);
    assert_eq!(detect(&jar_first).kind, Kind::Docx);

    // Office-like folders without [Content_Types].xml, or a plain archive.
    for plain in [
        zip_of(&[("word/document.xml", DOCUMENT_XML)]),
        zip_of(&[("evidence/bridge-pc.log", b"login failed")]),
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/a.xml", b"<a/>"),
            ("xl/b.xml", b"<b/>"),
        ]),
    ] {
        let detected = detect(&plain);
        assert_eq!(detected.kind, Kind::Zip);
        assert_eq!(detected.mime, "application/zip");
        let reason = analysts_reason(&plain, &Limits::default());
        assert!(
            reason.starts_with("This archive is kept for the analysts only"),
            "{reason}"
        );
    }
}

#[test]
fn macros_keep_it_for_analysts() {
    let input = docx_with(&[("word/vbaProject.bin", b"\xD0\xCF\x11\xE0 macro")]);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(reason.contains("contains macros"), "{reason}");
}

#[test]
fn comments_and_tracked_changes_keep_it_for_analysts() {
    let comments = docx_with(&[(
        "word/comments.xml",
        br#"<w:comments><w:comment w:id="0" w:author="Ivan Petrov" w:initials="IP"/></w:comments>"#,
    )]);
    let tracked_doc = br#"<w:document><w:body><w:p><w:ins w:id="1" w:author="Ivan Petrov" w:date="2026-03-02T14:00:00Z"><w:r><w:t>x</w:t></w:r></w:ins></w:p></w:body></w:document>"#;
    let tracked = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", tracked_doc),
    ]);
    for input in [comments, tracked] {
        let reason = analysts_reason(&input, &Limits::default());
        assert!(reason.contains("comments or tracked changes"), "{reason}");
    }
}

#[test]
fn local_template_path_keeps_it_for_analysts() {
    let input = docx_with(&[(
        "word/_rels/settings.xml.rels",
        br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\Users\ivan.petrov\AppData\Roaming\Microsoft\Templates\Nordkap.dotx" TargetMode="External"/></Relationships>"#,
    )]);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(
        reason.contains("links to files on the sender's computer"),
        "{reason}"
    );
}

#[test]
fn embedded_objects_and_sharepoint_data_keep_it_for_analysts() {
    let embedded = docx_with(&[("word/embeddings/oleObject1.bin", b"\xD0\xCF\x11\xE0")]);
    assert!(analysts_reason(&embedded, &Limits::default()).contains("embedded files"));
    let sharepoint = docx_with(&[(
        "customXml/item1.xml",
        br#"<p:properties><documentManagement><Owner>Ivan Petrov</Owner></documentManagement></p:properties>"#,
    )]);
    assert!(analysts_reason(&sharepoint, &Limits::default()).contains("document-management"));
    // Word's empty bibliography store is no reason.
    let bibliography = docx_with(&[(
        "customXml/item1.xml",
        br#"<b:Sources SelectedStyle="\APASixthEditionOfficeOnline.xsl" xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"></b:Sources>"#,
    )]);
    assert!(outcome(&bibliography, &Limits::default()).is_cleaned());
}

#[test]
fn a_heic_inside_keeps_it_for_analysts() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let input = docx_with(&[("word/media/image2.heic", &heic)]);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(
        reason.contains("pictures that could not be cleaned"),
        "{reason}"
    );
}

#[test]
fn zip_bombs_are_bounded() {
    let input = docx_with(&[("word/fonts.bin", &vec![0u8; 2_000_000])]);
    // Unpacked size over the limit.
    let small = Limits {
        max_ooxml_uncompressed: 1_000_000,
        ..Limits::default()
    };
    let reason = analysts_reason(&input, &small);
    assert!(reason.contains("unpacks to too much data"), "{reason}");
    // Too many entries.
    let few = Limits {
        max_ooxml_entries: 5,
        ..Limits::default()
    };
    let reason = analysts_reason(&input, &few);
    assert!(reason.contains("has 8 parts"), "{reason}");
    // Within the limits it is cleaned.
    assert!(outcome(&input, &Limits::default()).is_cleaned());
}

#[test]
fn damaged_package_is_for_analysts() {
    let mut input = docx();
    // Break the compressed data of the first entry.
    let data_start = 30 + "[Content_Types].xml".len();
    for b in &mut input[data_start..data_start + 40] {
        *b = 0xFF;
    }
    assert_eq!(detect(&input).kind, Kind::Docx);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(reason.contains("could not be cleaned"), "{reason}");
}

#[test]
fn lying_sizes_do_not_get_past_the_budget() {
    let input = docx_with(&[("word/fonts.bin", &vec![0u8; 2_000_000])]);
    // Make both headers of that entry claim it unpacks to 10 bytes.
    let mut lying = input.clone();
    let name = b"word/fonts.bin";
    for (signature, size_at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = (0..lying.len() - 4)
            .find(|&i| {
                &lying[i..i + 4] == signature
                    && lying[i..].windows(name.len()).position(|w| w == name)
                        == Some(if signature == b"PK\x03\x04" { 30 } else { 46 })
            })
            .unwrap();
        lying[at + size_at..at + size_at + 4].copy_from_slice(&10u32.to_le_bytes());
    }
    assert_ne!(lying, input);
    let limits = Limits {
        max_ooxml_uncompressed: 1_000_000,
        ..Limits::default()
    };
    let reason = analysts_reason(&lying, &limits);
    assert!(
        reason.starts_with("This document is kept for the analysts only"),
        "{reason}"
    );
}

/// The checks read parts in 64 KiB chunks: what they look for must be
/// found when it straddles two. (Edges at other powers of two are tried
/// too, so the test still bites if the chunk size changes.)
#[test]
fn what_the_checks_look_for_is_found_across_chunk_edges() {
    for edge in [16 * 1024, 32 * 1024, 64 * 1024, 128 * 1024] {
        for back in 0..=9 {
            // A tracked change whose `:author=` starts `back` bytes before
            // the edge.
            let open = b"<w:document><w:body><w:p>";
            let before = b"<w:ins w:id=\"1\" w";
            let mut doc = open.to_vec();
            doc.resize(edge - back - before.len(), b' ');
            doc.extend_from_slice(before);
            doc.extend_from_slice(
                br#":author="Ivan Petrov"><w:r><w:t>x</w:t></w:r></w:ins></w:p></w:body></w:document>"#,
            );
            let tracked = zip_of(&[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("word/document.xml", &doc),
            ]);
            let reason = analysts_reason(&tracked, &Limits::default());
            assert!(
                reason.contains("comments or tracked changes"),
                "edge {edge}, {back} back: {reason}"
            );

            // A macro-enabled content type the same way.
            let mut types = b"<Types>".to_vec();
            types.resize(edge - back, b' ');
            types.extend_from_slice(b"vbaProject\"/></Types>");
            let macros = zip_of(&[
                ("[Content_Types].xml", &types),
                ("word/document.xml", DOCUMENT_XML),
            ]);
            let reason = analysts_reason(&macros, &Limits::default());
            assert!(
                reason.contains("contains macros"),
                "edge {edge}, {back} back: {reason}"
            );
        }
    }
}

#[test]
fn parts_too_large_to_read_whole_keep_it_for_analysts() {
    // Relationships are read whole to be checked, up to a few MiB.
    let mut rels =
        br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            .to_vec();
    rels.resize(5 * 1024 * 1024, b' ');
    rels.extend_from_slice(b"</Relationships>");
    let input = docx_with(&[("word/_rels/document.xml.rels", &rels)]);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(reason.contains("parts are too large to check"), "{reason}");

    // A picture is read whole to be cleaned, but not when it unpacks to
    // far more than it takes in the package: padding, not a picture.
    let mut padded = jpeg_with_metadata();
    padded.resize(8 * 1024 * 1024, 0);
    let input = docx_with(&[("word/media/image2.jpeg", &padded)]);
    let reason = analysts_reason(&input, &Limits::default());
    assert!(
        reason.contains("pictures that could not be cleaned"),
        "{reason}"
    );
}

#[test]
fn the_unpacked_size_is_reported_for_a_request_budget() {
    let input = docx_with(&[("word/fonts.bin", &vec![0u8; 2_000_000])]);
    let cleaned = clean(&input, &Limits::default()).unwrap();
    assert!(cleaned.outcome.is_cleaned());
    let parts: u64 = zip_names(&input)
        .iter()
        .map(|name| zip_entry(&input, name).unwrap().len() as u64)
        .sum();
    assert_eq!(cleaned.unpacked, parts);
    // What is left of a request's budget, given to the next attachment.
    let left = Limits {
        max_ooxml_uncompressed: 3_000_000 - cleaned.unpacked,
        ..Limits::default()
    };
    let reason = analysts_reason(&input, &left);
    assert!(reason.contains("unpacks to too much data"), "{reason}");
    // Other kinds unpack nothing.
    assert_eq!(
        clean(&jpeg_with_metadata(), &Limits::default())
            .unwrap()
            .unpacked,
        0
    );
}
