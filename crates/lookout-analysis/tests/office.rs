//! Office documents through the public API: macros and external links in
//! harmless samples, and damaged documents that must give problems, not
//! panics.

use std::io::{Cursor, Read, Write};

use lookout_analysis::samples::{self, HARMLESS_MACRO};
use lookout_analysis::{Analysis, Limits, Macro, Office, analyze};
use proptest::prelude::*;

fn run(bytes: &[u8]) -> Analysis {
    analyze(bytes, None, &Limits::default())
}

fn office(bytes: &[u8]) -> Office {
    run(bytes).office.expect("read as an Office document")
}

fn office_problems(analysis: &Analysis) -> Vec<&str> {
    analysis
        .problems
        .iter()
        .filter(|p| p.part == "office")
        .map(|p| p.message.as_str())
        .collect()
}

fn module<'a>(office: &'a Office, name: &str) -> &'a Macro {
    office
        .macros
        .iter()
        .find(|m| m.module == name)
        .unwrap_or_else(|| panic!("no module {name} in {:?}", office.macros))
}

fn assert_dropper_traits(module: &Macro) {
    assert!(
        module.code.contains("Shell \"cmd.exe /c echo harmless\""),
        "{}",
        module.code
    );
    assert!(
        module
            .code
            .starts_with("Attribute VB_Name = \"Module1\"\r\n"),
        "{}",
        module.code
    );
    assert!(!module.truncated);
    assert_eq!(module.auto_exec, ["AutoOpen"]);
    for keyword in ["Shell", "WScript.Shell", "CreateObject", "cmd.exe"] {
        assert!(
            module.suspicious.iter().any(|k| k == keyword),
            "{keyword} not in {:?}",
            module.suspicious
        );
    }
}

/// Replaces one stream of a compound file.
fn with_stream(file: &[u8], path: &str, change: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(file.to_vec())).unwrap();
    let mut bytes = Vec::new();
    cfb.open_stream(path)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let bytes = change(bytes);
    cfb.create_stream(path).unwrap().write_all(&bytes).unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

#[test]
fn word_doc_macro_is_read() {
    let analysis = run(&samples::word_doc_with_macro());
    assert_eq!(office_problems(&analysis), Vec::<&str>::new());
    let office = analysis.office.expect("office");
    assert_eq!(office.container, "ole");
    assert!(!office.encrypted);
    assert_eq!(office.macros.len(), 2);
    let module1 = module(&office, "Module1");
    assert_eq!(module1.stream, "Macros/VBA/Module1");
    assert_dropper_traits(module1);
    let this_document = module(&office, "ThisDocument");
    assert!(this_document.auto_exec.is_empty() && this_document.suspicious.is_empty());
}

#[test]
fn docm_macro_is_read() {
    let analysis = run(&samples::docm_with_macro());
    assert_eq!(office_problems(&analysis), Vec::<&str>::new());
    let office = analysis.office.expect("office");
    assert_eq!(office.container, "ooxml");
    let module1 = module(&office, "Module1");
    assert_eq!(module1.stream, "word/vbaProject.bin/VBA/Module1");
    assert_dropper_traits(module1);
    assert!(office.external_links.is_empty());
}

#[test]
fn bare_vba_project_is_read() {
    let code = "Private Sub Workbook_Open()\n  x = StrReverse(\"exe.llehsrewop\")\nEnd Sub\n";
    let office = office(&samples::vba_project(&[("ThisWorkbook", code)]));
    let module = module(&office, "ThisWorkbook");
    assert_eq!(module.stream, "VBA/ThisWorkbook");
    assert_eq!(module.auto_exec, ["Workbook_Open"]);
    assert_eq!(module.suspicious, ["StrReverse"]);
}

#[test]
fn long_module_survives_compression_and_is_capped() {
    // Many chunks, raw and compressed, and more than the per-module cap.
    let mut code = String::new();
    let mut n = 0u64;
    while code.len() < 300 * 1024 {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        code += &format!("x{} = \"{:016x}\" ' filler\n", n % 97, n);
    }
    let office = office(&samples::vba_project(&[("Module1", &code)]));
    let module = module(&office, "Module1");
    assert!(module.truncated);
    assert_eq!(module.code.len(), 256 * 1024);
    let expected = format!("Attribute VB_Name = \"Module1\"\n{code}").replace('\n', "\r\n");
    assert!(expected.starts_with(&module.code));
}

