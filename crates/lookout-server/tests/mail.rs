//! Mail through a real SMTP conversation with a local server.

use lookout_testkit::*;

#[tokio::test]
async fn invitations_travel_over_smtp() {
    each_backend(async |url| {
        let (port, mut inbox) = smtp_sink().await;
        let data = tempfile::tempdir().unwrap();
        let smtp = move |config: &mut lookout_server::Config| {
            config.smtp = Some(local_smtp(port));
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
    })
    .await;
}
