//! The report form. Works without JavaScript; a form with mistakes comes
//! back with everything the reporter typed.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::model::{Mode, ReportForm};
use super::{Catalogue, Unlogged};
use crate::state::AppState;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "reports/form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: ReportForm,
    pub problems: Vec<String>,
    pub signed_in: bool,
}

impl Catalogue for FormPage {}

pub async fn form(visitor: Visitor) -> Result<Response, AppError> {
    let signed_in = visitor.user.is_some();
    let form = ReportForm {
        mode: if signed_in { "attributed" } else { "anonymous" }.into(),
        tlp: "green".into(),
        ..ReportForm::default()
    };
    let mut response = render(&FormPage {
        page: Page::new(&visitor, "Report an incident"),
        form,
        problems: Vec::new(),
        signed_in,
    })?;
    response.extensions_mut().insert(Unlogged);
    Ok(response)
}

#[derive(Template)]
#[template(path = "reports/received.html")]
struct ReceivedPage {
    page: Page,
    reference: String,
    receipt: Option<String>,
    confidential: bool,
}

pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ReportForm::from_urlencoded(&body);
    let signed_in = visitor.user.is_some();
    let mut problems = form.problems(signed_in);
    let mode = Mode::parse(&form.mode);
    if mode == Some(Mode::Confidential) && !super::identity::can_seal(&state.db).await? {
        problems.push(super::NO_ANALYST_KEYS.into());
    }
    let (Some(mode), true) = (mode, problems.is_empty()) else {
        let mut response = render_invalid(&FormPage {
            page: Page::new(&visitor, "Report an incident"),
            form,
            problems,
            signed_in,
        })?;
        response.extensions_mut().insert(Unlogged);
        return Ok(response);
    };
    let accepted = super::accept(&state, &form, mode, visitor.user.as_ref()).await?;
    let page = Page::new(&visitor, "Report received");
    let mut response = render(&ReceivedPage {
        page,
        reference: accepted.reference,
        receipt: accepted.receipt,
        confidential: mode == Mode::Confidential,
    })?;
    response.extensions_mut().insert(Unlogged);
    Ok(response.into_response())
}
