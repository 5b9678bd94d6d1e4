//! The crate's one error type.

/// Everything that can go wrong in this crate: a document that cannot be
/// exported as given, a TAXII query parameter the server must refuse with
/// 400, or a paging token that must not be honoured.
///
/// The token variants are distinct on purpose: a tampered token is worth
/// logging, an expired one is routine.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntelError {
    /// An input document has a value the formats cannot carry.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// Which input field.
        field: &'static str,
        /// What is wrong with it, for the log.
        reason: String,
    },
    /// A timestamp that is not RFC 3339 (or not representable).
    #[error("not an RFC 3339 timestamp: {0:?}")]
    Timestamp(String),
    /// The same TAXII query parameter was given twice.
    #[error("query parameter {0} given more than once")]
    FilterRepeated(String),
    /// A `match[...]` field this server does not support.
    #[error("unsupported match field {0}")]
    FilterUnsupported(String),
    /// A TAXII query parameter with a value it cannot have.
    #[error("query parameter {param}: {reason} (got {value:?})")]
    FilterValue {
        /// The parameter name as sent, e.g. `match[version]`.
        param: String,
        /// The offending value (cut to 100 characters).
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A paging token that is not one of ours (bad encoding or length).
    #[error("malformed paging token")]
    TokenMalformed,
    /// A paging token whose signature does not verify: forged or altered.
    #[error("paging token signature does not verify")]
    TokenForged,
    /// A genuine paging token past its expiry.
    #[error("paging token expired")]
    TokenExpired,
    /// A genuine paging token issued for a different query.
    #[error("paging token was issued for another query")]
    TokenWrongQuery,
    /// The signing key given for paging tokens is too short to be a key.
    #[error("paging token key must be at least 16 bytes")]
    TokenKey,
}

impl IntelError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        IntelError::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}
