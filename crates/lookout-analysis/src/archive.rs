//! Archives (zip, gzip, tar, bzip2, xz), unpacked recursively within limits.
//!
//! Every member is weighed against the limits before it is decompressed,
//! and every decompression reads through `take`: neither a declared size nor
//! a compression ratio can make us allocate, and a member that lies about
//! its size is caught when one byte more than declared comes out. Member
//! names are only displayed: nothing is ever written anywhere.

use std::io::{self, Cursor, Read};

use flate2::read::MultiGzDecoder;
use zip::result::ZipError;
use zip::{ZipArchive, ZipReadOptions};

use crate::{Archive, ArchiveEntry, Ctx, FileType};

/// What malware-sharing sites and analysts protect sample archives with.
const PASSWORD: &str = "infected";
/// The largest member unpacked (the portal's upload limit); larger ones are
/// listed, not analysed.
pub(crate) const MEMBER_CAP: u64 = 64 * 1024 * 1024;
/// Below this a high ratio is just a small regular file (a kilobyte of zeros
/// deflates 100:1), not a bomb.
pub(crate) const BOMB_FLOOR: u64 = 1024 * 1024;
/// Entries listed per archive; past it they are only counted, so a
/// million-entry directory does not become a million-entry report.
const MAX_LISTED: usize = 1_000;
/// Names are for display; a 60 KB name is an attack on the display.
const MAX_NAME: usize = 1_024;
/// xz headers declare their dictionary size; xz -9 needs 64 MiB.
const XZ_MEMORY_KIB: u32 = 128 * 1024;
const MIB: u64 = 1024 * 1024;

#[derive(Clone, Copy)]
enum Format {
    Zip,
    Gzip,
    Tar,
    Bzip2,
    Xz,
}

fn sniff(data: &[u8], file_type: &FileType) -> Option<Format> {
    // Magic first: many zip-based types (jar, apk, odt, ...) have media types of their own.
    if data.starts_with(b"PK\x03\x04")
        || data.starts_with(b"PK\x05\x06")
        || data.starts_with(b"PK\x07\x08")
    {
        return Some(Format::Zip);
    }
    if data.starts_with(b"\x1f\x8b") {
        return Some(Format::Gzip);
    }
    if data.starts_with(b"BZh")
        && data
            .get(3)
            .is_some_and(|level| (b'1'..=b'9').contains(level))
    {
        return Some(Format::Bzip2);
    }
    if data.starts_with(b"\xfd7zXZ\x00") {
        return Some(Format::Xz);
    }
    if data.get(257..262) == Some(b"ustar") {
        return Some(Format::Tar);
    }
    match file_type.media_type.as_str() {
        "application/zip" => Some(Format::Zip),
        "application/x-tar" => Some(Format::Tar),
        _ => None,
    }
}

pub(crate) fn inspect(data: &[u8], file_type: &FileType, ctx: &mut Ctx) -> Option<Archive> {
    let format = sniff(data, file_type)?;
    let name = match format {
        Format::Zip => "zip",
        Format::Gzip => "gzip",
        Format::Tar => "tar",
        Format::Bzip2 => "bzip2",
        Format::Xz => "xz",
    };
    let mut archive = Archive {
        format: name.to_owned(),
        password: None,
        entries: Vec::new(),
        entries_not_listed: 0,
        bomb: false,
    };
    let compressed = data.len() as u64;
    match format {
        Format::Zip => zip(data, ctx, &mut archive),
        Format::Tar => tar(data, ctx, &mut archive),
        Format::Gzip => {
            let decoder = MultiGzDecoder::new(data);
            let path = match decoder.header().and_then(|header| header.filename()) {
                Some(name) => display_name(name),
                None => "(gzip content)".to_owned(),
            };
            single(ctx, &mut archive, name, path, compressed, decoder);
        }
        Format::Bzip2 => {
            let decoder = bzip2::read::MultiBzDecoder::new(data);
            single(
                ctx,
                &mut archive,
                name,
                "(bzip2 content)".to_owned(),
                compressed,
                decoder,
            );
        }
        Format::Xz => {
            let decoder = lzma_rust2::XzReader::new_mem_limit(data, true, XZ_MEMORY_KIB);
            single(
                ctx,
                &mut archive,
                name,
                "(xz content)".to_owned(),
                compressed,
                decoder,
            );
        }
    }
    Some(archive)
}

