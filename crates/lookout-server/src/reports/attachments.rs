//! Report attachments. `lookout-attachments` decides what each file is and
//! cleans what it can; here the original (for the analysts' chain of
//! custody), its name, type and SHA-256, and the cleaned copy are sealed
//! under the report's key, in the same transaction as the report. Members
//! only ever receive a cleaned copy an analyst published with the incident,
//! under a name of ours.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lookout_attachments::{Limits, Outcome};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store::{ReportRow, ReportStoreError, hour};
use crate::config::Config;
use crate::db::{Db, Tx, now};
use crate::secrets::{MasterKey, open_bytes, seal_bytes, seal_with};

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
    original: Option<Vec<u8>>,
    cleaned: Option<Vec<u8>>,
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

/// Cleans every upload of a report. Any refused file refuses the lot, with
/// one sentence a file, so the reporter can fix it and send again.
/// With `keep_originals` false only cleaned copies are kept, and a file
/// that cannot be cleaned is refused (its original would be all there is).
pub async fn prepare(
    uploads: Vec<Upload>,
    config: &Config,
    keep_originals: bool,
) -> Result<Vec<Prepared>, Vec<String>> {
    let prepared =
        prepare_at_most(uploads, config.attachments_per_report, "report", config).await?;
    if keep_originals {
        return Ok(prepared);
    }
    let mut problems = Vec::new();
    let only_cleaned = prepared
        .into_iter()
        .filter_map(|mut item| match item.cleaned {
            Some(_) => {
                item.original = None;
                item.meta.original_kept = false;
                Some(item)
            }
            None => {
                problems.push(format!(
                    "{}: it cannot be cleaned, so only the file as you sent it could be kept. \
                     Keep the originals for this report, or leave the file out.",
                    item.meta.filename
                ));
                None
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(only_cleaned)
    } else {
        Err(problems)
    }
}

/// [`prepare`] for at most `max_files` files of one `what` (report, post).
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

fn context(report: &str, position: i64, column: &str) -> String {
    format!("report_attachments.{column}:{report}:{position}")
}

/// The name analysts see for a file of a report whose reporter is not
/// named: the uploaded name (`northwind-tankers_NORDIC-STAR_bridge.jpg`)
/// can say who sent it, so it is never kept.
pub fn neutral_name(position: i64, mime: &str) -> String {
    format!("attachment-{position}.{}", extension(mime))
}

/// Stores attachments after those the report already has; `keep_names`
/// only for reports under the reporter's name.
pub async fn store_all(
    tx: &mut Tx,
    record_key: &[u8; 32],
    report_id: i64,
    reference: &str,
    prepared: &[Prepared],
    keep_names: bool,
) -> Result<(), ReportStoreError> {
    let first: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) FROM report_attachments WHERE report_id = $1",
    )
    .bind(report_id)
    .fetch_one(&mut **tx)
    .await?;
    for (offset, item) in prepared.iter().enumerate() {
        let position = first + 1 + i64::try_from(offset).unwrap_or(0);
        let mut meta = item.meta.clone();
        if !keep_names {
            meta.filename = neutral_name(position, &meta.mime);
        }
        let meta = serde_json::to_vec(&meta)?;
        let sealed_meta = seal_with(
            record_key,
            &context(reference, position, "sealed_meta"),
            &meta,
        )?;
        // A discarded original leaves an empty sealed value (the column
        // predates the choice and cannot be null).
        let original = seal_bytes(
            record_key,
            &context(reference, position, "sealed_original"),
            item.original.as_deref().unwrap_or_default(),
        )?;
        let cleaned = match &item.cleaned {
            Some(bytes) => Some(seal_bytes(
                record_key,
                &context(reference, position, "sealed_cleaned"),
                bytes,
            )?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO report_attachments (id, report_id, position, sealed_meta, sealed_original, sealed_cleaned, added_hour) \
             VALUES ($7, $1, $2, $3, $4, $5, $6)",
        )
        .bind(report_id)
        .bind(position)
        .bind(sealed_meta)
        .bind(original)
        .bind(cleaned)
        .bind(hour(now()))
        .bind(crate::secrets::random_id()?)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// An attachment as listed to analysts (and, when published, members).
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub position: i64,
    pub meta: Meta,
    pub has_cleaned: bool,
    pub published: bool,
}

pub async fn list(
    db: &Db,
    master: &MasterKey,
    report: &ReportRow,
) -> Result<Vec<Listed>, ReportStoreError> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT position, sealed_meta, CASE WHEN sealed_cleaned IS NULL THEN 0 ELSE 1 END, published \
         FROM report_attachments WHERE report_id = $1 ORDER BY position",
    )
    .bind(report.id)
    .fetch_all(&db.pool)
    .await?;
    let key = report.record_key(master)?;
    rows.into_iter()
        .map(|(position, sealed_meta, has_cleaned, published)| {
            let meta = crate::secrets::open_with(
                &key,
                &context(&report.reference, position, "sealed_meta"),
                &sealed_meta,
            )?;
            Ok(Listed {
                position,
                meta: serde_json::from_slice(&meta)?,
                has_cleaned: has_cleaned == 1,
                published: published == 1,
            })
        })
        .collect()
}

