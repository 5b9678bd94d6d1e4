//! Value axis arithmetic. Counts are `u64`; the arithmetic runs in `u128` so
//! that rounding the top of the axis up from `u64::MAX` cannot overflow, and
//! positions go through `f64`, whose `as i32` saturates.

/// A value axis from 0 to `top` with gridlines every `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticks {
    pub(crate) step: u128,
    pub(crate) top: u128,
}

/// About four intervals of 1, 2 or 5 times a power of ten, covering `max`.
/// Steps are whole numbers: the figures are counts.
pub(crate) fn ticks(max: u64) -> Ticks {
    let max = u128::from(max).max(1);
    let rough = max.div_ceil(4);
    let mut power: u128 = 1;
    while power * 10 <= rough {
        power *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= rough)
        .unwrap_or(10 * power);
    Ticks {
        step,
        top: max.div_ceil(step) * step,
    }
}

impl Ticks {
    pub(crate) fn values(self) -> impl Iterator<Item = u128> {
        let step = self.step.max(1);
        (0..=self.top / step).map(move |i| i * step)
    }
}

/// Pixel offset of `value` along `length` pixels for an axis ending at `top`.
pub(crate) fn offset(value: u128, top: u128, length: i32) -> i32 {
    if top == 0 {
        return 0;
    }
    (value as f64 / top as f64 * f64::from(length)).round() as i32
}

/// Tick labels: exact below 100 000, else short with an SI suffix ("150k",
/// "2.5M"), since gridline values are round and the table has exact ones.
pub(crate) fn compact(n: u128) -> String {
    const UNITS: [(u128, &str); 6] = [
        (1_000_000_000_000_000_000, "E"),
        (1_000_000_000_000_000, "P"),
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    if n < 100_000 {
        return n.to_string();
    }
    for (unit, suffix) in UNITS {
        if n >= unit {
            let whole = n / unit;
            let tenth = n % unit * 10 / unit;
            return if whole < 10 && tenth != 0 {
                format!("{whole}.{tenth}{suffix}")
            } else {
                format!("{whole}{suffix}")
            };
        }
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0), Ticks { step: 1, top: 1 });
        assert_eq!(ticks(1), Ticks { step: 1, top: 1 });
        assert_eq!(ticks(7), Ticks { step: 2, top: 8 });
        assert_eq!(ticks(10), Ticks { step: 5, top: 10 });
        assert_eq!(ticks(37), Ticks { step: 10, top: 40 });
        assert_eq!(
            ticks(1234),
            Ticks {
                step: 500,
                top: 1500
            }
        );
        let huge = ticks(u64::MAX);
        assert!(huge.top >= u128::from(u64::MAX));
        assert!(huge.values().count() <= 6);
    }

    #[test]
    fn offsets_saturate() {
        assert_eq!(offset(5, 10, 100), 50);
        assert_eq!(offset(5, 0, 100), 0);
        assert_eq!(
            offset(u128::from(u64::MAX), 20_000_000_000_000_000_000, 200),
            184
        );
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(0), "0");
        assert_eq!(compact(99_999), "99999");
        assert_eq!(compact(150_000), "150k");
        assert_eq!(compact(2_500_000), "2.5M");
        assert_eq!(compact(20_000_000_000_000_000_000), "20E");
    }
}
