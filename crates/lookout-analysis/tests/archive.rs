//! Archives through the public API: members analysed recursively, the
//! "infected" password, and every limit a hostile archive runs into.

use lookout_analysis::{Analysis, Archive, ArchiveEntry, Limits, analyze, samples};
use sha2::{Digest, Sha256};

fn run(bytes: &[u8]) -> Analysis {
    analyze(bytes, None, &Limits::default())
}

fn archive_of(analysis: &Analysis) -> &Archive {
    analysis.archive.as_ref().expect("an archive result")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn member_sha256(entry: &ArchiveEntry) -> &str {
    &entry
        .analysis
        .as_ref()
        .expect("the member analysed")
        .hashes
        .sha256
}

const README: &[u8] = b"harmless test file, nothing to see here\n";

#[test]
fn zip_members_are_analysed() {
    let script = b"#!/bin/sh\necho harmless test\n".as_slice();
    let bytes = samples::zip(&[
        ("docs/readme.txt", README),
        ("docs/", b""),
        ("run.sh", script),
        ("eicar.com", samples::EICAR),
    ]);
    let analysis = run(&bytes);
    let archive = archive_of(&analysis);
    assert_eq!(archive.format, "zip");
    assert_eq!(archive.password, None);
    assert!(!archive.bomb);
    let paths: Vec<_> = archive
        .entries
        .iter()
        .map(|entry| entry.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["docs/readme.txt", "run.sh", "eicar.com"],
        "directories are left out"
    );
    for (entry, content) in archive.entries.iter().zip([README, script, samples::EICAR]) {
        assert_eq!(member_sha256(entry), sha256(content));
        assert_eq!(entry.declared_size, Some(content.len() as u64));
        assert!(!entry.encrypted);
        assert_eq!(entry.skipped, None);
    }
    assert!(analysis.problems.is_empty(), "{:?}", analysis.problems);
}

#[test]
fn infected_password_opens_the_zip() {
    let analysis = run(&samples::zip_infected(&[("sample.txt", README)]));
    let archive = archive_of(&analysis);
    assert_eq!(archive.password.as_deref(), Some("infected"));
    let entry = &archive.entries[0];
    assert!(entry.encrypted);
    assert_eq!(member_sha256(entry), sha256(README));
}

#[test]
fn unknown_password_is_reported_not_guessed() {
    let entries: Vec<(String, Vec<u8>)> = (0..8)
        .map(|n| {
            (
                format!("secret{n}.txt"),
                format!("harmless secret number {n}")
                    .repeat(10)
                    .into_bytes(),
            )
        })
        .collect();
    let entries: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, data)| (name.as_str(), data.as_slice()))
        .collect();
    let analysis = run(&samples::zip_with_password(&entries, "not-the-usual-one"));
    let archive = archive_of(&analysis);
    assert_eq!(archive.password, None);
    assert_eq!(archive.entries.len(), 8);
    for entry in &archive.entries {
        assert!(entry.encrypted);
        assert!(entry.analysis.is_none());
        assert_eq!(
            entry.skipped.as_deref(),
            Some("encrypted with an unknown password")
        );
    }
}

#[test]
fn zip_bomb_is_refused_before_inflating() {
    let bytes = samples::zip_bomb();
    assert!(
        bytes.len() < 64 * 1024,
        "the bomb sample stays small: {}",
        bytes.len()
    );
    let analysis = run(&bytes);
    let archive = archive_of(&analysis);
    assert!(archive.bomb);
    let entry = &archive.entries[0];
    assert!(entry.analysis.is_none());
    assert!(
        entry
            .skipped
            .as_deref()
            .is_some_and(|why| why.starts_with("decompression bomb")),
        "{:?}",
        entry.skipped
    );
}

#[test]
fn zip_lying_about_its_size_is_caught() {
    let analysis = run(&samples::zip_bomb_lying_size());
    let archive = archive_of(&analysis);
    assert!(archive.bomb);
    let entry = &archive.entries[0];
    assert_eq!(entry.declared_size, Some(4096));
    assert!(entry.analysis.is_none());
    assert!(
        entry
            .skipped
            .as_deref()
            .is_some_and(|why| why.contains("4096")),
        "{:?}",
        entry.skipped
    );
    assert!(
        analysis
            .problems
            .iter()
            .any(|problem| problem.part == "zip"),
        "{:?}",
        analysis.problems
    );
}

