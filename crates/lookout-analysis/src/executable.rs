//! Executable structure with goblin: PE, ELF and Mach-O.
//!
//! goblin trusts counts and offsets from the headers less than most
//! parsers, but it still builds vectors as long as a header says; every
//! list here is therefore cut to a cap, and the parsers are fuzzed
//! (`fuzz_targets/executable.rs`).

use goblin::Object;
use goblin::elf::Elf;
use goblin::mach::{Mach, MachO, SingleArch};
use goblin::pe::PE;
use md5::{Digest, Md5};

use crate::{Ctx, Executable, Import, Overlay, Section, entropy};

const MAX_SECTIONS: usize = 200;
const MAX_FUNCTIONS: usize = 5_000;
const MAX_EXPORTS: usize = 2_000;
/// Above this a section is compressed or encrypted: packed code.
const PACKED_ENTROPY: f64 = 7.2;

/// Section names that packers and protectors leave behind.
const PACKER_SECTIONS: &[(&str, &str)] = &[
    ("UPX0", "UPX"),
    ("UPX1", "UPX"),
    ("UPX2", "UPX"),
    (".aspack", "ASPack"),
    (".adata", "ASPack"),
    (".MPRESS1", "MPRESS"),
    (".MPRESS2", "MPRESS"),
    (".themida", "Themida"),
    (".winlice", "Themida/WinLicense"),
    (".vmp0", "VMProtect"),
    (".vmp1", "VMProtect"),
    (".petite", "Petite"),
    (".nsp0", "NsPack"),
    (".nsp1", "NsPack"),
    (".enigma1", "Enigma Protector"),
    (".enigma2", "Enigma Protector"),
    ("PEC2", "PECompact"),
    ("pec1", "PECompact"),
    (".packed", "an unknown packer"),
];

pub(crate) fn inspect(data: &[u8], ctx: &mut Ctx) -> Option<Executable> {
    let parsed = match Object::parse(data) {
        Ok(object) => object,
        Err(error) => {
            ctx.problem(
                "executable",
                format!("the executable headers could not be read: {error}"),
            );
            return None;
        }
    };
    match parsed {
        // Parsed again with options: no resources or certificate contents
        // (only the presence of a signature is reported), and recovery from
        // malformed tables rather than giving up on the whole file.
        Object::PE(_) => {
            let mut options = goblin::pe::options::ParseOptions::default()
                .with_parse_mode(goblin::options::ParseMode::Permissive);
            options.parse_attribute_certificates = false;
            options.parse_resources = false;
            match PE::parse_with_opts(data, &options) {
                Ok(pe) => Some(pe_structure(data, &pe)),
                Err(error) => {
                    ctx.problem("pe", format!("the PE structure is malformed: {error}"));
                    None
                }
            }
        }
        Object::Elf(elf) => Some(elf_structure(data, &elf)),
        Object::Mach(Mach::Binary(macho)) => Some(macho_structure(data, &macho, ctx)),
        Object::Mach(Mach::Fat(multi)) => match multi.get(0) {
            Ok(SingleArch::MachO(macho)) => {
                let mut found = macho_structure(data, &macho, ctx);
                found.packer_hints.retain(|h| !h.starts_with("Section"));
                found.libraries.insert(
                    0,
                    format!(
                        "universal binary with {} architectures (first shown)",
                        multi.narches
                    ),
                );
                Some(found)
            }
            Ok(SingleArch::Archive(_)) => None,
            Err(error) => {
                ctx.problem(
                    "macho",
                    format!("the universal Mach-O could not be read: {error}"),
                );
                None
            }
        },
        _ => None,
    }
}

fn slice(data: &[u8], offset: u64, size: u64) -> &[u8] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let end = usize::try_from(offset.saturating_add(size))
        .unwrap_or(usize::MAX)
        .min(data.len());
    data.get(start..end).unwrap_or_default()
}

fn permissions(read: bool, write: bool, execute: bool) -> String {
    [(read, 'r'), (write, 'w'), (execute, 'x')]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect()
}

/// Hints every format shares: packed or self-modifying sections.
fn section_hints(sections: &[Section], hints: &mut Vec<String>) {
    for section in sections {
        if section.entropy > PACKED_ENTROPY && section.raw_size >= 1024 {
            hints.push(format!(
                "Section {} is compressed or encrypted (entropy {:.2}): the real code is unpacked at run time.",
                section.name, section.entropy
            ));
        }
        if section.permissions.contains('w') && section.permissions.contains('x') {
            hints.push(format!(
                "Section {} is both writable and executable, which self-modifying or unpacking code needs.",
                section.name
            ));
        }
    }
}

