//! Office documents: OLE2 compound files (.doc, .xls, .ppt, vbaProject.bin)
//! and OOXML packages (.docx, .docm, .xlsm, ...). What matters for a
//! verdict is what runs or is fetched when the document opens: VBA macros
//! and relationships to external targets.

mod ooxml;
mod ovba;
mod vba;

use std::io::{Cursor, Read, Seek};

use cfb::CompoundFile;

use crate::{Ctx, FileType, Office};

#[cfg(feature = "samples")]
pub(crate) use ovba::{CHUNK_SIZE, decompress, offset_bits};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// `None` unless `data` is a compound file or an OOXML package.
pub(crate) fn inspect(data: &[u8], file_type: &FileType, ctx: &mut Ctx) -> Option<Office> {
    if !data.starts_with(&OLE_MAGIC) {
        return ooxml::inspect(data, file_type, ctx);
    }
    let mut office = Office {
        container: "ole".to_owned(),
        ..Office::default()
    };
    let mut found = vba::Found::default();
    read_ole(data, "", &mut office, &mut found, ctx);
    office.macros = found.macros;
    Some(office)
}

/// Reads a compound file's encryption state and VBA projects. `label` names
/// the file when it is a part of a package.
fn read_ole(data: &[u8], label: &str, office: &mut Office, found: &mut vba::Found, ctx: &mut Ctx) {
    let mut cfb = match CompoundFile::open(Cursor::new(data)) {
        Ok(cfb) => cfb,
        Err(e) => {
            let what = if label.is_empty() { "the file" } else { label };
            ctx.problem(
                "office",
                format!("{what} could not be opened as a compound file: {e}"),
            );
            return;
        }
    };
    check_encryption(&mut cfb, office, ctx);
    vba::read_projects(&mut cfb, label, found, ctx);
}

fn check_encryption<F: Read + Seek>(cfb: &mut CompoundFile<F>, office: &mut Office, ctx: &mut Ctx) {
    if cfb.is_stream("/EncryptionInfo") || cfb.is_stream("/EncryptedPackage") {
        office.encrypted = true;
        ctx.problem(
            "office",
            "the document is encrypted with a password: its content, macros included, \
             cannot be read without it",
        );
        return;
    }
    // Legacy binary encryption covers the text only; VBA is stored apart
    // and stays readable.
    let legacy =
        word_encrypted(&head(cfb, "/WordDocument")) || excel_encrypted(&head(cfb, "/Workbook"));
    if legacy {
        office.encrypted = true;
        ctx.problem(
            "office",
            "the document's text is encrypted with a password and was not read; \
             macros are stored apart and were read",
        );
    }
}

/// The first bytes of a stream, or nothing.
fn head<F: Read + Seek>(cfb: &mut CompoundFile<F>, path: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Ok(stream) = cfb.open_stream(path) {
        // Errors leave what was read, which is all the checks need.
        let _ = stream.take(8192).read_to_end(&mut bytes);
    }
    bytes
}

/// Word's FIB: wIdent 0xA5EC, then fEncrypted in the flags at 0x0A
/// ([MS-DOC] 2.5.2).
fn word_encrypted(fib: &[u8]) -> bool {
    let u16_at = |pos: usize| {
        fib.get(pos..pos + 2)
            .and_then(|b| b.try_into().ok())
            .map(u16::from_le_bytes)
    };
    u16_at(0) == Some(0xA5EC) && u16_at(0x0A).is_some_and(|flags| flags & 0x0100 != 0)
}

/// Excel's globals substream has a FILEPASS record (0x002F) near its
/// start when the workbook is encrypted ([MS-XLS] 2.4.117).
fn excel_encrypted(workbook: &[u8]) -> bool {
    let mut pos = 0usize;
    for _ in 0..64 {
        let Some(&[k0, k1, l0, l1]) = workbook.get(pos..pos + 4) else {
            return false;
        };
        let kind = u16::from_le_bytes([k0, k1]);
        let len = usize::from(u16::from_le_bytes([l0, l1]));
        match kind {
            0x002F => return true,
            // EOF of the globals substream.
            0x000A => return false,
            _ => pos += 4 + len,
        }
    }
    false
}
