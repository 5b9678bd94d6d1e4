//! Office documents with macros and remote templates. The macro code has
//! the traits droppers have (`AutoOpen`, `Shell`, `CreateObject`) and does
//! nothing: it would echo a word. Nothing here ever runs.

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use cfb::{CompoundFile, Version};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::office::{CHUNK_SIZE, decompress, offset_bits};

/// A module that looks like a dropper's first stage and does nothing.
pub const HARMLESS_MACRO: &str = "Sub AutoOpen()
    Shell \"cmd.exe /c echo harmless\"
    Set sh = CreateObject(\"WScript.Shell\")
End Sub
";

/// The document module every Word project has, here empty.
const THIS_DOCUMENT: (&str, &str) = ("ThisDocument", "");

/// MS-OVBA compression (2.4.1.3.6): greedy longest matches within each
/// 4096-byte chunk, raw chunks where that does not pay. Real VBA tools
/// (olevba) read its output.
pub fn vba_compress(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x01];
    for chunk in data.chunks(CHUNK_SIZE) {
        compress_chunk(chunk, &mut out);
    }
    out
}

/// The analysis's own MS-OVBA decompressor, for tests: the bytes, or why
/// they could not all be read. Output stops quietly at `cap`.
pub fn vba_decompress(data: &[u8], cap: usize) -> Result<Vec<u8>, String> {
    let out = decompress(data, cap);
    match out.error {
        Some(why) => Err(why.to_owned()),
        None => Ok(out.bytes),
    }
}

fn compress_chunk(chunk: &[u8], out: &mut Vec<u8>) {
    let body = tokens(chunk);
    if body.len() <= CHUNK_SIZE {
        // The size field counts the chunk's bytes (header included) minus 3.
        let header = 0xB000 | (body.len() as u16 - 1);
        out.extend(header.to_le_bytes());
        out.extend(body);
    } else if chunk.len() == CHUNK_SIZE {
        out.extend(0x3FFF_u16.to_le_bytes());
        out.extend(chunk);
    } else {
        // The spec pads a short raw chunk with zeros, which a reader cannot
        // tell from data; two compressed halves always fit instead (each
        // under 2048 bytes, literals cost 9/8).
        let (first, second) = chunk.split_at(chunk.len() / 2);
        compress_chunk(first, out);
        compress_chunk(second, out);
    }
}

fn tokens(chunk: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut starts = Vec::new();
    let mut pos = 0;
    while pos < chunk.len() {
        let flag_at = body.len();
        body.push(0);
        for bit in 0..8 {
            let Some(&literal) = chunk.get(pos) else {
                break;
            };
            let (offset, length) = longest_match(chunk, pos, &starts);
            starts.push(pos);
            if length >= 3 {
                let bits = offset_bits(pos);
                let token = ((offset - 1) << (16 - bits)) | (length - 3);
                body.extend((token as u16).to_le_bytes());
                body[flag_at] |= 1 << bit;
                pos += length;
            } else {
                body.push(literal);
                pos += 1;
            }
        }
    }
    body
}

/// (offset, length) of the longest match starting where an earlier token
/// starts, the most recent on ties. The spec's pseudo-code tries every
/// earlier position, but its examples (MS-OVBA 3.2) were made this way,
/// and reproducing them byte for byte is how the tests check this code.
fn longest_match(chunk: &[u8], pos: usize, starts: &[usize]) -> (usize, usize) {
    let max_length = (0xFFFF_usize >> offset_bits(pos)) + 3;
    let ahead = &chunk[pos..];
    let mut best = (0, 0);
    for &candidate in starts.iter().rev() {
        let length = chunk[candidate..]
            .iter()
            .zip(ahead)
            .take(max_length)
            .take_while(|(a, b)| a == b)
            .count();
        if length > best.1 {
            best = (pos - candidate, length);
        }
    }
    best
}

