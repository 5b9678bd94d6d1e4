//! What a sighting is about, the day it names, and the counts a reader may
//! see: no figure below k (`Config::stats_min_count`), and no dates
//! either, since a first and last day would date fewer than k sightings.

use lookout_indicators::Observable;
use lookout_privacy::suppress::{self, Cell, Table};
use serde::Serialize;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};

use crate::secrets::MasterKey;

/// What the portal keeps indicators' keyed hashes under.
const PURPOSE: &str = "sightings";

/// Days before today a sighting may name: older news is a report.
pub const MAX_AGE_DAYS: i64 = 365;

/// What a sighting is about.
#[derive(Clone, Debug)]
pub enum About {
    /// A published advisory the member may read.
    Advisory {
        id: i64,
        reference: String,
        /// Its sharing level (`amber`, ...), for a draft about it.
        tlp: String,
    },
    /// An indicator, in canonical form.
    Indicator(Observable),
}

/// A subject of sightings: what it is and the key its rows are stored
/// under.
#[derive(Clone, Debug)]
pub struct Subject {
    pub about: About,
    /// `advisory:<id>`, or `indicator:<keyed hash>`: an indicator's value
    /// is never stored, only a hash under a key outside the database.
    pub key: String,
}

impl Subject {
    pub fn advisory(id: i64, reference: &str, tlp: &str) -> Subject {
        Subject {
            about: About::Advisory {
                id,
                reference: reference.to_owned(),
                tlp: tlp.to_owned(),
            },
            key: format!("advisory:{id}"),
        }
    }

    pub fn indicator(master: &MasterKey, observable: Observable) -> Subject {
        let text = format!("{}:{}", observable.kind().id(), observable.match_text());
        Subject {
            key: format!("indicator:{}", master.mac(PURPOSE, text.as_bytes())),
            about: About::Indicator(observable),
        }
    }

    /// The form field that names it, and its value: `advisory` and the
    /// reference, or `indicator` and the canonical value.
    pub fn field(&self) -> (&'static str, &str) {
        match &self.about {
            About::Advisory { reference, .. } => ("advisory", reference),
            About::Indicator(observable) => ("indicator", observable.value()),
        }
    }

    /// The page a member came from, to go back to.
    pub fn page(&self) -> String {
        match &self.about {
            About::Advisory { reference, .. } => format!("/advisories/{reference}"),
            About::Indicator(observable) => {
                let query: String =
                    url::form_urlencoded::byte_serialize(observable.value().as_bytes()).collect();
                format!("/search?q={query}")
            }
        }
    }

    /// "advisory ADV-2026-0003", "domain evil.example".
    pub fn label(&self) -> String {
        match &self.about {
            About::Advisory { reference, .. } => format!("advisory {reference}"),
            About::Indicator(observable) => {
                // "domain", but "IPv4 address" and "URL" as written.
                let kind = observable.kind().label();
                let acronym = kind.chars().nth(1).is_some_and(char::is_uppercase);
                let kind = if acronym {
                    kind.to_owned()
                } else {
                    kind.to_lowercase()
                };
                format!("{kind} {}", observable.value())
            }
        }
    }

    /// What the audit log names: the advisory's reference, or the
    /// indicator's keyed hash (its value stays out of the log).
    pub fn audit_subject(&self) -> String {
        match &self.about {
            About::Advisory { reference, .. } => format!("advisory:{reference}"),
            About::Indicator(_) => self.key.clone(),
        }
    }
}

/// Who says it.
#[derive(Clone, Copy)]
pub enum By<'a> {
    /// A member, for their organisation.
    Organisation { user_id: i64, org_id: i64 },
    /// Nobody the portal knows: a checked membership token, spent with it.
    Anonymous(&'a crate::tokens::spend::Verified),
}

/// UTC midnight of the day holding `secs`.
pub fn day_of(secs: i64) -> i64 {
    secs - secs.rem_euclid(86_400)
}

/// `2026-03-02`, for forms and the API.
pub fn day_text(day: i64) -> String {
    OffsetDateTime::from_unix_timestamp(day)
        .ok()
        .and_then(|t| t.format(format_description!("[year]-[month]-[day]")).ok())
        .unwrap_or_default()
}

