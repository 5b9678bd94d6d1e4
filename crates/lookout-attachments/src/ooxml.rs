//! Office Open XML packages (.docx, .xlsx, .pptx): the zip is rewritten
//! entry by entry. The document properties are replaced by empty ones,
//! pictures inside are cleaned like attachments, the workbook's saved-from
//! path goes; every other part is copied with the same content (recompressed,
//! with neutral dates and no zip comments or extra fields).
//!
//! What cannot be cleaned without understanding the document (macros,
//! comments and tracked changes with their authors, embedded files, links
//! to files on the sender's computer, document-management data) keeps the
//! package for analysts only, with the reason.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::removed::Removed;
use crate::{Kind, Limits, image};

/// Why a package is kept for analysts only, as the end of a sentence that
/// begins "This document is kept for the analysts only: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotCleaned {
    Unreadable,
    TooManyParts(usize),
    TooLargeUnpacked,
    Macros,
    Comments,
    Embedded,
    LocalLinks,
    DocumentManagement,
    Pictures,
}

impl NotCleaned {
    pub(crate) fn reason(&self) -> String {
        let why = match self {
            Self::Unreadable => {
                "it could not be cleaned of identifying details (it may be damaged or protected)"
                    .to_owned()
            }
            Self::TooManyParts(n) => {
                format!("it has {n} parts, too many to check for identifying details")
            }
            Self::TooLargeUnpacked => {
                "it unpacks to too much data to check for identifying details".to_owned()
            }
            Self::Macros => "it contains macros, which can run code and cannot be checked; \
                             to share it with members, save it without macros (as .docx, .xlsx \
                             or .pptx) or as PDF and attach that"
                .to_owned(),
            Self::Comments => "it contains comments or tracked changes, which carry their \
                               authors' names; to share it with members, accept or reject the \
                               changes, delete the comments, and attach it again (or save it \
                               as PDF)"
                .to_owned(),
            Self::Embedded => "it contains embedded files or objects, which cannot be checked \
                               for identifying details; to share it with members, save it as \
                               PDF and attach that"
                .to_owned(),
            Self::LocalLinks => "it links to files on the sender's computer or network (such as \
                                 a template), and those paths can show user and computer names; \
                                 to share it with members, save it as PDF and attach that"
                .to_owned(),
            Self::DocumentManagement => "it carries document-management properties (for \
                                         example from SharePoint) that can name people or \
                                         the company; to share it with members, save it as \
                                         PDF and attach that"
                .to_owned(),
            Self::Pictures => "it contains pictures that could not be cleaned of identifying \
                               details (such as the GPS position)"
                .to_owned(),
        };
        format!("This document is kept for the analysts only: {why}.")
    }
}

const CORE_XML: &str = "docProps/core.xml";
const APP_XML: &str = "docProps/app.xml";
const CUSTOM_XML: &str = "docProps/custom.xml";

/// An empty but valid core properties part: no creator, no last editor,
/// no dates, no title.
pub(crate) const EMPTY_CORE: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>"#;

/// An empty but valid extended (application) properties part: no company,
/// no manager, no template, no editing time.
pub(crate) const EMPTY_APP: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>"#;

/// An empty but valid custom properties part. It replaces the original
/// rather than dropping it, so the package's relationships stay whole.
pub(crate) const EMPTY_CUSTOM: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>"#;

/// The Office kind of a zip, from its entry names: a `[Content_Types].xml`
/// and the folder of exactly one of Word, Excel or PowerPoint.
pub(crate) fn kind_of_zip(bytes: &[u8]) -> Option<Kind> {
    let archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let (mut types, mut word, mut xl, mut ppt) = (false, false, false, false);
    for name in archive.file_names_raw() {
        types |= name == b"[Content_Types].xml";
        word |= name.starts_with(b"word/");
        xl |= name.starts_with(b"xl/");
        ppt |= name.starts_with(b"ppt/");
    }
    match (types, word, xl, ppt) {
        (true, true, false, false) => Some(Kind::Docx),
        (true, false, true, false) => Some(Kind::Xlsx),
        (true, false, false, true) => Some(Kind::Pptx),
        _ => None,
    }
}

/// One part of the package, read.
struct Part {
    name: String,
    is_dir: bool,
    data: Vec<u8>,
}

