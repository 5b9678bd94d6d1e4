//! PDFs: the document is loaded with lopdf, what identifies or acts is
//! removed from its objects, and it is saved as a full rewrite (earlier
//! revisions kept by incremental updates do not survive that). Page content
//! streams, fonts and images are copied as they were.
//!
//! lopdf is a large parser fed hostile input: every call into it runs
//! under [`std::panic::catch_unwind`], and a panic is one more reason to keep
//! the file for analysts only.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use crate::image;
use crate::removed::Removed;

/// Largest decompressed size of one object or cross-reference stream while
/// loading (lopdf's own default is 256 MiB).
const MAX_STREAM: usize = 32 * 1024 * 1024;

/// Deeper nesting than this is refused (lopdf's parser stops at 100).
const MAX_DEPTH: usize = 200;

/// Why a PDF could not be cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotCleaned {
    /// lopdf could not load it.
    Unreadable,
    /// It is encrypted (even with an empty user password).
    Encrypted,
    /// The rewritten file still holds something it must not, or does not
    /// load again.
    Residue,
    /// lopdf panicked.
    Panicked,
}

pub(crate) const INFO: &str = "PDF document info";
pub(crate) const FILE_ID: &str = "PDF file identifier";
pub(crate) const XMP: &str = "XMP metadata";
pub(crate) const JAVASCRIPT: &str = "PDF JavaScript";
pub(crate) const AUTO_ACTIONS: &str = "PDF actions that run when the file is opened or viewed";
pub(crate) const RISKY_ACTIONS: &str =
    "PDF actions that launch programs, open other files or submit data";
pub(crate) const EMBEDDED: &str = "PDF embedded files";
pub(crate) const MEDIA: &str = "PDF multimedia, 3D and rich-media content";
pub(crate) const XFA: &str = "PDF XFA form data";
pub(crate) const APP_DATA: &str = "PDF application data and edit dates";
pub(crate) const COMMENT_AUTHORS: &str = "PDF comment authors and dates";
pub(crate) const SIGNATURES: &str = "PDF digital signatures (signer's name and certificate)";
pub(crate) const THREAD_INFO: &str = "PDF article thread info";
pub(crate) const PICTURES: &str = "pictures inside the PDF";
pub(crate) const TRAILER_EXTRA: &str = "other PDF file-level data";
pub(crate) const REVISIONS: &str = "earlier versions of the PDF kept inside it";

/// Trailer keys a rewritten file keeps.
const TRAILER_KEEP: &[&[u8]] = &[b"Root", b"Size"];

/// Trailer keys that describe the old file's cross-reference data (a
/// cross-reference stream's dictionary is the trailer): dropped without
/// mention, the writer makes its own.
const TRAILER_STRUCTURE: &[&[u8]] = &[
    b"Type",
    b"W",
    b"Index",
    b"Length",
    b"Filter",
    b"DecodeParms",
    b"Prev",
    b"XRefStm",
];

/// Actions that run code, open or fetch files, or send data.
const RISKY_ACTION_TYPES: &[&[u8]] = &[
    b"Launch",
    b"ImportData",
    b"GoToE",
    b"GoToR",
    b"SubmitForm",
    b"RichMediaExecute",
    b"Rendition",
    b"Sound",
    b"Movie",
];

/// Annotations that carry files or players for media and scripts.
const RISKY_ANNOTATIONS: &[&[u8]] = &[
    b"FileAttachment",
    b"RichMedia",
    b"Screen",
    b"Movie",
    b"Sound",
    b"3D",
];

/// Markup annotations: their `/T` is the author's name.
const MARKUP_ANNOTATIONS: &[&[u8]] = &[
    b"Text",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"FileAttachment",
    b"Sound",
    b"Redact",
    b"Popup",
];

