//! The file's type, read from its content (magic numbers and container
//! structure), never from its name: a name is whatever the sender wanted.

use file_format::{FileFormat, Kind};

use crate::{FileKind, FileType};

pub(crate) fn detect(data: &[u8]) -> FileType {
    let format = FileFormat::from_bytes(data);
    let media_type = format.media_type().to_owned();
    let kind = match format.kind() {
        _ if media_type == "application/pdf" => FileKind::Pdf,
        Kind::Executable => FileKind::Executable,
        Kind::Document | Kind::Spreadsheet | Kind::Presentation => FileKind::Document,
        // Generic compound files are Office documents far more often than
        // anything else (and the Office parser decides).
        _ if media_type == "application/x-cfb" => FileKind::Document,
        Kind::Archive | Kind::Compressed | Kind::Package => FileKind::Archive,
        Kind::Image => FileKind::Image,
        _ if data.starts_with(b"#!") => FileKind::Script,
        _ if media_type.starts_with("text/") || format == FileFormat::PlainText => FileKind::Text,
        _ => FileKind::Other,
    };
    FileType {
        name: format.name().to_owned(),
        media_type,
        extension: format.extension().to_owned(),
        kind,
    }
}
