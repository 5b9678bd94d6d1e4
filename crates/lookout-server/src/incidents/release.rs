//! Releasing an incident: the moment members may see a published one, at
//! once for a report made under a name, after a random batched delay for
//! the others (`schedule`). Two things happen then, together and once,
//! whichever process gets there first:
//! 1. the statistics count it (`stats::rollup`);
//! 2. members' alerts announce it (`alerts::events`).

use crate::db::{Db, DbError, Tx};

/// Releases the incident of `report_id` if it is published and its time
/// has come; in the transaction that saved it.
pub async fn release_if_due(tx: &mut Tx, report_id: i64, now: i64) -> Result<(), sqlx::Error> {
    if let Some(incident) = crate::stats::rollup::count_if_released(tx, report_id, now).await? {
        crate::alerts::events::announce_incident(tx, incident).await?;
    }
    Ok(())
}

/// Releases every incident whose time has come by `now`. Costs one indexed
/// read when nothing is due; the alert worker runs it on every round, and
/// statistics run it before they are read, so no figure lags its incidents.
pub async fn catch_up(db: &Db, now: i64) -> Result<usize, DbError> {
    if !crate::stats::rollup::any_uncounted(db, now).await? {
        return Ok(0);
    }
    let mut total = 0;
    loop {
        let mut tx = db.begin_write().await?;
        let counted = crate::stats::rollup::count_released(&mut tx, now, BATCH).await?;
        for incident in &counted {
            crate::alerts::events::announce_incident(&mut tx, *incident).await?;
        }
        tx.commit().await?;
        total += counted.len();
        if counted.len() < BATCH as usize {
            return Ok(total);
        }
    }
}

/// Incidents released in one transaction.
const BATCH: i64 = 500;
