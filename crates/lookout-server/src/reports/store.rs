//! Storage of reports and their messages. What a copy of the database must
//! not reveal is sealed: each report has its own random key, wrapped by the
//! master key (outside the database); the report's narrative, indicators,
//! position and exact time, and every message, are sealed under it.

use serde::Serialize;

use super::model::{Mode, ReportForm, SealedBody};
use crate::db::{Db, DbError, Tx, now};
use crate::secrets::{MasterKey, SecretError, open_with, random_bytes, random_id, seal_with};

#[derive(Debug, thiserror::Error)]
pub enum ReportStoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("a sealed report body is not valid JSON")]
    Body(#[from] serde_json::Error),
}

impl From<sqlx::Error> for ReportStoreError {
    fn from(err: sqlx::Error) -> Self {
        ReportStoreError::Db(DbError::Sqlx(err))
    }
}

impl From<ReportStoreError> for crate::web::AppError {
    fn from(err: ReportStoreError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// Rounds down to the hour: the finest time kept in clear.
pub fn hour(secs: i64) -> i64 {
    secs - secs.rem_euclid(3600)
}

/// The clear columns of a report.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub mode: String,
    pub status: String,
    pub reporter_user_id: Option<i64>,
    pub reporter_org_id: Option<i64>,
    pub share_name: i64,
    pub received_hour: i64,
    pub updated_hour: i64,
    pub class: String,
    pub discovered_on: String,
    pub systems: String,
    pub vessel_type: String,
    pub vessel_size: String,
    pub sea_area: String,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    pub tlp: String,
    pub wrapped_key: String,
    pub sealed_body: String,
    pub duplicate_of: Option<i64>,
    pub sealed_identity: Option<String>,
    /// 1 when an anonymous report came with a valid membership token.
    pub verified_member: i64,
}

const COLUMNS: &str = "id, ref, mode, status, reporter_user_id, reporter_org_id, share_name, \
     received_hour, updated_hour, class, discovered_on, systems, vessel_type, vessel_size, sea_area, \
     impact_safety, impact_operations, impact_money, tlp, wrapped_key, sealed_body, duplicate_of, \
     sealed_identity, verified_member";

fn key_context(reference: &str) -> String {
    format!("reports.wrapped_key:{reference}")
}

fn body_context(reference: &str) -> String {
    format!("reports.sealed_body:{reference}")
}

fn message_context(reference: &str) -> String {
    format!("report_messages.sealed_body:{reference}")
}

impl ReportRow {
    pub(crate) fn record_key(&self, master: &MasterKey) -> Result<[u8; 32], ReportStoreError> {
        let bytes = master.open(
            "report-key",
            &key_context(&self.reference),
            &self.wrapped_key,
        )?;
        Ok(bytes.try_into().map_err(|_| SecretError::Crypto)?)
    }

    pub fn body(&self, master: &MasterKey) -> Result<SealedBody, ReportStoreError> {
        let key = self.record_key(master)?;
        let json = open_with(&key, &body_context(&self.reference), &self.sealed_body)?;
        Ok(serde_json::from_slice(&json)?)
    }

