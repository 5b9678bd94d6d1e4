//! The admins' view of the outbox: how many deliveries wait, were sent or
//! died, why the dead ones failed, and a way to send one again.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::outbox::{self, Delivery};
use crate::accounts::extract::Admin;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};

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
    Admin { visitor, .. }: Admin,
) -> Result<Response, AppError> {
    render(&DeliveriesPage {
        page: Page::new(&visitor, "Deliveries"),
        counts: outbox::counts(&state.db).await?,
        dead: outbox::listing(&state.db, &["dead"], 200).await?,
        waiting: outbox::listing(&state.db, &["pending"], 50).await?,
    })
}

pub async fn retry(
    State(state): State<AppState>,
    Admin { user, .. }: Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
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
