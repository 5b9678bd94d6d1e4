//! When a published incident becomes visible. An attributed report's
//! incident is visible at once; anything else waits a random delay and is
//! then released with its batch, so members cannot match the moment they
//! see an incident to the moment a reporter was online.

use crate::config::Config;
use crate::secrets::{SecretError, random_bytes};

pub fn visible_from(now: i64, delayed: bool, config: &Config) -> Result<i64, SecretError> {
    if !delayed {
        return Ok(now);
    }
    let min = i64::from(config.publication_delay_min_hours) * 3600;
    let max = i64::from(config.publication_delay_max_hours).max(0) * 3600;
    let spread = u64::try_from(max - min).unwrap_or(0);
    let jitter = if spread == 0 {
        0
    } else {
        i64::try_from(u64::from_le_bytes(random_bytes::<8>()?) % (spread + 1)).unwrap_or(0)
    };
    Ok(release_at(
        now + min + jitter,
        i64::from(config.publication_batch_hours) * 3600,
    ))
}

/// The next batch boundary at or after `at`.
fn release_at(at: i64, batch: i64) -> i64 {
    if batch <= 0 {
        return at;
    }
    let rest = at.rem_euclid(batch);
    if rest == 0 { at } else { at + batch - rest }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(min: u32, max: u32, batch: u32) -> Config {
        Config {
            publication_delay_min_hours: min,
            publication_delay_max_hours: max,
            publication_batch_hours: batch,
            ..Config::default()
        }
    }

    #[test]
    fn attributed_incidents_are_visible_at_once() {
        assert_eq!(
            visible_from(1_000_000, false, &config(24, 72, 6)).ok(),
            Some(1_000_000)
        );
    }

    #[test]
    fn delayed_incidents_land_on_a_batch_boundary_inside_the_window() {
        let now = 1_767_225_599;
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let at = visible_from(now, true, &config(24, 72, 6)).unwrap_or(0);
            assert_eq!(at % (6 * 3600), 0);
            assert!(at >= now + 24 * 3600, "{at}");
            assert!(at < now + 72 * 3600 + 6 * 3600, "{at}");
            seen.insert(at);
        }
        // Random within the window, not one fixed delay.
        assert!(seen.len() > 3);
    }

    #[test]
    fn zero_settings_publish_immediately() {
        assert_eq!(visible_from(5000, true, &config(0, 0, 0)).ok(), Some(5000));
    }
}
