//! Scoring a scrubber against a labelled corpus, so that this crate and
//! other tools (Presidio, scrubadub) are measured by the same rules.
//!
//! A corpus is JSON Lines, one [`Narrative`] a line: the text as a reporter
//! would type it, the identifiers it holds (each a verbatim substring, with
//! its [`Kind`]) and the indicators that must survive. The corpus in
//! `tests/eval/` and its README say how it was written and split.
//!
//! The rules, for any tool that reports the character spans it removes:
//! - an identifier is *removed* when every word-bounded occurrence of its
//!   value in the text is covered, character by character, by removed
//!   spans (the same name left once elsewhere still names the person);
//! - an indicator is *kept* when no occurrence of it shares a character
//!   with a removed span;
//! - *over-removal* is the share of removed characters that lie in no
//!   occurrence of any identifier: what a tool takes that was not asked.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Error, Kind, iban_ok, imo_checksum_ok};

/// One labelled narrative.
#[derive(Debug, Clone, Deserialize)]
pub struct Narrative {
    /// Unique within the corpus, e.g. `w3-017`.
    pub id: String,
    /// Who is speaking, in the writer's words (not scored).
    #[serde(default)]
    pub voice: String,
    /// The narrative as typed.
    pub text: String,
    /// What must be removed.
    pub identifiers: Vec<Labelled>,
    /// What must stay verbatim.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// An identifier and its kind.
#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    /// What it is.
    pub kind: Kind,
    /// A verbatim substring of the narrative.
    pub value: String,
}

/// Reads a JSON Lines corpus; blank lines are skipped.
///
/// # Errors
///
/// [`Error::Corpus`] naming the line that is not a narrative.
pub fn read_corpus(jsonl: &str) -> Result<Vec<Narrative>, Error> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::Corpus {
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

impl Narrative {
    /// What is wrong with the labels, checked mechanically: every value a
    /// verbatim substring, no identifier inside an indicator or the other
    /// way round, IMO numbers and IBANs with valid check digits.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for l in &self.identifiers {
            if l.value.trim().is_empty() || !self.text.contains(&l.value) {
                out.push(format!("{} {:?} is not in the text", l.kind, l.value));
            }
            if let Some(ioc) = self
                .indicators
                .iter()
                .find(|i| i.contains(&l.value) || l.value.contains(i.as_str()))
            {
                out.push(format!(
                    "{} {:?} overlaps indicator {ioc:?}",
                    l.kind, l.value
                ));
            }
            let digits: String = l.value.chars().filter(char::is_ascii_digit).collect();
            if l.kind == Kind::Imo && !(digits.len() == 7 && imo_checksum_ok(&digits)) {
                out.push(format!("IMO number {:?} has a wrong check digit", l.value));
            }
            let compact: String = l.value.chars().filter(|c| !c.is_whitespace()).collect();
            let looks_iban = compact.len() >= 15
                && compact.chars().take(2).all(|c| c.is_ascii_uppercase())
                && compact.chars().skip(2).take(2).all(|c| c.is_ascii_digit());
            if l.kind == Kind::BankAccount && looks_iban && !iban_ok(&compact) {
                out.push(format!("IBAN {:?} has wrong check digits", l.value));
            }
        }
        for i in &self.indicators {
            if i.trim().is_empty() || !self.text.contains(i.as_str()) {
                out.push(format!("indicator {i:?} is not in the text"));
            }
        }
        out
    }
}

/// Character spans (start, end exclusive) of `value` in `text` that are
/// not glued to a letter or digit on either side; every occurrence when
/// none is.
#[must_use]
pub fn occurrences(text: &str, value: &str) -> Vec<(usize, usize)> {
    if value.is_empty() {
        return Vec::new();
    }
    let len = value.chars().count();
    let mut all = Vec::new();
    let mut bounded = Vec::new();
    let mut chars = 0;
    let mut last = 0;
    for (b, _) in text.match_indices(value) {
        chars += text[last..b].chars().count();
        last = b;
        let before = text[..b].chars().next_back();
        let after = text[b + value.len()..].chars().next();
        let glued_before =
            value.starts_with(char::is_alphanumeric) && before.is_some_and(char::is_alphanumeric);
        let glued_after =
            value.ends_with(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric);
        all.push((chars, chars + len));
        if !glued_before && !glued_after {
            bounded.push((chars, chars + len));
        }
    }
    if bounded.is_empty() { all } else { bounded }
}

/// How many of something were expected and how many came out right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Labelled.
    pub expected: usize,
    /// Removed (identifiers) or kept (indicators).
    pub right: usize,
}

impl Tally {
    /// `right / expected`, 1 for nothing expected.
    #[must_use]
    pub fn ratio(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.right as f64 / self.expected as f64
        }
    }
}

/// A tool's figures over a corpus.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Narratives scored.
    pub narratives: usize,
    /// Identifiers removed, by kind.
    pub per_kind: BTreeMap<Kind, Tally>,
    /// Indicators kept.
    pub indicators: Tally,
    /// Characters removed in all.
    pub removed_chars: usize,
    /// Of those, characters in no identifier.
    pub removed_unlabelled: usize,
    /// `id: kind "value"` for each identifier left, and `id: "indicator"`
    /// for each indicator lost. Print these for the development part only.
    pub failures: Vec<String>,
}