/// Why a member was not unpacked.
pub(crate) struct Skip {
    reason: String,
    kind: SkipKind,
}

#[derive(PartialEq)]
enum SkipKind {
    /// A limit or a missing password: nothing wrong with the file.
    Limit,
    Bomb,
    /// The container is damaged: also a problem.
    Broken,
}

impl Skip {
    fn limit(reason: impl Into<String>) -> Skip {
        Skip {
            reason: reason.into(),
            kind: SkipKind::Limit,
        }
    }

    fn bomb(reason: impl Into<String>) -> Skip {
        Skip {
            reason: reason.into(),
            kind: SkipKind::Bomb,
        }
    }

    fn broken(reason: impl Into<String>) -> Skip {
        Skip {
            reason: reason.into(),
            kind: SkipKind::Broken,
        }
    }

    pub(crate) fn is_bomb(&self) -> bool {
        self.kind == SkipKind::Bomb
    }

    pub(crate) fn into_reason(self) -> String {
        self.reason
    }
}

/// The most a member may expand to, and the limit that sets it.
#[derive(Clone, Copy)]
pub(crate) struct Bound {
    pub(crate) cap: u64,
    limit: Limit,
}

#[derive(Clone, Copy)]
enum Limit {
    Declared(u64),
    Ratio(u64),
    Budget,
}

/// Weighs a member against the limits before anything is decompressed.
/// `compressed` is what it takes in the container.
pub(crate) fn admit(ctx: &Ctx, declared: Option<u64>, compressed: u64) -> Result<Bound, Skip> {
    let ratio = ctx.limits().max_ratio;
    if let Some(size) = declared
        && size > BOMB_FLOOR
        && size > compressed.saturating_mul(ratio)
    {
        return Err(Skip::bomb(format!(
            "decompression bomb: declares {size} bytes from {compressed} compressed, more than {ratio} times"
        )));
    }
    ctx.may_unpack(declared.unwrap_or(compressed))
        .map_err(Skip::limit)?;
    let budget = ctx.unpack_allowance().min(MEMBER_CAP);
    match declared {
        Some(size) if size > budget => Err(Skip::limit(too_large(budget))),
        // The tightest bound: one byte more than declared shows the lie.
        Some(size) => Ok(Bound {
            cap: size.saturating_add(1),
            limit: Limit::Declared(size),
        }),
        None => {
            let by_ratio = compressed.saturating_mul(ratio).max(BOMB_FLOOR);
            Ok(if by_ratio < budget {
                Bound {
                    cap: by_ratio,
                    limit: Limit::Ratio(ratio),
                }
            } else {
                Bound {
                    cap: budget,
                    limit: Limit::Budget,
                }
            })
        }
    }
}

fn too_large(budget: u64) -> String {
    format!(
        "larger than the {} MiB that may still be unpacked",
        budget / MIB
    )
}

/// Reads at most `cap` bytes: what came out, and the error that stopped it.
pub(crate) fn read_bounded(reader: impl Read, cap: u64) -> (Vec<u8>, Option<io::Error>) {
    let mut out = Vec::new();
    let error = reader.take(cap).read_to_end(&mut out).err();
    (out, error)
}

/// Whether what came out of a bounded read ran into its bound.
pub(crate) fn overflow(bound: Bound, len: usize) -> Option<Skip> {
    let len = len as u64;
    match bound.limit {
        Limit::Declared(size) if len > size => Some(Skip::bomb(format!(
            "decompression bomb: expands beyond the {size} bytes it declares"
        ))),
        Limit::Ratio(ratio) if len >= bound.cap => Some(Skip::bomb(format!(
            "decompression bomb: expands more than {ratio} times its compressed size"
        ))),
        Limit::Budget if len >= bound.cap => Some(Skip::limit(too_large(bound.cap))),
        _ => None,
    }
}

fn new_entry(path: String, declared_size: Option<u64>, encrypted: bool) -> ArchiveEntry {
    ArchiveEntry {
        path,
        declared_size,
        encrypted,
        analysis: None,
        skipped: None,
    }
}

