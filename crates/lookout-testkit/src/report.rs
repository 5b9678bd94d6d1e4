//! The report form as the tests' reporters fill it in.

use std::path::PathBuf;

use crate::{Site, csrf, get, post_multipart, with_files};

/// A complete report form, as the tests' reporters fill it in.
pub fn report_fields<'a>(mode: &'a str, narrative: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mode", mode),
        ("class", "ecdis-bridge-compromise"),
        ("discovered_on", "2026-03-02"),
        ("discovered_time", "03:40"),
        ("systems", "ecdis"),
        ("systems", "ship-ot"),
        ("vessel_type", "container-ship"),
        ("vessel_size", "large"),
        ("sea_area", "north-sea"),
        ("position", "53°58.1'N 006°12.4'E"),
        ("impact_safety", "significant"),
        ("impact_operations", "severe"),
        ("impact_money", "minor"),
        ("narrative", narrative),
        ("indicators", "185.220.101.4\nupdate-charts.example"),
        ("tlp", "amber"),
    ]
}

/// The JPEG carrying EXIF (with a GPS position), XMP and an author that
/// the attachment tests send.
pub fn photo_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../lookout-attachments/tests/data/photo-with-gps.jpg")
        .canonicalize()
        .expect("the test photo is in the tree")
}

/// [`photo_path`]'s bytes.
pub fn photo_with_gps() -> Vec<u8> {
    std::fs::read(photo_path()).expect("read the test photo")
}

/// Posts the report form as a browser does (multipart): [`report_fields`]
/// for `mode`, then `extra` fields and `files`. Returns status and page.
pub async fn send_report_form(
    server: &impl Site,
    client: &reqwest::Client,
    mode: &str,
    narrative: &str,
    extra: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> (u16, String) {
    let (_, page) = get(client, &server.url("/report")).await;
    let token = csrf(&page);
    let mut form = reqwest::multipart::Form::new();
    for (key, value) in report_fields(mode, narrative)
        .into_iter()
        .chain(extra.iter().copied())
    {
        form = form.text(key.to_string(), value.to_string());
    }
    let form = with_files(form, "attachments", files);
    let (status, _, page) =
        post_multipart(client, &server.url(&format!("/report?csrf={token}")), form).await;
    (status, page)
}
