//! Per-document and per-installation identifiers in Office files as the
//! applications write them: Word, Excel and PowerPoint (Microsoft 365,
//! 2024-2026 builds). The parts below keep the applications' namespaces,
//! element and attribute names, prefixes and layout; only the text and the
//! random values are ours. Each test lists every identifier the file
//! carries and checks that none survives in any part of the cleaned
//! package, nor in the zip itself, and that the package still opens and
//! keeps its text.

mod common;

use common::{zip_entry, zip_names, zip_of};
use lookout_attachments::{Kind, Limits, Outcome, clean, detect};

/// Cleans `input`, which must come out cleaned.
fn cleaned(input: &[u8]) -> (Vec<u8>, Vec<String>) {
    match clean(input, &Limits::default()).unwrap().outcome {
        Outcome::Cleaned { bytes, removed } => (bytes, removed),
        Outcome::AnalystsOnly { reason } => panic!("kept for analysts: {reason}"),
    }
}

/// Fails if any of `ids` is in any part of `zip` or in its raw bytes, if
/// an XML part does not parse, or if `main` lost `text`.
fn assert_gone(zip: &[u8], ids: &[&str], main: &str, text: &str) {
    let raw = String::from_utf8_lossy(zip);
    for name in zip_names(zip) {
        let data = zip_entry(zip, &name).unwrap();
        let part = String::from_utf8_lossy(&data);
        for id in ids {
            assert!(
                !part.to_ascii_lowercase().contains(&id.to_ascii_lowercase()),
                "{id} survives in {name}:\n{part}"
            );
            assert!(!raw.contains(id), "{id} in the zip");
        }
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        if let (true, Err(e)) = (xml, roxmltree::Document::parse(&part)) {
            panic!("{name} no longer parses: {e}\n{part}");
        }
    }
    let main = String::from_utf8(zip_entry(zip, main).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&main).unwrap();
    let all_text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(all_text.contains(text), "text lost: {all_text}");
}

/// Cleaning the cleaned file again changes nothing.
fn assert_stable(once: &[u8]) {
    let (twice, removed) = cleaned(once);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(twice, once);
}

const DOC_TEXT: &str = "Engine room alarm at 0400";

// ---------------------------------------------------------------- Word

const WORD_NAMESPACES: &str = r#"xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:aink="http://schemas.microsoft.com/office/drawing/2016/ink" xmlns:am3d="http://schemas.microsoft.com/office/drawing/2017/model3d" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:oel="http://schemas.microsoft.com/office/2019/extlst" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:w16cex="http://schemas.microsoft.com/office/word/2018/wordml/cex" xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid" xmlns:w16="http://schemas.microsoft.com/office/word/2018/wordml" xmlns:w16du="http://schemas.microsoft.com/office/word/2023/wordml/word16du" xmlns:w16sdtdh="http://schemas.microsoft.com/office/word/2020/wordml/sdtdatahash" xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" mc:Ignorable="w14 w15 w16se w16cid w16 w16cex w16sdtdh w16du wp14""#;

/// What a Word 365 document carries that links it to its other copies,
/// to documents edited in the same sessions, and to its author.
const WORD_IDS: &[&str] = &[
    // w15:docId, w14:docId
    "6F0C2B7E-3A59-4D1B-9C84-2E7A51D0B3F6",
    "3E9A61C2",
    // rsids: root and sessions
    "00A41C7B",
    "00D27F19",
    "0071E3A5",
    // paragraph and text ids
    "5B2E0F4A",
    "2C7D91E3",
    "71AB3F06",
    // drawing ids: wp14:anchorId / editId, a16:creationId
    "4D0A7E21",
    "0E9F3B55",
    "A3F5C7D2-61B8-4E0F-9A2C-7D41E8B06F13",
    // content control id and data hash
    "-1834569090",
    "r7bDQ2x0mZ8kVxW1",
    // numbering durableId, list id and template codes
    "1462371850",
    "1F2A4C5E",
    "6C3D8E21",
    // protection hash and salt
    "lE9uRzq4m2X8vKc0T1s7Qw==",
    "bX2mJ7vQ9kE1sR4tY6uZ8w==",
    // docVars an add-in stored
    "ipetrov",
    // bibliography store item id
    "9C1E4B7A-2D3F-4A58-8E60-B1C2D3E4F507",
    // properties: author, company, dates, MSIP label ids
    "Ivan Petrov",
    "Nordkap Shipping",
    "2026-03-02T14:32:00Z",
    "5b9c2a61-7d0e-4f3a-9e1c-2d8f6a4b0c33",
    "8e0d6b2c-41f7-4a39-b5d2-0c6e9f1a7b48",
];

