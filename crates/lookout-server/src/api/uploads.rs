//! Resumable report uploads for links that drop: create a session, send
//! the report's JSON (the body of `POST /api/v1/reports`) in chunks at the
//! offset the portal holds, then ask for the report. Storage and the
//! guarantees are in `reports::uploads`; the protocol for clients in
//! docs/reporting-from-ships.md.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reports::{NewReport, ReportReceived};
use crate::accounts::api_auth::MaybeApiUser;
use crate::reports::uploads::{self, Appended, CHUNK_MAX, Claim, Finish};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::json::ApiJson;
use crate::web::problem::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, Problem,
    Unauthorized, UnprocessableContent, UnsupportedMediaType,
};

/// The header naming the offset a chunk starts at, and the offset held.
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// A new upload session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    /// The size, in bytes, of the report's JSON to be sent.
    #[schema(minimum = 1, example = 312_480)]
    pub length: i64,
}

/// Where an upload stands.
#[derive(Serialize, ToSchema)]
pub struct UploadState {
    /// The session's id: the client's secret, needed for every later call.
    /// Only in the answer that creates the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Bytes the portal holds; the next chunk starts here.
    pub offset: i64,
    pub length: i64,
    /// `receiving`, `submitting` (a request is storing the report now) or
    /// `submitted`.
    pub state: String,
}

fn with_offset(mut response: Response, offset: i64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&offset.to_string()) {
        response.headers_mut().insert(UPLOAD_OFFSET, value);
    }
    response
}

/// A 409 that names the offset the portal holds, in words and header.
fn conflict_at(held: i64, detail: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, detail).with_header(
        axum::http::HeaderName::from_static(UPLOAD_OFFSET),
        HeaderValue::from(held),
    )
}

fn missing() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "No such upload: it may have expired (a day after it began). Start a new one.",
    )
}

#[utoipa::path(
    post,
    path = "/v1/uploads",
    tag = "reports",
    operation_id = "create_upload",
    summary = "Begin a resumable report upload",
    description = "For links that drop: the report's JSON (as for POST /api/v1/reports) is \
        then sent in chunks with PATCH and the report asked for with POST \
        /api/v1/uploads/{id}/report. The answer's `id` is the only way back to the upload: \
        the portal keeps a keyed hash of it. Needs no token; nothing about the sender is kept, \
        times only to the hour, and the session is forgotten a day later.",
    security(()),
    request_body(content = NewUpload, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = UploadState),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn create_upload(
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewUpload>,
) -> Result<Response, Problem> {
    let largest = i64::try_from(state.config.upload_limit()).unwrap_or(i64::MAX);
    if new.length < 1 {
        return Err(Problem::unprocessable(
            "length must be the size of the report's JSON, at least 1 byte.",
        ));
    }
    if new.length > largest {
        return Err(AppError::PayloadTooLarge.into());
    }
    let id = uploads::create(&state.db, &state.key, new.length)
        .await
        .map_err(AppError::from)?;
    let body = UploadState {
        id: Some(id.clone()),
        offset: 0,
        length: new.length,
        state: "receiving".into(),
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/uploads/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(with_offset(response, 0))
}

#[utoipa::path(
    get,
    path = "/v1/uploads/{id}",
    tag = "reports",
    operation_id = "get_upload",
    summary = "Where an upload stands",
    description = "The offset the portal holds (also in the Upload-Offset header): after a \
        dropped connection, send the rest from there.",
    params(("id" = String, Path, description = "The id the upload was created with")),
    security(()),
    responses(
        (status = 200, description = "The upload", body = UploadState),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let session = uploads::session(&state.db, &state.key, &id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(missing)?;
    let body = UploadState {
        id: None,
        offset: session.received,
        length: session.length,
        state: session.state,
    };
    Ok(with_offset(Json(body).into_response(), session.received))
}

#[utoipa::path(
    patch,
    path = "/v1/uploads/{id}",
    tag = "reports",
    operation_id = "append_upload",
    summary = "Send the next chunk of an upload",
    description = "The body is the next bytes of the report's JSON (at most 1 MiB), starting at \
        the offset given in the Upload-Offset header, which must be the offset the portal holds: \
        otherwise 409, with the offset held in the Upload-Offset header. A chunk cut off by a \
        dropped link is not kept; send it again from the offset held.",
    params(
        ("id" = String, Path, description = "The id the upload was created with"),
        ("Upload-Offset" = i64, Header, description = "Where this chunk starts"),
    ),
    security(()),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Appended", body = UploadState),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 500, response = InternalError),
    )
)]
pub async fn append_upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, Problem> {
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|o| *o >= 0)
        .ok_or_else(|| {
            Problem::bad_request(
                "Say where this chunk starts in the Upload-Offset header (GET the upload for the \
                 offset the portal holds).",
            )
        })?;
    let bytes = body.map_err(|rejection| {
        if crate::web::idle::is_stalled(&rejection) {
            Problem::from(AppError::Stalled)
        } else {
            Problem::from(AppError::PayloadTooLarge)
        }
    })?;
    if bytes.len() > CHUNK_MAX {
        return Err(AppError::PayloadTooLarge.into());
    }
    match uploads::append(&state.db, &state.key, &id, offset, &bytes)
        .await
        .map_err(AppError::from)?
    {
        Appended::At(held) => {
            let session = uploads::session(&state.db, &state.key, &id)
                .await
                .map_err(AppError::from)?
                .ok_or_else(missing)?;
            let body = UploadState {
                id: None,
                offset: held,
                length: session.length,
                state: session.state,
            };
            Ok(with_offset(Json(body).into_response(), held))
        }
        Appended::Elsewhere(held) => Err(conflict_at(
            held,
            format!(
                "The portal holds {held} bytes of this upload: send the chunk that starts there."
            ),
        )),
        Appended::TooLong => Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "This chunk would pass the length the upload was created with.",
        )),
        Appended::Missing => Err(missing()),
    }
}