    pub fn mode(&self) -> Option<Mode> {
        Mode::parse(&self.mode)
    }
}

/// Who stands behind a new report, as far as the mode allows.
pub enum Reporter {
    Member { user_id: i64, org_id: Option<i64> },
    Anonymous { receipt_lookup: String },
}

/// Stores a validated report; returns its id, reference and record key
/// (for what is stored with it in the same transaction).
pub async fn insert(
    tx: &mut Tx,
    master: &MasterKey,
    form: &ReportForm,
    mode: Mode,
    reporter: Reporter,
    sealed_identity: Option<&str>,
    verified_member: bool,
) -> Result<(i64, String, [u8; 32]), ReportStoreError> {
    let reference = crate::secrets::public_reference("R")?;
    let record_key = random_bytes::<32>()?;
    let wrapped_key = master.seal("report-key", &key_context(&reference), &record_key)?;
    let body = serde_json::to_vec(&form.sealed_body())?;
    let sealed_body = seal_with(&record_key, &body_context(&reference), &body)?;
    let (user_id, org_id, receipt) = match reporter {
        Reporter::Member { user_id, org_id } => (Some(user_id), org_id, None),
        Reporter::Anonymous { receipt_lookup } => (None, None, Some(receipt_lookup)),
    };
    let received = hour(now());
    let id = random_id()?;
    let sql = "INSERT INTO reports (id, ref, mode, status, reporter_user_id, reporter_org_id, share_name, \
         receipt_hash, received_hour, updated_hour, class, discovered_on, systems, vessel_type, vessel_size, \
         sea_area, impact_safety, impact_operations, impact_money, tlp, wrapped_key, sealed_body, sealed_identity, \
         verified_member) \
         VALUES ($22, $1, $2, 'new', $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";
    sqlx::query(sql)
        .bind(&reference)
        .bind(mode.as_str())
        .bind(user_id)
        .bind(org_id)
        .bind(i64::from(form.share_name && mode == Mode::Attributed))
        .bind(receipt)
        .bind(received)
        .bind(&form.class)
        .bind(&form.discovered_on)
        .bind(form.systems.join(" "))
        .bind(&form.vessel_type)
        .bind(&form.vessel_size)
        .bind(&form.sea_area)
        .bind(&form.impact_safety)
        .bind(&form.impact_operations)
        .bind(&form.impact_money)
        .bind(&form.tlp)
        .bind(&wrapped_key)
        .bind(&sealed_body)
        .bind(sealed_identity)
        .bind(i64::from(verified_member))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok((id, reference, record_key))
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<ReportRow>, ReportStoreError> {
    let sql = format!("SELECT {COLUMNS} FROM reports WHERE id = $1");
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Replaces a report's sealed body (the reporter added indicators).
pub async fn update_body(
    tx: &mut Tx,
    master: &MasterKey,
    report: &ReportRow,
    body: &SealedBody,
) -> Result<(), ReportStoreError> {
    let key = report.record_key(master)?;
    let sealed = seal_with(
        &key,
        &body_context(&report.reference),
        &serde_json::to_vec(body)?,
    )?;
    sqlx::query("UPDATE reports SET sealed_body = $1, updated_hour = $2 WHERE id = $3")
        .bind(sealed)
        .bind(hour(now()))
        .bind(report.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<ReportRow>, ReportStoreError> {
    let sql = format!("SELECT {COLUMNS} FROM reports WHERE ref = $1");
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(&db.pool)
        .await?)
}

/// Reports merged into `id`.
pub async fn duplicates_of(db: &Db, id: i64) -> Result<Vec<ReportRow>, ReportStoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reports WHERE duplicate_of = $1 ORDER BY received_hour, ref"
    );
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&db.pool)
        .await?)
}

/// Marks `id` a duplicate of `into`; reports already merged into `id`
/// follow it, so a chain never forms.
pub async fn merge(tx: &mut Tx, id: i64, into: i64) -> Result<bool, ReportStoreError> {
    let done = sqlx::query(
        "UPDATE reports SET status = 'duplicate', duplicate_of = $1, updated_hour = $2 WHERE id = $3",
    )
    .bind(into)
    .bind(hour(now()))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE reports SET duplicate_of = $1 WHERE duplicate_of = $2")
        .bind(into)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_receipt(db: &Db, lookup: &str) -> Result<Option<ReportRow>, ReportStoreError> {
    let sql = format!("SELECT {COLUMNS} FROM reports WHERE receipt_hash = $1");
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(lookup)
        .fetch_optional(&db.pool)
        .await?)
}

/// Reports by status, for the triage queue's summary and the menu's count.
pub async fn count_by_status(db: &Db) -> Result<Vec<(String, i64)>, ReportStoreError> {
    Ok(
        sqlx::query_as("SELECT status, COUNT(*) FROM reports GROUP BY status ORDER BY status")
            .fetch_all(&db.pool)
            .await?,
    )
}

