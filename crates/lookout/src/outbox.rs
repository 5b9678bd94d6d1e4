//! The ship's outbox for `lookout report`: a report is written here, age-
//! encrypted, before a byte of it goes out, and leaves only once the portal
//! has answered. It travels through the portal's resumable uploads
//! (`/api/v1/uploads`): chunks at the offset the portal holds, so a dropped
//! link costs at most the chunk in flight, and one submission per upload,
//! so a report whose answer was lost is asked for again, never sent twice.
//! The protocol and what each party can learn: docs/reporting-from-ships.md.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret as _;
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The bytes one request carries: at 8 KB/s, eight seconds of link.
const CHUNK: usize = 64 * 1024;

/// Where queued reports and their key live.
#[derive(clap::Args, Clone)]
pub struct OutboxArgs {
    /// Folder of reports waiting to be sent [default:
    /// $XDG_DATA_HOME/lookout/outbox or ~/.local/share/lookout/outbox]
    #[arg(long, env = "LOOKOUT_OUTBOX", value_name = "DIR")]
    outbox: Option<PathBuf>,
    /// The outbox's age key, made on first use; keep it apart from the
    /// outbox (a copy of the outbox alone reveals nothing) [default:
    /// $XDG_CONFIG_HOME/lookout/outbox-key.txt or
    /// ~/.config/lookout/outbox-key.txt]
    #[arg(long, env = "LOOKOUT_OUTBOX_KEY", value_name = "FILE")]
    outbox_key: Option<PathBuf>,
    /// How long to keep trying over a link that drops, in seconds, before
    /// leaving the report in the outbox for `lookout report send`.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    retry_for: u64,
}

/// A report waiting in the outbox, as it is stored (encrypted).
#[derive(Serialize, Deserialize)]
pub struct Item {
    /// The portal, e.g. https://lookout.example.org
    pub server: String,
    /// For attributed and confidential reports only.
    pub api_token: Option<String>,
    /// The body of `POST /api/v1/reports`.
    pub report: Value,
    /// The membership token's file, to remove the token once spent.
    pub token_file: Option<PathBuf>,
    /// The upload this report travels in, once made.
    #[serde(default)]
    pub upload: Option<String>,
    /// The report has been asked for at least once: never start another
    /// upload for it (the first may have been stored).
    #[serde(default)]
    pub asked: bool,
}

fn home_dir(variable: &str, fallback: &str) -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(variable).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").context(
        "no HOME to keep the outbox in: give --outbox and --outbox-key (or LOOKOUT_OUTBOX and \
         LOOKOUT_OUTBOX_KEY)",
    )?;
    Ok(PathBuf::from(home).join(fallback))
}

pub struct Outbox {
    dir: PathBuf,
    identity: age::x25519::Identity,
    retry_for: Duration,
}

