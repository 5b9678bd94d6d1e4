//! Harmless files with the traits the analysis looks for, built in code so
//! that no live malware is ever kept in the repository. Used by this
//! crate's tests, the CLI and portal tests, the YARA cross-check and the
//! benchmark corpus (feature `samples`).

mod archives;
mod executables;
mod office;
mod pdf;

pub use archives::*;
pub use executables::*;
pub use office::*;
pub use pdf::*;

/// The EICAR anti-virus test file: harmless, and detected by every engine.
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
