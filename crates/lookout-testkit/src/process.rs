//! The real `lookout` binary as operators run it: admin commands and
//! servers in child processes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{PASSWORD, Site};

/// A child process killed (and reaped) when the test ends, however it ends.
pub struct KillOnDrop {
    pub child: Child,
    /// Where its output went, shown when the test fails.
    log: Option<PathBuf>,
}

impl KillOnDrop {
    pub fn new(child: Child, log: Option<PathBuf>) -> KillOnDrop {
        KillOnDrop { child, log }
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Some(log) = &self.log
            && let Ok(text) = std::fs::read_to_string(log)
        {
            eprintln!("---- {} ----\n{text}", log.display());
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

/// Polls `url` until it answers 200, or fails the test after `limit` or
/// when `process` exits first.
pub async fn wait_until_up(url: &str, what: &str, process: &mut KillOnDrop, limit: Duration) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("an HTTP client");
    let started = Instant::now();
    loop {
        if let Ok(response) = client.get(url).send().await
            && response.status() == reqwest::StatusCode::OK
        {
            return;
        }
        if let Ok(Some(status)) = process.child.try_wait() {
            panic!("{what} exited before answering: {status}");
        }
        assert!(
            started.elapsed() < limit,
            "{what} did not answer {url} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `command` with `input` on its standard input (then closed); its
/// exit status and output.
pub fn output_with_stdin(command: &mut Command, input: &str) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write its input");
    }
    child.wait_with_output().expect("wait for the command")
}

/// The `lookout` binary of the test (`env!("CARGO_BIN_EXE_lookout")`).
#[derive(Clone, Debug)]
pub struct Lookout {
    bin: PathBuf,
    cwd: Option<PathBuf>,
}

impl Lookout {
    pub fn new(bin: impl Into<PathBuf>) -> Lookout {
        Lookout {
            bin: bin.into(),
            cwd: None,
        }
    }

    /// Runs it in `dir`, where no `lookout.toml` is found by accident.
    pub fn in_dir(mut self, dir: &Path) -> Lookout {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    /// The binary with a clean environment: no `LOOKOUT_*` of the caller's
    /// (a test sets what it means to), and warnings only in the log.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.bin);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("LOOKOUT_") {
                command.env_remove(key);
            }
        }
        command.env("LOOKOUT_LOG", "warn");
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        command
    }

    /// `lookout admin ARGS` on a portal's storage, with `stdin` as its
    /// input; its standard output. Fails the test when it fails.
    pub fn admin(
        &self,
        data_dir: &Path,
        database_url: Option<&str>,
        args: &[&str],
        stdin: Option<&str>,
    ) -> String {
        let mut command = self.command();
        command
            .arg("admin")
            .args(args)
            .arg("--data-dir")
            .arg(data_dir);
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        let output = output_with_stdin(&mut command, stdin.unwrap_or(""));
        assert!(
            output.status.success(),
            "lookout admin {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `lookout admin create-user` with [`PASSWORD`].
    pub fn create_user(
        &self,
        data_dir: &Path,
        database_url: Option<&str>,
        email: &str,
        role: &str,
        org: Option<&str>,
    ) {
        let mut args = vec!["create-user", "--email", email, "--role", role];
        if let Some(org) = org {
            args.extend(["--org", org]);
        }
        args.push("--password-stdin");
        self.admin(
            data_dir,
            database_url,
            &args,
            Some(&format!("{PASSWORD}\n")),
        );
    }

    /// `lookout serve` over `data_dir` on a free port, to be started with
    /// [`Serve::start`].
    pub fn serve(&self, data_dir: &Path) -> Serve {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut command = self.command();
        command
            .args(["serve", "--listen", &addr, "--data-dir"])
            .arg(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        Serve {
            command,
            addr,
            log: None,
        }
    }
}

/// A `lookout serve` about to start.
pub struct Serve {
    command: Command,
    addr: String,
    log: Option<PathBuf>,
}

impl Serve {
    /// On this PostgreSQL database; `None` keeps the default, SQLite in the
    /// data directory.
    pub fn database(mut self, url: Option<&str>) -> Serve {
        if let Some(url) = url {
            self.command.args(["--database-url", url]);
        }
        self
    }

    pub fn args(mut self, args: &[&str]) -> Serve {
        self.command.args(args);
        self
    }

    /// Settings given as environment variables.
    pub fn envs(mut self, settings: &[(&str, &str)]) -> Serve {
        self.command.envs(settings.iter().copied());
        self
    }

    pub fn env_remove(mut self, key: &str) -> Serve {
        self.command.env_remove(key);
        self
    }

    /// Its standard output and error go to `path`, shown if the test fails
    /// (otherwise the error output is the test's).
    pub fn log_to(mut self, path: &Path) -> Serve {
        let file = std::fs::File::create(path).expect("create the server log");
        self.command
            .stdout(file.try_clone().expect("the server log"))
            .stderr(file);
        self.log = Some(path.to_path_buf());
        self
    }

    /// Starts it and waits until it answers (a minute at most).
    pub async fn start(mut self) -> PortalProcess {
        let child = self.command.spawn().expect("start lookout serve");
        let mut process = KillOnDrop::new(child, self.log);
        let base = format!("http://{}", self.addr);
        wait_until_up(
            &format!("{base}/healthz"),
            "lookout serve",
            &mut process,
            Duration::from_secs(60),
        )
        .await;
        PortalProcess { process, base }
    }
}

/// A running `lookout serve`, stopped when dropped.
pub struct PortalProcess {
    pub process: KillOnDrop,
    pub base: String,
}

impl Site for PortalProcess {
    fn base(&self) -> &str {
        &self.base
    }
}
