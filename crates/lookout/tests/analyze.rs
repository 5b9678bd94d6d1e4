//! `lookout analyze`: the offline analysis gives the library's result, as
//! JSON or as a report for a terminal, and explains bad input.

use std::path::Path;
use std::process::{Command, Output};

use lookout_analysis::{Analysis, Limits, Rules, samples};

fn analyze(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("analyze")
        .args(args)
        .output()
        .expect("lookout runs")
}

fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write sample");
    path
}

fn sha256sum(path: &Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn json_output_is_the_library_analysis() {
    let dir = tempfile::tempdir().expect("temp dir");
    let samples: [(&str, Vec<u8>, &str); 5] = [
        ("eicar.com", samples::EICAR.to_vec(), "EICAR_test_file"),
        (
            "update.exe",
            samples::pe(
                &[
                    ("KERNEL32.dll", &["ExitProcess"]),
                    ("urlmon.dll", &["URLDownloadToFileW"]),
                    ("SHELL32.dll", &["ShellExecuteW"]),
                ],
                &["hxxp://charts[.]example/u"],
            ),
            "Downloader_APIs_and_execution",
        ),
        (
            "agent",
            samples::elf(&["/bin/sh", "/dev/tcp/198.51.100.7/4444"]),
            "ELF_reverse_shell",
        ),
        (
            "invoice.doc",
            samples::word_doc_with_macro(),
            "Office_OLE_with_VBA_macros",
        ),
        (
            "notice.pdf",
            samples::pdf_with_javascript(),
            "PDF_JavaScript_on_open",
        ),
    ];
    let rules = Rules::starter().expect("starter rules");
    for (name, data, rule) in samples {
        let path = write(dir.path(), name, &data);
        let output = analyze(&[path.as_os_str(), "--json".as_ref()]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed: Analysis =
            serde_json::from_slice(&output.stdout).expect("valid JSON analysis");
        assert_eq!(
            printed,
            lookout_analysis::analyze(&data, Some(&rules), &Limits::default()),
            "{name}"
        );
        assert_eq!(printed.hashes.sha256, sha256sum(&path), "{name}");
        assert!(
            printed.rule_matches.iter().any(|m| m.rule == rule),
            "{name}: no {rule}"
        );
    }
}

#[test]
fn text_output_starts_with_the_verdict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "test.txt", samples::EICAR);
    let output = analyze(&[path.as_os_str()]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("TEST FILE (HARMLESS): "), "{text}");
    assert!(text.contains("EICAR anti-virus test file"), "{text}");
    assert!(text.contains("What to do:\n  1. "), "{text}");
    assert!(
        text.contains(&format!("SHA-256  {}", sha256sum(&path))),
        "{text}"
    );
}

#[test]
fn extra_rules_are_matched_and_broken_rules_explained() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = write(
        dir.path(),
        "manifest.txt",
        b"Cargo manifest for MV Example Star, voyage 42, bunker note",
    );
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    write(
        &rules,
        "ours.yar",
        b"rule Voyage_42 { strings: $v = \"voyage 42\" condition: $v }",
    );
    let output = analyze(&[
        sample.as_os_str(),
        "--rules".as_ref(),
        rules.as_os_str(),
        "--json".as_ref(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Analysis = serde_json::from_slice(&output.stdout).expect("JSON");
    let matched: Vec<(&str, &str)> = printed
        .rule_matches
        .iter()
        .map(|m| (m.namespace.as_str(), m.rule.as_str()))
        .collect();
    assert_eq!(matched, [("ours", "Voyage_42")]);

    write(
        &rules,
        "broken.yar",
        b"rule Broken {\n  condition: $missing\n}\n",
    );
    let output = analyze(&[sample.as_os_str(), "--rules".as_ref(), rules.as_os_str()]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("broken.yar, line 2"), "{error}");
    assert!(error.contains("fix these"), "{error}");
}

#[test]
fn a_missing_file_is_explained() {
    let output = analyze(&["/nonexistent/attachment.doc".as_ref()]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("cannot read /nonexistent/attachment.doc"),
        "{error}"
    );
}
