//! Fixtures built in code: small but real files carrying identifying
//! metadata, and the parts of them that must survive cleaning.

#![allow(dead_code)] // each test file uses some of these

use std::io::{Cursor, Write};

use img_parts::Bytes;
use img_parts::png::PngChunk;
use img_parts::riff::{RiffChunk, RiffContent};
use lopdf::{Document, Object, Stream, dictionary};
use zip::write::SimpleFileOptions;

/// A name that must not survive any cleaning.
pub const NAME: &str = "Ivan Petrov";
/// A company that must not survive either.
pub const COMPANY: &str = "Nordkap Shipping";

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A TIFF-structured EXIF payload whose first IFD has an Artist (0x013B)
/// naming [`NAME`] and a GPS IFD pointer (0x8825) to one latitude entry.
pub fn exif_tiff() -> Vec<u8> {
    let artist = format!("{NAME}\0");
    let mut t = b"II*\0\x08\0\0\0".to_vec(); // IFD0 at 8
    // IFD0: 2 entries, 8 + 2 + 24 + 4 = 38, data after
    t.extend_from_slice(&2u16.to_le_bytes());
    let artist_at = 38u32;
    let gps_at = artist_at + u32::try_from(artist.len()).unwrap();
    // Artist, ASCII
    t.extend_from_slice(&0x013Bu16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&u32::try_from(artist.len()).unwrap().to_le_bytes());
    t.extend_from_slice(&artist_at.to_le_bytes());
    // GPS IFD pointer, LONG
    t.extend_from_slice(&0x8825u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&gps_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t.extend_from_slice(artist.as_bytes());
    // GPS IFD: GPSLatitudeRef "N"
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(b"GPS 59 54.6N 010 44.1E");
    t
}

fn xmp_packet() -> String {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>{NAME}</dc:creator>\
         </rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    )
}

fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(contents.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(contents);
    s
}

/// What a JPEG decoder needs: quantisation and Huffman tables, frame and
/// scan headers, scan data, end of image. An 8×8 grey picture.
pub fn jpeg_coding() -> Vec<u8> {
    let mut c = segment(0xDB, &[[0u8].as_slice(), &[1u8; 64]].concat()); // DQT
    c.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0])); // SOF0 8x8 grey
    let one_code = |class: u8| {
        let mut t = vec![class, 1];
        t.extend_from_slice(&[0; 15]);
        t.push(0);
        t
    };
    c.extend(segment(0xC4, &one_code(0x00))); // DHT DC
    c.extend(segment(0xC4, &one_code(0x10))); // DHT AC
    c.extend(segment(0xDA, &[1, 1, 0x00, 0, 63, 0])); // SOS
    c.push(0x3F); // DC diff 0, EOB, padding
    c.extend_from_slice(&[0xFF, 0xD9]);
    c
}

/// The JFIF segment a cleaned JPEG keeps.
pub fn jfif() -> Vec<u8> {
    segment(0xE0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00")
}

/// A JPEG with JFIF, EXIF (artist and GPS), XMP, an ICC profile, IPTC, a
/// comment, and after its end a second picture with EXIF (as phones append).
pub fn jpeg_with_metadata() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend(jfif());
    j.extend(segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &exif_tiff()].concat(),
    ));
    j.extend(segment(
        0xE1,
        &[
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            xmp_packet().as_bytes(),
        ]
        .concat(),
    ));
    j.extend(segment(
        0xE2,
        &[
            b"ICC_PROFILE\0\x01\x01".as_slice(),
            format!("desc {NAME}'s monitor").as_bytes(),
        ]
        .concat(),
    ));
    j.extend(segment(
        0xED,
        &[b"Photoshop 3.0\08BIM\x04\x04".as_slice(), NAME.as_bytes()].concat(),
    ));
    j.extend(segment(0xFE, format!("Taken by {NAME}").as_bytes()));
    j.extend(jpeg_coding());
    // An appended second image with its own EXIF.
    j.extend_from_slice(&[0xFF, 0xD8]);
    j.extend(segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &exif_tiff()].concat(),
    ));
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// zlib with one stored block: readable by any inflater, and the text
/// stays visible in the file (so a test can look for it).
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap();
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(data);
    z.extend_from_slice(&adler32(data).to_be_bytes());
    z
}

