//! What a file is, from its content alone.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use file_format::FileFormat;

use crate::ooxml;

/// The kinds of file the cleaning policy tells apart. See the crate
/// documentation for what happens to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// JPEG picture: cleaned.
    Jpeg,
    /// PNG picture (also animated PNG): cleaned.
    Png,
    /// WebP picture: cleaned.
    Webp,
    /// PDF document: cleaned.
    Pdf,
    /// Word document (.docx, .docm, .dotx): cleaned.
    Docx,
    /// Excel workbook (.xlsx, .xlsm, .xltx): cleaned.
    Xlsx,
    /// PowerPoint presentation (.pptx, .pptm, .potx): cleaned.
    Pptx,
    /// HEIC/HEIF or AVIF picture: refused (cannot be cleaned without
    /// re-encoding).
    Heic,
    /// TIFF picture or camera raw file: refused.
    Tiff,
    /// JPEG XL or JPEG 2000 picture: refused.
    JpegXl,
    /// GIF, BMP, icons and other pictures: analysts only.
    OtherImage,
    /// SVG drawing (can hold scripts): analysts only.
    Svg,
    /// HTML page (can hold scripts): analysts only.
    Html,
    /// Other XML: analysts only.
    Xml,
    /// Plain text: logs, CSV, e-mail source, scripts. Analysts only.
    Text,
    /// Zip archive that is not an Office document: analysts only.
    Zip,
    /// Other archive or compressed file (7z, RAR, gzip, tar ...): analysts only.
    Archive,
    /// Legacy Office or other OLE compound file (.doc, .xls, .ppt, .msg):
    /// analysts only.
    LegacyOffice,
    /// Program or library (Windows PE, ELF, Mach-O, Java class, ...): refused.
    Executable,
    /// No content: refused.
    Empty,
    /// Anything else (packet captures, databases, unknown binary data):
    /// analysts only.
    Other,
}

impl Kind {
    /// A short name for people ("JPEG picture").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG picture",
            Self::Png => "PNG picture",
            Self::Webp => "WebP picture",
            Self::Pdf => "PDF document",
            Self::Docx => "Word document",
            Self::Xlsx => "Excel workbook",
            Self::Pptx => "PowerPoint presentation",
            Self::Heic => "HEIC/AVIF picture",
            Self::Tiff => "TIFF or camera raw picture",
            Self::JpegXl => "JPEG XL or JPEG 2000 picture",
            Self::OtherImage => "picture",
            Self::Svg => "SVG drawing",
            Self::Html => "web page",
            Self::Xml => "XML file",
            Self::Text => "text file",
            Self::Zip => "zip archive",
            Self::Archive => "archive",
            Self::LegacyOffice => "older Office file",
            Self::Executable => "program",
            Self::Empty => "empty file",
            Self::Other => "file",
        }
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The media type, as specific as detection could tell
    /// (`application/octet-stream` when nothing matched).
    pub mime: &'static str,
    /// The kind the cleaning policy goes by.
    pub kind: Kind,
}

/// Detects the type of `bytes` from their content: magic numbers, a look
/// inside zip archives for Office documents, and light sniffing of text.
/// There is no file name to go by, so a renamed file is what it is.
///
/// The cost is linear in the input (a zip's central directory is read);
/// [`clean`](crate::clean) checks the size limit before calling this.
#[must_use]
pub fn detect(bytes: &[u8]) -> Detected {
    if bytes.is_empty() {
        return Detected {
            mime: "application/x-empty",
            kind: Kind::Empty,
        };
    }
    if is_executable_magic(bytes) {
        let format = FileFormat::from_bytes(bytes);
        let mime = if format_kind(format) == Kind::Executable {
            static_media_type(format)
        } else {
            "application/octet-stream"
        };
        return Detected {
            mime,
            kind: Kind::Executable,
        };
    }
    // Any zip may be an Office document, whatever its first entry makes
    // file-format think (a jar, an e-book ...).
    if bytes.starts_with(b"PK")
        && let Some(office) = ooxml::kind_of_zip(bytes)
    {
        return Detected {
            mime: office_mime(office),
            kind: office,
        };
    }
    let format = FileFormat::from_bytes(bytes);
    let kind = format_kind(format);
    if format == FileFormat::MsDosExecutable {
        // "MZ" without the rest of a DOS header: not a program after all.
        return match std::str::from_utf8(bytes) {
            Ok(_) => Detected {
                mime: "text/plain",
                kind: Kind::Text,
            },
            Err(_) => Detected {
                mime: "application/octet-stream",
                kind: Kind::Other,
            },
        };
    }
    match kind {
        Kind::Zip => Detected {
            mime: "application/zip",
            kind: Kind::Zip,
        },
        Kind::Text | Kind::Xml => match sniff_markup(bytes) {
            Some(markup) => Detected {
                mime: if markup == Kind::Svg {
                    "image/svg+xml"
                } else {
                    "text/html"
                },
                kind: markup,
            },
            None => Detected {
                mime: static_media_type(format),
                kind,
            },
        },
        _ => Detected {
            mime: static_media_type(format),
            kind,
        },
    }
}

