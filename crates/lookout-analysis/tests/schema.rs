//! `docs/analysis.schema.json` is the JSON Schema of what `lookout analyze
//! --json` prints and the portal exports; it is generated from the types,
//! and this test fails when the two drift apart. After changing the types
//! on purpose: `LOOKOUT_WRITE_SCHEMA=1 cargo test -p lookout-analysis --test schema`.

use std::path::Path;

use lookout_analysis::{Analysis, Limits, Rules, analyze, samples};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(Analysis)))]
struct Components;

fn generated() -> serde_json::Value {
    let components = Components::openapi().components.expect("components");
    let mut defs = serde_json::to_value(components.schemas).expect("schemas serialise");
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; only the references'
    // location differs.
    let text = serde_json::to_string(&defs)
        .expect("json")
        .replace("#/components/schemas/", "#/$defs/");
    defs = serde_json::from_str(&text).expect("json");
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://lookout.example/schemas/lookout-analysis-1.json",
        "title": "Lookout file analysis (lookout-analysis/1)",
        "$ref": "#/$defs/Analysis",
        "$defs": defs,
    })
}

/// Objects with their keys sorted, whatever map serde_json is built with
/// (the workspace turns on `preserve_order` for other crates), so the file
/// is the same from `cargo test -p` and from `cargo test --workspace`.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

#[test]
fn the_committed_schema_matches_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/analysis.schema.json");
    let schema = sorted(generated());
    let text = serde_json::to_string_pretty(&schema).expect("json") + "\n";
    if std::env::var_os("LOOKOUT_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &text).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/analysis.schema.json exists");
    assert!(
        committed == text,
        "docs/analysis.schema.json is out of date: regenerate it (see this test's comment)"
    );
}

#[test]
fn every_field_of_an_analysis_is_in_the_schema() {
    let schema = generated();
    let defs = &schema["$defs"];
    let analysis = analyze(
        &samples::zip(&[(
            "a.exe",
            &samples::pe(&[("KERNEL32.dll", &["ExitProcess"])], &[]),
        )]),
        Rules::starter().ok().as_ref(),
        &Limits::default(),
    );
    let json = serde_json::to_value(&analysis).expect("serialises");
    for key in json.as_object().expect("object").keys() {
        assert!(
            defs["Analysis"]["properties"].get(key).is_some(),
            "{key} missing from the schema"
        );
    }
}
