//! The portal's one way to turn user-written Markdown (security advisories,
//! forum posts, knowledge-base articles) into HTML that is safe to put inside
//! our pages.
//!
//! Every input is treated as hostile. The pipeline is:
//!
//! 1. **Size check**: input above [`Limits::max_input_bytes`] is refused with
//!    [`MarkdownError::TooLarge`] before any parsing.
//! 2. **Parse** with `pulldown-cmark` (CommonMark plus GFM tables and
//!    strikethrough; no footnotes, task lists, heading attributes or math, so
//!    no syntax can ask for an `id`, `class` or `<input>`).
//! 3. **Write HTML ourselves** from the events, with an allow-list of
//!    elements. Raw HTML in the Markdown is *never* passed through: it is
//!    escaped and shown as text, so `<script>` appears literally.
//!    Links are checked by [`normalise_link`]; anything
//!    else becomes plain text.
//! 4. **Sanitise** the result again with `ammonia` (defence in depth), with an
//!    explicit allow-list of elements and attributes.
//!
//! # Decisions
//!
//! * **Headings are demoted by two levels** (`#` → `<h3>`, `##` → `<h4>`,
//!   `###` → `<h5>`, deeper → `<h6>`). User content is always embedded in a
//!   page that owns `<h1>`/`<h2>`; demotion keeps the page outline honest and
//!   stops a post from looking like part of the portal chrome. The sanitiser's
//!   allow-list therefore has only `h3`–`h6`.
//! * **No images, ever.** Remote images leak readers' addresses to whoever
//!   hosts them, and the CSP would block them anyway. A Markdown image whose
//!   URL passes the link rules becomes an ordinary link whose text is the alt
//!   text (or the URL when the alt text is empty), so the reader can still
//!   choose to open it; otherwise only its alt text is kept.
//! * **No attributes** except `href` and `rel` on `<a>`. Table alignment
//!   (which needs `style`, refused by our CSP) is dropped.
//! * **Links** keep only `http:`, `https:`, `mailto:` and same-origin paths
//!   (`/…` but not `//…` or `/\…`). Links leaving the site get
//!   `rel="nofollow noopener noreferrer"`; none get `target`.
//! * **Nesting** of block quotes and lists deeper than
//!   [`Limits::max_nesting`] is flattened into plain paragraphs.
//!
//! # Bounds
//!
//! Rendering is single-pass over the `pulldown-cmark` event stream, so time is
//! linear in practice; the HTML is at most a small constant factor larger
//! than the input (the reference-link and GFM table-padding amplifications
//! are capped; see the tests).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Limits applied to one rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes. Default 200 KiB.
    pub max_input_bytes: usize,
    /// Deepest nesting of block quotes and lists (counted together) that is
    /// kept as structure; deeper content is rendered as plain paragraphs.
    /// Default 20. Values above [`HARD_MAX_NESTING`] act as that value.
    pub max_nesting: usize,
}

/// Upper bound on [`Limits::max_nesting`], whatever the caller asks for: the
/// HTML parser inside the sanitiser must never see an unbounded tree, even
/// if a configuration file says otherwise.
pub const HARD_MAX_NESTING: usize = 64;

/// Inline elements (emphasis, strong, strikethrough, links) nested deeper
/// than this keep their text but lose their tags. `*a *a *a …` can nest
/// emphasis as deep as the input is long.
const MAX_INLINE_DEPTH: usize = 32;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 200 * 1024,
            max_nesting: 20,
        }
    }
}

/// The result of [`render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to embed as-is inside a page element.
    pub html: String,
    /// The text without any markup, for search indexing and e-mail. It is
    /// *text*, not HTML: characters such as `<` are kept literally, so escape
    /// it wherever it is put into HTML.
    pub plain_text: String,
    /// Every link kept in `html`, in order of first appearance, without
    /// duplicates: absolute `http(s):`/`mailto:` URLs or same-origin paths.
    pub links: Vec<String>,
}

