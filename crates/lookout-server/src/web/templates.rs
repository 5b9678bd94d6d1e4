//! The page shell shared by every template, and rendering helpers.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::accounts::authz::{self, Capability};
use crate::accounts::model::User;
use crate::web::{AppError, Visitor, Waiting};

/// What the layout needs on every page.
pub struct Page {
    pub title: String,
    pub csrf: String,
    pub user: Option<User>,
    /// A one-line confirmation shown above the content.
    pub notice: Option<String>,
    path: String,
    pub waiting: Waiting,
}

impl Page {
    pub fn new(visitor: &Visitor, title: &str) -> Page {
        Page {
            title: title.to_string(),
            csrf: visitor.csrf.clone(),
            user: visitor.user.clone(),
            notice: None,
            path: visitor.path.clone(),
            waiting: visitor.waiting.clone(),
        }
    }

    /// Whether the menu item `href` is where the visitor is: the page
    /// itself or one below it (`/incidents/INC-…` is under Incidents).
    pub fn at(&self, href: &str) -> bool {
        match href {
            "/" => self.path == "/",
            _ => {
                self.path == href
                    || self
                        .path
                        .strip_prefix(href)
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        }
    }

    /// Whether any of the menu items `hrefs` is where the visitor is.
    pub fn in_group(&self, hrefs: &[&str]) -> bool {
        hrefs.iter().any(|href| self.at(href))
    }

    pub fn is_editor(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Capability::Curate))
    }

    pub fn is_moderator(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Capability::Moderate))
    }

    /// Staff see a menu of their own tools.
    pub fn is_staff(&self) -> bool {
        self.is_admin() || self.is_analyst() || self.is_editor() || self.is_moderator()
    }

    pub fn with_notice(mut self, notice: impl Into<String>) -> Page {
        self.notice = Some(notice.into());
        self
    }

    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Capability::Administer))
    }

    pub fn is_analyst(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Capability::Triage))
    }

    /// Members of a member organisation, who may fetch membership tokens.
    pub fn may_fetch_tokens(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::member_org(u).is_some())
    }

    /// Members of an organisation keep its watchlist.
    pub fn has_watchlist(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| authz::member_org(u).is_some())
    }

    pub fn is_org_admin(&self) -> bool {
        self.user.as_ref().is_some_and(authz::administers_own_org)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub status: u16,
}

pub fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// Re-shows a form with the member's input and what to fix.
pub fn render_invalid(template: &impl Template) -> Result<Response, AppError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(template.render()?)).into_response())
}

/// Safe HTML for user-written Markdown (`lookout-markdown`); for a text too
/// large to render (only an unsaved form's preview can be), the reason,
/// rendered the same safe way.
pub fn markdown_html(text: &str) -> String {
    let limits = lookout_markdown::Limits::default();
    lookout_markdown::render(text, &limits)
        .or_else(|e| lookout_markdown::render(&e.to_string(), &limits))
        .map(|r| r.html)
        .unwrap_or_default()
}

/// [`markdown_html`] for a text whose highest heading belongs at level
/// `top` on its page (2 right under the `<h1>`, 3 under an `<h2>`).
pub fn markdown_html_under(text: &str, top: u8) -> String {
    lookout_markdown::headings_from(&markdown_html(text), top)
}

/// Formats unix seconds as an ISO-like UTC timestamp.
pub fn format_time(secs: &i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(*secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}