/// Keys removed from every dictionary, with what the removed-list says.
const DROPPED_KEYS: &[(&[u8], &str)] = &[
    (b"AA", AUTO_ACTIONS),
    (b"JS", JAVASCRIPT),
    (b"JavaScript", JAVASCRIPT),
    (b"EmbeddedFiles", EMBEDDED),
    (b"EF", EMBEDDED),
    (b"RF", EMBEDDED),
    (b"Collection", EMBEDDED),
    (b"Metadata", XMP),
    (b"PieceInfo", APP_DATA),
    (b"LastModified", APP_DATA),
    (b"XFA", XFA),
    (b"Perms", SIGNATURES),
    (b"SigFlags", SIGNATURES),
];

/// Cleans a PDF. Never panics: a panic inside lopdf becomes
/// [`NotCleaned::Panicked`].
pub(crate) fn clean_pdf(bytes: &[u8]) -> Result<(Vec<u8>, Removed), NotCleaned> {
    catch_unwind(AssertUnwindSafe(|| clean_unguarded(bytes))).unwrap_or(Err(NotCleaned::Panicked))
}

fn load(bytes: &[u8]) -> Result<Document, NotCleaned> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM),
        ..LoadOptions::default()
    };
    let doc =
        Document::load_mem_with_options(bytes, options).map_err(|_| NotCleaned::Unreadable)?;
    if doc.is_encrypted() || doc.was_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(NotCleaned::Encrypted);
    }
    Ok(doc)
}

fn clean_unguarded(bytes: &[u8]) -> Result<(Vec<u8>, Removed), NotCleaned> {
    let mut doc = load(bytes)?;
    let mut removed = Removed::default();
    if doc.revision_count() > 1 {
        removed.add(REVISIONS);
    }

    if let Some(info) = doc.trailer.remove(b"Info") {
        let fields = info_fields(&doc, &info);
        if !fields.is_empty() {
            removed.add(&format!("{INFO} ({})", fields.join(", ")));
        }
    }
    if doc.trailer.remove(b"ID").is_some() {
        removed.add(FILE_ID);
    }
    // The rewrite needs nothing else from the old trailer; private keys there
    // can point at anything.
    let extra: Vec<Vec<u8>> = doc
        .trailer
        .iter()
        .map(|(key, _)| key.clone())
        .filter(|key| !TRAILER_KEEP.contains(&key.as_slice()))
        .collect();
    for key in extra {
        doc.trailer.remove(&key);
        if !TRAILER_STRUCTURE.contains(&key.as_slice()) {
            removed.add(TRAILER_EXTRA);
        }
    }

    let risky = risky_objects(&doc);
    let mut trailer = std::mem::take(&mut doc.trailer);
    scrub_dict(&mut trailer, &risky, &mut removed, 0)?;
    doc.trailer = trailer;
    for object in doc.objects.values_mut() {
        scrub(object, &risky, &mut removed, 0)?;
    }
    doc.prune_objects();

    let mut out = Vec::with_capacity(bytes.len());
    let saved = if matches!(
        doc.reference_table.cross_reference_type,
        XrefType::CrossReferenceStream
    ) {
        doc.save_modern(&mut out)
    } else {
        doc.save_to(&mut out)
    };
    saved.map_err(|_| NotCleaned::Residue)?;
    verify(&out)?;
    Ok((out, removed))
}

/// The document info fields present, as the reporter reads them.
fn info_fields(doc: &Document, info: &Object) -> Vec<&'static str> {
    let dict = match info {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        _ => None,
    };
    let mut fields: Vec<&'static str> = Vec::new();
    for (key, _) in dict.into_iter().flat_map(Dictionary::iter) {
        let field = match key.as_slice() {
            b"Author" => "author",
            b"Creator" => "creating application",
            b"Producer" => "producer",
            b"Title" => "title",
            b"Subject" => "subject",
            b"Keywords" => "keywords",
            b"CreationDate" | b"ModDate" => "dates",
            b"Trapped" => continue,
            _ => "other fields",
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields
}

/// What a dictionary is, if it is something that goes whole.
fn risky_label(dict: &Dictionary) -> Option<&'static str> {
    let name = |key: &[u8]| match dict.get(key) {
        Ok(Object::Name(n)) => Some(n.as_slice()),
        _ => None,
    };
    if let Some(s) = name(b"S") {
        if s == b"JavaScript" {
            return Some(JAVASCRIPT);
        }
        if RISKY_ACTION_TYPES.contains(&s) {
            return Some(RISKY_ACTIONS);
        }
        if s == b"URI"
            && let Ok(Object::String(uri, _)) = dict.get(b"URI")
            && uri
                .trim_ascii_start()
                .to_ascii_lowercase()
                .starts_with(b"javascript:")
        {
            return Some(JAVASCRIPT);
        }
    }
    match name(b"Subtype") {
        Some(b"FileAttachment") => return Some(EMBEDDED),
        Some(s) if RISKY_ANNOTATIONS.contains(&s) => return Some(MEDIA),
        _ => {}
    }
    match name(b"Type") {
        Some(b"EmbeddedFile") => Some(EMBEDDED),
        Some(b"Sig") => Some(SIGNATURES),
        _ => None,
    }
}

