//! Feed dates to unix seconds. `time`'s strict RFC 3339 and RFC 2822 parsers
//! go first; what they refuse goes through tolerant readers for what feeds
//! really send. Anything still unreadable is `None`, never an error.

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Real dates are under 50 bytes; a longer "date" is junk, and bounding it
/// keeps the tokenizer's work trivially small.
const MAX_LEN: usize = 100;

pub(crate) fn parse(raw: &str) -> Option<i64> {
    let s = raw.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc2822) {
        return Some(t.unix_timestamp());
    }
    let iso_shaped = s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if iso_shaped {
        iso8601(s).or_else(|| rfc822(s))
    } else {
        rfc822(s)
    }
}

fn assemble(
    year: i32,
    month: u8,
    day: u8,
    (hour, minute, second): (u8, u8, u8),
    offset_seconds: i32,
) -> Option<i64> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    // A leap second reads as the second before it.
    let time = Time::from_hms(hour, minute, second.min(59)).ok()?;
    let offset = UtcOffset::from_whole_seconds(offset_seconds).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .unix_timestamp(),
    )
}

/// W3C-DTF / ISO 8601 as feeds write it: `YYYY[-MM[-DD[(T| )hh:mm[:ss[.f]][zone]]]]`,
/// zone `Z`, `±hh:mm`, `±hhmm`, `±hh`, `UTC` or `GMT`, none meaning UTC.
fn iso8601(s: &str) -> Option<i64> {
    let mut p = Cursor(s.as_bytes());
    let year = p.digits(4, 4)?;
    let mut month = 1;
    let mut day = 1;
    let mut hms = (0, 0, 0);
    let mut offset = 0;
    if p.eat(b'-') {
        month = p.digits(2, 2)?;
        if p.eat(b'-') {
            day = p.digits(2, 2)?;
            if p.eat(b'T') || p.eat(b't') || p.eat(b' ') {
                let hour = p.digits(1, 2)?;
                p.eat(b':').then_some(())?;
                let minute = p.digits(2, 2)?;
                let mut second = 0;
                if p.eat(b':') {
                    second = p.digits(2, 2)?;
                    if p.eat(b'.') || p.eat(b',') {
                        p.digits(1, 12)?;
                    }
                }
                hms = (to_u8(hour)?, to_u8(minute)?, to_u8(second)?);
                p.eat(b' ');
                offset = p.iso_zone()?;
            }
        }
    }
    if !p.0.is_empty() {
        return None;
    }
    assemble(
        i32::try_from(year).ok()?,
        to_u8(month)?,
        to_u8(day)?,
        hms,
        offset,
    )
}

/// RFC 822/2822 and the variants feeds send: weekday missing, wrong or
/// spelled out; one-digit day; two-digit year; month spelled out or as
/// "Sept"; no seconds or no time; `AM`/`PM`; `GMT`, `UT`, `Z`, US and a few
/// other named zones; `+0000`, `+00:00`; `02-Jan-2006`; month before day.
/// Unknown zone names count as UTC, as RFC 2822 4.3 says.
fn rfc822(s: &str) -> Option<i64> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut hms = None;
    let mut pm = None;
    let mut offset = None;
    for token in s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .flat_map(split_dashed_date)
    {
        if token.starts_with('(') || token.ends_with(')') {
            continue; // comments like "(UTC)"
        }
        let token = token.trim_end_matches('.');
        let bytes = token.as_bytes();
        if bytes.iter().all(u8::is_ascii_digit) {
            let n: u32 = token.parse().ok()?;
            match bytes.len() {
                4 if year.is_none() => year = Some(n),
                1 | 2 if day.is_none() => day = Some(n),
                2 if year.is_none() => year = Some(if n < 50 { 2000 + n } else { 1900 + n }),
                _ => return None,
            }
        } else if token.contains(':') && bytes[0].is_ascii_digit() {
            let (clock, zone) = split_glued_zone(token);
            hms = Some(clock_time(clock)?);
            if !zone.is_empty() {
                offset = Some(zone_offset(zone)?);
            }
        } else if matches!(bytes[0], b'+' | b'-') {
            offset = Some(numeric_offset(token)?);
        } else if let Some(m) = month_number(token) {
            month = Some(m);
        } else if token.eq_ignore_ascii_case("am") || token.eq_ignore_ascii_case("pm") {
            pm = Some(token.eq_ignore_ascii_case("pm"));
        } else if is_weekday(token) {
        } else if hms.is_some() {
            // A zone name, known or not; "GMT+0200" too.
            offset = Some(zone_offset(token).unwrap_or(0));
        }
        // Anything else before the time is noise some feeds add.
    }
    let (mut hour, minute, second) = hms.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    assemble(
        i32::try_from(year?).ok()?,
        month?,
        to_u8(day?)?,
        (hour, minute, second),
        offset.unwrap_or(0),
    )
}

