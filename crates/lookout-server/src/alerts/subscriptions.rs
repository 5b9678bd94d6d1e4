//! What each member asked to receive and how. A member without a saved
//! choice gets [`Subscription::default`]: every advisory and their
//! organisation's watchlist hits, in the portal only.

use serde::Serialize;

use super::events::AlertRow;
use crate::db::{Db, Tx};
use crate::sharing::catalogue::stored_systems;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EmailMode {
    Off,
    Immediate,
    Digest,
}

impl EmailMode {
    pub fn id(self) -> &'static str {
        match self {
            EmailMode::Off => "off",
            EmailMode::Immediate => "immediate",
            EmailMode::Digest => "digest",
        }
    }
    pub fn parse(id: &str) -> Option<EmailMode> {
        match id {
            "off" => Some(EmailMode::Off),
            "immediate" => Some(EmailMode::Immediate),
            "digest" => Some(EmailMode::Digest),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subscription {
    pub advisories: bool,
    pub min_severity: i64,
    pub incidents: bool,
    /// Catalogue ids joined by spaces; empty: all.
    pub classes: String,
    pub sea_areas: String,
    pub vessel_types: String,
    pub watchlist_hits: bool,
    pub email: EmailMode,
}

impl Default for Subscription {
    fn default() -> Self {
        Subscription {
            advisories: true,
            min_severity: 1,
            incidents: false,
            classes: String::new(),
            sea_areas: String::new(),
            vessel_types: String::new(),
            watchlist_hits: true,
            email: EmailMode::Off,
        }
    }
}

/// A subscription's filter on one list: empty accepts anything; an alert
/// that names no value there (an advisory for every sea area) passes too.
fn overlaps(wanted: &str, offered: &str) -> bool {
    let mut wanted = stored_systems(wanted).peekable();
    if wanted.peek().is_none() {
        return true;
    }
    let offered: Vec<&str> = stored_systems(offered).collect();
    offered.is_empty() || wanted.any(|w| offered.contains(&w))
}

impl Subscription {
    /// Whether the member asked for this alert (sharing levels are checked
    /// separately, by the fan-out).
    pub fn wants(&self, alert: &AlertRow) -> bool {
        let kind_wanted = if alert.is_advisory() {
            self.advisories && alert.severity >= self.min_severity
        } else {
            self.incidents
        };
        kind_wanted
            && overlaps(&self.classes, &alert.classes)
            && overlaps(&self.sea_areas, &alert.sea_areas)
            && overlaps(&self.vessel_types, &alert.vessel_types)
    }

    pub fn has(&self, list: &str, id: &str) -> bool {
        let list = match list {
            "class" => &self.classes,
            "sea_area" => &self.sea_areas,
            _ => &self.vessel_types,
        };
        stored_systems(list).any(|x| x == id)
    }
}

/// The stored columns, as the fan-out reads them beside each user.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Stored {
    pub advisories: Option<i64>,
    pub min_severity: Option<i64>,
    pub incidents: Option<i64>,
    pub classes: Option<String>,
    pub sea_areas: Option<String>,
    pub vessel_types: Option<String>,
    pub watchlist_hits: Option<i64>,
    pub email: Option<String>,
}

impl Stored {
    /// The subscription, or the default when the member saved none (every
    /// column is NULL through the outer join).
    pub fn subscription(&self) -> Subscription {
        let Some(advisories) = self.advisories else {
            return Subscription::default();
        };
        Subscription {
            advisories: advisories == 1,
            min_severity: self.min_severity.unwrap_or(1),
            incidents: self.incidents == Some(1),
            classes: self.classes.clone().unwrap_or_default(),
            sea_areas: self.sea_areas.clone().unwrap_or_default(),
            vessel_types: self.vessel_types.clone().unwrap_or_default(),
            watchlist_hits: self.watchlist_hits != Some(0),
            email: self
                .email
                .as_deref()
                .and_then(EmailMode::parse)
                .unwrap_or(EmailMode::Off),
        }
    }
}

pub const STORED_COLUMNS: &str = "s.advisories, s.min_severity, s.incidents, s.classes, \
     s.sea_areas, s.vessel_types, s.watchlist_hits, s.email";

pub async fn of(db: &Db, user_id: i64) -> Result<Subscription, sqlx::Error> {
    let sql = format!(
        "SELECT {STORED_COLUMNS} FROM users u LEFT JOIN alert_subscriptions s ON s.user_id = u.id \
         WHERE u.id = $1"
    );
    let stored: Option<Stored> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(stored.map(|s| s.subscription()).unwrap_or_default())
}

pub async fn save(tx: &mut Tx, user_id: i64, s: &Subscription) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO alert_subscriptions (user_id, advisories, min_severity, incidents, classes, \
         sea_areas, vessel_types, watchlist_hits, email, last_digest_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (user_id) DO UPDATE SET advisories = excluded.advisories, \
         min_severity = excluded.min_severity, incidents = excluded.incidents, \
         classes = excluded.classes, sea_areas = excluded.sea_areas, \
         vessel_types = excluded.vessel_types, watchlist_hits = excluded.watchlist_hits, \
         email = excluded.email, last_digest_at = CASE \
         WHEN alert_subscriptions.email = excluded.email THEN alert_subscriptions.last_digest_at \
         ELSE excluded.last_digest_at END",
    )
    .bind(user_id)
    .bind(i64::from(s.advisories))
    .bind(s.min_severity)
    .bind(i64::from(s.incidents))
    .bind(&s.classes)
    .bind(&s.sea_areas)
    .bind(&s.vessel_types)
    .bind(i64::from(s.watchlist_hits))
    .bind(s.email.id())
    // A member who just chose the digest gets the first one at the next
    // digest hour, not at once.
    .bind(crate::db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(kind: &str, severity: i64, classes: &str, areas: &str) -> AlertRow {
        AlertRow {
            id: 1,
            kind: kind.into(),
            subject_ref: "ADV-2026-0001".into(),
            title: String::new(),
            summary: String::new(),
            severity,
            tlp_rank: 1,
            reporter_org_id: None,
            classes: classes.into(),
            sea_areas: areas.into(),
            vessel_types: String::new(),
            match_text: String::new(),
            created_at: 0,
        }
    }

    #[test]
    fn filters_narrow_but_general_advisories_pass() {
        let s = Subscription {
            min_severity: 3,
            sea_areas: "gulf-of-guinea".into(),
            ..Subscription::default()
        };
        assert!(s.wants(&alert("advisory.published", 3, "fraud", "gulf-of-guinea")));
        assert!(s.wants(&alert("advisory.published", 4, "fraud", "")));
        assert!(!s.wants(&alert("advisory.published", 2, "fraud", "gulf-of-guinea")));
        assert!(!s.wants(&alert("advisory.published", 4, "fraud", "baltic-sea")));
        assert!(!s.wants(&alert("incident.published", 0, "fraud", "gulf-of-guinea")));
    }

    #[test]
    fn members_without_a_saved_choice_get_the_defaults() {
        assert_eq!(Stored::default().subscription(), Subscription::default());
    }
}
