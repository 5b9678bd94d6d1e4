//! # lookout-attachments: cleaning report attachments
//!
//! A reporter's attachment can say more than the reporter meant: where a
//! photo was taken, whose computer wrote a document, the company's name in
//! its properties. Members see an attachment only once this crate has
//! removed that; what it cannot clean is kept sealed for the analysts, and
//! the reporter is told so in a sentence they can act on.
//!
//! ```
//! use lookout_attachments::{Kind, Limits, Outcome, clean};
//!
//! let notes = b"2026-03-02 14:32 UTC ECDIS rebooted twice\n";
//! let cleaned = clean(notes, &Limits::default())?;
//! assert_eq!(cleaned.detected.kind, Kind::Text);
//! assert!(matches!(cleaned.outcome, Outcome::AnalystsOnly { .. }));
//!
//! let program = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
//! let refused = clean(program, &Limits::default()).unwrap_err();
//! assert!(refused.to_string().contains("\"infected\""));
//! # Ok::<(), lookout_attachments::AttachmentError>(())
//! ```
//!
//! ## The type comes from the content
//!
//! [`detect`] looks at the bytes only (there is no file name in the API):
//! magic numbers through the `file-format` crate, a look inside zip archives
//! for Office documents (`[Content_Types].xml` and a `word/`, `xl/` or
//! `ppt/` folder), light sniffing of text for HTML and SVG. A program renamed
//! `report.pdf` is a program.
//!
//! ## Policy
//!
//! | kind | outcome | what is removed / why |
//! |---|---|---|
//! | JPEG | [`Outcome::Cleaned`] | every APPn segment but JFIF (its thumbnail dropped) and Adobe's 12-byte colour transform: EXIF (with GPS), XMP, ICC profile, IPTC/Photoshop, MPF extra images; comments; the same between progressive scans; anything after the end-of-image marker. Scan data copied byte for byte. |
//! | PNG | [`Outcome::Cleaned`] | every chunk but IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs, hIST, cICP, mDCv, cLLi and the APNG animation chunks: so tEXt/zTXt/iTXt, eXIf, tIME, iCCP and private chunks go; anything after IEND. |
//! | WebP | [`Outcome::Cleaned`] | EXIF, XMP, ICCP and unknown chunks; the VP8X metadata flags are cleared. |
//! | PDF | [`Outcome::Cleaned`] | trailer `/Info` and `/ID`; `/Metadata` (XMP) everywhere; JPEG pictures (`/DCTDecode` streams) cleaned as above, and a JPEG behind other filters keeps the file for analysts; JavaScript (name tree, `/JS`, actions, `javascript:` links); `/OpenAction` actions and `/AA`; launch, remote/embedded go-to, import, submit and media actions; embedded files (`/EmbeddedFiles`, `/EF`, file-attachment annotations, portfolios); rich-media, 3D, screen, sound and movie annotations; `/AcroForm /XFA`; `/PieceInfo`, `/LastModified`; comment authors and dates; article thread info; digital signatures; private trailer keys. Saved as a full rewrite, so earlier revisions go too. Encrypted PDFs: analysts only. |
//! | Word, Excel, PowerPoint (OOXML) | [`Outcome::Cleaned`] | `docProps/core.xml` (author, last editor, dates, title ...), `docProps/app.xml` (company, manager, template ...) and `docProps/custom.xml` (sensitivity labels with tenant ids) replaced by empty valid parts; pictures inside cleaned as above; Excel's saved-from folder (`absPath`); the ids the applications stamp into a document (see below); zip comments, dates and extra fields. Every other part keeps its content. |
//! | OOXML with macros, comments or tracked changes, embedded objects, links to local files (such as a template path) or data connections (Excel connection strings name servers and users), SharePoint-style properties, or pictures that cannot be cleaned | [`Outcome::AnalystsOnly`] | these carry names and paths that only understanding the document could remove; the reason says what to do (save as PDF, accept changes ...) |
//! | OOXML over [`Limits::max_ooxml_entries`] or [`Limits::max_ooxml_uncompressed`], with a relationships, properties or workbook part over 4 MiB, or with a picture that unpacks to more than [`Limits::max_bytes`] or to four times what it takes in the package (plus 1 MiB) | [`Outcome::AnalystsOnly`] | too much to check, or padding there to be held in memory |
//! | HEIC/HEIF, AVIF, TIFF and camera raw, JPEG XL, JPEG 2000 | [`AttachmentError::Refused`] | cannot be cleaned without re-encoding: the reporter is asked for a screenshot as PNG or JPEG |
//! | programs: Windows PE/DOS, ELF, Mach-O, Java class, DEX, WebAssembly, Windows shortcuts | [`AttachmentError::Refused`] | the reporter is asked to send it in a zip protected with the password "infected" |
//! | empty file | [`AttachmentError::Empty`] | |
//! | over [`Limits::max_bytes`] | [`AttachmentError::TooLarge`] | |
//! | HTML, SVG | [`Outcome::AnalystsOnly`] | can carry scripts |
//! | text (logs, CSV, e-mail source, scripts), XML, zip and other archives, older Office files (.doc, .xls, .msg), GIF/BMP and other pictures, packet captures, anything else | [`Outcome::AnalystsOnly`] | cannot be checked for identifying details |
//! | a cleanable kind that does not parse, or whose output fails the check | [`Outcome::AnalystsOnly`] | "could not be cleaned" |
//!
//! Every cleaner checks its own output before returning it (pictures are
//! parsed again and searched for EXIF, XMP and ICC markers; PDFs are loaded
//! again and walked for every key and action that must be gone; packages
//! are opened again), and output that fails is not shown to members.
//!
//! ## Hostile input
//!
//! Sizes are checked first ([`Limits`]). Zip archives are checked for their
//! entry count, their declared unpacked size, duplicate names and
//! overlapping entries before anything is unpacked. lopdf runs under
//! [`std::panic::catch_unwind`] (so this crate must not be built with
//! `panic = "abort"` if that is to help), with its per-stream decompression
//! bounded. Cleaning is CPU-bound and synchronous: a server runs it on a
//! blocking thread, a few at a time. Property tests and the cargo-fuzz
//! target in `fuzz/` check that [`clean`] never panics.
//!
//! An Office package can unpack to a thousand times its size, so it is
//! never unpacked into memory. A first pass inflates every part a chunk at
//! a time, counting the bytes against [`Limits::max_ooxml_uncompressed`]
//! (declared sizes can lie) and searching the parts the policy looks into
//! as they stream past; a package over the limit costs that one inflate
//! and nothing is deflated. The second pass writes the cleaned package,
//! copying every part it keeps a chunk at a time. Only the parts that are
//! rewritten are held whole, each under a cap (see the policy), and the
//! output, compressed, may not grow past twice the input plus 64 KiB. What
//! one call holds is thus bounded by the size of the attachment (a few
//! times [`Limits::max_bytes`] at worst, for a document that is one large
//! picture), not by what it unpacks to; the time it takes, by
//! [`Limits::max_ooxml_uncompressed`]. [`Cleaned::unpacked`] says how much
//! a call unpacked, for a server that bounds a whole request: give each
//! attachment what is left.
//!
//! ## Ids in Office documents
//!
//! Word, Excel and PowerPoint stamp ids into a document that name no one
//! but link its copies, documents edited in the same session, and files
//! saved by the same installation. Every XML part in `word/`, `xl/` and
//! `ppt/` (and custom XML item properties) streams through a tokenizer that
//! drops them, or, where the format requires one, puts the package's next
//! number in its place (1, 2, 3 ... in package order, so two cleaned files
//! share only what every file has):
//!
//! - Word: `w14:docId`, `w15:docId`; `w:rsids` and every `w:rsid*`
//!   attribute; `w14:paraId`, `w14:textId`, `wp14:anchorId`, `wp14:editId`,
//!   `w16cid:durableId`, `w16sdtdh:storeItemChecksum`; `w:docVars`;
//!   `w:mailMerge`; a list's `w:nsid` (renumbered), `w:tmpl`, `w:tplc`; a
//!   content control's `w:id` and a building block's `w:guid` (renumbered);
//!   the salted hash of a protection password (the protection stays).
//! - Excel: `xr:revisionPtr` (`documentId`, `uidLastSave`, co-authoring
//!   versions); every `xr*:uid`; `fileVersion`'s build; the window's
//!   position and size; `fileSharing`'s user name; pivot caches' "refreshed
//!   by" and date; salted protection hashes.
//! - PowerPoint: `ppt/revisionInfo.xml`'s client GUID with its save time;
//!   `ppt/changesInfos/` (co-authoring history with names and account ids)
//!   emptied; `p14:creationId`, `p14:modId`, section ids (renumbered); the
//!   values add-ins keep in `ppt/tags/`.
//! - All three: `a16:creationId` on shapes and pictures and `c16:uniqueId`
//!   on chart series (renumbered); the bibliography store's `ds:itemID`
//!   (renumbered).
//!
//! Comments, tracked changes, people lists and threaded comments keep a
//! package for analysts (see the policy), so their authors, dates and ids
//! never reach members. A part the tokenizer cannot follow (not XML, a
//! DOCTYPE, a tag over 4 MiB) keeps the package for analysts too.
//!
//! ## What is not removed
//!
//! What the content itself says: text on a page, names in a spreadsheet's
//! cells, a face in a photo, the names of pictures and shapes. Ids that
//! parts refer to each other by (relationship ids, shape numbers, hidden
//! bookmark names such as `_Toc123456789` that fields point at, Excel's
//! conditional-format GUIDs) and the obfuscation key of an embedded font:
//! rewriting them would need to understand the document. Printer settings
//! that Excel and Word keep as binary parts (`printerSettings*.bin`, which
//! can name a network printer). OpenDocument files (.odt, .ods, .odp) are
//! not cleaned at all: they are kept for analysts, as "anything else".