/// The triage inbox: reports in `status` ('' for all), newest hour first
/// (within an hour in no order that says anything: ids are random).
/// What the triage list shows: `status` is a status, "open" (not yet
/// decided) or empty (all); `reference` a piece of a reference.
#[derive(Debug, Default)]
pub struct InboxFilter {
    pub status: String,
    pub reference: String,
    pub class: String,
    pub sea_area: String,
}

const INBOX_WHERE: &str = "($1 = '' OR status = $1 \
     OR ($1 = 'open' AND status IN ('new', 'triaged', 'needs-information'))) \
     AND ($2 = '' OR UPPER(ref) LIKE $2 ESCAPE '\\') AND ($3 = '' OR class = $3) \
     AND ($4 = '' OR sea_area = $4)";

/// When the oldest report of `status` arrived (its hour).
pub async fn oldest_received(db: &Db, status: &str) -> Result<Option<i64>, ReportStoreError> {
    Ok(sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MIN(received_hour) FROM reports WHERE status = $1",
    )
    .bind(status)
    .fetch_one(&db.pool)
    .await?)
}

/// How many reports `filter` keeps.
pub async fn count_inbox(db: &Db, filter: &InboxFilter) -> Result<i64, ReportStoreError> {
    let sql = format!("SELECT COUNT(*) FROM reports WHERE {INBOX_WHERE}");
    Ok(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(&filter.status)
        .bind(crate::db::contains_pattern(&filter.reference))
        .bind(&filter.class)
        .bind(&filter.sea_area)
        .fetch_one(&db.pool)
        .await?)
}

/// One page of the reports `filter` keeps, newest first.
pub async fn list(
    db: &Db,
    filter: &InboxFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<ReportRow>, ReportStoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reports WHERE {INBOX_WHERE} \
         ORDER BY received_hour DESC, ref LIMIT $5 OFFSET $6"
    );
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(&filter.status)
        .bind(crate::db::contains_pattern(&filter.reference))
        .bind(&filter.class)
        .bind(&filter.sea_area)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?)
}

/// A member's own attributed reports.
pub async fn list_for_reporter(db: &Db, user_id: i64) -> Result<Vec<ReportRow>, ReportStoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reports WHERE reporter_user_id = $1 ORDER BY received_hour DESC, ref LIMIT 200"
    );
    Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn set_status(tx: &mut Tx, id: i64, status: &str) -> Result<bool, ReportStoreError> {
    let done = sqlx::query("UPDATE reports SET status = $1, updated_hour = $2 WHERE id = $3")
        .bind(status)
        .bind(hour(now()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub from_analyst: bool,
    pub body: String,
    pub sent_hour: i64,
}

pub async fn add_message(
    tx: &mut Tx,
    master: &MasterKey,
    report: &ReportRow,
    analyst_id: Option<i64>,
    body: &str,
) -> Result<(), ReportStoreError> {
    let key = report.record_key(master)?;
    let sealed = seal_with(&key, &message_context(&report.reference), body.as_bytes())?;
    sqlx::query(
        "INSERT INTO report_messages (id, report_id, position, from_analyst, analyst_id, sealed_body, sent_hour) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM report_messages WHERE report_id = $2), \
         $3, $4, $5, $6)",
    )
    .bind(random_id()?)
    .bind(report.id)
    .bind(i64::from(analyst_id.is_some()))
    .bind(analyst_id)
    .bind(sealed)
    .bind(hour(now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn messages(
    db: &Db,
    master: &MasterKey,
    report: &ReportRow,
) -> Result<Vec<Message>, ReportStoreError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT from_analyst, sealed_body, sent_hour FROM report_messages WHERE report_id = $1 ORDER BY position",
    )
    .bind(report.id)
    .fetch_all(&db.pool)
    .await?;
    let key = report.record_key(master)?;
    rows.into_iter()
        .map(|(from_analyst, sealed, sent_hour)| {
            let bytes = open_with(&key, &message_context(&report.reference), &sealed)?;
            Ok(Message {
                from_analyst: from_analyst != 0,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                sent_hour,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::hour;

    #[test]
    fn hours_round_down() {
        assert_eq!(hour(7200), 7200);
        assert_eq!(hour(7199), 3600);
        assert_eq!(hour(1_767_225_599), 1_767_222_000);
    }
}
