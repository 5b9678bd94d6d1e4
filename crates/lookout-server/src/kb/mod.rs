//! The knowledge base (`docs/knowledge-base.md`): editors' articles of five
//! kinds (incident playbooks, best practice, guidance, tools, news) in
//! Markdown, with numbered versions, a second editor's review before
//! publication, tags, and related incidents and advisories shown only when
//! the reader may open them.

mod checklist;
pub mod model;
mod pages;
pub mod related;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kb", get(pages::list))
        .route("/kb/drafts", get(pages::drafts))
        .route("/kb/new", get(pages::new_form).post(pages::create))
        .route("/kb/{slug}", get(pages::article))
        .route("/kb/{slug}/offline.html", get(pages::offline))
        .route("/kb/{slug}/checklist", post(checklist::save))
        .route("/kb/{slug}/edit", get(pages::edit).post(pages::save))
        .route("/kb/{slug}/archive", post(pages::archive))
}
