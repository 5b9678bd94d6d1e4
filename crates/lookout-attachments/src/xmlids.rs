//! Identifiers that Office writes into a package's XML parts, removed as
//! the parts stream past.
//!
//! Word, Excel and PowerPoint stamp a document with ids that name no one
//! but stay with the file and its copies: Word's `w15:docId` and
//! revision-session ids (`rsid`, shared by every document edited in the
//! same session), Excel's `documentId` and `uidLastSave`, PowerPoint's
//! client GUID with the time of each save, per-object GUIDs. Two files
//! sent under different pseudonyms can be linked by them. [`IdFilter`]
//! drops such elements and attributes, and renumbers the ids that the
//! format requires to be present.
//!
//! It is a tokenizer, not a parser: text is copied through as it arrives
//! (found with `memchr`), and only one piece of markup at a time is held,
//! up to [`MAX_MARKUP`]. Whatever it cannot tokenize (a `<` that starts no
//! markup, a DOCTYPE, a part that ends inside markup) is an error, so
//! nothing unexamined reaches members.

/// The longest piece of markup (a tag with its attributes, a comment) held
/// to be examined. Office writes tags of at most some KiB.
pub(crate) const MAX_MARKUP: usize = 4 * 1024 * 1024;

/// Why a part could not be filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unfiltered {
    /// Not XML this filter can follow.
    Malformed,
    /// A piece of markup longer than [`MAX_MARKUP`].
    TooLong,
}

/// How a renumbered id is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `{00000000-0000-0000-0000-000000000001}`
    Guid,
    /// `1`
    Number,
    /// `00000001`: Word's eight-digit hex numbers.
    Hex,
}

/// What one application's parts lose. Names are local names (after the
/// prefix, whatever prefix the part binds): the names listed are specific
/// enough that no other namespace in these parts uses them.
#[derive(Debug)]
pub(crate) struct Rules {
    /// Elements dropped with everything inside them.
    pub(crate) elements: &'static [&'static str],
    /// Attributes dropped wherever they occur.
    pub(crate) attributes: &'static [&'static str],
    /// Attributes whose name starts with one of these are dropped too.
    pub(crate) attribute_prefixes: &'static [&'static str],
    /// `(element, attribute, form)`: a required id, replaced by the next
    /// number of the package (unique within it, the same for every file).
    pub(crate) renumber: &'static [(&'static str, &'static str, Form)],
    /// What the reporter reads when anything was removed.
    pub(crate) label: &'static str,
}

/// Per-object ids that drawings and charts carry in every application.
const DRAWING_IDS: [(&str, &str, Form); 2] = [
    // a16:creationId id="{GUID}" on every shape and picture (Office 2016+).
    ("creationId", "id", Form::Guid),
    // c16:uniqueId val="{GUID}" on chart series.
    ("uniqueId", "val", Form::Guid),
];

pub(crate) static WORD: Rules = Rules {
    elements: &[
        // settings.xml: <w:rsids><w:rsidRoot/><w:rsid/>...</w:rsids>, and
        // a style's <w:rsid> in styles.xml.
        "rsids",
        "rsid",
        "rsidRoot",
        // settings.xml: <w14:docId w14:val="..."/>, <w15:docId w15:val="{GUID}"/>.
        "docId",
        // Variables that add-ins and macros store (user names, ids).
        "docVars",
        // numbering.xml: a list's template code, random for lists made
        // by hand (optional).
        "tmpl",
        // The mail-merge source: a connection string and query naming
        // the file, often under the user's folder.
        "mailMerge",
    ],
    attributes: &[
        // w14:paraId / w14:textId: a random id per paragraph.
        "paraId",
        "textId",
        // wp14:anchorId / wp14:editId: a random id per drawing.
        "anchorId",
        "editId",
        // w16cid:durableId on numbering and comments.
        "durableId",
        // w16sdtdh:storeItemChecksum on content controls bound to data.
        "storeItemChecksum",
        // A list level's template code (optional).
        "tplc",
        // Protection: the password's salted hash (the salt is random per
        // document). Protection itself stays, without a password.
        "hash",
        "salt",
        "hashValue",
        "saltValue",
    ],
    // w:rsidR, w:rsidRPr, w:rsidRDefault, w:rsidP, w:rsidDel, w:rsidSect,
    // w:rsidTr, w:rsidRRPr ...: the editing session of each paragraph,
    // run, row and section.
    attribute_prefixes: &["rsid"],
    renumber: &[
        DRAWING_IDS[0],
        DRAWING_IDS[1],
        // A content control's <w:id w:val="-1234567890"/>: random.
        ("id", "val", Form::Number),
        // A building block's <w:guid w:val="{GUID}"/> in the glossary.
        ("guid", "val", Form::Guid),
        // numbering.xml: <w:nsid w:val="1F2A4C5E"/>, random per list and
        // kept when a list is copied into another document.
        ("nsid", "val", Form::Hex),
    ],
    label: "Word document and editing-session ids (docId, rsid, paragraph and drawing ids)",
};

