//! Reports through the API: the same intake as the web form
//! (`reports::accept`), for ships and tools that have no browser. Anyone
//! may send an anonymous report; reporting under a name (attributed or
//! confidential) needs a token with the `write` scope.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

use crate::accounts::api_auth::MaybeApiUser;
use crate::files::Upload;
use crate::reports::model::{Mode, ReportForm};
use crate::sharing::{catalogue, sea_areas};
use crate::state::AppState;
use crate::tokens::spend::CheckError;
use crate::web::AppError;
use crate::web::json::ApiJson;
use crate::web::problem::{
    BadRequest, Conflict, Forbidden, InternalError, PayloadTooLarge, Problem, Unauthorized,
    UnprocessableContent, UnsupportedMediaType,
};

fn id_enum(ids: impl Iterator<Item = &'static str>, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ids.collect::<Vec<_>>()))
        .description(Some(description))
}

fn class_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        catalogue::CLASSES.iter().map(|c| c.id),
        "An incident class id (see GET /api/v1/catalogue).",
    )
}
fn system_ids() -> impl Into<RefOr<Schema>> {
    ArrayBuilder::new()
        .items(id_enum(
            catalogue::SYSTEMS.iter().map(|e| e.id),
            "An affected system id.",
        ))
        .min_items(Some(1))
        .max_items(Some(catalogue::SYSTEMS.len()))
        .description(Some(
            "Every affected system; at least one (`physical` if none).",
        ))
}
fn vessel_type_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        catalogue::VESSEL_TYPES.iter().map(|e| e.id),
        "A vessel type id.",
    )
}
fn vessel_size_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        catalogue::VESSEL_SIZES.iter().map(|e| e.id),
        "A vessel size class id.",
    )
}
fn sea_area_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        sea_areas::all().iter().map(|a| a.id),
        "A sea area or port region id.",
    )
}
fn impact_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        catalogue::IMPACT_LEVELS.iter().map(|e| e.id),
        "An impact level id.",
    )
}
fn tlp_ids() -> impl Into<RefOr<Schema>> {
    id_enum(
        catalogue::TLP_LEVELS.iter().map(|e| e.id),
        "A TLP 2.0 sharing level for the sanitised incident.",
    )
}

/// How the reporter stands behind the report.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReportMode {
    /// Under the token owner's name and organisation.
    Attributed,
    /// The token owner's identity sealed for analysts only; follow-up by receipt.
    Confidential,
    /// Nothing about the sender stored; follow-up by receipt.
    Anonymous,
}

impl From<ReportMode> for Mode {
    fn from(mode: ReportMode) -> Mode {
        match mode {
            ReportMode::Attributed => Mode::Attributed,
            ReportMode::Confidential => Mode::Confidential,
            ReportMode::Anonymous => Mode::Anonymous,
        }
    }
}

/// A new incident report. Ids come from `GET /api/v1/catalogue`.
#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    pub mode: ReportMode,
    #[schema(schema_with = class_ids)]
    pub class: String,
    /// The UTC date the incident was discovered: 1990 or later, not in the
    /// future (422 otherwise).
    #[schema(format = Date, example = "2026-03-02")]
    pub discovered_on: String,
    /// The UTC time of discovery, `HH:MM` (or empty), for analysts only.
    #[serde(default)]
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$", example = "03:40")]
    pub discovered_time: Option<String>,
    #[schema(schema_with = system_ids)]
    pub systems: Vec<String>,
    #[schema(schema_with = vessel_type_ids)]
    pub vessel_type: String,
    #[schema(schema_with = vessel_size_ids)]
    pub vessel_size: String,
    #[schema(schema_with = sea_area_ids)]
    pub sea_area: String,
    /// Where it happened, for analysts only; members see at most a 1° cell.
    /// Degrees and minutes or decimal degrees; 422 if it cannot be read.
    #[serde(default)]
    #[schema(max_length = 100, example = "53°58.1'N 006°12.4'E")]
    pub position: Option<String>,
    #[schema(schema_with = impact_ids)]
    pub impact_safety: String,
    #[schema(schema_with = impact_ids)]
    pub impact_operations: String,
    #[schema(schema_with = impact_ids)]
    pub impact_money: String,
    /// What happened. Not only white space.
    #[schema(min_length = 1, max_length = 20000, pattern = "\\S")]
    pub narrative: String,
    /// Indicators of compromise, one a line.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub indicators: Option<String>,
    #[schema(schema_with = tlp_ids)]
    pub tlp: String,
    /// Attributed reports only: name the reporter's organisation to
    /// members with the published incident.
    #[serde(default)]
    pub share_name: bool,
    /// Files, cleaned like the form's (5 of 16 MiB each by default; the
    /// whole request is bounded too). A refused or unreadable file is a 422
    /// naming it, and nothing is stored.
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
    /// Keep only the cleaned copies of the attachments: analysts never get
    /// the files as sent (their metadata and bytes can say who sent them).
    /// A file that cannot be cleaned is then a 422.
    #[serde(default)]
    pub discard_originals: bool,
    /// Anonymous reports only: a membership token (`lmt1.…`, fetched with
    /// POST /api/v1/tokens or on the portal's tokens page) marks the report
    /// as from a verified member without saying which. Send it without an
    /// Authorization header. Refused with 422 if malformed, forged, from a
    /// closed month, or sent with credentials; 409 if already spent.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub membership_token: Option<String>,
}

