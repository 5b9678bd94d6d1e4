//! The last step every title, summary and id goes through.

use sha2::{Digest, Sha256};

/// Shown for an item with neither title nor summary.
pub(crate) const UNTITLED: &str = "(untitled)";

/// How many words of the summary stand in for a missing title.
const FALLBACK_TITLE_WORDS: usize = 12;
/// And at most how many characters of them.
pub(crate) const FALLBACK_TITLE_CHARS: usize = 80;

/// Characters dropped from all text: C0/C1 controls (PostgreSQL refuses NUL,
/// the rest garble logs and terminals), the bidi embeddings, overrides and
/// isolates that can make a title read backwards ("Trojan Source"), and
/// stray byte order marks, and noncharacters (U+FFFE, U+FFFF, …), which no
/// text means.
pub(crate) fn is_unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        || matches!(c, '\u{FDD0}'..='\u{FDEF}')
        || (u32::from(c) & 0xFFFE) == 0xFFFE
}

/// Where reduced text is written, one character at a time: it collapses
/// whitespace, drops unwanted characters, trims, and turns every `<` that
/// could open a tag (`<a`, `</`, `<!`, `<?`) into `＜`. Text that says
/// "a < b" keeps its `<`; text that says "<script>" because a publisher
/// escaped it twice can never become markup downstream.
///
/// It keeps only the first `keep` characters, so a 2 MiB description costs
/// no 2 MiB copy; everything it is given still goes into the optional
/// hasher, so an id hashed from the text does not depend on the limits.
pub(crate) struct Sink<'h> {
    kept: String,
    chars: usize,
    keep: usize,
    space: bool,
    lt: bool,
    hasher: Option<&'h mut Sha256>,
    /// Hashed in chunks: one `update` per character would dominate.
    staged: String,
}

impl<'h> Sink<'h> {
    pub(crate) fn new(keep: usize, hasher: Option<&'h mut Sha256>) -> Self {
        Self {
            kept: String::new(),
            chars: 0,
            keep,
            space: false,
            lt: false,
            hasher,
            staged: String::new(),
        }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    pub(crate) fn push(&mut self, c: char) {
        if c.is_whitespace() {
            if self.lt {
                self.lt = false;
                self.emit('<');
            }
            self.space = self.chars > 0;
        } else if is_unwanted(c) {
            // Dropped without ending a pending `<`: a control between `<`
            // and a letter must not hide the pair.
        } else if self.lt {
            self.lt = false;
            let opens_tag = c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?');
            self.emit(if opens_tag { '\u{FF1C}' } else { '<' });
            self.push(c);
        } else if c == '<' {
            self.lt = true;
        } else {
            self.emit(c);
        }
    }

    fn emit(&mut self, c: char) {
        if self.space {
            self.space = false;
            self.emit(' ');
        }
        if self.chars < self.keep {
            self.kept.push(c);
        }
        self.chars += 1;
        if self.hasher.is_some() {
            self.staged.push(c);
            if self.staged.len() >= 8192 {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        if let Some(h) = self.hasher.as_deref_mut() {
            h.update(self.staged.as_bytes());
        }
        self.staged.clear();
    }

    /// The text kept: at most `keep` characters of the cleaned whole.
    pub(crate) fn finish(mut self) -> String {
        if self.lt {
            self.lt = false;
            self.emit('<');
        }
        self.flush();
        self.kept
    }
}

/// The whole of `s`, cleaned, for tests and short fields.
#[cfg(test)]
pub(crate) fn clean(s: &str) -> String {
    let mut sink = Sink::new(usize::MAX, None);
    sink.push_str(s);
    sink.finish()
}

/// Cuts `s` (already clean) to at most `max` characters, "…" included,
/// preferring a word boundary close to the limit.
pub(crate) fn bound(s: String, max: usize) -> String {
    if s.chars().count() <= max {
        return s;
    }
    if max == 0 {
        return String::new();
    }
    let keep = max - 1;
    // Byte offset of the first char past `keep`; exists because the string
    // has more than `max` chars.
    let hard = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    let head = &s[..hard];
    // Back off to a space if one is near: "Tanker boarded off…" reads better
    // than "Tanker boarded off Sa…".
    let cut = match head.rfind(' ') {
        Some(i) if head[i..].chars().count() <= 20 && i > 0 => &head[..i],
        _ => head,
    };
    let mut out = cut.trim_end().to_owned();
    out.push('\u{2026}');
    out
}

/// The first words of a (clean) summary, to stand in for a missing title.
pub(crate) fn first_words(summary: &str, max: usize) -> String {
    let mut words = summary.split(' ');
    let mut out = String::new();
    let mut cut = false;
    for (n, word) in words.by_ref().enumerate() {
        if n == FALLBACK_TITLE_WORDS {
            cut = true;
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let limit = max.min(FALLBACK_TITLE_CHARS);
    if out.chars().count() > limit {
        return bound(out, limit);
    }
    if cut && limit > out.chars().count() {
        out.push('\u{2026}');
    }
    bound(out, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sink_keeps_a_prefix_and_hashes_everything() {
        let mut h = Sha256::new();
        let mut sink = Sink::new(3, Some(&mut h));
        sink.push_str("  ab  cd <b ");
        assert_eq!(sink.finish(), "ab ");
        assert_eq!(
            h.finalize().as_slice(),
            Sha256::digest("ab cd \u{FF1C}b").as_slice()
        );
    }

    #[test]
    fn clean_collapses_and_strips() {
        assert_eq!(clean("  a\t\n b\u{0}c\u{202E}d\u{a0}e  "), "a bcd e");
        assert_eq!(clean("x < y, 5<7, <3"), "x < y, 5<7, <3");
        assert_eq!(clean("<script>"), "\u{FF1C}script>");
        assert_eq!(clean("<\u{1}script"), "\u{FF1C}script");
        assert_eq!(
            clean("a </b> <!x <?p"),
            "a \u{FF1C}/b> \u{FF1C}!x \u{FF1C}?p"
        );
    }

    #[test]
    fn bound_cuts_on_chars_and_words() {
        assert_eq!(bound("short".into(), 10), "short");
        assert_eq!(bound("ééééé".into(), 3), "éé\u{2026}");
        assert_eq!(
            bound("Tanker boarded off Santos".into(), 22),
            "Tanker boarded off\u{2026}"
        );
        assert_eq!(bound("abc".into(), 0), "");
        assert_eq!(bound("abc".into(), 1), "\u{2026}");
    }

    #[test]
    fn first_words_stands_in_for_a_title() {
        assert_eq!(first_words("Port closed.", 300), "Port closed.");
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen";
        assert_eq!(
            first_words(long, 300),
            "one two three four five six seven eight nine ten eleven twelve\u{2026}"
        );
        assert!(first_words(long, 10).chars().count() <= 10);
    }
}
