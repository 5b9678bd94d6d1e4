//! Writes a sample MISP feed (manifest.json, hashes.csv and one
//! `{uuid}.json` per event) into the directory given as the only
//! argument. `tests/external/check_misp.py` loads it with PyMISP.

#[path = "common/sample.rs"]
mod sample;

use std::path::PathBuf;
use std::process::ExitCode;

use lookout_intel::misp::{self, EventInput};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sample_misp DIRECTORY");
        return ExitCode::from(2);
    };
    match run(&dir) {
        Ok(n) => {
            println!("wrote {n} events to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sample_misp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &std::path::Path) -> Result<usize, String> {
    let portal = sample::portal();
    let incident = sample::incident()?;
    let advisory = sample::advisory()?;
    let analysis = sample::analysis()?;
    let events = [
        EventInput::Incident(&incident),
        EventInput::Advisory(&advisory),
        EventInput::Analysis(&analysis),
    ]
    .iter()
    .map(|input| misp::event(&portal, input).map_err(|e| e.to_string()))
    .collect::<Result<Vec<_>, _>>()?;

    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    for e in &events {
        write(&e.file_name(), &e.to_json_string())?;
    }
    write("manifest.json", &misp::manifest(&events).to_string())?;
    write("hashes.csv", &misp::hashes_csv(&events))?;
    Ok(events.len())
}
