//! The crate's one error type: an attachment that is not accepted at all.

/// Why an attachment is not accepted. Each message is a sentence the
/// reporter can act on; show it as it is.
///
/// An attachment that is accepted but cannot be cleaned is not an error:
/// it is [`Outcome::AnalystsOnly`](crate::Outcome::AnalystsOnly).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// The file has no content.
    #[error("The file is empty: attach it again, or leave it out.")]
    Empty,
    /// The file is larger than [`Limits::max_bytes`](crate::Limits::max_bytes).
    #[error(
        "The file is {}, more than the {} an attachment may have: attach a smaller file, or only the part that matters.",
        megabytes(*size),
        megabytes(*max)
    )]
    TooLarge {
        /// The file's size in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The type is not accepted (programs, pictures that cannot be cleaned).
    #[error("{reason}")]
    Refused {
        /// What the reporter can do instead, as a sentence.
        reason: String,
    },
}

/// A size as people see it in their file manager ("16 MB" for 16 MiB, as
/// Windows Explorer shows it).
fn megabytes(bytes: usize) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    #[allow(clippy::cast_precision_loss)] // sizes are far below 2^52
    let mib = bytes as f64 / MIB;
    if mib >= 10.0 || mib.fract() == 0.0 {
        format!("{mib:.0} MB")
    } else if mib >= 0.1 {
        format!("{mib:.1} MB")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(megabytes(16 * 1024 * 1024), "16 MB");
        assert_eq!(megabytes(21_500_000), "21 MB");
        assert_eq!(megabytes(1_572_864), "1.5 MB");
        assert_eq!(megabytes(2_000), "2 KB");
    }

    #[test]
    fn too_large_is_a_sentence() {
        let e = AttachmentError::TooLarge {
            size: 20 * 1024 * 1024,
            max: 16 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "The file is 20 MB, more than the 16 MB an attachment may have: \
             attach a smaller file, or only the part that matters."
        );
    }
}
