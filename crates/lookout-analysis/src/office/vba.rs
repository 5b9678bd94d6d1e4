//! VBA projects in compound files: the `dir` stream (MS-OVBA 2.3.4.2) names
//! the modules and where their source starts; each module's source is a
//! compressed container in its own stream.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cfb::CompoundFile;
use regex::Regex;

use super::ovba;
use crate::{Ctx, Macro};

/// A `dir` stream is a few kilobytes; anything near this is not one.
const DIR_STREAM_CAP: u64 = 1024 * 1024;
const DIR_DECOMPRESSED_CAP: usize = 4 * 1024 * 1024;
/// Source text kept per module: enough for any real macro and for the
/// padding droppers add, small enough to show and store.
const CODE_CAP: usize = 256 * 1024;
/// Compressed source read per module. Source compresses, so this holds far
/// more than `CODE_CAP` of text, even behind a run of empty chunks.
const MODULE_STREAM_CAP: u64 = 4 * 1024 * 1024;
/// Source text kept, and module stream bytes read, for the whole document:
/// a project listing the same stream a thousand times must not multiply
/// the caps per module.
const TOTAL_CODE_CAP: usize = 4 * 1024 * 1024;
const TOTAL_STREAM_READ: u64 = 64 * 1024 * 1024;
/// Modules read in all; real projects have tens.
const MAX_MODULES: usize = 1000;
/// Characters kept of a module or stream name.
const NAME_CAP: usize = 256;

/// What is shared by all the VBA projects of one document.
#[derive(Default)]
pub(crate) struct Found {
    pub(crate) macros: Vec<Macro>,
    code_bytes: usize,
    code_cap_reported: bool,
    stream_bytes: u64,
}

/// Reads every VBA project in `cfb`: any `VBA` storage that holds a `dir`
/// stream, wherever it is (`Macros/VBA` in Word, `_VBA_PROJECT_CUR/VBA` in
/// Excel, `VBA` at the root of a vbaProject.bin). `label` prefixes stream
/// paths when the compound file is itself a part of a package.
pub(crate) fn read_projects<F: Read + Seek>(
    cfb: &mut CompoundFile<F>,
    label: &str,
    found: &mut Found,
    ctx: &mut Ctx,
) {
    let projects: Vec<PathBuf> = cfb
        .walk()
        .filter(|entry| entry.is_storage() && entry.name().eq_ignore_ascii_case("VBA"))
        .map(|entry| entry.path().to_path_buf())
        .filter(|path| cfb.is_stream(path.join("dir")))
        .collect();
    for vba in projects {
        if ctx.out_of_time() {
            ctx.problem(
                "office",
                "the time limit was reached before all VBA projects were read",
            );
            return;
        }
        read_project(cfb, &vba, label, found, ctx);
    }
}