#[test]
fn remote_template_is_listed_and_hyperlinks_are_not() {
    let url = "http://template.example.invalid/t.dotm?a=1&b=<2>";
    let analysis = run(&samples::docx_with_remote_template(url));
    assert_eq!(office_problems(&analysis), Vec::<&str>::new());
    let office = analysis.office.expect("office");
    assert_eq!(office.container, "ooxml");
    assert!(office.macros.is_empty());
    assert_eq!(
        office.external_links.len(),
        1,
        "{:?}",
        office.external_links
    );
    let link = &office.external_links[0];
    assert_eq!(link.relationship, "attachedTemplate");
    assert_eq!(link.target, url);
    assert_eq!(link.part, "word/_rels/settings.xml.rels");
}

#[test]
fn other_files_are_not_office() {
    assert_eq!(run(b"just some text, not a document").office, None);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"a plain zip").unwrap();
    let plain_zip = zip.finish().unwrap().into_inner();
    assert_eq!(run(&plain_zip).office, None);
}

#[test]
fn encrypted_package_is_reported() {
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    cfb.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0; 64])
        .unwrap();
    cfb.flush().unwrap();
    let analysis = run(&cfb.into_inner().into_inner());
    let office = analysis.office.as_ref().expect("office");
    assert!(office.encrypted);
    assert!(
        office_problems(&analysis)
            .iter()
            .any(|p| p.contains("password"))
    );
}

#[test]
fn documents_cut_in_half_give_problems() {
    for sample in [
        samples::word_doc_with_macro(),
        samples::docm_with_macro(),
        samples::docx_with_remote_template("http://x.invalid/"),
    ] {
        let half = &sample[..sample.len() / 2];
        let analysis = run(half);
        assert!(analysis.office.is_some(), "still recognised");
        assert!(
            !office_problems(&analysis).is_empty(),
            "{:?}",
            analysis.problems
        );
    }
}