fn pe_structure(data: &[u8], pe: &PE) -> Executable {
    use goblin::pe::section_table::{
        IMAGE_SCN_MEM_EXECUTE, IMAGE_SCN_MEM_READ, IMAGE_SCN_MEM_WRITE,
    };

    let coff = &pe.header.coff_header;
    let sections: Vec<Section> = pe
        .sections
        .iter()
        .take(MAX_SECTIONS)
        .map(|s| {
            let raw = slice(
                data,
                u64::from(s.pointer_to_raw_data),
                u64::from(s.size_of_raw_data),
            );
            Section {
                name: s.name().unwrap_or("?").to_owned(),
                virtual_address: u64::from(s.virtual_address),
                virtual_size: u64::from(s.virtual_size),
                raw_size: u64::from(s.size_of_raw_data),
                entropy: entropy::shannon(raw),
                permissions: permissions(
                    s.characteristics & IMAGE_SCN_MEM_READ != 0,
                    s.characteristics & IMAGE_SCN_MEM_WRITE != 0,
                    s.characteristics & IMAGE_SCN_MEM_EXECUTE != 0,
                ),
            }
        })
        .collect();

    let mut imports: Vec<Import> = Vec::new();
    let mut imphash_input: Vec<String> = Vec::new();
    for import in pe.imports.iter().take(MAX_FUNCTIONS) {
        let function = if import.name.starts_with("ORDINAL ") {
            format!("ord{}", import.ordinal)
        } else {
            import.name.to_string()
        };
        imphash_input.push(format!(
            "{}.{}",
            imphash_library(import.dll),
            function.to_lowercase()
        ));
        match imports.last_mut() {
            Some(last) if last.library == import.dll => last.functions.push(function),
            _ => imports.push(Import {
                library: import.dll.to_owned(),
                functions: vec![function],
            }),
        }
    }
    let imphash = (!imphash_input.is_empty())
        .then(|| hex::encode(Md5::digest(imphash_input.join(",").as_bytes())));

    let exports = pe
        .exports
        .iter()
        .filter_map(|e| e.name)
        .take(MAX_EXPORTS)
        .map(str::to_owned)
        .collect();

    let optional = pe.header.optional_header.as_ref();
    let certificate = optional.and_then(|o| o.data_directories.get_certificate_table().copied());
    let signed = certificate.is_some_and(|c| c.size > 0 && c.virtual_address > 0);

    // Everything past the last section's raw data, less a signature that
    // sits there legitimately.
    let sections_end = pe
        .sections
        .iter()
        .map(|s| u64::from(s.pointer_to_raw_data).saturating_add(u64::from(s.size_of_raw_data)))
        .max()
        .unwrap_or(0);
    let mut file_end = data.len() as u64;
    if let Some(c) = certificate.filter(|c| c.size > 0) {
        let cert_start = u64::from(c.virtual_address);
        if cert_start >= sections_end && cert_start < file_end {
            file_end = cert_start;
        }
    }
    let overlay = (sections_end > 0 && sections_end < file_end).then(|| Overlay {
        offset: sections_end,
        size: file_end - sections_end,
        entropy: entropy::shannon(slice(data, sections_end, file_end - sections_end)),
    });

    let mut hints = Vec::new();
    let mut packers: Vec<&str> = Vec::new();
    for section in &sections {
        if let Some((_, packer)) = PACKER_SECTIONS
            .iter()
            .find(|(name, _)| section.name.eq_ignore_ascii_case(name))
            && !packers.contains(packer)
        {
            packers.push(packer);
        }
    }
    for packer in packers {
        hints.push(format!("Section names of the {packer} packer."));
    }
    section_hints(&sections, &mut hints);
    let functions: usize = imports.iter().map(|i| i.functions.len()).sum();
    let resolves_at_run_time = imports
        .iter()
        .flat_map(|i| &i.functions)
        .any(|f| f == "GetProcAddress" || f == "LdrGetProcedureAddress");
    if functions == 0 && !pe.is_lib {
        hints.push(
            "Imports no functions at all: it finds what it needs at run time, as packed code does."
                .to_owned(),
        );
    } else if functions <= 10 && resolves_at_run_time {
        hints.push(format!(
            "Imports only {functions} functions, including GetProcAddress: the rest are looked up at run time, which hides what the program does."
        ));
    }
    let entry = u64::from(pe.entry);
    let entry_section = sections.iter().find(|s| {
        entry >= s.virtual_address
            && entry
                < s.virtual_address
                    .saturating_add(s.virtual_size.max(s.raw_size))
    });
    match entry_section {
        Some(s) if !s.permissions.contains('x') => {
            hints.push(format!(
                "The entry point is in section {}, which is not marked executable.",
                s.name
            ));
        }
        None if entry != 0 => hints.push("The entry point lies outside every section.".to_owned()),
        _ => {}
    }
    if let Some(overlay) = &overlay
        && overlay.size >= 1024
        && overlay.entropy > PACKED_ENTROPY
    {
        hints.push(format!(
            "{} bytes of compressed or encrypted data follow the program (overlay): installers and droppers keep payloads there.",
            overlay.size
        ));
    }

    Executable {
        format: "pe".to_owned(),
        machine: pe_machine(coff.machine),
        bits: if pe.is_64 { 64 } else { 32 },
        role: pe_role(pe),
        entry_point: entry,
        timestamp: Some(u64::from(coff.time_date_stamp)),
        sections,
        imports,
        imphash,
        exports,
        signed,
        overlay,
        packer_hints: hints,
        libraries: pe
            .libraries
            .iter()
            .take(MAX_SECTIONS)
            .map(|l| (*l).to_owned())
            .collect(),
    }
}

