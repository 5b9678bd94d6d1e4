//! A second step before an action one click should not take: deleting,
//! disabling, revoking, changing someone's role. Works without JavaScript:
//! the first post of the form renders a page that asks, and only the post
//! from that page (which carries `confirmed=yes`) acts.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

/// The field the confirmation page adds. A handler whose form has other
/// fields adds `confirmed: String` to it instead of extracting this.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Confirmed {
    pub confirmed: String,
}

impl Confirmed {
    pub fn given(&self) -> bool {
        given(&self.confirmed)
    }
}

pub fn given(field: &str) -> bool {
    field == "yes"
}

/// What the confirmation page asks, and the form it posts again.
pub struct Confirmation {
    question: String,
    consequence: String,
    action: String,
    button: String,
    back: String,
    fields: Vec<(String, String)>,
}

impl Confirmation {
    /// `action` is the form's own address; `back` where "Cancel" leads.
    pub fn new(question: impl Into<String>, action: &str, button: &str, back: &str) -> Self {
        Confirmation {
            question: question.into(),
            consequence: String::new(),
            action: action.to_string(),
            button: button.to_string(),
            back: back.to_string(),
            fields: Vec::new(),
        }
    }

    /// What happens, and whether it can be undone.
    pub fn consequence(mut self, text: impl Into<String>) -> Self {
        self.consequence = text.into();
        self
    }

    /// A field of the original form, posted again unchanged.
    pub fn keep(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields.push((name.to_string(), value.into()));
        self
    }

    pub fn page(self, visitor: &Visitor) -> Result<Response, AppError> {
        render(&ConfirmPage {
            page: Page::new(visitor, "Please confirm"),
            ask: self,
        })
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    page: Page,
    ask: Confirmation,
}
