//! PDFs: info, XMP, scripts, actions and embedded files go; pages stay.

mod common;

use common::*;
use lookout_attachments::{Kind, Limits, Outcome, clean};
use lopdf::xref::XrefType;
use lopdf::{Document, Object, dictionary};

fn cleaned(bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    let result = clean(bytes, &Limits::default()).unwrap();
    assert_eq!(result.detected.kind, Kind::Pdf);
    assert_eq!(result.detected.mime, "application/pdf");
    match result.outcome {
        Outcome::Cleaned { bytes, removed } => (bytes, removed),
        other => panic!("not cleaned: {other:?}"),
    }
}

/// The first page's content stream, as stored.
fn page_content(pdf: &[u8]) -> Vec<u8> {
    let doc = Document::load_mem(pdf).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let ids = doc.get_page_contents(page);
    assert_eq!(ids.len(), 1);
    doc.get_object(ids[0])
        .unwrap()
        .as_stream()
        .unwrap()
        .content
        .clone()
}

/// Every object of a PDF written out uncompressed and one by one (object
/// streams unpacked), so a search sees all there is.
fn plain(pdf: &[u8]) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).unwrap();
    doc.decompress();
    doc.reference_table.cross_reference_type = XrefType::CrossReferenceTable;
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn identifying_and_active_content_goes_and_the_page_stays() {
    for table in [false, true] {
        let input = pdf_with_metadata(table);
        check_cleaned_fixture(&input);
    }
}

fn check_cleaned_fixture(input: &[u8]) {
    // The fixture does carry what must go.
    for needle in [
        NAME,
        COMPANY,
        "app.alert",
        "cmd.exe",
        "Crew list",
        "/JavaScript",
        "/EmbeddedFile",
    ] {
        assert!(contains(input, needle.as_bytes()), "fixture lacks {needle}");
    }
    let plain_in = plain(input);
    let (cleaned_bytes, removed) = cleaned(input);
    let out = plain(&cleaned_bytes);
    for needle in [
        NAME,
        COMPANY,
        "app.alert",
        "exportDataObject",
        "cmd.exe",
        "Crew list",
        "/JavaScript",
        "/JS",
        "/EmbeddedFile",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/Metadata",
        "/PieceInfo",
        "/Info",
        "/ID",
        "CompanyPrivate",
        "xmpmeta",
    ] {
        assert!(
            contains(&plain_in, needle.as_bytes()),
            "the search cannot see {needle}"
        );
        assert!(!contains(&out, needle.as_bytes()), "{needle} survived");
    }
    // The page and its drawing instructions survive unchanged, and so does
    // the comment's text (only its author and date go).
    assert!(contains(&out, PAGE_CONTENT));
    assert_eq!(page_content(&cleaned_bytes), PAGE_CONTENT);
    assert!(contains(&out, b"check the ECDIS log"));
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    // The photo is there, cleaned as a JPEG attachment would be.
    let mut clean_photo = vec![0xFF, 0xD8];
    clean_photo.extend(jfif());
    clean_photo.extend(jpeg_coding());
    let photos: Vec<&Vec<u8>> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.has_type(b"XObject"))
        .map(|s| &s.content)
        .collect();
    assert_eq!(photos, [&clean_photo]);

    let expected = [
        "PDF document info (author, producer, dates)",
        "PDF file identifier",
        "other PDF file-level data",
        "PDF JavaScript",
        "PDF embedded files",
        "XMP metadata",
        "PDF actions that run when the file is opened or viewed",
        "PDF application data and edit dates",
        "PDF comment authors and dates",
        "PDF actions that launch programs, open other files or submit data",
        "PDF article thread info",
        "EXIF (including GPS position) in pictures inside the PDF",
        "XMP in pictures inside the PDF",
        "ICC colour profile in pictures inside the PDF",
        "IPTC/Photoshop data (can name the photographer) in pictures inside the PDF",
        "comments in pictures inside the PDF",
        "data after the end of the picture (such as extra images) in pictures inside the PDF",
    ];
    for item in expected {
        assert!(
            removed.iter().any(|r| r == item),
            "{item} not in {removed:?}"
        );
    }
    assert_eq!(removed.len(), expected.len(), "{removed:?}");
}

#[test]
fn cleaning_twice_removes_nothing_more() {
    let (once, _) = cleaned(&pdf_with_metadata(false));
    let (twice, removed) = cleaned(&once);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(page_content(&twice), PAGE_CONTENT);
}

