//! A Windows PE and a Linux ELF, written byte by byte. Their code does
//! nothing but exit: the traits the analysis reports (imports, strings,
//! section names) are data the program never uses.

const FILE_ALIGN: usize = 0x200;
const SECTION_ALIGN: u32 = 0x1000;
const IMAGE_BASE: u32 = 0x40_0000;
/// Link time written into the PE header: 2026-01-01T00:00:00Z.
pub const PE_TIMESTAMP: u32 = 1_767_225_600;

fn put16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}
fn align(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

/// A PE section: name, characteristics, raw bytes.
struct PeSection<'a> {
    name: &'a str,
    characteristics: u32,
    data: Vec<u8>,
}

const CODE: u32 = 0x6000_0020; // code, execute, read
const RDATA: u32 = 0x4000_0040; // initialised data, read
const PACKED: u32 = 0xE000_0060; // code, data, execute, read, write

/// A 32-bit console program importing `imports` (`(dll, [functions])`)
/// and carrying `strings` in its read-only data. It only returns.
pub fn pe(imports: &[(&str, &[&str])], strings: &[&str]) -> Vec<u8> {
    // The code section: `xor eax, eax; ret`.
    let text = PeSection {
        name: ".text",
        characteristics: CODE,
        data: vec![0x31, 0xC0, 0xC3],
    };
    let rdata_rva = 2 * SECTION_ALIGN;
    let (rdata, import_dir) = import_data(rdata_rva, imports, strings);
    build_pe(
        vec![
            text,
            PeSection {
                name: ".rdata",
                characteristics: RDATA,
                data: rdata,
            },
        ],
        import_dir,
        &[],
    )
}

/// A PE that looks packed: UPX section names, a writable and executable
/// section of random-looking bytes, only `LoadLibraryA`/`GetProcAddress`
/// imported, and a random overlay. Still only returns.
pub fn pe_packed() -> Vec<u8> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    };
    let mut upx1 = vec![0x31, 0xC0, 0xC3];
    upx1.extend(noise(3 * 1024));
    let overlay = noise(4 * 1024);
    let rdata_rva = 3 * SECTION_ALIGN;
    let (rdata, import_dir) = import_data(
        rdata_rva,
        &[("KERNEL32.dll", &["LoadLibraryA", "GetProcAddress"])],
        &[],
    );
    let sections = vec![
        PeSection {
            name: "UPX1",
            characteristics: PACKED,
            data: upx1,
        },
        PeSection {
            name: "UPX0",
            characteristics: PACKED,
            data: Vec::new(),
        },
        PeSection {
            name: ".rsrc",
            characteristics: RDATA,
            data: rdata,
        },
    ];
    build_pe(sections, import_dir, &overlay)
}

/// Import directory, lookup tables, hint/name entries and strings for a
/// section loaded at `rva`; returns the bytes and the directory's (rva, size).
fn import_data(rva: u32, imports: &[(&str, &[&str])], strings: &[&str]) -> (Vec<u8>, (u32, u32)) {
    let dir_size = (imports.len() + 1) * 20;
    let mut data = vec![0u8; dir_size];
    for (i, (dll, functions)) in imports.iter().enumerate() {
        let table_len = (functions.len() + 1) * 4;
        let ilt = data.len();
        data.resize(ilt + 2 * table_len, 0);
        let iat = ilt + table_len;
        for (j, function) in functions.iter().enumerate() {
            let entry = data.len();
            data.extend_from_slice(&0u16.to_le_bytes());
            data.extend_from_slice(function.as_bytes());
            data.push(0);
            if data.len() % 2 == 1 {
                data.push(0);
            }
            put32(&mut data, ilt + 4 * j, rva + entry as u32);
            put32(&mut data, iat + 4 * j, rva + entry as u32);
        }
        let name = data.len();
        data.extend_from_slice(dll.as_bytes());
        data.push(0);
        let descriptor = i * 20;
        put32(&mut data, descriptor, rva + ilt as u32);
        put32(&mut data, descriptor + 12, rva + name as u32);
        put32(&mut data, descriptor + 16, rva + iat as u32);
    }
    for text in strings {
        data.extend_from_slice(text.as_bytes());
        data.push(0);
    }
    let size = if imports.is_empty() {
        0
    } else {
        dir_size as u32
    };
    (data, (if imports.is_empty() { 0 } else { rva }, size))
}