pub(crate) static EXCEL: Rules = Rules {
    elements: &[
        // workbook.xml: <xr:revisionPtr revIDLastSave documentId
        // xr6:coauthVersionLast xr10:uidLastSave/>.
        "revisionPtr",
    ],
    attributes: &[
        // xr:uid, xr2:uid, xr3:uid, xr10:uid ...: a GUID per sheet, table,
        // column, view, pivot table, slicer.
        "uid",
        // fileVersion: the Excel build that last saved it.
        "lastEdited",
        "lowestEdited",
        "rupBuild",
        // workbookView: the window's position and size on the screen.
        "xWindow",
        "yWindow",
        "windowWidth",
        "windowHeight",
        // fileSharing: who reserved the file.
        "userName",
        // Pivot caches: who refreshed them, and when.
        "refreshedBy",
        "refreshedDate",
        "refreshedDateIso",
        // Protection: salted password hashes (the salts are random).
        "password",
        "reservationPassword",
        "hashValue",
        "saltValue",
        "workbookPassword",
        "workbookHashValue",
        "workbookSaltValue",
        "revisionsPassword",
        "revisionsHashValue",
        "revisionsSaltValue",
    ],
    attribute_prefixes: &[],
    renumber: &DRAWING_IDS,
    label: "Excel document, save and object ids (documentId, uidLastSave, uid), window position",
};

pub(crate) static POWERPOINT: Rules = Rules {
    elements: &[
        // revisionInfo.xml: <p1510:revLst><p1510:client id="{GUID}" v="2"
        // dt="2026-03-02T14:32:00.000"/></p1510:revLst>. The root stays.
        "revLst",
        // tags/tagN.xml: <p:tag name="..." val="..."/>, what add-ins
        // store. The tag list stays, empty.
        "tag",
    ],
    attributes: &[],
    attribute_prefixes: &[],
    renumber: &[
        DRAWING_IDS[0],
        DRAWING_IDS[1],
        // <p14:creationId val="3005012355"/> per slide, layout, master.
        ("creationId", "val", Form::Number),
        // <p14:modId val="1579011935"/> per table and chart.
        ("modId", "val", Form::Number),
        // <p14:section name="..." id="{GUID}">.
        ("section", "id", Form::Guid),
    ],
    label: "PowerPoint editing-client ids and save times (revisionInfo), slide and shape ids",
};

pub(crate) static CUSTOM_XML: Rules = Rules {
    elements: &[],
    attributes: &[],
    attribute_prefixes: &[],
    // itemPropsN.xml: <ds:datastoreItem ds:itemID="{GUID}">.
    renumber: &[("datastoreItem", "itemID", Form::Guid)],
    label: "custom XML store ids",
};

/// What kind of markup is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Not known yet: too few bytes read.
    Open,
    Comment,
    CData,
    Instruction,
    EndTag,
    StartTag,
}

