//! Incident reports: the reporter's form, receipts and follow-up, and the
//! analysts' triage. See `store.rs` for what is sealed at rest.

pub mod attachments;
pub mod directory;
mod followup;
pub mod identity;
pub mod model;
pub mod preview;
pub mod receipt;
pub mod store;
pub(crate) mod submit;
mod triage;
pub mod uploads;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/report",
            get(submit::form)
                // The whole request is bounded by `Config::upload_limit`.
                .post(submit::submit)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/report/follow-up",
            get(followup::form)
                .post(followup::follow_up)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/reports/mine", get(followup::mine))
        .route(
            "/reports/mine/{id}",
            get(followup::mine_detail)
                .post(followup::mine_reply)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/triage", get(triage::inbox))
        .route("/triage/{id}", get(triage::detail))
        .route("/triage/{id}/status", post(triage::set_status))
        .route("/triage/{id}/message", post(triage::message))
        .route("/triage/{id}/merge", post(triage::merge))
        .route("/triage/{id}/identity", post(triage::open_identity))
        .route(
            "/triage/{id}/attachments/{position}/cleaned",
            get(triage::cleaned),
        )
        .route(
            "/triage/{id}/attachments/{position}/original",
            get(triage::original_warning).post(triage::original),
        )
}

/// A report safely stored.
pub struct Accepted {
    pub id: i64,
    pub reference: String,
    /// The receipt code, for anonymous reports: shown once, never stored.
    pub receipt: Option<String>,
}

/// Stores a validated report from the web form or the API. Attributed
/// and confidential reports need `member` (a confidential one stores it
/// only sealed to the analysts' keys); anything else is stored
/// anonymously, whoever sent it. Only an attributed report is linked to
/// its reporter: the others are followed up by receipt. A checked
/// membership `token` (anonymous reports only) is recorded spent in the
/// same transaction and marks the report as from a verified member; if it
/// was spent meanwhile, nothing is stored and the answer is a conflict
/// with [`crate::tokens::spend::SPENT`]. A report sent through an upload
/// session (`finish`) stores that session's answer in the same transaction.
pub async fn accept(
    state: &AppState,
    form: &model::ReportForm,
    mode: model::Mode,
    member: Option<&crate::accounts::model::User>,
    attachments: &[crate::files::Prepared],
    token: Option<&crate::tokens::spend::Verified>,
    finish: Option<(&uploads::Finish, &AnswerOf<'_>)>,
) -> Result<Accepted, crate::web::AppError> {
    let token = token.filter(|_| mode == model::Mode::Anonymous);
    // An anonymous report is stored as its reporter previewed it: scrubbed.
    let scrubbed;
    let form = if mode == model::Mode::Anonymous {
        let known = directory::known_names(&state.db).await?;
        scrubbed =
            preview::scrubbed_form(form, &known).map_err(crate::web::AppError::BadRequest)?;
        &scrubbed
    } else {
        form
    };
    // Sealing is slow (public-key encryption to each analyst): before the
    // write transaction.
    let sealed_identity = match (mode, member) {
        (model::Mode::Confidential, Some(user)) => {
            let organisation = match user.org_id {
                Some(id) => crate::accounts::store::org_by_id(&state.db, id)
                    .await?
                    .map(|o| o.name),
                None => None,
            };
            let identity = identity::SealedIdentity {
                user_id: user.id,
                display_name: user.display_name.clone(),
                email: user.email.clone(),
                organisation,
            };
            match identity::seal(&state.db, &identity).await {
                Ok(sealed) => Some(sealed),
                Err(identity::IdentityError::NoRecipients) => {
                    return Err(crate::web::AppError::Conflict(NO_ANALYST_KEYS.into()));
                }
                Err(other) => return Err(other.into()),
            }
        }
        _ => None,
    };
    let mut tx = state.db.begin_write().await?;
    if let Some(token) = token
        && !crate::tokens::spend::record(&mut tx, token).await?
    {
        return Err(crate::web::AppError::Conflict(
            crate::tokens::spend::SPENT.into(),
        ));
    }
    let (receipt, reporter) = match (mode, member) {
        (model::Mode::Attributed, Some(user)) => (
            None,
            store::Reporter::Member {
                user_id: user.id,
                org_id: user.org_id,
            },
        ),
        _ => {
            let receipt = receipt::new(&state.key)?;
            let lookup = receipt.lookup.clone();
            (
                Some(receipt.words),
                store::Reporter::Anonymous {
                    receipt_lookup: lookup,
                },
            )
        }
    };
    let attributed_to = match &reporter {
        store::Reporter::Member { user_id, .. } => Some(*user_id),
        store::Reporter::Anonymous { .. } => None,
    };
    let (id, reference, record_key) = store::insert(
        &mut tx,
        &state.key,
        form,
        mode,
        reporter,
        sealed_identity.as_deref(),
        token.is_some(),
    )
    .await?;
    let keep_names = mode == model::Mode::Attributed;
    attachments::store_all(
        &mut tx,
        &record_key,
        id,
        &reference,
        attachments,
        keep_names,
    )
    .await?;
    if let Some(user_id) = attributed_to {
        // Anonymous and confidential submissions are not audited: an
        // entry's exact time would record when the reporter was online,
        // and its actor who they are.
        crate::audit::append(
            &mut tx,
            &state.key,
            crate::audit::Actor::User(user_id),
            "report.submitted",
            &format!("report:{id}"),
            "attributed",
        )
        .await?;
    }
    let accepted = Accepted {
        id,
        reference,
        receipt,
    };
    if let Some((finish, answer)) = finish {
        finish.record(&mut tx, &answer(&accepted)).await?;
    }
    tx.commit().await?;
    Ok(accepted)
}

/// How an upload session's answer is written, from the report accepted.
pub type AnswerOf<'a> = dyn Fn(&Accepted) -> Vec<u8> + Sync + 'a;

pub const NO_ANALYST_KEYS: &str = "Confidential reports cannot be accepted yet: no analyst has a key to seal your identity to. Report under your name or anonymously instead.";
