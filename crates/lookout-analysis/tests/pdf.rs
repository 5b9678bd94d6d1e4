//! PDF structure through the public API: scripts, actions, launch targets,
//! embedded files, and what is still found in broken or obfuscated files.

use lookout_analysis::{Analysis, Limits, Pdf, analyze, samples};

fn run(bytes: &[u8]) -> Analysis {
    analyze(bytes, None, &Limits::default())
}

fn pdf_of(analysis: &Analysis) -> &Pdf {
    analysis.pdf.as_ref().expect("a PDF result")
}

fn has_pdf_problem(analysis: &Analysis) -> bool {
    analysis
        .problems
        .iter()
        .any(|problem| problem.part == "pdf")
}

#[test]
fn javascript_run_on_opening_is_found_and_described() {
    let analysis = run(&samples::pdf_with_javascript());
    let pdf = pdf_of(&analysis);
    assert_eq!(pdf.version.as_deref(), Some("1.7"));
    assert_eq!(pdf.pages, Some(1));
    assert!(!pdf.encrypted);
    assert_eq!(pdf.javascript, ["app.alert('harmless test');"]);
    assert_eq!(pdf.keywords.get("/JavaScript"), Some(&1));
    assert_eq!(pdf.keywords.get("/JS"), Some(&1));
    assert_eq!(pdf.keywords.get("/OpenAction"), Some(&1));
    assert_eq!(pdf.keywords.get("/Page"), Some(&1));
    // Zero counts are left out, and /Pages is not /Page.
    assert_eq!(pdf.keywords.get("/Launch"), None);
    assert_eq!(pdf.auto_actions, ["OpenAction runs JavaScript"]);
    assert!(!has_pdf_problem(&analysis), "{:?}", analysis.problems);
}

#[test]
fn launch_uri_stream_script_and_embedded_file() {
    let inner = b"MZ harmless embedded test payload, not a program".repeat(20);
    let analysis = run(&samples::pdf_with_launch_and_embedded(&inner));
    let pdf = pdf_of(&analysis);
    assert_eq!(pdf.launch, ["cmd.exe /c echo harmless test"]);
    assert_eq!(pdf.uris, ["https://example.com/harmless-test"]);
    assert!(
        pdf.auto_actions
            .contains(&"OpenAction runs Launch".to_owned()),
        "{:?}",
        pdf.auto_actions
    );
    assert!(
        pdf.auto_actions
            .contains(&"page AA /O runs JavaScript".to_owned()),
        "{:?}",
        pdf.auto_actions
    );
    // The script is a deflated stream.
    assert_eq!(
        pdf.javascript,
        ["this.exportDataObject({ cName: 'payload.bin', nLaunch: 0 });"]
    );
    assert_eq!(pdf.embedded_files.len(), 1);
    let file = &pdf.embedded_files[0];
    assert_eq!(file.path, "payload.bin");
    assert_eq!(file.declared_size, Some(inner.len() as u64));
    assert_eq!(file.skipped, None);
    let member = file.analysis.as_ref().expect("the embedded file analysed");
    assert_eq!(member.hashes.sha256, run(&inner).hashes.sha256);
    assert_eq!(member.size, inner.len() as u64);
}

#[test]
fn truncated_pdf_still_gives_keywords_and_script() {
    let whole = samples::pdf_with_javascript();
    // Cut before the cross-reference table: the objects are all there.
    let xref = whole
        .windows(4)
        .rposition(|window| window == b"xref")
        .expect("an xref table");
    let analysis = run(&whole[..xref]);
    let pdf = pdf_of(&analysis);
    assert_eq!(pdf.keywords.get("/JavaScript"), Some(&1));
    assert_eq!(pdf.javascript, ["app.alert('harmless test');"]);
    assert!(has_pdf_problem(&analysis), "{:?}", analysis.problems);

    // Cut inside the script object: no parser reads this, the raw scan does.
    let broken = b"%PDF-1.4\n1 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\); var s = \"(x)\";) >>\n";
    let analysis = run(broken);
    let pdf = pdf_of(&analysis);
    assert_eq!(pdf.keywords.get("/JS"), Some(&1));
    assert_eq!(pdf.javascript, ["app.alert(1); var s = \"(x)\";"]);
    assert!(has_pdf_problem(&analysis), "{:?}", analysis.problems);
}

