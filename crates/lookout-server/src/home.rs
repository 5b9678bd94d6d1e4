//! The start page: what Lookout is for visitors, a dashboard for members.

use askama::Template;
use axum::response::Response;

use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

pub async fn home(visitor: Visitor) -> Result<Response, AppError> {
    let title = if visitor.user.is_some() {
        "Dashboard"
    } else {
        "Welcome"
    };
    render(&HomePage {
        page: Page::new(&visitor, title),
    })
}
