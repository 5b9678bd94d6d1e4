//! Reviewed documents in the database, for any kind's [`super::Tables`]. Every
//! change to a document's state is a conditional update, so a double click
//! (or two people at once) changes it once.

use serde_json::Value;

use super::{Content, Reviewed, Version};
use crate::db::{Db, Tx, now};

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn select_versions<R: Reviewed>() -> String {
    let (versions, document_id, reviewed_by) = R::TABLES.versions;
    format!(
        "SELECT id, {document_id} AS document_id, number, {}, author_id, submitted_by, \
         {reviewed_by} AS reviewed_by, created_at FROM {versions}",
        <R::Content as Content>::COLUMNS
    )
}

/// The columns a version's content fills: its own, then `tlp_rank`.
fn content_columns<C: Content>() -> Vec<&'static str> {
    C::COLUMNS
        .split(',')
        .map(str::trim)
        .chain(["tlp_rank"])
        .collect()
}

/// Binds `content`'s values in the order of [`content_columns`].
fn bind_content<'q, C: Content>(
    mut query: AnyQuery<'q>,
    content: &C,
) -> Result<AnyQuery<'q>, sqlx::Error> {
    let unfit = |column: &str| sqlx::Error::ColumnNotFound(column.to_string());
    let fields = match serde_json::to_value(content) {
        Ok(Value::Object(fields)) => fields,
        _ => return Err(unfit(C::COLUMNS)),
    };
    for column in C::COLUMNS.split(',').map(str::trim) {
        query = match fields.get(column) {
            Some(Value::String(text)) => query.bind(text.clone()),
            Some(Value::Number(n)) => query.bind(n.as_i64().ok_or_else(|| unfit(column))?),
            _ => return Err(unfit(column)),
        };
    }
    Ok(query.bind(content.tlp_rank()))
}

/// ` AND {alias}state IN (…)` when only some states may still publish.
fn open_condition<R: Reviewed>(alias: &str) -> String {
    if R::OPEN_STATES.is_empty() {
        return String::new();
    }
    let states: Vec<String> = R::OPEN_STATES.iter().map(|s| format!("'{s}'")).collect();
    format!(" AND {alias}state IN ({})", states.join(", "))
}

