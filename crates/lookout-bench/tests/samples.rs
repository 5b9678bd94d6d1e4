//! `write-samples` and `rule-matches`, as `.ci/yara_crosscheck.py` runs
//! them (this test also makes `cargo test --workspace` build the binary the
//! cross-check uses).

use std::path::Path;
use std::process::Command;

fn bench(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_lookout-bench"))
        .args(args)
        .output()
        .expect("lookout-bench runs");
    assert!(
        output.status.success(),
        "lookout-bench {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn boreal_matches_on_the_samples_are_printed_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let samples = dir.path().to_str().expect("UTF-8 path");
    let listing = bench(&["write-samples", "--out", samples]);
    assert!(listing.contains("eicar.com: 68 bytes"), "{listing}");

    let analysis = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lookout-analysis");
    let starter = analysis.join("rules");
    let extra = analysis.join("tests/crosscheck");
    let json = bench(&[
        "rule-matches",
        "--rules",
        starter.to_str().expect("UTF-8 path"),
        "--rules",
        extra.to_str().expect("UTF-8 path"),
        "--files",
        samples,
    ]);
    let matches: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        matches["eicar.com"],
        serde_json::json!(["eicar:EICAR_test_file", "extra:Hash_EICAR"])
    );
    assert_eq!(matches["note.txt"], serde_json::json!([]));
    // The imphash in extra.yar is the one lookout-analysis computes, which
    // write-samples prints: boreal's pe module agrees with it here, and
    // the C engine's in CI.
    let imphash = listing
        .lines()
        .find_map(|line| line.strip_prefix("pe_downloader.exe: "))
        .and_then(|rest| rest.split(" imphash ").nth(1))
        .expect("an imphash for pe_downloader.exe");
    let rules = std::fs::read_to_string(extra.join("extra.yar")).expect("extra.yar");
    assert!(
        rules.contains(&format!("pe.imphash() == \"{imphash}\"")),
        "{imphash}"
    );
    let downloader = matches["pe_downloader.exe"].to_string();
    assert!(
        downloader.contains("extra:PE_imphash_of_the_downloader"),
        "{downloader}"
    );
}
