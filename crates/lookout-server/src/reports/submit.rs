//! The report form. Works without JavaScript; a form with mistakes comes
//! back with everything the reporter typed.

use askama::Template;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};

use super::held::{self, Held};
use super::model::{Mode, ReportForm};
use super::preview::Preview;
use crate::sharing::Catalogue;
use crate::state::AppState;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "reports/form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: ReportForm,
    pub problems: Vec<String>,
    /// The problems that belong to one field, with its `id`.
    pub at_fields: Vec<(&'static str, String)>,
    /// Files attached earlier, held for the reporter until they send.
    pub held: Vec<Held>,
    pub signed_in: bool,
    pub max_files: usize,
    pub max_mb: usize,
    /// The scrubbed narrative and indicators, when the reporter asked.
    pub preview: Option<Preview>,
    /// The membership token sent can never be accepted (spent, forged,
    /// malformed, expired): the page's script drops it from the browser.
    pub token_unusable: bool,
    pub started_from: Option<StartedFrom>,
    /// The key of the membership token sent, and how many members hold
    /// tokens of it: told before the token is spent.
    pub token_set: Option<TokenSet>,
}

/// What the reporter is told about a membership token before spending it.
pub struct TokenSet {
    pub key_id: String,
    pub period: String,
    pub holders: i64,
    pub small: bool,
    /// The form came back only so the reporter could read this.
    pub confirming: bool,
}

impl TokenSet {
    fn of(verified: &crate::tokens::spend::Verified, confirming: bool) -> TokenSet {
        TokenSet {
            key_id: verified.key.id.clone(),
            period: verified.key.period_name(),
            holders: verified.holders,
            small: verified.small_set(),
            confirming,
        }
    }
}

/// The form field that says the reporter was shown the token's key and
/// its holders (the key id, sent back by the page that showed them).
const TOKEN_SEEN: &str = "token_key_seen";

impl Catalogue for FormPage {
    fn problems_at(&self, field: &str) -> Vec<String> {
        self.at_fields
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, p)| p.clone())
            .collect()
    }
}

impl FormPage {
    /// The field a problem of the summary belongs to, for its link.
    pub fn field_of(&self, problem: &str) -> Option<&'static str> {
        self.at_fields
            .iter()
            .find(|(_, p)| p == problem)
            .map(|(f, _)| *f)
    }

    fn new(
        state: &AppState,
        visitor: &Visitor,
        form: ReportForm,
        problems: Vec<String>,
    ) -> FormPage {
        // Problems of a field are said beside it too; the summary above
        // the form links each to its field.
        let at_fields = form
            .field_problems(visitor.user.is_some())
            .into_iter()
            .filter(|(_, p)| problems.contains(p))
            .collect();
        FormPage {
            page: Page::new(visitor, "Report an incident"),
            form,
            at_fields,
            held: Vec::new(),
            problems,
            signed_in: visitor.user.is_some(),
            max_files: state.config.attachments_per_report,
            max_mb: state.config.attachment_max_mb,
            preview: None,
            token_unusable: false,
            started_from: None,
            token_set: None,
        }
    }
}

/// A report begun from a file analysis: what the page tells the reporter
/// about the file's hashes, which stay out of the form until they ask.
pub struct StartedFrom {
    /// The analysis, only for the link that adds the hashes; never in the
    /// form.
    pub analysis: String,
    pub hashes_included: bool,
    pub uploads: i64,
    pub by_you: bool,
}

#[derive(serde::Deserialize)]
pub struct FormQuery {
    /// An analysis to start the report from (its indicators).
    analysis: Option<String>,
    /// Also the file's hashes, which the reporter asked for after being
    /// told what they reveal.
    #[serde(default)]
    hashes: Option<String>,
    /// A class and a sea area to start from ("Seen the same? Report it"
    /// under an incident); unknown ones are ignored.
    #[serde(default)]
    class: String,
    #[serde(default)]
    sea_area: String,
}

