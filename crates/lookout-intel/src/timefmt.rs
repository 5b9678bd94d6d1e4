//! Timestamp text for STIX and TAXII.
//!
//! STIX 2.1 wants UTC with a `Z` and recommends millisecond precision for
//! `created`/`modified` (a `modified` is an object's version, compared as
//! text by many consumers, so every producer must write it the same way).
//! TAXII 2.1 `date_added` needs more: two objects added in the same
//! millisecond must still page apart, so it is written with microseconds.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::IntelError;

fn two(out: &mut String, v: u8) {
    out.push(char::from(b'0' + v / 10));
    out.push(char::from(b'0' + v % 10));
}

fn base(t: OffsetDateTime) -> (OffsetDateTime, String) {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = String::with_capacity(30);
    let year = t.year();
    // Years outside 0..=9999 cannot be written in RFC 3339; time's default
    // range is -9999..=9999, so clamp the sign away rather than panic.
    out.push_str(&format!("{:04}", year.clamp(0, 9999)));
    out.push('-');
    two(&mut out, u8::from(t.month()));
    out.push('-');
    two(&mut out, t.day());
    out.push('T');
    two(&mut out, t.hour());
    out.push(':');
    two(&mut out, t.minute());
    out.push(':');
    two(&mut out, t.second());
    (t, out)
}

/// `2026-11-02T08:00:00.000Z`: UTC, milliseconds (truncated), as STIX
/// `created`, `modified`, `valid_from` and the like.
pub fn stix_timestamp(t: OffsetDateTime) -> String {
    let (t, mut out) = base(t);
    out.push_str(&format!(".{:03}Z", t.millisecond()));
    out
}

/// `2026-11-02T08:00:00.123456Z`: UTC, microseconds (truncated), as TAXII
/// `date_added` and the `X-TAXII-Date-Added-*` headers.
pub fn taxii_timestamp(t: OffsetDateTime) -> String {
    let (t, mut out) = base(t);
    out.push_str(&format!(".{:06}Z", t.microsecond()));
    out
}

/// Truncates to whole milliseconds: what a STIX timestamp can say, so that
/// comparisons between objects agree with their text.
pub(crate) fn to_millis(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_millisecond(t.millisecond()).unwrap_or(t)
}

/// Parses RFC 3339 text (any offset, any fraction) into UTC.
pub(crate) fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, IntelError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| t.to_offset(UtcOffset::UTC))
        .map_err(|_| IntelError::Timestamp(cut(text)))
}

pub(crate) fn cut(text: &str) -> String {
    text.chars().take(100).collect()
}

/// serde glue for STIX timestamps.
pub(crate) mod stix_ts {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::stix_timestamp(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }

    /// The same for `Option`.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::OffsetDateTime;

        pub fn serialize<S: Serializer>(
            t: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&super::super::stix_timestamp(*t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            let text = Option::<String>::deserialize(d)?;
            text.map(|t| super::super::parse_rfc3339(&t).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// serde glue for TAXII timestamps (microseconds).
pub(crate) mod taxii_ts {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::taxii_timestamp(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stix_timestamps_are_utc_with_milliseconds() {
        assert_eq!(
            stix_timestamp(datetime!(2026-11-02 08:00:00 UTC)),
            "2026-11-02T08:00:00.000Z"
        );
        assert_eq!(
            stix_timestamp(datetime!(2026-11-02 10:00:00.123987 +02:00)),
            "2026-11-02T08:00:00.123Z"
        );
    }

    #[test]
    fn taxii_timestamps_keep_microseconds() {
        assert_eq!(
            taxii_timestamp(datetime!(2026-11-02 08:00:00.123456789 UTC)),
            "2026-11-02T08:00:00.123456Z"
        );
    }

    #[test]
    fn parsing_accepts_offsets_and_refuses_junk() {
        let t = parse_rfc3339("2026-11-02T10:00:00.5+02:00").unwrap();
        assert_eq!(taxii_timestamp(t), "2026-11-02T08:00:00.500000Z");
        assert!(parse_rfc3339("2026-11-02").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
    }
}