/// "02-Jan-2006" → ["02", "Jan", "2006"]; other tokens (including "-0700")
/// pass through whole.
fn split_dashed_date(token: &str) -> Vec<&str> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) && month_number(parts[1]).is_some() {
        parts
    } else {
        vec![token]
    }
}

/// "15:04:05Z" → ("15:04:05", "Z"); "15:04:05+0000" → ("15:04:05", "+0000").
fn split_glued_zone(token: &str) -> (&str, &str) {
    let at = token
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(token.len());
    token.split_at(at)
}

fn clock_time(clock: &str) -> Option<(u8, u8, u8)> {
    let mut parts = clock.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let second = match parts.next() {
        // Fractions of a second are dropped.
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((hour, minute, second))
}

fn numeric_offset(token: &str) -> Option<i32> {
    let (sign, digits) = match token.as_bytes().first()? {
        b'+' => (1, &token[1..]),
        b'-' => (-1, &token[1..]),
        _ => return None,
    };
    let digits = digits.replace(':', "");
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i32, i32) = match digits.len() {
        1 | 2 => (digits.parse().ok()?, 0),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// Offset of a zone name (or `Z`, or `GMT+2`-style), in seconds.
fn zone_offset(zone: &str) -> Option<i32> {
    if matches!(zone.as_bytes().first(), Some(b'+' | b'-')) {
        return numeric_offset(zone);
    }
    let letters = zone.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    let at = zone
        .find(['+', '-'])
        .filter(|&i| zone[..i].bytes().all(|b| b.is_ascii_alphabetic()));
    if let Some(i) = at {
        let base = named_zone(&zone[..i]).unwrap_or(0);
        return Some(base + numeric_offset(&zone[i..])?);
    }
    Some(named_zone(letters).unwrap_or(0))
}

fn named_zone(name: &str) -> Option<i32> {
    const H: i32 = 3600;
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "EST" => -5 * H,
        "EDT" => -4 * H,
        "CST" => -6 * H,
        "CDT" => -5 * H,
        "MST" => -7 * H,
        "MDT" => -6 * H,
        "PST" => -8 * H,
        "PDT" => -7 * H,
        "AKST" => -9 * H,
        "AKDT" => -8 * H,
        "HST" => -10 * H,
        "BST" | "CET" | "MET" | "WEST" => H,
        "CEST" | "MEST" | "EET" => 2 * H,
        "EEST" | "MSK" => 3 * H,
        "SGT" | "HKT" | "AWST" => 8 * H,
        "JST" | "KST" => 9 * H,
        "ACST" => 9 * H + 1800,
        "AEST" => 10 * H,
        "AEDT" => 11 * H,
        "NZST" => 12 * H,
        "NZDT" => 13 * H,
        _ => return None,
    })
}