#[test]
fn damaged_dir_stream_gives_problems() {
    let doc = samples::word_doc_with_macro();
    // Flipped bytes through the compressed dir stream.
    let flipped = with_stream(&doc, "/Macros/VBA/dir", |mut dir| {
        for i in (5..dir.len()).step_by(7) {
            dir[i] ^= 0xA5;
        }
        dir
    });
    let analysis = run(&flipped);
    assert!(!office_problems(&analysis).is_empty());
    // A chunk whose header claims 4098 bytes when 4 follow.
    let huge = with_stream(&doc, "/Macros/VBA/dir", |_| {
        vec![0x01, 0xFF, 0xBF, 0x00, b'a', b'b', b'c', b'd']
    });
    let analysis = run(&huge);
    let problems = office_problems(&analysis);
    assert!(
        problems.iter().any(|p| p.contains("cut short")),
        "{problems:?}"
    );
    // The modules are still found by their source, and say so.
    assert!(
        problems
            .iter()
            .any(|p| p.contains("without the dir stream")),
        "{problems:?}"
    );
    let office = analysis.office.as_ref().expect("office");
    assert_eq!(office.macros.len(), 2);
    assert_dropper_traits(module(office, "Module1"));
    // A record claiming 4 GiB.
    let mut dir = vec![0x19, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
    dir.extend(b"Module1");
    let lying = with_stream(&doc, "/Macros/VBA/dir", |_| samples::vba_compress(&dir));
    let analysis = run(&lying);
    assert!(
        office_problems(&analysis)
            .iter()
            .any(|p| p.contains("past the end")),
        "{:?}",
        analysis.problems
    );
}

#[test]
fn damaged_module_keeps_the_rest() {
    let doc = samples::word_doc_with_macro();
    let cut = with_stream(&doc, "/Macros/VBA/Module1", |source| {
        // Unclean cut: keep the container signature and chunk header only.
        source[..source.len().min(3)].to_vec()
    });
    let analysis = run(&cut);
    let office = analysis.office.as_ref().expect("office");
    assert_eq!(office.macros.len(), 2, "the undamaged module is still read");
    assert!(
        office_problems(&analysis)
            .iter()
            .any(|p| p.contains("Module1")),
        "{:?}",
        analysis.problems
    );
    let missing = with_stream(&doc, "/Macros/VBA/Module1", |_| Vec::new());
    let analysis = run(&missing);
    assert!(!office_problems(&analysis).is_empty());
}

#[test]
fn compressor_matches_the_spec_examples() {
    // MS-OVBA 3.2: no compression, normal compression, maximum compression.
    let literal = samples::vba_compress(b"abcdefghijklmnopqrstuv.");
    assert_eq!(literal[..4], [0x01, 0x19, 0xB0, 0x00]);
    let normal = samples::vba_compress(b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa");
    assert_eq!(
        normal,
        [
            0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82, 0x66,
            0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00,
            0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04, 0x10, 0x72, 0x73, 0x74,
            0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C
        ]
    );
    assert_eq!(
        samples::vba_compress(&[b'a'; 73]),
        [0x01, 0x03, 0xB0, 0x02, 0x61, 0x45, 0x00]
    );
}

#[test]
fn harmless_macro_is_harmless() {
    assert!(HARMLESS_MACRO.contains("echo harmless"));
}

/// Writes the fuzz seeds, by hand:
/// `cargo test -p lookout-analysis --test office -- --ignored write_fuzz_seeds`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/office");
    std::fs::create_dir_all(&dir).unwrap();
    // A dir stream whose only chunk claims more bytes than follow.
    let damaged = with_stream(&samples::word_doc_with_macro(), "/Macros/VBA/dir", |dir| {
        dir[..dir.len() / 2].to_vec()
    });
    let seeds = [
        ("word_macro.doc", samples::word_doc_with_macro()),
        ("damaged_dir.doc", damaged),
        ("macro.docm", samples::docm_with_macro()),
        (
            "vbaProject.bin",
            samples::vba_project(&[("Module1", HARMLESS_MACRO)]),
        ),
        (
            "remote_template.docx",
            samples::docx_with_remote_template("http://template.example.invalid/t.dotm"),
        ),
    ];
    for (name, bytes) in seeds {
        assert!(bytes.len() < 20 * 1024, "{name} is {} bytes", bytes.len());
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn arbitrary_container() -> impl Strategy<Value = Vec<u8>> {
    // Mostly well-formed-looking chunk headers, to get past the first check.
    prop::collection::vec(any::<u8>(), 0..6000).prop_map(|mut bytes| {
        if bytes.len() > 3 {
            bytes[0] = 0x01;
            bytes[2] = (bytes[2] & 0x8F) | 0x30;
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn decompressor_never_panics(bytes in arbitrary_container(), cap in 0usize..70_000) {
        if let Ok(out) = samples::vba_decompress(&bytes, cap) {
            prop_assert!(out.len() <= cap);
        }
    }

    #[test]
    fn compression_round_trips(
        text in prop::collection::vec(prop::sample::select(b"ab \r\nSub".to_vec()), 0..10_000),
        random in prop::collection::vec(any::<u8>(), 0..5_000),
    ) {
        for data in [&text, &random] {
            let compressed = samples::vba_compress(data);
            prop_assert_eq!(&samples::vba_decompress(&compressed, usize::MAX).unwrap(), data);
        }
    }

    #[test]
    fn damaged_documents_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        which in 0usize..3,
    ) {
        let mut bytes = match which {
            0 => samples::word_doc_with_macro(),
            1 => samples::docm_with_macro(),
            _ => samples::vba_project(&[("Module1", HARMLESS_MACRO)]),
        };
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        lookout_analysis::fuzzing::office(&bytes);
    }
}

#[test]
fn embedded_objects_are_analysed_like_archive_members() {
    let program = samples::pe(
        &[
            ("KERNEL32.dll", &["ExitProcess"]),
            ("urlmon.dll", &["URLDownloadToFileA"]),
        ],
        &[],
    );
    let document = samples::docx_with_embedded(&program);
    let rules = lookout_analysis::Rules::starter().expect("starter rules");
    let analysis = analyze(&document, Some(&rules), &Limits::default());
    let office = analysis.office.as_ref().expect("an Office package");
    assert_eq!(office.embedded_files.len(), 1);
    let entry = &office.embedded_files[0];
    assert_eq!(entry.path, "word/embeddings/oleObject1.bin");
    let inner = entry.analysis.as_ref().expect("analysed");
    assert_eq!(
        inner.executable.as_ref().map(|e| e.format.as_str()),
        Some("pe")
    );
    assert!(
        analysis
            .verdict
            .reasons
            .iter()
            .any(|r| r.starts_with("In word/embeddings/oleObject1.bin: It is a program")),
        "{:?}",
        analysis.verdict.reasons
    );
}

#[test]
fn rules_see_macro_source_that_vba_compresses() {
    let rules = lookout_analysis::Rules::starter().expect("starter rules");
    // On the raw bytes the compressed source does not match...
    assert!(
        !rules
            .matching(&samples::word_doc_with_macro())
            .iter()
            .any(|r| r.ends_with("VBA_autoexec_runs_commands"))
    );
    // ...on the macro the analysis unpacked, it does.
    let analysis = analyze(
        &samples::word_doc_with_macro(),
        Some(&rules),
        &Limits::default(),
    );
    let found = analysis
        .rule_matches
        .iter()
        .find(|m| m.rule == "VBA_autoexec_runs_commands")
        .expect("matched in the macro");
    assert_eq!(found.found_in.as_deref(), Some("macro Module1"));
    assert!(
        analysis
            .verdict
            .reasons
            .iter()
            .any(|r| r.contains("(rule VBA_autoexec_runs_commands, in macro Module1)")),
        "{:?}",
        analysis.verdict.reasons
    );
}
