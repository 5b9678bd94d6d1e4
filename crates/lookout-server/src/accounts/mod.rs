//! Organisations, members and signing in.

pub mod account;
pub mod admin;
pub mod analyst_keys;
pub mod api_auth;
pub mod api_tokens;
pub mod authz;
pub mod extract;
pub mod login;
pub mod membership;
pub mod membership_store;
pub mod mfa;
pub mod model;
pub mod operator;
pub mod passwords;
pub mod sessions;
pub mod store;
pub mod throttle;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::login_form).post(login::login))
        .route("/login/mfa", get(login::mfa_form).post(login::mfa_submit))
        .route("/logout", post(login::logout))
        .route("/reauth", get(login::reauth_form).post(login::reauth))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/mfa",
            get(account::mfa_setup).post(account::mfa_enrol),
        )
        .route("/account/mfa/disable", post(account::mfa_disable))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/apply",
            get(membership::apply_form).post(membership::apply),
        )
        .route(
            "/invite/{token}",
            get(membership::invitation_form).post(membership::accept_invitation),
        )
        .route(
            "/password-reset",
            get(membership::reset_request_form).post(membership::reset_request),
        )
        .route(
            "/password-reset/{token}",
            get(membership::reset_form).post(membership::reset),
        )
        .route("/admin", get(admin::dashboard))
        .route("/admin/applications", get(admin::applications))
        .route(
            "/admin/applications/{id}/approve",
            post(admin::approve_application),
        )
        .route(
            "/admin/applications/{id}/refuse",
            post(admin::refuse_application),
        )
        .route(
            "/admin/organisations",
            get(admin::organisations).post(admin::create_organisation),
        )
        .route(
            "/admin/organisations/{id}/clearance",
            post(admin::set_clearance),
        )
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route("/admin/users/{id}/role", post(admin::change_role))
        .route(
            "/admin/invitations",
            get(admin::invitations).post(admin::create_invitation),
        )
        .route(
            "/org/members",
            get(admin::org_members).post(admin::org_settings),
        )
}
