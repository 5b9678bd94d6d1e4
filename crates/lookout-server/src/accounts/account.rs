//! A member's own account: password, second factor, API tokens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::extract::SignedIn;
use super::login::{reauth_redirect, rotate_session};
use super::model::User;
use super::sessions::Stage;
use super::{api_tokens, mfa, passwords, store};
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::templates::{Page, format_time, render, render_invalid};
use crate::web::{AppError, CookieChange, Visitor};

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: Page,
    user: User,
    org_name: Option<String>,
    recovery_left: i64,
    tokens: Vec<api_tokens::TokenInfo>,
    new_token: Option<String>,
    password_error: Option<String>,
    token_error: Option<String>,
    token_name: String,
}

impl AccountPage {
    fn when(&self, secs: &i64) -> String {
        format_time(secs)
    }
}

async fn account_page(state: &AppState, user: &User, page: Page) -> Result<AccountPage, AppError> {
    let org_name = match user.org_id {
        Some(id) => store::org_by_id(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    Ok(AccountPage {
        page,
        recovery_left: mfa::remaining_recovery_codes(&state.db, user.id).await?,
        tokens: api_tokens::list_for_user(&state.db, user.id).await?,
        user: user.clone(),
        org_name,
        new_token: None,
        password_error: None,
        token_error: None,
        token_name: String::new(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    let page = Page::new(&visitor, "Your account");
    render(&account_page(&state, &user, page).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changing the password ends every other session of the member.
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let row = store::user_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let org_name = match user.org_id {
        Some(id) => store::org_by_id(&state.db, id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let problem = if !state
        .hasher
        .verify(&form.current, Some(&row.password_hash))
        .await
        .map_err(AppError::internal)?
    {
        Some("Your current password is not right.".to_string())
    } else if form.new != form.confirm {
        Some("The new password and its confirmation differ.".to_string())
    } else {
        passwords::policy_problem(&form.new, &[&user.email, &user.display_name, &org_name])
    };
    if let Some(problem) = problem {
        let mut page = account_page(&state, &user, Page::new(&visitor, "Your account")).await?;
        page.password_error = Some(problem);
        return render_invalid(&page);
    }
    let hash = state
        .hasher
        .hash(&form.new)
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    store::set_password(&mut tx, user.id, &hash).await?;
    super::analyst_keys::rewrap_key(&mut tx, user.id, &form.current, &form.new).await?;
    store::revoke_access(&mut tx, user.id).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "password.changed",
        &format!("user:{}", user.id),
        "",
    )
    .await?;
    tx.commit().await?;
    let token = rotate_session(&state, &visitor, &row, Stage::SignedIn).await?;
    let mut response = Redirect::to("/account").into_response();
    response.extensions_mut().insert(CookieChange::Set(token));
    Ok(response)
}

/// The member enrolling a second factor: signed in, or just past the
/// password when their role or organisation requires one.
fn enrolling(visitor: &Visitor) -> Result<&User, AppError> {
    match (&visitor.user, &visitor.pending) {
        (Some(user), _) => Ok(user),
        (None, Some((user, Stage::MustEnrolMfa))) => Ok(user),
        _ => Err(AppError::Unauthenticated),
    }
}

#[derive(Template)]
#[template(path = "accounts/mfa_setup.html")]
struct MfaSetupPage {
    page: Page,
    required: bool,
    already: bool,
    secret: String,
    signature: String,
    qr_svg: String,
    error: Option<String>,
}

impl MfaSetupPage {
    /// The QR code is our own SVG from the qrcode crate, never user input.
    fn qr(&self) -> &str {
        &self.qr_svg
    }
}

fn setup_page(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
    secret: String,
    error: Option<String>,
) -> Result<MfaSetupPage, AppError> {
    let uri = mfa::provisioning_uri(&secret, &user.email)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("TOTP URI")))?;
    Ok(MfaSetupPage {
        page: Page::new(visitor, "Second factor"),
        required: visitor.user.is_none(),
        already: user.mfa_enabled,
        signature: state
            .key
            .mac("mfa-enrol", format!("{}:{secret}", user.id).as_bytes()),
        secret,
        qr_svg: mfa::qr_svg(&uri).unwrap_or_default(),
        error,
    })
}

pub async fn mfa_setup(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let user = enrolling(&visitor)?;
    render(&setup_page(
        &state,
        &visitor,
        user,
        mfa::new_secret(),
        None,
    )?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnrolForm {
    secret: String,
    signature: String,
    code: String,
}

#[derive(Template)]
#[template(path = "accounts/recovery_codes.html")]
struct RecoveryCodesPage {
    page: Page,
    codes: Vec<String>,
}

pub async fn mfa_enrol(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let user = enrolling(&visitor)?.clone();
    if user.mfa_enabled {
        return Err(AppError::Conflict(
            "A second factor is already set up. Remove it first to set up a new one.".into(),
        ));
    }
    // The secret travels through the form; the signature proves we made it
    // for this member.
    let expected = state.key.mac(
        "mfa-enrol",
        format!("{}:{}", user.id, form.secret).as_bytes(),
    );
    if !crate::secrets::constant_time_eq(expected.as_bytes(), form.signature.as_bytes()) {
        return Err(AppError::BadRequest(
            "This set-up form was altered. Start again from your account page.".into(),
        ));
    }
    let Some(step) = mfa::matching_step(&form.secret, &user.email, &form.code) else {
        let page = setup_page(&state, &visitor, &user, form.secret.clone(), Some(
            "That code does not match. Check that your phone's clock is right and enter the code shown now.".into(),
        ))?;
        return render_invalid(&page);
    };
    let sealed = mfa::seal_secret(&state.key, user.id, &form.secret)?;
    let mut tx = state.db.begin_write().await?;
    mfa::enable(&mut tx, user.id, &sealed, step).await?;
    let codes = mfa::new_recovery_codes(&mut tx, &state.key, user.id).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "mfa.enabled",
        &format!("user:{}", user.id),
        "",
    )
    .await?;
    tx.commit().await?;

    let row = store::user_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let token = rotate_session(&state, &visitor, &row, Stage::SignedIn).await?;
    let mut page =
        Page::new(&visitor, "Recovery codes").with_notice("Your second factor is set up.");
    page.user = row.to_user();
    let mut response = render(&RecoveryCodesPage { page, codes })?;
    response.extensions_mut().insert(CookieChange::Set(token));
    Ok(response)
}

pub async fn mfa_disable(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    if let Some(redirect) = reauth_redirect(&state, &visitor, "/account") {
        return Ok(redirect);
    }
    let org_requires = match user.org_id {
        Some(id) => store::org_by_id(&state.db, id)
            .await?
            .is_some_and(|o| o.mfa_required != 0),
        None => false,
    };
    if user.role.requires_mfa() || org_requires {
        return Err(AppError::Conflict(
            "Your role or organisation requires a second factor, so it cannot be removed.".into(),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    mfa::disable(&mut tx, user.id).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "mfa.disabled",
        &format!("user:{}", user.id),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    scope: Vec<String>,
}

pub async fn create_token(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    if let Some(redirect) = reauth_redirect(&state, &visitor, "/account") {
        return Ok(redirect);
    }
    // Repeated `scope` checkboxes: parse by hand (serde_urlencoded has no
    // sequences).
    let mut form = TokenForm::default();
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "name" => form.name = v.into_owned(),
            "scope" => form.scope.push(v.into_owned()),
            _ => {}
        }
    }
    let problem = if form.name.trim().is_empty() || form.name.len() > 100 {
        Some("Give the token a name (up to 100 characters) so you recognise it later.".to_string())
    } else {
        None
    };
    let scopes = match (problem, api_tokens::parse_scopes(&form.scope, user.role)) {
        (None, Ok(scopes)) => scopes,
        (Some(p), _) | (None, Err(p)) => {
            let mut page = account_page(&state, &user, Page::new(&visitor, "Your account")).await?;
            page.token_error = Some(p);
            page.token_name = form.name;
            return render_invalid(&page);
        }
    };
    let mut tx = state.db.begin_write().await?;
    let (id, token) = api_tokens::create(&mut tx, user.id, &form.name, &scopes).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "api-token.created",
        &format!("api-token:{id}"),
        &scopes,
    )
    .await?;
    tx.commit().await?;
    let mut page = account_page(&state, &user, Page::new(&visitor, "Your account")).await?;
    page.new_token = Some(token);
    render(&page)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    SignedIn { user, visitor }: SignedIn,
    Path(id): Path<i64>,
    Form(confirm): Form<Confirmed>,
) -> Result<Response, AppError> {
    if !confirm.given() {
        let tokens = api_tokens::list_for_user(&state.db, user.id).await?;
        let token = tokens
            .iter()
            .find(|t| t.id == id && t.revoked_at.is_none())
            .ok_or(AppError::NotFound)?;
        return Confirmation::new(
            format!("Revoke the API token “{}”?", token.name),
            &format!("/account/tokens/{id}/revoke"),
            "Revoke the token",
            "/account",
        )
        .consequence("Programs that use it are refused at once. This cannot be undone; you can create a new token.")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    if !api_tokens::revoke(&mut tx, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "api-token.revoked",
        &format!("api-token:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account").into_response())
}
