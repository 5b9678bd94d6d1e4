//! One subject as a STIX 2.1 bundle, for whoever may open its page: the
//! link on each incident, advisory and analysis page, and the API.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lookout_intel::stix;
use lookout_intel::taxii::MEDIA_TYPE_STIX;

use super::documents;
use crate::accounts::model::User;
use crate::db::now;
use crate::review::Content as _;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::{AppError, Visitor};

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/incidents/{reference}/stix", get(incident_page))
        .route("/advisories/{reference}/stix", get(advisory_page))
        .route("/analysis/{reference}/stix", get(analysis_page))
}

/// What a bundle is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Incident,
    Advisory,
    Analysis,
}

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("bundle: {e}"))
}

/// The bundle of `reference`, if `user` may open its page.
pub async fn bundle(
    state: &AppState,
    user: &User,
    subject: Subject,
    reference: &str,
) -> Result<Option<String>, AppError> {
    let clearance = Clearance::of(&state.db, user).await?;
    let public_url = state.config.public_url();
    let portal = documents::portal(&public_url);
    let objects = match subject {
        Subject::Incident => {
            let Some(row) =
                crate::incidents::store::visible_by_ref(&state.db, now(), &clearance, reference)
                    .await?
            else {
                return Ok(None);
            };
            let Some(doc) = documents::incident(&row, &public_url) else {
                return Ok(None);
            };
            stix::incident_objects(&portal, &doc).map_err(failed)?
        }
        Subject::Advisory => {
            let Some(row) = crate::advisories::store::by_reference(&state.db, reference).await?
            else {
                return Ok(None);
            };
            if row.state != "published" {
                return Ok(None);
            }
            let Some(revision) = crate::advisories::store::published(&state.db, &row)
                .await?
                .filter(|r| r.content.tlp_rank() <= clearance.max_rank)
            else {
                return Ok(None);
            };
            let Some(doc) = documents::advisory(&row, &revision, &public_url) else {
                return Ok(None);
            };
            stix::advisory_objects(&portal, &doc).map_err(failed)?
        }
        Subject::Analysis => {
            let Some(row) = crate::analysis::store::by_reference(&state.db, reference)
                .await
                .map_err(failed)?
            else {
                return Ok(None);
            };
            if row.state != "done" || !crate::analysis::seen::may_view(&row, user, &clearance) {
                return Ok(None);
            }
            let Some(result) = row.result(&state.key).map_err(failed)? else {
                return Ok(None);
            };
            let doc = documents::analysis(&row, &result, &public_url);
            stix::analysis_objects(&portal, &doc).map_err(failed)?
        }
    };
    Ok(Some(stix::bundle(objects).to_json_string()))
}

/// A bundle as a file to save.
pub fn download(reference: &str, bundle: String) -> Response {
    let mut response = bundle.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(MEDIA_TYPE_STIX),
    );
    let name: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.stix.json\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn page(
    state: AppState,
    visitor: Visitor,
    subject: Subject,
    reference: String,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    let bundle = bundle(&state, user, subject, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(download(&reference, bundle))
}

async fn incident_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    page(state, visitor, Subject::Incident, reference).await
}

async fn advisory_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    page(state, visitor, Subject::Advisory, reference).await
}

async fn analysis_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    page(state, visitor, Subject::Analysis, reference).await
}