impl Score {
    /// Scores one narrative given the character spans a tool removed.
    pub fn add(&mut self, narrative: &Narrative, removed: &[(usize, usize)]) {
        self.narratives += 1;
        let mut removed: Vec<(usize, usize)> =
            removed.iter().copied().filter(|(s, e)| s < e).collect();
        removed.sort_unstable();
        let covered = |s: usize, e: usize| -> usize {
            // `removed` may overlap itself: count each character once.
            let mut n = 0;
            let mut at = s;
            for &(rs, re) in &removed {
                let (lo, hi) = (rs.max(at), re.min(e));
                if lo < hi {
                    n += hi - lo;
                    at = hi;
                }
            }
            n
        };
        let mut labelled: Vec<(usize, usize)> = Vec::new();
        for l in &narrative.identifiers {
            let spans = occurrences(&narrative.text, &l.value);
            let gone = !spans.is_empty() && spans.iter().all(|&(s, e)| covered(s, e) == e - s);
            let t = self.per_kind.entry(l.kind).or_default();
            t.expected += 1;
            if gone {
                t.right += 1;
            } else {
                self.failures
                    .push(format!("{}: {} {:?}", narrative.id, l.kind, l.value));
            }
            labelled.extend(spans);
        }
        for i in &narrative.indicators {
            let spans = occurrences(&narrative.text, i);
            self.indicators.expected += 1;
            if spans.iter().all(|&(s, e)| covered(s, e) == 0) {
                self.indicators.right += 1;
            } else {
                self.failures
                    .push(format!("{}: indicator {i:?}", narrative.id));
            }
        }
        // Removed characters outside every labelled span.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in removed {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        labelled.sort_unstable();
        for (s, e) in merged {
            self.removed_chars += e - s;
            let inside: usize = (s..e)
                .filter(|&c| labelled.iter().any(|&(ls, le)| ls <= c && c < le))
                .count();
            self.removed_unlabelled += (e - s) - inside;
        }
    }

    /// Identifiers removed, all kinds together.
    #[must_use]
    pub fn overall(&self) -> Tally {
        self.per_kind.values().fold(Tally::default(), |a, t| Tally {
            expected: a.expected + t.expected,
            right: a.right + t.right,
        })
    }

    /// The share of removed characters that were in no identifier.
    #[must_use]
    pub fn over_removal(&self) -> f64 {
        if self.removed_chars == 0 {
            0.0
        } else {
            self.removed_unlabelled as f64 / self.removed_chars as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrative(text: &str, ids: &[(Kind, &str)], iocs: &[&str]) -> Narrative {
        Narrative {
            id: "t".into(),
            voice: String::new(),
            text: text.into(),
            identifiers: ids
                .iter()
                .map(|&(kind, v)| Labelled {
                    kind,
                    value: v.into(),
                })
                .collect(),
            indicators: iocs.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    #[test]
    fn occurrences_skip_words_that_merely_contain_the_value() {
        assert_eq!(
            occurrences("Li went to Limassol; Li.", "Li"),
            vec![(0, 2), (21, 23)]
        );
        assert_eq!(occurrences("Ζωή και Ζωή", "Ζωή"), vec![(0, 3), (8, 11)]);
        assert_eq!(occurrences("Limassol", "Li"), vec![(0, 2)]);
    }

    #[test]
    fn an_identifier_left_once_is_not_removed() {
        let n = narrative(
            "Ivan called. Later Ivan left.",
            &[(Kind::Person, "Ivan")],
            &[],
        );
        let mut once = Score::default();
        once.add(&n, &[(0, 4)]);
        assert_eq!(
            once.per_kind[&Kind::Person],
            Tally {
                expected: 1,
                right: 0
            }
        );
        let mut both = Score::default();
        both.add(&n, &[(0, 4), (19, 23)]);
        assert_eq!(
            both.per_kind[&Kind::Person],
            Tally {
                expected: 1,
                right: 1
            }
        );
        assert_eq!(both.over_removal(), 0.0);
    }

    #[test]
    fn a_touched_indicator_is_lost_and_extra_removal_is_counted() {
        let n = narrative(
            "from 185.220.101.4 to Ivan",
            &[(Kind::Person, "Ivan")],
            &["185.220.101.4"],
        );
        let mut s = Score::default();
        s.add(&n, &[(5, 8), (22, 26)]);
        assert_eq!(
            s.indicators,
            Tally {
                expected: 1,
                right: 0
            }
        );
        assert_eq!(s.removed_chars, 7);
        assert_eq!(s.removed_unlabelled, 3);
    }

    #[test]
    fn labels_are_checked_mechanically() {
        let n = narrative(
            "IMO 9321484, GB82 WEST 1234 5698 7654 33 at x.com",
            &[
                (Kind::Imo, "9321484"),
                (Kind::BankAccount, "GB82 WEST 1234 5698 7654 33"),
                (Kind::Person, "Bob"),
            ],
            &["x.com"],
        );
        let p = n.problems();
        assert_eq!(p.len(), 3, "{p:?}");
    }
}