/// A file sent with a report.
#[derive(Deserialize, ToSchema)]
pub struct NewAttachment {
    /// The file's name; analysts see it, members never do.
    #[schema(max_length = 200, example = "ecdis-screen.jpg")]
    pub filename: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    #[schema(content_encoding = "base64")]
    pub content_base64: String,
}

/// What became of a file.
#[derive(Serialize, ToSchema)]
pub struct AttachmentReceived {
    pub filename: String,
    /// In words: what was removed, or why it stays with the analysts.
    pub outcome: String,
}

/// A report safely stored.
#[derive(Serialize, ToSchema)]
pub struct ReportReceived {
    /// The report's reference, for talking about it with the analysts.
    pub reference: String,
    pub mode: ReportMode,
    /// Anonymous and confidential reports: twelve words, shown this once
    /// and stored nowhere. The only way back to the report.
    #[schema(required = true)]
    pub receipt: Option<String>,
    pub attachments: Vec<AttachmentReceived>,
}

impl NewReport {
    fn form(&self) -> ReportForm {
        ReportForm {
            mode: Mode::from(self.mode).as_str().into(),
            class: self.class.clone(),
            discovered_on: self.discovered_on.clone(),
            discovered_time: self.discovered_time.clone().unwrap_or_default(),
            systems: self.systems.clone(),
            vessel_type: self.vessel_type.clone(),
            vessel_size: self.vessel_size.clone(),
            sea_area: self.sea_area.clone(),
            position: self.position.clone().unwrap_or_default(),
            impact_safety: self.impact_safety.clone(),
            impact_operations: self.impact_operations.clone(),
            impact_money: self.impact_money.clone(),
            narrative: self.narrative.clone(),
            indicators: self.indicators.clone().unwrap_or_default(),
            tlp: self.tlp.clone(),
            share_name: self.share_name,
            scrub_terms: String::new(),
            membership_token: String::new(),
            discard_originals: self.discard_originals,
        }
    }
}

#[utoipa::path(
    post,
    path = "/v1/reports",
    tag = "reports",
    operation_id = "submit_report",
    summary = "Report an incident",
    description = "Anonymous reports need no token and store nothing about the sender: \
        no account, address or exact time. Attributed and confidential reports need a \
        token with the `write` scope; a confidential one is refused with 409 while no \
        analyst has a key to seal the identity to. An anonymous report may carry a \
        membership token (sent without an Authorization header) to show it comes from a member.",
    security((), ("bearer" = ["write"])),
    request_body(content = NewReport, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = ReportReceived),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn submit_report(
    State(state): State<AppState>,
    MaybeApiUser(api): MaybeApiUser,
    ApiJson(new): ApiJson<NewReport>,
) -> Result<Response, Problem> {
    let received = accept_new(&state, api.as_ref(), new, None).await?;
    Ok((StatusCode::CREATED, Json(received)).into_response())
}

