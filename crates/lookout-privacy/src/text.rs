//! Small helpers over `&str` and byte offsets shared by the detectors.

use crate::Kind;

/// A span some detector wants removed, in bytes of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Spans the caller asked for are never dropped.
    pub extra: bool,
}

impl Candidate {
    pub(crate) const fn new(start: usize, end: usize, kind: Kind) -> Self {
        Candidate {
            start,
            end,
            kind,
            extra: false,
        }
    }
}

/// The character before byte offset `at`.
pub(crate) fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The character at byte offset `at`.
pub(crate) fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Letters, digits and `_`: what `\b` calls a word character.
pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when `c` is a word character (`None`, the text's edge, is not).
pub(crate) fn word_at(c: Option<char>) -> bool {
    c.is_some_and(is_word)
}

/// The run of letters and digits that ends `before` ("... passport" →
/// "passport"), as written.
pub(crate) fn last_word(before: &str) -> &str {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(before.len(), |(i, _)| i);
    &before[start..]
}

/// The largest char boundary at or below `at`.
pub(crate) fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Sorted, merged byte intervals that weak detectors must not touch.
#[derive(Debug, Default)]
pub(crate) struct Intervals {
    spans: Vec<(usize, usize)>,
}

impl Intervals {
    pub(crate) fn from_unsorted(mut spans: Vec<(usize, usize)>) -> Self {
        spans.retain(|(s, e)| s < e);
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Intervals { spans: merged }
    }

    /// The merged intervals, sorted.
    pub(crate) fn spans(&self) -> &[(usize, usize)] {
        &self.spans
    }

    /// Does `[start, end)` share a byte with any interval?
    pub(crate) fn overlaps(&self, start: usize, end: usize) -> bool {
        // First interval whose end is past `start`.
        let i = self.spans.partition_point(|&(_, e)| e <= start);
        self.spans.get(i).is_some_and(|&(s, _)| s < end)
    }

    /// Is `[start, end)` entirely inside one interval?
    pub(crate) fn contains(&self, start: usize, end: usize) -> bool {
        let i = self.spans.partition_point(|&(_, e)| e <= start);
        self.spans
            .get(i)
            .is_some_and(|&(s, e)| s <= start && end <= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_merge_and_query() {
        let iv = Intervals::from_unsorted(vec![(10, 20), (0, 5), (15, 25), (30, 30)]);
        assert!(iv.overlaps(4, 6));
        assert!(!iv.overlaps(5, 10));
        assert!(iv.overlaps(24, 40));
        assert!(!iv.overlaps(25, 40));
        assert!(iv.contains(11, 25));
        assert!(!iv.contains(3, 6));
    }
}