fn word_365() -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="png" ContentType="image/png"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/webSettings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {WORD_NAMESPACES}><w:body><w:p w14:paraId="5B2E0F4A" w14:textId="2C7D91E3" w:rsidR="00D27F19" w:rsidRDefault="00A41C7B" w:rsidP="0071E3A5"><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r w:rsidRPr="0071E3A5"><w:t>{DOC_TEXT}</w:t></w:r></w:p><w:p w14:paraId="71AB3F06" w14:textId="77777777" w:rsidR="00D27F19" w:rsidRDefault="00D27F19"><w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" wp14:anchorId="4D0A7E21" wp14:editId="0E9F3B55"><wp:extent cx="1905000" cy="1428750"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="1" name="Picture 1"><a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext uri="{{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}}"><a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{{A3F5C7D2-61B8-4E0F-9A2C-7D41E8B06F13}}"/></a:ext></a:extLst></wp:docPr><wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr></wp:inline></w:drawing></w:r></w:p><w:sdt><w:sdtPr><w:id w:val="-1834569090"/><w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder><w15:appearance w15:val="hidden"/></w:sdtPr><w:sdtContent><w:p w14:paraId="0C4E8A12" w14:textId="3F6B2D80" w:rsidR="0071E3A5" w:rsidRDefault="0071E3A5"><w:r><w:t>Master informed</w:t></w:r></w:p></w:sdtContent></w:sdt><w:sectPr w:rsidR="00D27F19" w:rsidSect="00A41C7B"><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>"#
    );
    let settings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:w16cex="http://schemas.microsoft.com/office/word/2018/wordml/cex" xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid" xmlns:w16="http://schemas.microsoft.com/office/word/2018/wordml" xmlns:w16du="http://schemas.microsoft.com/office/word/2023/wordml/word16du" xmlns:w16sdtdh="http://schemas.microsoft.com/office/word/2020/wordml/sdtdatahash" xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" xmlns:sl="http://schemas.openxmlformats.org/schemaLibrary/2006/main" mc:Ignorable="w14 w15 w16se w16cid w16 w16cex w16sdtdh w16du"><w:zoom w:percent="100"/><w:documentProtection w:edit="readOnly" w:enforce="1" w:cryptProviderType="rsaAES" w:cryptAlgorithmClass="hash" w:cryptAlgorithmType="typeAny" w:cryptAlgorithmSid="14" w:cryptSpinCount="100000" w:hash="lE9uRzq4m2X8vKc0T1s7Qw==" w:salt="bX2mJ7vQ9kE1sR4tY6uZ8w=="/><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:docVars><w:docVar w:name="TemplafyUser" w:val="ipetrov"/></w:docVars><w:rsids><w:rsidRoot w:val="00A41C7B"/><w:rsid w:val="00A41C7B"/><w:rsid w:val="0071E3A5"/><w:rsid w:val="00D27F19"/></w:rsids><m:mathPr><m:mathFont m:val="Cambria Math"/></m:mathPr><w:themeFontLang w:val="en-GB"/><w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/><w14:docId w14:val="3E9A61C2"/><w15:chartTrackingRefBased/><w15:docId w15:val="{6F0C2B7E-3A59-4D1B-9C84-2E7A51D0B3F6}"/></w:settings>"#;
    let styles = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" mc:Ignorable="w14 w15"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="Heading1Char"/><w:uiPriority w:val="9"/><w:qFormat/><w:rsid w:val="0071E3A5"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>"#;
    let numbering = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid" mc:Ignorable="w14 w16cid"><w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w:nsid w:val="1F2A4C5E"/><w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="6C3D8E21"/><w:lvl w:ilvl="0" w:tplc="6C3D8E21"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum><w:num w:numId="1" w16cid:durableId="1462371850"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
    let web_settings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:webSettings xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:optimizeForBrowser/><w:allowPNG/></w:webSettings>"#;
    let bibliography = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" xmlns="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" SelectedStyle="\APASixthEditionOfficeOnline.xsl" StyleName="APA" Version="6"></b:Sources>"#;
    let item_props = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<ds:datastoreItem ds:itemID="{9C1E4B7A-2D3F-4A58-8E60-B1C2D3E4F507}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs><ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/></ds:schemaRefs></ds:datastoreItem>"#;
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title></dc:title><dc:subject></dc:subject><dc:creator>Ivan Petrov</dc:creator><cp:keywords></cp:keywords><dc:description></dc:description><cp:lastModifiedBy>Ivan Petrov</cp:lastModifiedBy><cp:revision>4</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:modified></cp:coreProperties>"#;
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>Normal.dotm</Template><TotalTime>17</TotalTime><Pages>1</Pages><Words>8</Words><Characters>46</Characters><Application>Microsoft Office Word</Application><DocSecurity>8</DocSecurity><Lines>1</Lines><Paragraphs>1</Paragraphs><ScaleCrop>false</ScaleCrop><Company>Nordkap Shipping</Company><LinksUpToDate>false</LinksUpToDate><CharactersWithSpaces>53</CharactersWithSpaces><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"#;
    let custom = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="MSIP_Label_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0_Enabled"><vt:lpwstr>true</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="MSIP_Label_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0_SiteId"><vt:lpwstr>5b9c2a61-7d0e-4f3a-9e1c-2d8f6a4b0c33</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="MSIP_Label_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0_ActionId"><vt:lpwstr>8e0d6b2c-41f7-4a39-b5d2-0c6e9f1a7b48</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="5" name="MSIP_Label_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0_SetDate"><vt:lpwstr>2026-03-02T14:32:00Z</vt:lpwstr></property></Properties>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/settings.xml", settings.as_bytes()),
        ("word/webSettings.xml", web_settings.as_bytes()),
        ("customXml/item1.xml", bibliography.as_bytes()),
        ("customXml/itemProps1.xml", item_props.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", app.as_bytes()),
        ("docProps/custom.xml", custom.as_bytes()),
    ])
}

