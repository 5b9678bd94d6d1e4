//! How precisely an incident's facts are published. The exact discovery
//! day, a 1° cell, the vessel type and its size class together name a ship
//! to anyone with an AIS history, so members see the month and the sea
//! area unless the analyst chooses otherwise; the exact values stay stored
//! for analysts.

use serde::Serialize;
use time::macros::format_description;

use crate::sharing::sea_areas;

/// The published date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    #[default]
    Month,
    /// The ISO week (Monday to Sunday).
    Week,
    /// The exact day: only by an explicit choice, with a warning.
    Day,
}

impl DatePrecision {
    pub const ALL: [DatePrecision; 3] = [
        DatePrecision::Month,
        DatePrecision::Week,
        DatePrecision::Day,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DatePrecision::Month => "month",
            DatePrecision::Week => "week",
            DatePrecision::Day => "day",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DatePrecision::Month => "Month (default)",
            DatePrecision::Week => "ISO week",
            DatePrecision::Day => "Exact day (can name the ship)",
        }
    }

    /// Unknown or empty text is the coarse default, never a finer one.
    pub fn parse(id: &str) -> DatePrecision {
        DatePrecision::ALL
            .into_iter()
            .find(|p| p.id() == id)
            .unwrap_or_default()
    }
}

/// The published place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacePrecision {
    #[default]
    Area,
    Cell10,
    Cell5,
    /// The 1° cell: only by an explicit choice, with a warning.
    Cell1,
}

impl PlacePrecision {
    pub const ALL: [PlacePrecision; 4] = [
        PlacePrecision::Area,
        PlacePrecision::Cell10,
        PlacePrecision::Cell5,
        PlacePrecision::Cell1,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PlacePrecision::Area => "area",
            PlacePrecision::Cell10 => "cell10",
            PlacePrecision::Cell5 => "cell5",
            PlacePrecision::Cell1 => "cell1",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlacePrecision::Area => "Sea area only (default)",
            PlacePrecision::Cell10 => "Sea area and its 10° cell",
            PlacePrecision::Cell5 => "Sea area and its 5° cell",
            PlacePrecision::Cell1 => "Sea area and its 1° cell (can name the ship)",
        }
    }

    pub fn parse(id: &str) -> PlacePrecision {
        PlacePrecision::ALL
            .into_iter()
            .find(|p| p.id() == id)
            .unwrap_or_default()
    }

    fn degrees(self) -> Option<f64> {
        match self {
            PlacePrecision::Area => None,
            PlacePrecision::Cell10 => Some(10.0),
            PlacePrecision::Cell5 => Some(5.0),
            PlacePrecision::Cell1 => Some(1.0),
        }
    }
}

/// What members are shown of an incident's date, place and vessel size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Published {
    /// `2026-03`, `2026-W10` or `2026-03-04`.
    pub period: String,
    /// Inclusive bounds of the period as comparable strings (a month ends
    /// at `-31` whatever its length).
    pub start: String,
    pub end: String,
    /// The centre of the chosen cell, or empty for the sea area only.
    pub cell: String,
    /// The size class, or empty.
    pub size: String,
}

/// The published facts for an exact date, a stored (1°) position, a size
/// class and the chosen precisions. A date that cannot be read publishes
/// no period at all rather than the text as typed.
pub fn publish(
    occurred_on: &str,
    date: DatePrecision,
    position_cell: &str,
    place: PlacePrecision,
    vessel_size: &str,
    show_size: bool,
) -> Published {
    let (period, start, end) = period(occurred_on, date).unwrap_or_default();
    let cell = place
        .degrees()
        .and_then(|degrees| {
            let (lat, lon) = sea_areas::parse_position(position_cell).ok()?;
            let (lat, lon) = sea_areas::coarsen(lat, lon, degrees);
            Some(sea_areas::format_position(lat, lon))
        })
        .unwrap_or_default();
    Published {
        period,
        start,
        end,
        cell,
        size: if show_size {
            vessel_size.to_string()
        } else {
            String::new()
        },
    }
}

fn period(occurred_on: &str, precision: DatePrecision) -> Option<(String, String, String)> {
    let format = format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(occurred_on, format).ok()?;
    Some(match precision {
        DatePrecision::Day => {
            let text = day.format(format).ok()?;
            (text.clone(), text.clone(), text)
        }
        DatePrecision::Month => {
            let month = format!("{:04}-{:02}", day.year(), u8::from(day.month()));
            (month.clone(), format!("{month}-01"), format!("{month}-31"))
        }
        DatePrecision::Week => {
            let (year, week, _) = day.to_iso_week_date();
            let monday =
                day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()));
            let sunday = monday + time::Duration::days(6);
            (
                format!("{year:04}-W{week:02}"),
                monday.format(format).ok()?,
                sunday.format(format).ok()?,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_publishes_the_month_and_no_cell_or_size() {
        let p = publish(
            "2026-03-04",
            DatePrecision::default(),
            "53°30.000'N 006°30.000'E",
            PlacePrecision::default(),
            "large",
            false,
        );
        assert_eq!(p.period, "2026-03");
        assert_eq!(
            (p.start.as_str(), p.end.as_str()),
            ("2026-03-01", "2026-03-31")
        );
        assert_eq!(p.cell, "");
        assert_eq!(p.size, "");
    }

    #[test]
    fn weeks_are_iso_weeks_and_cells_coarsen() {
        let p = publish(
            "2026-01-01",
            DatePrecision::Week,
            "53°30.000'N 006°30.000'E",
            PlacePrecision::Cell10,
            "large",
            true,
        );
        assert_eq!(p.period, "2026-W01");
        assert_eq!(
            (p.start.as_str(), p.end.as_str()),
            ("2025-12-29", "2026-01-04")
        );
        assert_eq!(p.cell, sea_areas::format_position(55.0, 5.0));
        assert_eq!(p.size, "large");
    }

    #[test]
    fn unknown_choices_are_the_coarse_default() {
        assert_eq!(DatePrecision::parse("second"), DatePrecision::Month);
        assert_eq!(PlacePrecision::parse(""), PlacePrecision::Area);
        assert_eq!(
            publish(
                "March",
                DatePrecision::Day,
                "",
                PlacePrecision::Cell1,
                "",
                false
            ),
            Published::default()
        );
    }
}