mod detect;
mod error;
mod image;
mod ooxml;
mod pdf;
mod removed;
mod xmlids;

pub use detect::{Detected, Kind, detect};
pub use error::AttachmentError;

/// Bounds on what [`clean`] accepts and unpacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest attachment accepted, in bytes. Default 16 MiB.
    pub max_bytes: usize,
    /// Most entries an Office package may have. Default 10 000.
    pub max_ooxml_entries: usize,
    /// Most bytes an Office package may unpack to, in all, counted as its
    /// parts are inflated (declared sizes can lie). Default 64 MiB.
    ///
    /// To bound a request with several attachments, give each call what is
    /// left of the request's budget after subtracting the earlier calls'
    /// [`Cleaned::unpacked`].
    pub max_ooxml_uncompressed: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_ooxml_entries: 10_000,
            // About what the largest attachment unpacks to when it is
            // text: a 16 MiB package of varied text unpacks to some
            // 55 MiB (deflate packs it 3.5 to 1), and pictures and media
            // are stored compressed already. What unpacks to more is
            // repetitive: a bomb, or a large spreadsheet (kept for
            // analysts, not refused). Memory does not depend on this
            // (parts are streamed); time does. Each byte is inflated twice
            // and deflated once: measured in release on one core, some
            // 20 MiB/s for varied XML (the largest honest document: about
            // 3 s), some 500 MiB/s for a bomb's repetitive data. So no
            // package costs more than the largest honest one, and a bomb
            // at most 64 MiB of work (0.1 s; 256 MiB held 500 MiB of heap
            // for 0.7 s).
            max_ooxml_uncompressed: 64 * 1024 * 1024,
        }
    }
}