/// A document by the key its pages are addressed by. Reads through the
/// pool (`&db.pool`) or inside a transaction (`&mut **tx`).
pub async fn by_key<'e, R: Reviewed>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    key: &str,
) -> Result<Option<R>, sqlx::Error> {
    let (documents, columns, key_column, _) = R::TABLES.documents;
    let sql = format!("SELECT {columns} FROM {documents} WHERE {key_column} = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(executor)
        .await
}

/// A document by another unique column, inside a transaction.
pub async fn by_column_in<R: Reviewed>(
    tx: &mut Tx,
    column: &'static str,
    value: impl for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
) -> Result<Option<R>, sqlx::Error> {
    let (documents, columns, _, _) = R::TABLES.documents;
    let sql = format!("SELECT {columns} FROM {documents} WHERE {column} = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(&mut **tx)
        .await
}

/// Adds version `number` of a document, not yet submitted.
pub async fn insert_version<R: Reviewed>(
    tx: &mut Tx,
    document_id: i64,
    number: i64,
    content: &R::Content,
    author_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let (versions, document_column, _) = R::TABLES.versions;
    let columns = content_columns::<R::Content>();
    let values: Vec<String> = (1..=columns.len() + 4).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO {versions} ({}, author_id, created_at, {document_column}, number) \
         VALUES ({})",
        columns.join(", "),
        values.join(", ")
    );
    bind_content(sqlx::query(sqlx::AssertSqlSafe(sql)), content)?
        .bind(author_id)
        .bind(now())
        .bind(document_id)
        .bind(number)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn version<'e, R: Reviewed>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    document_id: i64,
    number: i64,
) -> Result<Option<Version<R::Content>>, sqlx::Error> {
    let sql = format!(
        "{} WHERE {} = $1 AND number = $2",
        select_versions::<R>(),
        R::TABLES.versions.1
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(document_id)
        .bind(number)
        .fetch_optional(executor)
        .await
}

/// The newest version, published or not: what the editor opens.
pub async fn latest<'e, R: Reviewed>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    document_id: i64,
) -> Result<Option<Version<R::Content>>, sqlx::Error> {
    Ok(versions::<R>(executor, document_id, 1).await?.pop())
}

/// The newest `limit` versions, newest first.
pub async fn versions<'e, R: Reviewed>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    document_id: i64,
    limit: i64,
) -> Result<Vec<Version<R::Content>>, sqlx::Error> {
    let sql = format!(
        "{} WHERE {} = $1 ORDER BY number DESC LIMIT $2",
        select_versions::<R>(),
        R::TABLES.versions.1
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(document_id)
        .bind(limit)
        .fetch_all(executor)
        .await
}

/// Saves the author's text as the working draft: over the existing one
/// (whose submission then lapses, so it must be submitted again) or as a
/// new version after the published one.
pub async fn save_draft<R: Reviewed>(
    tx: &mut Tx,
    document: &R,
    content: &R::Content,
    author_id: i64,
) -> Result<(), sqlx::Error> {
    let head = document.head();
    match latest::<R>(&mut **tx, head.id).await? {
        Some(draft) if Some(draft.number) != head.published => {
            let (versions, _, reviewed_by) = R::TABLES.versions;
            let columns = content_columns::<R::Content>();
            let n = columns.len();
            let set: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, column)| format!("{column} = ${}", i + 1))
                .collect();
            let sql = format!(
                "UPDATE {versions} SET {}, author_id = ${}, submitted_by = NULL, \
                 {reviewed_by} = NULL, created_at = ${} WHERE id = ${}",
                set.join(", "),
                n + 1,
                n + 2,
                n + 3
            );
            bind_content(sqlx::query(sqlx::AssertSqlSafe(sql)), content)?
                .bind(author_id)
                .bind(now())
                .bind(draft.id)
                .execute(&mut **tx)
                .await?;
        }
        latest => {
            let next = latest.map_or(1, |v| v.number + 1);
            insert_version::<R>(tx, head.id, next, content, Some(author_id)).await?;
        }
    }
    let sql = format!(
        "UPDATE {} SET updated_at = $1 WHERE id = $2",
        R::TABLES.documents.0
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now())
        .bind(head.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the working draft as waiting for a second person.
pub async fn submit<R: Reviewed>(
    tx: &mut Tx,
    version_id: i64,
    author_id: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET submitted_by = $1 WHERE id = $2",
        R::TABLES.versions.0
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(author_id)
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes `version` the one readers see, then lets the kind announce it.
/// `reviewer_id` is `None` when it is published without review. False when
/// it already was (or a newer one is, or the document is closed).
pub async fn publish<R: Reviewed>(
    tx: &mut Tx,
    document: &R,
    version: &Version<R::Content>,
    reviewer_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let t = &R::TABLES;
    let sql = format!(
        "UPDATE {documents} SET state = 'published', {published} = $1, updated_at = $2, \
         published_at = COALESCE(published_at, $2) \
         WHERE id = $3 AND ({published} IS NULL OR {published} < $1){open}",
        documents = t.documents.0,
        published = t.documents.3,
        open = open_condition::<R>(""),
    );
    let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(version.number)
        .bind(now())
        .bind(document.head().id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    let (versions, _, reviewed_by) = t.versions;
    let sql = format!("UPDATE {versions} SET {reviewed_by} = $1 WHERE id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(reviewer_id)
        .bind(version.id)
        .execute(&mut **tx)
        .await?;
    document.published(tx, version).await?;
    Ok(true)
}

/// Moves a document from state `from` to `to`; false when it was not in
/// `from`.
pub async fn transition<R: Reviewed>(
    tx: &mut Tx,
    document_id: i64,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        R::TABLES.documents.0
    );
    let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to)
        .bind(now())
        .bind(document_id)
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// `documents a JOIN versions v` on the version readers see, for a kind's
/// own lists of published documents.
pub fn published_versions<R: Reviewed>() -> String {
    let t = &R::TABLES;
    let (versions, document_id, _) = t.versions;
    format!(
        "{} a JOIN {versions} v ON v.{document_id} = a.id AND v.number = a.{}",
        t.documents.0, t.documents.3
    )
}

/// The reviewers' queue: documents with a working draft, newest first,
/// as `columns` of the document (`a.`) and its draft (`v.`) read them.
pub async fn list_drafts<R: Reviewed, L>(
    db: &Db,
    columns: &str,
    limit: i64,
) -> Result<Vec<L>, sqlx::Error>
where
    L: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let t = &R::TABLES;
    let (versions, document_id, _) = t.versions;
    let sql = format!(
        "SELECT {columns} FROM {documents} a JOIN {versions} v ON v.{document_id} = a.id \
         WHERE v.number = (SELECT MAX(number) FROM {versions} x WHERE x.{document_id} = a.id)\
         {open} AND (a.{published} IS NULL OR v.number > a.{published}) \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT $1",
        documents = t.documents.0,
        published = t.documents.3,
        open = open_condition::<R>("a."),
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}
