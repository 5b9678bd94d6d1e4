//! Report attachments. `lookout-attachments` decides what each file is and
//! cleans what it can; here the original (for the analysts' chain of
//! custody), its name, type and SHA-256, and the cleaned copy are sealed
//! under the report's key, in the same transaction as the report. Members
//! only ever receive a cleaned copy an analyst published with the incident,
//! under a name of ours.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::store::{ReportRow, ReportStoreError, hour};
use crate::config::Config;
use crate::db::{Db, Tx, now};
use crate::files::{Meta, Prepared, Upload, prepare_at_most};
use crate::secrets::{MasterKey, open_bytes, seal_bytes, seal_with};

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