/// A minimal vbaProject.bin: a compound file with `PROJECT`, `PROJECTwm`,
/// `VBA/_VBA_PROJECT`, `VBA/dir` and one stream per module, as olevba reads
/// it. Each module is `(name, code)`; the `Attribute VB_Name` line is added
/// and line ends become CRLF, as the VBA editor stores them.
///
/// # Panics
///
/// If a module name is not a valid stream name (empty, over 31 characters,
/// or with `/`, `\`, `:` or `!`).
pub fn vba_project(modules: &[(&str, &str)]) -> Vec<u8> {
    let mut cfb = new_compound_file();
    write_vba(&mut cfb, "/", modules);
    finish(cfb)
}

/// A Word 97-2003 document (.doc) whose `Macros/VBA` project has
/// [`HARMLESS_MACRO`] in `Module1`.
pub fn word_doc_with_macro() -> Vec<u8> {
    let mut cfb = new_compound_file();
    // Word's CLSID on the root is what identifies a .doc by content.
    if let Ok(clsid) = "00020906-0000-0000-c000-000000000046".parse() {
        check(cfb.set_storage_clsid("/", clsid));
    }
    write_stream(&mut cfb, "/WordDocument", &word_fib());
    write_stream(&mut cfb, "/1Table", &[0; 16]);
    check(cfb.create_storage("/Macros"));
    write_vba(
        &mut cfb,
        "/Macros",
        &[THIS_DOCUMENT, ("Module1", HARMLESS_MACRO)],
    );
    finish(cfb)
}

/// A macro-enabled Word document (.docm) whose `word/vbaProject.bin` has
/// [`HARMLESS_MACRO`] in `Module1`.
pub fn docm_with_macro() -> Vec<u8> {
    let project = vba_project(&[THIS_DOCUMENT, ("Module1", HARMLESS_MACRO)]);
    let types = content_types(
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        r#"<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>"#,
    );
    let vba = "http://schemas.microsoft.com/office/2006/relationships/vbaProject";
    package(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_relationships().as_bytes()),
        ("word/document.xml", DOCUMENT.as_bytes()),
        (
            "word/_rels/document.xml.rels",
            relationships(&[(vba, "vbaProject.bin", false)]).as_bytes(),
        ),
        ("word/vbaProject.bin", &project),
    ])
}

/// A Word document (.docx) carrying `object` as an embedded object, as
/// droppers wrap their payload.
pub fn docx_with_embedded(object: &[u8]) -> Vec<u8> {
    let types = content_types(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        r#"<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>"#,
    );
    let ole = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject";
    package(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_relationships().as_bytes()),
        ("word/document.xml", DOCUMENT.as_bytes()),
        (
            "word/_rels/document.xml.rels",
            relationships(&[(ole, "embeddings/oleObject1.bin", false)]).as_bytes(),
        ),
        ("word/embeddings/oleObject1.bin", object),
    ])
}

/// A Word document (.docx) without macros whose settings attach the
/// template at `url`, fetched when the document opens: how remote
/// template injection starts. It also has an ordinary hyperlink.
pub fn docx_with_remote_template(url: &str) -> Vec<u8> {
    let types = content_types(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "",
    );
    let document_rels = relationships(&[
        (&format!("{R}/settings"), "settings.xml", false),
        (&format!("{R}/hyperlink"), "https://example.org/", true),
    ]);
    let settings = format!(r#"{XML_DECLARATION}<w:settings xmlns:w="{W}" xmlns:r="{R}">"#)
        + r#"<w:attachedTemplate r:id="rId1"/></w:settings>"#;
    let template = relationships(&[(&format!("{R}/attachedTemplate"), url, true)]);
    package(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_relationships().as_bytes()),
        ("word/document.xml", DOCUMENT.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/settings.xml", settings.as_bytes()),
        ("word/_rels/settings.xml.rels", template.as_bytes()),
    ])
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const DOCUMENT: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:body><w:p><w:r><w:t>Harmless test document.</w:t></w:r></w:p></w:body></w:document>",
);

fn root_relationships() -> String {
    relationships(&[(&format!("{R}/officeDocument"), "word/document.xml", false)])
}