fn display_name(raw: &[u8]) -> String {
    let name = String::from_utf8_lossy(raw);
    match name.char_indices().nth(MAX_NAME) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.into_owned(),
    }
}

fn skip(ctx: &mut Ctx, archive: &mut Archive, part: &str, entry: &mut ArchiveEntry, skip: Skip) {
    match skip.kind {
        SkipKind::Bomb => archive.bomb = true,
        SkipKind::Broken => ctx.problem(part, format!("{}: {}", entry.path, skip.reason)),
        SkipKind::Limit => {}
    }
    entry.skipped = Some(skip.reason);
}

/// Reads a member that was admitted and opened, and analyses it.
fn unpack<R: Read>(
    ctx: &mut Ctx,
    archive: &mut Archive,
    part: &str,
    entry: &mut ArchiveEntry,
    opened: Result<(Bound, R), Skip>,
) {
    match opened {
        Ok((bound, reader)) => {
            let (bytes, error) = read_bounded(reader, bound.cap);
            settle(ctx, archive, part, entry, bound, bytes, error);
        }
        Err(refused) => skip(ctx, archive, part, entry, refused),
    }
}

fn settle(
    ctx: &mut Ctx,
    archive: &mut Archive,
    part: &str,
    entry: &mut ArchiveEntry,
    bound: Bound,
    bytes: Vec<u8>,
    error: Option<io::Error>,
) {
    // zip checks the declared size itself and fails the read that crosses it.
    let lied = error.as_ref().is_some_and(|e| {
        e.kind() == io::ErrorKind::InvalidData && e.to_string().contains("declared")
    });
    let overflowed = match (overflow(bound, bytes.len()), lied) {
        (Some(skip), _) => Some(skip),
        (None, true) => overflow(bound, usize::MAX),
        (None, false) => None,
    };
    if let Some(overflowed) = overflowed {
        if overflowed.is_bomb() {
            ctx.problem(part, format!("{}: {}", entry.path, overflowed.reason));
        }
        return skip(ctx, archive, part, entry, overflowed);
    }
    if let Some(error) = error {
        // ZipCrypto accepts one wrong password in 256; the data then fails to inflate or to match its CRC.
        if entry.encrypted {
            return skip(
                ctx,
                archive,
                part,
                entry,
                Skip::limit("encrypted with an unknown password"),
            );
        }
        ctx.problem(
            part,
            format!("{}: cut short or corrupt ({error})", entry.path),
        );
        if bytes.is_empty() {
            entry.skipped = Some(format!("could not be unpacked: {error}"));
            return;
        }
    } else if let Some(size) = entry.declared_size
        && (bytes.len() as u64) < size
    {
        ctx.problem(
            part,
            format!("{}: cut short, {} of {size} bytes", entry.path, bytes.len()),
        );
    }
    if entry.encrypted {
        archive.password = Some(PASSWORD.to_owned());
    }
    entry.analysis = Some(ctx.analyze_member(&bytes));
}

/// Whether another entry may be listed; counts `remaining` (this one
/// included) as not listed otherwise.
fn room(ctx: &mut Ctx, archive: &mut Archive, remaining: usize) -> bool {
    if archive.entries.len() < MAX_LISTED && !ctx.out_of_time() {
        return true;
    }
    if ctx.out_of_time() {
        ctx.problem(
            "limits",
            format!("the time limit was reached with {remaining} archive entries not listed"),
        );
    }
    archive.entries_not_listed = archive.entries_not_listed.saturating_add(remaining as u64);
    false
}

fn zip_refusal(error: ZipError) -> Skip {
    match error {
        ZipError::InvalidPassword => Skip::limit("encrypted with an unknown password"),
        ZipError::UnsupportedArchive(message) if message == ZipError::PASSWORD_REQUIRED => {
            Skip::limit("encrypted with an unknown password")
        }
        ZipError::CompressionMethodNotSupported(method) => Skip::limit(format!(
            "compressed with method {method}, which is not supported"
        )),
        error => Skip::broken(format!("could not be opened: {error}")),
    }
}