fn month_number(token: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if token.len() < 3 || !token.is_ascii() {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    if lower == "sept" {
        return Some(9);
    }
    let n = MONTHS.iter().position(|m| m.starts_with(lower.as_str()))?;
    u8::try_from(n + 1).ok()
}

fn is_weekday(token: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lower = token.to_ascii_lowercase();
    lower.len() >= 3 && DAYS.iter().any(|d| d.starts_with(lower.as_str()))
}

fn to_u8(n: u32) -> Option<u8> {
    u8::try_from(n).ok()
}

/// A tiny byte cursor for the ISO reader.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn eat(&mut self, b: u8) -> bool {
        if self.0.first() == Some(&b) {
            self.0 = &self.0[1..];
            true
        } else {
            false
        }
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self
            .0
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        // At most 12 ASCII digits, parsed with saturation: fractions only
        // need to be digits, the rest fit easily.
        Some(head.iter().fold(0u32, |acc, d| {
            acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        }))
    }

    fn iso_zone(&mut self) -> Option<i32> {
        let rest = std::str::from_utf8(self.0).ok()?;
        self.0 = &[];
        match rest {
            "" | "Z" | "z" | "UTC" | "GMT" => Some(0),
            r => numeric_offset(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2006-01-02T22:04:05Z, the Go reference time at -0700.
    const REF: i64 = 1_136_239_445;

    #[test]
    fn strict_forms() {
        assert_eq!(parse("Mon, 02 Jan 2006 15:04:05 -0700"), Some(REF));
        assert_eq!(parse("2006-01-02T15:04:05-07:00"), Some(REF));
        assert_eq!(parse("2006-01-02T22:04:05Z"), Some(REF));
        assert_eq!(parse("2006-01-02T22:04:05.123456Z"), Some(REF));
    }

    #[test]
    fn sloppy_rfc822() {
        assert_eq!(parse("02 Jan 2006 15:04:05 -0700"), Some(REF));
        assert_eq!(parse("Mon, 2 Jan 2006 22:04:05 GMT"), Some(REF));
        assert_eq!(parse("Mon, 2 Jan 2006 22:04:05 UT"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 22:04:05 Z"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 22:04:05 UTC"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 22:04:05"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 17:04:05 EST"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 14:04:05 PST"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 15:04:05 MST"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 15:04:05 -07:00"), Some(REF));
        assert_eq!(
            parse("Tue, 02 Jan 2006 15:04:05 -0700"),
            Some(REF),
            "wrong weekday"
        );
        assert_eq!(parse("Monday, 02 January 2006 15:04:05 -0700"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 06 15:04:05 -0700"), Some(REF));
        assert_eq!(parse("Mon, 02-Jan-2006 22:04:05 GMT"), Some(REF));
        assert_eq!(parse("Mon Jan 2 2006 22:04:05 GMT+0000"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 10:04:05 PM +0000"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 23:04:05 CET"), Some(REF));
        assert_eq!(parse("Mon, 02 Jan 2006 22:04:05 +0000 (UTC)"), Some(REF));
        assert_eq!(
            parse("Mon, 02 Jan 2006 22:04:05 XYZ"),
            Some(REF),
            "unknown zone is UTC"
        );
        assert_eq!(parse("Mon, 02 Jan 2006 22:04 GMT"), Some(REF - 5));
        assert_eq!(
            parse("Mon, 02 Jan 2006"),
            Some(REF - 22 * 3600 - 4 * 60 - 5)
        );
        assert_eq!(parse("Sept 9 2024 00:00:00 GMT"), Some(1_725_840_000));
    }

    #[test]
    fn sloppy_iso() {
        assert_eq!(parse("2006-01-02T22:04:05"), Some(REF));
        assert_eq!(parse("2006-01-02 22:04:05Z"), Some(REF));
        assert_eq!(parse("2006-01-02T15:04:05-0700"), Some(REF));
        assert_eq!(parse("2006-01-02T15:04:05 -07"), Some(REF));
        assert_eq!(parse("2006-01-02T22:04Z"), Some(REF - 5));
        assert_eq!(parse("2006-01-02"), Some(REF - 22 * 3600 - 4 * 60 - 5));
        assert_eq!(parse("2006-01"), Some(1_136_073_600));
        assert_eq!(parse("2006"), Some(1_136_073_600));
    }

    #[test]
    fn unreadable_is_none() {
        for junk in [
            "",
            "yesterday",
            "32 Jan 2006",
            "Mon, 02 Foo 2006 15:04:05",
            "2006-13-01",
            "2006-02-30T00:00:00Z",
            "Mon, 02 Jan 2006 25:00:00 GMT",
            "Mon, 02 Jan 2006 15:04:05 +9999",
            "99999999999999999999 Jan 2006",
            "2006-01-02T15:04:05+99:00",
            &"9".repeat(500),
        ] {
            assert_eq!(parse(junk), None, "{junk:?}");
        }
    }
}