/// The library part of pefile's imphash: lower case, without the `.dll`,
/// `.ocx` or `.sys` extension.
fn imphash_library(dll: &str) -> String {
    let lower = dll.to_lowercase();
    match lower.rsplit_once('.') {
        Some((stem, "dll" | "ocx" | "sys")) => stem.to_owned(),
        _ => lower,
    }
}

fn pe_machine(machine: u16) -> String {
    use goblin::pe::header::*;
    match machine {
        COFF_MACHINE_X86 => "i386".to_owned(),
        COFF_MACHINE_X86_64 => "x86-64".to_owned(),
        COFF_MACHINE_ARM64 => "aarch64".to_owned(),
        COFF_MACHINE_ARMNT => "arm".to_owned(),
        other => machine_to_str(other).to_owned(),
    }
}

fn pe_role(pe: &PE) -> String {
    const IMAGE_SUBSYSTEM_NATIVE: u16 = 1;
    let subsystem = pe
        .header
        .optional_header
        .map(|o| o.windows_fields.subsystem);
    if subsystem == Some(IMAGE_SUBSYSTEM_NATIVE) {
        "driver"
    } else if pe.is_lib {
        "library"
    } else {
        "executable"
    }
    .to_owned()
}

fn elf_structure(data: &[u8], elf: &Elf) -> Executable {
    use goblin::elf::header::{ET_CORE, ET_DYN, ET_EXEC, ET_REL};
    use goblin::elf::program_header::{PF_W, PF_X, PT_LOAD};
    use goblin::elf::section_header::{SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS};

    let sections: Vec<Section> = elf
        .section_headers
        .iter()
        .filter(|s| s.sh_type != goblin::elf::section_header::SHT_NULL)
        .take(MAX_SECTIONS)
        .map(|s| {
            let raw_size = if s.sh_type == SHT_NOBITS {
                0
            } else {
                s.sh_size
            };
            Section {
                name: elf.shdr_strtab.get_at(s.sh_name).unwrap_or("?").to_owned(),
                virtual_address: s.sh_addr,
                virtual_size: s.sh_size,
                raw_size,
                entropy: entropy::shannon(slice(data, s.sh_offset, raw_size)),
                permissions: permissions(
                    true,
                    s.sh_flags & u64::from(SHF_WRITE) != 0,
                    s.sh_flags & u64::from(SHF_EXECINSTR) != 0,
                ),
            }
        })
        .collect();

    let undefined: Vec<String> = elf
        .dynsyms
        .iter()
        .filter(|s| s.is_import())
        .filter_map(|s| elf.dynstrtab.get_at(s.st_name))
        .filter(|n| !n.is_empty())
        .take(MAX_FUNCTIONS)
        .map(str::to_owned)
        .collect();
    // ELF symbols are not bound to a library; they are listed together.
    let imports = if undefined.is_empty() {
        Vec::new()
    } else {
        vec![Import {
            library: elf.libraries.join(", "),
            functions: undefined,
        }]
    };
    let exports = elf
        .dynsyms
        .iter()
        .filter(|s| {
            !s.is_import() && s.st_bind() == goblin::elf::sym::STB_GLOBAL && s.st_value != 0
        })
        .filter_map(|s| elf.dynstrtab.get_at(s.st_name))
        .filter(|n| !n.is_empty())
        .take(MAX_EXPORTS)
        .map(str::to_owned)
        .collect();

    let mut hints = Vec::new();
    if sections.is_empty() {
        hints.push("Has no section table, as packed or hand-crafted programs often do.".to_owned());
    }
    if data.windows(4).any(|w| w == b"UPX!") {
        hints.push("Carries the UPX packer's marker.".to_owned());
    }
    section_hints(&sections, &mut hints);
    if elf
        .program_headers
        .iter()
        .any(|p| p.p_type == PT_LOAD && p.p_flags & PF_W != 0 && p.p_flags & PF_X != 0)
    {
        hints.push(
            "A loaded segment is both writable and executable, which unpacking code needs."
                .to_owned(),
        );
    }

    let mut libraries: Vec<String> = Vec::new();
    if let Some(interpreter) = elf.interpreter {
        libraries.push(interpreter.to_owned());
    }
    libraries.extend(
        elf.libraries
            .iter()
            .take(MAX_SECTIONS)
            .map(|l| (*l).to_owned()),
    );

    let role = match elf.header.e_type {
        ET_EXEC => "executable",
        ET_DYN if elf.interpreter.is_some() => "executable",
        ET_DYN => "library",
        ET_REL => "object",
        ET_CORE => "core",
        _ => "unknown",
    };
    Executable {
        format: "elf".to_owned(),
        machine: elf_machine(elf.header.e_machine),
        bits: if elf.is_64 { 64 } else { 32 },
        role: role.to_owned(),
        entry_point: elf.entry,
        timestamp: None,
        sections,
        imports,
        imphash: None,
        exports,
        signed: false,
        overlay: None,
        packer_hints: hints,
        libraries,
    }
}