pub async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Query(query): axum::extract::Query<FormQuery>,
) -> Result<Response, AppError> {
    let signed_in = visitor.user.is_some();
    let mut form = ReportForm {
        mode: if signed_in { "attributed" } else { "anonymous" }.into(),
        tlp: "green".into(),
        ..ReportForm::default()
    };
    if crate::sharing::catalogue::class_by_id(&query.class).is_some() {
        form.class = query.class.clone();
    }
    if crate::sharing::sea_areas::by_id(&query.sea_area).is_some() {
        form.sea_area = query.sea_area.clone();
    }
    let mut started_from = None;
    if let (Some(reference), Some(user)) = (&query.analysis, &visitor.user)
        && let Some(start) = crate::analysis::pages::report_start(&state, user, reference).await?
    {
        // Text only, nothing linked: the report keeps whatever anonymity
        // the reporter chooses, and they can edit or delete any of it.
        let hashes_included = query.hashes.as_deref() == Some("include");
        let mut lines = start.indicators;
        if hashes_included {
            lines.splice(0..0, start.hashes);
        }
        form.narrative = start.narrative;
        form.indicators = lines.join("\n");
        started_from = Some(StartedFrom {
            analysis: reference.clone(),
            hashes_included,
            uploads: start.uploads,
            by_you: start.by_you,
        });
    }
    let mut page = FormPage::new(&state, &visitor, form, Vec::new());
    page.started_from = started_from;
    let response = render(&page)?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "reports/received.html")]
