//! One search across forum posts, knowledge-base articles, incidents and
//! advisories (`docs/search.md`). The documents live in the database
//! (`search_documents`), so every server process searches the same index:
//! SQLite's FTS5 or PostgreSQL's full-text search, the only SQL in the
//! portal written twice. A reader finds only what the pages would show
//! them: each kind's rule is applied in the query itself.

pub mod index;

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::db::{Backend, now};
use crate::forum::access::Reader;
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

/// The terms as each backend's query: every word must appear, as a word
/// or the start of one.
fn match_expression(backend: Backend, terms: &[String]) -> String {
    match backend {
        Backend::Sqlite => terms
            .iter()
            .map(|t| format!("\"{t}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => terms
            .iter()
            .map(|t| format!("{t}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Hit {
    pub kind: String,
    pub path: String,
    pub title: String,
    /// Text around the matches, with \u{2} and \u{3} around each match.
    pub snippet: String,
    pub updated_at: i64,
}

impl Hit {
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "post" => "Forum post",
            "article" => "Knowledge base",
            "incident" => "Incident",
            "advisory" => "Advisory",
            _ => "Result",
        }
    }

    /// The snippet as safe HTML: escaped, then the markers made `<mark>`.
    pub fn snippet_html(&self) -> String {
        let mut html = String::with_capacity(self.snippet.len() + 32);
        for c in self.snippet.chars() {
            match c {
                '\u{2}' => html.push_str("<mark>"),
                '\u{3}' => html.push_str("</mark>"),
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '&' => html.push_str("&amp;"),
                '"' => html.push_str("&quot;"),
                '\'' => html.push_str("&#39;"),
                c => html.push(c),
            }
        }
        // A fragment cut inside a match leaves a mark open.
        let opened = html.matches("<mark>").count();
        let closed = html.matches("</mark>").count();
        for _ in closed..opened {
            html.push_str("</mark>");
        }
        html
    }
}

/// What this reader may find: the condition each kind's pages apply.
/// `$2` is their clearance, `$3` their organisation (or -1), `$4` now.
fn access_condition(readable_categories: &[i64]) -> String {
    let mut posts = String::from("d.kind = 'post' AND d.tlp_rank <= $2 AND d.category_id IN (");
    for (i, id) in readable_categories.iter().enumerate() {
        if i > 0 {
            posts.push_str(", ");
        }
        let _ = write!(posts, "{id}");
    }
    posts.push(')');
    let mut condition = String::from("(");
    if !readable_categories.is_empty() {
        let _ = write!(condition, "({posts}) OR ");
    }
    condition.push_str(
        "(d.kind IN ('article', 'advisory') AND d.tlp_rank <= $2) \
         OR (d.kind = 'incident' AND d.visible_from <= $4 AND (d.tlp_rank <= $2 OR d.org_id = $3)))",
    );
    condition
}

pub struct Search<'a> {
    pub terms: &'a [String],
    /// A document kind, or empty for all.
    pub kind: &'a str,
    pub offset: i64,
    pub limit: i64,
}

/// The documents matching `search` that `reader` may open, best first.
pub async fn find(
    state: &AppState,
    reader: &Reader,
    search: &Search<'_>,
) -> Result<Vec<Hit>, sqlx::Error> {
    if search.terms.is_empty() {
        return Ok(Vec::new());
    }
    let categories: Vec<i64> = crate::forum::store::categories(&state.db)
        .await?
        .into_iter()
        .filter(|c| reader.may_enter(c))
        .map(|c| c.id)
        .collect();
    let access = access_condition(&categories);
    let sql = match state.db.backend {
        // Ranks first, then makes snippets for the page's hits only: a
        // snippet costs far more than a rank, and a common word matches
        // nearly every document.
        Backend::Sqlite => format!(
            // CROSS JOIN keeps the full-text index as the outer loop:
            // left to itself SQLite may walk the documents and run the
            // MATCH once per row.
            "WITH top AS (SELECT d.id, bm25(search_fts, 4.0, 1.0) AS rank \
             FROM search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid \
             WHERE search_fts MATCH $1 AND {access} AND ($5 = '' OR d.kind = $5) \
             ORDER BY rank, d.id DESC LIMIT $6 OFFSET $7) \
             SELECT d.kind, d.path, d.title, \
             snippet(search_fts, 1, char(2), char(3), ' … ', 24) AS snippet, d.updated_at \
             FROM top CROSS JOIN search_fts ON search_fts.rowid = top.id \
             CROSS JOIN search_documents d ON d.id = top.id \
             WHERE search_fts MATCH $1 ORDER BY top.rank, top.id DESC"
        ),
        Backend::Postgres => format!(
            "WITH q AS (SELECT to_tsquery('english', $1) AS q), \
             hits AS (SELECT d.id, d.kind, d.path, d.title, d.body, d.updated_at, \
             ts_rank(d.search_vector, q.q) AS rank FROM search_documents d, q \
             WHERE d.search_vector @@ q.q AND {access} AND ($5 = '' OR d.kind = $5) \
             ORDER BY rank DESC, d.id DESC LIMIT $6 OFFSET $7) \
             SELECT hits.kind, hits.path, hits.title, ts_headline('english', hits.body, q.q, \
             'StartSel=' || chr(2) || ',StopSel=' || chr(3) || \
             ',MaxFragments=2,MaxWords=24,MinWords=8,FragmentDelimiter=\" … \"') AS snippet, \
             hits.updated_at FROM hits, q ORDER BY hits.rank DESC, hits.id DESC"
        ),
    };
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(match_expression(state.db.backend, search.terms))
        .bind(reader.clearance.max_rank)
        .bind(reader.clearance.org_id.unwrap_or(-1))
        .bind(now())
        .bind(search.kind)
        .bind(search.limit)
        .bind(search.offset)
        .fetch_all(&state.db.pool)
        .await
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
    hits: Vec<Hit>,
    has_more: bool,
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
}
impl Labels for SearchPage {}

impl SearchPage {
    fn scopes(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &SCOPES
    }
    fn encoded_query(&self) -> String {
        url::form_urlencoded::byte_serialize(self.query.as_bytes()).collect()
    }
    fn found_nothing(&self) -> bool {
        self.sections.iter().all(|s| s.hits.is_empty())
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
    let (per_page, offset) = match chosen {
        Some(_) => (PER_PAGE, (page_number - 1) * PER_PAGE),
        None => (PER_KIND, 0),
    };
    let mut sections = Vec::new();
    for (scope, label, kind) in SCOPES {
        if chosen.is_some_and(|(id, _, _)| *id != scope) {
            continue;
        }
        let mut hits = find(
            &state,
            &reader,
            &Search {
                terms: &terms,
                kind,
                offset,
                limit: per_page + 1,
            },
        )
        .await?;
        let has_more = hits.len() as i64 > per_page;
        hits.truncate(usize::try_from(per_page).unwrap_or(0));
        sections.push(Section {
            scope,
            label,
            hits,
            has_more,
        });
    }
    render(&SearchPage {
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

    #[test]
    fn each_backend_gets_its_own_syntax() {
        let t = vec!["gnss".to_string(), "spoof".to_string()];
        assert_eq!(
            match_expression(Backend::Sqlite, &t),
            "\"gnss\"* \"spoof\"*"
        );
        assert_eq!(match_expression(Backend::Postgres, &t), "gnss:* & spoof:*");
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        let hit = Hit {
            kind: "post".into(),
            path: String::new(),
            title: String::new(),
            snippet: "<script> \u{2}gnss\u{3} & \u{2}spoof".into(),
            updated_at: 0,
        };
        assert_eq!(
            hit.snippet_html(),
            "&lt;script&gt; <mark>gnss</mark> &amp; <mark>spoof</mark>"
        );
    }

    #[test]
    fn without_readable_categories_no_post_is_found() {
        assert!(!access_condition(&[]).contains("'post'"));
        assert!(access_condition(&[3, 7]).contains("d.category_id IN (3, 7)"));
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
