//! Joining: the public application form, invitations by single-use email
//! link, and password reset by email link.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::{begin_session, stage_after_password};
use super::membership_store::{self, Invitation};
use super::model::{OrgKind, Role, check_name, looks_like_email};
use super::passwords;
use super::store::{self, NewUser};
use super::throttle::ThrottleKeys;
use crate::audit::{self, Actor};
use crate::db::now;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::web::templates::{Page, format_time, render, render_invalid};
use crate::web::{AppError, ClientAddr, Visitor};

// ---------------------------------------------------------------- applying

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ApplyForm {
    org_name: String,
    org_kind: String,
    contact_name: String,
    email: String,
    message: String,
}

#[derive(Template)]
#[template(path = "accounts/apply.html")]
struct ApplyPage {
    page: Page,
    form: ApplyForm,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    done: bool,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub async fn apply_form(visitor: Visitor) -> Result<Response, AppError> {
    render(&ApplyPage {
        page: Page::new(&visitor, "Apply for membership"),
        form: ApplyForm::default(),
        kinds: kinds(),
        errors: Vec::new(),
        done: false,
    })
}

pub async fn apply(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<ApplyForm>,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    if let Err(problem) = check_name(&form.org_name, "your organisation's name", 200) {
        errors.push(problem);
    }
    if OrgKind::parse(&form.org_kind).is_none() {
        errors.push("Choose what kind of organisation it is.".to_string());
    }
    if let Err(problem) = check_name(&form.contact_name, "your name", 200) {
        errors.push(problem);
    }
    if !looks_like_email(&form.email) {
        errors.push("Give a work email address we can send the invitation to.".to_string());
    }
    if form.message.len() > 4000 {
        errors.push("Keep the message under 4000 characters.".to_string());
    }
    let throttle = ThrottleKeys::for_address(&state.key, "apply", addr, 5);
    if errors.is_empty()
        && let Some(wait) = throttle.locked_for(&state.db).await?
    {
        errors.push(format!(
            "Several applications came from your network just now. Try again in {} minutes.",
            (wait + 59) / 60
        ));
    }
    if !errors.is_empty() {
        return render_invalid(&ApplyPage {
            page: Page::new(&visitor, "Apply for membership"),
            form,
            kinds: kinds(),
            errors,
            done: false,
        });
    }
    let mut tx = state.db.begin_write().await?;
    let id = membership_store::add_application(
        &mut tx,
        &form.org_name,
        &form.org_kind,
        &form.contact_name,
        &form.email,
        &form.message,
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::Anonymous,
        "application.received",
        &format!("application:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    // Counts applications, not failures: a flood from one network is slowed.
    throttle.record_failure(&state.db).await?;
    render(&ApplyPage {
        page: Page::new(&visitor, "Application received"),
        form: ApplyForm::default(),
        kinds: kinds(),
        errors: Vec::new(),
        done: true,
    })
}

// ------------------------------------------------------------- invitations

pub async fn send_invitation(
    state: &AppState,
    email: &str,
    org_name: Option<&str>,
    token: &str,
) -> Result<(), AppError> {
    let link = format!("{}/invite/{token}", state.config.public_url());
    let whose = org_name.map(|o| format!(" for {o}")).unwrap_or_default();
    let body = format!(
        "You have been invited to join Lookout{whose}, the portal where the shipping industry's \
         security officers share incidents and alerts.\n\n\
         Open this link to choose your password (it works once and expires in {} days):\n\n{link}\n\n\
         If you did not expect this invitation, ignore this message.\n",
        state.config.invitation_days
    );
    state
        .mailer
        .send(email, "Your invitation to Lookout", &body)
        .await
        .map_err(AppError::internal)
}

#[derive(Template)]
#[template(path = "accounts/invite.html")]
struct InvitePage {
    page: Page,
    token: String,
    email: String,
    org_name: Option<String>,
    display_name: String,
    error: Option<String>,
}

/// Why an invitation cannot be used, in words that say what to do.
fn unusable(invitation: Option<&Invitation>) -> Option<String> {
    match invitation {
        None => Some("This invitation link is not valid. Check that you copied the whole link from the email.".into()),
        Some(i) if i.used_at.is_some() => {
            Some("This invitation has already been used. Sign in with the password you chose, or reset it.".into())
        }
        Some(i) if i.expires_at < now() => Some(format!(
            "This invitation expired on {}. Ask whoever invited you (or your organisation's admin) for a new one.",
            format_time(&i.expires_at)
        )),
        Some(_) => None,
    }
}

pub async fn invitation_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let invitation = membership_store::invitation_by_token(&state.db, &token).await?;
    if let Some(problem) = unusable(invitation.as_ref()) {
        return Err(AppError::Conflict(problem));
    }
    let Some(invitation) = invitation else {
        return Err(AppError::NotFound);
    };
    let org_name = match invitation.org_id {
        Some(id) => store::org_by_id(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    render(&InvitePage {
        page: Page::new(&visitor, "Join Lookout"),
        token,
        email: invitation.email,
        org_name,
        display_name: String::new(),
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    display_name: String,
    password: String,
    confirm: String,
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, AppError> {
    let invitation = membership_store::invitation_by_token(&state.db, &token).await?;
    if let Some(problem) = unusable(invitation.as_ref()) {
        return Err(AppError::Conflict(problem));
    }
    let Some(invitation) = invitation else {
        return Err(AppError::NotFound);
    };
    let org_name = match invitation.org_id {
        Some(id) => store::org_by_id(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    let problem = if let Err(problem) =
        check_name(&form.display_name, "the name other members will see", 100)
    {
        Some(problem)
    } else if form.password != form.confirm {
        Some("The password and its confirmation differ.".to_string())
    } else {
        passwords::policy_problem(
            &form.password,
            &[
                &invitation.email,
                &form.display_name,
                org_name.as_deref().unwrap_or(""),
            ],
        )
    };
    if let Some(problem) = problem {
        return render_invalid(&InvitePage {
            page: Page::new(&visitor, "Join Lookout"),
            token,
            email: invitation.email,
            org_name,
            display_name: form.display_name,
            error: Some(problem),
        });
    }
    let role = Role::parse(&invitation.role)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad role in invitation")))?;
    let hash = state
        .hasher
        .hash(&form.password)
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    // Claim the invitation first: of two tabs submitting at once, one wins.
    if !membership_store::claim_invitation(&mut tx, invitation.id).await? {
        return Err(AppError::Conflict(
            "This invitation has just been used.".into(),
        ));
    }
    let row = store::create_user(
        &mut tx,
        NewUser {
            email: &invitation.email,
            display_name: &form.display_name,
            password_hash: &hash,
            role,
            org_id: invitation.org_id,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(row.id),
        "invitation.accepted",
        &format!("user:{}", row.id),
        &format!("invitation:{} role:{}", invitation.id, role),
    )
    .await?;
    tx.commit().await?;
    let stage = stage_after_password(&state, &row).await?;
    begin_session(&state, &visitor, &row, stage, "/").await
}

// ---------------------------------------------------------- password reset

#[derive(Template)]
#[template(path = "accounts/reset_request.html")]
struct ResetRequestPage {
    page: Page,
    email: String,
    sent: bool,
}

pub async fn reset_request_form(visitor: Visitor) -> Result<Response, AppError> {
    render(&ResetRequestPage {
        page: Page::new(&visitor, "Reset your password"),
        email: String::new(),
        sent: false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetRequestForm {
    email: String,
}

const RESET_VALID_SECS: i64 = 3600;

/// Always answers the same, and in the same time, so the form does not
/// reveal who is a member: the look-up, the token and the mail happen after
/// the answer has gone. Requests have their own throttle, never the
/// sign-in lockout's: a stranger must not be able to lock a member out by
/// asking for resets in their name.
pub async fn reset_request(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, AppError> {
    let throttle = ThrottleKeys::for_purpose(
        &state.key,
        "reset-account",
        form.email.trim().to_lowercase().as_str(),
        RESETS_PER_ACCOUNT,
    )
    .and(ThrottleKeys::for_address(
        &state.key,
        "reset-address",
        addr,
        RESETS_PER_ADDRESS,
    ));
    let locked = throttle.locked_for(&state.db).await?.is_some();
    // Each request counts, so the form cannot be used to flood a mailbox.
    throttle.record_failure(&state.db).await?;
    if !locked {
        let (state, email) = (state.clone(), form.email.clone());
        tokio::spawn(async move {
            if let Err(err) = send_reset(&state, &email).await {
                crate::ops::log_error(&format!("password reset: {err:#}"));
            }
        });
    }
    render(&ResetRequestPage {
        page: Page::new(&visitor, "Reset your password"),
        email: form.email,
        sent: true,
    })
}

/// Reset requests one account may receive, and one client may make, in 15
/// minutes.
const RESETS_PER_ACCOUNT: i64 = 3;
const RESETS_PER_ADDRESS: i64 = 10;

async fn send_reset(state: &AppState, email: &str) -> anyhow::Result<()> {
    let Some(row) = store::user_by_email(&state.db, email).await? else {
        return Ok(());
    };
    if row.disabled != 0 {
        return Ok(());
    }
    let token = random_token()?;
    let mut tx = state.db.begin_write().await?;
    membership_store::add_reset(&mut tx, &token, row.id, RESET_VALID_SECS).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::Anonymous,
        "password.reset-requested",
        &format!("user:{}", row.id),
        "",
    )
    .await?;
    tx.commit().await?;
    let body = format!(
        "Someone asked to reset the password of your Lookout account. If it was you, open this \
         link within an hour to choose a new password:\n\n{}/password-reset/{token}\n\n\
         If it was not you, ignore this message: your password stays as it is.\n",
        state.config.public_url()
    );
    state
        .mailer
        .send(&row.email, "Reset your Lookout password", &body)
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    page: Page,
    token: String,
    error: Option<String>,
}

const RESET_UNUSABLE: &str = "This reset link is not valid any more (links work once, for an hour). Ask for a new one on the sign-in page.";

pub async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if membership_store::usable_reset(&state.db, &token)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict(RESET_UNUSABLE.into()));
    }
    render(&ResetPage {
        page: Page::new(&visitor, "Choose a new password"),
        token,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    confirm: String,
}

pub async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let Some(user_id) = membership_store::usable_reset(&state.db, &token).await? else {
        return Err(AppError::Conflict(RESET_UNUSABLE.into()));
    };
    let row = store::user_by_id(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let problem = if form.password != form.confirm {
        Some("The password and its confirmation differ.".to_string())
    } else {
        passwords::policy_problem(&form.password, &[&row.email, &row.display_name])
    };
    if let Some(problem) = problem {
        return render_invalid(&ResetPage {
            page: Page::new(&visitor, "Choose a new password"),
            token,
            error: Some(problem),
        });
    }
    let hash = state
        .hasher
        .hash(&form.password)
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    if !membership_store::claim_reset(&mut tx, &token).await? {
        return Err(AppError::Conflict(RESET_UNUSABLE.into()));
    }
    store::set_password(&mut tx, user_id, &hash).await?;
    // The old password was the only way into the analyst's identity key.
    super::analyst_keys::drop_key(&mut tx, user_id).await?;
    store::revoke_access(&mut tx, user_id).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user_id),
        "password.reset",
        &format!("user:{user_id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/login").into_response())
}