fn zip(data: &[u8], ctx: &mut Ctx, archive: &mut Archive) {
    let mut zip = match ZipArchive::new(Cursor::new(data)) {
        Ok(zip) => zip,
        Err(error) => {
            ctx.problem("zip", format!("the central directory could not be read ({error}); members were read from their local headers"));
            return zip_local_headers(data, ctx, archive);
        }
    };
    let count = zip.len();
    for index in 0..count {
        if !room(ctx, archive, count - index) {
            break;
        }
        let Ok(meta) = zip.by_index_data(index) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        let path = match meta.name() {
            Ok(name) if name.chars().count() <= MAX_NAME => name.into_owned(),
            _ => display_name(meta.name_raw()),
        };
        let (declared, compressed, encrypted) =
            (meta.size(), meta.compressed_size(), meta.encrypted());
        let mut entry = new_entry(path, Some(declared), encrypted);
        let opened = match admit(ctx, Some(declared), compressed) {
            Ok(bound) => match encrypted {
                true => zip.by_index_decrypt(index, PASSWORD.as_bytes()),
                false => zip.by_index(index),
            }
            .map(|file| (bound, file))
            .map_err(zip_refusal),
            Err(refused) => Err(refused),
        };
        unpack(ctx, archive, "zip", &mut entry, opened);
        archive.entries.push(entry);
    }
}

/// A zip cut short has no central directory; its complete members can still
/// be read one local header after another.
fn zip_local_headers(data: &[u8], ctx: &mut Ctx, archive: &mut Archive) {
    let mut cursor = Cursor::new(data);
    loop {
        if !room(ctx, archive, 0) {
            break;
        }
        let options = ZipReadOptions::new().password(Some(PASSWORD.as_bytes()));
        let file = match zip::read::read_zipfile_from_stream_with_options(&mut cursor, options) {
            Ok(Some(file)) => file,
            Ok(None) => break,
            Err(error) => {
                ctx.problem("zip", format!("stopped at a damaged local header: {error}"));
                break;
            }
        };
        if file.is_dir() {
            continue;
        }
        let path = display_name(file.name_raw());
        let mut entry = new_entry(path, Some(file.size()), file.encrypted());
        let opened =
            admit(ctx, entry.declared_size, file.compressed_size()).map(|bound| (bound, file));
        unpack(ctx, archive, "zip", &mut entry, opened);
        archive.entries.push(entry);
    }
}

fn tar(data: &[u8], ctx: &mut Ctx, archive: &mut Archive) {
    let mut tar = tar::Archive::new(Cursor::new(data));
    let entries = match tar.entries() {
        Ok(entries) => entries,
        Err(error) => return ctx.problem("tar", format!("the archive could not be read: {error}")),
    };
    for item in entries {
        let mut file = match item {
            Ok(file) => file,
            Err(error) => {
                ctx.problem("tar", format!("stopped at a damaged header: {error}"));
                break;
            }
        };
        use tar::EntryType::{Continuous, GNUSparse, Regular};
        if !matches!(file.header().entry_type(), Regular | Continuous | GNUSparse) {
            continue;
        }
        if !room(ctx, archive, 1) {
            if ctx.out_of_time() {
                break;
            }
            continue;
        }
        let path = display_name(&file.path_bytes());
        // Sparse members expand holes into zeros: what is stored is the compressed size.
        let stored = file.header().entry_size().unwrap_or(0);
        let mut entry = new_entry(path, Some(file.size()), false);
        let opened = admit(ctx, entry.declared_size, stored).map(|bound| (bound, &mut file));
        unpack(ctx, archive, "tar", &mut entry, opened);
        archive.entries.push(entry);
    }
}

/// Compressed streams hold one member and no trustworthy size: the ratio
/// is checked on what comes out.
fn single(
    ctx: &mut Ctx,
    archive: &mut Archive,
    part: &str,
    path: String,
    compressed: u64,
    reader: impl Read,
) {
    let mut entry = new_entry(path, None, false);
    let opened = admit(ctx, None, compressed).map(|bound| (bound, reader));
    unpack(ctx, archive, part, &mut entry, opened);
    archive.entries.push(entry);
}
