//! The one error type. Each message is shown to the editor who pasted the
//! address, so it says what happened and what to do, in that order.

/// Why a document could not be read as a feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    #[error(
        "The address returned an empty document. Check that the address is the feed itself; \
         if it is, the site may be having trouble, so try again later."
    )]
    Empty,

    #[error(
        "The feed is {}; Lookout reads at most {} of a feed. Ask the publisher for a shorter \
         feed or a category feed.",
        size_text(*.size),
        size_text(*.limit)
    )]
    TooLarge { size: usize, limit: usize },

    #[error(
        "The feed is written in the character encoding \u{201c}{label}\u{201d}, which Lookout \
         cannot read. Ask the publisher to serve the feed as UTF-8."
    )]
    UnsupportedEncoding { label: String },

    #[error(
        "This is not well-formed XML (line {line}, column {column}): {detail}. Check that the \
         address is the feed itself, not a web page; if it is, tell the publisher their feed \
         is broken."
    )]
    NotXml {
        line: u64,
        column: u64,
        detail: String,
    },

    #[error(
        "The feed stops in the middle (line {line}, column {column}): the download was cut \
         short or the publisher's server sent an incomplete file. Try again later; if it keeps \
         happening, tell the publisher."
    )]
    Truncated { line: u64, column: u64 },

    #[error(
        "The document is <{root}>, not an RSS or Atom feed: the address may be a web page; \
         look for its RSS or Atom link."
    )]
    NotAFeed { root: String },

    #[error(
        "The address returned JSON (perhaps a JSON Feed), not an RSS or Atom feed. Look for \
         the site's RSS or Atom link."
    )]
    Json,

    #[error(
        "The feed nests elements more than {limit} deep (line {line}, column {column}), which \
         no real feed needs, so Lookout stops reading there. Ask the publisher to check the \
         feed, or use another of their feeds."
    )]
    TooDeep {
        limit: usize,
        line: u64,
        column: u64,
    },

    #[error(
        "The feed declares more than {limit} XML namespaces at once (line {line}, column \
         {column}), which no real feed needs, so Lookout stops reading there. Ask the \
         publisher to check the feed."
    )]
    TooManyNamespaces {
        limit: usize,
        line: u64,
        column: u64,
    },

    #[error(
        "The feed declares its own entities (a <!DOCTYPE> with an internal subset or an \
         <!ENTITY>, line {line}, column {column}). Lookout never expands them, because they \
         can make a small file explode in memory. Ask the publisher to remove the DOCTYPE \
         declaration from the feed."
    )]
    EntityDeclaration { line: u64, column: u64 },
}

/// "5.3 MB", "2 MB", "800 KB": editors think in decimal-looking units, the
/// limit is binary, and the example in the brief reads 2 MiB as "2 MB".
fn size_text(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    // Precision loss above 2^53 bytes does not matter for one decimal.
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    let (value, unit) = if b >= KIB * KIB {
        (b / (KIB * KIB), "MB")
    } else if b >= KIB {
        (b / KIB, "KB")
    } else {
        return format!("{bytes} bytes");
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_text(2 * 1024 * 1024), "2 MB");
        assert_eq!(size_text(5_557_453), "5.3 MB");
        assert_eq!(size_text(800 * 1024), "800 KB");
        assert_eq!(size_text(12), "12 bytes");
    }

    #[test]
    fn too_large_message_matches_the_wording_editors_see() {
        let e = FeedError::TooLarge {
            size: 5_557_453,
            limit: 2 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "The feed is 5.3 MB; Lookout reads at most 2 MB of a feed. Ask the publisher for a \
             shorter feed or a category feed."
        );
    }
}
