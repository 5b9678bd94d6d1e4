//! Mail through a real SMTP conversation with a local server.

mod common;

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// A minimal SMTP receiver: accepts every message and hands its DATA to the
/// test. Enough of RFC 5321 for lettre's client (EHLO, MAIL, RCPT, DATA,
/// QUIT).
async fn smtp_sink() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
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

#[tokio::test]
async fn invitations_travel_over_smtp() {
    let dir = tempfile::tempdir().unwrap();
    for url in backends(dir.path()).await {
        let (port, mut inbox) = smtp_sink().await;
        let data = tempfile::tempdir().unwrap();
        let smtp = move |config: &mut lookout_server::Config| {
            config.smtp = Some(lookout_server::config::SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                security: "none".into(),
                username: None,
                password: None,
            });
        };
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&smtp)).await;
        server.org("Harbourline Terminals", "port").await;
        server
            .user(
                "sec@harbourline.example",
                "org-admin",
                Some("Harbourline Terminals"),
            )
            .await;
        let client = browser();
        sign_in(&server, &client, "sec@harbourline.example", PASSWORD).await;
        let (status, _, body) = submit(
            &client,
            &server.url("/org/members"),
            &server.url("/org/members"),
            &[
                ("action", "invite"),
                ("email", "gate@harbourline.example"),
                ("role", "member"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), inbox.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(message.contains("To: gate@harbourline.example"));
        assert!(message.contains("Subject: Your invitation to Lookout"));
        assert!(
            message
                .replace("=\n", "")
                .replace("=3D", "=")
                .contains(&format!("{}/invite/", server.base))
        );
        assert!(server.mails().is_empty(), "nothing went to the file outbox");
    }
}
