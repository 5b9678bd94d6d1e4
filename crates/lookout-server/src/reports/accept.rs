//! Accepting a report: the one place that says what storing a report
//! does, in order. The form (`submit`) and the API (`api/reports.rs`,
//! `api/uploads.rs`) parse, clean the files, call here and answer.
//!
//! 1. An anonymous report is scrubbed as its reporter previewed it.
//! 2. A confidential reporter's identity is sealed to the analysts' keys
//!    (slow: before the transaction).
//! 3. In one transaction: the membership token is recorded spent; the
//!    report is stored with a receipt (anonymous, confidential) or its
//!    reporter (attributed); its files are sealed beside it; an attributed
//!    report is audited; an upload session records its answer.

use super::{attachments, directory, identity, model, preview, receipt, store, uploads};
use crate::state::AppState;
use crate::web::AppError;

/// Why a report was not stored. Nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// The text cannot be made anonymous as it stands (the reporter's
    /// words, to fix).
    #[error("{0}")]
    Invalid(String),
    #[error("{}", NO_ANALYST_KEYS)]
    NoAnalystKeys,
    #[error("{}", crate::tokens::spend::SPENT)]
    TokenSpent,
    #[error(transparent)]
    Store(#[from] store::ReportStoreError),
    #[error(transparent)]
    Identity(#[from] identity::IdentityError),
    #[error(transparent)]
    Upload(#[from] uploads::UploadError),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Directory(#[from] directory::DirectoryError),
    #[error(transparent)]
    Account(#[from] crate::accounts::store::StoreError),
}

impl From<sqlx::Error> for AcceptError {
    fn from(err: sqlx::Error) -> Self {
        AcceptError::Db(crate::db::DbError::Sqlx(err))
    }
}

impl From<AcceptError> for AppError {
    fn from(err: AcceptError) -> Self {
        match err {
            AcceptError::Invalid(problem) => AppError::BadRequest(problem),
            conflict @ (AcceptError::NoAnalystKeys | AcceptError::TokenSpent) => {
                AppError::Conflict(conflict.to_string())
            }
            other => AppError::internal(other),
        }
    }
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
/// was spent meanwhile, nothing is stored ([`AcceptError::TokenSpent`]). A report sent through an upload
/// session (`finish`) stores that session's answer in the same transaction.
pub async fn accept(
    state: &AppState,
    form: &model::ReportForm,
    mode: model::Mode,
    member: Option<&crate::accounts::model::User>,
    attachments: &[crate::files::Prepared],
    token: Option<&crate::tokens::spend::Verified>,
    finish: Option<(&uploads::Finish, &AnswerOf<'_>)>,
) -> Result<Accepted, AcceptError> {
    let token = token.filter(|_| mode == model::Mode::Anonymous);
    // An anonymous report is stored as its reporter previewed it: scrubbed.
    let scrubbed;
    let form = if mode == model::Mode::Anonymous {
        let known = directory::known_names(&state.db).await?;
        scrubbed = preview::scrubbed_form(form, &known).map_err(AcceptError::Invalid)?;
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
                    return Err(AcceptError::NoAnalystKeys);
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
        return Err(AcceptError::TokenSpent);
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
