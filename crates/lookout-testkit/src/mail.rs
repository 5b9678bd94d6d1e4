//! Mail the portal sends, to its file outbox or to a local SMTP receiver,
//! and server-sent events it streams.

use std::path::Path;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// The mails in a portal's file outbox (`data_dir/outbox`), oldest first,
/// with quoted-printable soft breaks and `=3D` undone so links read whole.
/// An outbox not yet made holds none.
pub fn outbox_mails(outbox: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(outbox)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    names.sort();
    names
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .collect()
}

/// Settings for the local SMTP receiver of [`smtp_sink`].
pub fn local_smtp(port: u16) -> lookout_server::config::SmtpConfig {
    lookout_server::config::SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: "none".into(),
        username: None,
        password: None,
    }
}

/// Reads a server-sent-event stream until its text contains `needle`
/// (panics after 20 s); returns what it read.
pub async fn read_stream_until(stream: &mut reqwest::Response, needle: &str, what: &str) -> String {
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        let mut seen = String::new();
        while let Some(chunk) = stream.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                break;
            }
        }
        seen
    })
    .await
    .unwrap_or_else(|_| panic!("{what}: not within 20 s"))
}

/// A minimal SMTP receiver on a free local port: accepts every message
/// and hands its DATA to the test. Enough of RFC 5321 for lettre's client
/// (EHLO, MAIL, RCPT, DATA, QUIT).
pub async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = tokio::io::BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    match verb.as_str() {
                        "EHLO" | "HELO" => write
                            .write_all(b"250-sink\r\n250 8BITMIME\r\n")
                            .await
                            .unwrap(),
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut message = String::new();
                            while let Ok(Some(data)) = lines.next_line().await {
                                if data == "." {
                                    break;
                                }
                                message.push_str(&data);
                                message.push('\n');
                            }
                            let _ = sender.send(message);
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => write.write_all(b"250 ok\r\n").await.unwrap(),
                    }
                }
            });
        }
    });
    (port, receiver)
}