/// Cleans a package. `Err` is the reason it is kept for analysts only.
pub(crate) fn clean_ooxml(bytes: &[u8], limits: &Limits) -> Result<(Vec<u8>, Removed), NotCleaned> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| NotCleaned::Unreadable)?;
    if archive.len() > limits.max_ooxml_entries {
        return Err(NotCleaned::TooManyParts(archive.len()));
    }
    if archive.has_duplicate_names() {
        return Err(NotCleaned::Unreadable);
    }
    // Entries that share compressed data are how small zip bombs are built.
    if archive
        .has_overlapping_entries()
        .map_err(|_| NotCleaned::Unreadable)?
    {
        return Err(NotCleaned::Unreadable);
    }
    let parts = read_parts(&mut archive, limits)?;
    check_policy(&parts)?;

    let mut removed = Removed::default();
    if archive.comment().iter().any(|b| !b.is_ascii_whitespace()) {
        removed.add("zip comment");
    }
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    for part in &parts {
        if part.is_dir {
            out.add_directory(part.name.as_str(), options)
                .map_err(|_| NotCleaned::Unreadable)?;
            continue;
        }
        let data = clean_part(part, &mut removed)?;
        out.start_file(part.name.as_str(), options)
            .map_err(|_| NotCleaned::Unreadable)?;
        out.write_all(&data).map_err(|_| NotCleaned::Unreadable)?;
    }
    let out = out
        .finish()
        .map_err(|_| NotCleaned::Unreadable)?
        .into_inner();
    verify(&out)?;
    Ok((out, removed))
}

fn read_parts(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Vec<Part>, NotCleaned> {
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| NotCleaned::Unreadable)?;
        if entry.encrypted()
            || !matches!(
                entry.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            )
        {
            return Err(NotCleaned::Unreadable);
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_ooxml_uncompressed {
        return Err(NotCleaned::TooLargeUnpacked);
    }
    let mut budget = limits.max_ooxml_uncompressed;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| NotCleaned::Unreadable)?;
        let name = entry
            .name()
            .map_err(|_| NotCleaned::Unreadable)?
            .into_owned();
        let is_dir = entry.is_dir();
        let mut data = Vec::new();
        // Declared sizes can lie: read at most what is left of the budget.
        entry
            .take(budget.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|_| NotCleaned::Unreadable)?;
        let read = u64::try_from(data.len()).unwrap_or(u64::MAX);
        budget = budget
            .checked_sub(read)
            .ok_or(NotCleaned::TooLargeUnpacked)?;
        parts.push(Part { name, is_dir, data });
    }
    Ok(parts)
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// What keeps a package for analysts only, whatever else it holds.
fn check_policy(parts: &[Part]) -> Result<(), NotCleaned> {
    for part in parts {
        let name = lower(&part.name);
        if name.ends_with("vbaproject.bin")
            || name.ends_with("vbadata.xml")
            || (name == "[content_types].xml"
                && (image::contains(&part.data, b"macroEnabled")
                    || image::contains(&part.data, b"vbaProject")))
        {
            return Err(NotCleaned::Macros);
        }
    }
    for part in parts {
        let name = lower(&part.name);
        let comments = [
            "word/comments",
            "word/people.xml",
            "xl/comments",
            "xl/threadedcomments/",
            "xl/persons/",
            "ppt/comments/",
            "ppt/commentauthors.xml",
            "ppt/authors.xml",
        ]
        .iter()
        .any(|p| name.starts_with(p));
        // Tracked changes and comment ranges name their author in any Word part.
        let tracked = name.starts_with("word/")
            && name.ends_with(".xml")
            && image::contains(&part.data, b":author=");
        if comments || tracked {
            return Err(NotCleaned::Comments);
        }
    }
    for part in parts {
        let name = lower(&part.name);
        if ["/embeddings/", "/activex/"]
            .iter()
            .any(|p| name.contains(p))
        {
            return Err(NotCleaned::Embedded);
        }
        if name.ends_with(".rels") && has_local_link(&part.data) {
            return Err(NotCleaned::LocalLinks);
        }
        if name.starts_with("customxml/item")
            && !name.starts_with("customxml/itemprops")
            && name.ends_with(".xml")
            && !is_empty_bibliography(&part.data)
        {
            return Err(NotCleaned::DocumentManagement);
        }
    }
    Ok(())
}

