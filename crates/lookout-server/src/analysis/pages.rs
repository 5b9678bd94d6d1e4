//! Upload, progress and result pages, the JSON export and the analysts'
//! sample download.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use lookout_analysis::{Analysis, ArchiveEntry, VerdictLevel};

use super::seen::{self, SeenBefore, may_view};
use super::store::{self, AnalysisRow, NewAnalysis, StoreError};
use crate::accounts::authz::{self, Capability};
use crate::accounts::extract::{Analyst, SignedIn};
use crate::accounts::model::User;
use crate::audit::{self, Actor};
use crate::files::plain_name;
use crate::sharing::clearance::{Clearance, tlp_rank, tlp_tag};
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor, attachment};

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        AppError::internal(err)
    }
}

/// Sharing levels offered for an analysis, with what each means here.
const SHARING: [(&str, &str); 4] = [
    (
        "green",
        "all members may open it and find it by its hashes and indicators",
    ),
    (
        "amber",
        "members cleared for TLP:AMBER may open it (the default)",
    ),
    ("amber-strict", "your organisation and the analysts only"),
    ("red", "you and the analysts only"),
];

#[derive(Template)]
#[template(path = "analysis/index.html")]
struct IndexPage {
    page: Page,
    mine: Vec<Listed>,
    /// Analysts see every upload.
    everyone: Vec<Listed>,
    tlp: String,
    max_mb: usize,
    problem: Option<String>,
}

impl Labels for IndexPage {}

impl IndexPage {
    fn sharing(&self) -> &'static [(&'static str, &'static str)] {
        &SHARING
    }
    fn tag(&self, tlp: &str) -> String {
        tlp_tag(tlp)
    }
    fn verdict_label(&self, level: &str) -> &'static str {
        verdict_label(level)
    }
}

/// One line of a list: never the file's name to anyone but its uploader.
struct Listed {
    reference: String,
    name: Option<String>,
    created_at: i64,
    state: String,
    verdict: String,
    file_type: String,
    tlp: String,
}

fn listed(row: &AnalysisRow, name: Option<String>) -> Listed {
    Listed {
        reference: row.reference.clone(),
        name,
        created_at: row.created_at,
        state: row.state.clone(),
        verdict: row.verdict.clone().unwrap_or_default(),
        file_type: row.file_type.clone().unwrap_or_default(),
        tlp: row.tlp.clone(),
    }
}

/// A stored verdict id in words (empty for none yet).
fn verdict_label(id: &str) -> &'static str {
    VerdictLevel::from_id(id).map_or("", VerdictLevel::label)
}

async fn index_page(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
) -> Result<IndexPage, AppError> {
    let mut mine = Vec::new();
    for row in store::submitted_by(&state.db, user.id, 50).await? {
        let name = row.name(&state.key).ok();
        mine.push(listed(&row, name));
    }
    let everyone = if authz::allows(user, Capability::Triage) {
        store::recent(&state.db, 100)
            .await?
            .iter()
            .map(|row| listed(row, None))
            .collect()
    } else {
        Vec::new()
    };
    Ok(IndexPage {
        page: Page::new(visitor, "File analysis"),
        mine,
        everyone,
        tlp: "amber".into(),
        max_mb: state.config.analysis_max_upload_mb,
        problem: None,
    })
}

pub async fn index(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    render(&index_page(&state, &visitor, &user).await?)
}

/// The file and sharing level of an upload form.
struct Upload {
    file_name: String,
    bytes: Vec<u8>,
    tlp: String,
}

