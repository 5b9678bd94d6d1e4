//! Membership and sign-in, end to end over HTTP, on every backend.

use lookout_testkit::*;

#[tokio::test]
async fn apply_approve_invite_and_first_sign_in() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("admin@op.example", "admin", None).await;

        // A bad application is re-shown with what was typed.
        let visitor = browser();
        let (status, _, body) = submit(
            &visitor,
            &server.url("/apply"),
            &server.url("/apply"),
            &[
                ("org_name", "Gulf Star Shipping"),
                ("org_kind", ""),
                ("contact_name", "Sam Reyes"),
                ("email", "sam@gulfstar.example"),
                ("message", "CSO since 2019"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("Choose what kind of organisation"));
        assert!(body.contains("value=\"Gulf Star Shipping\""));
        assert!(body.contains("CSO since 2019"));
        let (status, _, body) = submit(
            &visitor,
            &server.url("/apply"),
            &server.url("/apply"),
            &[
                ("org_name", "Gulf Star Shipping"),
                ("org_kind", "ship-owner"),
                ("contact_name", "Sam Reyes"),
                ("email", "sam@gulfstar.example"),
                ("message", "CSO since 2019"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("application has been received"));

        // The admin signs in (enrolling a second factor) and approves.
        let admin = browser();
        sign_in_enrolling(&server, &admin, "admin@op.example").await;
        let (status, page) = get(&admin, &server.url("/admin/applications")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Gulf Star Shipping"));
        let id_marker = "/admin/applications/";
        let start = page.find(id_marker).unwrap() + id_marker.len();
        let id: String = page[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let approve = server.url(&format!("/admin/applications/{id}/approve"));
        let (status, _, body) =
            submit(&admin, &server.url("/admin/applications"), &approve, &[]).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("an invitation went to sam@gulfstar.example"));
        // Approving twice is refused, not repeated.
        let (status, _, _) =
            submit(&admin, &server.url("/admin/applications"), &approve, &[]).await;
        assert_eq!(status, 409);

        // The applicant follows the emailed link and chooses a password.
        let link = server.link_in_mail("sam@gulfstar.example", "/invite/");
        let newcomer = browser();
        let (status, page) = get(&newcomer, &link).await;
        assert_eq!(status, 200);
        assert!(page.contains("Gulf Star Shipping"));
        let (status, _, body) = submit(
            &newcomer,
            &link,
            &link,
            &[
                ("display_name", "Sam Reyes"),
                ("password", "password123456"),
                ("confirm", "password123456"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("too easy to guess"));
        assert!(body.contains("value=\"Sam Reyes\""));
        assert!(
            !body.contains("password123456"),
            "a refused password is never echoed back"
        );
        let (status, location, _) = submit(
            &newcomer,
            &link,
            &link,
            &[
                ("display_name", "Sam Reyes"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
        assert_eq!((status, location.as_deref()), (303, Some("/")));
        let (_, home) = get(&newcomer, &server.url("/")).await;
        assert!(home.contains("Welcome aboard, Sam Reyes"));
        assert!(home.contains("Organisation admin"));

        // The link works once.
        let (status, page) = get(&browser(), &link).await;
        assert_eq!(status, 409);
        assert!(page.contains("already been used"));

        // Signing out ends the session.
        let (_, home_html) = get(&newcomer, &server.url("/")).await;
        let token = csrf(&home_html);
        let response = newcomer
            .post(server.url("/logout"))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        let response = newcomer.get(server.url("/account")).send().await.unwrap();
        assert_eq!(response.headers()["location"], "/login");
    })
    .await;
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_account() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        let client = browser();
        let (status, _, body) = sign_in(
            &server,
            &client,
            "cso@northwind.example",
            "not the password",
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("do not match"));
        assert!(
            body.contains("value=\"cso@northwind.example\""),
            "the email survives the error"
        );
        assert!(!body.contains("not the password"));
        for _ in 0..4 {
            sign_in(&server, &client, "cso@northwind.example", "still wrong").await;
        }
        // Locked now: even the right password waits.
        let (status, _, body) = sign_in(&server, &client, "cso@northwind.example", PASSWORD).await;
        assert_eq!(status, 429);
        assert!(body.contains("Too many failed attempts"));
        // An unknown account gets the same answer as a wrong password.
        let (status, _, body) =
            sign_in(&server, &browser(), "nobody@nowhere.example", "whatever").await;
        assert_eq!(status, 422);
        assert!(body.contains("do not match"));
    })
    .await;
}

#[tokio::test]
async fn session_id_changes_at_sign_in_and_old_one_is_dead() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Port of Kestrel Bay", "port").await;
        server
            .user("sec@kestrel.example", "member", Some("Port of Kestrel Bay"))
            .await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let first = client.get(server.url("/login")).send().await.unwrap();
        let before = first.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert!(
            first.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Strict")
        );
        let token = csrf(&first.text().await.unwrap());
        let response = client
            .post(server.url("/login"))
            .header("cookie", &before)
            .form(&[
                ("csrf", token.as_str()),
                ("email", "sec@kestrel.example"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        let after = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert_ne!(before, after);
        let page = client
            .get(server.url("/account"))
            .header("cookie", &after)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let page = client
            .get(server.url("/account"))
            .header("cookie", &before)
            .send()
            .await
            .unwrap();
        assert_eq!(
            page.status().as_u16(),
            303,
            "the pre-login id grants nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn state_changes_need_the_csrf_token_and_our_origin() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = browser();
        get(&client, &server.url("/login")).await;
        let response = client
            .post(server.url("/login"))
            .form(&[("email", "a@b.example"), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This form has expired")
        );
        let (_, html) = get(&client, &server.url("/login")).await;
        let response = client
            .post(server.url("/login"))
            .header("origin", "https://evil.example")
            .form(&[
                ("csrf", csrf(&html).as_str()),
                ("email", "a@b.example"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("came from another site")
        );
        // Browsers send `Origin: null` for same-origin forms under our
        // no-referrer policy: that must work (it once refused every form).
        let response = client
            .post(server.url("/login"))
            .header("origin", "null")
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("csrf", csrf(&html).as_str()),
                ("email", "a@b.example"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422, "reaches the sign-in check");
        let response = client
            .post(server.url("/login"))
            .header("origin", "null")
            .header("sec-fetch-site", "cross-site")
            .form(&[
                ("csrf", csrf(&html).as_str()),
                ("email", "a@b.example"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let response = client
            .post(server.url("/login"))
            .header("sec-fetch-site", "cross-site")
            .form(&[
                ("csrf", csrf(&html).as_str()),
                ("email", "a@b.example"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
    })
    .await;
}

#[tokio::test]
async fn a_used_totp_code_cannot_be_replayed() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("analyst@op.example", "analyst", None).await;
        let first = browser();
        let secret = sign_in_enrolling(&server, &first, "analyst@op.example").await;

        // Next sign-in: password, then the code.
        let second = browser();
        let (status, location, _) = sign_in(&server, &second, "analyst@op.example", PASSWORD).await;
        assert_eq!(status, 303);
        assert!(location.unwrap().starts_with("/login/mfa"));
        let code = totp_code(&secret, 1);
        let (status, location, _) = submit(
            &second,
            &server.url("/login/mfa"),
            &server.url("/login/mfa"),
            &[("code", &code)],
        )
        .await;
        assert_eq!((status, location.as_deref()), (303, Some("/")));

        // The same code again, from another browser: refused.
        let third = browser();
        sign_in(&server, &third, "analyst@op.example", PASSWORD).await;
        let (status, _, body) = submit(
            &third,
            &server.url("/login/mfa"),
            &server.url("/login/mfa"),
            &[("code", &code)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("already used"));
        // Until the second factor is given, nothing else opens.
        let response = third.get(server.url("/account")).send().await.unwrap();
        assert_eq!(response.headers()["location"], "/login");
    })
    .await;
}

#[tokio::test]
async fn recovery_codes_work_once() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("editor@op.example", "editor", None).await;
        let client = browser();
        let (_, location, _) = sign_in(&server, &client, "editor@op.example", PASSWORD).await;
        assert_eq!(location.as_deref(), Some("/account/mfa"));
        let (_, page) = get(&client, &server.url("/account/mfa")).await;
        let secret = element_text(&page, "totp-secret");
        let marker = "name=\"signature\" value=\"";
        let start = page.find(marker).unwrap() + marker.len();
        let signature = page[start..start + 64].to_string();
        let (_, _, body) = submit(
            &client,
            &server.url("/account/mfa"),
            &server.url("/account/mfa"),
            &[
                ("secret", &secret),
                ("signature", &signature),
                ("code", &totp_code(&secret, 0)),
            ],
        )
        .await;
        let codes_start = body.find("id=\"recovery-codes\"").unwrap();
        let first_code = body[codes_start..]
            .split("<li>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();

        for expected in [303, 422] {
            let other = browser();
            sign_in(&server, &other, "editor@op.example", PASSWORD).await;
            let (status, _, _) = submit(
                &other,
                &server.url("/login/mfa"),
                &server.url("/login/mfa"),
                &[("code", &first_code)],
            )
            .await;
            assert_eq!(status, expected);
        }
    })
    .await;
}

#[tokio::test]
async fn org_admins_manage_only_their_own_organisation() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Meridian Container Lines", "ship-owner").await;
        server.org("Harbourline Terminals", "port").await;
        server
            .user(
                "ciso@meridian.example",
                "org-admin",
                Some("Meridian Container Lines"),
            )
            .await;
        let colleague = server
            .user(
                "ops@meridian.example",
                "member",
                Some("Meridian Container Lines"),
            )
            .await;
        let stranger = server
            .user(
                "it@harbourline.example",
                "member",
                Some("Harbourline Terminals"),
            )
            .await;
        let client = browser();
        sign_in(&server, &client, "ciso@meridian.example", PASSWORD).await;
        let (status, page) = get(&client, &server.url("/org/members")).await;
        assert_eq!(status, 200);
        assert!(page.contains("ops@meridian.example"));
        assert!(!page.contains("it@harbourline.example"));

        let disable = |id: i64| {
            let id = id.to_string();
            let client = client.clone();
            let server_url = server.url("/org/members");
            async move {
                submit(
                    &client,
                    &server_url,
                    &server_url,
                    &[
                        ("action", "disable"),
                        ("user_id", &id),
                        ("confirmed", "yes"),
                    ],
                )
                .await
                .0
            }
        };
        assert_eq!(
            disable(stranger).await,
            404,
            "another organisation's member is out of reach"
        );
        assert_eq!(disable(colleague).await, 303);
        let row = lookout_server::accounts::store::user_by_id(&server.state.db, colleague)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.disabled, 1);
        let row = lookout_server::accounts::store::user_by_id(&server.state.db, stranger)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.disabled, 0);

        // Admin pages stay closed to org-admins.
        let (status, _) = get(&client, &server.url("/admin/users")).await;
        assert_eq!(status, 403);

        // Inviting a colleague sends a link for this organisation only.
        let (status, _, body) = submit(
            &client,
            &server.url("/org/members"),
            &server.url("/org/members"),
            &[
                ("action", "invite"),
                ("email", "new@meridian.example"),
                ("role", "member"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            server
                .link_in_mail("new@meridian.example", "/invite/")
                .contains("/invite/")
        );
        let (status, _, _) = submit(
            &client,
            &server.url("/org/members"),
            &server.url("/org/members"),
            &[
                ("action", "invite"),
                ("email", "boss@meridian.example"),
                ("role", "admin"),
            ],
        )
        .await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn expired_invitations_say_what_to_do() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let org = server.org("Tidewater Mutual P&I", "pi-club").await;
        let mut tx = server.state.db.begin_write().await.unwrap();
        let (_, token) = lookout_server::accounts::membership_store::create_invitation(
            &mut tx,
            "late@tidewater.example",
            Some(org),
            lookout_server::accounts::model::Role::Member,
            None,
            -1,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (status, page) = get(&browser(), &server.url(&format!("/invite/{token}"))).await;
        assert_eq!(status, 409);
        assert!(page.contains("expired on"));
        let (status, page) = get(&browser(), &server.url("/invite/0000")).await;
        assert_eq!(status, 409);
        assert!(page.contains("not valid"));
    })
    .await;
}

#[tokio::test]
async fn password_reset_by_mail_ends_old_sessions() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Lodestar Classification", "class-society").await;
        server
            .user(
                "cyber@lodestar.example",
                "member",
                Some("Lodestar Classification"),
            )
            .await;
        let old = browser();
        sign_in(&server, &old, "cyber@lodestar.example", PASSWORD).await;

        let (status, _, body) = submit(
            &browser(),
            &server.url("/password-reset"),
            &server.url("/password-reset"),
            &[("email", "cyber@lodestar.example")],
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("reset link is on its way"));
        let link = server
            .wait_link_in_mail("cyber@lodestar.example", "/password-reset/")
            .await;
        // Unknown addresses get the same answer and no mail.
        let before = server.mails().len();
        let (_, _, body) = submit(
            &browser(),
            &server.url("/password-reset"),
            &server.url("/password-reset"),
            &[("email", "ghost@lodestar.example")],
        )
        .await;
        assert!(body.contains("reset link is on its way"));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(server.mails().len(), before);

        let new_password = "harbour lantern quietly drifting";
        let (status, location, _) = submit(
            &browser(),
            &link,
            &link,
            &[("password", new_password), ("confirm", new_password)],
        )
        .await;
        assert_eq!((status, location.as_deref()), (303, Some("/login")));
        let response = old.get(server.url("/account")).send().await.unwrap();
        assert_eq!(
            response.status().as_u16(),
            303,
            "sessions from before the reset are gone"
        );
        let (status, _, _) =
            sign_in(&server, &browser(), "cyber@lodestar.example", new_password).await;
        assert_eq!(status, 303);
        let (status, _) = get(&browser(), &link).await;
        assert_eq!(status, 409, "the reset link works once");
    })
    .await;
}

#[tokio::test]
async fn audit_chain_records_and_detects_tampering() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Aurora Ro-Ro Ferries", "ship-owner").await;
        server
            .user("it@aurora.example", "member", Some("Aurora Ro-Ro Ferries"))
            .await;
        sign_in(
            &server,
            &browser(),
            "it@aurora.example",
            "wrong password here",
        )
        .await;
        sign_in(&server, &browser(), "it@aurora.example", PASSWORD).await;
        use lookout_server::audit::{Verdict, verify};
        let Verdict::Intact { entries } =
            verify(&server.state.db, &server.state.key).await.unwrap()
        else {
            panic!("chain broken")
        };
        assert!(entries >= 4);
        let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
            .fetch_all(&server.state.db.pool)
            .await
            .unwrap();
        assert!(actions.contains(&"login.failed".to_string()));
        assert!(actions.contains(&"login".to_string()));
        // Someone with write access to the database, but not the key file,
        // rewrites an entry and every hash after it, as the chain's rule
        // says (length-prefixed fields, SHA-256, then with a key of their
        // own): without the portal's key the rewrite shows.
        let original: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
            "SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq",
        )
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
        let forged_key = lookout_server::secrets::MasterKey::from_hex(&"ab".repeat(32)).unwrap();
        for forge in [None, Some(&forged_key)] {
            let mut prev = "0".repeat(64);
            for (seq, at, actor, action, subject, detail) in &original {
                let detail = if *seq == 2 { "edited" } else { detail.as_str() };
                let mut data = Vec::new();
                for field in [
                    prev.as_str(),
                    &seq.to_string(),
                    &at.to_string(),
                    actor,
                    action,
                    subject,
                    detail,
                ] {
                    data.extend_from_slice(&(field.len() as u64).to_be_bytes());
                    data.extend_from_slice(field.as_bytes());
                }
                let hash = match forge {
                    None => lookout_server::secrets::sha256_hex(&data),
                    Some(key) => key.mac("audit-chain", &data),
                };
                sqlx::query(
                    "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                )
                .bind(detail)
                .bind(&prev)
                .bind(&hash)
                .bind(seq)
                .execute(&server.state.db.pool)
                .await
                .unwrap();
                prev = hash;
            }
            assert_eq!(
                verify(&server.state.db, &server.state.key).await.unwrap(),
                Verdict::Broken {
                    seq: 1,
                    reason: "content was altered"
                },
                "a chain rewritten without the key"
            );
        }
    })
    .await;
}

/// Disabling, changing a role and revoking a token take two clicks: the
/// first shows what will happen and changes nothing; only the button on that
/// page acts. Works without JavaScript.
#[tokio::test]
async fn destructive_actions_ask_before_they_act() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let member = server
            .user("ops@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        server.user("root@op.example", "admin", None).await;
        let root = browser();
        sign_in_enrolling(&server, &root, "root@op.example").await;
        let disabled = async || -> i64 {
            sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1")
                .bind(member)
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap()
        };

        let (_, users) = get(&root, &server.url("/admin/users")).await;
        assert!(users.contains("button class=\"link\""));
        let disable = server.url(&format!("/admin/users/{member}/disable"));
        let (status, _, page) = submit(&root, &server.url("/admin/users"), &disable, &[]).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("Disable ops (ops@northwind.example)?"),
            "{page}"
        );
        assert!(page.contains("name=\"confirmed\" value=\"yes\""));
        assert!(page.contains("href=\"/admin/users\">Cancel"));
        assert_eq!(disabled().await, 0, "asking changed nothing");
        let (status, _, _) = submit(
            &root,
            &server.url("/admin/users"),
            &disable,
            &[("confirmed", "yes")],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(disabled().await, 1);

        let role = server.url(&format!("/admin/users/{member}/role"));
        let (status, _, page) = submit(
            &root,
            &server.url("/admin/users"),
            &role,
            &[("role", "analyst")],
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Make ops (ops@northwind.example) analyst?"),
            "{page}"
        );
        assert!(page.contains("name=\"role\" value=\"analyst\""));
        let stored: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(member)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(stored, "member");
    })
    .await;
}
