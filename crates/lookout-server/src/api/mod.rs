//! The JSON API under `/api/`: bearer tokens only (never cookies, so no
//! CSRF exposure), errors as RFC 9457 problem details, and an OpenAPI 3.1
//! document generated from the same handlers at `/api/openapi.json`.
//!
//! Every route is registered through [`utoipa_axum::routes!`], so a route
//! cannot exist without being documented, nor the other way round.

mod analyses;
mod indicators;
mod intel;
mod reports;
mod sightings;
mod stats;
mod uploads;
mod v1;

use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Where [`routes`] is nested; the document's paths include it.
pub const PREFIX: &str = "/api";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lookout API",
        description = "The Lookout portal's JSON API. Authenticate with an API token \
            (`Authorization: Bearer lkt_…`, created with `lookout admin create-api-token`); \
            each operation names the token scope it needs. Errors are RFC 9457 problem \
            details (`application/problem+json`).",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    modifiers(&BearerScheme),
    components(
        schemas(crate::web::problem::ProblemDetails),
        responses(
            crate::web::problem::BadRequest,
            crate::web::problem::Unauthorized,
            crate::web::problem::Forbidden,
            crate::web::problem::Conflict,
            crate::web::problem::NotFound,
            crate::web::problem::PayloadTooLarge,
            crate::web::problem::UnsupportedMediaType,
            crate::web::problem::UnprocessableContent,
            crate::web::problem::TooManyRequests,
            crate::web::problem::InternalError,
        )
    ),
    tags(
        (name = "members", description = "Who is signed in, and who is a member"),
        (name = "organisations", description = "Member organisations"),
        (name = "reports", description = "Incident reports, attributed, confidential or anonymous"),
        (name = "tokens", description = "Membership tokens for verified-anonymous reports"),
        (name = "statistics", description = "Published incident statistics, without small cells"),
        (name = "analysis", description = "Static analyses of suspicious files"),
        (name = "indicators", description = "Typed indicators and where they were seen"),
        (name = "incidents", description = "Published incidents and advisories, and their STIX 2.1 bundles"),
        (name = "sightings", description = "\"We saw this too\": members' sightings, counted without small counts"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// The `bearer` security scheme: an API token.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            crate::accounts::api_auth::SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lkt_ followed by 64 lowercase hex digits")
                    .description(Some(
                        "An API token, created with `lookout admin create-api-token`. \
                         Its scopes (read, write, admin) are listed with each operation.",
                    ))
                    .build(),
            ),
        );
    }
}

fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(v1::me))
        .routes(routes!(v1::organisations, v1::create_organisation))
        .routes(routes!(v1::users))
        // Reports carry files: the whole request is bounded by
        // `Config::upload_limit` (the outer layer), not by the API's 1 MiB.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(reports::submit_report))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(uploads::create_upload))
        .routes(routes!(uploads::get_upload, uploads::append_upload))
        .routes(routes!(uploads::submit_upload))
        .routes(routes!(reports::catalogue))
        .routes(routes!(crate::tokens::issue::fetch_tokens))
        .routes(routes!(stats::get_statistics))
        .routes(routes!(analyses::get_analysis))
        .routes(routes!(indicators::look_up_indicator))
        .routes(routes!(intel::list_incidents))
        .routes(routes!(intel::get_incident))
        .routes(routes!(intel::get_incident_stix))
        .routes(routes!(intel::list_advisories))
        .routes(routes!(intel::get_advisory))
        .routes(routes!(intel::get_advisory_stix))
        .routes(routes!(intel::get_analysis_stix))
        .routes(routes!(
            sightings::record_sighting,
            sightings::get_sightings
        ))
}

/// The API's routes, to be nested under [`PREFIX`].
pub fn routes() -> Router<AppState> {
    router().split_for_parts().0
}

/// The OpenAPI document, with paths as clients see them (under [`PREFIX`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = router().into_openapi();
    let paths = std::mem::take(&mut doc.paths.paths);
    doc.paths.paths = paths
        .into_iter()
        .map(|(path, item)| (format!("{PREFIX}{path}"), item))
        .collect();
    doc
}

static DOCUMENT: LazyLock<Bytes> = LazyLock::new(|| {
    Bytes::from(
        openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serialises"),
    )
});

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "get_openapi",
    summary = "This OpenAPI 3.1 document",
    responses(
        (status = 200, description = "The document", content(("application/json"))),
    )
)]
async fn openapi_json() -> Response {
    let mut response = DOCUMENT.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
