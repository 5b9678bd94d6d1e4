//! Statistics over published, released incidents: roll-ups kept up to
//! date with every change (`rollup.rs`) and read per sharing level, period
//! and filter (`query.rs`). Pages, charts and the map build on these.

pub mod query;
pub mod rollup;