/// Follows the only member of each level down; returns the levels' entries.
fn levels(analysis: &Analysis) -> Vec<&ArchiveEntry> {
    let mut found = Vec::new();
    let mut current = analysis;
    while let Some(entry) = current
        .archive
        .as_ref()
        .and_then(|archive| archive.entries.first())
    {
        found.push(entry);
        match &entry.analysis {
            Some(next) => current = next,
            None => break,
        }
    }
    found
}

#[test]
fn nesting_stops_at_the_depth_limit() {
    let within = run(&samples::nested_zip(4, README));
    let found = levels(&within);
    assert_eq!(found.len(), 4);
    assert_eq!(member_sha256(found[3]), sha256(README));

    let deeper = run(&samples::nested_zip(12, README));
    let found = levels(&deeper);
    assert_eq!(found.len(), 5, "four levels unpacked, the fifth refused");
    assert!(found[3].analysis.is_some());
    let last = found[4];
    assert!(last.analysis.is_none());
    assert_eq!(last.skipped.as_deref(), Some("nested deeper than 4 levels"));
}

#[test]
fn self_containing_structure_terminates() {
    // The same zip again and again under one another, as a zip quine
    // unpacks: only the depth limit ends it.
    let limits = Limits {
        max_depth: 30,
        ..Limits::default()
    };
    let bytes = samples::nested_zip(40, b"quine");
    let analysis = analyze(&bytes, None, &limits);
    let found = levels(&analysis);
    assert_eq!(found.len(), 31);
    assert_eq!(
        found[30].skipped.as_deref(),
        Some("nested deeper than 30 levels")
    );
}

#[test]
fn tar_gz_unpacks_through_gzip_then_tar() {
    let tar = samples::tar(&[("a/readme.txt", README), ("eicar.com", samples::EICAR)]);
    let analysis = run(&samples::gzip(&tar));
    let gzip = archive_of(&analysis);
    assert_eq!(gzip.format, "gzip");
    assert_eq!(gzip.entries.len(), 1);
    assert_eq!(gzip.entries[0].declared_size, None);
    let inner = gzip.entries[0].analysis.as_ref().expect("the tar analysed");
    assert_eq!(inner.hashes.sha256, sha256(&tar));
    let tar = archive_of(inner);
    assert_eq!(tar.format, "tar");
    let paths: Vec<_> = tar
        .entries
        .iter()
        .map(|entry| entry.path.as_str())
        .collect();
    assert_eq!(paths, ["a/readme.txt", "eicar.com"]);
    assert_eq!(member_sha256(&tar.entries[1]), sha256(samples::EICAR));
}

#[test]
fn bzip2_and_xz_streams_unpack() {
    for (bytes, format) in [
        (samples::bzip2(README), "bzip2"),
        (samples::xz(README), "xz"),
    ] {
        let analysis = run(&bytes);
        let archive = archive_of(&analysis);
        assert_eq!(archive.format, format);
        assert_eq!(member_sha256(&archive.entries[0]), sha256(README));
    }
}

#[test]
fn gzip_bomb_is_caught_on_the_output() {
    let analysis = run(&samples::gzip(&vec![0; 8 * 1024 * 1024]));
    let archive = archive_of(&analysis);
    assert!(archive.bomb);
    assert!(archive.entries[0].analysis.is_none());
}

#[test]
fn truncated_archives_give_problems_not_panics() {
    let zip = samples::zip(&[("one.txt", README), ("two.txt", &README.repeat(50))]);
    let tar = samples::tar(&[("one.txt", README), ("two.txt", &README.repeat(50))]);
    let gzip = samples::gzip(&README.repeat(50));
    for (bytes, part) in [(&zip, "zip"), (&tar, "tar"), (&gzip, "gzip")] {
        // Not into tar's closing zero blocks, whose loss loses nothing.
        for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() * 3 / 4] {
            let analysis = run(&bytes[..cut]);
            if let Some(archive) = &analysis.archive {
                assert!(
                    analysis.problems.iter().any(|problem| problem.part == part),
                    "{part} cut at {cut}: {:?}",
                    archive
                );
            }
        }
    }
    // The zip cut short loses its central directory, but its first member
    // is still read from the local header.
    let analysis = run(&zip[..zip.len() - 10]);
    assert_eq!(
        member_sha256(&archive_of(&analysis).entries[0]),
        sha256(README)
    );
}

