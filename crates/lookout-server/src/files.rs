//! Files people send: read from a form, then cleaned by
//! `lookout-attachments` before anything keeps them. Reports and forum
//! posts both take files this way; each keeps what it stores its own way.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use lookout_attachments::{Limits, Outcome};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::state::AppState;
use crate::web::AppError;

/// A file as it arrived.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What analysts read about an attachment (sealed at rest).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    pub filename: String,
    pub mime: String,
    pub kind: String,
    pub size: u64,
    pub sha256: String,
    /// What cleaning removed, in words.
    pub removed: Vec<String>,
    /// Why members may never see it, when they may not.
    pub analysts_only: Option<String>,
    /// Whether the file as it arrived is kept (the reporter may choose to
    /// send only cleaned copies).
    #[serde(default = "kept")]
    pub original_kept: bool,
}

fn kept() -> bool {
    true
}

impl Meta {
    /// What the reporter is told about this file.
    pub fn outcome(&self) -> String {
        match &self.analysts_only {
            Some(reason) => format!("kept for the analysts only: {reason}"),
            None if self.removed.is_empty() => {
                "no identifying details found; it may be shown to members with the incident".into()
            }
            None => format!(
                "removed {}; the cleaned copy may be shown to members with the incident",
                self.removed.join(", ")
            ),
        }
    }
}

pub struct Prepared {
    pub meta: Meta,
    /// `None` when the reporter chose not to keep originals.
    pub(crate) original: Option<Vec<u8>>,
    pub(crate) cleaned: Option<Vec<u8>>,
}

/// A name of at most 200 characters without any folder: the last path
/// component, control characters dropped; `fallback` when nothing is left.
pub fn plain_name(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        fallback.into()
    } else {
        clean
    }
}

impl Prepared {
    /// The copy with metadata removed, when members may be shown one.
    pub fn cleaned(&self) -> Option<&[u8]> {
        self.cleaned.as_deref()
    }
}

/// Requests whose attachments are cleaned at once, in each process. With
/// the request's files held in memory and Office packages unpacked in
/// bounded chunks, this bounds what cleaning can take from the server.
static CLEANING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// What all the Office packages of one request may unpack to in all: one
/// honest large document, never five bombs.
const REQUEST_UNPACK_BUDGET: u64 = 96 * 1024 * 1024;

/// Cleans at most `max_files` files of one `what` (report, post). Any
/// refused file refuses the lot, with one sentence a file, so the sender
/// can fix it and send again.
pub async fn prepare_at_most(
    uploads: Vec<Upload>,
    max_files: usize,
    what: &str,
    config: &Config,
) -> Result<Vec<Prepared>, Vec<String>> {
    if uploads.len() > max_files {
        return Err(vec![format!(
            "Attach at most {max_files} files to one {what} (you chose {}); put the others in a zip archive.",
            uploads.len()
        )]);
    }
    let limits = Limits {
        max_bytes: config.attachment_max_mb.saturating_mul(1024 * 1024),
        ..Limits::default()
    };
    // However many reports arrive at once, only so many are cleaned at a
    // time: cleaning is CPU-bound, and each holds its files in memory.
    let _turn = CLEANING.acquire().await.map_err(|_| {
        vec!["The attachments could not be checked: send the report again.".to_string()]
    })?;
    let cleaned = tokio::task::spawn_blocking(move || {
        // One budget for everything the files of one request may unpack
        // to, so five bombs cost no more than one.
        let mut budget = REQUEST_UNPACK_BUDGET;
        uploads
            .into_iter()
            .map(|upload| {
                let limits = Limits {
                    max_ooxml_uncompressed: limits.max_ooxml_uncompressed.min(budget),
                    ..limits.clone()
                };
                let result = lookout_attachments::clean(&upload.bytes, &limits);
                if let Ok(cleaned) = &result {
                    budget = budget.saturating_sub(cleaned.unpacked);
                }
                (upload, result)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| {
        vec!["The attachments could not be checked: send the report again.".to_string()]
    })?;
    let mut prepared = Vec::new();
    let mut problems = Vec::new();
    for (upload, result) in cleaned {
        let filename = plain_name(&upload.filename, "attachment");
        match result {
            Err(err) => problems.push(format!("{filename}: {err}")),
            Ok(result) => {
                let (cleaned, removed, analysts_only) = match result.outcome {
                    Outcome::Cleaned { bytes, removed } => (Some(bytes), removed, None),
                    Outcome::AnalystsOnly { reason } => (None, Vec::new(), Some(reason)),
                };
                prepared.push(Prepared {
                    meta: Meta {
                        filename,
                        mime: result.detected.mime.to_string(),
                        kind: result.detected.kind.label().to_string(),
                        size: upload.bytes.len() as u64,
                        sha256: hex::encode(Sha256::digest(&upload.bytes)),
                        removed,
                        analysts_only,
                        original_kept: true,
                    },
                    original: Some(upload.bytes),
                    cleaned,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(prepared)
    } else {
        Err(problems)
    }
}

/// The form's fields and files, from a multipart body (the page's form)
/// or an urlencoded one (a form without files).
pub async fn read_submission(
    state: &AppState,
    request: Request,
) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let pairs = url::form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        return Ok((pairs, Vec::new()));
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read: send it again.".into()))?;
    let mut pairs = Vec::new();
    let mut uploads = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) => {
                let bytes = field.bytes().await?;
                // A file input left empty still sends a nameless, empty part.
                if !(filename.is_empty() && bytes.is_empty()) {
                    uploads.push(Upload {
                        filename,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            None => pairs.push((name, field.text().await?)),
        }
    }
    Ok((pairs, uploads))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(
            plain_name("C:\\Users\\ivan.petrov\\Desktop\\ecdis.jpg", "attachment"),
            "ecdis.jpg"
        );
        assert_eq!(
            plain_name("/home/ivan/ecdis.jpg", "attachment"),
            "ecdis.jpg"
        );
        assert_eq!(plain_name("a\u{7}b.png", "attachment"), "ab.png");
        assert_eq!(plain_name("", "attachment"), "attachment");
    }
}
