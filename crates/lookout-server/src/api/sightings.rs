//! "We saw this too" through the API: the same recording as the page
//! (`sightings::record`), and the counts a member may read (nothing below
//! k, dates included).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::api_auth::{MaybeApiUser, Reader};
use crate::accounts::authz;
use crate::db::now;
use crate::sharing::clearance::Clearance;
use crate::sightings::model::{By, day_text, parse_day};
use crate::sightings::record::{Recorded, SightingError};
use crate::sightings::{self, Readable};
use crate::state::AppState;
use crate::tokens::spend::{self, CheckError};
use crate::web::AppError;
use crate::web::json::ApiJson;
use crate::web::problem::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, Problem, Unauthorized,
    UnprocessableContent, UnsupportedMediaType,
};

/// A sighting to record: an advisory or an indicator, not both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSighting {
    /// A published advisory's reference (`ADV-2026-0003`).
    #[serde(default)]
    pub advisory: Option<String>,
    /// One indicator as typed (defanged forms read as meant).
    #[serde(default)]
    pub indicator: Option<String>,
    /// `true`: nothing about the sender is stored; needs
    /// `membership_token`, sent without an Authorization header. `false`:
    /// for the token owner's organisation; needs the `write` scope.
    #[serde(default)]
    pub anonymous: bool,
    /// A membership token (`lmt1.…`), for anonymous sightings only; spent.
    #[serde(default)]
    pub membership_token: Option<String>,
    /// The day it was seen, `YYYY-MM-DD` (UTC); today when absent. Not in
    /// the future, at most 365 days ago.
    #[serde(default)]
    #[schema(format = Date)]
    pub day: Option<String>,
}

/// What became of a sighting.
#[derive(Serialize, ToSchema)]
pub struct SightingRecorded {
    /// `false` when the organisation had already said so for that day:
    /// nothing changed.
    pub recorded: bool,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub detail: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SightingsQuery {
    /// A published advisory's reference.
    pub advisory: Option<String>,
    /// One indicator as typed.
    pub indicator: Option<String>,
}

/// How many said they saw a subject, as a reader may see it.
#[derive(Serialize, ToSchema)]
pub struct SightingCounts {
    /// `advisory` or `indicator`.
    pub kind: String,
    /// The advisory's reference, or the indicator in canonical form.
    pub value: String,
    /// Organisations that said they saw it (each anonymous sighting counts
    /// as one); `null` when fewer than `min_count`, zero included.
    pub organisations: Option<i64>,
    /// The first and last day seen, `YYYY-MM-DD`; `null` whenever
    /// `organisations` is.
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The threshold below which nothing is shown (`stats_min_count`).
    pub min_count: i64,
    /// The days the token owner's organisation said it saw it, newest first.
    pub own_organisation_days: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/v1/sightings",
    tag = "sightings",
    operation_id = "record_sighting",
    summary = "Say \"we saw this too\"",
    description = "Records that the token owner's organisation saw a published advisory or an \
        indicator on a day (once per organisation, subject and day: 200 with `recorded: false` \
        when it already had), with a token with the `write` scope; or, with `anonymous: true` \
        and a membership token sent without an Authorization header, that a member saw it, \
        storing nothing about who. Without credentials the portal cannot tell a member's \
        sharing level, so an anonymous sighting takes indicators and TLP:CLEAR advisories \
        only. An advisory the sender may not read is 404.",
    security((), ("bearer" = ["write"])),
    request_body(content = NewSighting, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = SightingRecorded),
        (status = 200, description = "Already recorded for that day", body = SightingRecorded),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn record_sighting(
    State(state): State<AppState>,
    MaybeApiUser(api): MaybeApiUser,
    ApiJson(new): ApiJson<NewSighting>,
) -> Result<Response, Problem> {
    let token_text = new.membership_token.as_deref().map_or("", str::trim);
    // Who is asking decides what they may name.
    let (clearance, member) = match (new.anonymous, &api) {
        (true, Some(_)) => return Err(Problem::unprocessable(spend::WITH_CREDENTIALS)),
        (true, None) => (Clearance::PUBLIC, None),
        (false, None) => return Err(crate::web::problem::unauthenticated(false)),
        (false, Some(api)) => {
            if !api.has_scope("write") {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "Saying it for your organisation needs an API token with the 'write' scope.",
                ));
            }
            let Some(org_id) = authz::member_org(&api.user) else {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "Only members of a member organisation say they saw something.",
                ));
            };
            (
                Clearance::of(&state.db, &api.user)
                    .await
                    .map_err(AppError::from)?,
                Some((api.user.id, org_id)),
            )
        }
    };
    let Readable { subject, open } =
        readable(&state, &clearance, new.advisory, new.indicator).await?;
    if !open {
        return Err(Problem::new(StatusCode::CONFLICT, sightings::WITHDRAWN));
    }
    let day = parse_day(new.day.as_deref().unwrap_or(""), now()).map_err(Problem::unprocessable)?;
    let verified = match (member, token_text.is_empty()) {
        (Some(_), true) => None,
        (Some(_), false) => {
            return Err(Problem::unprocessable(
                crate::sightings::record::TOKEN_NOT_ANONYMOUS,
            ));
        }
        (None, true) => {
            return Err(Problem::unprocessable(
                crate::sightings::record::NEEDS_TOKEN,
            ));
        }
        (None, false) => match spend::check(&state, token_text).await {
            Ok(verified) => Some(verified),
            Err(CheckError::Spent) => return Err(Problem::new(StatusCode::CONFLICT, spend::SPENT)),
            Err(CheckError::Refused(problem)) => return Err(Problem::unprocessable(problem)),
            Err(CheckError::App(err)) => return Err(err.into()),
        },
    };
    let by = match (&verified, member) {
        (Some(token), _) => By::Anonymous(token),
        (None, Some((user_id, org_id))) => By::Organisation { user_id, org_id },
        (None, None) => {
            return Err(Problem::unprocessable(
                crate::sightings::record::NEEDS_TOKEN,
            ));
        }
    };
    let outcome = match crate::sightings::record::record(&state, &subject, day, by).await {
        Ok(outcome) => outcome,
        Err(SightingError::TokenSpent) => {
            return Err(Problem::new(StatusCode::CONFLICT, spend::SPENT));
        }
        Err(other) => return Err(AppError::from(other).into()),
    };
    let (status, detail) = match outcome {
        Recorded::New => (
            StatusCode::CREATED,
            format!("Recorded: the {} was seen.", subject.label()),
        ),
        Recorded::Already => (
            StatusCode::OK,
            "Already recorded: your organisation said so for that day. Nothing changed.".to_owned(),
        ),
    };
    Ok((
        status,
        Json(SightingRecorded {
            recorded: outcome == Recorded::New,
            day: day_text(day),
            detail,
        }),
    )
        .into_response())
}

