//! Speaking the threat-intelligence ecosystem's languages
//! (`docs/interop.md`): every published incident, advisory and analysis
//! as STIX 2.1 (a bundle on its page, a TAXII 2.1 server) and as a MISP
//! feed, built by `lookout-intel` from exactly what the pages show.
//! Exports are kept ready in the database (`export.rs`), so any process
//! serves them and a million objects page at the speed of a read.

pub mod bundles;
pub mod documents;
pub mod export;
pub mod feed;
pub mod store;
pub mod submit;
pub mod taxii;

/// Pages that need a signed-in visitor (the session and its checks).
pub fn browser_routes() -> axum::Router<crate::state::AppState> {
    bundles::routes()
}

/// Machine routes, authenticated by API token, outside the browser's
/// session and CSRF layers.
pub fn machine_routes() -> axum::Router<crate::state::AppState> {
    taxii::routes().merge(feed::routes())
}