fn png_chunk(kind: &[u8; 4], contents: &[u8]) -> Vec<u8> {
    PngChunk::new(*kind, Bytes::copy_from_slice(contents))
        .encoder()
        .bytes()
        .to_vec()
}

pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The chunks a cleaned PNG keeps: IHDR (1×1 grey), IDAT, IEND.
pub fn png_pixels() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let ihdr = png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let idat = png_chunk(b"IDAT", &zlib_stored(&[0, 0x80]));
    let iend = png_chunk(b"IEND", b"");
    (ihdr, idat, iend)
}

/// A PNG with tEXt Author, zTXt, iTXt XMP, eXIf, tIME, iCCP, a private
/// chunk, pHYs (kept), and data after IEND.
pub fn png_with_metadata() -> Vec<u8> {
    let (ihdr, idat, iend) = png_pixels();
    let mut p = PNG_SIGNATURE.to_vec();
    p.extend(ihdr);
    p.extend(png_chunk(b"pHYs", &[0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]));
    p.extend(png_chunk(b"tEXt", format!("Author\0{NAME}").as_bytes()));
    p.extend(png_chunk(
        b"zTXt",
        &[
            b"Comment\0\0".as_slice(),
            &zlib_stored(format!("from {COMPANY}").as_bytes()),
        ]
        .concat(),
    ));
    p.extend(png_chunk(
        b"iTXt",
        &[
            b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(),
            xmp_packet().as_bytes(),
        ]
        .concat(),
    ));
    p.extend(png_chunk(b"eXIf", &exif_tiff()));
    p.extend(png_chunk(b"tIME", &[0x07, 0xEA, 3, 2, 14, 32, 0]));
    p.extend(png_chunk(
        b"iCCP",
        &[b"Display\0\0".as_slice(), &zlib_stored(NAME.as_bytes())].concat(),
    ));
    p.extend(png_chunk(b"prVt", format!("user={NAME}").as_bytes()));
    p.extend(idat);
    p.extend(png_chunk(
        b"tEXt",
        format!("Software\0{COMPANY} tools").as_bytes(),
    ));
    p.extend(iend);
    p.extend_from_slice(format!("trailer {NAME}").as_bytes());
    p
}

/// pHYs as kept.
pub fn png_phys() -> Vec<u8> {
    png_chunk(b"pHYs", &[0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])
}

/// A 1×1 lossless WebP bitstream (VP8L).
pub const VP8L: &[u8] = b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";

fn riff_data(id: &[u8; 4], data: &[u8]) -> RiffChunk {
    RiffChunk::new(*id, RiffContent::Data(Bytes::copy_from_slice(data)))
}

