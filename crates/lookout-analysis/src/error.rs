//! The crate's one error type. Analysing a file never fails (what cannot be
//! read becomes a [`crate::Problem`]); only building a rule set can.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more rule files do not compile; every error is listed.
    #[error("the rules do not compile: {}", list(.0))]
    Rules(Vec<RuleError>),
    /// The neutralised download could not be written.
    #[error("the sample zip could not be written: {0}")]
    Zip(String),
}

/// One compile error in one rule file, as an analyst needs it to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file (or upload) name.
    pub source: String,
    /// 1-based line, when the engine gave a position.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {}: {}", self.source, line, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

fn list(errors: &[RuleError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