fn build_pe(sections: Vec<PeSection>, import_dir: (u32, u32), overlay: &[u8]) -> Vec<u8> {
    let headers = FILE_ALIGN;
    let mut out = vec![0u8; headers];
    out[0..2].copy_from_slice(b"MZ");
    put32(&mut out, 0x3C, 0x40);
    out[0x40..0x44].copy_from_slice(b"PE\0\0");
    let coff = 0x44;
    put16(&mut out, coff, 0x014C);
    put16(&mut out, coff + 2, sections.len() as u16);
    put32(&mut out, coff + 4, PE_TIMESTAMP);
    put16(&mut out, coff + 16, 224);
    put16(&mut out, coff + 18, 0x0102);
    let opt = coff + 20;
    put16(&mut out, opt, 0x010B);
    out[opt + 2] = 14;
    put32(&mut out, opt + 16, SECTION_ALIGN); // entry point: the first section
    put32(&mut out, opt + 20, SECTION_ALIGN);
    put32(&mut out, opt + 28, IMAGE_BASE);
    put32(&mut out, opt + 32, SECTION_ALIGN);
    put32(&mut out, opt + 36, FILE_ALIGN as u32);
    put16(&mut out, opt + 40, 6);
    put16(&mut out, opt + 48, 6);
    let image_size = SECTION_ALIGN * (sections.len() as u32 + 1);
    put32(&mut out, opt + 56, image_size);
    put32(&mut out, opt + 60, headers as u32);
    put16(&mut out, opt + 68, 3); // console subsystem
    put32(&mut out, opt + 72, 0x10_0000);
    put32(&mut out, opt + 76, 0x1000);
    put32(&mut out, opt + 80, 0x10_0000);
    put32(&mut out, opt + 84, 0x1000);
    put32(&mut out, opt + 92, 16);
    put32(&mut out, opt + 96 + 8, import_dir.0);
    put32(&mut out, opt + 96 + 12, import_dir.1);

    let mut table = opt + 224;
    for (i, section) in sections.iter().enumerate() {
        let raw_size = align(section.data.len(), FILE_ALIGN);
        let raw_at = out.len();
        let name = section.name.as_bytes();
        out[table..table + name.len()].copy_from_slice(name);
        put32(&mut out, table + 8, section.data.len().max(1) as u32);
        put32(&mut out, table + 12, SECTION_ALIGN * (i as u32 + 1));
        put32(&mut out, table + 16, raw_size as u32);
        put32(
            &mut out,
            table + 20,
            if raw_size == 0 { 0 } else { raw_at as u32 },
        );
        put32(&mut out, table + 36, section.characteristics);
        out.extend_from_slice(&section.data);
        out.resize(raw_at + raw_size, 0);
        table += 40;
    }
    out.extend_from_slice(overlay);
    out
}

