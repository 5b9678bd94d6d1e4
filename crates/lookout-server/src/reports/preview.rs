//! The reporter's scrubbed preview. Before sending, a reporter sees their
//! narrative and indicators as the scrubber leaves them, with every
//! replacement marked, and can name more words to remove. An anonymous
//! report is stored scrubbed this way (never less: the reporter can only
//! add removals); reports under a name keep the original for analysts,
//! who write the sanitised incident from it.

use lookout_privacy::{Extra, KnownNames, Scrubbed};

use super::model::ReportForm;

/// A piece of scrubbed text: either kept as written or a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub replaced: bool,
}

/// The reporter's own words to remove, one a line.
pub fn extra_terms(form: &ReportForm) -> Vec<String> {
    terms(&form.scrub_terms)
}

/// Words to remove as a reporter types them, one a line (blank lines
/// skipped): for the report and for their answers later.
pub fn terms(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Scrubs one text with the directory and the reporter's extra terms.
/// `indicators` is what the reporter listed as indicators: an e-mail
/// address or number there is the attacker's and stays in both fields.
pub fn scrub(
    text: &str,
    known: &KnownNames,
    terms: &[String],
    indicators: &str,
) -> Result<Scrubbed, String> {
    let extra = Extra {
        spans: Vec::new(),
        terms: terms.to_vec(),
        indicators: vec![indicators.to_string()],
    };
    lookout_privacy::scrub_with_extra(text, known, &extra).map_err(|err| {
        format!("Words to remove: {err}. Give each word or phrase on its own line, two characters or more.")
    })
}

/// The scrubbed text cut at its placeholders, for marking them.
pub fn segments(input: &str, scrubbed: &Scrubbed) -> Vec<Segment> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for finding in &scrubbed.findings {
        let start = finding.start.min(chars.len());
        if start > at {
            out.push(Segment {
                text: chars[at..start].iter().collect(),
                replaced: false,
            });
        }
        out.push(Segment {
            text: finding.kind.placeholder().to_string(),
            replaced: true,
        });
        at = finding.end.min(chars.len()).max(start);
    }
    if at < chars.len() {
        out.push(Segment {
            text: chars[at..].iter().collect(),
            replaced: false,
        });
    }
    out
}

/// What the preview shows.
#[derive(Clone, Debug, Default)]
pub struct Preview {
    pub narrative: Vec<Segment>,
    pub indicators: Vec<Segment>,
    pub removed: usize,
    /// Whether the member directory's names were applied. A visitor who is
    /// not signed in is shown the patterns only: a preview that marked
    /// member names would tell a stranger who is a member.
    pub with_directory: bool,
}

/// The preview for `known`: the directory for a signed-in member, nothing
/// (patterns only) for anyone else. What is stored is scrubbed with the
/// directory either way ([`scrubbed_form`]), so never less than was shown.
pub fn preview(form: &ReportForm, known: Option<&KnownNames>) -> Result<Preview, String> {
    let terms = extra_terms(form);
    let nobody = KnownNames::empty();
    let names = known.unwrap_or(&nobody);
    let narrative = scrub(&form.narrative, names, &terms, &form.indicators)?;
    let indicators = scrub(&form.indicators, names, &terms, &form.indicators)?;
    Ok(Preview {
        with_directory: known.is_some(),
        removed: narrative.findings.len() + indicators.findings.len(),
        narrative: segments(&form.narrative, &narrative),
        indicators: segments(&form.indicators, &indicators),
    })
}

/// The form as an anonymous report is stored: narrative and indicators
/// scrubbed, the reporter's extra terms gone with them.
pub fn scrubbed_form(form: &ReportForm, known: &KnownNames) -> Result<ReportForm, String> {
    let terms = extra_terms(form);
    Ok(ReportForm {
        narrative: scrub(&form.narrative, known, &terms, &form.indicators)?.text,
        indicators: scrub(&form.indicators, known, &terms, &form.indicators)?.text,
        scrub_terms: String::new(),
        membership_token: String::new(),
        ..form.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> KnownNames {
        KnownNames::new(lookout_privacy::NameLists {
            organisations: vec!["Northwind Tankers".into()],
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn segments_mark_each_placeholder() {
        let input = "Write to ops@northwind.example about Northwind Tankers.";
        let scrubbed = lookout_privacy::scrub(input, &known());
        let segs = segments(input, &scrubbed);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, scrubbed.text);
        assert_eq!(segs.iter().filter(|s| s.replaced).count(), 2);
    }

    #[test]
    fn the_reporter_can_remove_more_but_not_less() {
        let form = ReportForm {
            narrative: "The bosun Zebedee saw it. Mail ops@northwind.example".into(),
            scrub_terms: "Zebedee\n\n".into(),
            ..ReportForm::default()
        };
        let stored = scrubbed_form(&form, &known()).unwrap();
        assert!(!stored.narrative.contains("Zebedee"));
        assert!(!stored.narrative.contains("ops@"));
        assert!(stored.scrub_terms.is_empty());
        let bad = ReportForm {
            scrub_terms: "Z".into(),
            ..form
        };
        assert!(scrubbed_form(&bad, &known()).is_err());
    }
}
