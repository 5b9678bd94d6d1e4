//! One search across forum posts, knowledge-base articles, incidents and
//! advisories (`docs/search.md`). The documents live in the database
//! (`search_documents`), so every server process searches the same index:
//! SQLite's FTS5 or PostgreSQL's full-text search, the only SQL in the
//! portal written twice. A reader finds only what the pages would show
//! them: each kind's rule is applied in the query itself.

pub mod index;
pub mod indicators;
pub mod store;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use lookout_indicators::ObservableKind;

use self::store::{Hit, Search, find};
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/search", axum::routing::get(page))
}

/// Words a search may hold: more narrows nothing useful and costs time.
const MAX_TERMS: usize = 12;
const PER_PAGE: i64 = 20;

/// The filters on the search page: (id, label, document kind).
pub const SCOPES: [(&str, &str, &str); 4] = [
    ("forum", "Forum", "post"),
    ("kb", "Knowledge base", "article"),
    ("incidents", "Incidents", "incident"),
    ("advisories", "Advisories", "advisory"),
];

/// The words of a query, lower case, each a run of letters and digits: the
/// only thing of the reader's text that reaches the full-text syntax, so
/// no query can be malformed or inject operators.
pub fn terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        // Lower-casing can add combining marks (`İ` → `i̇`): keep only
        // letters and digits.
        let word: String = word
            .chars()
            .take(64)
            .flat_map(char::to_lowercase)
            .filter(|c| c.is_alphanumeric())
            .take(64)
            .collect();
        if !word.is_empty() && !terms.contains(&word) {
            terms.push(word);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    scope: String,
    page: i64,
}

/// Results of one kind: everything searched at once shows the best few of
/// each kind (600 similar incidents must not bury the one playbook).
struct Section {
    scope: &'static str,
    label: &'static str,
    hits: Vec<Alike>,
    has_more: bool,
}

/// A hit and how many more of the same kind and title followed it: six
/// demo incidents titled "Phishing e-mail to the crew" are one line, not
/// six that look the same.
struct Alike {
    hit: Hit,
    more: usize,
}

impl Alike {
    /// Where the reader sees all of them, when there is such a list.
    fn all_link(&self) -> Option<String> {
        (self.hit.kind == "incident").then(|| {
            let title: String =
                url::form_urlencoded::byte_serialize(self.hit.title.as_bytes()).collect();
            format!("/incidents?q={title}")
        })
    }
}

/// `hits` with each run of the same kind and title folded into its first.
fn fold_alike(hits: Vec<Hit>) -> Vec<Alike> {
    let mut folded: Vec<Alike> = Vec::new();
    for hit in hits {
        match folded
            .iter_mut()
            .find(|a| a.hit.kind == hit.kind && a.hit.title == hit.title)
        {
            Some(first) => first.more += 1,
            None => folded.push(Alike { hit, more: 0 }),
        }
    }
    folded
}

#[derive(Template)]
#[template(path = "search/page.html")]
struct SearchPage {
    page: Page,
    query: String,
    scope: String,
    sections: Vec<Section>,
    searched: bool,
    page_number: i64,
    /// The query read as one indicator, and where it was seen.
    indicator: Option<indicators::Found>,
    /// Members' sightings of that indicator, and the form.
    sightings: Option<crate::sightings::Panel>,
}
impl Labels for SearchPage {}

impl SearchPage {
    fn scopes(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &SCOPES
    }
    fn seen_kind(&self, kind: &str) -> &'static str {
        match kind {
            "incident" => "Incident",
            "advisory" => "Advisory",
            _ => "Analysis",
        }
    }
    fn encoded_query(&self) -> String {
        url::form_urlencoded::byte_serialize(self.query.as_bytes()).collect()
    }
    fn found_nothing(&self) -> bool {
        self.sections.iter().all(|s| s.hits.is_empty())
            && self.indicator.as_ref().is_none_or(|f| f.total == 0)
    }
}

/// Hits shown of each kind when searching everything.
const PER_KIND: i64 = 5;

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let reader = crate::forum::access::reader(&state.db, &visitor).await?;
    let text: String = query.q.chars().take(500).collect();
    let terms = terms(&text);
    let chosen = SCOPES.iter().find(|(id, _, _)| *id == query.scope);
    let page_number = if chosen.is_some() {
        query.page.clamp(1, 50)
    } else {
        1
    };
    // Searching everything reads a few more than it shows, so that hits
    // folded together still leave PER_KIND lines of each kind.
    let (per_page, offset, read) = match chosen {
        Some(_) => (PER_PAGE, (page_number - 1) * PER_PAGE, PER_PAGE + 1),
        None => (PER_KIND, 0, PER_KIND * 4 + 1),
    };
    let mut sections = Vec::new();
    for (scope, label, kind) in SCOPES {
        if chosen.is_some_and(|(id, _, _)| *id != scope) {
            continue;
        }
        let mut found = find(
            &state,
            &reader,
            &Search {
                terms: &terms,
                kind,
                offset,
                limit: read,
            },
        )
        .await?;
        let mut has_more = found.len() as i64 == read;
        if chosen.is_some() {
            found.truncate(usize::try_from(per_page).unwrap_or(0));
        }
        let mut hits = fold_alike(found);
        let shown = usize::try_from(per_page).unwrap_or(0);
        has_more |= hits.len() > shown;
        hits.truncate(shown);
        sections.push(Section {
            scope,
            label,
            hits,
            has_more,
        });
    }
    let indicator = match lookout_indicators::parse_observable(&text) {
        Ok(observable) => {
            let found = indicators::look_up(&state, &reader, &observable).await?;
            // Any word reads as a malware family: say so only when it is
            // one somewhere.
            let family_guess = observable.kind() == ObservableKind::Malware;
            (!family_guess || found.total > 0).then_some(found)
        }
        Err(_) => None,
    };
    let sightings = match &indicator {
        Some(found) => {
            Some(crate::sightings::Panel::indicator(&state, &reader.user, &found.observable).await?)
        }
        None => None,
    };
    render(&SearchPage {
        sightings,
        indicator,
        page: Page::new(&visitor, "Search"),
        query: text,
        scope: chosen.map_or("", |(id, _, _)| *id).to_string(),
        searched: !terms.is_empty(),
        sections,
        page_number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terms_are_words_only() {
        assert_eq!(
            terms("\"GNSS\" OR spoof* -jam NEAR(x) 185.220.101.4"),
            [
                "gnss", "or", "spoof", "jam", "near", "x", "185", "220", "101", "4"
            ]
        );
        assert!(terms("  ***  ").is_empty());
        assert_eq!(terms(&"word ".repeat(100)).len(), 1);
    }

    proptest! {
        #[test]
        fn terms_never_carry_syntax(query in "\\PC{0,200}") {
            for term in terms(&query) {
                prop_assert!(term.chars().all(char::is_alphanumeric));
                prop_assert!(!term.is_empty() && term.chars().count() <= 64);
            }
        }
    }
}