async fn read_upload(state: &AppState, request: Request) -> Result<Upload, AppError> {
    let mut multipart = Multipart::from_request(request, state).await.map_err(|_| {
        AppError::BadRequest(
            "Send the form from the File analysis page, with a file chosen.".into(),
        )
    })?;
    let mut upload = Upload {
        file_name: String::new(),
        bytes: Vec::new(),
        tlp: String::new(),
    };
    while let Some(field) = multipart.next_field().await? {
        match field.name().unwrap_or_default() {
            "file" => {
                upload.file_name = plain_name(field.file_name().unwrap_or_default(), "sample");
                upload.bytes = field.bytes().await?.to_vec();
            }
            "tlp" => upload.tlp = field.text().await?,
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn upload(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    request: Request,
) -> Result<Response, AppError> {
    let upload = read_upload(&state, request).await?;
    let limit = state.config.analysis_upload_limit();
    let problem = if upload.bytes.is_empty() {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a file to analyse (it is empty or none was chosen).".to_string(),
        ))
    } else if upload.bytes.len() > limit {
        Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The file is {:.1} MiB; the portal analyses files up to {} MiB. Analyse it on board with `lookout analyze`, or send a smaller extract.",
                upload.bytes.len() as f64 / (1024.0 * 1024.0),
                state.config.analysis_max_upload_mb
            ),
        ))
    } else if tlp_rank(&upload.tlp).is_none_or(|rank| rank == 0) {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose who may see the analysis.".to_string(),
        ))
    } else {
        None
    };
    if let Some((status, message)) = problem {
        let mut page = index_page(&state, &visitor, &user).await?;
        if tlp_rank(&upload.tlp).is_some() {
            page.tlp = upload.tlp;
        }
        page.problem = Some(message);
        return Ok((status, Html(page.render()?)).into_response());
    }

    let bytes = upload.bytes;
    let (digests, bytes) =
        tokio::task::spawn_blocking(move || (lookout_analysis::digests(&bytes), bytes))
            .await
            .map_err(AppError::internal)?;
    let reference = store::new_reference()?;
    let mut tx = state.db.begin_write().await?;
    store::queue(
        &mut tx,
        &state.key,
        &NewAnalysis {
            reference: &reference,
            bytes: &bytes,
            digests: &digests,
            file_name: &upload.file_name,
            submitted_by: user.id,
            org_id: user.org_id,
            tlp: &upload.tlp,
        },
    )
    .await?;
    // Neither the name (it can identify the company) nor the hash: the
    // audit log is read by more people than the analyses, and a hash beside
    // an account would tie any report carrying that hash to the member.
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "analysis.uploaded",
        &format!("analysis:{reference}"),
        "",
    )
    .await?;
    tx.commit().await?;
    super::worker::wake(&state);
    Ok(Redirect::to(&format!("/analysis/{reference}")).into_response())
}

/// The analysis, if this user may open it. A reference they may not open
/// is answered as missing, so references cannot be probed.
async fn viewable(
    state: &AppState,
    user: &User,
    reference: &str,
) -> Result<(AnalysisRow, Clearance), AppError> {
    let row = store::by_reference(&state.db, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let clearance = Clearance::of(&state.db, user).await?;
    if may_view(&row, user, &clearance) {
        Ok((row, clearance))
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "analysis/detail.html")]
struct DetailPage {
    page: Page,
    row: AnalysisRow,
    /// Shown to the uploader and analysts only.
    name: Option<String>,
    analysis: Option<Analysis>,
    members: Vec<Member>,
    seen: SeenBefore,
    is_analyst: bool,
}

impl Labels for DetailPage {}

impl DetailPage {
    fn tag(&self, tlp: &str) -> String {
        tlp_tag(tlp)
    }
    fn verdict_class(&self, level: &VerdictLevel) -> &'static str {
        match level {
            VerdictLevel::Malicious => "verdict malicious",
            VerdictLevel::Suspicious => "verdict suspicious",
            VerdictLevel::NoFindings => "verdict clean",
            VerdictLevel::TestFile => "verdict test-file",
        }
    }
    fn verdict_label(&self, level: &str) -> &'static str {
        verdict_label(level)
    }
    fn level_label(&self, level: &VerdictLevel) -> &'static str {
        level.label()
    }
    fn link_time(&self, secs: &u64) -> String {
        crate::web::templates::format_time(&i64::try_from(*secs).unwrap_or(i64::MAX))
    }
}

/// An unpacked member or embedded file, flattened for the page.
struct Member {
    depth: usize,
    path: String,
    analysis: Option<Analysis>,
    skipped: Option<String>,
}

fn flatten(entries: &[ArchiveEntry], depth: usize, out: &mut Vec<Member>) {
    for entry in entries {
        out.push(Member {
            depth,
            path: entry.path.clone(),
            analysis: entry.analysis.as_deref().cloned(),
            skipped: entry.skipped.clone(),
        });
        if let Some(inner) = &entry.analysis {
            nested(inner, depth + 1, out);
        }
    }
}

fn nested(analysis: &Analysis, depth: usize, out: &mut Vec<Member>) {
    if out.len() >= 500 {
        return;
    }
    if let Some(archive) = &analysis.archive {
        flatten(&archive.entries, depth, out);
    }
    if let Some(pdf) = &analysis.pdf {
        flatten(&pdf.embedded_files, depth, out);
    }
    if let Some(office) = &analysis.office {
        flatten(&office.embedded_files, depth, out);
    }
}

