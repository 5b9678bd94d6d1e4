//! The TAXII 2.1 filtering query parameters (§3.4).

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::IntelError;
use crate::timefmt::{cut, parse_rfc3339};

/// One `match[version]` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VersionMatch {
    /// The newest version (the default).
    Last,
    /// The oldest version.
    First,
    /// Every version.
    All,
    /// The version with this `modified`.
    At(OffsetDateTime),
}

/// A parsed set of filtering parameters. Lists are OR within a parameter
/// and AND across parameters, as TAXII defines; the server applies them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// `added_after`: only objects added strictly after this time.
    pub added_after: Option<OffsetDateTime>,
    /// `limit`: the client's page size (the server may return fewer).
    pub limit: Option<u32>,
    /// `next`: the paging token, verbatim (decode with [`super::Cursor`]).
    pub next: Option<String>,
    /// `match[id]`: STIX ids.
    pub ids: Vec<String>,
    /// `match[type]`: STIX types.
    pub types: Vec<String>,
    /// `match[version]`; empty means [`VersionMatch::Last`].
    pub versions: Vec<VersionMatch>,
    /// `match[spec_version]`, e.g. `2.1`; empty means the newest.
    pub spec_versions: Vec<String>,
}

const MAX_LIST: usize = 100;

fn bad(param: &str, value: &str, reason: &'static str) -> IntelError {
    IntelError::FilterValue {
        param: param.to_string(),
        value: cut(value),
        reason,
    }
}

fn list<'a>(param: &str, value: &'a str) -> Result<Vec<&'a str>, IntelError> {
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(bad(param, value, "empty item in comma-separated list"));
    }
    if items.len() > MAX_LIST {
        return Err(bad(param, value, "more than 100 items"));
    }
    Ok(items)
}

fn is_type_name(t: &str) -> bool {
    // STIX 2.1 §3.1: 3-250 characters, a-z 0-9 and hyphen, not starting
    // or ending with a hyphen, no double hyphen.
    (3..=250).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-')
        && !t.contains("--")
}

fn is_stix_id(id: &str) -> bool {
    match id.split_once("--") {
        Some((t, u)) => is_type_name(t) && uuid::Uuid::try_parse(u).is_ok() && u.len() == 36,
        None => false,
    }
}

