//! "Have we seen this?" through the API: one indicator, typed as a member
//! would type it (defanged forms included), and every incident, advisory
//! and analysis the token's owner may read that carries it.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::api_auth::Reader;
use crate::search::indicators::{self, SeenIn};
use crate::state::AppState;
use crate::web::problem::{
    BadRequest, Forbidden, InternalError, Problem, Unauthorized, UnprocessableContent,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// An IP address or range, domain, URL, e-mail address, MD5/SHA-1/
    /// SHA-256/SHA-512 hash, wallet, CVE or malware family; defanged forms
    /// (`hxxps://evil[.]example`) are read as meant.
    pub value: String,
}

/// One indicator and where it was seen.
#[derive(Serialize, ToSchema)]
pub struct IndicatorLookup {
    /// `ipv4`, `ipv6`, `ipv4-net`, `ipv6-net`, `domain`, `url`, `email`,
    /// `md5`, `sha1`, `sha256`, `sha512`, `wallet`, `cve` or `malware`.
    pub kind: String,
    /// The value in canonical form.
    pub value: String,
    /// Places seen, in all (only the newest 100 are listed).
    pub total: usize,
    /// The first and last time it was seen, in seconds since 1970; null
    /// when never.
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    /// Newest first. An address is also found in the ranges that hold it.
    pub seen_in: Vec<SeenIn>,
}

#[utoipa::path(
    get,
    path = "/v1/indicators/lookup",
    tag = "indicators",
    operation_id = "look_up_indicator",
    summary = "Where an indicator was seen",
    description = "Reads one indicator as typed (its kind is guessed: a CVE, an address or \
        range, an e-mail address, a URL, a hash, a wallet, a domain, else a malware family) \
        and lists every published incident, advisory and finished analysis the token's \
        owner may read that carries it, with the first and last time it was seen. 422 when \
        the value is not an indicator. Needs the `read` scope.",
    params(LookupQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Where it was seen", body = IndicatorLookup),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn look_up_indicator(
    State(state): State<AppState>,
    Reader(api): Reader,
    Query(query): Query<LookupQuery>,
) -> Result<Json<IndicatorLookup>, Problem> {
    let observable = lookout_indicators::parse_observable(&query.value)
        .map_err(|error| Problem::unprocessable(error.to_string()))?;
    let found = indicators::look_up_for(&state, &api.user, &observable).await?;
    Ok(Json(IndicatorLookup {
        kind: observable.kind().id().to_owned(),
        value: observable.value().to_owned(),
        total: found.total,
        first_seen: found.first_seen,
        last_seen: found.last_seen,
        seen_in: found.seen_in,
    }))
}