/// Why Markdown could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkdownError {
    /// The input is larger than [`Limits::max_input_bytes`].
    #[error("The text is {}; the limit is {}. Shorten it or attach a file.", size_up(*.got), size_down(*.limit))]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The input size in bytes.
        got: usize,
    },
}

// Sizes are rounded so the message never says "200 KB; the limit is 200 KB".
fn size_up(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn size_down(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// Widest table kept as a table; see [`render`].
const MAX_TABLE_COLUMNS: usize = 64;

/// Parser events allowed per input byte before tables are turned off.
const EVENTS_PER_BYTE: usize = 10;

/// Runs the parser into a [`Writer`]; `None` if the event budget ran out.
fn write(
    markdown: &str,
    options: Options,
    max_nesting: usize,
    link_budget: usize,
    event_budget: Option<usize>,
) -> Option<Writer> {
    let mut writer = Writer::new(max_nesting, link_budget);
    let mut budget = event_budget.unwrap_or(usize::MAX);
    for event in Parser::new_ext(markdown, options) {
        budget = budget.checked_sub(1)?;
        writer.event(event);
    }
    Some(writer)
}

/// Renders user-written Markdown to sanitised HTML, plain text and the list
/// of links kept.
///
/// Never panics; the same input always gives the same output.
///
/// # Errors
///
/// [`MarkdownError::TooLarge`] when `markdown` is longer than
/// `limits.max_input_bytes` bytes.
pub fn render(markdown: &str, limits: &Limits) -> Result<Rendered, MarkdownError> {
    if markdown.len() > limits.max_input_bytes {
        return Err(MarkdownError::TooLarge {
            limit: limits.max_input_bytes,
            got: markdown.len(),
        });
    }
    let max_nesting = limits.max_nesting.min(HARD_MAX_NESTING);
    // Reference links repeat one definition's URL at the cost of a few bytes
    // each; this cap keeps the total URL text linear in the input.
    let link_budget = markdown.len().saturating_mul(2).saturating_add(4096);
    // GFM pads every short table row to the header's width, so a 1000-column
    // header over many one-character rows makes the parser produce far more
    // events than the input has bytes. Ordinary text stays far below this
    // budget; past it the text is rendered again with tables off, which
    // cannot amplify.
    let event_budget = markdown
        .len()
        .saturating_mul(EVENTS_PER_BYTE)
        .saturating_add(4096);
    //
    // The parser's own table work also grows with rows × header columns, so
    // a text with a line of more than MAX_TABLE_COLUMNS columns of pipes (the only way
    // to write that many columns) is rendered with tables off from the start.
    let with_tables = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let without_tables = Options::ENABLE_STRIKETHROUGH;
    let too_wide = markdown
        .lines()
        .any(|line| line.bytes().filter(|&b| b == b'|').count() > MAX_TABLE_COLUMNS + 1);
    let writer = if too_wide {
        write(markdown, without_tables, max_nesting, link_budget, None)
    } else {
        write(
            markdown,
            with_tables,
            max_nesting,
            link_budget,
            Some(event_budget),
        )
        .or_else(|| write(markdown, without_tables, max_nesting, link_budget, None))
    };
    let Some(writer) = writer else {
        // `write` without an event budget always returns a writer.
        return Ok(Rendered {
            html: String::new(),
            plain_text: String::new(),
            links: Vec::new(),
        });
    };
    let (raw_html, plain_text, links) = writer.finish();
    let html = SANITIZER.clean(&raw_html).to_string();
    Ok(Rendered {
        html,
        plain_text,
        links,
    })
}

/// `html` as [`render`] wrote it, with its headings moved so that the
/// highest becomes `<h{top}>` and the others keep their distance below it
/// (never past `<h6>`): a text shown right under a page's `<h1>` starts at
/// `<h2>` whether its author wrote `#` or `##`, and the page's outline has
/// no gap. `top` is kept within 2..=6. Only the tags [`render`] writes are
/// touched: text that looks like a tag was escaped by it.
///
/// ```
/// let html = lookout_markdown::render("## Signs\n\n### Ship", &Default::default()).unwrap().html;
/// assert_eq!(lookout_markdown::headings_from(&html, 2), "<h2>Signs</h2>\n<h3>Ship</h3>\n");
/// ```
pub fn headings_from(html: &str, top: u8) -> String {
    let top = top.clamp(2, 6);
    let highest = (3..=6u8).find(|level| html.contains(&format!("<h{level}>")));
    let Some(highest) = highest else {
        return html.to_string();
    };
    let mut out = html.to_string();
    // Moving up, in rising numbers (h4 → h2 before h6 → h4), and moving
    // down in falling ones, so that no tag is met again once moved.
    let levels: Vec<u8> = if top < highest {
        (highest..=6).collect()
    } else {
        (highest..=6).rev().collect()
    };
    for level in levels {
        let to = (i16::from(level) + i16::from(top) - i16::from(highest)).clamp(2, 6);
        for (from, into) in [
            (format!("<h{level}>"), format!("<h{to}>")),
            (format!("</h{level}>"), format!("</h{to}>")),
        ] {
            out = out.replace(&from, &into);
        }
    }
    out
}

/// A heading of a rendered text, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The `id` given to it, `section-1` and on.
    pub id: String,
    /// Its content as safe HTML (as [`render`] wrote it).
    pub html: String,
}

/// `html` as [`render`] (and [`headings_from`]) wrote it, each `<h2>` and
/// `<h3>` given an `id` to link to, and those headings in order: a long
/// text's table of contents.
///
/// ```
/// let html = lookout_markdown::render("## Signs\n\ntext", &Default::default()).unwrap().html;
/// let (html, headings) = lookout_markdown::with_anchors(&lookout_markdown::headings_from(&html, 2));
/// assert_eq!(html, "<h2 id=\"section-1\">Signs</h2>\n<p>text</p>\n");
/// assert_eq!(headings[0].html, "Signs");
/// ```
pub fn with_anchors(html: &str) -> (String, Vec<Heading>) {
    let mut out = String::with_capacity(html.len() + 64);
    let mut headings = Vec::new();
    let mut rest = html;
    loop {
        let next = ["<h2>", "<h3>"]
            .iter()
            .filter_map(|tag| rest.find(tag).map(|at| (at, *tag)))
            .min();
        let Some((at, tag)) = next else {
            out.push_str(rest);
            break;
        };
        let level = if tag == "<h2>" { 2 } else { 3 };
        let close = format!("</h{level}>");
        let after = &rest[at + tag.len()..];
        let Some(end) = after.find(&close) else {
            out.push_str(rest);
            break;
        };
        let id = format!("section-{}", headings.len() + 1);
        out.push_str(&rest[..at]);
        out.push_str(&format!("<h{level} id=\"{id}\">"));
        out.push_str(&after[..end]);
        headings.push(Heading {
            level,
            id,
            html: after[..end].to_string(),
        });
        rest = &after[end..];
    }
    (out, headings)
}

/// The text of a quote of `markdown` for a reply: each line prefixed with
/// `"> "` (empty lines with `">"`), keeping at most `max_chars` characters of
/// the original text; when text was cut, a last quoted line `…` says so.
///
/// Line endings are normalised to `\n`, and leading and trailing blank lines
/// are dropped. The result ends with a newline unless it is empty.
pub fn quote(markdown: &str, max_chars: usize) -> String {
    let normalised = markdown.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim_matches('\n');
    let (kept, cut) = match trimmed.char_indices().nth(max_chars) {
        Some((byte, _)) => (&trimmed[..byte], true),
        None => (trimmed, false),
    };
    let mut out = String::with_capacity(kept.len() + kept.len() / 8 + 8);
    if !kept.is_empty() {
        for line in kept.split('\n') {
            if line.is_empty() {
                out.push_str(">\n");
            } else {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if cut {
        out.push_str("> …\n");
    }
    out
}

/// Whether `url` is a link target the renderer keeps, and in which
/// normalised form: `http:`/`https:` with a host, `mailto:`, or a path on
/// this site starting with a single `/`.
///
/// The check runs on the URL *after* Markdown has decoded entities and
/// backslash escapes, so `jav&#x61;script:` is seen as `javascript:`.
/// Anything with whitespace, control characters or backslashes is refused
/// outright: browsers strip or reinterpret those (`java\tscript:`,
/// `/\evil.example`), and a legitimate URL never needs them unencoded.
pub fn normalise_link(url: &str) -> Option<Link> {
    if url.is_empty()
        || url.len() > 4096
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    if url.starts_with('/') {
        if url.starts_with("//") {
            return None;
        }
        let resolved = SAME_ORIGIN.join(url).ok()?;
        if resolved.origin() != SAME_ORIGIN.origin() {
            return None;
        }
        let path = &resolved[url::Position::BeforePath..];
        return Some(Link {
            href: path.to_owned(),
            external: false,
        });
    }
    let parsed = url::Url::parse(url).ok()?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => {}
        "mailto" if parsed.path().contains('@') => {}
        _ => return None,
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // `https://portal@evil.example/` is a phishing device, never needed.
        return None;
    }
    Some(Link {
        href: parsed.into(),
        external: true,
    })
}

/// A link target accepted by [`normalise_link`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The normalised URL (percent-encoded where needed).
    pub href: String,
    /// Whether it leaves this site (and so gets `rel="nofollow …"`).
    pub external: bool,
}

/// The `rel` value on every link leaving the site.
pub const EXTERNAL_REL: &str = "nofollow noopener noreferrer";

// A stand-in origin, only used to resolve and normalise same-origin paths.
static SAME_ORIGIN: LazyLock<url::Url> = LazyLock::new(|| {
    url::Url::parse("https://same-origin.invalid/").unwrap_or_else(|_| unreachable!())
});

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(["script", "style"].into_iter().collect())
        .tag_attributes(HashMap::from([(
            "a",
            ["href", "rel"].into_iter().collect::<HashSet<_>>(),
        )]))
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .allowed_classes(HashMap::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .id_prefix(None)
        .attribute_filter(|element, attribute, value| {
            // The writer only emits values that pass these checks; anything
            // else reaching here means a writer bug, so drop it.
            let keep = match (element, attribute) {
                ("a", "href") => normalise_link(value).is_some(),
                ("a", "rel") => value == EXTERNAL_REL,
                _ => false,
            };
            keep.then_some(Cow::Borrowed(value))
        });
    builder
});

/// What an open `Start` event turned into, so its `End` can close it.
#[derive(Debug)]
enum Frame {
    /// Closed by writing this end tag.
    Tag(&'static str),
    /// Emitted nothing; closing emits nothing either.
    Nothing,
    /// A paragraph-like block: plain text gets a blank line after it.
    Block(&'static str),
    /// A block quote or list counted against the nesting limit.
    Container(&'static str),
    Item,
    /// An `<a>`: `text_start` is where its text begins in `html`, so an
    /// empty link can be given its URL as text.
    Link {
        text_start: usize,
        plain_start: usize,
        href: String,
    },
    /// A link or image that was refused: only its text is kept.
    DroppedLink,
    /// A table cell opened at `start` in `html`, after writing `flushed`
    /// deferred empty cells.
    Cell {
        header: bool,
        start: usize,
        flushed: usize,
    },
    /// Raw HTML block, shown as escaped text.
    HtmlBlock,
    Inline(&'static str),
}

struct Writer {
    html: String,
    text: String,
    links: Vec<String>,
    seen_links: HashSet<String>,
    stack: Vec<Frame>,
    max_nesting: usize,
    nesting: usize,
    inline_depth: usize,
    in_link: bool,
    link_budget: usize,
    /// `Some(depth)` while inside a container deeper than the limit: every
    /// event then only contributes text, until the container closes.
    flat: Option<usize>,
    flat_text: String,
    /// Empty table cells not yet written: they are written only if a
    /// non-empty cell follows in the same row, so the GFM rule that pads
    /// short rows with empty cells cannot multiply a tiny row into a wide one.
    pending_cells: usize,
    in_table_head: bool,
    list_counters: Vec<Option<u64>>,
    html_block_has_line: bool,
}

impl Writer {
    fn new(max_nesting: usize, link_budget: usize) -> Self {
        Self {
            html: String::new(),
            text: String::new(),
            links: Vec::new(),
            seen_links: HashSet::new(),
            stack: Vec::new(),
            max_nesting,
            nesting: 0,
            inline_depth: 0,
            in_link: false,
            link_budget,
            flat: None,
            flat_text: String::new(),
            pending_cells: 0,
            in_table_head: false,
            list_counters: Vec::new(),
            html_block_has_line: false,
        }
    }

    fn finish(self) -> (String, String, Vec<String>) {
        let mut text = self.text;
        let trimmed_len = text.trim_end().len();
        text.truncate(trimmed_len);
        (self.html, text, self.links)
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(depth) = self.flat {
            self.flat_event(event, depth);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if matches!(self.stack.last(), Some(Frame::HtmlBlock)) {
                    self.raw_html_line(&t);
                } else {
                    self.push_text(&t);
                }
            }
            Event::Code(t) => {
                self.html.push_str("<code>");
                self.push_text(&t);
                self.html.push_str("</code>");
            }
            Event::Html(t) => {
                if matches!(self.stack.last(), Some(Frame::HtmlBlock)) {
                    self.raw_html_line(&t);
                } else {
                    self.push_text(&t);
                }
            }
            Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
            | Event::FootnoteReference(t) => self.push_text(&t),
            Event::SoftBreak => {
                self.html.push('\n');
                self.text.push('\n');
            }
            Event::HardBreak => {
                self.html.push_str("<br>\n");
                self.text.push('\n');
            }
            Event::Rule => {
                self.html.push_str("<hr>\n");
                self.block_gap();
            }
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
        }
    }

    /// Raw HTML blocks arrive line by line (each with its newline); they are
    /// shown as escaped text with their line breaks kept.
    fn raw_html_line(&mut self, line: &str) {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if self.html_block_has_line {
            self.html.push_str("<br>\n");
            self.text.push('\n');
        }
        self.html_block_has_line = true;
        self.push_text(line);
    }

    fn push_text(&mut self, text: &str) {
        escape_into(&mut self.html, text);
        self.text.push_str(text);
    }

    fn block_gap(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            if !self.text.ends_with('\n') {
                self.text.push('\n');
            }
            self.text.push('\n');
        }
    }

    fn line_end(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let frame = match tag {
            Tag::Paragraph => {
                self.html.push_str("<p>");
                Frame::Block("</p>\n")
            }
            Tag::Heading { level, .. } => {
                let (open, close) = match level {
                    HeadingLevel::H1 => ("<h3>", "</h3>\n"),
                    HeadingLevel::H2 => ("<h4>", "</h4>\n"),
                    HeadingLevel::H3 => ("<h5>", "</h5>\n"),
                    _ => ("<h6>", "</h6>\n"),
                };
                self.html.push_str(open);
                Frame::Block(close)
            }
            Tag::BlockQuote(_) => {
                if self.nesting >= self.max_nesting {
                    self.enter_flat();
                    return;
                }
                self.nesting += 1;
                self.html.push_str("<blockquote>\n");
                Frame::Container("</blockquote>\n")
            }
            Tag::List(first) => {
                if self.nesting >= self.max_nesting {
                    self.enter_flat();
                    return;
                }
                self.nesting += 1;
                self.list_counters.push(first);
                match first {
                    Some(_) => {
                        // The start number is not kept: `start` would be one
                        // more attribute to allow, and the plain text has it.
                        self.html.push_str("<ol>\n");
                        Frame::Container("</ol>\n")
                    }
                    None => {
                        self.html.push_str("<ul>\n");
                        Frame::Container("</ul>\n")
                    }
                }
            }
            Tag::Item => {
                self.html.push_str("<li>");
                self.line_end();
                let indent = self.list_counters.len().saturating_sub(1).min(8);
                for _ in 0..indent {
                    self.text.push_str("  ");
                }
                match self.list_counters.last_mut() {
                    Some(Some(n)) => {
                        let _ = write!(self.text, "{n}. ");
                        *n = n.saturating_add(1);
                    }
                    _ => self.text.push_str("- "),
                }
                Frame::Item
            }
            Tag::CodeBlock(_) => {
                // The info string (language) is dropped: keeping it would
                // need a class attribute.
                self.html.push_str("<pre><code>");
                Frame::Block("</code></pre>\n")
            }
            Tag::HtmlBlock => {
                self.html.push_str("<p>");
                self.html_block_has_line = false;
                Frame::HtmlBlock
            }
            Tag::Table(_) => {
                self.html.push_str("<table>\n");
                Frame::Block("</tbody></table>\n")
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.pending_cells = 0;
                self.html.push_str("<thead><tr>");
                Frame::Tag("</tr></thead>\n<tbody>\n")
            }
            Tag::TableRow => {
                self.pending_cells = 0;
                self.line_end();
                self.html.push_str("<tr>");
                Frame::Tag("</tr>\n")
            }
            Tag::TableCell => {
                let header = self.in_table_head;
                let empty = if header { "<th></th>" } else { "<td></td>" };
                let start = self.html.len();
                let flushed = std::mem::take(&mut self.pending_cells);
                for _ in 0..flushed {
                    self.html.push_str(empty);
                }
                self.html.push_str(if header { "<th>" } else { "<td>" });
                Frame::Cell {
                    header,
                    start,
                    flushed,
                }
            }
            Tag::Emphasis => self.inline("<em>", "</em>"),
            Tag::Strong => self.inline("<strong>", "</strong>"),
            Tag::Strikethrough => self.inline("<del>", "</del>"),
            Tag::Link {
                link_type: LinkType::Email,
                dest_url,
                ..
            } => self.link(&format!("mailto:{dest_url}")),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => self.link(&dest_url),
            // Not enabled in the parser options; should they appear anyway,
            // their content is kept as text.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
            | Tag::Superscript
            | Tag::Subscript => Frame::Nothing,
        };
        self.stack.push(frame);
    }

    fn inline(&mut self, open: &str, close: &'static str) -> Frame {
        if self.inline_depth >= MAX_INLINE_DEPTH {
            return Frame::Nothing;
        }
        self.inline_depth += 1;
        self.html.push_str(open);
        Frame::Inline(close)
    }

    fn link(&mut self, dest: &str) -> Frame {
        if self.in_link || self.inline_depth >= MAX_INLINE_DEPTH {
            return Frame::DroppedLink;
        }
        let Some(link) = normalise_link(dest) else {
            return Frame::DroppedLink;
        };
        if link.href.len() > self.link_budget {
            return Frame::DroppedLink;
        }
        self.link_budget -= link.href.len();
        self.html.push_str("<a href=\"");
        escape_into(&mut self.html, &link.href);
        if link.external {
            self.html.push_str("\" rel=\"");
            self.html.push_str(EXTERNAL_REL);
        }
        self.html.push_str("\">");
        self.in_link = true;
        self.inline_depth += 1;
        if self.seen_links.insert(link.href.clone()) {
            self.links.push(link.href.clone());
        }
        Frame::Link {
            text_start: self.html.len(),
            plain_start: self.text.len(),
            href: link.href,
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Tag(close) => self.html.push_str(close),
            Frame::Nothing => {}
            Frame::Block(close) => {
                self.html.push_str(close);
                if matches!(tag, TagEnd::Table) {
                    self.line_end();
                }
                self.block_gap();
            }
            Frame::Container(close) => {
                self.nesting = self.nesting.saturating_sub(1);
                if matches!(tag, TagEnd::List(_)) {
                    self.list_counters.pop();
                }
                self.html.push_str(close);
                self.block_gap();
            }
            Frame::Item => {
                self.html.push_str("</li>\n");
                self.line_end();
            }
            Frame::Link {
                text_start,
                plain_start,
                href,
            } => {
                if self.html.len() == text_start {
                    escape_into(&mut self.html, &href);
                }
                self.html.push_str("</a>");
                // Plain text (e-mail) keeps the target, unless the link text
                // already is the target, as with autolinks.
                let shown = self.text.get(plain_start..).unwrap_or_default();
                let bare = href.strip_prefix("mailto:").unwrap_or(&href);
                if shown.is_empty() {
                    self.text.push_str(&href);
                } else if ![href.as_str(), bare]
                    .iter()
                    .any(|h| shown.trim_end_matches('/') == h.trim_end_matches('/'))
                {
                    let _ = write!(self.text, " ({href})");
                }
                self.in_link = false;
                self.inline_depth = self.inline_depth.saturating_sub(1);
            }
            Frame::DroppedLink => {}
            Frame::Cell {
                header,
                start,
                flushed,
            } => {
                // `<th>` and `<td>` have the same length.
                let open_len = "<td></td>".len() * flushed + "<td>".len();
                if self.html.len() == start + open_len {
                    // Still empty: take back this cell and the deferred ones.
                    self.html.truncate(start);
                    self.pending_cells = flushed + 1;
                } else {
                    for _ in 0..flushed {
                        self.text.push('\t');
                    }
                    self.html.push_str(if header { "</th>" } else { "</td>" });
                    self.text.push('\t');
                }
            }
            Frame::HtmlBlock => {
                self.html.push_str("</p>\n");
                self.block_gap();
            }
            Frame::Inline(close) => {
                self.html.push_str(close);
                self.inline_depth = self.inline_depth.saturating_sub(1);
            }
        }
        if matches!(tag, TagEnd::TableHead) {
            self.in_table_head = false;
        }
        if matches!(tag, TagEnd::TableRow | TagEnd::TableHead) {
            self.pending_cells = 0;
            if self.text.ends_with('\t') {
                self.text.pop();
            }
            self.line_end();
        }
    }

    fn enter_flat(&mut self) {
        self.flat = Some(1);
        self.flat_text.clear();
    }

    /// Inside a too-deep container: only text is collected, one line per
    /// block, and written as plain paragraphs when the container closes.
    fn flat_event(&mut self, event: Event<'_>, depth: usize) {
        match event {
            Event::Start(tag) => {
                if !is_inline(&tag.to_end()) {
                    self.flat_line_break();
                }
                self.flat = Some(depth + 1);
            }
            Event::End(tag) => {
                if !is_inline(&tag) {
                    self.flat_line_break();
                }
                if depth == 1 {
                    self.flat = None;
                    self.leave_flat();
                } else {
                    self.flat = Some(depth - 1);
                }
            }
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
            | Event::FootnoteReference(t) => self.flat_text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => self.flat_text.push('\n'),
            Event::TaskListMarker(_) => {}
        }
    }

    fn flat_line_break(&mut self) {
        if !self.flat_text.is_empty() && !self.flat_text.ends_with('\n') {
            self.flat_text.push('\n');
        }
    }

    fn leave_flat(&mut self) {
        let collected = std::mem::take(&mut self.flat_text);
        for line in collected.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.html.push_str("<p>");
            self.push_text(line);
            self.html.push_str("</p>\n");
            self.block_gap();
        }
    }
}

fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Escapes text for use both between tags and inside a double-quoted
/// attribute value.
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_rules() {
        for ok in [
            "https://example.com/a?b=c#d",
            "http://example.com",
            "mailto:someone@example.com",
            "/advisories/12",
            "/search?q=a%20b",
        ] {
            assert!(normalise_link(ok).is_some(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "//evil.example/",
            "/\\evil.example/",
            "relative/path",
            "#top",
            "https://user:pw@example.com/",
            "https:///",
            "mailto:",
            "ftp://example.com/",
        ] {
            assert!(normalise_link(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn too_large_message() {
        let err = MarkdownError::TooLarge {
            limit: 200 * 1024,
            got: 312 * 1024,
        };
        assert_eq!(
            err.to_string(),
            "The text is 312 KB; the limit is 200 KB. Shorten it or attach a file."
        );
        let err = MarkdownError::TooLarge {
            limit: 200 * 1024,
            got: 200 * 1024 + 1,
        };
        assert!(err.to_string().starts_with("The text is 201 KB"));
    }
}
