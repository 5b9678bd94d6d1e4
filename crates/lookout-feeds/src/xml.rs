//! One pass over quick-xml's namespace-aware reader, mapping the three
//! formats' elements onto items and enforcing every limit as it goes.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{NamespaceError, ResolveResult};
use sha2::{Digest, Sha256};
use url::Url;

use crate::link::{self, RawLink};
use crate::{Feed, FeedError, FeedKind, Item, Limits, decode, html, text};

/// Namespace declarations in scope at once. WordPress feeds declare about
/// ten; the bound keeps every prefix lookup short (the resolver scans its
/// bindings), so a document cannot make name resolution quadratic.
const MAX_NAMESPACES: usize = 64;
/// Longest id kept, in characters.
const MAX_ID_CHARS: usize = 500;

const NS_ATOM: &[u8] = b"http://www.w3.org/2005/Atom";
const NS_ATOM_03: &[u8] = b"http://purl.org/atom/ns#";
const NS_RDF: &[u8] = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const NS_RSS_10: &[u8] = b"http://purl.org/rss/1.0/";
const NS_RSS_090: &[u8] = b"http://my.netscape.com/rdf/simple/0.9/";
const NS_RSS_USERLAND: &[u8] = b"http://backend.userland.com/rss2";
const NS_CONTENT: &[u8] = b"http://purl.org/rss/1.0/modules/content/";
const NS_DC: &[u8] = b"http://purl.org/dc/elements/1.1/";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    None,
    Rss,
    Atom,
    Rdf,
    Content,
    Dc,
    Other,
}

fn ns_of(resolved: &ResolveResult<'_>) -> Ns {
    match resolved {
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Bound(ns) => match ns.as_ref() {
            NS_RSS_10 | NS_RSS_090 | NS_RSS_USERLAND => Ns::Rss,
            NS_ATOM | NS_ATOM_03 => Ns::Atom,
            NS_RDF => Ns::Rdf,
            NS_CONTENT => Ns::Content,
            NS_DC => Ns::Dc,
            _ => Ns::Other,
        },
        // Sloppy feeds use `dc:date` or `content:encoded` without declaring
        // the prefix; the conventional prefixes mean what they always mean.
        ResolveResult::Unknown(prefix) => match prefix.as_slice() {
            b"dc" => Ns::Dc,
            b"content" => Ns::Content,
            b"atom" => Ns::Atom,
            b"rdf" => Ns::Rdf,
            _ => Ns::Other,
        },
    }
}

/// How a captured element's text is to be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Plain text (Atom `type="text"`, dates, ids, links).
    Text,
    /// Escaped HTML (RSS titles and descriptions, Atom `type="html"`).
    Html,
    /// Child elements are markup (Atom `type="xhtml"`).
    Xhtml,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Root,
    Channel,
    Item,
    /// An item past `max_items`: read for well-formedness, not kept.
    SkippedItem,
    Field,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    FeedTitle,
    FeedLink,
    Title,
    Link,
    Guid,
    Summary,
    Content,
    Date(DateField),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DateField {
    PubDate = 0,
    DcDate = 1,
    Published = 2,
    Updated = 3,
}

impl FeedKind {
    /// Which date an item is published at, best first.
    fn date_order(self) -> [DateField; 4] {
        use DateField::{DcDate, PubDate, Published, Updated};
        match self {
            FeedKind::Rss => [PubDate, DcDate, Published, Updated],
            FeedKind::Atom => [Published, Updated, DcDate, PubDate],
            FeedKind::Rdf => [DcDate, PubDate, Published, Updated],
        }
    }
}

struct Capture<'i> {
    field: Field,
    depth: usize,
    mode: Mode,
    /// Borrows the document while the field is one text node (the usual
    /// case, and a 2 MiB CDATA description then costs no copy).
    buf: Cow<'i, str>,
    /// Whitespace seen since the last text, not yet in `buf`.
    space: bool,
    /// Inside a dropped child (`<script>` in XHTML content) until this depth closes.
    skip_until: Option<usize>,
    base: Option<Url>,
}

