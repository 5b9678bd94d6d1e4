//! Verified-anonymous reporting: members fetch one-time membership tokens
//! blind (RFC 9474) and spend one with an anonymous report, which analysts
//! then see as "from a verified member" without anyone knowing which.
//!
//! - `keys.rs`: one key pair per calendar month, made on first use by any
//!   process, published at `/.well-known/lookout-token-keys`; the private
//!   key is sealed at rest and erased when its month ends.
//! - `issue.rs`: the allowance and the blind signing (browser and API).
//! - `spend.rs`: checking a token and recording it spent, in the report's
//!   own transaction.
//! - `admin.rs`: the allowance setting and the keys, for admins.
//!
//! What the operator can and cannot learn is written down in
//! `docs/membership-tokens.md`; keep it true when this changes.

mod admin;
pub mod issue;
pub mod keys;
mod published;
pub mod spend;
mod store;

use axum::Router;
use axum::routing::{get, post};
use time::{Date, Month, OffsetDateTime};

use crate::state::AppState;

pub const KEYS_PATH: &str = "/.well-known/lookout-token-keys";

/// Below this many members holding tokens of a key, members are warned
/// before they spend one: "a verified member" would nearly name them.
pub const SMALL_ANONYMITY_SET: i64 = 5;

/// Browser routes (they need the visitor layer).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(issue::page))
        .route("/tokens/issue", post(issue::issue_in_browser))
        .route("/admin/tokens", get(admin::page).post(admin::set_allowance))
}

/// Routes any client may call without a session.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route(KEYS_PATH, get(published::key_list))
        .route("/static/tokens.js", get(script))
}

async fn script() -> axum::response::Response {
    crate::web::static_file(
        include_str!("../../static/tokens.js"),
        "text/javascript; charset=utf-8",
        "public, max-age=3600",
    )
}

/// A token period: a calendar month, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    year: i32,
    month: Month,
}

impl Period {
    pub fn containing(unix: i64) -> Period {
        let at = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Period {
            year: at.year(),
            month: at.month(),
        }
    }

    /// `2026-11`: how periods are stored and published.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, u8::from(self.month))
    }

    /// "November 2026".
    pub fn name(self) -> String {
        format!("{} {}", self.month, self.year)
    }

    fn first_day(self) -> Date {
        Date::from_calendar_date(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    pub fn starts(self) -> i64 {
        self.first_day().midnight().assume_utc().unix_timestamp()
    }

    pub fn next(self) -> Period {
        match self.month {
            Month::December => Period {
                year: self.year + 1,
                month: Month::January,
            },
            month => Period {
                year: self.year,
                month: month.next(),
            },
        }
    }

    pub fn ends(self) -> i64 {
        self.next().starts()
    }
}

/// "1 December 2026", for telling a member when they can fetch again.
pub fn day_name(unix: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!("{} {} {}", at.day(), at.month(), at.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_list_is_served_as_an_anonymous_path() {
        // Fetching the key list is the first step of a verified-anonymous
        // report: its errors must be held like the report's own.
        assert!(crate::ops::is_anonymous_path(KEYS_PATH));
    }

    #[test]
    fn periods_are_calendar_months() {
        // 2026-12-31T23:59:59Z
        let period = Period::containing(1_798_761_599);
        assert_eq!(period.label(), "2026-12");
        assert_eq!(period.name(), "December 2026");
        assert_eq!(period.ends(), 1_798_761_600);
        assert_eq!(period.next().label(), "2027-01");
        assert_eq!(day_name(period.ends()), "1 January 2027");
        assert_eq!(Period::containing(period.ends()).label(), "2027-01");
        assert_eq!(Period::containing(period.starts()), period);
    }
}