fn content_types(main: &str, extra: &str) -> String {
    let rels = "application/vnd.openxmlformats-package.relationships+xml";
    format!(
        r#"{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
    ) + &format!(r#"<Default Extension="rels" ContentType="{rels}"/>"#)
        + r#"<Default Extension="xml" ContentType="application/xml"/>"#
        + extra
        + &format!(r#"<Override PartName="/word/document.xml" ContentType="{main}"/></Types>"#)
}

/// Relationships as (type, target, external), with ids rId1, rId2, ...
fn relationships(rels: &[(&str, &str, bool)]) -> String {
    let mut xml = format!(
        r#"{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for (n, (kind, target, external)) in rels.iter().enumerate() {
        let mode = if *external {
            r#" TargetMode="External""#
        } else {
            ""
        };
        let target = escape_xml(target);
        xml += &format!(
            r#"<Relationship Id="rId{}" Type="{kind}" Target="{target}"{mode}/>"#,
            n + 1
        );
    }
    xml + "</Relationships>"
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A zip with fixed timestamps, so the same parts give the same bytes.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in parts {
        check(zip.start_file(*name, options));
        check(zip.write_all(bytes));
    }
    match zip.finish() {
        Ok(cursor) => cursor.into_inner(),
        Err(e) => panic!("writing a zip in memory failed: {e}"),
    }
}

/// Version 3 (512-byte sectors) keeps the samples a few kilobytes.
fn new_compound_file() -> CompoundFile<Cursor<Vec<u8>>> {
    match CompoundFile::create_with_version(Version::V3, Cursor::new(Vec::new())) {
        Ok(cfb) => cfb,
        Err(e) => panic!("creating a compound file in memory failed: {e}"),
    }
}

/// Storages carry creation and change times; fixed ones make the same
/// sample the same bytes.
fn finish(mut cfb: CompoundFile<Cursor<Vec<u8>>>) -> Vec<u8> {
    let storages: Vec<PathBuf> = cfb
        .walk()
        .filter(|entry| entry.is_storage())
        .map(|entry| entry.path().to_path_buf())
        .collect();
    for path in storages {
        check(cfb.set_created_time(&path, UNIX_EPOCH));
        check(cfb.set_modified_time(&path, UNIX_EPOCH));
    }
    check(cfb.flush());
    cfb.into_inner().into_inner()
}

/// Sample builders write to memory, where only a caller's invalid name can
/// fail.
fn check<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("building a sample document failed: {e}"),
    }
}

fn write_stream(cfb: &mut CompoundFile<Cursor<Vec<u8>>>, path: &str, bytes: &[u8]) {
    let mut stream = check(cfb.create_stream(path));
    check(stream.write_all(bytes));
}

/// Word's FibBase ([MS-DOC] 2.5.2): the identifier, a version, and the
/// flag saying the table stream is `1Table`; not encrypted.
fn word_fib() -> Vec<u8> {
    let mut fib = vec![0u8; 64];
    fib[0..2].copy_from_slice(&0xA5EC_u16.to_le_bytes());
    fib[2..4].copy_from_slice(&0x00C1_u16.to_le_bytes());
    fib[6..8].copy_from_slice(&0x0409_u16.to_le_bytes());
    fib[0x0A..0x0C].copy_from_slice(&0x0200_u16.to_le_bytes());
    fib
}

