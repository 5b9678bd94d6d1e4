//! The HTTP toolkit every feature uses: errors, the visitor, templates,
//! headers, form and upload reading, downloads. It names no feature; the
//! router and the middleware order are the roof's (`app`).

pub mod confirm;
pub mod error;
pub mod headers;
pub mod idle;
pub mod json;
pub mod labels;
pub mod paging;
pub mod problem;
pub mod templates;
pub mod visitor;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub use error::{ApiError, AppError};
pub use visitor::{ClientAddr, CookieChange, Visitor, Waiting};

/// Largest request body the portal accepts outside upload routes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A route that takes files, as the roof's route table says: the largest
/// body it accepts and whether only signed-in members may send one. Put in
/// the request's extensions before the visitor layer reads the form.
#[derive(Clone, Copy, Debug)]
pub struct UploadRoute {
    pub limit: usize,
    pub members_only: bool,
}

/// A download: always an attachment (never rendered in the portal's
/// origin), of `content_type`, saved as `file_name`.
pub fn attachment(
    body: impl Into<axum::body::Body>,
    content_type: &'static str,
    file_name: &str,
) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_DISPOSITION, disposition(file_name));
    response
}

/// `attachment` with the name: plain ASCII as it is, anything else encoded
/// as RFC 6266 says (`filename*=UTF-8''…`). Never without `attachment`,
/// which keeps browsers from rendering the file inside the portal's origin.
fn disposition(file_name: &str) -> HeaderValue {
    let plain = file_name
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    let value = if plain {
        format!("attachment; filename=\"{file_name}\"")
    } else {
        format!(
            "attachment; filename*=UTF-8''{}",
            percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("attachment"))
}

/// A file built into the binary, with its type and how long browsers and
/// proxies may keep it.
pub fn static_file(
    body: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_stays_an_attachment_whatever_its_name() {
        for name in ["chart.pdf", "Ærøskøbing havn.jpg", "a\nb"] {
            let response = super::attachment(Vec::new(), "application/pdf", name);
            let disposition = response.headers()[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                disposition.starts_with("attachment"),
                "{name}: {disposition}"
            );
        }
    }
}
