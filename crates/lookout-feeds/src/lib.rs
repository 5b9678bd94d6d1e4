//! Turns the bytes of an RSS 2.0/0.9x, Atom 1.0 or RSS 1.0 (RDF) feed into a
//! bounded list of plain-text items.
//!
//! The server fetches the feed an editor registered and hands the body to
//! [`parse`]; every byte is treated as hostile. The crate has no HTTP,
//! database or web code.
//!
//! What comes out, whatever goes in:
//! - at most [`Limits::max_items`] items, titles and summaries of at most
//!   [`Limits::max_title_chars`] / [`Limits::max_summary_chars`] characters,
//!   plain text: tags gone, entities decoded, script and style contents
//!   dropped, whitespace collapsed, no control characters (PostgreSQL refuses
//!   NUL) and no `<` that could open a tag (it becomes `＜`, U+FF1C);
//! - links that are absolute `http`/`https` URLs without credentials, or `None`;
//! - ids that are the same on every fetch of the same item, at most 500 chars;
//! - dates as unix seconds, or `None` when the feed's date cannot be read;
//! - errors ([`FeedError`]) worded for the editor who pasted the address.
//!
//! No input panics, every stage is linear in the input, and memory stays a
//! small multiple of it: text is borrowed from the document while it is
//! read and reduced straight into bounded output, so the one full copy is
//! the transcoding of a non-UTF-8 feed (at most 3x). `tests/memory.rs`
//! measures thirteen hostile 2 MiB shapes with a counting allocator and a
//! clock.
//!
//! # Decisions
//!
//! - **Streaming mapper on quick-xml 0.41, not a feed crate.** `feed-rs` 2.3
//!   pulls quick-xml 0.37 (a second copy), chrono, regex and uuid;
//!   `atom_syndication` 0.12 (already in the tree) pulls chrono and
//!   diligent-date-parser and reads Atom only; `rss` 2.1 with default features
//!   off needs only quick-xml 0.41 but reads RSS only, builds the whole channel
//!   with its extension maps, and parses extensions recursively, so depth and
//!   DOCTYPE policy would need a second pass of our own anyway. The mapping
//!   of the three formats onto [`Item`] is a few dozen element names, so one
//!   pass over quick-xml's `NsReader` enforces every limit in one place and
//!   stops at the first problem.
//! - **Encoding with encoding_rs, up front.** quick-xml's own decoding reads
//!   only ASCII-compatible encodings, so the whole input is transcoded to
//!   UTF-8 first (BOM, then the XML declaration, as the XML spec orders it)
//!   and parsed with `NsReader::from_str`, which ignores the declaration. This
//!   works the same whether or not another crate turns on quick-xml's
//!   `encoding` feature. Every WHATWG encoding is read (ISO-8859-1 means
//!   Windows-1252 there, as in browsers); malformed bytes become U+FFFD rather
//!   than failing a whole feed over one stray byte.
//! - **HTML reduced by a small linear scanner, entities from `web_atoms`.**
//!   html5ever's tokenizer (and so ammonia) checks each new attribute against
//!   all earlier ones of the same tag: one 550 KB tag with 80 000 attributes
//!   took 1.4 s in release, so a 2 MiB one would take about 20 s. We only
//!   need the text, so `html.rs` skips tags, comments and raw-text elements
//!   in one pass and decodes references with the HTML5 named-entity table
//!   that html5ever itself uses (`web_atoms::NAMED_ENTITIES`).
//! - **Dates with `time`.** Its RFC 3339 and RFC 2822 parsers run first; what
//!   they refuse (missing weekday, named zones, two-digit years, ISO dates in
//!   `pubDate`, …) goes through a tolerant tokenizer whose fields `time` then
//!   validates. No chrono.
//! - **No entity expansion, ever.** A DOCTYPE with an internal subset is
//!   refused before anything in it is used; undeclared entities such as
//!   `&nbsp;` (RSS 0.91 feeds rely on the Netscape DTD) are looked up in the
//!   fixed HTML table, which cannot recurse.
//! - **quick-xml's quadratic corners are avoided.** Attributes are read in
//!   one pass with its duplicate check off (that check compares each
//!   attribute with every earlier one), and at most 64 namespace
//!   declarations may be in scope (its resolver scans them per name).
//! - **RSS titles are read as HTML**, like descriptions: RSS never said
//!   which they are, publishers do both, and an escaped `&lt;b&gt;` showing
//!   up as text is the commoner complaint. Atom's `type` is honoured.
//! - **Ids survive limit changes.** The fallback hash covers the whole
//!   reduced title and summary, not the cut ones, so raising
//!   `max_summary_chars` does not make the server queue every item again.

mod date;
mod decode;
mod error;
mod html;
mod link;
mod text;
mod xml;

pub use error::FeedError;

/// Bounds on what [`parse`] reads and returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest feed read, in bytes; larger ones are refused unread.
    pub max_bytes: usize,
    /// Items kept, in document order; [`Feed::truncated`] tells if there were more.
    pub max_items: usize,
    /// Longest title, in characters, "…" included.
    pub max_title_chars: usize,
    /// Longest summary, in characters, "…" included.
    pub max_summary_chars: usize,
    /// Deepest element nesting accepted; the root element is depth 1.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 2 * 1024 * 1024,
            max_items: 200,
            max_title_chars: 300,
            max_summary_chars: 2000,
            max_depth: 32,
        }
    }
}

/// Which of the three formats the document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// RSS 2.0 and 0.9x (`<rss>`).
    Rss,
    /// Atom 1.0 (`<feed>`), and Atom 0.3 read the same way.
    Atom,
    /// RSS 1.0 (`<rdf:RDF>`).
    Rdf,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub kind: FeedKind,
    /// The feed's own title, plain text, bounded like item titles; empty
    /// when the feed has none.
    pub title: String,
    /// The site the feed belongs to (RSS `<channel><link>`, Atom alternate link).
    pub link: Option<url::Url>,
    /// At most [`Limits::max_items`], in document order.
    pub items: Vec<Item>,
    /// The feed had more items than [`Limits::max_items`].
    pub truncated: bool,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// RSS guid / Atom id / rdf:about, else the link, else a SHA-256 hex of
    /// title and summary. Stable across fetches; at most 500 chars.
    pub id: String,
    /// Plain text; "(untitled)" or the first words of the summary when the
    /// item has no title.
    pub title: String,
    /// Absolute http(s) URL without credentials: the RSS `<link>` / Atom
    /// alternate link, else an `atom:link` in an RSS item, else the
    /// id itself when it is such a URL (not for `isPermaLink="false"`).
    pub link: Option<url::Url>,
    /// Unix seconds, UTC.
    pub published: Option<i64>,
    /// Plain text.
    pub summary: String,
}

/// Parses a feed. See the crate documentation for what is guaranteed.
///
/// # Errors
///
/// A [`FeedError`] whose message tells the editor what is wrong and what to
/// do: too large, not decodable, not XML, cut short, not a feed, nested too
/// deeply, or declaring entities. Unreadable dates, links and the like are
/// never errors; they come back as `None`.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Feed, FeedError> {
    xml::parse(bytes, limits, None)
}

/// Like [`parse`], and resolves relative links that neither an `xml:base`
/// nor the feed's own link can resolve against `feed_url`, the address the
/// feed was fetched from.
///
/// # Errors
///
/// As [`parse`].
pub fn parse_with_base(
    bytes: &[u8],
    limits: &Limits,
    feed_url: &url::Url,
) -> Result<Feed, FeedError> {
    xml::parse(bytes, limits, Some(feed_url))
}