impl Outbox {
    pub fn open(args: &OutboxArgs) -> anyhow::Result<Outbox> {
        let dir = match &args.outbox {
            Some(dir) => dir.clone(),
            None => home_dir("XDG_DATA_HOME", ".local/share")?.join("lookout/outbox"),
        };
        let key = match &args.outbox_key {
            Some(file) => file.clone(),
            None => home_dir("XDG_CONFIG_HOME", ".config")?.join("lookout/outbox-key.txt"),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot make the outbox {}", dir.display()))?;
        Ok(Outbox {
            dir,
            identity: load_or_make_key(&key)?,
            retry_for: Duration::from_secs(args.retry_for),
        })
    }

    /// Puts a report in the outbox; returns its file.
    pub fn queue(&self, item: &Item) -> anyhow::Result<PathBuf> {
        // Named by the time queued (the order to send them in) and a
        // random part; the file's own times say as much.
        let name = format!(
            "report-{}-{}.age",
            lookout_server::db::now(),
            hex::encode(random::<4>().context("no randomness for the file name")?)
        );
        let path = self.dir.join(name);
        self.write(&path, item)?;
        Ok(path)
    }

    fn write(&self, path: &Path, item: &Item) -> anyhow::Result<()> {
        let plain = serde_json::to_vec(item)?;
        let sealed = age::encrypt(&self.identity.to_public(), &plain)
            .map_err(|e| anyhow::anyhow!("cannot encrypt the outbox entry: {e}"))?;
        // Whole or not at all: a crash mid-write leaves the old file.
        let partial = path.with_extension("partial");
        write_private(&partial, &sealed)?;
        std::fs::rename(&partial, path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    fn read(&self, path: &Path) -> anyhow::Result<Item> {
        let sealed =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let plain = age::decrypt(&self.identity, &sealed).map_err(|_| {
            anyhow::anyhow!(
                "{} cannot be opened with this outbox key (--outbox-key)",
                path.display()
            )
        })?;
        serde_json::from_slice(&plain).with_context(|| format!("{} is damaged", path.display()))
    }

    /// Moves a refused report out of the queue, into `refused/` beside it
    /// (still encrypted): sending it again would not change the answer, and
    /// what the reporter wrote is not thrown away.
    fn set_aside(&self, path: &Path) -> anyhow::Result<PathBuf> {
        let folder = self.dir.join("refused");
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot make {}", folder.display()))?;
        let kept = folder.join(path.file_name().unwrap_or_default());
        std::fs::rename(path, &kept).with_context(|| format!("cannot move {}", path.display()))?;
        Ok(kept)
    }

    /// The queued reports, oldest name first.
    pub fn waiting(&self) -> anyhow::Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .with_context(|| format!("cannot read the outbox {}", self.dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "age"))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Sends one queued report through a resumable upload, retrying over a
    /// dropping link for `retry_for`. The answer, once it comes; the entry
    /// is then gone from the outbox.
    pub fn send(&self, path: &Path) -> anyhow::Result<Sent> {
        let mut item = self.read(path)?;
        let base = crate::report::base_url(&item.server)?;
        let agent = crate::report::agent();
        let started = Instant::now();
        let mut pause = Duration::from_secs(1);
        loop {
            match self.attempt(&agent, &base, path, &mut item) {
                Ok(Step::Answered(answer)) => {
                    if let (Some(file), Some(token)) =
                        (&item.token_file, item.report["membership_token"].as_str())
                    {
                        crate::token::remove_token(file, token)?;
                    }
                    std::fs::remove_file(path)
                        .with_context(|| format!("cannot remove {}", path.display()))?;
                    return Ok(Sent::Answered {
                        answer,
                        verified: item.report.get("membership_token").is_some(),
                        follow_up: base.join("report/follow-up")?.to_string(),
                    });
                }
                Ok(Step::Refused { status, refusal }) => {
                    // A spent membership token is of no more use: drop it,
                    // so the next report takes the next one.
                    if status == 409
                        && let (Some(file), Some(token)) =
                            (&item.token_file, item.report["membership_token"].as_str())
                    {
                        crate::token::remove_token(file, token)?;
                        eprintln!(
                            "The token was already used; it is removed from {}.",
                            file.display()
                        );
                    }
                    let kept = self.set_aside(path)?;
                    return Ok(Sent::Refused { refusal, kept });
                }
                Err(trouble) => {
                    if started.elapsed() >= self.retry_for {
                        return Ok(Sent::Waiting(format!("{trouble:#}")));
                    }
                    eprintln!(
                        "The link dropped ({trouble:#}); trying again in {} s.",
                        pause.as_secs()
                    );
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(60));
                }
            }
        }
    }

    /// One try at the whole exchange, from wherever it stands. `Err` is a
    /// passing trouble (the link, the portal busy): try again.
    fn attempt(
        &self,
        agent: &ureq::Agent,
        base: &url::Url,
        path: &Path,
        item: &mut Item,
    ) -> anyhow::Result<Step> {
        let body = serde_json::to_vec(&item.report)?;
        let mut held = match &item.upload {
            Some(id) => {
                let mut response = agent
                    .get(base.join(&format!("api/v1/uploads/{id}"))?.as_str())
                    .call()?;
                match response.status().as_u16() {
                    200 => {
                        let state: Value = response.body_mut().read_json()?;
                        state["offset"].as_u64().unwrap_or(0) as usize
                    }
                    404 if item.asked => {
                        return Ok(Step::Refused {
                            status: 404,
                            refusal: "the portal no longer knows this upload, and it was already \
                                      asked to store the report: it may have done so. Ask the \
                                      analysts before sending it again."
                                .into(),
                        });
                    }
                    404 => {
                        item.upload = None;
                        self.write(path, item)?;
                        bail!("the upload had expired; starting a new one");
                    }
                    _ => bail!(crate::report::refusal(response)),
                }
            }
            None => {
                let mut response = agent
                    .post(base.join("api/v1/uploads")?.as_str())
                    .send_json(serde_json::json!({ "length": body.len() }))?;
                if response.status().as_u16() != 201 {
                    return permanent_or_passing(response);
                }
                let created: Value = response.body_mut().read_json()?;
                let id = created["id"]
                    .as_str()
                    .context("the portal gave no upload id")?;
                // Kept before a byte is sent, so a crash resumes this upload.
                item.upload = Some(id.to_string());
                self.write(path, item)?;
                0
            }
        };
        let id = item.upload.clone().unwrap_or_default();
        let upload = base.join(&format!("api/v1/uploads/{id}"))?;
        while held < body.len() {
            let end = (held + CHUNK).min(body.len());
            let mut response = agent
                .patch(upload.as_str())
                .header("Upload-Offset", held.to_string())
                .header("Content-Type", "application/octet-stream")
                .send(&body[held..end])?;
            match response.status().as_u16() {
                200 => {
                    let state: Value = response.body_mut().read_json()?;
                    held = state["offset"].as_u64().unwrap_or(end as u64) as usize;
                }
                // Elsewhere than we thought (a chunk that did arrive, its
                // answer lost): continue from what the portal holds.
                409 => {
                    held = response
                        .headers()
                        .get("upload-offset")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse().ok())
                        .context("the portal did not say where the upload stands")?;
                }
                _ => return permanent_or_passing(response),
            }
        }
        item.asked = true;
        self.write(path, item)?;
        let mut request = agent.post(base.join(&format!("api/v1/uploads/{id}/report"))?.as_str());
        if let Some(token) = &item.api_token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.send_empty()?;
        if response.status().as_u16() == 201 {
            return Ok(Step::Answered(response.body_mut().read_json()?));
        }
        permanent_or_passing(response)
    }
}

/// A refusal that sending again will not change, or a passing trouble:
/// a stalled or busy portal, or a conflict that says where to go on from
/// (`Upload-Offset`) or when to ask again (`Retry-After`).
fn permanent_or_passing(response: ureq::http::Response<ureq::Body>) -> anyhow::Result<Step> {
    let status = response.status().as_u16();
    let says_how = response.headers().contains_key("upload-offset")
        || response.headers().contains_key("retry-after");
    let passing = status == 408 || status == 429 || status >= 500 || (status == 409 && says_how);
    let error = crate::report::refusal(response);
    if passing {
        Err(error)
    } else {
        Ok(Step::Refused {
            status,
            refusal: format!("{error:#}"),
        })
    }
}

enum Step {
    Answered(Value),
    Refused { status: u16, refusal: String },
}

/// What became of a queued report.
pub enum Sent {
    /// Stored; the portal's answer (reference, receipt, attachments),
    /// whether it went as from a verified member, and where to follow up.
    Answered {
        answer: Value,
        verified: bool,
        follow_up: String,
    },
    /// Refused for good, in the portal's words; set aside at `kept`.
    Refused { refusal: String, kept: PathBuf },
    /// The link did not come back in time; still in the outbox.
    Waiting(String),
}

fn load_or_make_key(path: &Path) -> anyhow::Result<age::x25519::Identity> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .with_context(|| format!("{} holds no age key", path.display()))?;
        return age::x25519::Identity::from_str(line)
            .map_err(|e| anyhow::anyhow!("{} holds no usable age key: {e}", path.display()));
    }
    let identity = age::x25519::Identity::generate();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make {}", parent.display()))?;
    }
    let text = format!(
        "# The key of the Lookout report outbox: without it, queued reports cannot be read\n\
         # (or sent). Keep it on this machine, apart from the outbox.\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    );
    write_private(path, text.as_bytes())?;
    Ok(identity)
}

/// Writes a file only its owner may read.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    lookout_server::secrets::random_bytes::<N>().map_err(|e| anyhow::anyhow!("{e}"))
}
