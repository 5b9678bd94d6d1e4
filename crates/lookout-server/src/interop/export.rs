//! Keeping the exported objects and events equal to what is published.
//! A change to an incident, advisory or analysis marks it (`mark_*`, in
//! the change's own transaction); `sync` exports what is marked, before
//! every TAXII or feed read and on each housekeeping round, whichever
//! process gets there first. A subject no longer published loses its
//! objects and its event.

use lookout_intel::{Tlp, misp, stix};

use super::documents;
use super::store::{self, NewEvent, NewObject};
use crate::db::{Tx, now};
use crate::sharing::clearance::tlp_rank;
use crate::state::AppState;
use crate::web::AppError;

/// Subjects exported in one transaction.
const BATCH: i64 = 200;

pub async fn mark_incident(tx: &mut Tx, report_id: i64) -> Result<(), sqlx::Error> {
    store::mark(tx, "incident", report_id).await
}

pub async fn mark_advisory(tx: &mut Tx, advisory_id: i64) -> Result<(), sqlx::Error> {
    store::mark(tx, "advisory", advisory_id).await
}

pub async fn mark_analysis(tx: &mut Tx, analysis_id: i64) -> Result<(), sqlx::Error> {
    store::mark(tx, "analysis", analysis_id).await
}

/// The collection of a sharing level, and of an organisation.
pub fn level_collection(tlp: Tlp) -> String {
    tlp.id().to_owned()
}

pub fn org_collection(org_id: i64) -> String {
    format!("org-{org_id}")
}

/// What a subject exports, and to whom.
struct Export {
    objects: Vec<stix::StixObject>,
    event: Option<misp::MispEvent>,
    collections: Vec<String>,
    tlp_rank: i64,
    org_id: Option<i64>,
    org_only: bool,
    /// Seconds: when members may read it.
    readable_from: i64,
}