/// What becomes of an accepted attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Safe to show to members: metadata removed.
    Cleaned {
        /// The cleaned file, of the same type as the original.
        bytes: Vec<u8>,
        /// What was removed, for people ("EXIF (including GPS position)",
        /// "PDF document info (author, producer)", "docProps/core.xml
        /// author, dates"). Empty when there was nothing to remove.
        removed: Vec<String>,
    },
    /// Kept sealed for analysts only; `reason` is a sentence for the reporter.
    AnalystsOnly {
        /// Why, and where it helps, what to attach instead.
        reason: String,
    },
}

impl Outcome {
    /// Whether members may see the (cleaned) file.
    #[must_use]
    pub const fn is_cleaned(&self) -> bool {
        matches!(self, Self::Cleaned { .. })
    }
}

/// The result of [`clean`]: what the file is, and what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The detected type of the original.
    pub detected: Detected,
    /// Cleaned for members, or kept for analysts.
    pub outcome: Outcome,
    /// How many bytes an Office package unpacked to (as far as it was
    /// read: at most [`Limits::max_ooxml_uncompressed`] plus one); 0 for
    /// anything else. What to subtract from a per-request budget.
    pub unpacked: u64,
}

const GENERIC: &str = "This file is kept for the analysts only: this kind of file cannot be \
                       checked for identifying details.";
const SCRIPTS: &str = "This file is kept for the analysts only: web pages and SVG drawings can \
                       carry scripts, and they cannot be checked for identifying details.";
const ARCHIVE: &str = "This archive is kept for the analysts only: what is inside cannot be \
                       checked for identifying details.";
const LEGACY_OFFICE: &str = "This file is kept for the analysts only: older Office files (.doc, \
                             .xls, .ppt) and Outlook messages cannot be checked for identifying \
                             details; to share a document with members, save it as .docx, .xlsx, \
                             .pptx or PDF and attach that.";
const OTHER_IMAGE: &str = "This picture is kept for the analysts only: this kind of picture \
                           cannot be checked for identifying details; to share it with members, \
                           attach a screenshot of it as PNG or JPEG.";
const IMAGE_NOT_CLEANED: &str = "This picture is kept for the analysts only: it could not be \
                                 cleaned of identifying details (it may be damaged).";