fn office_mime(kind: Kind) -> &'static str {
    match kind {
        Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Kind::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/zip",
    }
}

/// Native programs by their first bytes, whatever file-format makes of the
/// rest: MZ (DOS/Windows; with a NUL in its 64-byte header, so a text file
/// that happens to start with "MZ" is not one), ELF, Mach-O (32/64-bit, both
/// byte orders, and universal binaries, whose magic Java classes share).
fn is_executable_magic(bytes: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x7fELF",
        b"\xFE\xED\xFA\xCE",
        b"\xCE\xFA\xED\xFE",
        b"\xFE\xED\xFA\xCF",
        b"\xCF\xFA\xED\xFE",
        b"\xCA\xFE\xBA\xBE",
    ];
    ((bytes.starts_with(b"MZ") || bytes.starts_with(b"ZM"))
        && bytes[..bytes.len().min(64)].contains(&0))
        || MAGICS.iter().any(|m| bytes.starts_with(m))
}

/// HTML and SVG hiding in what file-format calls text or XML: they can
/// carry scripts, so the reason given differs.
fn sniff_markup(bytes: &[u8]) -> Option<Kind> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = head.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") || head.contains("<script")
    {
        return Some(Kind::Html);
    }
    if start.starts_with('<') && head.contains("<svg") {
        return Some(Kind::Svg);
    }
    None
}

fn format_kind(format: FileFormat) -> Kind {
    use FileFormat as F;
    match format {
        F::JointPhotographicExpertsGroup => Kind::Jpeg,
        F::PortableNetworkGraphics | F::AnimatedPortableNetworkGraphics => Kind::Png,
        F::Webp => Kind::Webp,
        F::PortableDocumentFormat => Kind::Pdf,
        F::Zip
        | F::OfficeOpenXmlDocument
        | F::OfficeOpenXmlSpreadsheet
        | F::OfficeOpenXmlPresentation => Kind::Zip,
        F::HighEfficiencyImageCoding
        | F::HighEfficiencyImageCodingSequence
        | F::HighEfficiencyImageFileFormat
        | F::HighEfficiencyImageFileFormatSequence
        | F::Av1ImageFileFormat
        | F::Av1ImageFileFormatSequence => Kind::Heic,
        F::TagImageFileFormat
        | F::CanonRaw
        | F::CanonRaw2
        | F::CanonRaw3
        | F::FujifilmRaw
        | F::NikonElectronicFile
        | F::OlympusRawFormat
        | F::PanasonicRaw
        | F::SonyAlphaRaw => Kind::Tiff,
        F::JpegXl
        | F::Jpeg2000Codestream
        | F::Jpeg2000Part1
        | F::Jpeg2000Part2
        | F::Jpeg2000Part3
        | F::Jpeg2000Part6 => Kind::JpegXl,
        F::ScalableVectorGraphics => Kind::Svg,
        F::HypertextMarkupLanguage => Kind::Html,
        F::ExtensibleMarkupLanguage => Kind::Xml,
        F::PlainText => Kind::Text,
        F::CompoundFileBinary => Kind::LegacyOffice,
        // Programs that run, or start others (shortcuts). Not every format
        // file-format files under "executable": COFF objects and C64
        // programs have two-byte signatures that other data matches.
        F::PortableExecutable
        | F::DynamicLinkLibrary
        | F::MsDosExecutable
        | F::NewExecutable
        | F::LinearExecutable
        | F::ExecutableAndLinkableFormat
        | F::MachO
        | F::JavaClass
        | F::DalvikExecutable
        | F::OptimizedDalvikExecutable
        | F::WebassemblyBinary
        | F::WindowsShortcut => Kind::Executable,
        F::Empty => Kind::Empty,
        _ => match format.kind() {
            file_format::Kind::Image => Kind::OtherImage,
            file_format::Kind::Archive | file_format::Kind::Compressed => Kind::Archive,
            _ => Kind::Other,
        },
    }
}

/// file-format lends its media types for as long as the value lives; this
/// keeps one `'static` copy per format (a few hundred short strings at
/// most, over the life of the process).
fn static_media_type(format: FileFormat) -> &'static str {
    static TYPES: OnceLock<Mutex<HashMap<FileFormat, &'static str>>> = OnceLock::new();
    let Ok(mut types) = TYPES.get_or_init(Mutex::default).lock() else {
        return "application/octet-stream";
    };
    types
        .entry(format)
        .or_insert_with(|| Box::leak(format.media_type().to_owned().into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_interned_once() {
        let a = static_media_type(FileFormat::PcapDump);
        let b = static_media_type(FileFormat::PcapDump);
        assert_eq!(a, "application/vnd.tcpdump.pcap");
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn markup_is_sniffed() {
        assert_eq!(sniff_markup(b"  <!DOCTYPE html><p>x"), Some(Kind::Html));
        assert_eq!(
            sniff_markup(b"hello <script>alert(1)</script>"),
            Some(Kind::Html)
        );
        assert_eq!(
            sniff_markup(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some(Kind::Svg)
        );
        assert_eq!(sniff_markup(b"2026-01-01 12:00 login failed"), None);
    }
}
