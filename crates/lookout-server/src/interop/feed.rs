//! The MISP feed at `/misp/feed/`: `manifest.json`, `hashes.csv` and one
//! `{uuid}.json` per event, as a MISP instance subscribes to any feed.
//! Authenticated by the member's API token in a header (`Authorization:
//! <token>` as MISP's feed settings send it, or `Bearer <token>`); each
//! member's feed holds the events they may read. ETags let a MISP that
//! polls often fetch nothing when nothing changed.

// Handlers answer a refusal as the response itself, once per request.
#![allow(clippy::result_large_err)]

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::export;
use super::store::{self, StoredEvent};
use crate::accounts::api_tokens;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::problem::Problem;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/misp/feed/manifest.json", get(manifest))
        .route("/misp/feed/hashes.csv", get(hashes))
        .route("/misp/feed/{file}", get(event))
}

fn unauthorized() -> Response {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "Send your Lookout API token in the Authorization header (in MISP: the feed's \
         \"headers\" setting, `Authorization: lkt_…`).",
    )
    .with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"lookout\""),
    )
    .into_response()
}

fn failed(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "misp feed request failed");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The feed could not be read; try again later.",
    )
    .into_response()
}

/// The events the token's owner may read, oldest first.
async fn readable(
    state: &AppState,
    headers: &HeaderMap,
    uuid: Option<&str>,
) -> Result<Vec<StoredEvent>, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let v = v.trim();
            match v.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
                _ => v,
            }
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    let Some((user, scopes)) = api_tokens::authenticate(&state.db, token)
        .await
        .map_err(failed)?
    else {
        return Err(unauthorized());
    };
    if !scopes.iter().any(|s| s == "read") {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "This token lacks the 'read' scope; create one with --scope read.",
        )
        .into_response());
    }
    export::sync(state).await.map_err(failed)?;
    let clearance = Clearance::of(&state.db, &user).await.map_err(failed)?;
    store::events(
        &state.db,
        clearance.max_rank,
        clearance.org_id.unwrap_or(-1),
        crate::db::now() * 1_000_000 + 999_999,
        uuid,
    )
    .await
    .map_err(failed)
}

/// A body with a strong ETag from its bytes; 304 when the client has it.
fn tagged(headers: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..16])
    );
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

async fn manifest(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let events = match readable(&state, &headers, None).await {
        Ok(events) => events,
        Err(response) => return response,
    };
    let mut body = String::from("{");
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&serde_json::Value::from(event.uuid.as_str()).to_string());
        body.push(':');
        body.push_str(&event.manifest_entry);
    }
    body.push('}');
    tagged(&headers, "application/json", body)
}

async fn hashes(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let events = match readable(&state, &headers, None).await {
        Ok(events) => events,
        Err(response) => return response,
    };
    let body: String = events.iter().map(|e| e.hashes.as_str()).collect();
    tagged(&headers, "text/csv; charset=utf-8", body)
}

async fn event(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some(uuid) = file
        .strip_suffix(".json")
        .filter(|u| uuid::Uuid::parse_str(u).is_ok())
    else {
        return Problem::new(StatusCode::NOT_FOUND, "There is no such file in the feed.")
            .into_response();
    };
    match readable(&state, &headers, Some(uuid)).await {
        Ok(events) => match events.into_iter().next() {
            Some(event) => tagged(&headers, "application/json", event.event),
            None => Problem::new(
                StatusCode::NOT_FOUND,
                "There is no event with this id in your feed.",
            )
            .into_response(),
        },
        Err(response) => response,
    }
}