/// Appends an incremental update that replaces object `id` with `object`.
fn append_update(pdf: &[u8], id: u32, object: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let prev: usize = text
        .rsplit("startxref")
        .next()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let doc = Document::load_mem(pdf).unwrap();
    let root = match doc.trailer.get(b"Root").unwrap() {
        Object::Reference(r) => r.0,
        _ => unreachable!(),
    };
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let at = out.len();
    out.extend_from_slice(format!("{id} 0 obj\n{object}\nendobj\n").as_bytes());
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{id} 1\n{at:010} 00000 n \ntrailer\n<< /Size {} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            doc.max_id + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn earlier_revisions_do_not_survive() {
    // A plain document whose page once said who wrote it.
    let mut doc = Document::with_version("1.4");
    let pages = doc.new_object_id();
    let old = format!("BT /F1 12 Tf 72 720 Td (Report by {NAME}) Tj ET");
    let content = doc.add_object(lopdf::Stream::new(dictionary! {}, old.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut v1 = Vec::new();
    doc.save_to(&mut v1).unwrap();

    let new = "BT /F1 12 Tf 72 720 Td (Report) Tj ET";
    let v2 = append_update(
        &v1,
        content.0,
        &format!("<< /Length {} >>\nstream\n{new}\nendstream", new.len()),
    );
    assert!(
        contains(&v2, NAME.as_bytes()),
        "the old revision is still in the file"
    );
    assert_eq!(page_content(&v2), new.as_bytes());

    let (out, removed) = cleaned(&v2);
    assert!(!contains(&plain(&out), NAME.as_bytes()));
    assert_eq!(page_content(&out), new.as_bytes());
    assert_eq!(removed, ["earlier versions of the PDF kept inside it"]);
}

#[test]
fn hex_escaped_names_are_still_found() {
    // `/J#61vaScript` is `/JavaScript` to a reader.
    let mut input = pdf_with_metadata(true);
    let doc = Document::load_mem(&input).unwrap();
    let root = match doc.trailer.get(b"Root").unwrap() {
        Object::Reference(r) => r.0,
        _ => unreachable!(),
    };
    drop(doc);
    input = append_update(
        &input,
        root,
        "<< /Type /Catalog /Pages 1 0 R /OpenAction << /S /J#61vaScript /J#53 (app.launchURL('http://evil.example/')) >> >>",
    );
    let (out, removed) = cleaned(&input);
    assert!(!contains(&plain(&out), b"evil.example"));
    assert!(removed.iter().any(|r| r == "PDF JavaScript"), "{removed:?}");
}

#[test]
fn damaged_and_fake_pdfs_are_for_analysts() {
    for input in [
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\nthis is not a pdf at all".to_vec(),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
    ] {
        let result = clean(&input, &Limits::default()).unwrap();
        assert_eq!(result.detected.kind, Kind::Pdf);
        match result.outcome {
            Outcome::AnalystsOnly { reason } => {
                assert!(reason.starts_with("This PDF is kept for the analysts only"), "{reason}");
            }
            Outcome::Cleaned { bytes, .. } => {
                // lopdf may repair it; then it must still load.
                assert!(Document::load_mem(&bytes).is_ok());
            }
        }
    }
}

#[test]
fn truncated_pdfs_never_leak() {
    let input = pdf_with_metadata(true);
    for cut in (16..input.len()).step_by(97) {
        let result = clean(&input[..cut], &Limits::default()).unwrap();
        if let Outcome::Cleaned { bytes, .. } = result.outcome {
            let bytes = plain(&bytes);
            assert!(!contains(&bytes, b"app.alert"), "cut at {cut}");
            assert!(!contains(&bytes, b"/JavaScript"), "cut at {cut}");
            assert!(!contains(&bytes, b"Crew list"), "cut at {cut}");
        }
    }
}

#[test]
fn encrypted_pdfs_are_for_analysts() {
    // An /Encrypt entry whose security handler cannot be opened.
    let input = pdf_with_metadata(true);
    let text = String::from_utf8_lossy(&input).into_owned();
    let with_encrypt = text.replacen(
        "trailer\n<<",
        "trailer\n<</Encrypt << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>",
        1,
    );
    assert_ne!(with_encrypt, text, "fixture has a classic trailer");
    let result = clean(with_encrypt.as_bytes(), &Limits::default()).unwrap();
    assert!(
        matches!(result.outcome, Outcome::AnalystsOnly { .. }),
        "{:?}",
        result.outcome
    );
}

#[test]
fn a_jpeg_hidden_behind_other_filters_is_for_analysts() {
    let mut doc = Document::with_version("1.4");
    doc.reference_table.cross_reference_type = XrefType::CrossReferenceTable;
    let pages = doc.new_object_id();
    let photo = doc.add_object(lopdf::Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Filter" => vec!["ASCIIHexDecode".into(), "DCTDecode".into()] },
        b"FFD8FFD9>".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => photo } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut input = Vec::new();
    doc.save_to(&mut input).unwrap();
    let result = clean(&input, &Limits::default()).unwrap();
    assert!(
        matches!(result.outcome, Outcome::AnalystsOnly { .. }),
        "{:?}",
        result.outcome
    );
}
