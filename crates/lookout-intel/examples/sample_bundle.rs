//! Prints one STIX 2.1 bundle holding every kind of object the crate
//! exports (an incident with every observable kind, an advisory, an
//! analysis) as compact JSON on stdout. `tests/external/check_stix.sh`
//! runs it through the OASIS validator.

#[path = "common/sample.rs"]
mod sample;

use std::process::ExitCode;

use lookout_intel::stix;

fn main() -> ExitCode {
    match run() {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sample_bundle: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let portal = sample::portal();
    let mut objects =
        stix::incident_objects(&portal, &sample::incident()?).map_err(|e| e.to_string())?;
    objects
        .extend(stix::advisory_objects(&portal, &sample::advisory()?).map_err(|e| e.to_string())?);
    objects
        .extend(stix::analysis_objects(&portal, &sample::analysis()?).map_err(|e| e.to_string())?);
    Ok(stix::bundle(objects).to_json_string())
}