#[test]
fn many_members_stop_at_the_member_limit() {
    let names: Vec<String> = (0..600).map(|n| format!("tiny{n}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), b"x".as_slice()))
        .collect();
    let analysis = run(&samples::zip(&entries));
    let archive = archive_of(&analysis);
    assert_eq!(archive.entries.len(), 600);
    let unpacked = archive
        .entries
        .iter()
        .filter(|entry| entry.analysis.is_some())
        .count();
    assert_eq!(unpacked, Limits::default().max_members);
    let refused = archive.entries.last().expect("entries");
    assert_eq!(
        refused.skipped.as_deref(),
        Some("more than 500 members in all")
    );
}

#[test]
fn listing_stops_and_counts_the_rest() {
    let names: Vec<String> = (0..1_500).map(|n| format!("{n}")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), b"".as_slice()))
        .collect();
    let limits = Limits {
        max_members: 10,
        ..Limits::default()
    };
    let analysis = analyze(&samples::zip(&entries), None, &limits);
    let archive = archive_of(&analysis);
    assert_eq!(archive.entries.len(), 1_000);
    assert_eq!(archive.entries_not_listed, 500);
}

#[test]
fn unpacked_bytes_are_bounded_in_all() {
    let member = vec![7u8; 300 * 1024];
    let names: Vec<String> = (0..10).map(|n| format!("part{n}.bin")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), member.as_slice()))
        .collect();
    let limits = Limits {
        max_unpacked_bytes: 1024 * 1024,
        max_ratio: 10_000,
        ..Limits::default()
    };
    let analysis = analyze(&samples::zip(&entries), None, &limits);
    let archive = archive_of(&analysis);
    let unpacked = archive
        .entries
        .iter()
        .filter(|entry| entry.analysis.is_some())
        .count();
    assert_eq!(unpacked, 3);
    assert!(
        archive.entries[3]
            .skipped
            .as_deref()
            .is_some_and(|why| why.contains("MiB")),
        "{:?}",
        archive.entries[3]
    );
}

#[test]
fn non_archives_give_none() {
    for bytes in [
        b"plain text, no archive here".as_slice(),
        b"PK",
        b"\x1f",
        samples::EICAR,
    ] {
        assert!(run(bytes).archive.is_none());
    }
}

#[test]
fn hostile_archives_do_not_panic() {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"PK\x03\x04".to_vec(),
        b"PK\x05\x06".to_vec(),
        b"\x1f\x8b\x08\x00".to_vec(),
        b"BZh91AY&SY".to_vec(),
        b"\xfd7zXZ\x00\x00".to_vec(),
    ];
    // A tar header claiming an enormous size.
    let mut header = samples::tar(&[("big.bin", b"x")]);
    header[124..136].copy_from_slice(b"77777777777\0");
    inputs.push(header);
    // Flipped bytes all over a valid zip.
    let zip = samples::zip_infected(&[("a.txt", README), ("b.txt", README)]);
    for at in (0..zip.len()).step_by(7) {
        let mut broken = zip.clone();
        broken[at] ^= 0xa5;
        inputs.push(broken);
    }
    for input in inputs {
        let _ = run(&input);
    }
}

/// A program named like a document inside an archive is called out, and
/// the members' names (run on into the bytes after them in the container)
/// are not reported as host names.
#[test]
fn double_extensions_are_flagged_and_member_names_are_not_indicators() {
    let analysis = run(&samples::zip(&[
        (
            "invoice.pdf.exe",
            &samples::pe(&[("KERNEL32.dll", &["ExitProcess"])], &[]),
        ),
        ("readme.txt", b"please pay the invoice today\n"),
    ]));
    let reasons = analysis.verdict.reasons.join(" ");
    assert!(
        reasons.contains("invoice.pdf.exe has a double extension"),
        "{reasons}"
    );
    assert!(analysis.verdict.level >= lookout_analysis::VerdictLevel::Suspicious);
    for domain in &analysis.indicators.domains {
        assert!(
            !domain.starts_with("invoice.pdf") && !domain.starts_with("readme.txt"),
            "a member's name taken for a host: {domain} in {:?}",
            analysis.indicators.domains
        );
    }
}