/// A WebP with VP8X (ICC, EXIF, XMP flags set), ICCP, the bitstream, EXIF
/// and XMP chunks, and an unknown chunk.
pub fn webp_with_metadata() -> Vec<u8> {
    let vp8x = [0x20 | 0x08 | 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let riff = RiffChunk::new(
        *b"RIFF",
        RiffContent::List {
            kind: Some(*b"WEBP"),
            subchunks: vec![
                riff_data(b"VP8X", &vp8x),
                riff_data(b"ICCP", format!("profile of {NAME}").as_bytes()),
                riff_data(b"VP8L", VP8L),
                riff_data(b"EXIF", &exif_tiff()),
                riff_data(b"XMP ", xmp_packet().as_bytes()),
                riff_data(b"prVt", COMPANY.as_bytes()),
            ],
        },
    );
    riff.encoder().bytes().to_vec()
}

/// The page's drawing instructions.
pub const PAGE_CONTENT: &[u8] = b"BT /F1 24 Tf 72 720 Td (Engine room alarm at 0400) Tj ET";

/// A one-page PDF with document info, XMP, JavaScript to run on opening
/// and in the name tree, an embedded file, a comment with its author, a
/// launch action on a link, a page-level additional action, a photo with
/// EXIF, an article thread with its author, and a private trailer key. Its cross-reference data is a classic table (`table`) or a
/// stream.
pub fn pdf_with_metadata(table: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    if table {
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    }
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content_id = doc.add_object(Stream::new(dictionary! {}, PAGE_CONTENT.to_vec()));
    let comment = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Text", "Rect" => vec![100.into(), 100.into(), 120.into(), 120.into()],
        "T" => Object::string_literal(NAME), "Contents" => Object::string_literal("check the ECDIS log"),
        "M" => Object::string_literal("D:20260302143200Z"),
    });
    let launch = dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 50.into(), 50.into()],
        "A" => dictionary! { "S" => "Launch", "F" => Object::string_literal("C:\\Windows\\System32\\cmd.exe") },
    };
    let embedded = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        format!("Crew list: {NAME}, master").into_bytes(),
    ));
    let filespec = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("crew.txt"),
        "EF" => dictionary! { "F" => embedded },
    });
    let photo = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 8, "Height" => 8,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        },
        jpeg_with_metadata(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => dictionary! {
            "Font" => dictionary! { "F1" => font_id },
            "XObject" => dictionary! { "Im1" => photo },
        },
        "Annots" => vec![comment.into(), Object::Dictionary(launch)],
        "AA" => dictionary! { "O" => dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('page open')") } },
        "PieceInfo" => dictionary! { "Illustrator" => dictionary! { "Private" => Object::string_literal(COMPANY) } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let js = doc.add_object(dictionary! {
        "S" => "JavaScript", "JS" => Object::string_literal(format!("app.alert('{NAME}')")),
    });
    let xmp = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp_packet().into_bytes(),
    ));
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Metadata" => xmp,
        "OpenAction" => dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("this.exportDataObject({cName: 'crew.txt', nLaunch: 2})") },
        "Threads" => vec![Object::Dictionary(dictionary! {
            "Type" => "Thread", "I" => dictionary! { "Author" => Object::string_literal(NAME) },
        })],
        "Names" => dictionary! {
            "JavaScript" => dictionary! { "Names" => vec![Object::string_literal("init"), js.into()] },
            "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("crew.txt"), filespec.into()] },
        },
    });
    let info = doc.add_object(dictionary! {
        "Author" => Object::string_literal(NAME),
        "Producer" => Object::string_literal(format!("{COMPANY} PDF")),
        "CreationDate" => Object::string_literal("D:20260302143200Z"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal("0123456789abcdef"),
            Object::string_literal("0123456789abcdef"),
        ],
    );
    doc.trailer
        .set("CompanyPrivate", Object::string_literal(COMPANY));
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The part of an Office document that must come through unchanged.
pub const DOCUMENT_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Engine room alarm at 0400</w:t></w:r></w:p></w:body></w:document>"#;

pub const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#;

pub fn core_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Incident</dc:title><dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{NAME}</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:created></cp:coreProperties>"#
    )
}

pub fn app_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>Normal.dotm</Template><TotalTime>12</TotalTime><Application>Microsoft Office Word</Application><Company>{COMPANY}</Company><Manager>Olav Hansen</Manager></Properties>"#
    )
}

pub const TENANT: &str = "5b9c2a61-7d0e-4f3a-9e1c-2d8f6a4b0c33";

pub fn custom_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="MSIP_Label_Internal_SiteId"><vt:lpwstr>{TENANT}</vt:lpwstr></property></Properties>"#
    )
}

/// A zip of `entries`, deflated, with a comment naming the company.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        z.start_file(*name, SimpleFileOptions::default()).unwrap();
        z.write_all(data).unwrap();
    }
    z.set_comment(format!("packed at {COMPANY}")).unwrap();
    z.finish().unwrap().into_inner()
}

/// A .docx with author, company and custom properties, and a photo with
/// EXIF inside; `extra` parts are added.
pub fn docx_with(extra: &[(&str, &[u8])]) -> Vec<u8> {
    let core = core_xml();
    let app = app_xml();
    let custom = custom_xml();
    let photo = jpeg_with_metadata();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#),
        ("word/document.xml", DOCUMENT_XML),
        ("word/media/image1.jpeg", &photo),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", app.as_bytes()),
        ("docProps/custom.xml", custom.as_bytes()),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries)
}

pub fn docx() -> Vec<u8> {
    docx_with(&[])
}

/// Reads one entry of a zip.
pub fn zip_entry(zip_bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).ok()?;
    let mut entry = archive.by_name(name).ok()?;
    let mut data = Vec::new();
    entry.read_to_end(&mut data).ok()?;
    Some(data)
}

/// All entry names of a zip, in order.
pub fn zip_names(zip_bytes: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}