/// Which copy to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copy {
    Original,
    Cleaned,
}

/// One attachment's bytes; `None` if there is no such copy.
pub async fn open(
    db: &Db,
    master: &MasterKey,
    report: &ReportRow,
    position: i64,
    copy: Copy,
) -> Result<Option<(Meta, Vec<u8>)>, ReportStoreError> {
    let row: Option<(String, Vec<u8>, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT sealed_meta, sealed_original, sealed_cleaned FROM report_attachments \
         WHERE report_id = $1 AND position = $2",
    )
    .bind(report.id)
    .bind(position)
    .fetch_optional(&db.pool)
    .await?;
    let Some((sealed_meta, original, cleaned)) = row else {
        return Ok(None);
    };
    let key = report.record_key(master)?;
    let meta: Meta = serde_json::from_slice(&crate::secrets::open_with(
        &key,
        &context(&report.reference, position, "sealed_meta"),
        &sealed_meta,
    )?)?;
    let (column, sealed) = match copy {
        Copy::Original if !meta.original_kept => return Ok(None),
        Copy::Original => ("sealed_original", Some(original)),
        Copy::Cleaned => ("sealed_cleaned", cleaned),
    };
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let bytes = open_bytes(&key, &context(&report.reference, position, column), &sealed)?;
    Ok(Some((meta, bytes)))
}

/// Publishes exactly the cleaned attachments at `positions`.
pub async fn set_published(
    tx: &mut Tx,
    report_id: i64,
    positions: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE report_attachments SET published = 0 WHERE report_id = $1")
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    for position in positions {
        sqlx::query(
            "UPDATE report_attachments SET published = 1 \
             WHERE report_id = $1 AND position = $2 AND sealed_cleaned IS NOT NULL",
        )
        .bind(report_id)
        .bind(position)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn is_published(db: &Db, report_id: i64, position: i64) -> Result<bool, sqlx::Error> {
    let published: Option<i64> = sqlx::query_scalar(
        "SELECT published FROM report_attachments WHERE report_id = $1 AND position = $2",
    )
    .bind(report_id)
    .bind(position)
    .fetch_optional(&db.pool)
    .await?;
    Ok(published == Some(1))
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        _ => "bin",
    }
}

/// A download that no browser renders in the portal's origin: always an
/// attachment, originals always as opaque bytes, under a name of ours.
pub fn download(bytes: Vec<u8>, meta: &Meta, name: &str, copy: Copy) -> Response {
    let (mime, ext) = match copy {
        Copy::Original => ("application/octet-stream", "bin"),
        Copy::Cleaned => (meta.mime.as_str(), extension(&meta.mime)),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
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
