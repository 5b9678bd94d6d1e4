//! Archives with harmless content, including the hostile shapes the
//! archive parser must survive: bombs, lying sizes, deep nesting.

use std::io::{Cursor, Write};

use flate2::Compression;
use flate2::write::GzEncoder;
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip with `entries` deflated, as `(name, content)`.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    build_zip(entries, None)
}

/// A zip with `entries` encrypted (ZipCrypto, which tools expect) with the
/// password `infected`, as malware-sharing sites publish samples.
pub fn zip_infected(entries: &[(&str, &[u8])]) -> Vec<u8> {
    build_zip(entries, Some("infected"))
}

/// A zip encrypted with ZipCrypto and `password`: another password than
/// `infected` leaves the members unreadable.
pub fn zip_with_password(entries: &[(&str, &[u8])], password: &str) -> Vec<u8> {
    build_zip(entries, Some(password))
}

fn build_zip(entries: &[(&str, &[u8])], password: Option<&str>) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        let mut options =
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        if let Some(password) = password {
            options = options
                .with_deprecated_encryption(password.as_bytes())
                .expect("a non-empty password");
        }
        writer
            .start_file(*name, options)
            .expect("writing to memory");
        writer.write_all(content).expect("writing to memory");
    }
    writer.finish().expect("writing to memory").into_inner()
}

/// Bytes of zeros in the bomb samples: deflate tops out near 1030:1, so
/// 8 MiB packs into about 8 KiB, far past the default ratio limit of 200
/// while still building in milliseconds.
const BOMB_SIZE: usize = 8 * 1024 * 1024;

/// A zip bomb that says so: one member `zeros.bin` of 8 MiB of zeros,
/// honestly declared. Exercises the ratio check on the declared size, which
/// refuses the member before anything is inflated.
pub fn zip_bomb() -> Vec<u8> {
    zip(&[("zeros.bin", &vec![0; BOMB_SIZE])])
}

/// A zip bomb that lies: the member `small.txt` declares 4 KiB in both its
/// local header and the central directory, but inflates to 8 MiB of zeros.
/// Its declared ratio is harmless (4 KiB from 8 KiB), so only the bounded
/// read (one byte past the declared size) catches it.
pub fn zip_bomb_lying_size() -> Vec<u8> {
    const DECLARED: u32 = 4096;
    let mut bytes = zip(&[("small.txt", &vec![0; BOMB_SIZE])]);
    // Local header: the uncompressed size is at offset 22.
    bytes[22..26].copy_from_slice(&DECLARED.to_le_bytes());
    // End of central directory (no comment): the directory offset is at 16.
    let end = bytes.len() - 22;
    let directory = u32::from_le_bytes([
        bytes[end + 16],
        bytes[end + 17],
        bytes[end + 18],
        bytes[end + 19],
    ]) as usize;
    // Central header: the uncompressed size is at offset 24.
    bytes[directory + 24..directory + 28].copy_from_slice(&DECLARED.to_le_bytes());
    bytes
}

/// `inner` wrapped in `depth` zips: `level{depth-1}.zip` holds the next
/// level down, and the innermost holds `inner.bin`. Depth 0 is `inner`.
pub fn nested_zip(depth: usize, inner: &[u8]) -> Vec<u8> {
    let mut current = inner.to_vec();
    for level in 0..depth {
        let name = if level == 0 {
            "inner.bin".to_owned()
        } else {
            format!("level{level}.zip")
        };
        current = zip(&[(&name, &current)]);
    }
    current
}

/// `data` gzipped.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// `data` in a bzip2 stream.
pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// `data` in an xz stream.
pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut encoder = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6))
        .expect("an xz encoder with a preset");
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// A ustar archive with `entries` as regular files.
pub fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, content) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        builder
            .append_data(&mut header, name, *content)
            .expect("writing to memory");
    }
    builder.into_inner().expect("writing to memory")
}