impl Filter {
    /// Parses the query pairs (already percent-decoded).
    ///
    /// Refused: a parameter given twice, an empty or malformed value, a
    /// `match[...]` field other than `id`, `type`, `version` and
    /// `spec_version`. Other parameters are ignored, so a cache-busting
    /// parameter from a proxy does not break a client.
    pub fn parse(pairs: &[(String, String)]) -> Result<Filter, IntelError> {
        let mut f = Filter::default();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            let name = name.as_str();
            let known = matches!(
                name,
                "added_after"
                    | "limit"
                    | "next"
                    | "match[id]"
                    | "match[type]"
                    | "match[version]"
                    | "match[spec_version]"
            );
            if !known {
                if name.starts_with("match[") {
                    return Err(IntelError::FilterUnsupported(cut(name)));
                }
                continue;
            }
            if seen.contains(&name) {
                return Err(IntelError::FilterRepeated(name.to_string()));
            }
            seen.push(name);
            if value.trim().is_empty() {
                return Err(bad(name, value, "empty value"));
            }
            match name {
                "added_after" => {
                    f.added_after = Some(
                        parse_rfc3339(value.trim())
                            .map_err(|_| bad(name, value, "not an RFC 3339 timestamp"))?,
                    );
                }
                "limit" => {
                    let n: u32 = value
                        .trim()
                        .parse()
                        .map_err(|_| bad(name, value, "not a positive integer"))?;
                    if n == 0 {
                        return Err(bad(name, value, "must be at least 1"));
                    }
                    f.limit = Some(n);
                }
                "next" => {
                    if value.len() > 512 {
                        return Err(bad(name, value, "too long"));
                    }
                    f.next = Some(value.trim().to_string());
                }
                "match[id]" => {
                    for id in list(name, value)? {
                        if !is_stix_id(id) {
                            return Err(bad(name, id, "not a STIX id (type--uuid)"));
                        }
                        f.ids.push(id.to_string());
                    }
                }
                "match[type]" => {
                    for t in list(name, value)? {
                        if !is_type_name(t) {
                            return Err(bad(name, t, "not a STIX type name"));
                        }
                        f.types.push(t.to_string());
                    }
                }
                "match[version]" => {
                    for v in list(name, value)? {
                        f.versions.push(match v {
                            "last" => VersionMatch::Last,
                            "first" => VersionMatch::First,
                            "all" => VersionMatch::All,
                            t => VersionMatch::At(parse_rfc3339(t).map_err(|_| {
                                bad(name, t, "not last, first, all or an RFC 3339 timestamp")
                            })?),
                        });
                    }
                }
                _ => {
                    for v in list(name, value)? {
                        let ok = v.split_once('.').is_some_and(|(a, b)| {
                            !a.is_empty()
                                && !b.is_empty()
                                && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
                        });
                        if !ok || v.len() > 8 {
                            return Err(bad(name, v, "not a spec version such as 2.1"));
                        }
                        f.spec_versions.push(v.to_string());
                    }
                }
            }
        }
        Ok(f)
    }

    /// The effective `match[version]`: `[Last]` when none was given.
    pub fn version_matches(&self) -> Vec<VersionMatch> {
        if self.versions.is_empty() {
            vec![VersionMatch::Last]
        } else {
            self.versions.clone()
        }
    }

    /// The page size to use: the client's `limit` capped at `max`, or
    /// `default` when none was given.
    pub fn page_size(&self, default: u32, max: u32) -> u32 {
        self.limit.unwrap_or(default).min(max).max(1)
    }

    /// A fingerprint of the query a `next` token belongs to: everything
    /// but `next` and `limit` (a client may change the page size between
    /// pages, but not what it asks for), order-insensitive within lists.
    pub fn fingerprint(&self) -> [u8; 16] {
        let mut h = Sha256::new();
        let mut field = |name: &str, mut items: Vec<String>| {
            items.sort();
            items.dedup();
            h.update(name.as_bytes());
            h.update([0]);
            for i in items {
                h.update(i.as_bytes());
                h.update([0]);
            }
            h.update([1]);
        };
        field(
            "added_after",
            self.added_after
                .map(|t| vec![(t.unix_timestamp_nanos()).to_string()])
                .unwrap_or_default(),
        );
        field("id", self.ids.clone());
        field("type", self.types.clone());
        field(
            "version",
            self.version_matches()
                .into_iter()
                .map(|v| match v {
                    VersionMatch::Last => "last".to_string(),
                    VersionMatch::First => "first".to_string(),
                    VersionMatch::All => "all".to_string(),
                    VersionMatch::At(t) => t.unix_timestamp_nanos().to_string(),
                })
                .collect(),
        );
        field("spec_version", self.spec_versions.clone());
        let digest = h.finalize();
        let mut out = [0u8; 16];
        for (o, d) in out.iter_mut().zip(digest.iter()) {
            *o = *d;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_parameter() {
        let f = Filter::parse(&q(&[
            ("added_after", "2026-11-02T08:00:00.123456Z"),
            ("limit", "50"),
            ("next", "abc"),
            (
                "match[id]",
                "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f,malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
            ),
            ("match[type]", "indicator,malware"),
            ("match[version]", "first,2026-01-01T00:00:00Z,all"),
            ("match[spec_version]", "2.1"),
            ("utm_source", "ignored"),
        ]))
        .unwrap();
        assert_eq!(
            f.added_after,
            Some(datetime!(2026-11-02 08:00:00.123456 UTC))
        );
        assert_eq!(f.limit, Some(50));
        assert_eq!(f.next.as_deref(), Some("abc"));
        assert_eq!(f.ids.len(), 2);
        assert_eq!(f.types, vec!["indicator", "malware"]);
        assert_eq!(
            f.versions,
            vec![
                VersionMatch::First,
                VersionMatch::At(datetime!(2026-01-01 00:00:00 UTC)),
                VersionMatch::All
            ]
        );
        assert_eq!(f.spec_versions, vec!["2.1"]);
    }

    #[test]
    fn defaults_to_last_version() {
        let f = Filter::parse(&[]).unwrap();
        assert_eq!(f.version_matches(), vec![VersionMatch::Last]);
        assert_eq!(f.page_size(100, 1000), 100);
        let f = Filter::parse(&q(&[("limit", "5000")])).unwrap();
        assert_eq!(f.page_size(100, 1000), 1000);
    }

    #[test]
    fn refuses_bad_values_with_clear_errors() {
        let err = |p: &[(&str, &str)]| Filter::parse(&q(p)).unwrap_err();
        assert!(matches!(
            err(&[("limit", "0")]),
            IntelError::FilterValue {
                reason: "must be at least 1",
                ..
            }
        ));
        assert!(matches!(
            err(&[("limit", "-3")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("added_after", "yesterday")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("match[version]", "newest")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("match[id]", "indicator--nope")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("match[type]", "Indicator")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("match[type]", "indicator,,malware")]),
            IntelError::FilterValue { .. }
        ));
        assert!(matches!(
            err(&[("match[spec_version]", "two")]),
            IntelError::FilterValue { .. }
        ));
        assert_eq!(
            err(&[("match[type]", "indicator"), ("match[type]", "malware")]),
            IntelError::FilterRepeated("match[type]".into())
        );
        assert_eq!(
            err(&[("match[relationship_type]", "uses")]),
            IntelError::FilterUnsupported("match[relationship_type]".into())
        );
        let msg = err(&[("limit", "ten")]).to_string();
        assert!(msg.contains("limit") && msg.contains("ten"), "{msg}");
    }

    #[test]
    fn fingerprint_ignores_paging_and_order() {
        let a =
            Filter::parse(&q(&[("match[type]", "indicator,malware"), ("limit", "10")])).unwrap();
        let b = Filter::parse(&q(&[("match[type]", "malware,indicator"), ("next", "x")])).unwrap();
        let c = Filter::parse(&q(&[("match[type]", "indicator")])).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        // An explicit "last" is the default.
        let d = Filter::parse(&q(&[("match[version]", "last")])).unwrap();
        assert_eq!(d.fingerprint(), Filter::default().fingerprint());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_pairs(
            pairs in proptest::collection::vec(
                (prop_oneof![
                    Just("added_after".to_string()),
                    Just("limit".to_string()),
                    Just("next".to_string()),
                    Just("match[id]".to_string()),
                    Just("match[type]".to_string()),
                    Just("match[version]".to_string()),
                    Just("match[spec_version]".to_string()),
                    "\\PC{0,12}",
                ], "\\PC{0,80}"),
                0..6,
            )
        ) {
            let _ = Filter::parse(&pairs);
        }

        #[test]
        fn valid_limits_round_trip(n in 1u32..=u32::MAX) {
            let f = Filter::parse(&[("limit".to_string(), n.to_string())]).unwrap();
            prop_assert_eq!(f.limit, Some(n));
        }

        #[test]
        fn type_lists_round_trip(types in proptest::collection::vec("[a-z][a-z0-9]{2,10}(-[a-z0-9]{1,5})?", 1..8)) {
            let f = Filter::parse(&[("match[type]".to_string(), types.join(","))]).unwrap();
            prop_assert_eq!(f.types, types);
        }

        #[test]
        fn timestamps_round_trip(secs in 0i64..4_000_000_000, micros in 0u32..1_000_000) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap()
                + time::Duration::microseconds(i64::from(micros));
            let text = crate::taxii_timestamp(t);
            let f = Filter::parse(&[("added_after".to_string(), text)]).unwrap();
            prop_assert_eq!(f.added_after, Some(t));
        }
    }
}
