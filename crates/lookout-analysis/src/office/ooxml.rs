//! OOXML packages: zips with a `[Content_Types].xml`. Read here: VBA
//! projects (`vbaProject.bin`, a compound file) and relationships whose
//! target is outside the package.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::read::ZipFile;

use super::vba;
use crate::{ArchiveEntry, Ctx, ExternalLink, FileType, Office};

/// Largest part read: relationship parts are kilobytes, VBA projects rarely
/// reach a few megabytes.
const PART_CAP: u64 = 16 * 1024 * 1024;
/// Bytes decompressed from one package in all.
const TOTAL_CAP: u64 = 64 * 1024 * 1024;
/// Far above any real relationship part; bounds memory on crafted XML.
const XML_NODES_LIMIT: u32 = 200_000;
const MAX_LINKS: usize = 1000;
/// VBA projects read from one package; real ones have one.
const MAX_VBA_PARTS: usize = 16;
/// Embedded objects analysed in one package.
const MAX_EMBEDDED: usize = 50;
const CONTENT_TYPES: &[u8] = b"[Content_Types].xml";
/// Characters kept of a link target.
const TARGET_CAP: usize = 2048;

pub(super) fn inspect(data: &[u8], file_type: &FileType, ctx: &mut Ctx) -> Option<Office> {
    if !could_be_zip(data, file_type) {
        return None;
    }
    let mut package = Package {
        office: Office {
            container: "ooxml".to_owned(),
            ..Office::default()
        },
        found: vba::Found::default(),
        read: 0,
        budget: TOTAL_CAP.min(ctx.unpack_allowance()),
        links_capped: false,
        timed_out: false,
    };
    match ZipArchive::new(Cursor::new(data)) {
        Ok(archive) => {
            if !package.read_archive(archive, ctx) {
                return None;
            }
        }
        Err(e) => {
            // A package cut short or with a damaged central directory still
            // starts with its content types: it is a broken Office file,
            // read as far as its local headers go, not a plain zip.
            if !starts_with_content_types(data) {
                return None;
            }
            let message = format!(
                "the package's central directory is unreadable ({e}); \
                 parts were read in file order up to the damage"
            );
            ctx.problem("office", message);
            package.read_stream(data, ctx);
        }
    }
    package.office.macros = package.found.macros;
    Some(package.office)
}

fn could_be_zip(data: &[u8], file_type: &FileType) -> bool {
    let media = file_type.media_type.to_ascii_lowercase();
    data.starts_with(b"PK\x03\x04")
        || media.contains("zip")
        || media.contains("openxmlformats")
        || media.contains("macroenabled")
}

/// Whether the first local header is `[Content_Types].xml`, as Office and
/// most tools write packages.
fn starts_with_content_types(data: &[u8]) -> bool {
    let name_len = data
        .get(26..28)
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes);
    data.starts_with(b"PK\x03\x04")
        && name_len == Some(CONTENT_TYPES.len() as u16)
        && data
            .get(30..30 + CONTENT_TYPES.len())
            .is_some_and(|name| name.eq_ignore_ascii_case(CONTENT_TYPES))
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Relationships,
    Vba,
}

fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".rels") {
        Some(Kind::Relationships)
    } else if lower.ends_with("vbaproject.bin") {
        Some(Kind::Vba)
    } else {
        None
    }
}

struct Package {
    office: Office,
    found: vba::Found,
    read: u64,
    budget: u64,
    links_capped: bool,
    timed_out: bool,
}

impl Package {
    /// Returns false when the zip is not an OOXML package.
    fn read_archive(&mut self, mut archive: ZipArchive<Cursor<&[u8]>>, ctx: &mut Ctx) -> bool {
        if !archive
            .file_names_raw()
            .any(|n| n.eq_ignore_ascii_case(CONTENT_TYPES))
        {
            return false;
        }
        // In index order, which `by_index` takes.
        let names: Vec<String> = archive
            .file_names_raw()
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .collect();
        // Relationships first: they also name VBA projects saved under
        // another name than vbaProject.bin, which Office loads all the same.
        let mut vba_parts: Vec<String> = names
            .iter()
            .filter(|n| kind_of(n) == Some(Kind::Vba))
            .cloned()
            .collect();
        for (index, name) in names
            .iter()
            .enumerate()
            .filter(|(_, n)| kind_of(n) == Some(Kind::Relationships))
        {
            if let Some(xml) = self.read_part(&mut archive, index, name, ctx) {
                self.relationships(&xml, name, &mut vba_parts, ctx);
            }
        }
        vba_parts.sort_by_key(|part| part.to_ascii_lowercase());
        vba_parts.dedup_by_key(|part| part.to_ascii_lowercase());
        for part in vba_parts.iter().take(MAX_VBA_PARTS) {
            let Some(index) = names.iter().position(|n| n.eq_ignore_ascii_case(part)) else {
                ctx.problem(
                    "office",
                    format!("the VBA project {part:?} named by a relationship is missing"),
                );
                continue;
            };
            if let Some(bytes) = self.read_part(&mut archive, index, part, ctx) {
                self.vba(&bytes, part, ctx);
            }
        }
        if vba_parts.len() > MAX_VBA_PARTS {
            ctx.problem(
                "office",
                format!("more than {MAX_VBA_PARTS} VBA projects; the rest were not read"),
            );
        }
        self.embedded(&mut archive, &names, ctx);
        true
    }

