//! The admins' view of the outbox: how many deliveries wait, were sent or
//! died, why the dead ones failed, and a way to send one again.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::outbox::{self, Delivery};
use crate::accounts::authz::{self, Capability};
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "alerts/deliveries.html")]
struct DeliveriesPage {
    page: Page,
    counts: Vec<(String, i64)>,
    dead: Vec<Delivery>,
    waiting: Vec<Delivery>,
}

impl Labels for DeliveriesPage {}

pub async fn deliveries(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    authz::require(user, Capability::Administer)?;
    render(&DeliveriesPage {
        page: Page::new(&visitor, "Deliveries"),
        counts: outbox::counts(&state.db).await?,
        dead: outbox::listing(&state.db, &["dead"], 200).await?,
        waiting: outbox::listing(&state.db, &["pending"], 50).await?,
    })
}

pub async fn retry(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    authz::require(user, Capability::Administer)?;
    let mut tx = state.db.begin_write().await?;
    if !outbox::retry(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    audit::record(
        &state.db,
        &state.key,
        Actor::User(user.id),
        "delivery.retried",
        &format!("outbox:{id}"),
        "",
    )
    .await?;
    crate::alerts::wake_worker(&state);
    Ok(Redirect::to("/admin/deliveries").into_response())
}