impl<'i> Capture<'i> {
    /// Whitespace between chunks is only remembered: the sink collapses
    /// and trims it anyway, and appending it would copy a borrowed CDATA
    /// section just to add the indentation that follows it.
    fn push(&mut self, s: Cow<'i, str>) {
        if s.trim().is_empty() {
            self.space = !self.buf.is_empty();
        } else if self.buf.is_empty() {
            self.buf = s;
        } else {
            self.owned().push_str(&s);
        }
    }

    fn owned(&mut self) -> &mut String {
        let buf = self.buf.to_mut();
        if std::mem::take(&mut self.space) && !buf.is_empty() {
            buf.push(' ');
        }
        buf
    }
}

#[derive(Default)]
struct Draft<'i> {
    title: Option<(Cow<'i, str>, Mode)>,
    link: Option<RawLink>,
    /// `atom:link` inside an RSS item: used when there is no `<link>`.
    alt_link: Option<RawLink>,
    guid: Option<Cow<'i, str>>,
    guid_is_permalink: bool,
    summary: Option<(Cow<'i, str>, Mode)>,
    content: Option<(Cow<'i, str>, Mode)>,
    dates: [Option<Cow<'i, str>>; 4],
}

/// An item whose text is final (and bounded) but whose links wait for the
/// feed's own link, which may come after it.
struct Finished {
    /// At most `max_title_chars + 1` characters: enough to know where to cut.
    title: String,
    /// At most `max(max_summary_chars, fallback title length) + 1` characters.
    summary: String,
    /// SHA-256 of the whole reduced title, "\n", and the whole reduced summary.
    digest: [u8; 32],
    link: Option<RawLink>,
    alt_link: Option<RawLink>,
    /// The guid / Atom id / rdf:about, cleaned and bounded.
    guid: Option<String>,
    /// The guid, when it is a permalink short enough to be a link.
    permalink: Option<RawLink>,
    published: Option<i64>,
}

struct Walker<'l, 'i> {
    limits: &'l Limits,
    kind: Option<FeedKind>,
    /// Atom without its namespace: accept unqualified Atom names.
    atom_unqualified: bool,
    roles: Vec<Role>,
    ns_counts: Vec<usize>,
    ns_total: usize,
    bases: Vec<(usize, Url)>,
    capture: Option<Capture<'i>>,
    item: Option<Draft<'i>>,
    done: Vec<Finished>,
    truncated: bool,
    feed_title: Option<(Cow<'i, str>, Mode)>,
    feed_link: Option<RawLink>,
}

/// The attributes of one start tag that matter here, read in one pass.
#[derive(Default)]
struct Attrs<'a> {
    namespace_declarations: usize,
    xml_base: Option<Cow<'a, str>>,
    rel: Option<Cow<'a, str>>,
    href: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    mode: Option<Cow<'a, str>>,
    src: bool,
    is_permalink: Option<Cow<'a, str>>,
    rdf_about: Option<Cow<'a, str>>,
}

impl<'a> Attrs<'a> {
    /// One pass, without quick-xml's duplicate check (it compares each
    /// attribute with all earlier ones: quadratic in a hostile tag). The
    /// first of duplicates wins; a malformed attribute ends the list; only
    /// the values used are unescaped.
    fn read(e: &'a BytesStart<'_>, reader: &NsReader<&[u8]>) -> Self {
        let mut out = Attrs::default();
        let mut attrs = e.attributes();
        attrs.with_checks(false);
        for a in attrs.map_while(Result::ok) {
            if a.key.as_namespace_binding().is_some() {
                out.namespace_declarations += 1;
                continue;
            }
            let slot = match a.key.as_ref() {
                b"xml:base" => &mut out.xml_base,
                b"rel" => &mut out.rel,
                b"href" => &mut out.href,
                b"type" => &mut out.kind,
                b"mode" => &mut out.mode,
                b"isPermaLink" => &mut out.is_permalink,
                b"src" => {
                    out.src = true;
                    continue;
                }
                _ if a.key.local_name().as_ref() == b"about" && out.rdf_about.is_none() => {
                    let (resolved, _) = reader.resolver().resolve_attribute(a.key);
                    if ns_of(&resolved) != Ns::Rdf {
                        continue;
                    }
                    &mut out.rdf_about
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(attribute_value(a.value));
            }
        }
        out
    }
}

pub(crate) fn parse(
    bytes: &[u8],
    limits: &Limits,
    doc_url: Option<&Url>,
) -> Result<Feed, FeedError> {
    if bytes.len() > limits.max_bytes {
        return Err(FeedError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let decoded = decode::to_utf8(bytes)?;
    let text: &str = &decoded;
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if body.is_empty() {
        return Err(FeedError::Empty);
    }
    if body.starts_with('{') || body.starts_with('[') {
        return Err(FeedError::Json);
    }
    // Parse from the first markup: quick-xml wants the declaration first,
    // and positions are mapped back onto the whole text.
    let skipped = (text.len() - body.len()) as u64;

    let mut reader = NsReader::from_str(body);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    // "AT&T" with a bare ampersand is everywhere in hand-made feeds.
    config.allow_dangling_amp = true;
    config.check_end_names = true;
    reader
        .resolver_mut()
        .set_max_declarations_per_element(MAX_NAMESPACES);

    let at = |offset: u64| position(text, skipped + offset);
    let mut w = Walker {
        limits,
        kind: None,
        atom_unqualified: false,
        roles: Vec::new(),
        ns_counts: Vec::new(),
        ns_total: 0,
        bases: Vec::new(),
        capture: None,
        item: None,
        done: Vec::new(),
        truncated: false,
        feed_title: None,
        feed_link: None,
    };
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let (line, column) = at(reader.error_position());
                return Err(xml_error(body, &reader, &err, line, column));
            }
        };
        match event {
            Event::Start(e) => w.start(&reader, &e, || at(reader.buffer_position()))?,
            Event::Empty(e) => {
                // Not produced with expand_empty_elements; handled anyway.
                w.start(&reader, &e, || at(reader.buffer_position()))?;
                w.end(e.local_name().as_ref());
            }
            Event::End(e) => w.end(e.local_name().as_ref()),
            Event::Text(t) => {
                let s = t.decode().unwrap_or_default();
                if w.kind.is_none() && !s.trim().is_empty() {
                    let offset = reader.buffer_position().saturating_sub(t.len() as u64);
                    let (line, column) = at(offset);
                    return Err(FeedError::NotXml {
                        line,
                        column,
                        detail: "there is text before the first element".into(),
                    });
                }
                w.text(s);
            }
            Event::CData(c) => w.text(c.decode().unwrap_or_default()),
            Event::GeneralRef(r) => w.reference(&r),
            Event::DocType(d) => {
                // An internal subset is where entities are declared; refuse
                // it before anything in it could be used.
                if has_internal_subset(&d) {
                    let (line, column) = at(reader.buffer_position());
                    return Err(FeedError::EntityDeclaration { line, column });
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !w.roles.is_empty() {
        let (line, column) = at(reader.buffer_position());
        return Err(FeedError::Truncated { line, column });
    }
    w.finish(doc_url)
}

impl<'i> Walker<'_, 'i> {
    fn start(
        &mut self,
        reader: &NsReader<&[u8]>,
        e: &BytesStart<'_>,
        at: impl Fn() -> (u64, u64),
    ) -> Result<(), FeedError> {
        let depth = self.roles.len() + 1;
        if depth > self.limits.max_depth {
            let (line, column) = at();
            return Err(FeedError::TooDeep {
                limit: self.limits.max_depth,
                line,
                column,
            });
        }
        let attrs = Attrs::read(e, reader);
        self.ns_counts.push(attrs.namespace_declarations);
        self.ns_total += attrs.namespace_declarations;
        if self.ns_total > MAX_NAMESPACES {
            let (line, column) = at();
            return Err(FeedError::TooManyNamespaces {
                limit: MAX_NAMESPACES,
                line,
                column,
            });
        }
        if let Some(value) = &attrs.xml_base {
            let current = self.bases.last().map(|(_, u)| u);
            if let Some(base) = link::rebase(current, value) {
                self.bases.push((depth, base));
            }
        }

        let (resolved, local) = reader.resolver().resolve_element(e.name());
        let ns = ns_of(&resolved);
        let local = local.as_ref();

        if let Some(cap) = &mut self.capture {
            if cap.skip_until.is_none() && cap.mode != Mode::Text {
                let name = std::str::from_utf8(local).unwrap_or_default();
                if html::is_dropped(name) {
                    cap.skip_until = Some(depth);
                } else if html::is_block(name) {
                    cap.push(Cow::Borrowed(" "));
                }
            }
            self.roles.push(Role::Other);
            return Ok(());
        }

        let role = match (self.roles.last().copied(), self.kind) {
            (None, None) => {
                self.kind = Some(self.root_kind(ns, local, e)?);
                Role::Root
            }
            (Some(parent), Some(kind)) => self.child(kind, parent, ns, local, &attrs, depth),
            // A second root element: not XML, but harmless to skip.
            _ => Role::Other,
        };
        self.roles.push(role);
        Ok(())
    }

    fn root_kind(
        &mut self,
        ns: Ns,
        local: &[u8],
        e: &BytesStart<'_>,
    ) -> Result<FeedKind, FeedError> {
        Ok(match (local, ns) {
            (b"rss", Ns::None | Ns::Rss) => FeedKind::Rss,
            (b"RDF", Ns::Rdf) => FeedKind::Rdf,
            (b"feed", Ns::Atom) => FeedKind::Atom,
            (b"feed", Ns::None) => {
                self.atom_unqualified = true;
                FeedKind::Atom
            }
            _ => {
                let name = printable(&String::from_utf8_lossy(e.name().as_ref()), 40);
                // HTML names are case-insensitive; say it the one usual way.
                let root = if name.eq_ignore_ascii_case("html") {
                    "html".to_owned()
                } else {
                    name
                };
                return Err(FeedError::NotAFeed { root });
            }
        })
    }

    fn child(
        &mut self,
        kind: FeedKind,
        parent: Role,
        ns: Ns,
        local: &[u8],
        attrs: &Attrs<'_>,
        depth: usize,
    ) -> Role {
        let core = match kind {
            FeedKind::Rss | FeedKind::Rdf => matches!(ns, Ns::None | Ns::Rss),
            FeedKind::Atom => ns == Ns::Atom || (self.atom_unqualified && ns == Ns::None),
        };
        let is = |name: &[u8]| core && local == name;
        match (kind, parent) {
            (FeedKind::Rss | FeedKind::Rdf, Role::Root) if is(b"channel") => Role::Channel,
            (FeedKind::Rss | FeedKind::Rdf, Role::Root | Role::Channel) if is(b"item") => {
                self.open_item(attrs)
            }
            (FeedKind::Rss | FeedKind::Rdf, Role::Channel) if is(b"title") => {
                self.open(Field::FeedTitle, Mode::Html, depth)
            }
            (FeedKind::Rss | FeedKind::Rdf, Role::Channel) if is(b"link") => {
                self.open(Field::FeedLink, Mode::Text, depth)
            }
            (FeedKind::Atom, Role::Root) if is(b"entry") => self.open_item(attrs),
            (FeedKind::Atom, Role::Root) if is(b"title") => match atom_mode(attrs) {
                Some(mode) => self.open(Field::FeedTitle, mode, depth),
                None => Role::Other,
            },
            (FeedKind::Atom, Role::Root) if is(b"link") => {
                if self.feed_link.is_none() {
                    self.feed_link = self.atom_link(attrs);
                }
                Role::Other
            }
            (_, Role::Item) => {
                let field = item_field(kind, core, ns, local, attrs);
                self.item_child(field, attrs, depth)
            }
            _ => Role::Other,
        }
    }

    fn item_child(&mut self, field: Option<ItemField>, attrs: &Attrs<'_>, depth: usize) -> Role {
        let Some(field) = field else {
            return Role::Other;
        };
        let link = match field {
            ItemField::AtomLink | ItemField::AltLink => self.atom_link(attrs),
            ItemField::Capture(..) => None,
        };
        let Some(draft) = &mut self.item else {
            return Role::Other;
        };
        match field {
            ItemField::AtomLink => {
                if draft.link.is_none() {
                    draft.link = link;
                }
                Role::Other
            }
            ItemField::AltLink => {
                if draft.alt_link.is_none() {
                    draft.alt_link = link;
                }
                Role::Other
            }
            ItemField::Capture(field, mode) => {
                // An RSS guid is a permalink unless it says otherwise; an
                // Atom id that is an http(s) URL nearly always is one too.
                if field == Field::Guid {
                    draft.guid_is_permalink = attrs
                        .is_permalink
                        .as_deref()
                        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
                }
                if self.item_has(field) {
                    Role::Other
                } else {
                    self.open(field, mode, depth)
                }
            }
        }
    }

    /// Whether the item already has this field: the first one wins, and the
    /// second is not even captured.
    fn item_has(&self, field: Field) -> bool {
        let Some(d) = &self.item else { return true };
        match field {
            Field::Title => d.title.is_some(),
            Field::Link => d.link.is_some(),
            Field::Guid => d.guid.is_some(),
            Field::Summary => d.summary.is_some(),
            Field::Content => d.content.is_some(),
            Field::Date(f) => d.dates[f as usize].is_some(),
            Field::FeedTitle | Field::FeedLink => true,
        }
    }

    fn open(&mut self, field: Field, mode: Mode, depth: usize) -> Role {
        if field == Field::FeedTitle && self.feed_title.is_some()
            || field == Field::FeedLink && self.feed_link.is_some()
        {
            return Role::Other;
        }
        let base = matches!(field, Field::Link | Field::FeedLink)
            .then(|| self.bases.last().map(|(_, u)| u.clone()))
            .flatten();
        self.capture = Some(Capture {
            field,
            depth,
            mode,
            buf: Cow::Borrowed(""),
            space: false,
            skip_until: None,
            base,
        });
        Role::Field
    }

    fn open_item(&mut self, attrs: &Attrs<'_>) -> Role {
        if self.item.is_some() {
            return Role::Other;
        }
        if self.done.len() >= self.limits.max_items {
            self.truncated = true;
            return Role::SkippedItem;
        }
        // RSS 1.0 says rdf:about should be the item's link.
        self.item = Some(Draft {
            guid: attrs.rdf_about.as_ref().map(|v| Cow::Owned(v.to_string())),
            guid_is_permalink: attrs.rdf_about.is_some(),
            ..Draft::default()
        });
        Role::Item
    }

    /// An Atom `<link>` that points at the item's (or feed's) own page:
    /// `rel="alternate"` or no `rel`.
    fn atom_link(&self, attrs: &Attrs<'_>) -> Option<RawLink> {
        let alternate = attrs.rel.as_deref().map(str::trim).is_none_or(|r| {
            r.is_empty()
                || r.eq_ignore_ascii_case("alternate")
                || r.eq_ignore_ascii_case("http://www.iana.org/assignments/relation/alternate")
        });
        let href = attrs.href.as_deref()?;
        if !alternate || href.len() > link::MAX_URL_BYTES * 2 {
            return None;
        }
        Some(RawLink {
            href: href.to_owned(),
            base: self.bases.last().map(|(_, u)| u.clone()),
        })
    }

    fn end(&mut self, local: &[u8]) {
        let depth = self.roles.len();
        let Some(role) = self.roles.pop() else {
            return;
        };
        if let Some(cap) = &mut self.capture {
            if cap.depth == depth {
                if let Some(cap) = self.capture.take() {
                    self.store(cap);
                }
            } else if cap.skip_until == Some(depth) {
                cap.skip_until = None;
            } else if cap.skip_until.is_none()
                && cap.mode != Mode::Text
                && html::is_block(std::str::from_utf8(local).unwrap_or_default())
            {
                cap.push(Cow::Borrowed(" "));
            }
        }
        if role == Role::Item {
            self.finish_item();
        }
        if let Some(n) = self.ns_counts.pop() {
            self.ns_total -= n;
        }
        if self.bases.last().is_some_and(|(d, _)| *d == depth) {
            self.bases.pop();
        }
    }

    fn text(&mut self, s: Cow<'i, str>) {
        if let Some(cap) = &mut self.capture
            && cap.skip_until.is_none()
        {
            cap.push(s);
        }
    }

    fn reference(&mut self, r: &BytesRef<'_>) {
        let Some(cap) = &mut self.capture else { return };
        if cap.skip_until.is_some() {
            return;
        }
        let html_mode = cap.mode == Mode::Html;
        let buf = cap.owned();
        if r.is_char_ref() {
            // Invalid references (`&#0;`, surrogates, junk) become U+FFFD.
            let c = r.resolve_char_ref().ok().flatten().unwrap_or('\u{FFFD}');
            buf.push(c);
            return;
        }
        let name = r.decode().unwrap_or_default();
        let predefined = match name.as_ref() {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
        if let Some(c) = predefined {
            buf.push(c);
            return;
        }
        // Undeclared entities (RSS 0.91 feeds lean on the Netscape DTD for
        // `&nbsp;` and friends). In HTML the reducer decodes them; elsewhere
        // the fixed HTML table does. Nothing is ever expanded from the document.
        let literal = format!("&{name};");
        if html_mode {
            buf.push_str(&literal);
            return;
        }
        let (decoded, len) = html::char_ref(&literal, false);
        if len == literal.len() {
            decoded.push_to(buf);
        } else {
            buf.push_str(&literal);
        }
    }

    fn store(&mut self, cap: Capture<'i>) {
        let Capture {
            field,
            mode,
            buf,
            base,
            ..
        } = cap;
        // A "link" of megabytes is no link; do not copy it around.
        let raw_link = |buf: Cow<'_, str>, base| {
            (buf.len() <= link::MAX_URL_BYTES * 2).then(|| RawLink {
                href: buf.into_owned(),
                base,
            })
        };
        match field {
            Field::FeedTitle => self.feed_title = Some((buf, mode)),
            Field::FeedLink => self.feed_link = raw_link(buf, base),
            _ => {
                let Some(d) = &mut self.item else { return };
                match field {
                    Field::Title => d.title = Some((buf, mode)),
                    Field::Link => d.link = raw_link(buf, base),
                    Field::Guid => d.guid = Some(buf),
                    Field::Summary => d.summary = Some((buf, mode)),
                    Field::Content => d.content = Some((buf, mode)),
                    Field::Date(f) => d.dates[f as usize] = Some(buf),
                    Field::FeedTitle | Field::FeedLink => {}
                }
            }
        }
    }

    fn finish_item(&mut self) {
        let Some(d) = self.item.take() else { return };
        let Some(kind) = self.kind else { return };
        let limits = self.limits;
        let keep_title = limits.max_title_chars.saturating_add(1);
        let keep_summary = limits
            .max_summary_chars
            .max(text::FALLBACK_TITLE_CHARS)
            .saturating_add(1);
        let mut hash = Sha256::new();
        let title = d
            .title
            .map(|(raw, mode)| reduce(&raw, mode, keep_title, Some(&mut hash)))
            .unwrap_or_default();
        // A separator, so "ab"+"c" and "a"+"bc" differ.
        hash.update(b"\n");
        let mut summary = d
            .summary
            .map(|(raw, mode)| reduce(&raw, mode, keep_summary, Some(&mut hash)))
            .unwrap_or_default();
        // A description that is only an image falls back to the full
        // content; the empty one added nothing to the hash.
        if summary.is_empty()
            && let Some((raw, mode)) = d.content
        {
            summary = reduce(&raw, mode, keep_summary, Some(&mut hash));
        }
        let published = kind
            .date_order()
            .iter()
            .filter_map(|f| d.dates[*f as usize].as_deref())
            .find_map(crate::date::parse);
        let permalink = d
            .guid
            .as_deref()
            .filter(|g| d.guid_is_permalink && g.len() <= link::MAX_URL_BYTES * 2)
            .map(|g| RawLink {
                href: g.to_owned(),
                // A permalink guid must be absolute; no base applies.
                base: None,
            });
        let guid = d.guid.as_deref().and_then(clean_id);
        self.done.push(Finished {
            title,
            summary,
            digest: hash.finalize().into(),
            link: d.link,
            alt_link: d.alt_link,
            guid,
            permalink,
            published,
        });
    }

    fn finish(self, doc_url: Option<&Url>) -> Result<Feed, FeedError> {
        let Some(kind) = self.kind else {
            return Err(FeedError::Empty);
        };
        let limits = self.limits;
        let feed_link = self
            .feed_link
            .as_ref()
            .and_then(|l| link::resolve(l, &[doc_url]));
        let bases = [feed_link.as_ref(), doc_url];
        let items = self
            .done
            .into_iter()
            .map(|f| {
                let link = f
                    .link
                    .as_ref()
                    .and_then(|l| link::resolve(l, &bases))
                    .or_else(|| f.alt_link.as_ref().and_then(|l| link::resolve(l, &bases)))
                    .or_else(|| f.permalink.as_ref().and_then(|l| link::resolve(l, &[])));
                let id = match (f.guid, &link) {
                    (Some(guid), _) => guid,
                    (None, Some(link)) => bound_id(link.as_str()),
                    (None, None) => hex::encode(f.digest),
                };
                let title = if !f.title.is_empty() {
                    text::bound(f.title, limits.max_title_chars)
                } else if !f.summary.is_empty() {
                    text::first_words(&f.summary, limits.max_title_chars)
                } else {
                    text::bound(text::UNTITLED.to_owned(), limits.max_title_chars)
                };
                Item {
                    id,
                    title,
                    link,
                    published: f.published,
                    summary: text::bound(f.summary, limits.max_summary_chars),
                }
            })
            .collect();
        let title = self
            .feed_title
            .map(|(raw, mode)| {
                let kept = reduce(&raw, mode, limits.max_title_chars.saturating_add(1), None);
                text::bound(kept, limits.max_title_chars)
            })
            .unwrap_or_default();
        Ok(Feed {
            kind,
            title,
            link: feed_link,
            items,
            truncated: self.truncated,
        })
    }
}

/// What kind of item child an element is.
#[derive(Clone, Copy)]
enum ItemField {
    Capture(Field, Mode),
    /// Atom `<link>` in an Atom entry.
    AtomLink,
    /// `atom:link` in an RSS item.
    AltLink,
}

fn item_field(
    kind: FeedKind,
    core: bool,
    ns: Ns,
    local: &[u8],
    attrs: &Attrs<'_>,
) -> Option<ItemField> {
    use ItemField::Capture;
    let date = |f| Some(Capture(Field::Date(f), Mode::Text));
    match kind {
        FeedKind::Rss | FeedKind::Rdf => match local {
            b"title" if core => Some(Capture(Field::Title, Mode::Html)),
            b"link" if core => Some(Capture(Field::Link, Mode::Text)),
            b"description" if core => Some(Capture(Field::Summary, Mode::Html)),
            b"guid" if core => Some(Capture(Field::Guid, Mode::Text)),
            b"pubDate" if core => date(DateField::PubDate),
            b"encoded" if ns == Ns::Content => Some(Capture(Field::Content, Mode::Html)),
            b"date" if ns == Ns::Dc => date(DateField::DcDate),
            b"published" if ns == Ns::Atom => date(DateField::Published),
            b"updated" if ns == Ns::Atom => date(DateField::Updated),
            b"link" if ns == Ns::Atom => Some(ItemField::AltLink),
            _ => None,
        },
        FeedKind::Atom => match local {
            b"title" if core => atom_mode(attrs).map(|m| Capture(Field::Title, m)),
            b"id" if core => Some(Capture(Field::Guid, Mode::Text)),
            b"summary" if core => atom_mode(attrs).map(|m| Capture(Field::Summary, m)),
            b"content" if core => atom_mode(attrs).map(|m| Capture(Field::Content, m)),
            // Atom 0.3 said issued and modified.
            b"published" | b"issued" if core => date(DateField::Published),
            b"updated" | b"modified" if core => date(DateField::Updated),
            b"date" if ns == Ns::Dc => date(DateField::DcDate),
            b"link" if core => Some(ItemField::AtomLink),
            _ => None,
        },
    }
}

/// Captured text to clean plain text, keeping at most `keep` characters
/// and hashing all of it.
fn reduce(raw: &str, mode: Mode, keep: usize, hash: Option<&mut Sha256>) -> String {
    let mut sink = text::Sink::new(keep, hash);
    match mode {
        Mode::Html => html::to_text(raw, &mut sink),
        Mode::Text | Mode::Xhtml => sink.push_str(raw),
    }
    sink.finish()
}

/// How to read an Atom text construct, or `None` to ignore it (base64 or
/// out-of-line content).
fn atom_mode(attrs: &Attrs<'_>) -> Option<Mode> {
    if attrs.src {
        return None;
    }
    // Atom 0.3 said how with `mode`.
    match attrs.mode.as_deref().map(str::trim) {
        Some("escaped") => return Some(Mode::Html),
        Some("base64") => return None,
        _ => {}
    }
    let kind = attrs
        .kind
        .as_deref()
        .map_or("text", str::trim)
        .to_ascii_lowercase();
    match kind.as_str() {
        "text" | "" => Some(Mode::Text),
        "html" | "text/html" => Some(Mode::Html),
        "xhtml" | "application/xhtml+xml" => Some(Mode::Xhtml),
        t if t.starts_with("text/") => Some(Mode::Text),
        _ => None,
    }
}

/// A guid as an id: whitespace runs made one space, unwanted characters
/// out, trimmed, bounded; `None` if nothing is left.
fn clean_id(guid: &str) -> Option<String> {
    let mut clean = String::with_capacity(guid.len().min(4 * MAX_ID_CHARS));
    for word in guid.split_whitespace() {
        if !clean.is_empty() {
            clean.push(' ');
        }
        clean.extend(word.chars().filter(|&c| !text::is_unwanted(c)));
    }
    let clean = clean.trim();
    (!clean.is_empty()).then(|| bound_id(clean))
}

/// Whether a DOCTYPE's text has a `[`, outside its quoted public and
/// system literals, that opens an internal subset.
fn has_internal_subset(doctype: &[u8]) -> bool {
    let mut quote = None;
    for &b in doctype {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'[' => return true,
            None => {}
        }
    }
    false
}

/// Long ids keep a prefix and gain a hash of the whole, so two long guids
/// that share 500 characters still differ.
fn bound_id(id: &str) -> String {
    if id.chars().count() <= MAX_ID_CHARS {
        return id.to_owned();
    }
    let digest = hex::encode(Sha256::digest(id.as_bytes()));
    let keep = MAX_ID_CHARS - digest.len() - 1;
    let mut out: String = id.chars().take(keep).collect();
    out.push('#');
    out.push_str(&digest);
    out
}

/// An attribute value, references decoded leniently: `&` that starts no
/// reference stays, as it does in `href="?a=1&b=2"` written by hand.
fn attribute_value(raw: Cow<'_, [u8]>) -> Cow<'_, str> {
    let value = match raw {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
    };
    if !value.contains('&') {
        return value;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest: &str = &value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (decoded, len) = html::char_ref(&rest[at..], true);
        decoded.push_to(&mut out);
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn xml_error(
    body: &str,
    reader: &NsReader<&[u8]>,
    err: &XmlError,
    line: u64,
    column: u64,
) -> FeedError {
    if looks_like_html(body) {
        return FeedError::NotAFeed {
            root: "html".into(),
        };
    }
    let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
    let here = body.get(offset..).unwrap_or_default();
    match err {
        XmlError::Syntax(SyntaxError::InvalidBangMarkup)
            if here.starts_with("<!ENTITY") || here.starts_with("<!ATTLIST") =>
        {
            FeedError::EntityDeclaration { line, column }
        }
        // Every other syntax error is "… not found before end of input".
        XmlError::Syntax(s) if *s != SyntaxError::InvalidBangMarkup => {
            FeedError::Truncated { line, column }
        }
        XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => {
            FeedError::Truncated { line, column }
        }
        XmlError::Namespace(NamespaceError::TooManyDeclarations(limit)) => {
            FeedError::TooManyNamespaces {
                limit: *limit,
                line,
                column,
            }
        }
        other => FeedError::NotXml {
            line,
            column,
            detail: printable(&other.to_string(), 200),
        },
    }
}

/// Web pages are the most common wrong address; they are rarely
/// well-formed, so say what they are rather than where they broke.
fn looks_like_html(body: &str) -> bool {
    let starts = |prefix: &str| {
        body.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    starts("<!doctype html") || starts("<html")
}

/// Text from the document that goes into an error message: no controls,
/// bounded.
fn printable(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| !text::is_unwanted(c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut out: String = clean.chars().take(max).collect();
    if clean.chars().count() > max {
        out.push('\u{2026}');
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: u64) -> (u64, u64) {
    let mut at = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}
