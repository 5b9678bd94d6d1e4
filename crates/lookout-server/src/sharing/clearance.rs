//! Who may read which sharing level. TLP governs what a recipient may do
//! with information; inside the portal it also decides who receives it.
//! Every incident query filters with a [`Clearance`], so the rule lives
//! here and in the one SQL condition that applies it (`incidents::store::VISIBLE`).

use crate::accounts::model::{Role, User};
use crate::db::Db;

/// TLP 2.0 levels by rank, least to most restricted.
pub const TLP_RANKS: [&str; 5] = ["clear", "green", "amber", "amber-strict", "red"];

pub fn tlp_rank(id: &str) -> Option<i64> {
    TLP_RANKS
        .iter()
        .position(|t| *t == id)
        .and_then(|p| i64::try_from(p).ok())
}

pub fn tlp_of_rank(rank: i64) -> &'static str {
    usize::try_from(rank)
        .ok()
        .and_then(|r| TLP_RANKS.get(r))
        .copied()
        .unwrap_or("red")
}

/// A level as it is written for people: `TLP:AMBER+STRICT`.
pub fn tlp_tag(id: &str) -> String {
    format!("TLP:{}", id.replace("-strict", "+STRICT").to_uppercase())
}

/// What one reader may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clearance {
    /// The most restricted TLP rank this reader receives.
    pub max_rank: i64,
    /// Their organisation: it always sees the incidents it reported,
    /// whatever their level.
    pub org_id: Option<i64>,
}

/// Analysts read everything, RED included (they are its named recipients).
const ANALYST: i64 = 4;
/// Staff without an organisation: up to AMBER+STRICT, never RED.
const STAFF: i64 = 3;

impl Clearance {
    /// The public, signed-out view: TLP:CLEAR only.
    pub const PUBLIC: Clearance = Clearance {
        max_rank: 0,
        org_id: None,
    };

    /// A member's clearance: their organisation's level, set by admins
    /// (AMBER+STRICT unless lowered).
    pub async fn of(db: &Db, user: &User) -> Result<Clearance, sqlx::Error> {
        let level: Option<i64> = match user.org_id {
            Some(org_id) if user.role != Role::Analyst => {
                sqlx::query_scalar("SELECT tlp_clearance FROM organisations WHERE id = $1")
                    .bind(org_id)
                    .fetch_optional(&db.pool)
                    .await?
            }
            _ => None,
        };
        Ok(Clearance::for_member(user.role, user.org_id, level))
    }

    /// The clearance of a user with `role` in organisation `org_id`, whose
    /// level is `org_level` (read by the caller, so a fan-out over every
    /// member needs one query, not one each).
    pub fn for_member(role: Role, org_id: Option<i64>, org_level: Option<i64>) -> Clearance {
        if role == Role::Analyst {
            return Clearance {
                max_rank: ANALYST,
                org_id,
            };
        }
        match org_id {
            None => Clearance {
                max_rank: STAFF,
                org_id: None,
            },
            Some(org_id) => Clearance {
                // RED goes to named recipients only, never to a whole organisation.
                max_rank: org_level.unwrap_or(0).clamp(0, STAFF),
                org_id: Some(org_id),
            },
        }
    }

    pub fn allows(&self, tlp_rank: i64, reporter_org_id: Option<i64>) -> bool {
        tlp_rank <= self.max_rank || (self.org_id.is_some() && self.org_id == reporter_org_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_tlp_order() {
        assert_eq!(tlp_rank("clear"), Some(0));
        assert_eq!(tlp_rank("amber-strict"), Some(3));
        assert_eq!(tlp_rank("red"), Some(4));
        assert_eq!(tlp_rank("amber+strict"), None);
        assert_eq!(tlp_of_rank(2), "amber");
        assert_eq!(tlp_of_rank(99), "red");
    }

    #[test]
    fn a_reporting_organisation_always_sees_its_own_incident() {
        let green = Clearance {
            max_rank: 1,
            org_id: Some(7),
        };
        assert!(green.allows(1, None));
        assert!(!green.allows(2, None));
        assert!(!green.allows(4, Some(8)));
        assert!(green.allows(4, Some(7)));
        assert!(!Clearance::PUBLIC.allows(1, None));
    }
}