#[test]
fn word_365_document_loses_its_document_and_session_ids() {
    let input = word_365();
    assert_eq!(detect(&input).kind, Kind::Docx);
    let (out, removed) = cleaned(&input);
    assert_gone(&out, WORD_IDS, "word/document.xml", DOC_TEXT);
    assert_eq!(zip_names(&out), zip_names(&input));
    assert!(
        removed
            .iter()
            .any(|r| r.contains("docId") && r.contains("rsid")),
        "{removed:?}"
    );
    assert!(
        removed.iter().any(|r| r.contains("custom XML store ids")),
        "{removed:?}"
    );

    // Valid as Word wants it: the settings keep their order and the
    // protection its settings, only without the password's hash.
    let settings = String::from_utf8(zip_entry(&out, "word/settings.xml").unwrap()).unwrap();
    assert!(settings.contains(r#"<w:documentProtection w:edit="readOnly" w:enforce="1""#));
    assert!(
        settings
            .contains(r#"<w:listSeparator w:val=","/><w15:chartTrackingRefBased/></w:settings>"#)
    );
    // Ids Word requires are there, renumbered within the package.
    let document = String::from_utf8(zip_entry(&out, "word/document.xml").unwrap()).unwrap();
    assert!(document.contains(r#"<w:id w:val=""#));
    assert!(document.contains(r#"<a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{00000000-0000-0000-0000-"#));
    assert!(document.contains(r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>"#));
    assert_stable(&out);
}

/// Two documents written by the same person in the same Word session
/// share rsids; with the same template, also styles' rsids. After
/// cleaning, nothing in one is in the other but the text and Word's own
/// constants.
#[test]
fn two_cleaned_documents_from_one_session_share_no_ids() {
    let first = word_365();
    let second = {
        let text = String::from_utf8(zip_entry(&first, "word/document.xml").unwrap())
            .unwrap()
            .replace(DOC_TEXT, "Steering gear failure");
        let mut parts: Vec<(String, Vec<u8>)> = zip_names(&first)
            .into_iter()
            .map(|n| {
                let data = zip_entry(&first, &n).unwrap();
                (n, data)
            })
            .collect();
        for (name, data) in &mut parts {
            if name == "word/document.xml" {
                *data = text.clone().into_bytes();
            }
        }
        let refs: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        zip_of(&refs)
    };
    let (a, _) = cleaned(&first);
    let (b, _) = cleaned(&second);
    assert_gone(&b, WORD_IDS, "word/document.xml", "Steering gear failure");
    // Everything but the text is the same (the same bytes as any other
    // document with the same content), so nothing links the two.
    assert_eq!(
        zip_entry(&a, "word/settings.xml"),
        zip_entry(&b, "word/settings.xml")
    );
}

// ---------------------------------------------------------------- Excel

const EXCEL_IDS: &[&str] = &[
    // xr:revisionPtr documentId and uidLastSave
    "13_ncr:1_{93EF201C-7856-4B60-94D4-65DDB8F3F16A}",
    "93EF201C-7856-4B60-94D4-65DDB8F3F16A",
    "8F7E8052-F85D-4D9A-BADB-74584354E242",
    // workbookView, worksheet, table, column xr:uid
    "DB915CB9-8DD9-492A-A471-C61E61200113",
    "C2A8E4F1-5B3D-4E76-9F10-2A4B6C8D0E1F",
    "E5F70B12-9C4D-4A3E-8B6F-1D2C3E4F5A6B",
    "7A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9",
    // saved-from folder
    r"C:\Users\ivan.petrov",
    // window position
    "xWindow=\"28680\"",
    "windowWidth=\"29040\"",
    // Excel build
    "rupBuild=\"28429\"",
    // a16:creationId on a picture
    "0B1C2D3E-4F50-4617-A283-94B5C6D7E8F9",
    // sheet protection hash and salt
    "q3Lx0bT9uWm2Zr8Kd5Hf1A==",
    "Yv6Pn2Jc8Rk4Ts0Qm7Lx3g==",
    // properties
    "Ivan Petrov",
    "Nordkap Shipping",
    "2026-03-02T14:32:00Z",
];

fn excel_365() -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/><Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="28429"/><workbookPr defaultThemeVersion="202300"/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\ivan.petrov\OneDrive - Nordkap Shipping\Incidents\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><xr:revisionPtr revIDLastSave="12" documentId="13_ncr:1_{93EF201C-7856-4B60-94D4-65DDB8F3F16A}" xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{8F7E8052-F85D-4D9A-BADB-74584354E242}"/><bookViews><workbookView xWindow="28680" yWindow="-120" windowWidth="29040" windowHeight="15720" xr2:uid="{DB915CB9-8DD9-492A-A471-C61E61200113}"/></bookViews><sheets><sheet name="AIS gaps" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/><extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:workbookPr chartTrackingRefBase="1"/></ext><ext uri="{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}" xmlns:xcalcf="http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures"><xcalcf:calcFeatures><xcalcf:feature name="microsoft.com:RD"/><xcalcf:feature name="microsoft.com:Single"/></xcalcf:calcFeatures></ext></extLst></workbook>"#;
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" xr:uid="{C2A8E4F1-5B3D-4E76-9F10-2A4B6C8D0E1F}"><dimension ref="A1:B2"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="14.5" x14ac:dyDescent="0.35"/><sheetData><row r="1" spans="1:2" x14ac:dyDescent="0.35"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2" spans="1:2" x14ac:dyDescent="0.35"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>45</v></c></row></sheetData><sheetProtection algorithmName="SHA-512" hashValue="q3Lx0bT9uWm2Zr8Kd5Hf1A==" saltValue="Yv6Pn2Jc8Rk4Ts0Qm7Lx3g==" spinCount="100000" sheet="1" objects="1" scenarios="1"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><drawing r:id="rId1"/><tableParts count="1"><tablePart r:id="rId2"/></tableParts></worksheet>"#;
    let table = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr xr3" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" id="1" xr:uid="{E5F70B12-9C4D-4A3E-8B6F-1D2C3E4F5A6B}" name="Gaps" displayName="Gaps" ref="A1:B2"><autoFilter ref="A1:B2" xr:uid="{7A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}"/><tableColumns count="2"><tableColumn id="1" xr3:uid="{11D2E3F4-A5B6-4C7D-8E9F-0A1B2C3D4E5F}" name="Window"/><tableColumn id="2" xr3:uid="{22E3F405-B6C7-4D8E-9FA0-1B2C3D4E5F60}" name="Minutes"/></tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>"#;
    let drawing = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"><a:extLst><a:ext uri="{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}"><a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{0B1C2D3E-4F50-4617-A283-94B5C6D7E8F9}"/></a:ext></a:extLst></xdr:cNvPr><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"#;
    let strings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>Window</t></si><si><t>Minutes</t></si><si><t>AIS gap 02:10-02:55</t></si></sst>"#;
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Ivan Petrov</dc:creator><cp:lastModifiedBy>Ivan Petrov</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:modified></cp:coreProperties>"#;
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company>Nordkap Shipping</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/tables/table1.xml", table.as_bytes()),
        ("xl/drawings/drawing1.xml", drawing.as_bytes()),
        ("xl/sharedStrings.xml", strings.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", app.as_bytes()),
    ])
}

#[test]
fn excel_365_workbook_loses_its_document_save_and_object_ids() {
    let input = excel_365();
    assert_eq!(detect(&input).kind, Kind::Xlsx);
    let (out, removed) = cleaned(&input);
    let mut ids = EXCEL_IDS.to_vec();
    ids.extend([
        "11D2E3F4-A5B6-4C7D-8E9F-0A1B2C3D4E5F",
        "22E3F405-B6C7-4D8E-9FA0-1B2C3D4E5F60",
    ]);
    assert_gone(&out, &ids, "xl/sharedStrings.xml", "AIS gap 02:10-02:55");
    assert!(
        removed.iter().any(|r| r.contains("documentId")),
        "{removed:?}"
    );
    let workbook = String::from_utf8(zip_entry(&out, "xl/workbook.xml").unwrap()).unwrap();
    assert!(
        workbook
            .contains(r#"<fileVersion appName="xl"/><workbookPr defaultThemeVersion="202300"/>"#),
        "{workbook}"
    );
    assert!(workbook.contains(r#"<bookViews><workbookView/></bookViews><sheets><sheet name="AIS gaps" sheetId="1" r:id="rId1"/></sheets>"#), "{workbook}");
    let sheet = String::from_utf8(zip_entry(&out, "xl/worksheets/sheet1.xml").unwrap()).unwrap();
    assert!(sheet.contains(r#"<sheetProtection algorithmName="SHA-512" spinCount="100000" sheet="1" objects="1" scenarios="1"/>"#), "{sheet}");
    assert_stable(&out);
}

// ----------------------------------------------------------- PowerPoint

const POWERPOINT_IDS: &[&str] = &[
    // revisionInfo.xml: the editing client's GUID and the save time
    "7E3D9A14-2B6C-4F80-9D15-C3A2B1E0F4D7",
    "2026-03-02T14:31:58.412",
    // changesInfos: names, account ids, the client
    "ivan.petrov@nordkap.example",
    "S::ivan.petrov@nordkap.example::4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b",
    // slide creationId, shape modId, section id, shape creationIds
    "3005012355",
    "1579011935",
    "2D7C5E1A-3F4B-4A69-8E2D-1C0B9A8F7E6D",
    "C1D2E3F4-0A1B-4C2D-9E3F-4A5B6C7D8E9F",
    "D4E5F607-1B2C-4D3E-8F40-5A6B7C8D9E0F",
    // add-in tag
    "NKS-INC-2026-0113",
    // properties
    "Ivan Petrov",
    "Nordkap Shipping",
    "2026-03-02T14:32:00Z",
];

fn powerpoint_365() -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/><Override PartName="/ppt/tags/tag1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.tags+xml"/><Override PartName="/ppt/revisionInfo.xml" ContentType="application/vnd.ms-powerpoint.revisioninfo+xml"/><Override PartName="/ppt/changesInfos/changesInfo1.xml" ContentType="application/vnd.ms-powerpoint.changesinfo+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;
    let presentation = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/><p:extLst><p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"><p14:sectionLst xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main"><p14:section name="Default Section" id="{2D7C5E1A-3F4B-4A69-8E2D-1C0B9A8F7E6D}"><p14:sldIdLst><p14:sldId id="256"/></p14:sldIdLst></p14:section></p14:sectionLst></p:ext><p:ext uri="{EFAFB233-063F-42B5-8137-9DF3F51BA10A}"><p15:sldGuideLst xmlns:p15="http://schemas.microsoft.com/office/powerpoint/2012/main"/></p:ext></p:extLst></p:presentation>"#;
    let presentation_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId7" Type="http://schemas.microsoft.com/office/2015/10/relationships/revisionInfo" Target="revisionInfo.xml"/><Relationship Id="rId8" Type="http://schemas.microsoft.com/office/2016/11/relationships/changesInfo" Target="changesInfos/changesInfo1.xml"/></Relationships>"#;
    let slide = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr><p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"><a:extLst><a:ext uri="{{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}}"><a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{{C1D2E3F4-0A1B-4C2D-9E3F-4A5B6C7D8E9F}}"/></a:ext></a:extLst></p:cNvPr><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>{DOC_TEXT}</a:t></a:r><a:endParaRPr lang="en-GB" dirty="0"/></a:p></p:txBody></p:sp><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Table 3"><a:extLst><a:ext uri="{{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}}"><a16:creationId xmlns:a16="http://schemas.microsoft.com/office/drawing/2014/main" id="{{D4E5F607-1B2C-4D3E-8F40-5A6B7C8D9E0F}}"/></a:ext></a:extLst></p:cNvPr><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr><p:extLst><p:ext uri="{{D42A27DB-BD31-4B8C-83A1-F6EECF244321}}"><p14:modId xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" val="1579011935"/></p:ext></p:extLst></p:nvPr></p:nvGraphicFramePr><p:xfrm><a:off x="838200" y="1825625"/><a:ext cx="10515600" cy="741680"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid><a:gridCol w="10515600"/></a:tblGrid><a:tr h="370840"><a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-GB"/><a:t>0400 alarm</a:t></a:r></a:p></a:txBody><a:tcPr/></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree><p:custDataLst><p:tags r:id="rId2"/></p:custDataLst><p:extLst><p:ext uri="{{BB962C8B-B14F-4D97-AF65-F5344CB8AC3E}}"><p14:creationId xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" val="3005012355"/></p:ext></p:extLst></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
    );
    let tag = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:tagLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:tag name="NKS_DOCUMENT_NUMBER" val="NKS-INC-2026-0113"/><p:tag name="NKS_AUTHOR" val="Ivan Petrov"/></p:tagLst>"#;
    let revision_info = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p1510:revInfo xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:p1510="http://schemas.microsoft.com/office/powerpoint/2015/10/main"><p1510:revLst><p1510:client id="{7E3D9A14-2B6C-4F80-9D15-C3A2B1E0F4D7}" v="2" dt="2026-03-02T14:31:58.412"/></p1510:revLst></p1510:revInfo>"#;
    let changes = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pc:chgInfo xmlns:pc="http://schemas.microsoft.com/office/powerpoint/2013/main/command" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><pc:docChgLst><pc:chgData name="Ivan Petrov" userId="S::ivan.petrov@nordkap.example::4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b" providerId="AD" clId="Web-{7E3D9A14-2B6C-4F80-9D15-C3A2B1E0F4D7}" dt="2026-03-02T14:31:58.412"/><pc:docChg chg="modSld"><pc:chgData name="Ivan Petrov" userId="S::ivan.petrov@nordkap.example::4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b" providerId="AD" clId="Web-{7E3D9A14-2B6C-4F80-9D15-C3A2B1E0F4D7}" dt="2026-03-02T14:31:58.412"/><pc:docMkLst><pc:docMk/></pc:docMkLst><pc:sldChg chg="modSp"><pc:chgData name="Ivan Petrov" userId="ivan.petrov@nordkap.example" providerId="AD" clId="Web-{7E3D9A14-2B6C-4F80-9D15-C3A2B1E0F4D7}" dt="2026-03-02T14:31:58.412"/><pc:sldMkLst><pc:docMk/><pc:sldMk cId="3005012355" sldId="256"/></pc:sldMkLst></pc:sldChg></pc:docChg></pc:docChgLst></pc:chgInfo>"#;
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>PowerPoint Presentation</dc:title><dc:creator>Ivan Petrov</dc:creator><cp:lastModifiedBy>Ivan Petrov</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-02T14:32:00Z</dcterms:modified></cp:coreProperties>"#;
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><TotalTime>9</TotalTime><Words>4</Words><Application>Microsoft Office PowerPoint</Application><PresentationFormat>Widescreen</PresentationFormat><Paragraphs>2</Paragraphs><Slides>1</Slides><Company>Nordkap Shipping</Company><AppVersion>16.0000</AppVersion></Properties>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("ppt/presentation.xml", presentation.as_bytes()),
        (
            "ppt/_rels/presentation.xml.rels",
            presentation_rels.as_bytes(),
        ),
        ("ppt/slides/slide1.xml", slide.as_bytes()),
        ("ppt/tags/tag1.xml", tag.as_bytes()),
        ("ppt/revisionInfo.xml", revision_info.as_bytes()),
        ("ppt/changesInfos/changesInfo1.xml", changes.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", app.as_bytes()),
    ])
}

#[test]
fn powerpoint_365_presentation_loses_its_client_ids_save_times_and_history() {
    let input = powerpoint_365();
    assert_eq!(detect(&input).kind, Kind::Pptx);
    let (out, removed) = cleaned(&input);
    assert_gone(&out, POWERPOINT_IDS, "ppt/slides/slide1.xml", DOC_TEXT);
    assert!(
        removed.iter().any(|r| r.contains("revisionInfo")),
        "{removed:?}"
    );
    assert!(
        removed.iter().any(|r| r.contains("changesInfos")),
        "{removed:?}"
    );
    // The parts PowerPoint's relationships name are all still there,
    // valid and empty where they held only history.
    assert_eq!(zip_names(&out), zip_names(&input));
    let revision = String::from_utf8(zip_entry(&out, "ppt/revisionInfo.xml").unwrap()).unwrap();
    assert!(revision.ends_with("<p1510:revInfo xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" xmlns:p1510=\"http://schemas.microsoft.com/office/powerpoint/2015/10/main\"></p1510:revInfo>"), "{revision}");
    let tags = String::from_utf8(zip_entry(&out, "ppt/tags/tag1.xml").unwrap()).unwrap();
    assert!(tags.ends_with("\"></p:tagLst>"), "{tags}");
    // Slide ids PowerPoint requires are present and distinct.
    let slide = String::from_utf8(zip_entry(&out, "ppt/slides/slide1.xml").unwrap()).unwrap();
    assert!(slide.contains(r#"<p14:creationId xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" val=""#));
    assert!(slide.contains("0400 alarm"));
    assert_stable(&out);
}

// ---------------------------------------------------------- OpenDocument

/// LibreOffice files carry the same kind of ids (`officeooo:rsid` on every
/// style, `Rsid`/`RsidRoot` and the printer in settings.xml, the editor,
/// dates and editing time in meta.xml). They are not cleaned, so they must
/// never reach members: kept for analysts. A guard for what the crate
/// documentation promises, not a regression test.
#[test]
fn opendocument_files_are_kept_for_analysts() {
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    let meta = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta><meta:initial-creator>Ivan Petrov</meta:initial-creator><meta:creation-date>2026-03-02T14:32:00.123000000</meta:creation-date><dc:creator>Ivan Petrov</dc:creator><meta:editing-cycles>3</meta:editing-cycles><meta:editing-duration>PT17M</meta:editing-duration><meta:generator>LibreOffice/24.2.1.2$Windows_X86_64 LibreOffice_project/db4def46b0453cc22e2d0305797cf981b68ef5ac</meta:generator></office:meta></office:document-meta>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:officeooo="http://openoffice.org/2009/office" office:version="1.3"><office:automatic-styles><style:style style:name="P1" style:family="paragraph"><style:text-properties officeooo:rsid="0012a4f3" officeooo:paragraph-rsid="0012a4f3"/></style:style></office:automatic-styles><office:body><office:text><text:p text:style-name="P1">{DOC_TEXT}</text:p></office:text></office:body></office:document-content>"#
    );
    for mimetype in [
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ] {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).unwrap();
        z.write_all(mimetype.as_bytes()).unwrap();
        for (name, data) in [("content.xml", content.as_str()), ("meta.xml", meta)] {
            z.start_file(name, SimpleFileOptions::default()).unwrap();
            z.write_all(data.as_bytes()).unwrap();
        }
        let odf = z.finish().unwrap().into_inner();
        let outcome = clean(&odf, &Limits::default()).unwrap().outcome;
        assert!(
            matches!(outcome, Outcome::AnalystsOnly { .. }),
            "{mimetype}: {outcome:?}"
        );
    }
}

/// Excel's data connections name the sender's servers, shares and users
/// in their connection strings: such a workbook stays with the analysts.
#[test]
fn excel_data_connections_keep_a_workbook_for_analysts() {
    let base = excel_365();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&base[..])).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        parts.push((entry.name().unwrap().to_string(), bytes));
    }
    let connections = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="Voyage DB" type="1" refreshedVersion="8" background="1" saveData="1"><dbPr connection="DRIVER=SQL Server;SERVER=NKS-OPS-SQL01;UID=ivan.petrov;APP=Microsoft Office;WSID=NKS-LT-0231;DATABASE=Voyages" command="SELECT * FROM gaps"/></connection></connections>"#;
    parts.push(("xl/connections.xml".into(), connections.to_vec()));
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    let input = zip_of(&refs);
    match clean(&input, &Limits::default()).unwrap().outcome {
        Outcome::AnalystsOnly { reason } => assert!(reason.contains("links"), "{reason}"),
        Outcome::Cleaned { .. } => panic!("a workbook naming NKS-OPS-SQL01 reached members"),
    }
}
