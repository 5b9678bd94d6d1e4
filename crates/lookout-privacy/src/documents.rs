//! Numbers that name one person or one company's case: passports,
//! seaman's books and seafarers' identity documents, employee, staff and
//! badge numbers, internal case and ticket numbers. Found after their cue
//! word ("passport no.", "seaman's book", "badge ID", "case #"), and only
//! when the value holds a digit, so "case closed" or "badge reader" stay.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};

static ID_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?-u:\b)(?:passport|seam[ae]n'?s?\s+book|seafarer'?s?\s+(?:id|identity\s+document)
           |discharge\s+book|cdc|sid|employee|staff|badge|personnel|case|ticket)
        (?:\s*(?:no\.?|nr\.?|number|num\.?|id|\#|ref\.?|:))*\s*[:\#]?\s*
        ([a-z]{0,3}-?[0-9][a-z0-9/-]{2,18}[a-z0-9])(?-u:\b)",
    )
    .expect("ID number pattern compiles")
});

pub(crate) fn detect(text: &str, protected: &Intervals, out: &mut Vec<Candidate>) {
    for found in ID_NUMBER.captures_iter(text) {
        let Some(value) = found.get(1) else { continue };
        if !protected.overlaps(value.start(), value.end()) {
            out.push(Candidate::new(value.start(), value.end(), Kind::IdNumber));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect;

    fn found(text: &str) -> Vec<&str> {
        let protected = protect::spans(text, &[]);
        let mut out = Vec::new();
        detect(text, &protected, &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn numbers_after_their_cue_go() {
        assert_eq!(
            found("Passport no. P1234567 of the master"),
            vec!["P1234567"]
        );
        assert_eq!(found("seaman's book no. C0123456"), vec!["C0123456"]);
        assert_eq!(found("Seamans Book: AB-00123"), vec!["AB-00123"]);
        assert_eq!(
            found("badge ID 44812 and case #2023-117"),
            vec!["44812", "2023-117"]
        );
        assert_eq!(found("employee number E10442 logged in"), vec!["E10442"]);
        assert_eq!(
            found("our ticket INC0012345 was raised"),
            vec!["INC0012345"]
        );
    }

    #[test]
    fn words_and_short_counts_after_a_cue_stay() {
        assert!(found("the case was closed; badge reader at the gangway").is_empty());
        assert!(found("staff 12 on board, passport checks done").is_empty());
        assert!(found("in case of fire").is_empty());
    }
}
