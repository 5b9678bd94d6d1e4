//! The confidential members' forum (`docs/forum.md`): categories set by
//! admins, some open only to certain roles or organisation kinds; threads
//! with a sharing level; posts in Markdown (rendered by `lookout-markdown`),
//! named or under a per-thread pseudonym; quoting, editing with history,
//! deleting one's own post; files cleaned like report attachments;
//! mentions and follows told through the alert channels; moderation with
//! every moderator's action audited.

pub mod access;
mod admin;
pub mod model;
mod moderation;
pub mod notify;
pub mod pages;
pub mod pseudonym;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forum", get(pages::index))
        .route("/forum/about", get(pages::about))
        .route("/forum/c/{slug}", get(pages::category))
        .route(
            "/forum/c/{slug}/new",
            get(pages::new_thread_form)
                // Bounded by `app::upload_route` for this route.
                .post(pages::create_thread)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/forum/t/{reference}",
            get(pages::thread)
                .post(pages::reply)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/forum/t/{reference}/moderate",
            post(moderation::moderate_thread),
        )
        // A post is named by its thread and its number there: a global id
        // would let a reader count the posts of threads they cannot see.
        .route(
            "/forum/t/{reference}/{number}/edit",
            get(pages::edit_form).post(pages::edit),
        )
        .route("/forum/t/{reference}/{number}/delete", post(pages::delete))
        .route("/forum/t/{reference}/{number}/history", get(pages::history))
        .route(
            "/forum/t/{reference}/{number}/report",
            get(moderation::flag_form).post(moderation::flag),
        )
        .route(
            "/forum/t/{reference}/{number}/moderate",
            get(moderation::moderate_post_form).post(moderation::moderate_post),
        )
        .route("/forum/files/{reference}", get(pages::attachment))
        .route("/forum/follow", post(pages::follow))
        .route("/forum/moderation", get(moderation::queue))
        .route("/admin/forum", get(admin::categories).post(admin::save))
        .route("/admin/forum/{slug}/delete", post(admin::delete))
}

/// Whether `path` is one of the forum's routes that take files.
pub fn takes_files(path: &str) -> bool {
    let new_thread = path
        .strip_prefix("/forum/c/")
        .and_then(|rest| rest.strip_suffix("/new"))
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'));
    let reply = path
        .strip_prefix("/forum/t/")
        .is_some_and(|reference| !reference.is_empty() && !reference.contains('/'));
    new_thread || reply
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_posting_routes_take_files() {
        assert!(super::takes_files("/forum/c/general/new"));
        assert!(super::takes_files("/forum/t/T-0A1B2C3D4E"));
        assert!(!super::takes_files("/forum/t/T-0A1B2C3D4E/moderate"));
        assert!(!super::takes_files("/forum/c//new"));
        assert!(!super::takes_files("/forum/follow"));
    }
}
