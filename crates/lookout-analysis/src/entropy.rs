//! Shannon entropy, in bits per byte.

/// 0 for empty or constant data, 8 for uniformly random bytes. Compressed
/// or encrypted content sits above about 7.2; code and text well below.
pub fn shannon(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u64; 256];
    for &byte in data {
        counts[usize::from(byte)] += 1;
    }
    let len = data.len() as f64;
    let bits: f64 = counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum();
    // Two decimals are all a reader uses, and they keep the JSON stable.
    (bits * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::shannon;

    #[test]
    fn bounds() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(&[7; 1000]), 0.0);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(shannon(&all), 8.0);
        assert_eq!(shannon(b"abab"), 1.0);
    }
}
