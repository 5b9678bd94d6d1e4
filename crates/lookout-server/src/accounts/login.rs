//! Signing in and out: password, second factor, re-authentication.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::extract::SignedIn;
use super::model::{Role, UserRow};
use super::sessions::{self, Stage};
use super::throttle::ThrottleKeys;
use super::{mfa, store};
use crate::audit::{self, Actor};
use crate::db::now;
use crate::state::AppState;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, ClientAddr, CookieChange, Visitor};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

/// Only paths of this portal: an open redirect would let a phishing link
/// pass through the portal. The candidate is read the way a browser reads
/// a `Location` (the WHATWG URL parser drops tabs and newlines, turns `\`
/// into `/`, trims controls), and only one that stays on the portal's own
/// origin comes out, re-serialised, so what we send is what was checked and
/// always a valid header value.
pub fn safe_next(next: &str) -> String {
    const ORIGIN: &str = "https://portal.invalid";
    let Ok(base) = url::Url::parse(ORIGIN) else {
        return "/".to_string();
    };
    let same_origin = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.bytes().any(|b| b.is_ascii_control());
    match base.join(next) {
        Ok(target) if same_origin && target.origin() == base.origin() => {
            let mut path = target.path().to_string();
            if let Some(query) = target.query() {
                path.push('?');
                path.push_str(query);
            }
            path
        }
        _ => "/".to_string(),
    }
}