/// Checks and stores a report sent to the API, in one piece or through an
/// upload session (`finish`: its answer is kept with the report).
pub async fn accept_new(
    state: &AppState,
    api: Option<&crate::accounts::api_auth::ApiUser>,
    new: NewReport,
    finish: Option<&crate::reports::uploads::Finish>,
) -> Result<ReportReceived, Problem> {
    let mode = Mode::from(new.mode);
    let member = match (mode, &api) {
        (Mode::Anonymous, _) => None,
        (_, Some(api)) if api.has_scope("write") => Some(&api.user),
        _ => {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "Reporting under your name needs an API token with the 'write' scope; \
                 without one, send the report with \"mode\": \"anonymous\".",
            ));
        }
    };
    let form = new.form();
    let mut problems = form.problems(member.is_some());
    let mut distinct = new.systems.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != new.systems.len() {
        problems.push("List each affected system once.".into());
    }
    if !problems.is_empty() {
        return Err(Problem::unprocessable(problems.join(" ")));
    }
    if mode == Mode::Confidential
        && !crate::reports::identity::can_seal(&state.db)
            .await
            .map_err(AppError::from)?
    {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            crate::reports::accept::NO_ANALYST_KEYS,
        ));
    }
    let token = match new.membership_token.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(_) if mode != Mode::Anonymous => {
            return Err(Problem::unprocessable(crate::tokens::spend::NOT_ANONYMOUS));
        }
        Some(_) if api.is_some() => {
            return Err(Problem::unprocessable(
                crate::tokens::spend::WITH_CREDENTIALS,
            ));
        }
        Some(text) => match crate::tokens::spend::check(state, text).await {
            Ok(verified) => Some(verified),
            Err(CheckError::Spent) => {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    crate::tokens::spend::SPENT,
                ));
            }
            Err(CheckError::Refused(problem)) => return Err(Problem::unprocessable(problem)),
            Err(CheckError::App(err)) => return Err(err.into()),
        },
    };
    let mut uploads = Vec::with_capacity(new.attachments.len());
    for (n, file) in new.attachments.into_iter().enumerate() {
        use base64::Engine as _;
        if file.filename.chars().count() > 200 {
            return Err(Problem::unprocessable(format!(
                "attachments[{n}].filename is longer than 200 characters."
            )));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file.content_base64.as_bytes())
            .map_err(|_| {
                Problem::unprocessable(format!(
                    "attachments[{n}].content_base64 is not base64 (standard alphabet, padded)."
                ))
            })?;
        uploads.push(Upload {
            filename: file.filename,
            bytes,
        });
    }
    let prepared =
        crate::reports::attachments::prepare(uploads, &state.config, !new.discard_originals)
            .await
            .map_err(|problems| Problem::unprocessable(problems.join(" ")))?;
    let answer = |accepted: &crate::reports::accept::Accepted| ReportReceived {
        reference: accepted.reference.clone(),
        mode: new.mode,
        receipt: accepted.receipt.clone(),
        attachments: prepared
            .iter()
            .map(|p| AttachmentReceived {
                filename: p.meta.filename.clone(),
                outcome: p.meta.outcome(),
            })
            .collect(),
    };
    let as_bytes = |accepted: &crate::reports::accept::Accepted| {
        serde_json::to_vec(&answer(accepted)).unwrap_or_default()
    };
    let accepted = crate::reports::accept::accept(
        state,
        &form,
        mode,
        member,
        &prepared,
        token.as_ref(),
        finish.map(|f| {
            (
                f,
                &as_bytes as &(dyn Fn(&crate::reports::accept::Accepted) -> Vec<u8> + Sync),
            )
        }),
    )
    .await?;
    Ok(answer(&accepted))
}

/// One entry of a fixed list.
#[derive(Serialize, ToSchema)]
pub struct CatalogueEntry {
    pub id: &'static str,
    pub label: &'static str,
}

/// The fixed lists a report is made of.
#[derive(Serialize, ToSchema)]
pub struct Catalogue {
    pub classes: Vec<CatalogueEntry>,
    pub systems: Vec<CatalogueEntry>,
    pub vessel_types: Vec<CatalogueEntry>,
    pub vessel_sizes: Vec<CatalogueEntry>,
    pub sea_areas: Vec<CatalogueEntry>,
    pub impact_levels: Vec<CatalogueEntry>,
    pub tlp_levels: Vec<CatalogueEntry>,
}

fn entries(list: &'static [catalogue::Entry]) -> Vec<CatalogueEntry> {
    list.iter()
        .map(|e| CatalogueEntry {
            id: e.id,
            label: e.label,
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/v1/catalogue",
    tag = "reports",
    operation_id = "get_catalogue",
    summary = "The ids a report may use",
    security(()),
    responses(
        (status = 200, description = "Every list, in display order", body = Catalogue),
    )
)]
pub async fn catalogue() -> Json<Catalogue> {
    Json(Catalogue {
        classes: catalogue::CLASSES
            .iter()
            .map(|c| CatalogueEntry {
                id: c.id,
                label: c.label,
            })
            .collect(),
        systems: entries(catalogue::SYSTEMS),
        vessel_types: entries(catalogue::VESSEL_TYPES),
        vessel_sizes: entries(catalogue::VESSEL_SIZES),
        sea_areas: sea_areas::all()
            .iter()
            .map(|a| CatalogueEntry {
                id: a.id,
                label: a.name,
            })
            .collect(),
        impact_levels: entries(catalogue::IMPACT_LEVELS),
        tlp_levels: entries(catalogue::TLP_LEVELS),
    })
}