#[utoipa::path(
    post,
    path = "/v1/uploads/{id}/report",
    tag = "reports",
    operation_id = "submit_upload",
    summary = "Report the incident an upload holds",
    description = "Once every byte has arrived, the upload is read as the body of POST \
        /api/v1/reports and stored the same way (with the same Authorization rules). Asked again \
        (the answer was lost on the way), it gives the same answer and stores nothing more. 409 \
        while bytes are missing or another request is storing it.",
    params(("id" = String, Path, description = "The id the upload was created with")),
    security((), ("bearer" = ["write"])),
    responses(
        (status = 201, description = "Stored", body = ReportReceived),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn submit_upload(
    State(state): State<AppState>,
    MaybeApiUser(api): MaybeApiUser,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let created = |body: Vec<u8>| {
        let mut response = (StatusCode::CREATED, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let body = match uploads::claim(&state.db, &state.key, &id)
        .await
        .map_err(AppError::from)?
    {
        Claim::Body(body) => body,
        Claim::Answered(answer) => return Ok(created(answer)),
        Claim::Incomplete(held, length) => {
            return Err(conflict_at(
                held,
                format!(
                    "The portal holds {held} of the upload's {length} bytes: send the rest first."
                ),
            ));
        }
        Claim::Busy => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "Another request is storing this report now: ask again in a minute for its \
                 answer.",
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("60")));
        }
        Claim::Missing => return Err(missing()),
    };
    let finish = Finish::new(&state.key, &id);
    let outcome = match crate::web::json::parse::<NewReport>(&body) {
        Ok(new) => super::reports::accept_new(&state, api.as_ref(), new, Some(&finish)).await,
        Err(problem) => Err(problem),
    };
    match outcome {
        Ok(received) => {
            let body = serde_json::to_vec(&received).map_err(AppError::internal)?;
            Ok(created(body))
        }
        Err(problem) => {
            // Nothing was stored: the upload may be asked for again (a
            // token added, an analyst's key made), or abandoned.
            uploads::release(&state.db, &state.key, &id)
                .await
                .map_err(AppError::from)?;
            Err(problem)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_offset_header_is_a_valid_header_name() {
        let _ = axum::http::HeaderName::from_static(super::UPLOAD_OFFSET);
    }
}