fn read_project<F: Read + Seek>(
    cfb: &mut CompoundFile<F>,
    vba: &Path,
    label: &str,
    found: &mut Found,
    ctx: &mut Ctx,
) {
    let where_ = display_path(label, vba);
    let dir = match read_stream(cfb, &vba.join("dir"), 0, DIR_STREAM_CAP) {
        Ok((bytes, _)) => bytes,
        Err(e) => {
            let message = format!("the VBA dir stream of {where_} could not be read: {e}");
            ctx.problem("office", message);
            return;
        }
    };
    let dir = ovba::decompress(&dir, DIR_DECOMPRESSED_CAP);
    let mut damaged = true;
    if let Some(why) = dir.error {
        let message = format!("the VBA dir stream of {where_} is damaged ({why})");
        ctx.problem("office", message);
    } else if dir.truncated {
        let message = format!("the VBA dir stream of {where_} expands past 4 MiB");
        ctx.problem("office", message);
    } else {
        damaged = false;
    }
    let (modules, error) = parse_dir(&dir.bytes);
    if let Some(why) = error {
        damaged = true;
        let message =
            format!("the VBA dir stream of {where_} could not be parsed to the end: {why}");
        ctx.problem("office", message);
    }
    // Stream names are matched as the compound file compares them (case
    // aside), without going through path syntax a crafted name could abuse.
    let streams: Vec<(String, PathBuf)> = match cfb.read_storage(vba) {
        Ok(entries) => entries
            .filter(|e| e.is_stream())
            .map(|e| (e.name().to_uppercase(), e.path().to_path_buf()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut read: Vec<&str> = Vec::new();
    for module in &modules {
        if !may_read_more(found, ctx) {
            return;
        }
        let name = module.name();
        let (Some(stream_name), Some(offset)) = (module.stream_name(), module.offset) else {
            let message = format!("VBA module {name:?} in {where_} names no stream or no offset");
            ctx.problem("office", message);
            continue;
        };
        let stream_name = stream_name.to_uppercase();
        let Some((key, path)) = streams.iter().find(|(n, _)| *n == stream_name) else {
            let message = format!("the stream of VBA module {name:?} is missing from {where_}");
            ctx.problem("office", message);
            continue;
        };
        read.push(key);
        read_module(cfb, path, offset, name, label, found, ctx);
    }
    if !damaged {
        return;
    }
    // As olevba does: with the dir stream damaged, source is still found
    // by the compressed form of the `Attribute VB_Name` line every module
    // starts with. Office may not run such a project, but it is evidence.
    let others = streams.iter().filter(|(key, _)| {
        !read.contains(&key.as_str())
            && key != "DIR"
            && key != "_VBA_PROJECT"
            && !key.starts_with("__SRP_")
    });
    for (_, path) in others {
        if !may_read_more(found, ctx) {
            return;
        }
        let budget = MODULE_STREAM_CAP.min(TOTAL_STREAM_READ.saturating_sub(found.stream_bytes));
        let Ok((head, _)) = read_stream(cfb, path, 0, budget) else {
            continue;
        };
        found.stream_bytes = found.stream_bytes.saturating_add(head.len() as u64);
        let Some(offset) = find_source(&head) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let message = format!("VBA module {name:?} of {where_} was found without the dir stream");
        ctx.problem("office", message);
        read_module(cfb, path, offset as u64, name, label, found, ctx);
    }
}

fn may_read_more(found: &Found, ctx: &mut Ctx) -> bool {
    if ctx.out_of_time() {
        ctx.problem(
            "office",
            "the time limit was reached before all VBA modules were read",
        );
        return false;
    }
    if found.macros.len() >= MAX_MODULES {
        let message = format!("more than {MAX_MODULES} VBA modules; the rest were not read");
        ctx.problem("office", message);
        return false;
    }
    true
}

/// Where a module's compressed source starts, found by its first bytes:
/// the container signature, a chunk header, a flag byte of literals and
/// "Attribut".
fn find_source(stream: &[u8]) -> Option<usize> {
    let at = stream.windows(9).position(|w| w == b"\x00Attribut")?;
    let start = at.checked_sub(3)?;
    (stream.get(start) == Some(&0x01)).then_some(start)
}

/// Reads one module's source into `found`, within the caps.
fn read_module<F: Read + Seek>(
    cfb: &mut CompoundFile<F>,
    path: &Path,
    offset: u64,
    name: String,
    label: &str,
    found: &mut Found,
    ctx: &mut Ctx,
) {
    let stream = display_path(label, path);
    let cap = CODE_CAP.min(TOTAL_CODE_CAP.saturating_sub(found.code_bytes));
    let read_cap = MODULE_STREAM_CAP.min(TOTAL_STREAM_READ.saturating_sub(found.stream_bytes));
    if cap == 0 || read_cap == 0 {
        if !found.code_cap_reported {
            found.code_cap_reported = true;
            let message = "more than 4 MiB of VBA source (or 64 MiB of module streams) in all; \
                           later modules are listed without their code";
            ctx.problem("office", message);
        }
        found.macros.push(Macro {
            module: name,
            stream,
            code: String::new(),
            truncated: true,
            auto_exec: Vec::new(),
            suspicious: Vec::new(),
        });
        return;
    }
    let (compressed, cut) = match read_stream(cfb, path, offset, read_cap) {
        Ok(read) => read,
        Err(e) => {
            ctx.problem(
                "office",
                format!("VBA module stream {stream} could not be read: {e}"),
            );
            return;
        }
    };
    found.stream_bytes = found.stream_bytes.saturating_add(compressed.len() as u64);
    let source = ovba::decompress(&compressed, cap);
    let truncated = source.truncated || cut;
    // Where our own read limit cut the container, its end is not damage.
    if let Some(why) = source.error.filter(|_| !cut) {
        let message = format!(
            "the source of VBA module {name:?} ({stream}) is damaged ({why}); \
             the part before the damage is kept"
        );
        ctx.problem("office", message);
    }
    found.code_bytes = found.code_bytes.saturating_add(source.bytes.len());
    let code: String = source.bytes.iter().map(|&b| char::from(b)).collect();
    let (auto_exec, suspicious) = scan(&code);
    found.macros.push(Macro {
        module: name,
        stream,
        code,
        truncated,
        auto_exec,
        suspicious,
    });
}

/// Reads a stream from `offset`, at most `cap` bytes; also says whether
/// the stream went on past the cap.
fn read_stream<F: Read + Seek>(
    cfb: &mut CompoundFile<F>,
    path: &Path,
    offset: u64,
    cap: u64,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut stream = cfb.open_stream(path)?;
    let len = stream.len();
    if offset > len {
        return Err(std::io::Error::other(format!(
            "the source offset {offset} is past the end of the {len}-byte stream"
        )));
    }
    stream.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    stream.take(cap).read_to_end(&mut bytes)?;
    Ok((bytes, len - offset > cap))
}

fn display_path(label: &str, path: &Path) -> String {
    let inner = path.to_string_lossy();
    let inner = inner.trim_start_matches('/');
    if label.is_empty() {
        inner.to_owned()
    } else {
        format!("{label}/{inner}")
    }
}

/// A module as the `dir` stream describes it.
#[derive(Debug, Default)]
struct ModuleRecord {
    name: Option<String>,
    name_unicode: Option<String>,
    stream: Option<String>,
    stream_unicode: Option<String>,
    offset: Option<u64>,
}

impl ModuleRecord {
    /// The Unicode name when given (MS-OVBA makes it optional), else the
    /// code-page one, else the stream's.
    fn name(&self) -> String {
        first_named(&[&self.name_unicode, &self.name])
            .or_else(|| self.stream_name())
            .unwrap_or_default()
    }

    fn stream_name(&self) -> Option<String> {
        first_named(&[&self.stream_unicode, &self.stream])
    }
}

fn first_named(names: &[&Option<String>]) -> Option<String> {
    names
        .iter()
        .copied()
        .flatten()
        .find(|n| !n.is_empty())
        .cloned()
}

/// The modules of a decompressed `dir` stream, and why parsing stopped
/// early if it did. Records are (id u16, size u32, data); unknown ones are
/// skipped by their size, so only the module records need knowing.
fn parse_dir(dir: &[u8]) -> (Vec<ModuleRecord>, Option<String>) {
    let mut modules = Vec::new();
    let mut current: Option<ModuleRecord> = None;
    let mut pos = 0usize;
    let mut error = None;
    while pos < dir.len() {
        let (Some(id), Some(size)) = (read_u16(dir, pos), read_u32(dir, pos + 2)) else {
            error = Some("a record header is cut short".to_owned());
            break;
        };
        // PROJECTVERSION's size field says 4 but 6 bytes follow (MS-OVBA 2.3.4.2.1.11).
        let len = if id == 0x0009 { 6 } else { size as usize };
        let Some(data) = pos
            .checked_add(6)
            .and_then(|start| dir.get(start..start.checked_add(len)?))
        else {
            error = Some(format!(
                "record 0x{id:04X} ({len} bytes) runs past the end of the stream"
            ));
            break;
        };
        pos += 6 + len;
        match id {
            // MODULENAME starts a module.
            0x0019 => {
                modules.extend(current.take());
                if modules.len() >= MAX_MODULES {
                    error = Some(format!("more than {MAX_MODULES} modules"));
                    break;
                }
                current = Some(ModuleRecord {
                    name: Some(latin1(data)),
                    ..ModuleRecord::default()
                });
            }
            0x0047 => set(&mut current, |m| m.name_unicode = Some(utf16(data))),
            0x001A => set(&mut current, |m| m.stream = Some(latin1(data))),
            0x0032 => set(&mut current, |m| m.stream_unicode = Some(utf16(data))),
            0x0031 => set(&mut current, |m| {
                m.offset = read_u32(data, 0).map(u64::from)
            }),
            // Module terminator.
            0x002B => modules.extend(current.take()),
            // End of the dir stream.
            0x0010 => break,
            _ => {}
        }
    }
    modules.extend(current);
    (modules, error)
}

fn set(current: &mut Option<ModuleRecord>, apply: impl FnOnce(&mut ModuleRecord)) {
    if let Some(module) = current.as_mut() {
        apply(module);
    }
}

/// Names are in the project's code page; Latin-1 is close enough for
/// display and keeps every byte visible.
fn latin1(data: &[u8]) -> String {
    data.iter().take(NAME_CAP).map(|&b| char::from(b)).collect()
}

fn utf16(data: &[u8]) -> String {
    let units = data
        .chunks_exact(2)
        .take(NAME_CAP)
        .map(|pair| pair.try_into().map(u16::from_le_bytes).unwrap_or_default());
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn read_u16(data: &[u8], pos: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        data.get(pos..pos.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn read_u32(data: &[u8], pos: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        data.get(pos..pos.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Procedures Office runs without the user asking (olevba's
/// AUTOEXEC_KEYWORDS): document and workbook events and the legacy Auto*
/// macros.
const AUTO_EXEC: &[&str] = &[
    "AutoExec",
    "AutoOpen",
    "DocumentOpen",
    "Document_Open",
    "AutoNew",
    "Document_New",
    "NewDocument",
    "AutoClose",
    "AutoExit",
    "Document_Close",
    "DocumentBeforeClose",
    "Document_BeforeClose",
    "DocumentChange",
    "Auto_Open",
    "Workbook_Open",
    "Workbook_Activate",
    "Auto_Close",
    "Workbook_Close",
    "Workbook_BeforeClose",
    "Worksheet_Calculate",
    "Application_Startup",
];

/// Events of ActiveX controls that fire as the document opens, without a
/// click (`InkPicture1_Painted`, a WebBrowser control's `_DocumentComplete`,
/// `Frame1_Layout`): droppers use them to dodge the Auto* names.
const AUTO_EXEC_EVENTS: &[&str] = &[
    "Painted",
    "Painting",
    "Layout",
    "GotFocus",
    "Resize",
    "BeforeNavigate2",
    "NavigateComplete2",
    "DocumentComplete",
    "DownloadBegin",
    "DownloadComplete",
    "ProgressChange",
    "StatusTextChange",
    "TitleChange",
    "PropertyChange",
];

/// Keywords typical of droppers (a subset of olevba's SUSPICIOUS_KEYWORDS),
/// reported under their label in this order. `None` means the label itself,
/// matched as a whole word.
const SUSPICIOUS: &[(&str, Option<&str>)] = &[
    ("Shell", None),
    ("WScript.Shell", None),
    ("Shell.Application", None),
    ("ShellExecute", Some(r"\bShellExecute[AW]?\b")),
    ("Run", None),
    ("Exec", None),
    ("CreateObject", None),
    ("GetObject", None),
    ("CallByName", None),
    ("MacScript", None),
    ("powershell", None),
    ("cmd.exe", None),
    ("mshta", None),
    ("rundll32", None),
    ("regsvr32", None),
    ("certutil", None),
    ("bitsadmin", None),
    ("schtasks", None),
    ("Win32_Process", None),
    ("URLDownloadToFile", Some(r"\bURLDownloadToFile[AW]?\b")),
    ("XMLHTTP", Some(r"XMLHTTP\b")),
    ("MSXML2", None),
    ("WinHttpRequest", None),
    ("ADODB.Stream", None),
    ("SaveToFile", None),
    ("Scripting.FileSystemObject", None),
    ("CreateTextFile", None),
    ("FileCopy", None),
    ("Kill", None),
    ("Environ", None),
    ("Chr", Some(r"\bChr[BW]?\$?\s*\(")),
    ("StrReverse", None),
    ("Xor", None),
    ("Base64", Some(r"Base64")),
    ("CreateThread", None),
    ("VirtualAlloc", Some(r"\bVirtualAlloc(Ex)?\b")),
    ("RtlMoveMemory", None),
    ("WriteProcessMemory", None),
    ("Lib", Some(r"\bDeclare\b[^\n]*\bLib\b")),
    ("VBProject", None),
    ("SendKeys", None),
    ("ExecuteExcel4Macro", None),
];

static DECLARATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let modifiers = r"(?:(?:public|private|friend|static)[ \t]+)*";
    Regex::new(&format!(
        r"(?im)^[ \t]*{modifiers}(?:sub|function)[ \t]+([a-z][a-z0-9_]*)"
    ))
    .ok()
});

static SUSPICIOUS_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    SUSPICIOUS
        .iter()
        .filter_map(|&(label, pattern)| {
            let pattern =
                pattern.map_or_else(|| format!(r"\b{}\b", regex::escape(label)), str::to_owned);
            Some((label, Regex::new(&format!("(?i){pattern}")).ok()?))
        })
        .collect()
});

/// The auto-run procedures declared in `code`, in order, and the
/// suspicious keywords it uses, in [`SUSPICIOUS`] order.
fn scan(code: &str) -> (Vec<String>, Vec<String>) {
    // A declaration split with line continuations (`Sub _` / `AutoOpen()`)
    // still runs.
    let code = code.replace(" _\r\n", " ").replace(" _\n", " ");
    let mut auto_exec: Vec<String> = Vec::new();
    if let Some(declaration) = DECLARATION.as_ref() {
        for name in declaration.captures_iter(&code).filter_map(|c| c.get(1)) {
            let name = name.as_str();
            let known = AUTO_EXEC
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name))
                .map(|k| (*k).to_owned());
            let event = || {
                let (_, event) = name.rsplit_once('_')?;
                AUTO_EXEC_EVENTS
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(event))
                    .then(|| name.to_owned())
            };
            if let Some(name) = known.or_else(event)
                && !auto_exec.contains(&name)
            {
                auto_exec.push(name);
            }
        }
    }
    let suspicious = SUSPICIOUS_PATTERNS
        .iter()
        .filter(|(_, pattern)| pattern.is_match(&code))
        .map(|(label, _)| (*label).to_owned())
        .collect();
    (auto_exec, suspicious)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(DECLARATION.is_some());
        assert_eq!(SUSPICIOUS_PATTERNS.len(), SUSPICIOUS.len());
    }

    #[test]
    fn scan_finds_declarations_and_keywords() {
        let code = [
            "Attribute VB_Name = \"M\"",
            "Private Sub _",
            " document_open()",
            "  x = Shell(\"cmd.exe /c echo\")",
            "End Sub",
            "Sub InkPicture1_Painted()",
            "End Sub",
            "Sub Helper() ' AutoOpen in a comment",
            "End Sub",
            "Declare PtrSafe Function F Lib \"kernel32\" ()",
            "x = ChrW$ (65) & Environ$(\"TEMP\")",
        ]
        .join("\r\n");
        let (auto_exec, suspicious) = scan(&code);
        assert_eq!(auto_exec, ["Document_Open", "InkPicture1_Painted"]);
        assert_eq!(suspicious, ["Shell", "cmd.exe", "Environ", "Chr", "Lib"]);
    }

    #[test]
    fn source_is_found_by_its_first_bytes() {
        let mut stream = vec![0xCC; 40];
        stream.extend(b"\x01\x9E\xB0\x00Attribut");
        assert_eq!(find_source(&stream), Some(40));
        assert_eq!(find_source(b"\x00Attribut"), None);
        assert_eq!(find_source(b"\x02\x9E\xB0\x00Attribut"), None);
    }

    #[test]
    fn shellcode_names_are_not_shell() {
        let (_, suspicious) = scan("Dim ShellCode As String\r\nx = Running\r\n");
        assert!(suspicious.is_empty(), "{suspicious:?}");
    }

    #[test]
    fn parse_dir_skips_unknown_records_and_stops_at_damage() {
        let mut dir = Vec::new();
        for (id, data) in [
            (0x0001u16, &[1u8, 0, 0, 0][..]),
            (0x0019, b"Mod"),
            (0x001A, b"Mod"),
            (0x0031, &[7, 0, 0, 0]),
            (0x002B, &[]),
        ] {
            dir.extend(id.to_le_bytes());
            dir.extend((data.len() as u32).to_le_bytes());
            dir.extend(data);
        }
        dir.extend(0x0019u16.to_le_bytes());
        dir.extend(u32::MAX.to_le_bytes());
        let (modules, error) = parse_dir(&dir);
        assert_eq!(modules.len(), 1);
        assert_eq!(modules[0].name(), "Mod");
        assert_eq!(modules[0].offset, Some(7));
        assert!(error.is_some());
    }
}