    /// Objects embedded in the document (`word/embeddings/oleObject1.bin`,
    /// a workbook in a presentation, a program wrapped in an OLE package):
    /// droppers hide their payload there, so each is analysed in turn.
    fn embedded(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        names: &[String],
        ctx: &mut Ctx,
    ) {
        let embedded = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.to_ascii_lowercase().contains("/embeddings/") && !n.ends_with('/'));
        for (index, name) in embedded {
            if self.office.embedded_files.len() >= MAX_EMBEDDED {
                ctx.problem(
                    "office",
                    format!(
                        "more than {MAX_EMBEDDED} embedded objects; the rest were not analysed"
                    ),
                );
                break;
            }
            let declared = archive.by_index_raw(index).map(|f| f.size()).ok();
            let mut entry = ArchiveEntry {
                path: name.clone(),
                declared_size: declared,
                encrypted: false,
                analysis: None,
                skipped: None,
            };
            match ctx.may_unpack(declared.unwrap_or(0)) {
                Err(reason) => entry.skipped = Some(reason),
                Ok(()) => match self.read_part(archive, index, name, ctx) {
                    Some(bytes) => entry.analysis = Some(ctx.analyze_member(&bytes)),
                    None => {
                        entry.skipped = Some("it could not be read (see the problems)".to_owned())
                    }
                },
            }
            self.office.embedded_files.push(entry);
        }
    }

    /// Reads the parts in file order through their local headers, for a
    /// package whose central directory is gone.
    fn read_stream(&mut self, data: &[u8], ctx: &mut Ctx) {
        let mut cursor = Cursor::new(data);
        while !self.stopped(ctx) {
            let mut file = match zip::read::read_zipfile_from_stream(&mut cursor) {
                Ok(Some(file)) => file,
                Ok(None) => break,
                Err(e) => {
                    ctx.problem(
                        "office",
                        format!("reading the package's parts stopped at damage: {e}"),
                    );
                    break;
                }
            };
            let name = String::from_utf8_lossy(file.name_raw()).into_owned();
            let Some(kind) = kind_of(&name) else { continue };
            let bytes = self.read_capped(&mut file, &name, ctx);
            drop(file);
            match (kind, bytes) {
                (Kind::Relationships, Some(xml)) => {
                    self.relationships(&xml, &name, &mut Vec::new(), ctx)
                }
                (Kind::Vba, Some(bytes)) => self.vba(&bytes, &name, ctx),
                (_, None) => {}
            }
        }
    }

    fn stopped(&mut self, ctx: &mut Ctx) -> bool {
        if !self.timed_out && ctx.out_of_time() {
            self.timed_out = true;
            ctx.problem(
                "office",
                "the time limit was reached before all parts of the package were read",
            );
        }
        self.timed_out
    }

    fn read_part(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        name: &str,
        ctx: &mut Ctx,
    ) -> Option<Vec<u8>> {
        if self.stopped(ctx) {
            return None;
        }
        match archive.by_index(index) {
            Ok(mut file) => self.read_capped(&mut file, name, ctx),
            Err(e) => {
                ctx.problem(
                    "office",
                    format!("the part {name} could not be opened: {e}"),
                );
                None
            }
        }
    }

    /// Decompresses a part, refusing it when its declared size is over the
    /// caps and dropping it when it turns out larger than declared.
    fn read_capped<R: Read>(
        &mut self,
        file: &mut ZipFile<'_, R>,
        name: &str,
        ctx: &mut Ctx,
    ) -> Option<Vec<u8>> {
        let declared = file.size();
        let cap = PART_CAP.min(self.budget.saturating_sub(self.read));
        if declared > cap {
            let why = if declared > PART_CAP {
                "over the 16 MiB read per part"
            } else {
                "over what is left to read of the package"
            };
            ctx.problem(
                "office",
                format!("the part {name} declares {declared} bytes, {why}; it was not read"),
            );
            return None;
        }
        let mut bytes = Vec::new();
        let result = file
            .by_ref()
            .take(cap.saturating_add(1))
            .read_to_end(&mut bytes);
        self.read = self.read.saturating_add(bytes.len() as u64);
        if bytes.len() as u64 > cap {
            let message = format!("the part {name} expands past {cap} bytes (declared {declared})");
            ctx.problem("office", format!("{message}; it was not read"));
            return None;
        }
        if let Err(e) = result {
            ctx.problem("office", format!("the part {name} is damaged: {e}"));
            return None;
        }
        Some(bytes)
    }

    fn relationships(
        &mut self,
        xml: &[u8],
        part: &str,
        vba_parts: &mut Vec<String>,
        ctx: &mut Ctx,
    ) {
        let Some(text) = xml_text(xml) else {
            ctx.problem(
                "office",
                format!("the relationships part {part} is neither UTF-8 nor UTF-16"),
            );
            return;
        };
        let options = roxmltree::ParsingOptions {
            nodes_limit: XML_NODES_LIMIT,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = match roxmltree::Document::parse_with_options(&text, options) {
            Ok(doc) => doc,
            Err(e) => {
                ctx.problem(
                    "office",
                    format!("the relationships part {part} is not well-formed XML: {e}"),
                );
                return;
            }
        };
        for rel in doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "Relationship")
        {
            let kind = rel
                .attribute("Type")
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let target = rel.attribute("Target").unwrap_or_default();
            let external = rel
                .attribute("TargetMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("External"));
            if !external {
                if kind.eq_ignore_ascii_case("vbaProject") && vba_parts.len() <= MAX_VBA_PARTS {
                    vba_parts.push(resolve(part, target));
                }
                continue;
            }
            // Hyperlinks are fetched only when clicked, and ordinary
            // documents have hundreds; listing them would bury the links
            // Office fetches by itself on opening (templates, frames, OLE
            // links, images), which is what this list promises.
            if kind.eq_ignore_ascii_case("hyperlink") {
                continue;
            }
            if self.office.external_links.len() >= MAX_LINKS {
                if !self.links_capped {
                    self.links_capped = true;
                    ctx.problem(
                        "office",
                        format!("more than {MAX_LINKS} external links; the rest are not listed"),
                    );
                }
                return;
            }
            self.office.external_links.push(ExternalLink {
                relationship: kind.to_owned(),
                target: target.chars().take(TARGET_CAP).collect(),
                part: part.to_owned(),
            });
        }
    }

    fn vba(&mut self, bytes: &[u8], part: &str, ctx: &mut Ctx) {
        if !bytes.starts_with(&super::OLE_MAGIC) {
            ctx.problem(
                "office",
                format!("the VBA project {part} is not a compound file"),
            );
            return;
        }
        super::read_ole(bytes, part, &mut self.office, &mut self.found, ctx);
    }
}

/// Relationship parts are UTF-8 by convention; UTF-16 is allowed with a BOM.
fn xml_text(xml: &[u8]) -> Option<String> {
    let utf16 = |bytes: &[u8], read: fn([u8; 2]) -> u16| {
        let units = bytes
            .chunks_exact(2)
            .map(|pair| pair.try_into().map(read).unwrap_or_default());
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    match xml {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(xml.to_vec()).ok(),
    }
}

/// The part a relationship's internal target names: relative to the
/// folder of the source part (the one above `_rels/`), or from the root
/// when it starts with `/`.
fn resolve(rels_part: &str, target: &str) -> String {
    let base = rels_part.rsplit_once("_rels/").map_or("", |(base, _)| base);
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{base}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_targets() {
        assert_eq!(
            resolve("word/_rels/document.xml.rels", "vbaProject.bin"),
            "word/vbaProject.bin"
        );
        assert_eq!(
            resolve("word/_rels/document.xml.rels", "../x/y.bin"),
            "x/y.bin"
        );
        assert_eq!(
            resolve("word/_rels/document.xml.rels", "/word/a.bin"),
            "word/a.bin"
        );
        assert_eq!(
            resolve("_rels/.rels", "word/document.xml"),
            "word/document.xml"
        );
    }
}