/// A 64-bit Linux program with `strings` in a `.rodata` section; its code
/// is `exit(0)`.
pub fn elf(strings: &[&str]) -> Vec<u8> {
    const BASE: u64 = 0x40_0000;
    // mov eax, 60; xor edi, edi; syscall
    let code: &[u8] = &[0xB8, 0x3C, 0, 0, 0, 0x31, 0xFF, 0x0F, 0x05];
    let mut rodata = Vec::new();
    for text in strings {
        rodata.extend_from_slice(text.as_bytes());
        rodata.push(0);
    }
    let shstrtab: &[u8] = b"\0.text\0.rodata\0.shstrtab\0";
    let code_at = 64 + 56;
    let rodata_at = code_at + code.len();
    let shstrtab_at = rodata_at + rodata.len();
    let sh_at = align(shstrtab_at + shstrtab.len(), 8);
    let total = sh_at + 4 * 64;

    let mut out = vec![0u8; total];
    out[0..4].copy_from_slice(b"\x7fELF");
    out[4] = 2; // 64-bit
    out[5] = 1; // little-endian
    out[6] = 1;
    put16(&mut out, 16, 2); // executable
    put16(&mut out, 18, 0x3E); // x86-64
    put32(&mut out, 20, 1);
    put64(&mut out, 24, BASE + code_at as u64);
    put64(&mut out, 32, 64);
    put64(&mut out, 40, sh_at as u64);
    put16(&mut out, 52, 64);
    put16(&mut out, 54, 56);
    put16(&mut out, 56, 1);
    put16(&mut out, 58, 64);
    put16(&mut out, 60, 4);
    put16(&mut out, 62, 3);
    // One loadable, readable and executable segment: the whole file.
    put32(&mut out, 64, 1);
    put32(&mut out, 68, 5);
    put64(&mut out, 64 + 16, BASE);
    put64(&mut out, 64 + 24, BASE);
    put64(&mut out, 64 + 32, total as u64);
    put64(&mut out, 64 + 40, total as u64);
    put64(&mut out, 64 + 48, 0x1000);
    out[code_at..rodata_at].copy_from_slice(code);
    out[rodata_at..shstrtab_at].copy_from_slice(&rodata);
    out[shstrtab_at..shstrtab_at + shstrtab.len()].copy_from_slice(shstrtab);

    // (name offset, type, flags, offset, size); section 0 stays null.
    let sections = [
        (1u32, 1u32, 6u64, code_at, code.len()),
        (7, 1, 2, rodata_at, rodata.len()),
        (15, 3, 0, shstrtab_at, shstrtab.len()),
    ];
    for (i, (name, kind, flags, offset, size)) in sections.into_iter().enumerate() {
        let at = sh_at + 64 * (i + 1);
        put32(&mut out, at, name);
        put32(&mut out, at + 4, kind);
        put64(&mut out, at + 8, flags);
        put64(
            &mut out,
            at + 16,
            if flags & 2 != 0 {
                BASE + offset as u64
            } else {
                0
            },
        );
        put64(&mut out, at + 24, offset as u64);
        put64(&mut out, at + 32, size as u64);
        put64(&mut out, at + 48, 1);
    }
    out
}

/// A 64-bit macOS (x86-64) program with `strings` after its code; the
/// code is `exit(0)`.
pub fn macho(strings: &[&str]) -> Vec<u8> {
    const BASE: u64 = 0x1_0000_0000;
    // mov eax, 0x2000001; xor edi, edi; syscall
    let code: &[u8] = &[0xB8, 0x01, 0x00, 0x00, 0x02, 0x31, 0xFF, 0x0F, 0x05];
    let segment_size = 72 + 80;
    let main_size = 24;
    let code_at = 32 + segment_size + main_size;
    let mut text = code.to_vec();
    for s in strings {
        text.extend_from_slice(s.as_bytes());
        text.push(0);
    }
    let total = code_at + text.len();
    let mut out = vec![0u8; total];
    put32(&mut out, 0, 0xFEED_FACF);
    put32(&mut out, 4, 0x0100_0007); // x86-64
    put32(&mut out, 8, 3);
    put32(&mut out, 12, 2); // executable
    put32(&mut out, 16, 2); // two load commands
    put32(&mut out, 20, (segment_size + main_size) as u32);
    // LC_SEGMENT_64 __TEXT with one section, __text.
    let seg = 32;
    put32(&mut out, seg, 0x19);
    put32(&mut out, seg + 4, segment_size as u32);
    out[seg + 8..seg + 14].copy_from_slice(b"__TEXT");
    put64(&mut out, seg + 24, BASE);
    put64(&mut out, seg + 32, 0x1000);
    put64(&mut out, seg + 40, 0);
    put64(&mut out, seg + 48, total as u64);
    put32(&mut out, seg + 56, 5);
    put32(&mut out, seg + 60, 5);
    put32(&mut out, seg + 64, 1);
    let sect = seg + 72;
    out[sect..sect + 6].copy_from_slice(b"__text");
    out[sect + 16..sect + 22].copy_from_slice(b"__TEXT");
    put64(&mut out, sect + 32, BASE + code_at as u64);
    put64(&mut out, sect + 40, text.len() as u64);
    put32(&mut out, sect + 48, code_at as u32);
    // LC_MAIN: the entry point as an offset into the file.
    let main = seg + segment_size;
    put32(&mut out, main, 0x8000_0028);
    put32(&mut out, main + 4, main_size as u32);
    put64(&mut out, main + 8, code_at as u64);
    out[code_at..].copy_from_slice(&text);
    out
}