/// Whether a relationships part has an external target that is a path on a
/// computer or network share (`file:`, `C:\`, `\\server`, `/home/...`).
fn has_local_link(rels: &[u8]) -> bool {
    let text = String::from_utf8_lossy(rels);
    text.split("<Relationship ").skip(1).any(|rel| {
        let Some(tag) = rel.split('>').next() else {
            return false;
        };
        if !tag.contains("TargetMode=\"External\"") {
            return false;
        }
        let target = tag
            .split("Target=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        target.starts_with("file:")
            || target.starts_with("\\\\")
            || target.starts_with('/')
            || target.as_bytes().get(1..3) == Some(b":\\")
            || target.as_bytes().get(1..3) == Some(b":/")
            || !target.contains(':') && target.contains('\\')
    })
}

/// Word's bibliography store with no sources: present in many documents and
/// holding nothing about anyone.
fn is_empty_bibliography(xml: &[u8]) -> bool {
    image::contains(xml, b"<b:Sources") && !image::contains(xml, b"<b:Source>")
}

/// The local names of the child elements in a properties part.
fn element_names(xml: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(xml);
    let mut names: Vec<String> = Vec::new();
    for piece in text.split('<').skip(1) {
        if piece.starts_with(['?', '/', '!']) {
            continue;
        }
        let tag: String = piece
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = tag.rsplit(':').next().unwrap_or("").to_owned();
        if !local.is_empty() && !names.contains(&local) {
            names.push(local);
        }
    }
    names
}

fn core_label(xml: &[u8]) -> Option<String> {
    let mut fields: Vec<&str> = Vec::new();
    for name in element_names(xml) {
        let field = match name.as_str() {
            "coreProperties" => continue,
            "creator" => "author",
            "lastModifiedBy" => "last modified by",
            "created" | "modified" | "lastPrinted" => "dates",
            "title" => "title",
            "subject" => "subject",
            "keywords" => "keywords",
            "description" => "comments",
            "category" => "category",
            "revision" => "revision number",
            _ => "other properties",
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    (!fields.is_empty()).then(|| format!("{CORE_XML} {}", fields.join(", ")))
}

fn app_label(xml: &[u8]) -> Option<String> {
    let mut fields: Vec<&str> = Vec::new();
    for name in element_names(xml) {
        let field = match name.as_str() {
            "Properties" => continue,
            "Company" => "company",
            "Manager" => "manager",
            "Template" => "template",
            "HyperlinkBase" => "hyperlink base",
            "TotalTime" => "editing time",
            _ => "application details",
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    (!fields.is_empty()).then(|| format!("{APP_XML} {}", fields.join(", ")))
}

/// The cleaned content of one part.
fn clean_part(part: &Part, removed: &mut Removed) -> Result<Vec<u8>, NotCleaned> {
    match part.name.as_str() {
        CORE_XML => {
            if let Some(label) = core_label(&part.data) {
                removed.add(&label);
            }
            return Ok(EMPTY_CORE.to_vec());
        }
        APP_XML => {
            if let Some(label) = app_label(&part.data) {
                removed.add(&label);
            }
            return Ok(EMPTY_APP.to_vec());
        }
        CUSTOM_XML => {
            if image::contains(&part.data, b"<property") {
                removed.add(&format!(
                    "{CUSTOM_XML} custom properties (such as sensitivity labels)"
                ));
            }
            return Ok(EMPTY_CUSTOM.to_vec());
        }
        "xl/workbook.xml" => {
            let (data, found) = without_abs_path(&part.data).ok_or(NotCleaned::Unreadable)?;
            if found {
                removed.add("xl/workbook.xml folder the workbook was saved in");
            }
            return Ok(data);
        }
        _ => {}
    }
    let detected = crate::detect(&part.data);
    let cleaned = match detected.kind {
        Kind::Jpeg => image::clean_jpeg(&part.data),
        Kind::Png => image::clean_png(&part.data),
        Kind::Webp => image::clean_webp(&part.data),
        Kind::Heic | Kind::Tiff | Kind::JpegXl => return Err(NotCleaned::Pictures),
        _ => return Ok(part.data.clone()),
    };
    let cleaned = cleaned.map_err(|_| NotCleaned::Pictures)?;
    removed.add_in(cleaned.removed, &part.name);
    Ok(cleaned.bytes)
}

/// Removes every `absPath` element (Excel's record of the folder the file
/// was saved in, `<x15ac:absPath url="C:\Users\...\"/>`). `None` when one
/// cannot be cut out cleanly.
fn without_abs_path(xml: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut out = xml.to_vec();
    let mut found = false;
    while let Some(at) = find_abs_path(&out) {
        let tag_end = out[at..].iter().position(|&b| b == b'>')? + at + 1;
        let end = if out[..tag_end].ends_with(b"/>") {
            tag_end
        } else {
            // <absPath ...></absPath>
            find(&out[tag_end..], b"absPath>")? + tag_end + b"absPath>".len()
        };
        out.drain(at..end);
        found = true;
    }
    if image::contains(&out, b"absPath") {
        return None;
    }
    Some((out, found))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The start (`<`) of an element whose local name is `absPath`.
fn find_abs_path(xml: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = find(&xml[from..], b"absPath") {
        let at = from + rel;
        let after = xml.get(at + b"absPath".len()).copied();
        let name_ends = matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'));
        // Walk back over an optional prefix to the `<`.
        let mut start = at;
        while start > 0 && (xml[start - 1].is_ascii_alphanumeric() || xml[start - 1] == b':') {
            start -= 1;
        }
        if name_ends && start > 0 && xml[start - 1] == b'<' {
            return Some(start - 1);
        }
        from = at + 1;
    }
    None
}

/// Reads the rewritten package back: it must open, and its properties must
/// be the empty ones.
fn verify(out: &[u8]) -> Result<(), NotCleaned> {
    let mut archive = ZipArchive::new(Cursor::new(out)).map_err(|_| NotCleaned::Unreadable)?;
    for (name, empty) in [
        (CORE_XML, EMPTY_CORE),
        (APP_XML, EMPTY_APP),
        (CUSTOM_XML, EMPTY_CUSTOM),
    ] {
        let Ok(mut entry) = archive.by_name(name) else {
            continue;
        };
        let mut data = Vec::new();
        entry
            .by_ref()
            .take(u64::try_from(empty.len()).unwrap_or(u64::MAX) + 1)
            .read_to_end(&mut data)
            .map_err(|_| NotCleaned::Unreadable)?;
        if data != empty {
            return Err(NotCleaned::Unreadable);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abs_path_is_cut_out() {
        let xml = br#"<workbook><mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\ivan.petrov\Documents\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets/></workbook>"#;
        let (out, found) = without_abs_path(xml).unwrap();
        assert!(found);
        assert_eq!(
            out,
            br#"<workbook><mc:AlternateContent><mc:Choice Requires="x15"></mc:Choice></mc:AlternateContent><sheets/></workbook>"#
        );
        let open_close = br#"<w><absPath url="/home/ivan/"></absPath><x/></w>"#;
        assert_eq!(without_abs_path(open_close).unwrap().0, b"<w><x/></w>");
        assert_eq!(
            without_abs_path(b"<w/>").unwrap(),
            (b"<w/>".to_vec(), false)
        );
        // A name that merely contains absPath somewhere else cannot be cut: refuse.
        assert!(without_abs_path(b"<w a=\"absPath\"/>").is_none());
        assert!(without_abs_path(b"<absPath url=\"x\"").is_none());
    }

    #[test]
    fn local_links_are_found() {
        let template = br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\Users\ivan\AppData\Roaming\Microsoft\Templates\Nordkap.dotx" TargetMode="External"/></Relationships>"#;
        assert!(has_local_link(template));
        let unc = br#"<Relationship Id="rId2" Type="x" Target="\\FILESRV01\ops\plan.xlsx" TargetMode="External"/>"#;
        assert!(has_local_link(unc));
        let drive =
            br#"<Relationship Id="rId2" Type="x" Target="C:\temp\a.xlsx" TargetMode="External"/>"#;
        assert!(has_local_link(drive));
        let web = br#"<Relationship Id="rId3" Type="hyperlink" Target="https://www.example.org/advisory" TargetMode="External"/>"#;
        assert!(!has_local_link(web));
        let internal = br#"<Relationship Id="rId4" Type="styles" Target="styles.xml"/>"#;
        assert!(!has_local_link(internal));
    }

    #[test]
    fn property_labels_name_what_was_there() {
        let core = br#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="x"><dc:creator>Ivan Petrov</dc:creator><cp:lastModifiedBy>Ivan</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created></cp:coreProperties>"#;
        assert_eq!(
            core_label(core).unwrap(),
            "docProps/core.xml author, last modified by, dates"
        );
        assert_eq!(core_label(EMPTY_CORE), None);
        let app = br#"<Properties><Application>Microsoft Office Word</Application><Company>Nordkap Shipping</Company><Manager>A</Manager></Properties>"#;
        assert_eq!(
            app_label(app).unwrap(),
            "docProps/app.xml application details, company, manager"
        );
        assert_eq!(app_label(EMPTY_APP), None);
    }
}