/// Exports everything marked; how many subjects.
pub async fn sync(state: &AppState) -> Result<usize, AppError> {
    if !store::any_dirty(&state.db).await? {
        return Ok(0);
    }
    let mut total = 0;
    loop {
        let mut tx = state.db.begin_write().await?;
        let taken = store::take_dirty(&mut tx, BATCH).await?;
        let portal_id = stix::portal_identity_id(&documents::portal(&state.config.public_url()));
        for (kind, id) in &taken {
            let export = match build(state, &mut tx, kind, *id).await {
                Ok(export) => export,
                // One subject the exporter cannot express must not hold
                // back the others: it is left out (and says why in the
                // log) until it is changed again.
                Err(BuildError::Intel(err)) => {
                    tracing::error!(kind = %kind, error = %err, "a subject could not be exported");
                    None
                }
                Err(BuildError::App(err)) => return Err(err),
            };
            write(&mut tx, &portal_id, kind, *id, export).await?;
        }
        tx.commit().await?;
        total += taken.len();
        if (taken.len() as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Why a subject was not exported: the exporter refused what it was
/// given, or the portal failed.
enum BuildError {
    Intel(lookout_intel::IntelError),
    App(AppError),
}

impl<E: Into<AppError>> From<E> for BuildError {
    fn from(err: E) -> Self {
        BuildError::App(err.into())
    }
}

async fn build(
    state: &AppState,
    tx: &mut Tx,
    kind: &str,
    id: i64,
) -> Result<Option<Export>, BuildError> {
    let public_url = state.config.public_url();
    let portal = documents::portal(&public_url);
    let invalid = BuildError::Intel;
    match kind {
        "incident" => {
            let Some(row) = crate::incidents::store::for_report_in(tx, id).await? else {
                return Ok(None);
            };
            if row.state != "published" {
                return Ok(None);
            }
            let Some(doc) = documents::incident(&row, &public_url) else {
                return Ok(None);
            };
            let mut collections = vec![level_collection(doc.tlp)];
            collections.extend(row.reporter_org_id.map(org_collection));
            Ok(Some(Export {
                objects: stix::incident_objects(&portal, &doc).map_err(invalid)?,
                event: Some(
                    misp::event(&portal, &misp::EventInput::Incident(&doc)).map_err(invalid)?,
                ),
                collections,
                tlp_rank: row.tlp_rank,
                org_id: row.reporter_org_id,
                org_only: false,
                readable_from: row.visible_from.unwrap_or_default(),
            }))
        }
        "advisory" => {
            let Some(row) = crate::advisories::store::by_id_in(tx, id).await? else {
                return Ok(None);
            };
            let Some(number) = row.published_revision.filter(|_| row.state == "published") else {
                return Ok(None);
            };
            let Some(revision) = crate::advisories::store::revision_in(tx, id, number).await?
            else {
                return Ok(None);
            };
            let Some(doc) = documents::advisory(&row, &revision, &public_url) else {
                return Ok(None);
            };
            Ok(Some(Export {
                objects: stix::advisory_objects(&portal, &doc).map_err(invalid)?,
                event: Some(
                    misp::event(&portal, &misp::EventInput::Advisory(&doc)).map_err(invalid)?,
                ),
                collections: vec![level_collection(doc.tlp)],
                tlp_rank: tlp_rank(&revision.content.tlp).unwrap_or(4),
                org_id: None,
                org_only: false,
                readable_from: row.published_at.unwrap_or_default(),
            }))
        }
        "analysis" => {
            let Some(row) = crate::analysis::store::by_id(&state.db, id)
                .await
                .map_err(AppError::internal)?
            else {
                return Ok(None);
            };
            let Some(result) = row.result(&state.key).map_err(AppError::internal)? else {
                return Ok(None);
            };
            let doc = documents::analysis(&row, &result, &public_url);
            // Who may open an analysis (`analysis::seen::may_view`): its
            // level, except that AMBER+STRICT is its organisation's only
            // and RED nobody's but the analysts'.
            let (collections, org_only, org_id) = match doc.tlp {
                Tlp::AmberStrict => (
                    row.org_id.map(org_collection).into_iter().collect(),
                    true,
                    row.org_id,
                ),
                // Its uploader reads it on its page; no feed names one
                // member, so only the analysts' RED collection holds it.
                Tlp::Red => (vec![level_collection(Tlp::Red)], false, None),
                tlp => {
                    let mut c = vec![level_collection(tlp)];
                    c.extend(row.org_id.map(org_collection));
                    (c, false, row.org_id)
                }
            };
            Ok(Some(Export {
                objects: stix::analysis_objects(&portal, &doc).map_err(invalid)?,
                event: Some(
                    misp::event(&portal, &misp::EventInput::Analysis(&doc)).map_err(invalid)?,
                ),
                collections,
                tlp_rank: row.tlp_rank,
                org_id,
                org_only,
                readable_from: row.finished_at.unwrap_or(row.created_at),
            }))
        }
        _ => Ok(None),
    }
}

fn to_row(collection: &str, object: &stix::StixObject) -> NewObject {
    NewObject {
        collection: collection.to_owned(),
        stix_id: object.id().to_owned(),
        stix_type: object.object_type().to_owned(),
        version: object
            .version()
            .map(lookout_intel::stix_timestamp)
            .unwrap_or_default(),
        spec_version: object.spec_version().to_owned(),
        body: object.to_json().to_string(),
    }
}

/// The portal's identity, the marking definitions and the portal's
/// extension definitions: one copy in each collection, not one per
/// subject.
fn is_shared(object: &stix::StixObject, portal_id: &str) -> bool {
    matches!(
        object.object_type(),
        "marking-definition" | "extension-definition"
    ) || object.id() == portal_id
}

async fn write(
    tx: &mut Tx,
    portal_id: &str,
    kind: &str,
    id: i64,
    export: Option<Export>,
) -> Result<(), AppError> {
    let now_seconds = now();
    let Some(export) = export else {
        store::replace_objects(tx, kind, id, &[], 0).await?;
        store::replace_event(tx, kind, id, None, 0).await?;
        return Ok(());
    };
    // Never in the past of a page already served: a client that read up
    // to now must find this on its next poll.
    let date_added = export.readable_from.max(now_seconds) * 1_000_000;
    let mut own = Vec::new();
    for collection in &export.collections {
        for object in &export.objects {
            let row = to_row(collection, object);
            if is_shared(object, portal_id) {
                store::ensure_shared(tx, &row, now_seconds * 1_000_000).await?;
            } else {
                own.push(row);
            }
        }
    }
    store::replace_objects(tx, kind, id, &own, date_added).await?;
    let event = export.event.as_ref().map(|event| {
        let manifest = misp::manifest(std::slice::from_ref(event));
        let entry = manifest
            .get(&event.event.uuid)
            .map(ToString::to_string)
            .unwrap_or_default();
        NewEvent {
            uuid: event.event.uuid.clone(),
            tlp_rank: export.tlp_rank,
            org_id: export.org_id,
            org_only: export.org_only,
            event: event.to_json_string(),
            manifest_entry: entry,
            hashes: misp::hashes_csv(std::slice::from_ref(event)),
        }
    });
    store::replace_event(tx, kind, id, event.as_ref(), date_added).await?;
    Ok(())
}
