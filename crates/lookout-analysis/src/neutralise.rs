//! The one way a sample leaves the portal: inside a zip encrypted with the
//! password `infected`, the convention of malware-sharing sites. The
//! encryption is not secrecy (everyone knows the password): it stops the
//! file being opened by a double-click and keeps mail filters and
//! anti-virus on the analyst's workstation from acting on it in transit.

use std::io::{Cursor, Write};

use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::Error;

/// The password every analysis tool expects on shared samples.
pub const PASSWORD: &str = "infected";

/// `data` as the only member `name` of a zip encrypted with [`PASSWORD`]
/// (ZipCrypto, which every unzip tool opens; AES is not universal).
pub fn infected_zip(name: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let zip_error = |e: zip::result::ZipError| Error::Zip(e.to_string());
    let io_error = |e: std::io::Error| Error::Zip(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(data.len() >= u32::MAX as usize)
        .with_deprecated_encryption(PASSWORD.as_bytes())
        .map_err(zip_error)?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file(name, options).map_err(zip_error)?;
    writer.write_all(data).map_err(io_error)?;
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn opens_with_infected_and_not_without() {
        let zip = infected_zip("sample.bin", b"MZ harmless").expect("zip");
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("valid zip");
        assert!(archive.by_index(0).is_err(), "needs the password");
        let mut member = archive
            .by_index_decrypt(0, PASSWORD.as_bytes())
            .expect("opens");
        assert_eq!(member.name().expect("name"), "sample.bin");
        let mut content = Vec::new();
        member.read_to_end(&mut content).expect("reads");
        assert_eq!(content, b"MZ harmless");
    }
}
