//! PDF documents: what runs, launches or hides inside one.
//!
//! Keywords are counted on the raw bytes, as pdfid does, so they count even
//! in a file no parser reads. The structure is read with lopdf: scripts,
//! automatic actions, launch targets, links and embedded files (each
//! analysed like an archive member). When lopdf cannot read the file,
//! scripts and links are still dug out of the raw bytes: a broken PDF with
//! JavaScript is the usual shape of a malicious one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use flate2::read::{DeflateDecoder, ZlibDecoder};
use lopdf::xref::XrefRecovery;
use lopdf::{DecompressError, Dictionary, Document, LoadOptions, Object, ObjectId, Stream};
use regex::bytes::Regex;

use crate::archive::{self, read_bounded};
use crate::{ArchiveEntry, Ctx, Pdf};

/// The names pdfid counts that matter for triage, without the slash.
const KEYWORDS: [&[u8]; 15] = [
    b"JS",
    b"JavaScript",
    b"OpenAction",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"URI",
    b"SubmitForm",
    b"AcroForm",
    b"XFA",
    b"RichMedia",
    b"ObjStm",
    b"Encrypt",
    b"Page",
];
const MAX_SCRIPTS: usize = 50;
const MAX_SCRIPT_BYTES: usize = 64 * 1024;
/// Decoded size of one script stream, before the snippet is cut.
const MAX_SCRIPT_STREAM: u64 = 1024 * 1024;
/// URIs, launch targets and automatic actions, each.
const MAX_LISTED: usize = 200;
const MAX_TEXT: usize = 2_048;
const MAX_EMBEDDED: usize = 100;
/// Object streams and cross-reference streams that lopdf decodes while
/// loading: real ones are far smaller.
const MAX_LOAD_STREAM: usize = 16 * 1024 * 1024;
/// lopdf holds every object in memory at several times its size on disk:
/// larger files get the raw scan only.
const MAX_PARSED: usize = 64 * 1024 * 1024;
/// Nesting of arrays and dictionaries within one object (lopdf stops at 100).
const MAX_DEPTH: usize = 64;
/// Objects and values visited in all.
const MAX_NODES: usize = 4_000_000;
/// `/JS` followed in the raw scan.
const MAX_RAW_VALUES: usize = 100;
/// How far a raw string is read: a script cut at [`MAX_SCRIPT_BYTES`] even
/// if every byte is escaped.
const RAW_STRING_SPAN: usize = 4 * MAX_SCRIPT_BYTES;
/// How far a raw stream object is read.
const RAW_STREAM_SPAN: usize = 2 * MAX_SCRIPT_STREAM as usize;
/// Bytes searched for raw streams in all.
const RAW_BUDGET: usize = 32 * 1024 * 1024;

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)\A(\d{1,10})\s+(\d{1,5})\s+R").expect("a valid constant pattern")
});
static OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)(?:\A|[^0-9])(\d{1,10})\s+(\d{1,5})\s+obj").expect("a valid constant pattern")
});

pub(crate) fn inspect(data: &[u8], ctx: &mut Ctx) -> Option<Pdf> {
    let mut pdf = Pdf {
        version: version(data),
        keywords: keywords(data),
        ..Pdf::default()
    };
    let readable = match load(data, ctx) {
        Some(doc) => {
            // lopdf removes /Encrypt from the trailer once the empty user password opens it.
            let readable = !doc.trailer.has(b"Encrypt");
            pdf.encrypted = doc.was_encrypted() || !readable;
            if !readable {
                ctx.problem(
                    "pdf",
                    "encrypted with a password: the objects could not be read",
                );
            }
            let pages = doc.page_iter().count();
            pdf.pages = u32::try_from(pages).ok().filter(|&pages| pages > 0);
            let files = Walk {
                doc: &doc,
                pdf: &mut pdf,
                ctx,
                nodes: 0,
                scripts: HashSet::new(),
                files: Vec::new(),
                listed: HashSet::new(),
            }
            .run();
            embedded(&doc, files, ctx, &mut pdf);
            readable
        }
        None => {
            pdf.encrypted = pdf.keywords.contains_key("/Encrypt");
            // Encrypted strings would come out of the raw scan as noise.
            !pdf.encrypted
        }
    };
    // A damaged file can lose the objects lopdf would have found the scripts in.
    if readable && pdf.javascript.is_empty() && pdf.keywords.contains_key("/JS") {
        raw_scan(data, &mut pdf);
    }
    Some(pdf)
}

