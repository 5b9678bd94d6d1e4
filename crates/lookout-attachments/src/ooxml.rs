//! Office Open XML packages (.docx, .xlsx, .pptx): the zip is rewritten
//! entry by entry. The document properties are replaced by empty ones,
//! pictures inside are cleaned like attachments, the workbook's saved-from
//! path goes, the application's XML parts lose the ids Office stamps into
//! them (see [`crate::xmlids`]), PowerPoint's co-authoring history is
//! emptied; every other part is copied with the same content (recompressed,
//! with neutral dates and no zip comments or extra fields).
//!
//! Parts are read a chunk at a time, never unpacked into memory as a
//! whole: only those rewritten are held, each under a cap (see
//! [`clean_ooxml`]).
//!
//! What cannot be cleaned without understanding the document (macros,
//! comments and tracked changes with their authors, embedded files, links
//! to files on the sender's computer, document-management data) keeps the
//! package for analysts only, with the reason.

use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::removed::Removed;
use crate::xmlids::{self, IdFilter, Rules, Unfiltered};
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
    TooLargePart,
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
            Self::TooLargePart => {
                "some of its parts are too large to check for identifying details".to_owned()
            }
        };
        format!("This document is kept for the analysts only: {why}.")
    }
}

const CORE_XML: &str = "docProps/core.xml";
const APP_XML: &str = "docProps/app.xml";
const CUSTOM_XML: &str = "docProps/custom.xml";
const WORKBOOK_XML: &str = "xl/workbook.xml";

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

/// Bytes read from a part at a time. At least as long as the longest
/// signature `file-format` matches (36 870 bytes, an ISO 9660 image), so
/// the first chunk of a part tells whether it is a picture exactly as the
/// whole part would.
const CHUNK: usize = 64 * 1024;

/// The largest part read whole to be checked or rewritten: relationships,
/// properties, the workbook. Real ones are a few KiB, a document with
/// thousands of links some hundred KiB.
const WHOLE_PART_MAX: usize = 4 * 1024 * 1024;

/// How much more than its compressed size a picture may unpack to. JPEG,
/// PNG and WebP are compressed already and deflate gains a few percent on
/// them at most; a picture that unpacks to several times its size is
/// padding, there to be held in memory.
const PICTURE_RATIO: u64 = 4;
/// Slack for small pictures with long text metadata (XMP, comments).
const PICTURE_SLACK: u64 = 1024 * 1024;

/// What is left of [`Limits::max_ooxml_uncompressed`], and how much was
/// inflated: counted as parts are read, whatever their headers declare.
struct Budget {
    left: u64,
    spent: u64,
}

impl Budget {
    fn new(max: u64) -> Self {
        Self {
            left: max,
            spent: 0,
        }
    }

    fn spend(&mut self, n: usize) -> Result<(), NotCleaned> {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.spent = self.spent.saturating_add(n);
        self.left = self
            .left
            .checked_sub(n)
            .ok_or(NotCleaned::TooLargeUnpacked)?;
        Ok(())
    }
}

/// Reads `part` into `buf` until it is full or the part ends, and counts
/// what was read. Filling the whole buffer puts chunk edges at fixed
/// offsets, whatever the decompressor hands out per call (so tests can
/// place a string across one). Never reads more than one byte past the
/// budget.
fn fill(part: &mut impl Read, buf: &mut [u8], budget: &mut Budget) -> Result<usize, NotCleaned> {
    let want =
        usize::try_from(budget.left.saturating_add(1)).map_or(buf.len(), |b| b.min(buf.len()));
    let mut n = 0;
    while n < want {
        match part.read(&mut buf[n..want]) {
            Ok(0) => break,
            Ok(read) => n += read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(NotCleaned::Unreadable),
        }
    }
    budget.spend(n)?;
    Ok(n)
}

/// Reads `part` to its end a chunk at a time, handing each to `each`.
/// Reading to the end matters: that is where the zip reader checks the
/// CRC.
fn stream(
    part: &mut impl Read,
    buf: &mut [u8],
    budget: &mut Budget,
    mut each: impl FnMut(&[u8]) -> Result<(), NotCleaned>,
) -> Result<(), NotCleaned> {
    loop {
        let n = fill(part, buf, budget)?;
        if n == 0 {
            return Ok(());
        }
        each(&buf[..n])?;
    }
}