/// Filters one part, fed a chunk at a time.
#[derive(Debug)]
pub(crate) struct IdFilter {
    rules: &'static Rules,
    /// The markup being read, from its `<`; empty between markup.
    markup: Vec<u8>,
    kind: Markup,
    /// The quote a start tag's attribute value is open with.
    quote: Option<u8>,
    /// How deep inside a dropped element (0: not inside one).
    skip: usize,
    /// The last number handed out in this package.
    pub(crate) last_id: u64,
    /// Whether anything was removed or renumbered to another value.
    pub(crate) removed: bool,
}

impl IdFilter {
    /// A filter for one part; `last_id` is the last number handed out to
    /// the package's earlier parts.
    pub(crate) fn new(rules: &'static Rules, last_id: u64) -> Self {
        Self {
            rules,
            markup: Vec::new(),
            kind: Markup::Open,
            quote: None,
            skip: 0,
            last_id,
            removed: false,
        }
    }

    /// Appends to `out` what is kept of `chunk`.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<u8>) -> Result<(), Unfiltered> {
        while !chunk.is_empty() {
            if self.markup.is_empty() {
                let Some(at) = memchr::memchr(b'<', chunk) else {
                    if self.skip == 0 {
                        out.extend_from_slice(chunk);
                    }
                    return Ok(());
                };
                if self.skip == 0 {
                    out.extend_from_slice(&chunk[..at]);
                }
                self.markup.push(b'<');
                self.kind = Markup::Open;
                self.quote = None;
                chunk = &chunk[at + 1..];
                continue;
            }
            let used = self.read_markup(chunk)?;
            chunk = &chunk[used..];
            if self.markup.len() > MAX_MARKUP {
                return Err(Unfiltered::TooLong);
            }
            if self.complete() {
                self.close(out)?;
                self.markup.clear();
            }
        }
        Ok(())
    }

    /// Whether the part ended where it may: outside markup and outside
    /// any dropped element.
    pub(crate) fn finish(&self) -> Result<(), Unfiltered> {
        if self.markup.is_empty() && self.skip == 0 {
            Ok(())
        } else {
            Err(Unfiltered::Malformed)
        }
    }

    /// Adds bytes of `chunk` to the markup up to its end (or the chunk's),
    /// returning how many.
    fn read_markup(&mut self, chunk: &[u8]) -> Result<usize, Unfiltered> {
        match self.kind {
            Markup::StartTag | Markup::EndTag => {
                // Ends at the first `>` outside an attribute value.
                let mut quote = self.quote;
                let end = chunk.iter().position(|&b| match quote {
                    Some(q) => {
                        if b == q {
                            quote = None;
                        }
                        false
                    }
                    None if b == b'"' || b == b'\'' => {
                        quote = Some(b);
                        false
                    }
                    None => b == b'>',
                });
                self.quote = quote;
                let used = end.map_or(chunk.len(), |e| e + 1);
                self.markup.extend_from_slice(&chunk[..used]);
                Ok(used)
            }
            Markup::Comment | Markup::CData | Markup::Instruction => {
                // Up to the next `>`, where the terminator may end.
                let used = memchr::memchr(b'>', chunk).map_or(chunk.len(), |e| e + 1);
                self.markup.extend_from_slice(&chunk[..used]);
                Ok(used)
            }
            Markup::Open => {
                self.markup.push(chunk[0]);
                self.kind = classify(&self.markup)?;
                Ok(1)
            }
        }
    }

    fn complete(&self) -> bool {
        let m = &self.markup;
        match self.kind {
            Markup::Open => false,
            Markup::StartTag | Markup::EndTag => self.quote.is_none() && m.ends_with(b">"),
            Markup::Comment => m.len() >= 7 && m.ends_with(b"-->"),
            Markup::CData => m.len() >= 12 && m.ends_with(b"]]>"),
            Markup::Instruction => m.len() >= 4 && m.ends_with(b"?>"),
        }
    }

    /// Handles one whole piece of markup.
    fn close(&mut self, out: &mut Vec<u8>) -> Result<(), Unfiltered> {
        match self.kind {
            Markup::EndTag => {
                if self.skip > 0 {
                    self.skip -= 1;
                } else {
                    out.extend_from_slice(&self.markup);
                }
            }
            Markup::StartTag => {
                let tag = parse_tag(&self.markup)?;
                if self.skip > 0 {
                    if !tag.empty {
                        self.skip += 1;
                    }
                } else if self.rules.elements.contains(&local(tag.name)) {
                    self.removed = true;
                    if !tag.empty {
                        self.skip = 1;
                    }
                } else {
                    self.removed |= rewrite(self.rules, &tag, &mut self.last_id, out);
                }
            }
            Markup::Comment | Markup::CData | Markup::Instruction => {
                if self.skip == 0 {
                    out.extend_from_slice(&self.markup);
                }
            }
            Markup::Open => return Err(Unfiltered::Malformed),
        }
        Ok(())
    }
}

