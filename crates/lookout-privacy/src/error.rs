//! The crate's one error type.

use crate::Kind;

/// Everything that can go wrong here: all of it is a caller's input that
/// cannot be honoured as given. Scrubbing itself never fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A known name (or an extra term) is empty or a single character: it
    /// would match almost everywhere, so it is refused rather than skipped
    /// (skipping it silently would let that name through).
    #[error("the {kind} name {name:?} is too short to match safely (at least 2 characters)")]
    NameTooShort {
        /// The list it came from.
        kind: Kind,
        /// The name as given.
        name: String,
    },
    /// A known domain that is not a domain name (`acme-shipping.com`,
    /// `mail.acme.gr`; a leading `@` or `*.` is accepted and dropped).
    #[error("{0:?} is not a domain name")]
    InvalidDomain(String),
    /// The lists are too large to compile into one matcher.
    #[error("the {kind} list is too large to compile: {reason}")]
    TooManyNames {
        /// The list that failed.
        kind: Kind,
        /// What the pattern compiler said.
        reason: String,
    },
    /// An extra span to remove lies outside the text or ends before it starts.
    #[error("span {start}..{end} does not fit a text of {len} characters")]
    InvalidSpan {
        /// Start, in characters.
        start: usize,
        /// End (exclusive), in characters.
        end: usize,
        /// The text's length in characters.
        len: usize,
    },
    /// A line of an evaluation corpus that is not a labelled narrative.
    #[error("corpus line {line}: {reason}")]
    Corpus {
        /// The line, from 1.
        line: usize,
        /// What the JSON reader said.
        reason: String,
    },
    /// A string that names no [`Kind`].
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    /// A statistics table whose counts do not match its labels.
    #[error(
        "a table with {rows} row labels and {cols} column labels needs {rows} rows of {cols} counts"
    )]
    TableShape {
        /// Number of row labels.
        rows: usize,
        /// Number of column labels.
        cols: usize,
    },
    /// A statistics table whose counts add up to more than a `u64` holds.
    #[error("the counts of a table add up to more than {}", u64::MAX)]
    CountOverflow,
    /// A filtered table and its unfiltered table have different labels.
    #[error("the filtered and unfiltered tables have different row or column labels")]
    FilterMismatch,
    /// A filtered count larger than the unfiltered one: the filtered table
    /// is not a restriction of the unfiltered one.
    #[error("filtered count {filtered} exceeds the unfiltered {unfiltered} at ({row:?}, {col:?})")]
    FilterExceeds {
        /// Row label.
        row: String,
        /// Column label.
        col: String,
        /// The filtered count.
        filtered: u64,
        /// The unfiltered count.
        unfiltered: u64,
    },
}