#[test]
fn raw_scan_follows_references_to_streams() {
    let broken = b"%PDF-1.4\n4 0 obj\n<< /S /JavaScript /JS 5 0 R >>\nendobj\n\
        5 0 obj\n<< /Length 20 >>\nstream\nthis.print({bUI:0});\nendstream\nendobj\n";
    let analysis = run(broken);
    assert_eq!(pdf_of(&analysis).javascript, ["this.print({bUI:0});"]);
}

#[test]
fn obfuscated_names_are_counted_and_whole_names_only() {
    let text = b"%PDF-1.4\n1 0 obj\n<< /S /J#61vaScript /J#53 <6170702e616c657274283129> /JSFoo 1 /OpenAction#20 >>\nendobj\n";
    let analysis = run(text);
    let pdf = pdf_of(&analysis);
    assert_eq!(pdf.keywords.get("/JavaScript"), Some(&1));
    assert_eq!(pdf.keywords.get("/JS"), Some(&1), "/JSFoo is not /JS");
    // `#20` decodes to a space inside the name: that name is not /OpenAction.
    assert_eq!(pdf.keywords.get("/OpenAction"), None);
    assert_eq!(pdf.javascript, ["app.alert(1)"]);
}

#[test]
fn form_submission_target_is_listed_with_links() {
    let text = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n\
        2 0 obj\n<< /S /SubmitForm /F << /FS /URL /F (https://example.com/collect) >> >>\nendobj\n\
        trailer\n<< /Root 1 0 R >>\n%%EOF\n";
    let pdf = run(text).pdf.expect("a PDF result");
    assert_eq!(pdf.uris, ["https://example.com/collect"]);
    assert_eq!(pdf.auto_actions, ["OpenAction runs SubmitForm"]);
}

#[test]
fn encrypted_pdf_is_reported() {
    let text = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>\nendobj\n\
        trailer\n<< /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n";
    let pdf = run(text).pdf.expect("a PDF result");
    assert!(pdf.encrypted);
    assert_eq!(pdf.keywords.get("/Encrypt"), Some(&1));
}

#[test]
fn hostile_pdfs_do_not_panic_or_hang() {
    let deep = [
        b"%PDF-1.4\n1 0 obj\n".as_slice(),
        &b"[".repeat(100_000),
        &b"<<".repeat(50_000),
    ]
    .concat();
    let looped =
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n\
        2 0 obj\n<< /Type /Pages /Kids [2 0 R 1 0 R] /Count 99999999 >>\nendobj\n\
        3 0 obj\n<< /S /JavaScript /JS 3 0 R /Next 3 0 R >>\nendobj\n\
        trailer\n<< /Root 1 0 R /Size 999999999 >>\n";
    let huge_length = b"%PDF-1.4\n1 0 obj\n<< /Length 99999999999 /Filter /FlateDecode >>\nstream\nxx\nendstream\nendobj\n\
        2 0 obj\n<< /Type /ObjStm /N 999999999 /First 999999999 /Length 2 >>\nstream\nxx\nendstream\nendobj\n\
        xref\n0 99999999\ntrailer\n<< /Size 99999999 /Root 1 0 R >>\nstartxref\n9999999999\n%%EOF";
    let unterminated = b"%PDF-1.7\n/JS (((((((((\\";
    for input in [
        deep.as_slice(),
        looped,
        huge_length,
        unterminated,
        b"%PDF-",
        b"%PDF-1.4\n/JS 1 0 R",
    ] {
        let analysis = run(input);
        assert!(analysis.pdf.is_some());
    }
}

#[test]
fn flate_bomb_embedded_in_a_pdf_is_refused() {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 8 * 1024 * 1024]).unwrap();
    let packed = encoder.finish().unwrap();
    let mut pdf = format!(
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(zeros.bin) 2 0 R] >> >> >>\nendobj\n\
         2 0 obj\n<< /Type /Filespec /F (zeros.bin) /EF << /F 3 0 R >> >>\nendobj\n\
         3 0 obj\n<< /Type /EmbeddedFile /Filter /FlateDecode /Length {} >>\nstream\n",
        packed.len()
    )
    .into_bytes();
    pdf.extend_from_slice(&packed);
    pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let analysis = run(&pdf);
    let files = &pdf_of(&analysis).embedded_files;
    assert_eq!(files.len(), 1);
    assert!(files[0].analysis.is_none());
    assert!(
        files[0]
            .skipped
            .as_deref()
            .is_some_and(|why| why.contains("bomb")),
        "{:?}",
        files[0].skipped
    );
}
