//! A JSON body extractor whose refusals are problem details, never axum's
//! plain-text rejections.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use super::problem::Problem;
use crate::web::AppError;

/// Like [`axum::Json`] as an extractor, but failing with:
/// - 415 when the body is not declared as JSON,
/// - 400 when it is not well-formed JSON,
/// - 422 when it is JSON but not an object, or an object of the wrong shape
///   (missing field, wrong type),
/// - 413 when it is too large,
///
/// each as `application/problem+json`.
///
/// Every request body of this API is an object; serde alone would also take
/// an array for a struct (its fields in order), which the document does not
/// allow.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers()) {
            return Err(Problem::unsupported_media_type(
                "Send the body as JSON, with the header `Content-Type: application/json`.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(unreadable)?;
        parse(&bytes).map(ApiJson)
    }
}

/// `application/json`, or any `application/*+json`, with any parameters
/// (what `axum::Json` accepts).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json") || subtype.to_ascii_lowercase().ends_with("+json"))
}

/// A body already read (an upload's assembled bytes) read as [`ApiJson`]
/// reads one, refused the same way.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(err) => {
            return Err(Problem::bad_request(format!(
                "The body is not valid JSON: {err}"
            )));
        }
        Ok(value) if !value.is_object() => {
            return Err(Problem::unprocessable(
                "The body must be a JSON object, like {\"name\": …}.",
            ));
        }
        Ok(_) => {}
    }
    match Json::<T>::from_bytes(bytes) {
        Ok(Json(value)) => Ok(value),
        Err(JsonRejection::JsonDataError(err)) => Err(Problem::unprocessable(format!(
            "The JSON body does not have the expected fields: {}",
            inner_message(&err.body_text())
        ))),
        Err(other) => Err(Problem::bad_request(format!(
            "The body is not valid JSON: {}",
            inner_message(&other.body_text())
        ))),
    }
}

fn unreadable(rejection: BytesRejection) -> Problem {
    if crate::web::idle::is_stalled(&rejection) {
        return AppError::Stalled.into();
    }
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge.into(),
        status if status.is_client_error() => Problem::new(
            status,
            "The request body could not be read. Please send it again.",
        ),
        _ => AppError::internal(anyhow::anyhow!(
            "reading a request body: {}",
            rejection.body_text()
        ))
        .into(),
    }
}

/// axum's text is "<generic sentence>: <serde's message>"; keep serde's.
fn inner_message(body_text: &str) -> &str {
    body_text
        .split_once(": ")
        .map_or(body_text, |(_, inner)| inner)
        .trim()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn json_content_types() {
        let with = |ct: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(with("Application/JSON"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/json"));
        assert!(!with("application/jsonx"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with(""));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn keeps_serdes_words() {
        assert_eq!(
            inner_message(
                "Failed to deserialize the JSON body into the target type: missing field `kind` at line 1 column 15"
            ),
            "missing field `kind` at line 1 column 15"
        );
        assert_eq!(inner_message("no colon"), "no colon");
    }
}
