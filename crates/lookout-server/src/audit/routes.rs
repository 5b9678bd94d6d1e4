//! The admins' view of the audit log, filterable by action and actor.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{Entry, Filter, Verdict};
use crate::accounts::extract::Auditor;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::{Page, format_time, render};

const PAGE_SIZE: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<Entry>,
    action: String,
    actor: String,
    verdict: String,
    older: Option<i64>,
}

impl AuditPage {
    fn when(&self, secs: &i64) -> String {
        format_time(secs)
    }
}

async fn audit_page(
    State(state): State<AppState>,
    Auditor { visitor, .. }: Auditor,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = Filter {
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        actor: Some(q.actor.trim().to_string()).filter(|s| !s.is_empty()),
        before_seq: q.before,
    };
    let entries = super::list(&state.db, &filter, PAGE_SIZE).await?;
    let verdict = match super::verify(&state.db, &state.key).await? {
        Verdict::Intact { entries } => format!("Chain intact: {entries} entries verified."),
        Verdict::Broken { seq, reason } => format!("CHAIN BROKEN at entry {seq}: {reason}."),
    };
    let older = if entries.len() as i64 == PAGE_SIZE {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    render(&AuditPage {
        page: Page::new(&visitor, "Audit log"),
        entries,
        action: q.action,
        actor: q.actor,
        verdict,
        older,
    })
}
