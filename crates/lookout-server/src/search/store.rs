//! The search query: the reader's terms in each backend's full-text
//! syntax, and the condition that finds only what the pages would show
//! them.

use std::fmt::Write as _;

use crate::db::{Backend, now};
use crate::forum::access::Reader;
use crate::state::AppState;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