const PDF_NOT_CLEANED: &str = "This PDF is kept for the analysts only: it could not be cleaned of \
                               identifying details (it may be damaged).";
const DOCUMENT_NOT_CLEANED: &str = "This document is kept for the analysts only: it could not be \
                                    cleaned of identifying details (it may be damaged).";
const PDF_ENCRYPTED: &str = "This PDF is kept for the analysts only: it is encrypted or \
                             password-protected, so it cannot be cleaned of identifying details.";
const PROGRAM: &str = "Programs are not accepted as attachments: put the file in a zip archive \
                       protected with the password \"infected\" and attach that, so no one opens \
                       it by accident.";

fn refused_picture(what: &str) -> AttachmentError {
    AttachmentError::Refused {
        reason: format!(
            "{what} cannot be cleaned of hidden details such as the GPS position without \
             changing the picture: take a screenshot of it, or convert it, and attach that as \
             PNG or JPEG instead."
        ),
    }
}

fn analysts_only(reason: &str) -> Outcome {
    Outcome::AnalystsOnly {
        reason: reason.to_owned(),
    }
}

/// Detects what `bytes` are and cleans them for members, keeps them for
/// analysts, or refuses them. See the crate documentation for the policy.
///
/// # Errors
///
/// [`AttachmentError::Empty`], [`AttachmentError::TooLarge`] (over
/// [`Limits::max_bytes`]), or [`AttachmentError::Refused`] for programs and
/// pictures that cannot be cleaned. Each displays as a sentence for the
/// reporter.
pub fn clean(bytes: &[u8], limits: &Limits) -> Result<Cleaned, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(AttachmentError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let detected = detect(bytes);
    let mut unpacked = 0;
    let outcome = match detected.kind {
        Kind::Jpeg => picture(image::clean_jpeg(bytes)),
        Kind::Png => picture(image::clean_png(bytes)),
        Kind::Webp => picture(image::clean_webp(bytes)),
        Kind::Pdf => match pdf::clean_pdf(bytes) {
            Ok((bytes, removed)) => Outcome::Cleaned {
                bytes,
                removed: removed.into_vec(),
            },
            Err(pdf::NotCleaned::Encrypted) => analysts_only(PDF_ENCRYPTED),
            Err(_) => analysts_only(PDF_NOT_CLEANED),
        },
        Kind::Docx | Kind::Xlsx | Kind::Pptx => {
            match ooxml::clean_ooxml(bytes, limits, &mut unpacked) {
                Ok((bytes, removed)) => Outcome::Cleaned {
                    bytes,
                    removed: removed.into_vec(),
                },
                Err(why) => Outcome::AnalystsOnly {
                    reason: why.reason(),
                },
            }
        }
        Kind::Heic => return Err(refused_picture("HEIC and AVIF pictures")),
        Kind::Tiff => return Err(refused_picture("TIFF and camera raw pictures")),
        Kind::JpegXl => return Err(refused_picture("JPEG XL and JPEG 2000 pictures")),
        Kind::Executable => {
            return Err(AttachmentError::Refused {
                reason: PROGRAM.to_owned(),
            });
        }
        Kind::Empty => return Err(AttachmentError::Empty),
        Kind::Html | Kind::Svg => analysts_only(SCRIPTS),
        Kind::Zip | Kind::Archive => analysts_only(ARCHIVE),
        Kind::LegacyOffice => analysts_only(LEGACY_OFFICE),
        Kind::OtherImage => analysts_only(OTHER_IMAGE),
        Kind::Text | Kind::Xml | Kind::Other => analysts_only(GENERIC),
    };
    // What members receive must still be what it was: a cleaned copy that
    // reads as another type (a damaged picture the cleaner tidied into
    // something else) goes to the analysts instead.
    let outcome = match outcome {
        Outcome::Cleaned { bytes, .. } if detect(&bytes).kind != detected.kind => {
            analysts_only(match detected.kind {
                Kind::Pdf => PDF_NOT_CLEANED,
                Kind::Jpeg | Kind::Png | Kind::Webp => IMAGE_NOT_CLEANED,
                _ => DOCUMENT_NOT_CLEANED,
            })
        }
        other => other,
    };
    Ok(Cleaned {
        detected,
        outcome,
        unpacked,
    })
}

fn picture(result: Result<image::CleanImage, image::NotCleaned>) -> Outcome {
    match result {
        Ok(image) => Outcome::Cleaned {
            bytes: image.bytes,
            removed: image.removed.into_vec(),
        },
        Err(_) => analysts_only(IMAGE_NOT_CLEANED),
    }
}
