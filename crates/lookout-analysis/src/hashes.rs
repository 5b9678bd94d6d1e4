//! Cryptographic digests and the TLSH fuzzy hash.

use std::str::FromStr;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::Hashes;

pub(crate) fn compute(data: &[u8]) -> Hashes {
    Hashes {
        md5: hex::encode(Md5::digest(data)),
        sha1: hex::encode(Sha1::digest(data)),
        sha256: hex::encode(Sha256::digest(data)),
        sha512: hex::encode(Sha512::digest(data)),
        tlsh: tlsh(data),
    }
}

/// The TLSH in the form other tools print (`T1` and upper-case hex, the
/// 128-bucket, 1-byte-checksum variant of py-tlsh and VirusTotal).
fn tlsh(data: &[u8]) -> Option<String> {
    let hash = tlsh2::TlshDefaultBuilder::build_from(data)?;
    String::from_utf8(hash.hash().to_vec()).ok()
}

/// Distance between two TLSH texts (0 = near-identical; under about 100,
/// likely related; the file length counts), or `None` when either is not a
/// TLSH this crate produces.
pub fn tlsh_distance(a: &str, b: &str) -> Option<i32> {
    let a = tlsh2::TlshDefault::from_str(a).ok()?;
    let b = tlsh2::TlshDefault::from_str(b).ok()?;
    Some(a.diff(&b, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlsh_of_a_file_is_close_to_a_small_edit_and_far_from_other_text() {
        let text: Vec<u8> = (0..4000u32)
            .flat_map(|i| {
                format!("line {i} of a bunker invoice {}\n", i * 7919 % 1000).into_bytes()
            })
            .collect();
        let mut edited = text.clone();
        edited[100..120].copy_from_slice(b"CHANGED CHANGED CHAN");
        let other: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let [a, b, c] = [&text, &edited, &other].map(|d| tlsh(d).expect("hashable"));
        assert!(a.starts_with("T1") && a.len() == 72, "{a}");
        let near = tlsh_distance(&a, &b).expect("parses");
        let far = tlsh_distance(&a, &c).expect("parses");
        assert!(near < 30 && far > 150, "near {near}, far {far}");
        assert_eq!(tlsh_distance(&a, "not a hash"), None);
    }

    #[test]
    fn tiny_files_have_no_tlsh() {
        assert_eq!(compute(b"short").tlsh, None);
    }
}
