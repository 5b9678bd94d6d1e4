//! File analyses through the API: a member's SOC tools read an analysis
//! they may open, as the JSON of `docs/analysis.schema.json` with its state.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::api_auth::Reader;
use crate::analysis::seen::may_view;
use crate::analysis::store;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::problem::{Forbidden, InternalError, NotFound, Problem, Unauthorized};
use crate::web::{ApiError, AppError};

/// An analysis and where it stands.
#[derive(Serialize, ToSchema)]
pub struct AnalysisRecord {
    /// `A-` and ten hexadecimal digits.
    pub reference: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Who may open it: `green`, `amber`, `amber-strict` or `red`.
    pub tlp: String,
    /// When it was uploaded, in seconds since 1970 (UTC).
    pub created_at: i64,
    /// Why it failed, when it did.
    pub failure: Option<String>,
    /// The analysis, once done.
    pub analysis: Option<lookout_analysis::Analysis>,
}

#[utoipa::path(
    get,
    path = "/v1/analyses/{reference}",
    tag = "analysis",
    operation_id = "get_analysis",
    summary = "One file analysis",
    description = "An analysis the token owner may open (their own, or one shared at a level \
        they are cleared for; analysts open all). `analysis` is null until the state is `done`. \
        A reference they may not open answers 404, like one that does not exist. Needs the \
        `read` scope.",
    params(("reference" = String, Path, description = "The analysis reference, e.g. A-3F2A9C01BE")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The analysis", body = AnalysisRecord),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_analysis(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Json<AnalysisRecord>, Problem> {
    let not_found = || Problem::from(ApiError(AppError::NotFound));
    let row = store::by_reference(&state.db, &reference)
        .await
        .map_err(|e| Problem::from(ApiError(AppError::internal(e))))?
        .ok_or_else(not_found)?;
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(|e| Problem::from(ApiError(AppError::internal(e))))?;
    if !may_view(&row, &api.user, &clearance) {
        return Err(not_found());
    }
    let analysis = row
        .result(&state.key)
        .map_err(|e| Problem::from(ApiError(AppError::internal(e))))?;
    Ok(Json(AnalysisRecord {
        reference: row.reference,
        state: row.state,
        tlp: row.tlp,
        created_at: row.created_at,
        failure: row.failure,
        analysis,
    }))
}