/// How a stream's data is a JPEG file.
enum JpegFilter {
    /// It is not.
    None,
    /// `/DCTDecode` alone: the data is the JPEG file, cleaned like one.
    Only,
    /// `/DCTDecode` behind other filters: the JPEG is encoded inside.
    Chained,
}

fn jpeg_filter(dict: &Dictionary) -> JpegFilter {
    let dct = |o: &Object| matches!(o, Object::Name(n) if n == b"DCTDecode" || n == b"DCT");
    match dict.get(b"Filter") {
        Ok(f) if dct(f) => JpegFilter::Only,
        Ok(Object::Array(fs)) if fs.len() == 1 && fs.iter().all(dct) => JpegFilter::Only,
        Ok(Object::Array(fs)) if fs.iter().any(dct) => JpegFilter::Chained,
        _ => JpegFilter::None,
    }
}

fn dict_of(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Indirect objects that go whole, and why.
fn risky_objects(doc: &Document) -> BTreeMap<ObjectId, &'static str> {
    doc.objects
        .iter()
        .filter_map(|(id, object)| Some((*id, risky_label(dict_of(object)?)?)))
        .collect()
}

/// The label if `object` is, or refers to, something that goes whole.
fn goes(object: &Object, risky: &BTreeMap<ObjectId, &'static str>) -> Option<&'static str> {
    match object {
        Object::Reference(id) => risky.get(id).copied(),
        Object::Dictionary(d) => risky_label(d),
        Object::Stream(s) => risky_label(&s.dict),
        _ => None,
    }
}

fn scrub(
    object: &mut Object,
    risky: &BTreeMap<ObjectId, &'static str>,
    removed: &mut Removed,
    depth: usize,
) -> Result<(), NotCleaned> {
    if depth > MAX_DEPTH {
        return Err(NotCleaned::Unreadable);
    }
    match object {
        Object::Dictionary(d) => scrub_dict(d, risky, removed, depth + 1),
        Object::Stream(s) => {
            scrub_dict(&mut s.dict, risky, removed, depth + 1)?;
            match jpeg_filter(&s.dict) {
                JpegFilter::None => Ok(()),
                JpegFilter::Chained => Err(NotCleaned::Residue),
                JpegFilter::Only => {
                    let picture = image::clean_jpeg(&s.content).map_err(|_| NotCleaned::Residue)?;
                    removed.add_in(picture.removed, PICTURES);
                    s.content = picture.bytes;
                    s.dict.set(
                        "Length",
                        i64::try_from(s.content.len()).map_err(|_| NotCleaned::Residue)?,
                    );
                    Ok(())
                }
            }
        }
        Object::Array(items) => {
            items.retain(|item| match goes(item, risky) {
                Some(label) => {
                    removed.add(label);
                    false
                }
                None => true,
            });
            items
                .iter_mut()
                .try_for_each(|item| scrub(item, risky, removed, depth + 1))
        }
        _ => Ok(()),
    }
}

fn scrub_dict(
    dict: &mut Dictionary,
    risky: &BTreeMap<ObjectId, &'static str>,
    removed: &mut Removed,
    depth: usize,
) -> Result<(), NotCleaned> {
    for (key, label) in DROPPED_KEYS {
        if dict.remove(key).is_some() {
            removed.add(label);
        }
    }
    // An OpenAction that is a destination (an array) only opens a page.
    if dict
        .get(b"OpenAction")
        .is_ok_and(|a| !matches!(a, Object::Array(_)))
    {
        dict.remove(b"OpenAction");
        removed.add(AUTO_ACTIONS);
    }
    let subtype = match dict.get(b"Subtype") {
        Ok(Object::Name(n)) => Some(n.clone()),
        _ => None,
    };
    if subtype
        .as_deref()
        .is_some_and(|s| MARKUP_ANNOTATIONS.contains(&s))
    {
        let had_author = dict.remove(b"T").is_some();
        let had_dates = dict.remove(b"M").is_some() | dict.remove(b"CreationDate").is_some();
        if had_author || had_dates {
            removed.add(COMMENT_AUTHORS);
        }
    }
    if matches!(dict.get(b"Type"), Ok(Object::Name(n)) if n == b"Thread")
        && dict.remove(b"I").is_some()
    {
        removed.add(THREAD_INFO);
    }
    if matches!(dict.get(b"FT"), Ok(Object::Name(n)) if n == b"Sig") && dict.remove(b"V").is_some()
    {
        removed.add(SIGNATURES);
    }
    let gone: Vec<(Vec<u8>, &'static str)> = dict
        .iter()
        .filter_map(|(key, value)| Some((key.clone(), goes(value, risky)?)))
        .collect();
    for (key, label) in gone {
        dict.remove(&key);
        removed.add(label);
    }
    dict.iter_mut()
        .try_for_each(|(_, value)| scrub(value, risky, removed, depth + 1))
}

/// Loads the cleaned file again and checks that nothing that must go is
/// left anywhere in it.
fn verify(out: &[u8]) -> Result<(), NotCleaned> {
    let doc = load(out).map_err(|_| NotCleaned::Residue)?;
    let allowed = |key: &[u8]| TRAILER_KEEP.contains(&key) || TRAILER_STRUCTURE.contains(&key);
    if doc.trailer.iter().any(|(key, _)| !allowed(key)) {
        return Err(NotCleaned::Residue);
    }
    let trailer = Object::Dictionary(doc.trailer.clone());
    std::iter::once(&trailer)
        .chain(doc.objects.values())
        .try_for_each(|o| check(o, 0))
}

fn check(object: &Object, depth: usize) -> Result<(), NotCleaned> {
    if depth > MAX_DEPTH {
        return Err(NotCleaned::Residue);
    }
    match object {
        Object::Array(items) => items.iter().try_for_each(|i| check(i, depth + 1)),
        Object::Dictionary(_) | Object::Stream(_) => {
            let Some(dict) = dict_of(object) else {
                return Ok(());
            };
            let markup = matches!(dict.get(b"Subtype"), Ok(Object::Name(n)) if MARKUP_ANNOTATIONS.contains(&n.as_slice()));
            let signature_field = matches!(dict.get(b"FT"), Ok(Object::Name(n)) if n == b"Sig");
            let thread = matches!(dict.get(b"Type"), Ok(Object::Name(n)) if n == b"Thread");
            let jpeg_residue = match (object, jpeg_filter(dict)) {
                (_, JpegFilter::Chained) => true,
                (Object::Stream(s), JpegFilter::Only) => image::has_residue(&s.content),
                _ => false,
            };
            if DROPPED_KEYS.iter().any(|(key, _)| dict.has(key))
                || dict
                    .get(b"OpenAction")
                    .is_ok_and(|a| !matches!(a, Object::Array(_)))
                || risky_label(dict).is_some()
                || (markup && (dict.has(b"T") || dict.has(b"M") || dict.has(b"CreationDate")))
                || (signature_field && dict.has(b"V"))
                || (thread && dict.has(b"I"))
                || jpeg_residue
            {
                return Err(NotCleaned::Residue);
            }
            dict.iter().try_for_each(|(_, v)| check(v, depth + 1))
        }
        _ => Ok(()),
    }
}