/// Writes a kept start tag without the attributes that go, renumbering
/// ids from `last_id`. Returns whether anything changed.
fn rewrite(rules: &Rules, tag: &Tag<'_>, last_id: &mut u64, out: &mut Vec<u8>) -> bool {
    let element = local(tag.name);
    let mut changed = false;
    out.push(b'<');
    out.extend_from_slice(tag.name);
    for attr in &tag.attributes {
        let name = local(attr.name);
        if attr.name.starts_with(b"xmlns") {
            out.extend_from_slice(attr.space);
            out.extend_from_slice(attr.whole);
            continue;
        }
        if rules.attributes.contains(&name)
            || rules.attribute_prefixes.iter().any(|p| name.starts_with(p))
        {
            changed = true;
            continue;
        }
        out.extend_from_slice(attr.space);
        let form = rules
            .renumber
            .iter()
            .find(|(e, a, _)| *e == element && *a == name)
            .map(|(_, _, form)| *form);
        let Some(form) = form else {
            out.extend_from_slice(attr.whole);
            continue;
        };
        *last_id += 1;
        let value = match form {
            Form::Guid => format!("{{00000000-0000-0000-0000-{:012X}}}", *last_id),
            Form::Number => last_id.to_string(),
            Form::Hex => format!("{:08X}", *last_id),
        };
        changed |= value.as_bytes() != attr.value;
        out.extend_from_slice(attr.name);
        out.push(b'=');
        out.push(attr.quote);
        out.extend_from_slice(value.as_bytes());
        out.push(attr.quote);
    }
    out.extend_from_slice(tag.tail);
    changed
}

/// What markup begins with these bytes, `Open` while that is not known.
fn classify(markup: &[u8]) -> Result<Markup, Unfiltered> {
    const COMMENT: &[u8] = b"<!--";
    const CDATA: &[u8] = b"<![CDATA[";
    if markup.starts_with(COMMENT) {
        return Ok(Markup::Comment);
    }
    if markup.starts_with(CDATA) {
        return Ok(Markup::CData);
    }
    if COMMENT.starts_with(markup) || CDATA.starts_with(markup) {
        return Ok(Markup::Open);
    }
    match markup.get(1) {
        Some(b'?') => Ok(Markup::Instruction),
        Some(b'/') => Ok(Markup::EndTag),
        Some(&b) if is_name_start(b) => Ok(Markup::StartTag),
        // A DOCTYPE (which Office never writes), or not markup at all.
        _ => Err(Unfiltered::Malformed),
    }
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The local name: what follows the prefix. Names that are not UTF-8
/// match nothing.
fn local(name: &[u8]) -> &str {
    let after = name
        .iter()
        .rposition(|&b| b == b':')
        .map_or(name, |at| &name[at + 1..]);
    std::str::from_utf8(after).unwrap_or("")
}

/// An attribute as written.
#[derive(Debug)]
struct Attribute<'a> {
    /// The whitespace before it.
    space: &'a [u8],
    name: &'a [u8],
    quote: u8,
    value: &'a [u8],
    /// `name="value"` with whatever spacing it had.
    whole: &'a [u8],
}

