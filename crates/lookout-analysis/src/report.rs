//! The analysis result: what [`crate::analyze`] returns, what the portal
//! stores and shows, and what `lookout analyze --json` prints.
//!
//! Field names are the JSON schema (`docs/analysis.schema.json`): renaming
//! one is a breaking change for members' scripts, so [`SCHEMA`] changes with
//! it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Identifies the JSON shape; bumped on any incompatible change.
pub const SCHEMA: &str = "lookout-analysis/1";

/// Everything found in one file (or one member of an archive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Analysis {
    pub schema: String,
    /// Size in bytes.
    pub size: u64,
    pub hashes: Hashes,
    pub file_type: FileType,
    /// Shannon entropy over the whole file, in bits per byte (0 to 8).
    /// Above about 7.2 the content is compressed or encrypted.
    pub entropy: f64,
    pub strings: Strings,
    pub indicators: Indicators,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executable: Option<Executable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<Office>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<Pdf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<Archive>,
    /// Rules that matched, in rule-set order.
    pub rule_matches: Vec<RuleMatch>,
    /// What could not be read, and why: truncated or malformed structures,
    /// limits reached. The rest of the analysis is what could be read.
    pub problems: Vec<Problem>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Hashes {
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
    pub sha512: String,
    /// TLSH fuzzy hash (`T1` + 70 hex digits); absent for files under 50
    /// bytes or without enough variety to hash.
    pub tlsh: Option<String>,
}

/// The type as read from the content, never from the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FileType {
    /// Human-readable name, e.g. "Windows Portable Executable".
    pub name: String,
    pub media_type: String,
    /// The usual extension for this type, without the dot.
    pub extension: String,
    pub kind: FileKind,
}

