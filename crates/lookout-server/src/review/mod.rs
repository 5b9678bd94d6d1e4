//! Reviewed documents: a document has numbered versions, the one readers
//! see (its published number) and at most one newer working draft, which
//! its author submits and a second person publishes. Each kind of document
//! says where it is stored ([`Tables`]), what a version holds
//! ([`Content`]), and what else publishing it sets off ([`Reviewed`],
//! implemented by its row); [`flow::Workflow`] adds who must review it and
//! where its pages live.
//! The storage and the steps from draft to publication are kept here once.

pub mod flow;
pub mod store;

use std::future::Future;

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::Tx;

/// Where one kind of document and its versions are stored: trusted names,
/// written into SQL as they are.
pub struct Tables {
    /// The documents' table, the columns its row type reads, the unique
    /// column its pages are addressed by, and the column holding the number
    /// of the version readers see.
    pub documents: (&'static str, &'static str, &'static str, &'static str),
    /// The versions' table, its column naming the document, and its column
    /// naming who published the version.
    pub versions: (&'static str, &'static str, &'static str),
}

/// What one version of a document says. Its fields are its columns:
/// `FromRow` reads them by name, and its serialisation gives the values
/// to write.
pub trait Content:
    Serialize + for<'r> sqlx::FromRow<'r, AnyRow> + Clone + PartialEq + Send + Sync + Unpin + 'static
{
    /// The version columns, comma-separated, as the fields are named.
    const COLUMNS: &'static str;

    /// The rank of its sharing level, stored beside it (`tlp_rank`) so
    /// lists filter by clearance in SQL.
    fn tlp_rank(&self) -> i64;
}

/// What the workflow needs of a document's row.
pub struct Head<'a> {
    pub id: i64,
    /// What its pages are addressed by.
    pub key: &'a str,
    /// The number of the version readers see, once there is one.
    pub published: Option<i64>,
}

impl<'a> Head<'a> {
    pub fn new(id: i64, key: &'a str, published: Option<i64>) -> Head<'a> {
        Head { id, key, published }
    }
}

/// One kind of reviewed document, implemented by its row.
pub trait Reviewed: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Sync + Unpin + 'static {
    type Content: Content;

    const TABLES: Tables;
    /// Document states in which a newer version may still be published;
    /// empty for any.
    const OPEN_STATES: &'static [&'static str] = &[];

    fn head(&self) -> Head<'_>;

    /// What else happens, in the publishing transaction, once `version` is
    /// the one readers see. `self` is the row as it was before.
    fn published(
        &self,
        tx: &mut Tx,
        version: &Version<Self::Content>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

/// One numbered version of a document.
#[derive(Clone, Debug, Serialize)]
pub struct Version<C> {
    pub id: i64,
    pub document_id: i64,
    pub number: i64,
    pub content: C,
    pub author_id: Option<i64>,
    /// Who asked for review; cleared when the draft changes.
    pub submitted_by: Option<i64>,
    /// Who published it (`None` for one published without review).
    pub reviewed_by: Option<i64>,
    pub created_at: i64,
}

impl<'r, C: sqlx::FromRow<'r, AnyRow>> sqlx::FromRow<'r, AnyRow> for Version<C> {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Version {
            id: row.try_get("id")?,
            document_id: row.try_get("document_id")?,
            number: row.try_get("number")?,
            content: C::from_row(row)?,
            author_id: row.try_get("author_id")?,
            submitted_by: row.try_get("submitted_by")?,
            reviewed_by: row.try_get("reviewed_by")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// Whether `version` is a working draft rather than the one readers see.
pub fn is_working_draft<C>(document: &impl Reviewed, version: &Version<C>) -> bool {
    Some(version.number) != document.head().published
}