fn load(data: &[u8], ctx: &mut Ctx) -> Option<Document> {
    if data.len() > MAX_PARSED {
        ctx.problem(
            "pdf",
            format!(
                "larger than {} MiB: only the raw bytes were scanned",
                MAX_PARSED >> 20
            ),
        );
        return None;
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_LOAD_STREAM),
        ..LoadOptions::default()
    };
    // A parser bug must cost the structure, not the whole analysis.
    match catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(data, options)
    })) {
        Ok(Ok(doc)) => {
            if doc.xref_recovery == Some(XrefRecovery::Reconstructed) {
                ctx.problem(
                    "pdf",
                    "the cross-reference table is damaged: objects were found by scanning the file",
                );
            }
            Some(doc)
        }
        Ok(Err(error)) => {
            ctx.problem(
                "pdf",
                format!(
                    "the structure could not be read ({error}): the raw bytes were scanned instead"
                ),
            );
            None
        }
        Err(_) => {
            ctx.problem(
                "pdf",
                "the PDF parser failed on this file: the raw bytes were scanned instead",
            );
            None
        }
    }
}

fn version(data: &[u8]) -> Option<String> {
    let head = data.get(..1024).unwrap_or(data);
    let at = head.windows(5).position(|window| window == b"%PDF-")?;
    let digits: String = head
        .get(at + 5..)?
        .iter()
        .take_while(|byte| byte.is_ascii_digit() || **byte == b'.')
        .take(8)
        .map(|&byte| char::from(byte))
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// PDF whitespace and delimiters: what ends a name.
fn ends_name(byte: u8) -> bool {
    matches!(
        byte,
        b'\0'
            | b'\t'
            | b'\n'
            | b'\x0c'
            | b'\r'
            | b' '
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// Calls `visit` with every name in `data` (without the slash, `#xx`
/// escapes decoded, as pdfid and readers do) and the offset just past it.
/// Names longer than any keyword are passed over.
fn for_each_name(data: &[u8], mut visit: impl FnMut(&[u8], usize)) {
    let mut from = 0;
    while let Some(found) = data
        .get(from..)
        .and_then(|rest| rest.iter().position(|&byte| byte == b'/'))
    {
        let mut at = from + found + 1;
        let mut name = [0u8; 16];
        let mut len = 0;
        let mut long = false;
        while let Some(&byte) = data.get(at) {
            if ends_name(byte) {
                break;
            }
            let escaped = match (
                byte,
                data.get(at + 1).copied().and_then(hex_digit),
                data.get(at + 2).copied().and_then(hex_digit),
            ) {
                (b'#', Some(high), Some(low)) => Some((high << 4) | low),
                _ => None,
            };
            match name.get_mut(len) {
                Some(slot) => *slot = escaped.unwrap_or(byte),
                None => long = true,
            }
            len += 1;
            at += if escaped.is_some() { 3 } else { 1 };
        }
        if !long && let Some(name) = name.get(..len) {
            visit(name, at);
        }
        from = at;
    }
}

fn keywords(data: &[u8]) -> BTreeMap<String, u32> {
    let mut counts = [0u32; KEYWORDS.len()];
    for_each_name(data, |name, _| {
        if let Some(count) = KEYWORDS
            .iter()
            .position(|keyword| *keyword == name)
            .and_then(|index| counts.get_mut(index))
        {
            *count = count.saturating_add(1);
        }
    });
    KEYWORDS
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|(keyword, count)| (format!("/{}", String::from_utf8_lossy(keyword)), count))
        .collect()
}

/// A PDF text string: UTF-16 with a byte-order mark, UTF-8, or else one
/// byte a character (PDFDocEncoding is Latin-1 where it matters here).
fn text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        utf16(rest, true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        utf16(rest, false)
    } else if let Ok(text) =
        std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
    {
        text.to_owned()
    } else {
        bytes.iter().map(|&byte| char::from(byte)).collect()
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| match (pair, big_endian) {
        ([high, low], true) | ([low, high], false) => u16::from_be_bytes([*high, *low]),
        _ => 0,
    });
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn cut(mut text: String, max_bytes: usize) -> String {
    if text.len() > max_bytes {
        let mut end = max_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if list.len() < MAX_LISTED && !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

enum Decode {
    TooLarge,
    Failed(String),
}

/// A stream's content decoded, at most `cap` bytes of it. Plain deflate,
/// by far the most common, is inflated here so that output past the cap is
/// cut rather than refused.
fn decode(stream: &Stream, cap: u64) -> Result<Vec<u8>, Decode> {
    let filters = stream.filters().unwrap_or_default();
    let predictor = stream
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .and_then(|params| params.get(b"Predictor"))
        .and_then(Object::as_i64)
        .is_ok_and(|predictor| predictor > 1);
    match filters.as_slice() {
        [] => {
            let len = usize::try_from(cap)
                .unwrap_or(usize::MAX)
                .min(stream.content.len());
            Ok(stream.content.get(..len).unwrap_or_default().to_vec())
        }
        [filter] if (*filter == b"FlateDecode" || *filter == b"Fl") && !predictor => {
            inflate(&stream.content, cap)
        }
        _ => match stream
            .decompressed_content_with_limit(usize::try_from(cap).unwrap_or(usize::MAX))
        {
            Ok(bytes) => Ok(bytes),
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                Err(Decode::TooLarge)
            }
            Err(error) => Err(Decode::Failed(error.to_string())),
        },
    }
}

fn inflate(data: &[u8], cap: u64) -> Result<Vec<u8>, Decode> {
    match read_bounded(ZlibDecoder::new(data), cap) {
        (bytes, None) => Ok(bytes),
        // Some writers leave out the zlib header.
        (bytes, Some(_)) if bytes.is_empty() => {
            match read_bounded(DeflateDecoder::new(data), cap) {
                (bytes, Some(error)) if bytes.is_empty() => Err(Decode::Failed(error.to_string())),
                (bytes, _) => Ok(bytes),
            }
        }
        // What came before a damaged tail is still worth reading.
        (bytes, Some(_)) => Ok(bytes),
    }
}

/// One pass over every object, nested values included, without following
/// references: each referenced object is visited as an object of its own.
struct Walk<'a, 'c> {
    doc: &'a Document,
    pdf: &'a mut Pdf,
    ctx: &'a mut Ctx<'c>,
    nodes: usize,
    /// Script objects already read, when several actions share one.
    scripts: HashSet<ObjectId>,
    /// Embedded file streams with their names, in the order found.
    files: Vec<(String, ObjectId)>,
    listed: HashSet<ObjectId>,
}

impl<'a> Walk<'a, '_> {
    fn run(mut self) -> Vec<(String, ObjectId)> {
        for (index, object) in self.doc.objects.values().enumerate() {
            if self.nodes >= MAX_NODES || (index % 1024 == 0 && self.ctx.out_of_time()) {
                self.ctx.problem(
                    "pdf",
                    "too many objects, or the time limit was reached: not all objects were read",
                );
                break;
            }
            self.visit(object, 0);
        }
        // Embedded files that no file specification names.
        for (id, object) in &self.doc.objects {
            if let Object::Stream(stream) = object
                && stream
                    .dict
                    .get_type()
                    .is_ok_and(|kind| kind == b"EmbeddedFile")
                && self.listed.insert(*id)
            {
                self.files
                    .push((format!("(object {} {})", id.0, id.1), *id));
            }
        }
        self.files
    }

    fn visit(&mut self, object: &'a Object, depth: usize) {
        if depth > MAX_DEPTH || self.nodes >= MAX_NODES {
            return;
        }
        self.nodes += 1;
        match object {
            Object::Dictionary(dict) | Object::Stream(Stream { dict, .. }) => {
                self.dictionary(dict);
                for (_, value) in dict.iter() {
                    self.visit(value, depth + 1);
                }
            }
            Object::Array(items) => {
                for item in items {
                    self.visit(item, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn dictionary(&mut self, dict: &'a Dictionary) {
        if let Ok(script) = dict.get(b"JS") {
            self.script(script);
        }
        match dict.get(b"S").and_then(Object::as_name) {
            Ok(b"Launch") => self.launch(dict),
            Ok(b"URI") => {
                if let Some(uri) = dict.get(b"URI").ok().and_then(|uri| self.string(uri)) {
                    push_unique(&mut self.pdf.uris, cut(uri, MAX_TEXT));
                }
            }
            // Where form data (typed credentials) is sent.
            Ok(b"SubmitForm") => {
                let target = match dict.get(b"F").ok().and_then(|target| self.deref(target)) {
                    Some(Object::Dictionary(spec)) => self.file_name(spec),
                    Some(target) => self.string(target),
                    None => None,
                };
                if let Some(target) = target {
                    push_unique(&mut self.pdf.uris, cut(target, MAX_TEXT));
                }
            }
            _ => {}
        }
        if let Ok(action) = dict.get(b"OpenAction")
            && let Some(runs) = self.describe(action)
        {
            push_unique(&mut self.pdf.auto_actions, format!("OpenAction {runs}"));
        }
        if let Some(triggers) = dict
            .get(b"AA")
            .ok()
            .and_then(|aa| self.deref(aa))
            .and_then(|aa| aa.as_dict().ok())
        {
            let owner = match dict.get_type() {
                Ok(b"Page") => "page",
                Ok(b"Catalog") => "document",
                _ if dict.has(b"FT") || dict.has(b"T") => "form field",
                _ if dict.has(b"Subtype") => "annotation",
                _ => "object",
            };
            for (trigger, action) in triggers.iter() {
                if let Some(runs) = self.describe(action) {
                    let trigger = String::from_utf8_lossy(trigger);
                    push_unique(
                        &mut self.pdf.auto_actions,
                        format!("{owner} AA /{trigger} {runs}"),
                    );
                }
            }
        }
        if let Some(streams) = dict
            .get(b"EF")
            .ok()
            .and_then(|ef| self.deref(ef))
            .and_then(|ef| ef.as_dict().ok())
        {
            let name = self
                .file_name(dict)
                .map_or_else(|| "(unnamed)".to_owned(), |name| cut(name, MAX_TEXT));
            let id = [b"UF".as_slice(), b"F"]
                .iter()
                .find_map(|key| streams.get(key).and_then(Object::as_reference).ok());
            if let Some(id) = id
                && self.listed.insert(id)
            {
                self.files.push((name, id));
            }
        }
    }

    fn deref(&self, object: &'a Object) -> Option<&'a Object> {
        self.doc.dereference(object).ok().map(|(_, object)| object)
    }

    fn string(&self, object: &'a Object) -> Option<String> {
        self.deref(object)
            .and_then(|object| object.as_str().ok())
            .map(text)
    }

    /// What an action (and the actions chained to it by `/Next`) does, if
    /// it does more than move to a page.
    fn describe(&self, action: &'a Object) -> Option<String> {
        let mut kinds = Vec::new();
        let mut pending = vec![action];
        let mut steps = 0;
        while let Some(action) = pending.pop()
            && steps < 16
        {
            steps += 1;
            let Some(Object::Dictionary(action)) = self.deref(action) else {
                continue;
            };
            if let Ok(kind) = action.get(b"S").and_then(Object::as_name) {
                kinds.push(String::from_utf8_lossy(kind).into_owned());
            }
            match action.get(b"Next").ok().and_then(|next| self.deref(next)) {
                Some(Object::Array(next)) => pending.extend(next.iter().rev()),
                Some(next) => pending.push(next),
                None => {}
            }
        }
        // Destinations and GoTo are how every document opens at a page.
        if kinds.iter().all(|kind| kind == "GoTo") {
            return None;
        }
        Some(format!("runs {}", kinds.join(", then ")))
    }

    fn script(&mut self, script: &'a Object) {
        if self.pdf.javascript.len() >= MAX_SCRIPTS {
            return;
        }
        let Ok((id, object)) = self.doc.dereference(script) else {
            return;
        };
        if let Some(id) = id
            && !self.scripts.insert(id)
        {
            return;
        }
        let code = match object {
            Object::String(bytes, _) => text(bytes),
            Object::Stream(stream) => match decode(stream, MAX_SCRIPT_STREAM) {
                Ok(bytes) => text(&bytes),
                Err(Decode::TooLarge) => {
                    return self
                        .ctx
                        .problem("pdf", "a JavaScript stream is too large to read");
                }
                Err(Decode::Failed(error)) => {
                    return self.ctx.problem(
                        "pdf",
                        format!("a JavaScript stream could not be decoded: {error}"),
                    );
                }
            },
            _ => return,
        };
        let code = cut(code, MAX_SCRIPT_BYTES);
        if !code.trim().is_empty() && !self.pdf.javascript.contains(&code) {
            self.pdf.javascript.push(code);
        }
    }

    fn launch(&mut self, action: &'a Dictionary) {
        let windows = action
            .get(b"Win")
            .ok()
            .and_then(|win| self.deref(win))
            .and_then(|win| win.as_dict().ok());
        let target =
            match windows.and_then(|win| win.get(b"F").ok().and_then(|file| self.string(file))) {
                Some(program) => match windows
                    .and_then(|win| win.get(b"P").ok())
                    .and_then(|params| self.string(params))
                {
                    Some(params) => format!("{program} {params}"),
                    None => program,
                },
                None => match action.get(b"F").ok().and_then(|file| self.deref(file)) {
                    Some(Object::Dictionary(spec)) => self.file_name(spec).unwrap_or_default(),
                    Some(file) => self.string(file).unwrap_or_default(),
                    None => String::new(),
                },
            };
        let target = if target.is_empty() {
            "(no target)".to_owned()
        } else {
            target
        };
        push_unique(&mut self.pdf.launch, cut(target, MAX_TEXT));
    }

    /// The name in a file specification.
    fn file_name(&self, spec: &'a Dictionary) -> Option<String> {
        [b"UF".as_slice(), b"F", b"DOS", b"Unix", b"Mac"]
            .iter()
            .find_map(|key| spec.get(key).ok().and_then(|name| self.string(name)))
            .filter(|name| !name.is_empty())
    }
}

/// Unpacks and analyses each embedded file, within the same limits as
/// archive members.
fn embedded(doc: &Document, files: Vec<(String, ObjectId)>, ctx: &mut Ctx, pdf: &mut Pdf) {
    let total = files.len();
    for (index, (path, id)) in files.into_iter().enumerate() {
        if index >= MAX_EMBEDDED {
            ctx.problem(
                "pdf",
                format!("{} more embedded files were not listed", total - index),
            );
            break;
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let declared_size = stream
            .dict
            .get(b"Params")
            .ok()
            .and_then(|params| doc.dereference(params).ok())
            .and_then(|(_, params)| params.as_dict().ok())
            .and_then(|params| params.get(b"Size").and_then(Object::as_i64).ok())
            .and_then(|size| u64::try_from(size).ok());
        let mut entry = ArchiveEntry {
            path,
            declared_size,
            encrypted: false,
            analysis: None,
            skipped: None,
        };
        // /Size is advisory (nothing checks it), so only the stream's own size bounds the output.
        match archive::admit(ctx, None, stream.content.len() as u64) {
            Err(skip) => entry.skipped = Some(skip.into_reason()),
            Ok(bound) => match decode(stream, bound.cap) {
                Err(Decode::Failed(error)) => {
                    ctx.problem(
                        "pdf",
                        format!(
                            "embedded file {} could not be decompressed: {error}",
                            entry.path
                        ),
                    );
                    entry.skipped = Some(format!("could not be decompressed: {error}"));
                }
                decoded => {
                    // lopdf refuses past the bound instead of cutting: that too is an overflow.
                    let len = decoded.as_ref().map_or(usize::MAX, Vec::len);
                    match (archive::overflow(bound, len), decoded) {
                        (Some(skip), _) => {
                            if skip.is_bomb() {
                                ctx.problem(
                                    "pdf",
                                    format!("embedded file {}: decompression bomb", entry.path),
                                );
                            }
                            entry.skipped = Some(skip.into_reason());
                        }
                        (None, Ok(bytes)) => entry.analysis = Some(ctx.analyze_member(&bytes)),
                        (None, Err(_)) => {
                            entry.skipped = Some("could not be decompressed".to_owned())
                        }
                    }
                }
            },
        }
        pdf.embedded_files.push(entry);
    }
}

/// Scripts and links read straight from the bytes, for files lopdf cannot
/// read: `/JS` and `/URI` followed by a string, or by a reference to an
/// object holding a string (or, for scripts, a stream).
fn raw_scan(data: &[u8], pdf: &mut Pdf) {
    let mut scripts = Vec::new();
    let mut uris = Vec::new();
    for_each_name(data, |name, end| match name {
        b"JS" if scripts.len() < MAX_RAW_VALUES => scripts.push(end),
        b"URI" if uris.len() < MAX_LISTED => uris.push(end),
        _ => {}
    });
    let mut raw = Raw {
        data,
        objects: None,
        followed: HashSet::new(),
        budget: RAW_BUDGET,
    };
    for end in scripts {
        if pdf.javascript.len() >= MAX_SCRIPTS {
            break;
        }
        let Some(code) = raw.value(end, true) else {
            continue;
        };
        let code = cut(code, MAX_SCRIPT_BYTES);
        if !code.trim().is_empty() && !pdf.javascript.contains(&code) {
            pdf.javascript.push(code);
        }
    }
    for end in uris {
        if let Some(uri) = raw.value(end, false) {
            push_unique(&mut pdf.uris, cut(uri, MAX_TEXT));
        }
    }
}

/// Values read from raw bytes, within a budget of bytes searched: each
/// `/JS` could otherwise send a search to the end of a large file.
struct Raw<'a> {
    data: &'a [u8],
    /// Where each `N G obj` starts, built on first need.
    objects: Option<HashMap<(u64, u64), usize>>,
    /// Objects already followed from a reference.
    followed: HashSet<(u64, u64)>,
    budget: usize,
}

impl Raw<'_> {
    /// The string (or stream, when `streams`) the name ending at `at` is given.
    fn value(&mut self, at: usize, streams: bool) -> Option<String> {
        let data = self.data;
        let at = skip_space(data, at);
        if let Some(value) = raw_string(data, at) {
            return Some(text(&value));
        }
        // An indirect reference: `N G R`.
        let captures = REFERENCE.captures(data.get(at..)?)?;
        let number = |index| {
            std::str::from_utf8(captures.get(index)?.as_bytes())
                .ok()?
                .parse::<u64>()
                .ok()
        };
        let id = (number(1)?, number(2)?);
        if !self.followed.insert(id) {
            return None;
        }
        let objects = self.objects.get_or_insert_with(|| index_objects(data));
        let start = skip_space(data, *objects.get(&id)?);
        if let Some(value) = raw_string(data, start) {
            return Some(text(&value));
        }
        if !streams || self.budget == 0 {
            return None;
        }
        let window = data.get(start..)?;
        let window = window
            .get(..window.len().min(RAW_STREAM_SPAN))
            .unwrap_or(window);
        self.budget = self.budget.saturating_sub(window.len());
        raw_stream(window).map(|bytes| text(&bytes))
    }
}

fn skip_space(data: &[u8], mut at: usize) -> usize {
    while data
        .get(at)
        .is_some_and(|byte| byte.is_ascii_whitespace() || *byte == 0)
    {
        at += 1;
    }
    at
}

/// Where each object starts (just past `obj`); a later definition of the
/// same object replaces an earlier one, as incremental updates do.
fn index_objects(data: &[u8]) -> HashMap<(u64, u64), usize> {
    let mut index = HashMap::new();
    for captures in OBJECT.captures_iter(data) {
        let number = |index| {
            std::str::from_utf8(captures.get(index)?.as_bytes())
                .ok()?
                .parse::<u64>()
                .ok()
        };
        if let (Some(number), Some(generation), Some(all)) = (number(1), number(2), captures.get(0))
        {
            index.insert((number, generation), all.end());
        }
    }
    index
}

/// A literal `( )` or hex `< >` string starting at `at`, read no further
/// than [`RAW_STRING_SPAN`]. A string cut off is returned as far as it goes.
fn raw_string(data: &[u8], at: usize) -> Option<Vec<u8>> {
    let rest = data.get(at + 1..)?;
    let window = rest.get(..RAW_STRING_SPAN).unwrap_or(rest);
    match (data.get(at), window.first()) {
        (Some(b'('), _) => {
            let mut out = Vec::new();
            let mut depth = 1usize;
            let mut bytes = window.iter().copied().peekable();
            while let Some(byte) = bytes.next() {
                match byte {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\\' => {
                        let Some(escaped) = bytes.next() else { break };
                        match escaped {
                            b'n' => out.push(b'\n'),
                            b'r' => out.push(b'\r'),
                            b't' => out.push(b'\t'),
                            b'b' => out.push(8),
                            b'f' => out.push(12),
                            b'0'..=b'7' => {
                                let mut value = u32::from(escaped - b'0');
                                for _ in 0..2 {
                                    match bytes.peek() {
                                        Some(digit @ b'0'..=b'7') => {
                                            value = value * 8 + u32::from(digit - b'0');
                                            bytes.next();
                                        }
                                        _ => break,
                                    }
                                }
                                out.push((value & 0xff) as u8);
                            }
                            // A backslash before a line break continues the line.
                            b'\r' => {
                                if bytes.peek() == Some(&b'\n') {
                                    bytes.next();
                                }
                            }
                            b'\n' => {}
                            other => out.push(other),
                        }
                        continue;
                    }
                    _ => {}
                }
                out.push(byte);
            }
            Some(out)
        }
        (Some(b'<'), Some(next)) if *next != b'<' => {
            let digits: Vec<u8> = window
                .iter()
                .take_while(|&&byte| byte != b'>')
                .filter_map(|&byte| hex_digit(byte))
                .collect();
            let pair = |pair: &[u8]| {
                (pair.first().copied().unwrap_or(0) << 4) | pair.get(1).copied().unwrap_or(0)
            };
            Some(digits.chunks(2).map(pair).collect())
        }
        _ => None,
    }
}

/// The content of the stream object whose dictionary starts `window`,
/// inflated when it says `/FlateDecode`.
fn raw_stream(window: &[u8]) -> Option<Vec<u8>> {
    let end_object = find(window, b"endobj").unwrap_or(window.len());
    let keyword = find(window.get(..end_object)?, b"stream")?;
    let dict = window.get(..keyword)?;
    let mut start = keyword + b"stream".len();
    if window.get(start) == Some(&b'\r') {
        start += 1;
    }
    if window.get(start) == Some(&b'\n') {
        start += 1;
    }
    let body = window.get(start..)?;
    let body = body.get(..find(body, b"endstream").unwrap_or(body.len()))?;
    // The line break before `endstream` is not part of the data.
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let mut flate = false;
    for_each_name(dict, |name, _| {
        flate |= name == b"FlateDecode" || name == b"Fl"
    });
    match flate {
        true => inflate(body, MAX_SCRIPT_STREAM).ok(),
        false => Some(body.to_vec()),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
