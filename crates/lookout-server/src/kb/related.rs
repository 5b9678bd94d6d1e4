//! "See also" under an incident or an advisory: where a reader goes next
//! about the same kind of incident (others like it, their figures, the
//! playbooks that apply, the forum, a report of their own) and a search
//! for each indicator, so that no page is a dead end. Only links: what
//! each leads to checks the reader's access itself.

use super::store::{self, Listed};
use crate::db::Db;
use crate::sharing::catalogue;
use crate::sharing::sea_areas;

/// Indicators offered for a search, at most.
const INDICATORS: usize = 10;
/// Playbooks listed, at most.
const PLAYBOOKS: usize = 3;

/// Words of a class label too common to pick a playbook by.
const COMMON: [&str; 16] = [
    "attempt",
    "board",
    "change",
    "code",
    "compromise",
    "configuration",
    "content",
    "cyber",
    "harmful",
    "incident",
    "information",
    "other",
    "security",
    "system",
    "unauthorised",
    "weak",
];

pub struct SeeAlso {
    pub class: Option<(&'static str, &'static str)>,
    pub sea_area: Option<(&'static str, &'static str)>,
    pub playbooks: Vec<Listed>,
    pub indicators: Vec<String>,
}

impl SeeAlso {
    /// What to offer about an incident of `class` in `sea_area` (ids; an
    /// unknown or empty one is left out) with `indicators` one a line, for
    /// a reader who reads up to `max_rank`.
    pub async fn about(
        db: &Db,
        max_rank: i64,
        class: &str,
        sea_area: &str,
        indicators: &str,
    ) -> Result<SeeAlso, sqlx::Error> {
        let class = catalogue::class_by_id(class).map(|c| (c.id, c.label));
        let sea_area = sea_areas::by_id(sea_area).map(|a| (a.id, a.name));
        let playbooks = match class {
            Some((_, label)) => playbooks_about(db, max_rank, label).await?,
            None => Vec::new(),
        };
        let indicators = indicators
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| line.chars().take(200).collect())
            .take(INDICATORS)
            .collect();
        Ok(SeeAlso {
            class,
            sea_area,
            playbooks,
            indicators,
        })
    }

    /// A query string of `pairs`, encoded.
    fn query(pairs: &[(&str, &str)]) -> String {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            url.append_pair(key, value);
        }
        url.finish()
    }

    pub fn incidents_link(&self, with_area: bool) -> String {
        let mut pairs = Vec::new();
        if let Some((id, _)) = self.class {
            pairs.push(("class", id));
        }
        if let (true, Some((id, _))) = (with_area, self.sea_area) {
            pairs.push(("sea_area", id));
        }
        format!("/incidents?{}", Self::query(&pairs))
    }

    pub fn stats_link(&self, by_area: bool) -> String {
        match (by_area, self.class, self.sea_area) {
            (true, _, Some((id, _))) => format!("/stats?{}", Self::query(&[("sea_area", id)])),
            (false, Some((id, _)), _) => format!("/stats?{}", Self::query(&[("class", id)])),
            _ => "/stats".into(),
        }
    }

    pub fn forum_link(&self) -> Option<String> {
        let (_, label) = self.class?;
        // The label's first words, before any bracket: "Malicious code".
        let words = label.split('(').next().unwrap_or(label).replace('/', " ");
        Some(format!(
            "/search?{}",
            Self::query(&[("scope", "forum"), ("q", words.trim())])
        ))
    }

    pub fn report_link(&self) -> String {
        let mut pairs = Vec::new();
        if let Some((id, _)) = self.class {
            pairs.push(("class", id));
        }
        if let Some((id, _)) = self.sea_area {
            pairs.push(("sea_area", id));
        }
        format!("/report?{}", Self::query(&pairs))
    }

    pub fn search_link(&self, indicator: &str) -> String {
        format!("/search?{}", Self::query(&[("q", indicator)]))
    }
}

/// Published playbooks the reader may open whose title or tags share a
/// word with `topic` (a class label such as "GNSS spoofing"), newest first.
pub async fn playbooks_about(
    db: &Db,
    max_rank: i64,
    topic: &str,
) -> Result<Vec<Listed>, sqlx::Error> {
    let words = topic_words(topic);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store::list_published(db, max_rank, Some("playbook"), None)
        .await?
        .into_iter()
        .filter(|article| {
            let text = format!("{} {}", article.title, article.tags);
            topic_words(&text).iter().any(|w| words.contains(w))
        })
        .take(PLAYBOOKS)
        .collect())
}

/// The telling words of `text`, lower case: four letters or more, not in
/// [`COMMON`].
fn topic_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !COMMON.contains(w))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_is_known_by_its_telling_words() {
        assert_eq!(topic_words("GNSS spoofing"), ["gnss", "spoofing"]);
        assert_eq!(
            topic_words("ECDIS / bridge system compromise"),
            ["ecdis", "bridge"]
        );
        assert!(topic_words("Other cyber incident").is_empty());
    }
}