/// The subject named by exactly one of `advisory` and `indicator`.
async fn readable(
    state: &AppState,
    clearance: &Clearance,
    advisory: Option<String>,
    indicator: Option<String>,
) -> Result<Readable, Problem> {
    let (advisory, indicator) = (advisory.unwrap_or_default(), indicator.unwrap_or_default());
    if advisory.trim().is_empty() == indicator.trim().is_empty() {
        return Err(Problem::unprocessable(sightings::NO_SUBJECT));
    }
    sightings::subject_of(state, clearance, &advisory, &indicator)
        .await
        .map_err(|err| match err {
            AppError::BadRequest(problem) => Problem::unprocessable(problem),
            other => other.into(),
        })
}

#[utoipa::path(
    get,
    path = "/v1/sightings",
    tag = "sightings",
    operation_id = "get_sightings",
    summary = "How many organisations saw an advisory or an indicator",
    description = "Counts the organisations that said they saw a published advisory the token \
        owner may read, or an indicator (each anonymous sighting counts as one), with the \
        first and last day. Like every statistic, the count and both days are null below \
        `min_count`. Never says who. Needs the `read` scope; name exactly one of `advisory` \
        and `indicator`.",
    params(SightingsQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The counts", body = SightingCounts),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_sightings(
    State(state): State<AppState>,
    Reader(api): Reader,
    Query(query): Query<SightingsQuery>,
) -> Result<Json<SightingCounts>, Problem> {
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(AppError::from)?;
    let Readable { subject, .. } =
        readable(&state, &clearance, query.advisory, query.indicator).await?;
    let seen = sightings::seen_by(&state, &api.user, &subject).await?;
    let (kind, value) = subject.field();
    Ok(Json(SightingCounts {
        kind: kind.to_owned(),
        value: value.to_owned(),
        organisations: seen.counts.sighters,
        first_seen: sightings::api_day(seen.counts.first_day),
        last_seen: sightings::api_day(seen.counts.last_day),
        min_count: seen.counts.k,
        own_organisation_days: seen.own_days.into_iter().map(day_text).collect(),
    }))
}