/// Reads the rest of `part` after `data`, failing with `over` as soon as
/// the whole would be more than `max` bytes.
fn read_capped(
    part: &mut impl Read,
    buf: &mut [u8],
    budget: &mut Budget,
    mut data: Vec<u8>,
    max: usize,
    over: NotCleaned,
) -> Result<Vec<u8>, NotCleaned> {
    stream(part, buf, budget, |chunk| {
        if data.len().saturating_add(chunk.len()) > max {
            return Err(over.clone());
        }
        data.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(data)
}

/// Looks for byte strings in a part read in chunks. The end of what was
/// read, one byte shorter than the longest string, is searched again with
/// the next chunk, so a string split across two chunks is found too.
struct Scan {
    needles: &'static [&'static [u8]],
    found: Vec<bool>,
    window: Vec<u8>,
    keep: usize,
}

impl Scan {
    fn new(needles: &'static [&'static [u8]]) -> Self {
        Self {
            needles,
            found: vec![false; needles.len()],
            window: Vec::new(),
            keep: needles
                .iter()
                .map(|n| n.len())
                .max()
                .unwrap_or(1)
                .saturating_sub(1),
        }
    }

    fn feed(&mut self, chunk: &[u8]) {
        self.window.extend_from_slice(chunk);
        for (needle, found) in self.needles.iter().zip(&mut self.found) {
            *found = *found || find(&self.window, needle).is_some();
        }
        let cut = self.window.len().saturating_sub(self.keep);
        self.window.drain(..cut);
    }

    fn found(&self, needle: usize) -> bool {
        self.found.get(needle).copied().unwrap_or(false)
    }
}

const MACRO_TYPES: &[&[u8]] = &[b"macroEnabled", b"vbaProject"];
const AUTHOR: &[&[u8]] = &[b":author="];
const BIBLIOGRAPHY: &[&[u8]] = &[b"<b:Sources", b"<b:Source>"];

/// Cleans a package. `Err` is the reason it is kept for analysts only.
/// `unpacked` is set to how many bytes the package's parts inflated to, as
/// far as they were read.
///
/// Memory: no part is held whole but the few that are rewritten, each
/// under a cap (properties, workbook: [`WHOLE_PART_MAX`]; pictures: see
/// [`picture_max`]); the rest is read and written a chunk at a time. The
/// output is held, compressed, and may not grow past twice the input plus
/// 64 KiB (a package whose rewrite would is kept for analysts): what a call
/// holds is bounded by the input's size, not by what it unpacks to.
pub(crate) fn clean_ooxml(
    bytes: &[u8],
    limits: &Limits,
    unpacked: &mut u64,
) -> Result<(Vec<u8>, Removed), NotCleaned> {
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
    check_entries(&mut archive, limits)?;
    // Everything is inflated (not yet deflated again) before anything is
    // written: a package over the budget costs one inflate, and no part is
    // rewritten before the policy has seen all of them.
    let mut budget = Budget::new(limits.max_ooxml_uncompressed);
    let findings = examine(&mut archive, &mut budget);
    *unpacked = budget.spent;
    check_policy(findings?)?;

    let mut removed = Removed::default();
    if archive.comment().iter().any(|b| !b.is_ascii_whitespace()) {
        removed.add("zip comment");
    }
    let out = rewrite(&mut archive, bytes.len(), limits, &mut removed)?;
    verify(&out)?;
    Ok((out, removed))
}