/// "2 March 2026", for pages.
pub fn day_name(day: i64) -> String {
    OffsetDateTime::from_unix_timestamp(day)
        .map(|t| format!("{} {} {}", t.day(), t.month(), t.year()))
        .unwrap_or_default()
}

/// Reads the day a member names (`YYYY-MM-DD`; empty is today, UTC) and
/// checks it is neither in the future nor more than [`MAX_AGE_DAYS`] ago.
/// The error is a sentence for the member.
pub fn parse_day(text: &str, now: i64) -> Result<i64, String> {
    let today = day_of(now);
    let text = text.trim();
    if text.is_empty() {
        return Ok(today);
    }
    let date = Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!(
            "Give the day you saw it as year-month-day, such as {}.",
            day_text(today)
        )
    })?;
    let day = date.midnight().assume_utc().unix_timestamp();
    // A day ahead of UTC is today somewhere east of Greenwich.
    if day > today + Duration::DAY.whole_seconds() {
        return Err("The day you saw it cannot be in the future.".into());
    }
    if day < today - MAX_AGE_DAYS * 86_400 {
        return Err(format!(
            "Sightings are for the last {MAX_AGE_DAYS} days; for something older, send a report."
        ));
    }
    Ok(day)
}

/// How many said they saw a subject, and when, as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    /// Distinct organisations that said so under their name.
    pub organisations: i64,
    /// Anonymous sightings: each its own sighter, since nothing links two.
    pub anonymous: i64,
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
}

impl Tally {
    /// Who stands behind the count: organisations, and each anonymous
    /// sighting as one more.
    pub fn sighters(&self) -> i64 {
        self.organisations + self.anonymous
    }
}

/// What a reader may see of a tally: the count and the first and last
/// day when at least `k` stand behind it, else nothing but that it is
/// fewer than `k` (a zero is hidden like a small figure).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// The count, or `None` when hidden.
    pub sighters: Option<i64>,
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
    /// The threshold.
    pub k: i64,
}

impl Counts {
    pub fn of(tally: &Tally, k: u64) -> Counts {
        // One figure, published by the same rule as every statistic.
        let count = u64::try_from(tally.sighters()).unwrap_or(0);
        let shown = Table::new(vec![String::new()], vec![String::new()], vec![vec![count]])
            .ok()
            .map(|table| suppress::publish(&table, k).total())
            .and_then(Cell::value)
            .filter(|&n| n >= k && n > 0)
            .and_then(|n| i64::try_from(n).ok());
        Counts {
            sighters: shown,
            first_day: shown.and(tally.first_day),
            last_day: shown.and(tally.last_day),
            k: i64::try_from(k).unwrap_or(i64::MAX),
        }
    }

    pub fn first_name(&self) -> String {
        self.first_day.map(day_name).unwrap_or_default()
    }

    pub fn last_name(&self) -> String {
        self.last_day.map(day_name).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_below_k_show_nothing_not_even_dates() {
        let tally = |organisations, anonymous| Tally {
            organisations,
            anonymous,
            first_day: Some(86_400),
            last_day: Some(3 * 86_400),
        };
        let hidden = Counts::of(&tally(3, 1), 5);
        assert_eq!(hidden.sighters, None);
        assert_eq!((hidden.first_day, hidden.last_day), (None, None));
        assert_eq!(Counts::of(&Tally::default(), 5).sighters, None);
        let shown = Counts::of(&tally(3, 2), 5);
        assert_eq!(shown.sighters, Some(5));
        assert_eq!(shown.first_name(), "2 January 1970");
        assert_eq!(shown.last_name(), "4 January 1970");
    }

    #[test]
    fn days_are_today_by_default_and_never_in_the_future() {
        let now = 1_772_409_600 + 3_600; // 2026-03-02T01:00Z
        assert_eq!(day_text(parse_day("", now).unwrap()), "2026-03-02");
        assert_eq!(
            day_text(parse_day(" 2026-03-01 ", now).unwrap()),
            "2026-03-01"
        );
        assert!(parse_day("2026-03-03", now).is_ok());
        assert!(parse_day("2026-03-04", now).is_err());
        assert!(parse_day("2024-01-01", now).is_err());
        assert!(
            parse_day("yesterday", now)
                .unwrap_err()
                .contains("year-month-day")
        );
    }
}