pub async fn login_form(
    visitor: Visitor,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if visitor.user.is_some() {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    render(&LoginPage {
        page: Page::new(&visitor, "Sign in"),
        email: String::new(),
        next: q.next,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let reshow = |error: String, status_locked: bool| {
        let page = LoginPage {
            page: Page::new(&visitor, "Sign in"),
            email: form.email.clone(),
            next: form.next.clone(),
            error: Some(error),
        };
        if status_locked {
            Ok((
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                axum::response::Html(page.render()?),
            )
                .into_response())
        } else {
            render_invalid(&page)
        }
    };
    let throttle = ThrottleKeys::for_login(&state.key, &form.email, addr);
    if let Some(wait) = throttle.locked_for(&state.db).await? {
        return reshow(
            format!(
                "Too many failed attempts. Wait {} minutes, or reset your password.",
                (wait + 59) / 60
            ),
            true,
        );
    }
    let row = store::user_by_email(&state.db, &form.email).await?;
    let usable = row.as_ref().filter(|r| r.disabled == 0);
    let ok = state
        .hasher
        .verify(&form.password, usable.map(|r| r.password_hash.as_str()))
        .await
        .map_err(AppError::internal)?;
    let Some(row) = usable.filter(|_| ok) else {
        throttle.record_failure(&state.db).await?;
        let subject = row
            .as_ref()
            .map_or("unknown".to_string(), |r| format!("user:{}", r.id));
        audit::record(
            &state.db,
            &state.key,
            Actor::Anonymous,
            "login.failed",
            &subject,
            "",
        )
        .await?;
        return reshow(
            "That email and password do not match an active account. Check both and try again."
                .into(),
            false,
        );
    };
    throttle.record_success(&state.db).await?;
    // The only moment the server holds an analyst's password: make their
    // key for sealed identities now if they have none.
    if row.role == Role::Analyst.as_str() {
        super::analyst_keys::ensure_key(&state.db, row.id, &form.password).await?;
    }
    let stage = stage_after_password(&state, row).await?;
    let next = safe_next(&form.next);
    begin_session(&state, &visitor, row, stage, &next).await
}

/// What a member still owes after a correct password.
pub async fn stage_after_password(state: &AppState, row: &UserRow) -> Result<Stage, AppError> {
    if row.totp_secret.is_some() {
        return Ok(Stage::AwaitingSecondFactor);
    }
    let role_requires = Role::parse(&row.role).is_some_and(Role::requires_mfa);
    let org_requires = match row.org_id {
        Some(org) => store::org_by_id(&state.db, org)
            .await?
            .is_some_and(|o| o.mfa_required != 0),
        None => false,
    };
    Ok(if role_requires || org_requires {
        Stage::MustEnrolMfa
    } else {
        Stage::SignedIn
    })
}

/// Replaces the visitor's session with a new one at `stage` (a fresh id at
/// every step up, so no id seen before sign-in survives it); returns the new
/// cookie value.
pub async fn rotate_session(
    state: &AppState,
    visitor: &Visitor,
    row: &UserRow,
    stage: Stage,
) -> Result<String, AppError> {
    let mut tx = state.db.begin_write().await?;
    sessions::delete_in(&mut tx, visitor.session_token()).await?;
    let token = sessions::create(&mut tx, row.id, stage).await?;
    let action = match stage {
        Stage::SignedIn => "login",
        Stage::AwaitingSecondFactor => "login.password-ok",
        Stage::MustEnrolMfa => "login.mfa-enrolment-required",
    };
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(row.id),
        action,
        &format!("user:{}", row.id),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Rotates the session and sends the member where `stage` requires.
pub async fn begin_session(
    state: &AppState,
    visitor: &Visitor,
    row: &UserRow,
    stage: Stage,
    next: &str,
) -> Result<Response, AppError> {
    let token = rotate_session(state, visitor, row, stage).await?;
    let target = match stage {
        Stage::SignedIn => next.to_string(),
        Stage::AwaitingSecondFactor => format!("/login/mfa?next={}", urlencode(next)),
        Stage::MustEnrolMfa => "/account/mfa".to_string(),
    };
    let mut response = Redirect::to(&target).into_response();
    response.extensions_mut().insert(CookieChange::Set(token));
    Ok(response)
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Template)]
#[template(path = "accounts/login_mfa.html")]
struct MfaChallengePage {
    page: Page,
    next: String,
    error: Option<String>,
}

fn awaiting_code(visitor: &Visitor) -> Option<&super::model::User> {
    match &visitor.pending {
        Some((user, Stage::AwaitingSecondFactor)) => Some(user),
        _ => None,
    }
}

pub async fn mfa_form(visitor: Visitor, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    if awaiting_code(&visitor).is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    render(&MfaChallengePage {
        page: Page::new(&visitor, "Second factor"),
        next: q.next,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MfaForm {
    code: String,
    next: String,
}

pub async fn mfa_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<MfaForm>,
) -> Result<Response, AppError> {
    let Some(user) = awaiting_code(&visitor) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let reshow = |error: &str| {
        render_invalid(&MfaChallengePage {
            page: Page::new(&visitor, "Second factor"),
            next: form.next.clone(),
            error: Some(error.to_string()),
        })
    };
    let throttle = ThrottleKeys::for_purpose(&state.key, "mfa", &user.id.to_string(), 5);
    if let Some(wait) = throttle.locked_for(&state.db).await? {
        return Err(AppError::TooManyRequests(wait));
    }
    let row = store::user_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let accepted = verify_second_factor(&state, &row, &form.code).await?;
    match accepted {
        SecondFactor::Accepted => {
            throttle.record_success(&state.db).await?;
            begin_session(
                &state,
                &visitor,
                &row,
                Stage::SignedIn,
                &safe_next(&form.next),
            )
            .await
        }
        SecondFactor::Replayed => {
            throttle.record_failure(&state.db).await?;
            audit::record(
                &state.db,
                &state.key,
                Actor::User(row.id),
                "login.mfa-replay",
                &format!("user:{}", row.id),
                "",
            )
            .await?;
            reshow(
                "That code was already used. Wait for your app to show the next code and enter that one.",
            )
        }
        SecondFactor::Wrong => {
            throttle.record_failure(&state.db).await?;
            audit::record(
                &state.db,
                &state.key,
                Actor::User(row.id),
                "login.mfa-failed",
                &format!("user:{}", row.id),
                "",
            )
            .await?;
            reshow(
                "That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.",
            )
        }
    }
}

pub enum SecondFactor {
    Accepted,
    Replayed,
    Wrong,
}

/// Checks a TOTP code (refusing replays) or a recovery code.
pub async fn verify_second_factor(
    state: &AppState,
    row: &UserRow,
    code: &str,
) -> Result<SecondFactor, AppError> {
    let Some(secret) = row
        .totp_secret
        .as_deref()
        .and_then(|s| mfa::open_secret(&state.key, row.id, s))
    else {
        return Ok(SecondFactor::Wrong);
    };
    if let Some(step) = mfa::matching_step(&secret, &row.email, code) {
        return Ok(if mfa::consume_step(&state.db, row.id, step).await? {
            SecondFactor::Accepted
        } else {
            SecondFactor::Replayed
        });
    }
    if code.trim().len() > 6 && mfa::use_recovery_code(&state.db, &state.key, row.id, code).await? {
        audit::record(
            &state.db,
            &state.key,
            Actor::User(row.id),
            "login.recovery-code-used",
            &format!("user:{}", row.id),
            "",
        )
        .await?;
        return Ok(SecondFactor::Accepted);
    }
    Ok(SecondFactor::Wrong)
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let user_id = visitor
        .user
        .as_ref()
        .map(|u| u.id)
        .or(visitor.pending.as_ref().map(|(u, _)| u.id));
    sessions::delete(&state.db, visitor.session_token()).await?;
    if let Some(id) = user_id {
        audit::record(
            &state.db,
            &state.key,
            Actor::User(id),
            "logout",
            &format!("user:{id}"),
            "",
        )
        .await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.extensions_mut().insert(CookieChange::Clear);
    Ok(response)
}

#[derive(Template)]
#[template(path = "accounts/reauth.html")]
struct ReauthPage {
    page: Page,
    next: String,
    error: Option<String>,
}

/// Sensitive actions call this first: `None` when the password was entered
/// recently in this session, otherwise the redirect that asks for it.
pub fn reauth_redirect(state: &AppState, visitor: &Visitor, back_to: &str) -> Option<Response> {
    if now() - visitor.reauth_at <= state.config.reauth_minutes * 60 {
        None
    } else {
        Some(Redirect::to(&format!("/reauth?next={}", urlencode(back_to))).into_response())
    }
}

pub async fn reauth_form(
    SignedIn { visitor, .. }: SignedIn,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    render(&ReauthPage {
        page: Page::new(&visitor, "Confirm your password"),
        next: q.next,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReauthForm {
    password: String,
    next: String,
}

pub async fn reauth(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Form(form): Form<ReauthForm>,
) -> Result<Response, AppError> {
    let throttle = ThrottleKeys::for_login(&state.key, &user.email, None);
    if let Some(wait) = throttle.locked_for(&state.db).await? {
        return Err(AppError::TooManyRequests(wait));
    }
    let row = store::user_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let ok = state
        .hasher
        .verify(&form.password, Some(&row.password_hash))
        .await
        .map_err(AppError::internal)?;
    if !ok {
        throttle.record_failure(&state.db).await?;
        return render_invalid(&ReauthPage {
            page: Page::new(&visitor, "Confirm your password"),
            next: form.next.clone(),
            error: Some("That is not your current password.".into()),
        });
    }
    sessions::mark_reauthenticated(&state.db, visitor.session_token()).await?;
    Ok(Redirect::to(&safe_next(&form.next)).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn redirects_never_leave_the_portal(next in ".{0,80}") {
            let target = safe_next(&next);
            prop_assert!(target.starts_with('/'));
            prop_assert!(!target.starts_with("//"));
            prop_assert!(!target.contains('\\'));
            // Whatever comes in, what goes out is a header value and reads,
            // as a browser reads it, as a path on the portal itself.
            prop_assert!(axum::http::HeaderValue::from_str(&target).is_ok());
            let base = url::Url::parse("https://portal.invalid").unwrap();
            prop_assert_eq!(base.join(&target).unwrap().origin(), base.origin());
        }
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/admin"), "/admin");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        // Browsers drop tabs and newlines from a Location: "/\t/x" is "//x".
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/\r\n\t/evil.example"), "/");
        assert_eq!(safe_next("\t//evil.example"), "/");
        assert_eq!(safe_next("/\u{0}x"), "/");
        assert_eq!(safe_next("/forum?tab=new#x"), "/forum?tab=new");
        assert_eq!(safe_next("/a b"), "/a%20b");
    }
}