fn elf_machine(machine: u16) -> String {
    use goblin::elf::header::*;
    match machine {
        EM_386 => "i386".to_owned(),
        EM_X86_64 => "x86-64".to_owned(),
        EM_AARCH64 => "aarch64".to_owned(),
        EM_ARM => "arm".to_owned(),
        EM_MIPS => "mips".to_owned(),
        EM_PPC => "powerpc".to_owned(),
        EM_RISCV => "riscv".to_owned(),
        other => machine_to_str(other).to_lowercase(),
    }
}

fn macho_structure(data: &[u8], macho: &MachO, ctx: &mut Ctx) -> Executable {
    use goblin::mach::constants::cputype::get_arch_name_from_types;
    use goblin::mach::header::{MH_BUNDLE, MH_CORE, MH_DYLIB, MH_EXECUTE, MH_OBJECT};

    let mut sections = Vec::new();
    for segment in macho.segments.iter() {
        let (read, write, execute) = (
            segment.initprot & 1 != 0,
            segment.initprot & 2 != 0,
            segment.initprot & 4 != 0,
        );
        match segment.sections() {
            Ok(list) => {
                for (section, _) in list
                    .into_iter()
                    .take(MAX_SECTIONS.saturating_sub(sections.len()))
                {
                    let name = format!(
                        "{},{}",
                        section.segname().unwrap_or("?"),
                        section.name().unwrap_or("?")
                    );
                    sections.push(Section {
                        name,
                        virtual_address: section.addr,
                        virtual_size: section.size,
                        raw_size: if section.offset == 0 { 0 } else { section.size },
                        entropy: entropy::shannon(slice(
                            data,
                            u64::from(section.offset),
                            section.size,
                        )),
                        permissions: permissions(read, write, execute),
                    });
                }
            }
            Err(error) => ctx.problem(
                "macho",
                format!("a segment's sections could not be read: {error}"),
            ),
        }
    }

    let mut imports: Vec<Import> = Vec::new();
    match macho.imports() {
        Ok(list) => {
            for import in list.into_iter().take(MAX_FUNCTIONS) {
                match imports.iter_mut().find(|i| i.library == import.dylib) {
                    Some(existing) => existing.functions.push(import.name.to_owned()),
                    None => imports.push(Import {
                        library: import.dylib.to_owned(),
                        functions: vec![import.name.to_owned()],
                    }),
                }
            }
        }
        Err(error) => ctx.problem("macho", format!("the imports could not be read: {error}")),
    }
    let exports = match macho.exports() {
        Ok(list) => list.into_iter().take(MAX_EXPORTS).map(|e| e.name).collect(),
        Err(error) => {
            ctx.problem("macho", format!("the exports could not be read: {error}"));
            Vec::new()
        }
    };
    let mut hints = Vec::new();
    section_hints(&sections, &mut hints);
    let role = match macho.header.filetype {
        MH_EXECUTE => "executable",
        MH_DYLIB | MH_BUNDLE => "library",
        MH_OBJECT => "object",
        MH_CORE => "core",
        _ => "unknown",
    };
    Executable {
        format: "macho".to_owned(),
        machine: get_arch_name_from_types(macho.header.cputype(), macho.header.cpusubtype())
            .unwrap_or("unknown")
            .to_owned(),
        bits: if macho.is_64 { 64 } else { 32 },
        role: role.to_owned(),
        entry_point: macho.entry,
        timestamp: None,
        sections,
        imports,
        imphash: None,
        exports,
        signed: macho
            .load_commands
            .iter()
            .any(|c| c.command.cmd() == goblin::mach::load_command::LC_CODE_SIGNATURE),
        overlay: None,
        packer_hints: hints,
        libraries: macho
            .libs
            .iter()
            .filter(|l| **l != "self")
            .take(MAX_SECTIONS)
            .map(|l| (*l).to_owned())
            .collect(),
    }
}