/// Broad family, which decides the verdict's wording and which parsers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Executable,
    Document,
    Pdf,
    Archive,
    Script,
    Text,
    Image,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Strings {
    /// Printable runs found, before the cap.
    pub ascii_count: u64,
    pub utf16le_count: u64,
    /// True when more were found than kept.
    pub truncated: bool,
    /// The first runs, in file order, each cut to a readable length.
    pub items: Vec<FoundString>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FoundString {
    pub offset: u64,
    pub encoding: StringEncoding,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StringEncoding {
    Ascii,
    Utf16le,
}

/// Indicators of compromise found in the file's strings, refanged
/// (`hxxp` → `http`, `[.]` → `.`) and de-duplicated, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Indicators {
    pub urls: Vec<String>,
    pub domains: Vec<String>,
    pub ips: Vec<String>,
    pub emails: Vec<String>,
    pub wallets: Vec<Wallet>,
    pub registry_keys: Vec<String>,
    /// True when some kind reached its cap.
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Wallet {
    /// `bitcoin`, `ethereum` or `monero`.
    pub currency: String,
    pub address: String,
}

/// Executable structure (PE, ELF or Mach-O).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Executable {
    /// `pe`, `elf` or `macho`.
    pub format: String,
    /// e.g. `x86-64`, `i386`, `aarch64`.
    pub machine: String,
    pub bits: u8,
    /// `executable`, `library`, `driver`, `object` or `core`.
    pub role: String,
    pub entry_point: u64,
    /// PE link time (seconds since 1970, UTC); forged or zero in much malware.
    pub timestamp: Option<u64>,
    pub sections: Vec<Section>,
    pub imports: Vec<Import>,
    /// PE import hash (Mandiant's imphash, as pefile computes it).
    pub imphash: Option<String>,
    pub exports: Vec<String>,
    /// A PE Authenticode signature block is present (not verified).
    pub signed: bool,
    /// Bytes after the last section: installers and droppers keep payloads there.
    pub overlay: Option<Overlay>,
    /// Signs of packing or obfuscation, each a sentence.
    pub packer_hints: Vec<String>,
    /// ELF interpreter, Mach-O dylibs and similar, when present.
    pub libraries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Section {
    pub name: String,
    pub virtual_address: u64,
    pub virtual_size: u64,
    pub raw_size: u64,
    pub entropy: f64,
    /// `r`, `w`, `x` as they apply.
    pub permissions: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Import {
    pub library: String,
    /// Function names (or `ord123` for imports by ordinal).
    pub functions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Overlay {
    pub offset: u64,
    pub size: u64,
    pub entropy: f64,
}

/// Office document structure (OLE2 compound files and OOXML packages).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Office {
    /// `ole` or `ooxml`.
    pub container: String,
    /// Password-protected (encrypted) document: macros cannot be read.
    pub encrypted: bool,
    pub macros: Vec<Macro>,
    /// Relationships that point outside the package (remote templates,
    /// frames, OLE links): the document fetches them when opened.
    pub external_links: Vec<ExternalLink>,
    /// Objects embedded in the package (`*/embeddings/*`: OLE packages,
    /// other documents, programs), each analysed like an archive member.
    #[serde(default)]
    pub embedded_files: Vec<ArchiveEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Macro {
    /// VBA module name.
    pub module: String,
    /// Path of the stream in the compound file.
    pub stream: String,
    /// Source code, decompressed (cut at a cap, see `truncated`).
    pub code: String,
    pub truncated: bool,
    /// Procedures Office runs by itself (`AutoOpen`, `Document_Open`,
    /// `Workbook_Open`, ...).
    pub auto_exec: Vec<String>,
    /// Calls and keywords typical of droppers (`Shell`, `CreateObject`,
    /// `URLDownloadToFile`, `powershell`, ...).
    pub suspicious: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ExternalLink {
    /// Relationship type, last path segment (`attachedTemplate`, `oleObject`, ...).
    pub relationship: String,
    pub target: String,
    /// Package part that declares it.
    pub part: String,
}

/// PDF structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Pdf {
    pub version: Option<String>,
    pub pages: Option<u32>,
    pub encrypted: bool,
    /// pdfid-style counts of the names that matter (`/JavaScript`, `/JS`,
    /// `/OpenAction`, `/AA`, `/Launch`, `/EmbeddedFile`, `/URI`,
    /// `/AcroForm`, `/XFA`, `/ObjStm`, `/Encrypt`), read from the raw bytes
    /// so they count even when the structure is broken.
    pub keywords: BTreeMap<String, u32>,
    /// JavaScript found in the document (each cut at a cap).
    pub javascript: Vec<String>,
    /// What the document does when opened (`/OpenAction`, `/AA`), described.
    pub auto_actions: Vec<String>,
    /// `/Launch` targets: programs the document asks the reader to run.
    pub launch: Vec<String>,
    pub uris: Vec<String>,
    /// Embedded files, each analysed like an archive member.
    pub embedded_files: Vec<ArchiveEntry>,
}

/// An archive, unpacked recursively within limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Archive {
    /// `zip`, `gzip`, `tar`, ...
    pub format: String,
    /// The password that opened encrypted members (`infected`, by convention).
    pub password: Option<String>,
    pub entries: Vec<ArchiveEntry>,
    /// Entries listed but not unpacked (limits), beyond those in `entries`.
    pub entries_not_listed: u64,
    /// A member expands beyond the compression-ratio or size limit: a
    /// decompression bomb. It is reported and not unpacked.
    pub bomb: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ArchiveEntry {
    pub path: String,
    /// Size as declared by the container (may lie).
    pub declared_size: Option<u64>,
    pub encrypted: bool,
    /// The member's own analysis, when it was unpacked.
    #[cfg_attr(feature = "schema", schema(no_recursion))]
    pub analysis: Option<Box<Analysis>>,
    /// Why it was not unpacked, when it was not.
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct RuleMatch {
    pub rule: String,
    pub namespace: String,
    pub tags: Vec<String>,
    /// The rule's metadata as text (`description`, `severity`, ...).
    pub meta: BTreeMap<String, String>,
    /// Where it matched when not in the file's own bytes: `macro NAME` for
    /// a VBA module's decompressed source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
// Named apart from the API's RFC 9457 `Problem` in the portal's document.
#[cfg_attr(feature = "schema", schema(as = AnalysisProblem))]
pub struct Problem {
    /// Which part of the analysis: `pe`, `elf`, `office`, `pdf`, `zip`, `limits`, ...
    pub part: String,
    pub message: String,
}

/// What a non-specialist needs: how worried to be, why, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub level: VerdictLevel,
    /// One sentence: what the file is and the conclusion.
    pub summary: String,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// What to do next, in order.
    pub next_steps: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerdictLevel {
    /// Nothing suspicious found (which is not proof of safety).
    NoFindings,
    /// Only an anti-virus test file (EICAR) matched: harmless, though
    /// security products treat it as malware.
    TestFile,
    /// Traits common in malware but also in legitimate files.
    Suspicious,
    /// A rule for known malware or a test file matched, or the file does
    /// something no benign file of its type does.
    Malicious,
}

impl VerdictLevel {
    pub const ALL: [VerdictLevel; 4] = [
        VerdictLevel::NoFindings,
        VerdictLevel::TestFile,
        VerdictLevel::Suspicious,
        VerdictLevel::Malicious,
    ];

    /// As in the JSON (`no_findings`, `test_file`, `suspicious`,
    /// `malicious`).
    pub fn id(self) -> &'static str {
        match self {
            VerdictLevel::NoFindings => "no_findings",
            VerdictLevel::TestFile => "test_file",
            VerdictLevel::Suspicious => "suspicious",
            VerdictLevel::Malicious => "malicious",
        }
    }

    pub fn from_id(id: &str) -> Option<VerdictLevel> {
        VerdictLevel::ALL.into_iter().find(|level| level.id() == id)
    }

    /// For people: `No findings`, `Test file (harmless)`, `Suspicious`,
    /// `Malicious`.
    pub fn label(self) -> &'static str {
        match self {
            VerdictLevel::NoFindings => "No findings",
            VerdictLevel::TestFile => "Test file (harmless)",
            VerdictLevel::Suspicious => "Suspicious",
            VerdictLevel::Malicious => "Malicious",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VerdictLevel;

    #[test]
    fn verdict_ids_are_the_json_names() {
        for level in VerdictLevel::ALL {
            assert_eq!(
                serde_json::to_value(level).ok(),
                Some(serde_json::json!(level.id()))
            );
            assert_eq!(VerdictLevel::from_id(level.id()), Some(level));
        }
        assert_eq!(VerdictLevel::from_id("clean"), None);
    }
}
