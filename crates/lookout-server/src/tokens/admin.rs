//! The admins' view of membership tokens: the monthly allowance (shared by
//! every process through the `settings` table) and the keys.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Redirect, Response};
use serde::Deserialize;

use super::issue::{ALLOWANCE_MAX, allowance};
use super::keys::{self, KeyRow};
use super::store;
use super::{Period, day_name};
use crate::accounts::extract::Admin;
use crate::audit::{self, Actor};
use crate::db::now;
use crate::state::AppState;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "tokens/admin.html")]
struct AdminPage {
    page: Page,
    allowance: String,
    problem: Option<String>,
    period: String,
    issued: i64,
    members: i64,
    keys: Vec<KeyRow>,
    now: i64,
}

impl AdminPage {
    fn day(&self, unix: &i64) -> String {
        day_name(*unix)
    }

    fn state(&self, key: &KeyRow) -> &'static str {
        if key.issue_from <= self.now && self.now < key.issue_until {
            "issuing"
        } else if self.now < key.spend_until {
            "spending only"
        } else {
            "retired"
        }
    }
}

async fn admin_page(
    state: &AppState,
    visitor: &Visitor,
    allowance_text: String,
    problem: Option<String>,
) -> Result<AdminPage, AppError> {
    let now = now();
    keys::retire(&state.db, now).await?;
    let period = Period::containing(now);
    let (issued, members) = store::issued_in(&state.db, period).await?;
    Ok(AdminPage {
        page: Page::new(visitor, "Membership tokens"),
        allowance: allowance_text,
        problem,
        period: period.name(),
        issued,
        members,
        keys: keys::all(&state.db).await?,
        now,
    })
}

pub async fn page(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
) -> Result<Response, AppError> {
    let current = allowance(&state).await?.to_string();
    render(&admin_page(&state, &visitor, current, None).await?)
}

#[derive(Deserialize)]
pub struct AllowanceForm {
    allowance: String,
}

pub async fn set_allowance(
    State(state): State<AppState>,
    Admin { visitor, user }: Admin,
    Form(form): Form<AllowanceForm>,
) -> Result<Response, AppError> {
    let value = match form.allowance.trim().parse::<u32>() {
        Ok(n) if n <= ALLOWANCE_MAX => n,
        _ => {
            let problem = format!("The allowance is a whole number from 0 to {ALLOWANCE_MAX}.");
            let page = admin_page(&state, &visitor, form.allowance, Some(problem)).await?;
            return render_invalid(&page);
        }
    };
    let mut tx = state.db.begin_write().await?;
    store::store_allowance(&mut tx, value).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "tokens.allowance-set",
        "settings:token_allowance",
        &value.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::response::IntoResponse::into_response(Redirect::to(
        "/admin/tokens",
    )))
}
