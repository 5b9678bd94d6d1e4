//! PDFs with the traits of malicious ones (scripts run on opening, a
//! program launched, a file embedded), doing nothing harmful. Written byte
//! by byte with a correct cross-reference table, as a reader expects.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// A one-page PDF whose `/OpenAction` runs `app.alert('harmless test')`.
pub fn pdf_with_javascript() -> Vec<u8> {
    build(&[
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec(),
        b"<< /Type /Action /S /JavaScript /JS (app.alert('harmless test');) >>".to_vec(),
    ])
}

/// A one-page PDF that, on opening, asks the reader to run `cmd.exe`
/// (`/OpenAction` → `/Launch`), carries `inner` as the embedded file
/// `payload.bin` (compressed), runs a compressed JavaScript stream that
/// would export it when the page opens (page `/AA /O`), and links to a
/// harmless URI.
pub fn pdf_with_launch_and_embedded(inner: &[u8]) -> Vec<u8> {
    let script = b"this.exportDataObject({ cName: 'payload.bin', nLaunch: 0 });";
    build(&[
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R \
           /Names << /EmbeddedFiles << /Names [(payload.bin) 5 0 R] >> >> >>"
            .to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /AA << /O 7 0 R >> /Annots [8 0 R] >>".to_vec(),
        b"<< /Type /Action /S /Launch /Win << /F (cmd.exe) /P (/c echo harmless test) >> >>".to_vec(),
        b"<< /Type /Filespec /F (payload.bin) /UF (payload.bin) /EF << /F 6 0 R >> >>".to_vec(),
        stream(&format!("/Type /EmbeddedFile /Params << /Size {} >>", inner.len()), inner),
        b"<< /Type /Action /S /JavaScript /JS 9 0 R >>".to_vec(),
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] \
           /A << /S /URI /URI (https://example.com/harmless-test) >> >>"
            .to_vec(),
        stream("", script),
    ])
}

/// An object body holding `content` deflated, with `dict` entries.
fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(content).expect("writing to memory");
    let packed = encoder.finish().expect("writing to memory");
    let mut body = format!(
        "<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n",
        packed.len()
    )
    .into_bytes();
    body.extend_from_slice(&packed);
    body.extend_from_slice(b"\nendstream");
    body
}

/// A PDF of `objects` (numbered from 1, the first being the catalog), with
/// its cross-reference table and trailer.
fn build(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