struct ReceivedPage {
    page: Page,
    reference: String,
    receipt: Option<String>,
    confidential: bool,
    /// Sent with a membership token, now spent.
    verified: bool,
    /// Each file's name and what became of it.
    attachments: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReceiptFile {
    reference: String,
    receipt: String,
}

/// The receipt page's "Save as a file": the code the reporter was just
/// shown, sent back by their browser and returned as a text file to keep.
/// Nothing is looked up or stored; only a code that can be a receipt and a
/// reference of the portal's shape are written, so the file cannot carry
/// anything else under the portal's name.
pub async fn receipt_file(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<ReceiptFile>,
) -> Result<Response, AppError> {
    let reference = form.reference.trim();
    let well_formed = reference.len() <= 24
        && reference.starts_with("R-")
        && reference[2..].bytes().all(|b| b.is_ascii_alphanumeric());
    if !well_formed || super::receipt::lookup_for(&state.key, &form.receipt).is_none() {
        return Err(AppError::BadRequest(
            "This is not a receipt the portal gave: copy the twelve words from the page instead."
                .into(),
        ));
    }
    let words = form
        .receipt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!(
        "Lookout report {reference}\r\n\r\nReceipt code:\r\n{words}\r\n\r\n\
         With these twelve words you can read the analysts' questions and answer them at\r\n\
         {}/report/follow-up\r\n\r\n\
         Keep this file where only you can read it: anyone holding the code can read\r\n\
         the conversation about your report. Lookout does not keep the code.\r\n",
        state.config.public_url().trim_end_matches('/')
    );
    Ok(crate::web::attachment(
        text,
        "text/plain; charset=utf-8",
        &format!("lookout-receipt-{reference}.txt"),
    ))
}

pub(crate) const AGAIN: &str =
    "Choose your attachments again: browsers do not keep them on a form sent back.";

pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    request: Request,
) -> Result<Response, AppError> {
    let (pairs, uploads) = crate::files::read_submission(&state, request).await?;
    let previewing = pairs.iter().any(|(k, v)| k == "action" && v == "preview");
    let seen_key = pairs
        .iter()
        .find(|(k, _)| k == TOKEN_SEEN)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let values = |field: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .collect()
    };
    // Files attached to the form before it came back, minus those the
    // reporter left out.
    let dropped = values(held::DROP_FIELD);
    let (dropped, handles): (Vec<String>, Vec<String>) = values(held::FIELD)
        .into_iter()
        .partition(|h| dropped.contains(h));
    held::release(&state.db, &state.key, &dropped).await?;
    let form = ReportForm::from_pairs(pairs);
    let signed_in = visitor.user.is_some();
    let mut problems = form.problems(signed_in);
    let mode = Mode::parse(&form.mode);
    if mode == Some(Mode::Confidential) && !super::identity::can_seal(&state.db).await? {
        problems.push(super::accept::NO_ANALYST_KEYS.into());
    }
    let mut held_files = held::list(&state.db, &state.key, &handles).await?;
    if held_files.len() < handles.len() {
        problems.push(held::EXPIRED.into());
    }
    let room = state
        .config
        .attachments_per_report
        .saturating_sub(held_files.len());
    if uploads.len() > room {
        problems.push(format!(
            "A report takes at most {} files; you attached {}. Leave some out.",
            state.config.attachments_per_report,
            held_files.len() + uploads.len()
        ));
    }
    let mut token_unusable = false;
    let token = match check_token(&state, &visitor, &form, mode).await? {
        Ok(token) => token,
        Err((problem, unusable)) => {
            problems.push(problem);
            token_unusable = unusable;
            None
        }
    };
    // Scrubbed here only to show it, or to check the reporter's extra
    // words before anything is stored; `accept` scrubs what it stores,
    // with the directory, whoever is sending.
    let preview = if previewing || !form.scrub_terms.trim().is_empty() {
        let known = match signed_in {
            true => Some(super::directory::known_names(&state.db).await?),
            false => None,
        };
        match super::preview::preview(&form, known.as_deref()) {
            Ok(preview) => Some(preview),
            Err(problem) => {
                problems.push(problem);
                None
            }
        }
    } else {
        None
    };
    // A token is spent only once the reporter has read how many members
    // hold tokens of its key: the form comes back once to say so.
    let confirming = token
        .as_ref()
        .is_some_and(|t| !previewing && problems.is_empty() && t.key.id != seen_key);
    // New files are cleaned now whatever happens next: kept with the
    // report, or held for the reporter when the form comes back. A file
    // that cannot be taken is said, and nothing of it is kept.
    let prepared = if uploads.is_empty() || uploads.len() > room {
        Vec::new()
    } else {
        match super::attachments::prepare(uploads, &state.config, !form.discard_originals).await {
            Ok(prepared) => prepared,
            Err(file_problems) => {
                problems.extend(file_problems);
                problems.push(AGAIN.into());
                Vec::new()
            }
        }
    };
    let comes_back = previewing || confirming || !problems.is_empty() || mode.is_none();
    if comes_back {
        held_files.extend(held::hold(&state.db, &state.key, prepared).await?);
        let valid = problems.is_empty();
        let mut page = FormPage::new(&state, &visitor, form, problems);
        page.preview = preview;
        page.held = held_files;
        page.token_unusable = token_unusable;
        page.token_set = token.as_ref().map(|t| TokenSet::of(t, confirming));
        let response = if valid {
            render(&page)?
        } else {
            render_invalid(&page)?
        };
        return Ok(response);
    }
    let Some(mode) = mode else {
        return Err(AppError::BadRequest(
            "Choose how you want to report.".into(),
        ));
    };
    let mut prepared_all = held::take(&state.db, &state.key, &handles).await?;
    let taken = prepared_all.len();
    prepared_all.extend(prepared);
    let prepared = prepared_all;
    let accepted = match super::accept::accept(
        &state,
        &form,
        mode,
        visitor.user.as_ref(),
        &prepared,
        token.as_ref(),
        None,
    )
    .await
    {
        Ok(accepted) => accepted,
        // Spent by another request since it was checked, or the last
        // analyst key went meanwhile: nothing stored, the files held.
        Err(
            conflict @ (super::accept::AcceptError::TokenSpent
            | super::accept::AcceptError::NoAnalystKeys),
        ) => {
            let problems = vec![conflict.to_string()];
            let kept_new = held::hold(
                &state.db,
                &state.key,
                prepared.into_iter().skip(taken).collect(),
            )
            .await?;
            let mut page = FormPage::new(&state, &visitor, form, problems);
            page.held = held::list(&state.db, &state.key, &handles).await?;
            page.held.extend(kept_new);
            page.token_unusable = true;
            let response = render_invalid(&page)?;
            return Ok(response);
        }
        Err(other) => return Err(other.into()),
    };
    // Stored with the report: the held copies go at once.
    held::release(&state.db, &state.key, &handles).await?;
    let attachments = prepared
        .iter()
        .map(|p| (p.meta.filename.clone(), p.meta.outcome()))
        .collect();
    let page = Page::new(&visitor, "Report received");
    let response = render(&ReceivedPage {
        page,
        reference: accepted.reference,
        receipt: accepted.receipt,
        confidential: mode == Mode::Confidential,
        verified: token.is_some(),
        attachments,
    })?;
    Ok(response.into_response())
}

/// The membership token sent with the form, checked: `Ok(Ok(None))` when
/// there is none, `Ok(Err((problem, unusable)))` when it cannot be
/// accepted, `unusable` when it never will be.
async fn check_token(
    state: &AppState,
    visitor: &Visitor,
    form: &ReportForm,
    mode: Option<Mode>,
) -> Result<Result<Option<crate::tokens::spend::Verified>, (String, bool)>, AppError> {
    use crate::tokens::spend::{self, CheckError};
    let text = form.membership_token.trim();
    if text.is_empty() {
        return Ok(Ok(None));
    }
    if mode != Some(Mode::Anonymous) {
        return Ok(Err((spend::NOT_ANONYMOUS.into(), false)));
    }
    if visitor.user.is_some() && spend::session_fetched(state, visitor.session_token()).await? {
        return Ok(Err((spend::SAME_SESSION.into(), false)));
    }
    match spend::check(state, text).await {
        Ok(verified) => Ok(Ok(Some(verified))),
        Err(CheckError::App(err)) => Err(err),
        Err(refused) => Ok(Err((refused.to_string(), true))),
    }
}
