//! Journeys through the portal in a real browser: headless Chromium, driven
//! through chromedriver, against the real `lookout` binary. One journey a
//! file, over the page object in `lookout-testkit` (`browser::Portal`).
//! Every page on the way is checked to load nothing from outside the portal
//! and to carry no script but the portal's own; the journeys run with
//! JavaScript turned off in the browser, except where a page's live update
//! or the membership-token client needs it.
//!
//! Needs `chromedriver` and Chromium (Debian: `apt-get install chromium
//! chromium-driver`); `CHROMEDRIVER` and `CHROMIUM` override their paths.
//! Run with `cargo test -p lookout --test browser -- --ignored`.

mod alerts;
mod analysis;
mod forum;
mod membership;
mod report;
mod statistics;
mod tokens;

use lookout_testkit::browser::Journey;

const ADMIN_EMAIL: &str = "admin@op.example";
const ORG_NAME: &str = "Gulf Star Shipping";

/// A journey's directory, for the `lookout` binary under test.
fn journey() -> Journey {
    Journey::new(env!("CARGO_BIN_EXE_lookout"))
}