pub async fn detail(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let (row, clearance) = viewable(&state, &user, &reference).await?;
    let is_analyst = authz::allows(&user, Capability::Triage);
    let name = if row.submitted_by == user.id || is_analyst {
        row.name(&state.key).ok()
    } else {
        None
    };
    let analysis = row.result(&state.key)?;
    let mut members = Vec::new();
    let mut seen = SeenBefore::default();
    if let Some(analysis) = &analysis {
        nested(analysis, 0, &mut members);
        seen = seen::find(&state, &row, analysis, &user, &clearance).await?;
    }
    let title = format!("Analysis {}", row.reference);
    let pending = row.is_pending();
    let mut response = render(&DetailPage {
        page: Page::new(&visitor, &title),
        row,
        name,
        analysis,
        members,
        seen,
        is_analyst,
    })?;
    if pending {
        // Without JavaScript: the page reloads itself until the result is in.
        response
            .headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("3"));
    }
    Ok(response)
}

/// The analysis as JSON (schema: docs/analysis.schema.json).
pub async fn json(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let (row, _) = viewable(&state, &user, &reference).await?;
    let analysis = row.result(&state.key)?.ok_or(AppError::NotFound)?;
    let body = serde_json::to_vec_pretty(&analysis).map_err(AppError::internal)?;
    Ok(attachment(
        body,
        "application/json",
        &format!("{}.json", row.reference),
    ))
}

/// The sample, for analysts only, as a zip encrypted with "infected".
pub async fn sample_zip(
    State(state): State<AppState>,
    Analyst { user, .. }: Analyst,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let row = store::by_reference(&state.db, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = store::sample(&state.db, &state.key, &row.sha256)
        .await?
        .ok_or(AppError::NotFound)?;
    // Named by hash: the uploaded name stays sealed, and tools expect it.
    let member = format!("{}.bin", row.sha256);
    let zip = tokio::task::spawn_blocking(move || lookout_analysis::infected_zip(&member, &bytes))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "analysis.sample_downloaded",
        &format!("analysis:{}", row.reference),
        &row.sha256,
    )
    .await?;
    tx.commit().await?;
    Ok(attachment(
        zip,
        "application/zip",
        &format!("{}.zip", row.sha256),
    ))
}

/// A report started from an analysis the user may open.
///
/// Nothing in it names the analysis: an analysis is tied to the account
/// that uploaded it, so its reference in a report would tie an anonymous
/// or confidential report to that account. The file's hashes join the two
/// just as well (analysts see who uploaded which file), so they are kept
/// apart and go into the report only when the reporter asks, after being
/// told what they reveal.
pub struct ReportStart {
    pub narrative: String,
    /// The indicators found in the file: hosts, addresses, wallets.
    pub indicators: Vec<String>,
    /// The file's own hashes and those of the files inside it.
    pub hashes: Vec<String>,
    /// How many times this exact file was uploaded for analysis, by anyone.
    pub uploads: i64,
    /// Whether one of those uploads was this user's.
    pub by_you: bool,
}

pub async fn report_start(
    state: &AppState,
    user: &User,
    reference: &str,
) -> Result<Option<ReportStart>, AppError> {
    let Ok((row, _)) = viewable(state, user, reference).await else {
        return Ok(None);
    };
    let Some(analysis) = row.result(&state.key)? else {
        return Ok(None);
    };
    let narrative = format!(
        "We received a suspicious file ({}). Lookout's file analysis says: {}\n\n(Say how it arrived, on which system, and what happened after.)",
        analysis.file_type.name, analysis.verdict.summary
    );
    let mut hashes = vec![
        format!("SHA-256 {}", analysis.hashes.sha256),
        format!("MD5 {}", analysis.hashes.md5),
    ];
    let mut indicators = Vec::new();
    for (kind, value) in seen::correlatable(&analysis).into_iter().take(50) {
        if kind == "sha256" {
            hashes.push(format!("SHA-256 {value}"));
        } else {
            indicators.push(value);
        }
    }
    let (uploads, yours) = store::uploads_of(&state.db, &row.sha256, user.id).await?;
    Ok(Some(ReportStart {
        narrative,
        indicators,
        hashes,
        uploads,
        by_you: yours > 0,
    }))
}
