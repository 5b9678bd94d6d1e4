//! What a knowledge-base article says, as the editors' form carries it and
//! as a version stores it, and the checks it must pass.

use serde::Serialize;

use crate::sharing::catalogue::stored_systems;
use crate::sharing::clearance::tlp_rank;

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 300;
pub const BODY_MAX: usize = 100_000;
pub const TAGS_MAX: usize = 8;
pub const REFERENCES_MAX: usize = 30;

/// Kinds of article, in the order the knowledge base lists them.
pub const KINDS: [(&str, &str, &str); 5] = [
    (
        "playbook",
        "Incident playbooks",
        "Step lists to follow during an incident",
    ),
    (
        "best-practice",
        "Best practice",
        "How members keep ships and offices safe",
    ),
    (
        "guidance",
        "Guidance",
        "Rules, reporting and how Lookout works",
    ),
    ("tool", "Tools", "Tools worth knowing, and how to use them"),
    (
        "news",
        "News",
        "Curated news for maritime security officers",
    ),
];

pub fn kind_label(id: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == id)
        .map_or("Article", |(_, label, _)| label)
}

/// Article sharing levels: RED is for named recipients, never a library.
pub const ARTICLE_TLPS: [&str; 4] = ["clear", "green", "amber", "amber-strict"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Content {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub tags: String,
    pub tlp: String,
    pub incidents: String,
    pub advisories: String,
}

/// Lower-case words of letters, digits and hyphens, each once.
pub fn normalise_tags(text: &str) -> String {
    let mut tags: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let tag: String = raw
            .trim_matches('#')
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.join(" ")
}

/// References separated by spaces, commas or semicolons, in upper case.
pub fn normalise_references(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|r| !r.is_empty())
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl crate::review::Content for Content {
    const COLUMNS: &'static str = "title, summary, body, tags, tlp, incidents, advisories";

    fn tlp_rank(&self) -> i64 {
        tlp_rank(&self.tlp).unwrap_or(3)
    }
}

impl Content {
    pub fn tag_list(&self) -> Vec<&str> {
        stored_systems(&self.tags).collect()
    }
    pub fn incident_refs(&self) -> Vec<&str> {
        stored_systems(&self.incidents).collect()
    }
    pub fn advisory_refs(&self) -> Vec<&str> {
        stored_systems(&self.advisories).collect()
    }

    /// What the form got wrong, worded for the editor; references are
    /// checked against the database by the caller.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(p) = crate::accounts::model::check_name(&self.title, "The title", TITLE_MAX) {
            problems.push(p);
        }
        if self.summary.chars().count() > SUMMARY_MAX || self.summary.contains('\0') {
            problems.push(format!(
                "Keep the summary to one sentence of up to {SUMMARY_MAX} characters."
            ));
        }
        if self.body.trim().is_empty() {
            problems.push("The article is empty: write its text.".into());
        }
        if self.body.len() > BODY_MAX || self.body.contains('\0') {
            problems.push(format!(
                "The text is longer than {BODY_MAX} characters (or holds a NUL character): \
                 split it into several articles."
            ));
        }
        if !ARTICLE_TLPS.contains(&self.tlp.as_str()) {
            problems.push("Choose a sharing level from CLEAR to AMBER+STRICT.".into());
        }
        if self.tag_list().len() > TAGS_MAX {
            problems.push(format!("Give at most {TAGS_MAX} tags."));
        }
        if self.incident_refs().len() + self.advisory_refs().len() > REFERENCES_MAX {
            problems.push(format!(
                "Relate at most {REFERENCES_MAX} incidents and advisories."
            ));
        }
        problems
    }
}

/// The editors' form: the content, the kind and address (new articles),
/// and the button pressed.
#[derive(Clone, Debug, Default)]
pub struct ArticleForm {
    pub content: Content,
    pub kind: String,
    pub slug: String,
    pub action: String,
}

impl ArticleForm {
    pub fn from_form(body: &[u8]) -> ArticleForm {
        let mut form = ArticleForm::default();
        for (key, value) in url::form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "title" => form.content.title = value.trim().to_string(),
                "summary" => form.content.summary = value.trim().to_string(),
                "body" => form.content.body = value,
                "tags" => form.content.tags = normalise_tags(&value),
                "tlp" => form.content.tlp = value,
                "incidents" => form.content.incidents = normalise_references(&value),
                "advisories" => form.content.advisories = normalise_references(&value),
                "kind" => form.kind = value,
                "slug" => form.slug = value.trim().to_lowercase(),
                "action" => form.action = value,
                _ => {}
            }
        }
        form
    }

    /// Problems with a new article's kind and address.
    pub fn new_article_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !KINDS.iter().any(|(k, _, _)| *k == self.kind) {
            problems.push(
                "Choose what kind of article it is: playbook, best practice, guidance, tool or \
                 news."
                    .into(),
            );
        }
        let ok = !self.slug.is_empty()
            && self.slug.len() <= 80
            && self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            problems.push(
                "Give the article an address of up to 80 lower-case letters, digits and hyphens, \
                 like ransomware-on-shore-it."
                    .into(),
            );
        }
        problems
    }
}

/// An address from a title: `Ransomware on shore IT` → `ransomware-on-shore-it`.
pub fn slug_of(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = words.join("-");
    slug.truncate(80);
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_references_are_normalised() {
        assert_eq!(
            normalise_tags("Ransomware, #shore-IT  ransomware; ot"),
            "ransomware shore-it ot"
        );
        assert_eq!(
            normalise_references("inc-2026-0001, ADV-2026-0002;x"),
            "INC-2026-0001 ADV-2026-0002 X"
        );
        assert_eq!(
            slug_of("GNSS spoofing: what to do?"),
            "gnss-spoofing-what-to-do"
        );
    }

    #[test]
    fn an_article_needs_a_title_text_and_a_forum_level() {
        let content = Content {
            title: " ".into(),
            body: "".into(),
            tlp: "red".into(),
            ..Content::default()
        };
        assert_eq!(content.problems().len(), 3);
        let form = ArticleForm {
            kind: "rumour".into(),
            slug: "Bad Slug".into(),
            ..ArticleForm::default()
        };
        assert_eq!(form.new_article_problems().len(), 2);
    }
}
