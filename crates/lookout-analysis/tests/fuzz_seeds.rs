//! Replays every committed fuzz seed through its target's entry point, so
//! CI runs the seeds without cargo-fuzz (and a crash once found and turned
//! into a seed stays fixed).

use std::path::Path;

use lookout_analysis::fuzzing;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        let data = std::fs::read(&path).expect("seed readable");
        run(&data);
        seen += 1;
    }
    assert!(seen >= 3, "{target}: only {seen} seeds");
}

#[test]
fn analyze_seeds() {
    replay("analyze", |data| {
        let analysis = fuzzing::analyze(data);
        assert_eq!(analysis.size, data.len() as u64);
    });
}

#[test]
fn executable_seeds() {
    replay("executable", fuzzing::executable);
}

#[test]
fn office_seeds() {
    replay("office", fuzzing::office);
}

#[test]
fn pdf_seeds() {
    replay("pdf", fuzzing::pdf);
}

#[test]
fn archive_seeds() {
    replay("archive", fuzzing::archive);
}

#[test]
fn rules_seeds() {
    replay("rules", fuzzing::rules);
}

/// Writes this crate's own seeds from the sample builders (run by hand
/// after changing a builder: `cargo test -p lookout-analysis --test
/// fuzz_seeds -- --ignored`).
#[test]
#[ignore]
fn write_executable_and_analyze_seeds() {
    use lookout_analysis::samples;
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let pe = samples::pe(
        &[
            ("KERNEL32.dll", &["ExitProcess", "GetProcAddress"]),
            ("urlmon.dll", &["URLDownloadToFileA"]),
        ],
        &["hxxp://x[.]example/a"],
    );
    let elf = samples::elf(&["/bin/sh", "/dev/tcp/198.51.100.7/4444"]);
    let executables: [(&str, &[u8]); 6] = [
        (
            "macho-x86-64",
            &samples::macho(&["stratum+tcp://pool.example:3333"]),
        ),
        ("pe-imports.exe", &pe),
        ("pe-packed.exe", &samples::pe_packed()),
        ("pe-truncated.exe", &pe[..0x250]),
        ("elf-x86-64", &elf),
        ("elf-truncated", &elf[..90]),
    ];
    std::fs::create_dir_all(base.join("executable")).expect("mkdir");
    for (name, data) in executables {
        std::fs::write(base.join("executable").join(name), data).expect("write seed");
    }
    std::fs::create_dir_all(base.join("analyze")).expect("mkdir");
    let analyze: [(&str, &[u8]); 4] = [
        ("eicar.com", samples::EICAR),
        ("pe-imports.exe", &pe),
        ("elf-x86-64", &elf),
        ("note.txt", b"pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa to decrypt, see hxxp://ransom[.]example or HKLM\\Software\\X\\Y"),
    ];
    for (name, data) in analyze {
        std::fs::write(base.join("analyze").join(name), data).expect("write seed");
    }
}