/// A start tag, split into the pieces it is written back from.
#[derive(Debug)]
struct Tag<'a> {
    name: &'a [u8],
    attributes: Vec<Attribute<'a>>,
    /// From after the last attribute to the end: `/>` or `>`, with any
    /// whitespace before.
    tail: &'a [u8],
    /// `<x/>`: no end tag follows.
    empty: bool,
}

/// Splits `<name a="1" b='2'/>`. Anything else is malformed.
fn parse_tag(tag: &[u8]) -> Result<Tag<'_>, Unfiltered> {
    let bad = Unfiltered::Malformed;
    let name_end = tag
        .iter()
        .skip(1)
        .position(|&b| is_space(b) || b == b'/' || b == b'>')
        .ok_or(bad)?
        + 1;
    let name = &tag[1..name_end];
    let mut at = name_end;
    let mut attributes = Vec::new();
    loop {
        let space_start = at;
        while tag.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        match tag.get(at) {
            Some(b'>') | Some(b'/') => {
                let tail = &tag[space_start..];
                let empty = match tail.iter().position(|&b| !is_space(b)) {
                    Some(t) if &tail[t..] == b"/>" => true,
                    Some(t) if &tail[t..] == b">" => false,
                    _ => return Err(bad),
                };
                return Ok(Tag {
                    name,
                    attributes,
                    tail,
                    empty,
                });
            }
            Some(_) if at > space_start => {}
            // Attributes must be separated by whitespace.
            _ => return Err(bad),
        }
        let name_start = at;
        while tag
            .get(at)
            .is_some_and(|&b| !is_space(b) && b != b'=' && b != b'>' && b != b'/')
        {
            at += 1;
        }
        let attr_name = &tag[name_start..at];
        while tag.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        if attr_name.is_empty() || tag.get(at) != Some(&b'=') {
            return Err(bad);
        }
        at += 1;
        while tag.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        let quote = *tag
            .get(at)
            .filter(|&&q| q == b'"' || q == b'\'')
            .ok_or(bad)?;
        let value_start = at + 1;
        let value_len = tag[value_start..]
            .iter()
            .position(|&b| b == quote)
            .ok_or(bad)?;
        at = value_start + value_len + 1;
        attributes.push(Attribute {
            space: &tag[space_start..name_start],
            name: attr_name,
            quote,
            value: &tag[value_start..value_start + value_len],
            whole: &tag[name_start..at],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(
        rules: &'static Rules,
        xml: &[u8],
        chunk: usize,
    ) -> Result<(Vec<u8>, bool), Unfiltered> {
        let mut f = IdFilter::new(rules, 0);
        let mut out = Vec::new();
        for piece in xml.chunks(chunk.max(1)) {
            f.feed(piece, &mut out)?;
        }
        f.finish()?;
        Ok((out, f.removed))
    }

    #[test]
    fn word_ids_go_and_the_rest_is_byte_for_byte() {
        let xml = br#"<?xml version="1.0"?>
<w:document xmlns:w="w" xmlns:w14="x"><!-- a > b --><w:body><w:p w14:paraId="1A2B3C4D" w14:textId="77777777" w:rsidR="00C43D1F" w:rsidRDefault="00C43D1F" w:rsidP='00AB12CD'><w:r w:rsidRPr="00E1"><w:t xml:space="preserve">a &gt; b "c"</w:t></w:r></w:p><w:sdt><w:sdtPr><w:id w:val="-1834569090"/></w:sdtPr></w:sdt><w:sectPr w:rsidR="00C43D1F" w:rsidSect="00C43D1F"><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#;
        let want = br#"<?xml version="1.0"?>
<w:document xmlns:w="w" xmlns:w14="x"><!-- a > b --><w:body><w:p><w:r><w:t xml:space="preserve">a &gt; b "c"</w:t></w:r></w:p><w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr></w:sdt><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#;
        for chunk in 1..=xml.len() {
            let (out, removed) = filter(&WORD, xml, chunk).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(want),
                "chunks of {chunk}"
            );
            assert!(removed);
        }
        let (again, removed) = filter(&WORD, want, 7).unwrap();
        assert_eq!(again, want);
        assert!(!removed);
    }

    #[test]
    fn dropped_elements_go_with_their_content() {
        let xml = br#"<w:settings><w:zoom w:percent="100"/><w:rsids><w:rsidRoot w:val="00C43D1F"/><w:rsid w:val="00C43D1F"/></w:rsids><w14:docId w14:val="5C1E1F3A"/><w15:docId w15:val="{15D8FF92-5A9B-43C2-AF96-1E0F16D9E2FB}"/><w:docVars><w:docVar w:name="user" w:val="ivan"/></w:docVars><w:decimalSymbol w:val="."/></w:settings>"#;
        let (out, removed) = filter(&WORD, xml, 5).unwrap();
        assert_eq!(
            out,
            br#"<w:settings><w:zoom w:percent="100"/><w:decimalSymbol w:val="."/></w:settings>"#
        );
        assert!(removed);
    }

    #[test]
    fn what_cannot_be_followed_is_refused() {
        for bad in [
            &b"<w:p a=\"1\"b=\"2\"/>"[..],
            b"<w:p a=1/>",
            b"a < b",
            b"<!DOCTYPE x [<!ENTITY e 'x'>]><x/>",
            b"<w:rsids><w:rsid/>",
            b"<w:p",
            b"<w:p a=\"x>",
        ] {
            assert_eq!(
                filter(&WORD, bad, 3).map(|(o, _)| o),
                Err(Unfiltered::Malformed),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let mut long = b"<w:p a=\"".to_vec();
        long.resize(MAX_MARKUP + 10, b'x');
        assert_eq!(
            filter(&WORD, &long, 65536).map(|(o, _)| o),
            Err(Unfiltered::TooLong)
        );
    }

    #[test]
    fn renumbered_ids_are_unique_in_the_package_and_stable() {
        let slide = br#"<p:sld><p:cNvPr id="2" name="Title 1"><a:extLst><a:ext uri="{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}"><a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{6B3C2A11-90D4-4C6E-A1F7-3E2D5B8C9A01}"/></a:ext></a:extLst></p:cNvPr><p14:creationId xmlns:p14="p14" val="3005012355"/></p:sld>"#;
        let mut f = IdFilter::new(&POWERPOINT, 0);
        let mut out = Vec::new();
        f.feed(slide, &mut out).unwrap();
        let mut g = IdFilter::new(&POWERPOINT, f.last_id);
        let mut out2 = Vec::new();
        g.feed(slide, &mut out2).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(r#"id="{00000000-0000-0000-0000-000000000001}""#),
            "{text}"
        );
        assert!(text.contains(r#"val="2""#), "{text}");
        let text2 = String::from_utf8(out2).unwrap();
        assert!(
            text2.contains(r#"id="{00000000-0000-0000-0000-000000000003}""#),
            "{text2}"
        );
        assert!(text2.contains(r#"val="4""#), "{text2}");
        // `id="2"` on cNvPr is the shape's number in the slide, not renumbered.
        assert!(text.contains(r#"<p:cNvPr id="2" name="Title 1">"#));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Attribute names Office writes, some of which go.
        const NAMES: &[&str] = &[
            "w:rsidR",
            "w:rsidRPr",
            "w14:paraId",
            "w:val",
            "xr:uid",
            "r:id",
            "name",
            "xmlns:w",
            "id",
            "val",
            "w:hash",
            "dirty",
        ];
        const ELEMENTS: &[&str] = &[
            "w:p",
            "w:r",
            "w:rsids",
            "w:rsid",
            "w15:docId",
            "a16:creationId",
            "p14:modId",
            "xr:revisionPtr",
            "w:id",
            "w:t",
            "p:tag",
            "p1510:revLst",
        ];

        fn attribute() -> impl Strategy<Value = String> {
            (
                0..NAMES.len(),
                "[ -~&&[^<&\"]]{0,12}",
                any::<bool>(),
                " {1,2}",
            )
                .prop_map(|(n, value, single, space)| {
                    let q = if single && !value.contains('\'') {
                        '\''
                    } else {
                        '"'
                    };
                    let value = if q == '"' {
                        value.replace('"', "")
                    } else {
                        value
                    };
                    format!("{space}{}={q}{value}{q}", NAMES[n])
                })
        }

        /// Well-formed XML from Office's names, text with `>` and
        /// quotes, comments and CDATA.
        fn node(depth: u32) -> BoxedStrategy<String> {
            let text = "[ -~&&[^<&]]{0,20}".boxed();
            let comment = "[a-z >]{0,10}".prop_map(|c| format!("<!--{c}-->")).boxed();
            let cdata = "[a-z<>]{0,10}"
                .prop_map(|c| format!("<![CDATA[{c}]]>"))
                .boxed();
            let empty = (0..ELEMENTS.len(), prop::collection::vec(attribute(), 0..4))
                .prop_map(|(e, attrs)| format!("<{}{}/>", ELEMENTS[e], attrs.concat()))
                .boxed();
            if depth == 0 {
                return prop_oneof![text, comment, cdata, empty].boxed();
            }
            let parent = (
                0..ELEMENTS.len(),
                prop::collection::vec(attribute(), 0..4),
                prop::collection::vec(node(depth - 1), 0..4),
            )
                .prop_map(|(e, attrs, children)| {
                    format!(
                        "<{0}{1}>{2}</{0}>",
                        ELEMENTS[e],
                        attrs.concat(),
                        children.concat()
                    )
                })
                .boxed();
            prop_oneof![text, comment, cdata, empty, parent].boxed()
        }

        proptest! {
            #[test]
            fn chunking_changes_nothing_and_a_second_pass_removes_nothing(
                body in node(3),
                chunk in 1usize..40,
            ) {
                let xml = format!("<?xml version=\"1.0\"?><root>{body}</root>");
                for rules in [&WORD, &EXCEL, &POWERPOINT] {
                    let (whole, _) = filter(rules, xml.as_bytes(), usize::MAX).unwrap();
                    let (chunked, _) = filter(rules, xml.as_bytes(), chunk).unwrap();
                    prop_assert_eq!(&whole, &chunked);
                    let (again, removed) = filter(rules, &whole, chunk).unwrap();
                    prop_assert_eq!(&again, &whole);
                    prop_assert!(!removed);
                    let text = String::from_utf8(whole).unwrap();
                    for gone in ["rsid", "paraId", "docId", "revisionPtr", "revLst", "uid=", "hash="] {
                        let kept = !std::ptr::eq(rules, &WORD) && ["rsid", "paraId", "docId", "hash="].contains(&gone)
                            || !std::ptr::eq(rules, &EXCEL) && ["revisionPtr", "uid="].contains(&gone)
                            || !std::ptr::eq(rules, &POWERPOINT) && gone == "revLst";
                        if !kept {
                            // Only in text, comments or CDATA, never as a name.
                            prop_assert!(!text.contains(&format!(":{gone}")), "{} in {}", gone, text);
                        }
                    }
                }
            }

            #[test]
            fn any_bytes_are_filtered_or_refused(
                bytes in prop::collection::vec(any::<u8>(), 0..512),
                chunk in 1usize..64,
            ) {
                if let Ok((out, _)) = filter(&WORD, &bytes, chunk) {
                    prop_assert!(out.len() <= bytes.len() + 64 * 4);
                    let (again, removed) = filter(&WORD, &out, chunk).unwrap();
                    prop_assert_eq!(again, out);
                    prop_assert!(!removed);
                }
            }
        }
    }
}