/// What the central directory says, checked before anything is inflated.
fn check_entries(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<(), NotCleaned> {
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
    // Declared sizes can lie (`examine` counts what is inflated), but an
    // honest package over the limit need not be inflated at all.
    if declared > limits.max_ooxml_uncompressed {
        return Err(NotCleaned::TooLargeUnpacked);
    }
    Ok(())
}

/// What [`check_policy`] decides by, gathered part by part.
#[derive(Debug, Default)]
struct Findings {
    macros: bool,
    comments: bool,
    /// The first part, in package order, that is embedded, links to a
    /// local file, holds document-management data, or is too large to
    /// check for one of these.
    other: Option<NotCleaned>,
}

/// Inflates every part once, counting it against `budget` and looking
/// into those the policy reads.
fn examine(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    budget: &mut Budget,
) -> Result<Findings, NotCleaned> {
    let mut findings = Findings::default();
    let mut buf = vec![0; CHUNK];
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| NotCleaned::Unreadable)?;
        let name = lower(&entry.name().map_err(|_| NotCleaned::Unreadable)?);
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
        findings.macros |= name.ends_with("vbaproject.bin") || name.ends_with("vbadata.xml");
        findings.comments |= comments;
        let mut other = ["/embeddings/", "/activex/"]
            .iter()
            .any(|p| name.contains(p))
            .then_some(NotCleaned::Embedded);
        // Excel's data connections hold connection strings: server, share
        // and user names of the sender's network.
        if other.is_none() && name == "xl/connections.xml" {
            other = Some(NotCleaned::LocalLinks);
        }

        if name == "[content_types].xml" {
            let mut scan = Scan::new(MACRO_TYPES);
            stream(&mut entry, &mut buf, budget, |chunk| {
                scan.feed(chunk);
                Ok(())
            })?;
            findings.macros |= scan.found(0) || scan.found(1);
        } else if name.starts_with("word/") && name.ends_with(".xml") {
            // Tracked changes and comment ranges name their author in any
            // Word part.
            let mut scan = Scan::new(AUTHOR);
            stream(&mut entry, &mut buf, budget, |chunk| {
                scan.feed(chunk);
                Ok(())
            })?;
            findings.comments |= scan.found(0);
        } else if name.ends_with(".rels") {
            let local = match read_capped(
                &mut entry,
                &mut buf,
                budget,
                Vec::new(),
                WHOLE_PART_MAX,
                NotCleaned::TooLargePart,
            ) {
                Ok(rels) => has_local_link(&rels).then_some(NotCleaned::LocalLinks),
                Err(NotCleaned::TooLargePart) => {
                    // Still counted to its end: the budget comes first.
                    stream(&mut entry, &mut buf, budget, |_| Ok(()))?;
                    Some(NotCleaned::TooLargePart)
                }
                Err(other) => return Err(other),
            };
            other = other.or(local);
        } else if name.starts_with("customxml/item")
            && !name.starts_with("customxml/itemprops")
            && name.ends_with(".xml")
        {
            let mut scan = Scan::new(BIBLIOGRAPHY);
            stream(&mut entry, &mut buf, budget, |chunk| {
                scan.feed(chunk);
                Ok(())
            })?;
            // Word's bibliography store with no sources: present in many
            // documents and holding nothing about anyone.
            let empty_bibliography = scan.found(0) && !scan.found(1);
            if !empty_bibliography {
                other = other.or(Some(NotCleaned::DocumentManagement));
            }
        } else {
            stream(&mut entry, &mut buf, budget, |_| Ok(()))?;
        }
        if findings.other.is_none() {
            findings.other = other;
        }
    }
    Ok(findings)
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// What keeps a package for analysts only, whatever else it holds, in
/// order: macros, then comments and tracked changes, then the first part
/// with anything else.
fn check_policy(findings: Findings) -> Result<(), NotCleaned> {
    if findings.macros {
        return Err(NotCleaned::Macros);
    }
    if findings.comments {
        return Err(NotCleaned::Comments);
    }
    findings.other.map_or(Ok(()), Err)
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

/// The local names of the elements in a properties part, in order, as
/// often as they occur (the callers keep one of each label: a list of
/// names kept unique took time in the square of their number).
fn element_names(text: &str) -> impl Iterator<Item = &str> {
    text.split('<')
        .skip(1)
        .filter(|piece| !piece.starts_with(['?', '/', '!']))
        .filter_map(|piece| {
            let end = piece
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(piece.len());
            let local = piece.get(..end)?.rsplit(':').next()?;
            (!local.is_empty()).then_some(local)
        })
}

fn core_label(xml: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(xml);
    let mut fields: Vec<&str> = Vec::new();
    for name in element_names(&text) {
        let field = match name {
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
    let text = String::from_utf8_lossy(xml);
    let mut fields: Vec<&str> = Vec::new();
    for name in element_names(&text) {
        let field = match name {
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

/// Writes the cleaned package: the parts in their order, each
/// recompressed with neutral dates and no extra fields.
fn rewrite(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    input_len: usize,
    limits: &Limits,
    removed: &mut Removed,
) -> Result<Vec<u8>, NotCleaned> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let max = input_len.saturating_mul(2).saturating_add(OUTPUT_SLACK);
    let mut out = ZipWriter::new(Capped {
        out: Cursor::new(Vec::with_capacity(input_len)),
        max: u64::try_from(max).unwrap_or(u64::MAX),
    });
    // Counted again: the same bytes as in `examine`, so the same total,
    // but nothing here trusts that.
    let mut budget = Budget::new(limits.max_ooxml_uncompressed);
    let mut buf = vec![0; CHUNK];
    // The last id handed out by the filters: renumbered ids are unique
    // within the package, in package order, whatever they were.
    let mut last_id = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| NotCleaned::Unreadable)?;
        let name = entry
            .name()
            .map_err(|_| NotCleaned::Unreadable)?
            .into_owned();
        if entry.is_dir() {
            out.add_directory(name, options).map_err(unwritten)?;
            continue;
        }
        let data = if matches!(
            name.as_str(),
            CORE_XML | APP_XML | CUSTOM_XML | WORKBOOK_XML
        ) {
            let data = read_capped(
                &mut entry,
                &mut buf,
                &mut budget,
                Vec::new(),
                WHOLE_PART_MAX,
                NotCleaned::TooLargePart,
            )?;
            let data = clean_named(&name, &data, removed)?;
            match rules_for(&name) {
                Some(rules) => {
                    let mut filter = IdFilter::new(rules, last_id);
                    let mut kept = Vec::with_capacity(data.len());
                    filter.feed(&data, &mut kept).map_err(unfiltered)?;
                    filter.finish().map_err(unfiltered)?;
                    last_id = filter.last_id;
                    if filter.removed {
                        removed.add(rules.label);
                    }
                    kept
                }
                None => data,
            }
        } else {
            let n = fill(&mut entry, &mut buf, &mut budget)?;
            let head = &buf[..n];
            match crate::detect(head).kind {
                Kind::Jpeg | Kind::Png | Kind::Webp => {
                    let max = picture_max(limits, entry.compressed_size());
                    let head = head.to_vec();
                    let data = read_capped(
                        &mut entry,
                        &mut buf,
                        &mut budget,
                        head,
                        max,
                        NotCleaned::Pictures,
                    )?;
                    clean_picture(&name, data, removed)?
                }
                Kind::Heic | Kind::Tiff | Kind::JpegXl => return Err(NotCleaned::Pictures),
                _ => {
                    // Never held: copied a chunk at a time, through the
                    // id filter where the part is one of Office's.
                    out.start_file(name.as_str(), options).map_err(unwritten)?;
                    if let Some(empty) = replacement(&name) {
                        let mut seen = head.to_vec();
                        stream(&mut entry, &mut buf, &mut budget, |chunk| {
                            let room = (empty.len() + 1).saturating_sub(seen.len());
                            seen.extend_from_slice(&chunk[..chunk.len().min(room)]);
                            Ok(())
                        })?;
                        if seen != empty {
                            removed.add(REPLACED_LABEL);
                        }
                        out.write_all(empty).map_err(unwritten)?;
                        continue;
                    }
                    let Some(rules) = rules_for(&name) else {
                        out.write_all(head).map_err(unwritten)?;
                        stream(&mut entry, &mut buf, &mut budget, |chunk| {
                            out.write_all(chunk).map_err(unwritten)
                        })?;
                        continue;
                    };
                    let mut filter = IdFilter::new(rules, last_id);
                    let mut kept = Vec::with_capacity(CHUNK);
                    filter.feed(head, &mut kept).map_err(unfiltered)?;
                    out.write_all(&kept).map_err(unwritten)?;
                    stream(&mut entry, &mut buf, &mut budget, |chunk| {
                        kept.clear();
                        filter.feed(chunk, &mut kept).map_err(unfiltered)?;
                        out.write_all(&kept).map_err(unwritten)
                    })?;
                    filter.finish().map_err(unfiltered)?;
                    last_id = filter.last_id;
                    if filter.removed {
                        removed.add(rules.label);
                    }
                    continue;
                }
            }
        };
        out.start_file(name, options).map_err(unwritten)?;
        out.write_all(&data).map_err(unwritten)?;
    }
    Ok(out.finish().map_err(unwritten)?.out.into_inner())
}

/// The id filter's rules for a part, by its name: every XML part of the
/// application's folder, and custom XML item properties.
fn rules_for(name: &str) -> Option<&'static Rules> {
    let name = lower(name);
    if !name.ends_with(".xml") {
        return None;
    }
    if name.starts_with("word/") {
        Some(&xmlids::WORD)
    } else if name.starts_with("xl/") {
        Some(&xmlids::EXCEL)
    } else if name.starts_with("ppt/") {
        Some(&xmlids::POWERPOINT)
    } else if name.starts_with("customxml/itemprops") {
        Some(&xmlids::CUSTOM_XML)
    } else {
        None
    }
}

/// PowerPoint's co-authoring history (`ppt/changesInfos/changesInfoN.xml`):
/// who changed what, with their names, account ids and times. Replaced by
/// an empty list, which is valid.
const EMPTY_CHANGES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pc:chgInfo xmlns:pc="http://schemas.microsoft.com/office/powerpoint/2013/main/command"/>"#;
const REPLACED_LABEL: &str = "ppt/changesInfos editing history (names, account ids, times)";

/// The content a part is replaced with whatever it holds, if it is one.
fn replacement(name: &str) -> Option<&'static [u8]> {
    let name = lower(name);
    (name.starts_with("ppt/changesinfos/") && name.ends_with(".xml")).then_some(EMPTY_CHANGES)
}

fn unfiltered(e: Unfiltered) -> NotCleaned {
    match e {
        Unfiltered::Malformed => NotCleaned::Unreadable,
        Unfiltered::TooLong => NotCleaned::TooLargePart,
    }
}

/// Room for the fixed overhead of a rewritten package over twice the
/// input (as the property tests allow).
const OUTPUT_SLACK: usize = 64 * 1024;

/// The most a picture may unpack to: no more than a picture attached on
/// its own ([`Limits::max_bytes`]), nor more than [`PICTURE_RATIO`] times
/// what it takes in the package.
fn picture_max(limits: &Limits, compressed: u64) -> usize {
    let by_ratio = compressed
        .saturating_mul(PICTURE_RATIO)
        .saturating_add(PICTURE_SLACK);
    usize::try_from(by_ratio).map_or(limits.max_bytes, |r| r.min(limits.max_bytes))
}

/// The cleaning output, refusing to grow past `max` bytes.
struct Capped {
    out: Cursor<Vec<u8>>,
    max: u64,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let end = self
            .out
            .position()
            .saturating_add(u64::try_from(buf.len()).unwrap_or(u64::MAX));
        if end > self.max {
            return Err(io::ErrorKind::FileTooLarge.into());
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Capped {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.out.seek(pos)
    }
}

/// Why the output could not be written: too large (see [`Capped`]), or
/// something that does not go into a zip.
fn unwritten(e: impl Into<io::Error>) -> NotCleaned {
    if e.into().kind() == io::ErrorKind::FileTooLarge {
        NotCleaned::TooLargeUnpacked
    } else {
        NotCleaned::Unreadable
    }
}

/// The replacement of a properties part or the workbook.
fn clean_named(name: &str, data: &[u8], removed: &mut Removed) -> Result<Vec<u8>, NotCleaned> {
    match name {
        CORE_XML => {
            if let Some(label) = core_label(data) {
                removed.add(&label);
            }
            Ok(EMPTY_CORE.to_vec())
        }
        APP_XML => {
            if let Some(label) = app_label(data) {
                removed.add(&label);
            }
            Ok(EMPTY_APP.to_vec())
        }
        CUSTOM_XML => {
            if image::contains(data, b"<property") {
                removed.add(&format!(
                    "{CUSTOM_XML} custom properties (such as sensitivity labels)"
                ));
            }
            Ok(EMPTY_CUSTOM.to_vec())
        }
        _ => {
            let (data, found) = without_abs_path(data).ok_or(NotCleaned::Unreadable)?;
            if found {
                removed.add("xl/workbook.xml folder the workbook was saved in");
            }
            Ok(data)
        }
    }
}

/// The cleaned copy of a part whose first chunk is a picture.
fn clean_picture(name: &str, data: Vec<u8>, removed: &mut Removed) -> Result<Vec<u8>, NotCleaned> {
    let cleaned = match crate::detect(&data).kind {
        Kind::Jpeg => image::clean_jpeg(&data),
        Kind::Png => image::clean_png(&data),
        Kind::Webp => image::clean_webp(&data),
        Kind::Heic | Kind::Tiff | Kind::JpegXl => return Err(NotCleaned::Pictures),
        _ => return Ok(data),
    };
    let cleaned = cleaned.map_err(|_| NotCleaned::Pictures)?;
    removed.add_in(cleaned.removed, name);
    Ok(cleaned.bytes)
}

/// Removes every `absPath` element (Excel's record of the folder the file
/// was saved in, `<x15ac:absPath url="C:\Users\...\"/>`). `None` when one
/// cannot be cut out cleanly.
fn without_abs_path(xml: &[u8]) -> Option<(Vec<u8>, bool)> {
    // One pass, copying what lies between the elements: cutting each out
    // of the whole and searching again from the start took time in the
    // square of the part's size.
    let mut out = Vec::with_capacity(xml.len());
    let mut found = false;
    let mut rest = xml;
    while let Some(at) = find_abs_path(rest) {
        let tag_end = rest[at..].iter().position(|&b| b == b'>')? + at + 1;
        let end = if rest[..tag_end].ends_with(b"/>") {
            tag_end
        } else {
            // <absPath ...></absPath>
            find(&rest[tag_end..], b"absPath>")? + tag_end + b"absPath>".len()
        };
        out.extend_from_slice(&rest[..at]);
        rest = &rest[end..];
        found = true;
    }
    out.extend_from_slice(rest);
    // Also catches an element that only the cuts put together.
    if find(&out, b"absPath").is_some() {
        return None;
    }
    Some((out, found))
}

/// Where `needle` first occurs: the first byte looked for with a plain
/// scan, the rest compared only there (parts can be hundreds of MiB of the
/// same byte).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(skip) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + skip;
        if haystack.get(at + 1..at + needle.len())? == rest {
            return Some(at);
        }
        from = at + 1;
    }
    None
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
    fn scans_find_strings_split_anywhere() {
        let text = b"<w:ins w:id=\"1\" w:author=\"Ivan\"/><b:Sources><b:Source>";
        for chunk in 1..=text.len() {
            let mut author = Scan::new(AUTHOR);
            let mut bibliography = Scan::new(BIBLIOGRAPHY);
            for piece in text.chunks(chunk) {
                author.feed(piece);
                bibliography.feed(piece);
            }
            assert!(author.found(0), "chunks of {chunk}");
            assert!(
                bibliography.found(0) && bibliography.found(1),
                "chunks of {chunk}"
            );
            assert!(author.window.len() < AUTHOR[0].len());
        }
        let mut none = Scan::new(AUTHOR);
        for piece in b"w:auth or=".chunks(3) {
            none.feed(piece);
        }
        assert!(!none.found(0));
    }

    #[test]
    fn find_finds_the_first() {
        assert_eq!(find(b"aabab", b"ab"), Some(1));
        assert_eq!(find(b"aaa", b"aaaa"), None);
        assert_eq!(find(b"xa", b"a"), Some(1));
        assert_eq!(find(b"abc", b""), None);
    }

    #[test]
    fn budget_stops_one_byte_past_the_limit() {
        let data = vec![7u8; 100];
        let mut buf = vec![0; 64];
        let mut budget = Budget::new(100);
        let mut total = 0;
        stream(&mut data.as_slice(), &mut buf, &mut budget, |c| {
            total += c.len();
            Ok(())
        })
        .unwrap();
        assert_eq!((total, budget.spent, budget.left), (100, 100, 0));
        let mut budget = Budget::new(99);
        let over = stream(&mut data.as_slice(), &mut buf, &mut budget, |_| Ok(()));
        assert_eq!(over, Err(NotCleaned::TooLargeUnpacked));
        assert_eq!(budget.spent, 100);
    }

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
        // Many of them: one pass, not one per element.
        let many = b"<a:absPath url=\"C:\\x\"/><b/>".repeat(50_000);
        assert_eq!(
            without_abs_path(&many).unwrap(),
            (b"<b/>".repeat(50_000), true)
        );
        // Put together by the cuts: refused.
        assert!(without_abs_path(b"<a<absPath/>bsPath/>").is_none());
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
