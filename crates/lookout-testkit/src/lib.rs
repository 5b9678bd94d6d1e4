//! The one harness every Lookout test suite and the benchmarks drive the
//! portal with: a portal in-process ([`TestServer`]) or as the real
//! `lookout` binary ([`Lookout`], [`PortalProcess`]), on each database
//! backend ([`each_backend`]), through a browser-like HTTP client (forms,
//! CSRF, sign-in with a second factor), and with local stand-ins for what
//! the portal talks to (an SMTP sink). With the `browser` feature, the
//! page object of the Chromium journeys ([`browser::Portal`]).
//!
//! Test helpers panic with what went wrong, as a failed assertion does; the
//! few the benchmarks use return errors instead.

mod backend;
mod forms;
mod mail;
mod process;
mod report;
mod server;

#[cfg(feature = "browser")]
pub mod browser;

pub use backend::{Backend, each_backend, fresh_postgres, sqlite_url};
pub use forms::{
    Site, answer, browser, client, csrf, csrf_field, element_text, field_value, get, post_login,
    post_multipart, session_cookie, set_cookie, sign_in, sign_in_enrolling, submit, totp_code,
    unix_now, with_files,
};
pub use mail::{local_smtp, outbox_mails, read_stream_until, smtp_sink};
pub use process::{
    KillOnDrop, Lookout, PortalProcess, free_port, output_with_stdin, wait_until_up,
};
pub use report::{photo_path, photo_with_gps, report_fields, send_report_form};
pub use server::{TestServer, open_portal};

/// The password of every account the tests and benchmarks create.
pub const PASSWORD: &str = "ballast kettle orchid semaphore";