fn is_document_module(name: &str) -> bool {
    ["ThisDocument", "ThisWorkbook"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
        || name.starts_with("Sheet")
}

/// Writes a VBA project under `root` (`/` or a storage such as `/Macros`).
fn write_vba(cfb: &mut CompoundFile<Cursor<Vec<u8>>>, root: &str, modules: &[(&str, &str)]) {
    let root = root.trim_end_matches('/');
    check(cfb.create_storage(format!("{root}/VBA")));
    // Version 0xFFFF marks the performance cache absent, so Office
    // compiles from the source.
    write_stream(
        cfb,
        &format!("{root}/VBA/_VBA_PROJECT"),
        &[0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00],
    );
    write_stream(
        cfb,
        &format!("{root}/VBA/dir"),
        &vba_compress(&dir_stream(modules)),
    );
    for (name, code) in modules {
        let source = format!("Attribute VB_Name = \"{name}\"\n{code}")
            .replace("\r\n", "\n")
            .replace('\n', "\r\n");
        write_stream(
            cfb,
            &format!("{root}/VBA/{name}"),
            &vba_compress(&latin1(&source)),
        );
    }
    write_stream(
        cfb,
        &format!("{root}/PROJECT"),
        project_stream(modules).as_bytes(),
    );
    let mut names = Vec::new();
    for (name, _) in modules {
        names.extend(latin1(name));
        names.push(0);
        names.extend(utf16(name));
        names.extend([0, 0]);
    }
    names.extend([0, 0]);
    write_stream(cfb, &format!("{root}/PROJECTwm"), &names);
}

/// The `PROJECT` stream (MS-OVBA 2.3.1), without protection state.
fn project_stream(modules: &[(&str, &str)]) -> String {
    let mut text = String::from("ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n");
    for (name, _) in modules {
        if is_document_module(name) {
            text += &format!("Document={name}/&H00000000\r\n");
        } else {
            text += &format!("Module={name}\r\n");
        }
    }
    text += "Name=\"Project\"\r\nHelpContextID=\"0\"\r\nVersionCompatible32=\"393222000\"\r\n\r\n";
    text += "[Host Extender Info]\r\n";
    text += "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n\r\n";
    text += "[Workspace]\r\n";
    for (name, _) in modules {
        text += &format!("{name}=0, 0, 0, 0, C\r\n");
    }
    text
}

/// The decompressed `dir` stream (MS-OVBA 2.3.4.2): project information,
/// no references, then one record group per module with its source at
/// offset 0 (no performance cache).
fn dir_stream(modules: &[(&str, &str)]) -> Vec<u8> {
    let mut dir = Vec::new();
    let d = &mut dir;
    record(d, 0x0001, &1u32.to_le_bytes()); // SYSKIND: 32-bit Windows
    record(d, 0x0002, &0x0409u32.to_le_bytes()); // LCID
    record(d, 0x0014, &0x0409u32.to_le_bytes()); // LCIDINVOKE
    record(d, 0x0003, &1252u16.to_le_bytes()); // CODEPAGE
    record(d, 0x0004, b"Project"); // NAME
    record(d, 0x0005, b""); // DOCSTRING
    record(d, 0x0040, b"");
    record(d, 0x0006, b""); // HELPFILEPATH
    record(d, 0x003D, b"");
    record(d, 0x0007, &0u32.to_le_bytes()); // HELPCONTEXT
    record(d, 0x0008, &0u32.to_le_bytes()); // LIBFLAGS
    // VERSION: the size field holds a reserved 4, then 6 bytes follow.
    d.extend(0x0009u16.to_le_bytes());
    d.extend(4u32.to_le_bytes());
    d.extend(1u32.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    record(d, 0x000C, b""); // CONSTANTS
    record(d, 0x003C, b"");
    record(d, 0x000F, &(modules.len() as u16).to_le_bytes()); // MODULES
    record(d, 0x0013, &0xFFFFu16.to_le_bytes()); // COOKIE
    for (name, _) in modules {
        record(d, 0x0019, &latin1(name)); // MODULENAME
        record(d, 0x0047, &utf16(name));
        record(d, 0x001A, &latin1(name)); // MODULESTREAMNAME
        record(d, 0x0032, &utf16(name));
        record(d, 0x001C, b""); // MODULEDOCSTRING
        record(d, 0x0048, b"");
        record(d, 0x0031, &0u32.to_le_bytes()); // MODULEOFFSET
        record(d, 0x001E, &0u32.to_le_bytes()); // MODULEHELPCONTEXT
        record(d, 0x002C, &0xFFFFu16.to_le_bytes()); // MODULECOOKIE
        record(
            d,
            if is_document_module(name) {
                0x0022
            } else {
                0x0021
            },
            b"",
        ); // MODULETYPE
        record(d, 0x002B, b""); // module terminator
    }
    record(d, 0x0010, b""); // end of dir
    dir
}

fn record(dir: &mut Vec<u8>, id: u16, data: &[u8]) {
    dir.extend(id.to_le_bytes());
    dir.extend((data.len() as u32).to_le_bytes());
    dir.extend(data);
}

/// VBA stores text in the project's code page (1252 here).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(c).unwrap_or(b'?'))
        .collect()
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}
