//! The forum end to end, on every backend: categories an admin sets, who
//! may enter them and read each thread, posting named and under a
//! pseudonym, quoting, editing with history, deleting, files cleaned like
//! report attachments, mentions and follows reaching the alerts page,
//! moderation in the audit log, and hostile Markdown rendered harmless.

use std::time::Duration;

use lookout_server::Config;
use lookout_testkit::*;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn small_files(config: &mut Config) {
    config.attachment_max_mb = 1;
}

/// Posts a forum form as the browser does (multipart, token in the query).
async fn post_form(
    server: &TestServer,
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> (u16, Option<String>, String) {
    let (status, page) = get(client, &server.url(form_page)).await;
    assert_eq!(status, 200, "{form_page}: {page}");
    let token = csrf(&page);
    let mut form = reqwest::multipart::Form::new().text("csrf", token.clone());
    for (key, value) in fields {
        form = form.text(key.to_string(), value.to_string());
    }
    let form = with_files(form, "files", files);
    post_multipart(client, &server.url(&format!("{action}?csrf={token}")), form).await
}

/// Starts a thread; returns its path (`/forum/t/T-…`).
async fn start_thread(
    server: &TestServer,
    client: &reqwest::Client,
    category: &str,
    title: &str,
    tlp: &str,
    body: &str,
    pseudonymous: bool,
) -> String {
    let mut fields = vec![
        ("title", title),
        ("tlp", tlp),
        ("body", body),
        ("action", "post"),
    ];
    if pseudonymous {
        fields.push(("pseudonymous", "1"));
    }
    let new = format!("/forum/c/{category}/new");
    let (status, location, page) = post_form(server, client, &new, &new, &fields, &[]).await;
    assert_eq!(status, 303, "{page}");
    location.unwrap().split('?').next().unwrap().to_string()
}

async fn reply(
    server: &TestServer,
    client: &reqwest::Client,
    thread: &str,
    body: &str,
    pseudonymous: bool,
) -> (u16, Option<String>, String) {
    let mut fields = vec![("body", body), ("action", "post")];
    if pseudonymous {
        fields.push(("pseudonymous", "1"));
    }
    post_form(server, client, thread, thread, &fields, &[]).await
}

/// Polls the alerts page until it mentions `needle`.
async fn alerted(server: &TestServer, client: &reqwest::Client, needle: &str) -> String {
    for _ in 0..100 {
        let (_, page) = get(client, &server.url("/alerts")).await;
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the alerts page never showed {needle}");
}

/// The text of post `number` on a thread page.
fn post_html(page: &str, number: i64) -> String {
    let start = page
        .find(&format!("id=\"p{number}\""))
        .unwrap_or_else(|| panic!("no post {number}"));
    let end = page[start..].find("</article>").unwrap() + start;
    page[start..end].to_string()
}

/// Sets up categories through the admin page; returns the signed-in admin.
async fn categories(server: &TestServer) -> reqwest::Client {
    server.user("admin@op.example", "admin", None).await;
    let admin = browser();
    sign_in_enrolling(server, &admin, "admin@op.example").await;
    for (slug, name, kinds) in [
        ("general", "General discussion", vec![]),
        ("ports", "Ports and terminals", vec!["port"]),
    ] {
        let mut fields = vec![("slug", slug), ("name", name), ("description", "")];
        for kind in kinds {
            fields.push(("org_kind", kind));
        }
        let (status, _, body) = submit(
            &admin,
            &server.url("/admin/forum"),
            &server.url("/admin/forum"),
            &fields,
        )
        .await;
        assert_eq!(status, 303, "{body}");
    }
    // A bad address comes back with the name kept.
    let (status, _, body) = submit(
        &admin,
        &server.url("/admin/forum"),
        &server.url("/admin/forum"),
        &[("slug", "Ports & Co"), ("name", "Kept name")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("lower-case letters") && body.contains("value=\"Kept name\""));
    admin
}

async fn member(server: &TestServer, email: &str, org: &str) -> reqwest::Client {
    server.user(email, "member", Some(org)).await;
    let client = browser();
    let (status, _, _) = sign_in(server, &client, email, PASSWORD).await;
    assert_eq!(status, 303);
    client
}

#[tokio::test]
async fn members_post_quote_edit_and_delete_named_or_under_a_pseudonym() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&small_files)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.org("Baltic Bulk", "ship-owner").await;
        server.org("Port of Kestrel Bay", "port").await;
        let admin = categories(&server).await;
        let tom = member(&server, "tom.brandt@northwind.example", "Northwind Tankers").await;
        let oskar = member(&server, "oskar.lind@baltic.example", "Baltic Bulk").await;
        let luis = member(&server, "luis@kestrel.example", "Port of Kestrel Bay").await;

        // Oskar reads alerts in a daily digest; Luis follows the category.
        let oskar_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind("oskar.lind@baltic.example")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let mut tx = server.state.db.begin_write().await.unwrap();
        lookout_server::alerts::subscriptions::save(
            &mut tx,
            oskar_id,
            &lookout_server::alerts::subscriptions::Subscription {
                email: lookout_server::alerts::subscriptions::EmailMode::Immediate,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (_, page) = get(&luis, &server.url("/forum/c/general")).await;
        let token = csrf(&page);
        let response = luis
            .post(server.url("/forum/follow"))
            .form(&[
                ("csrf", token.as_str()),
                ("kind", "category"),
                ("target", "general"),
                ("on", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let (_, index) = get(&luis, &server.url("/forum")).await;
        assert_eq!(index.matches("(following)").count(), 1, "{index}");

        // Tom starts a thread mentioning Oskar, with a photo carrying GPS.
        let new = "/forum/c/general/new";
        let (status, location, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "Fake bunker invoices"),
                ("tlp", "amber"),
                ("body", "Two invoices with new bank details. @oskar.lind have you seen them? @no.such.member"),
                ("action", "post"),
            ],
            &[("bridge.jpg", photo_with_gps())],
        )
        .await;
        assert_eq!(status, 303, "{page}");
        let location = location.unwrap();
        assert!(location.contains("done=unknown"), "{location}");
        let thread = location.split('?').next().unwrap().to_string();
        let (_, page) = get(&tom, &server.url(&location)).await;
        assert!(page.contains("goes by @no.such.member"), "{page}");
        assert!(
            post_html(&page, 1).contains("@tom.brandt"),
            "named posts show the handle"
        );

        // Oskar is told, reads it and gets the photo without its position.
        let alerts = alerted(&server, &oskar, "Mentioned in the forum").await;
        assert!(alerts.contains("Fake bunker invoices"));
        // By mail only in the digest, though he asked for immediate mail
        // for advisories; never by webhook.
        let (in_digest, immediate): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM notifications n JOIN alerts a ON a.id = n.alert_id \
             WHERE n.user_id = $1 AND a.kind = 'forum.mention' AND n.in_digest = 1), \
             (SELECT COUNT(*) FROM outbox o JOIN alerts a ON a.id = o.alert_id \
             WHERE a.kind LIKE 'forum.%')",
        )
        .bind(oskar_id)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!((in_digest, immediate), (1, 0));
        // Luis, following the category, hears of the new thread.
        let alerts = alerted(&server, &luis, "New thread in a category you follow").await;
        assert!(alerts.contains("Fake bunker invoices"));
        // A post hidden (or deleted) since is gone from every alert about
        // it; shown again, it is back.
        for state in ["hidden", "visible"] {
            sqlx::query(
                "UPDATE forum_posts SET state = $1 WHERE number = 1 AND thread_id = \
                 (SELECT id FROM forum_threads WHERE title LIKE 'Fake bunker invoices%')",
            )
            .bind(state)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
            for reader in [&oskar, &luis] {
                let (_, page) = get(reader, &server.url("/alerts")).await;
                assert_eq!(
                    page.contains("Fake bunker invoices"),
                    state == "visible",
                    "{state}"
                );
            }
        }
        let (status, page) = get(&oskar, &server.url(&thread)).await;
        assert_eq!(status, 200);
        let file = page
            .split("href=\"/forum/files/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let response = oskar
            .get(server.url(&format!("/forum/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let cleaned = response.bytes().await.unwrap();
        assert!(cleaned.starts_with(&[0xFF, 0xD8]));
        assert!(contains(&photo_with_gps(), b"GPS") && !contains(&cleaned, b"GPS"));

        // Oskar answers twice under his pseudonym: one name, never his.
        let (status, _, body) =
            reply(&server, &oskar, &thread, "Yes, three weeks ago.", true).await;
        assert_eq!(status, 303, "{body}");
        reply(
            &server,
            &oskar,
            &thread,
            "We now call back on a known number.",
            true,
        )
        .await;
        let (_, page) = get(&tom, &server.url(&thread)).await;
        let second = post_html(&page, 2);
        let third = post_html(&page, 3);
        let name_of = |html: &str| {
            html.split("class=\"author\">")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        };
        let oskar_here = name_of(&second);
        assert_eq!(oskar_here, name_of(&third));
        for html in [&second, &third] {
            assert!(html.contains("(pseudonym)"));
            assert!(
                !html.contains("oskar") && !html.contains("Baltic Bulk"),
                "{html}"
            );
        }
        assert!(!page.contains("Baltic Bulk"));
        // Moderators and admins see the pseudonym too, nothing more.
        let (_, admin_page) = get(&admin, &server.url(&thread)).await;
        assert!(admin_page.contains(&oskar_here));
        assert!(
            !post_html(&admin_page, 2).contains("oskar") && !admin_page.contains("Baltic Bulk")
        );
        // Another thread, another pseudonym.
        let other = start_thread(
            &server,
            &oskar,
            "general",
            "Crew Wi-Fi",
            "green",
            "How do you separate it?",
            true,
        )
        .await;
        let (_, page) = get(&tom, &server.url(&other)).await;
        assert!(!page.contains(&oskar_here));
        // The database keeps no account for a pseudonymous post.
        let rows: Vec<(Option<i64>, Option<String>, String)> = sqlx::query_as(
            "SELECT author_id, author_tag, pseudonym FROM forum_posts WHERE pseudonym IS NOT NULL",
        )
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(rows.len(), 3);
        for (author_id, tag, _) in &rows {
            assert_eq!(*author_id, None);
            let tag = tag.as_deref().unwrap();
            assert!(tag.len() == 64 && tag.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_ne!(tag, oskar_id.to_string());
        }
        let follows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM forum_follows")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(
            follows, 1,
            "posting follows nothing by itself (Luis's one follow)"
        );

        // Quoting fills the reply form with the quoted post.
        let (_, page) = get(&tom, &server.url(&format!("{thread}?quote=2"))).await;
        // The reply box says how widely the reply will be shared.
        let level = element_text(&page, "reply-level");
        assert!(level.starts_with("Your reply and its files are shared like the thread"), "{level}");
        let reminder = &page[page.find("id=\"reply-level\"").unwrap()..];
        let reminder = reminder.split("</p>").next().unwrap();
        assert!(reminder.contains("class=\"tlp tlp-"), "{reminder}");
        assert!(
            page.contains(&format!("{oskar_here} wrote in [#2](#p2):")),
            "{page}"
        );
        assert!(
            page.contains("&gt; Yes, three weeks ago.")
                || page.contains("&#62; Yes, three weeks ago."),
            "{page}"
        );

        // Oskar edits his pseudonymous post; its history keeps the old text.
        let edit = format!("{thread}/2/edit");
        let (status, _) = get(&tom, &server.url(&edit)).await;
        assert_eq!(status, 403, "only its author edits a post");
        let (status, _, _) = submit(
            &tom,
            &server.url(&thread),
            &server.url(&edit),
            &[("body", "mine now")],
        )
        .await;
        assert_eq!(status, 403);
        let (status, _, body) = submit(
            &oskar,
            &server.url(&edit),
            &server.url(&edit),
            &[("body", " ")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("the post is empty"));
        let (status, location, _) = submit(
            &oskar,
            &server.url(&edit),
            &server.url(&edit),
            &[("body", "Yes, three weeks ago, from a look-alike domain.")],
        )
        .await;
        assert_eq!(status, 303);
        assert!(location.unwrap().contains("done=edited"));
        let (_, history) = get(&tom, &server.url(&format!("{thread}/2/history"))).await;
        assert!(
            history.contains("from a look-alike domain")
                && history.contains("Yes, three weeks ago.")
        );
        assert!(history.contains(&oskar_here) && !history.contains("oskar"));

        // Deleting leaves a placeholder and nothing of the text.
        let post_id: i64 = sqlx::query_scalar(
            "SELECT p.id FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id \
             WHERE t.ref = $1 AND p.number = 2",
        )
        .bind(thread.trim_start_matches("/forum/t/"))
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        let (_, page) = get(&oskar, &server.url(&thread)).await;
        let token = csrf(&page);
        let response = oskar
            .post(server.url(&format!("{thread}/2/delete")))
            .form(&[("csrf", token.as_str()), ("confirmed", "yes")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let (_, page) = get(&tom, &server.url(&thread)).await;
        assert!(post_html(&page, 2).contains("Deleted by its author."));
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM forum_post_revisions WHERE post_id = $1")
                .bind(post_id)
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(left, 0);
        let body: String = sqlx::query_scalar("SELECT body FROM forum_posts WHERE id = $1")
            .bind(post_id)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(body, "");

        // Categories and sharing levels: a port-only category and an AMBER
        // thread do not exist for those outside them.
        let ports = start_thread(
            &server,
            &luis,
            "ports",
            "Agents phished",
            "green",
            "PCS look-alike page.",
            false,
        )
        .await;
        let (status, _) = get(&tom, &server.url(&ports)).await;
        assert_eq!(status, 404);
        let (status, _) = get(&tom, &server.url("/forum/c/ports")).await;
        assert_eq!(status, 404);
        let (_, index) = get(&tom, &server.url("/forum")).await;
        assert!(!index.contains("Ports and terminals"));
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Baltic Bulk'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _) = get(&oskar, &server.url(&thread)).await;
        assert_eq!(
            status, 404,
            "an AMBER thread is above a GREEN organisation's level"
        );
        let (_, category) = get(&oskar, &server.url("/forum/c/general")).await;
        assert!(!category.contains("Fake bunker invoices") && category.contains("Crew Wi-Fi"));

        // Following: Luis follows nothing in general; Tom follows Crew Wi-Fi
        // and hears of the next post there.
        let (_, page) = get(&tom, &server.url(&other)).await;
        let token = csrf(&page);
        let response = tom
            .post(server.url("/forum/follow"))
            .form(&[
                ("csrf", token.as_str()),
                ("kind", "thread"),
                ("target", other.trim_start_matches("/forum/t/")),
                ("on", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        reply(
            &server,
            &luis,
            &other,
            "Separate VLANs and a captive portal.",
            false,
        )
        .await;
        let alerts = alerted(&server, &tom, "New post in a thread you follow").await;
        assert!(alerts.contains("Crew Wi-Fi"));
    })
    .await;
}

#[tokio::test]
async fn bad_posts_come_back_with_the_text_and_store_nothing() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&small_files)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        categories(&server).await;
        let tom = member(&server, "tom@northwind.example", "Northwind Tankers").await;
        let new = "/forum/c/general/new";
        let kept = "A long careful write-up I do not want to lose.";

        // No title: the form comes back with the text.
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", ""),
                ("tlp", "amber"),
                ("body", kept),
                ("action", "post"),
            ],
            &[],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains(kept) && page.contains("The title must contain"));
        // RED is not a forum level.
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "T"),
                ("tlp", "red"),
                ("body", kept),
                ("action", "post"),
            ],
            &[],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("RED is for named recipients"));
        // A program cannot be shared: what to do instead, text kept.
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "Loader"),
                ("tlp", "amber"),
                ("body", kept),
                ("action", "post"),
            ],
            &[(
                "loader.exe",
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec(),
            )],
        )
        .await;
        assert_eq!(status, 422, "{page}");
        assert!(
            page.contains(kept) && page.contains("File analysis"),
            "{page}"
        );
        assert!(page.contains("Choose your files again"));
        // Too large: 413 with a readable message.
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "Big"),
                ("tlp", "amber"),
                ("body", kept),
                ("action", "post"),
            ],
            &[("huge.jpg", vec![0u8; 7 * 1024 * 1024])],
        )
        .await;
        assert_eq!(status, 413);
        assert!(page.contains("larger than this portal accepts"), "{page}");
        // Huge: refused with the size, the start of the text kept.
        let huge = format!("{kept} {}", "word ".repeat(10_000));
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "Long"),
                ("tlp", "amber"),
                ("body", &huge),
                ("action", "post"),
            ],
            &[],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("keep it under 40000") && page.contains(kept));
        // A preview stores nothing and shows the rendering.
        let (status, _, page) = post_form(
            &server,
            &tom,
            new,
            new,
            &[
                ("title", "T"),
                ("tlp", "amber"),
                ("body", "**bold** idea"),
                ("action", "preview"),
            ],
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert!(page.contains("<strong>bold</strong>"));
        for table in ["forum_threads", "forum_posts", "forum_attachments"] {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(&server.state.db.pool)
                    .await
                    .unwrap();
            assert_eq!(n, 0, "{table}");
        }
    })
    .await;
}

#[tokio::test]
async fn moderators_hide_lock_pin_and_move_and_the_audit_log_says_so() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let admin = categories(&server).await;
        let tom = member(&server, "tom@northwind.example", "Northwind Tankers").await;
        let grace = member(&server, "grace@northwind.example", "Northwind Tankers").await;
        server.user("mo@op.example", "moderator", None).await;
        let mo = browser();
        sign_in_enrolling(&server, &mo, "mo@op.example").await;

        let thread = start_thread(
            &server,
            &tom,
            "general",
            "Engine-room USB",
            "green",
            "Use the kiosk.",
            false,
        )
        .await;
        reply(
            &server,
            &grace,
            &thread,
            "Call Northwind's master on +47 555 0100, he knows.",
            true,
        )
        .await;

        // A member reports the post; it waits in the moderators' queue.
        let (status, _, page) = submit(
            &tom,
            &server.url(&format!("{thread}/2/report")),
            &server.url(&format!("{thread}/2/report")),
            &[("reason", "")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("what is wrong"));
        let (status, _, page) = submit(
            &tom,
            &server.url(&format!("{thread}/2/report")),
            &server.url(&format!("{thread}/2/report")),
            &[("reason", "It names a master and his phone.")],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let (status, _) = get(&tom, &server.url("/forum/moderation")).await;
        assert_eq!(status, 403);
        let (_, queue) = get(&mo, &server.url("/forum/moderation")).await;
        assert!(
            queue.contains("It names a master and his phone.") && queue.contains("Engine-room USB")
        );

        // Hidden: members see the reason, not the words; the moderator both.
        let (status, _, _) = submit(
            &mo,
            &server.url(&format!("{thread}/2/moderate")),
            &server.url(&format!("{thread}/2/moderate")),
            &[("action", "hide"), ("reason", "")],
        )
        .await;
        assert_eq!(status, 422, "a hidden post needs a reason");
        let (status, _, _) = submit(
            &mo,
            &server.url(&format!("{thread}/2/moderate")),
            &server.url(&format!("{thread}/2/moderate")),
            &[("action", "hide"), ("reason", "Named a person")],
        )
        .await;
        assert_eq!(status, 303);
        let (_, page) = get(&tom, &server.url(&thread)).await;
        let hidden = post_html(&page, 2);
        assert!(hidden.contains("Hidden by a moderator: Named a person"));
        assert!(!hidden.contains("555 0100"));
        let (_, page) = get(&mo, &server.url(&thread)).await;
        assert!(post_html(&page, 2).contains("555 0100"));
        let (_, queue) = get(&mo, &server.url("/forum/moderation")).await;
        assert!(queue.contains("No open reports"));
        // Its author cannot edit it back.
        let (status, _) = get(&grace, &server.url(&format!("{thread}/2/edit"))).await;
        assert_eq!(status, 409);

        // Members cannot moderate.
        let (status, _, _) = submit(
            &tom,
            &server.url(&thread),
            &server.url(&format!("{thread}/moderate")),
            &[("action", "lock")],
        )
        .await;
        assert_eq!(status, 403);
        // Locked: no replies from members.
        let (status, _, _) = submit(
            &mo,
            &server.url(&thread),
            &server.url(&format!("{thread}/moderate")),
            &[("action", "lock")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, page) = reply(&server, &tom, &thread, "One more thing", false).await;
        assert_eq!(status, 422);
        assert!(page.contains("locked this thread") && page.contains("One more thing"));
        // Pinned and moved.
        for fields in [
            vec![("action", "pin")],
            vec![("action", "move"), ("category", "ports")],
        ] {
            let (status, _, _) = submit(
                &mo,
                &server.url(&thread),
                &server.url(&format!("{thread}/moderate")),
                &fields,
            )
            .await;
            assert_eq!(status, 303);
        }
        let (status, _) = get(&tom, &server.url(&thread)).await;
        assert_eq!(
            status, 404,
            "moved to the ports' category, which a ship owner cannot enter"
        );

        let (_, audit) = get(&admin, &server.url("/admin/audit")).await;
        for action in [
            "forum.post.hidden",
            "forum.thread.locked",
            "forum.thread.pinned",
            "forum.thread.moved",
        ] {
            assert!(
                audit.contains(action),
                "{action} missing from the audit log"
            );
        }
        // The pseudonymous author is in no audit entry.
        let grace_id: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'grace@northwind.example'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        let mentions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE actor = $1 AND action LIKE 'forum.%'",
        )
        .bind(format!("user:{grace_id}"))
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(mentions, 0);
    })
    .await;
}

#[tokio::test]
async fn posts_sent_at_once_get_their_own_numbers_and_deep_nesting_stays_bounded() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let first = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        // A second process on the same database and key file.
        let second = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        first.org("Northwind Tankers", "ship-owner").await;
        categories(&first).await;
        let tom = member(&first, "tom@northwind.example", "Northwind Tankers").await;
        let thread = start_thread(
            &first,
            &tom,
            "general",
            "Busy thread",
            "green",
            "Start",
            false,
        )
        .await;
        let mut clients = Vec::new();
        for i in 0..8 {
            let server = if i % 2 == 0 { &first } else { &second };
            let email = format!("m{i}@northwind.example");
            server
                .user(&email, "member", Some("Northwind Tankers"))
                .await;
            let client = browser();
            sign_in(server, &client, &email, PASSWORD).await;
            clients.push((server, client));
        }
        let replies = clients.iter().enumerate().map(|(i, (server, client))| {
            let thread = thread.clone();
            async move {
                let body = format!("Reply {i}");
                reply(server, client, &thread, &body, i % 3 == 0).await.0
            }
        });
        let statuses = futures_util::future::join_all(replies).await;
        assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT p.number FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id \
             WHERE t.ref = $1 ORDER BY p.number",
        )
        .bind(thread.trim_start_matches("/forum/t/"))
        .fetch_all(&first.state.db.pool)
        .await
        .unwrap();
        assert_eq!(numbers, (1..=9).collect::<Vec<i64>>());
        let count: i64 = sqlx::query_scalar("SELECT post_count FROM forum_threads WHERE ref = $1")
            .bind(thread.trim_start_matches("/forum/t/"))
            .fetch_one(&first.state.db.pool)
            .await
            .unwrap();
        assert_eq!(count, 9);

        // Ten thousand levels of quotes and lists render, flattened.
        let deep = "> - ".repeat(5_000) + "bottom";
        let (status, _, _) = reply(&first, &tom, &thread, &deep, false).await;
        assert_eq!(status, 303);
        let (status, page) = get(&tom, &first.url(&format!("{thread}?page=1"))).await;
        assert_eq!(status, 200);
        assert!(page.contains("bottom"));
        assert!(
            page.matches("<blockquote>").count() <= 64,
            "nesting is bounded"
        );
    })
    .await;
}

/// Elements a rendered post may contain; anything else in a post's HTML
/// came from the author and must never reach the page.
const ALLOWED: &[&str] = &[
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "del",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

fn check_rendered(html: &str) -> Result<(), String> {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let tag = &rest[at + 1..];
        let end = tag.find('>').ok_or("unclosed tag")?;
        let inside = &tag[..end];
        rest = &tag[end..];
        if inside.starts_with('/') {
            continue;
        }
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !ALLOWED.contains(&name.as_str()) {
            return Err(format!("element <{inside}>"));
        }
        let lower = inside.to_ascii_lowercase();
        if lower.contains(" on")
            || lower.contains("javascript:")
            || lower.contains("data:")
            || lower.contains("style")
        {
            return Err(format!("attribute in <{inside}>"));
        }
        if name == "a"
            && !(lower.contains("href=\"http")
                || lower.contains("href=\"mailto:")
                || lower.contains("href=\"/"))
            && lower != "a"
        {
            return Err(format!("link <{inside}>"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_xss_corpus_posted_in_the_forum_renders_harmless() {
    let corpus: Vec<String> = include_str!("../../lookout-markdown/tests/xss-corpus.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("\\n", "\n").replace("\\t", "\t"))
        .collect();
    assert!(corpus.len() > 100);
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    server.org("Northwind Tankers", "ship-owner").await;
    categories(&server).await;
    let tom = member(&server, "tom@northwind.example", "Northwind Tankers").await;
    let thread = start_thread(
        &server,
        &tom,
        "general",
        "<script>alert('title')</script>",
        "green",
        &corpus[0],
        false,
    )
    .await;
    for payload in &corpus[1..] {
        let (status, _, body) = reply(&server, &tom, &thread, payload, false).await;
        assert!(status == 303 || status == 422, "{status}: {body}");
    }
    let pages = (corpus.len() as i64 + 29) / 30;
    let mut checked = 0;
    for n in 1..=pages {
        let (_, page) = get(&tom, &server.url(&format!("{thread}?page={n}"))).await;
        assert!(!page.contains("<script>alert"), "the title is escaped");
        for block in page.split("<div class=\"prose\">").skip(1) {
            let html = block.split("</div>").next().unwrap();
            if let Err(problem) = check_rendered(html) {
                panic!("{problem} in a rendered post: {html}");
            }
            checked += 1;
        }
    }
    assert!(checked >= corpus.len() - 2, "checked {checked} posts");
}

/// Tom's session, as a copy of the database shows it.
async fn session_times(server: &TestServer, user_id: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap()
}

/// A member idles, then posts under a pseudonym: the database must not
/// hold a session time that matches the post's. Sessions keep activity to
/// the hour and only page reads record it; posts keep the minute pages show.
#[tokio::test]
async fn a_pseudonymous_post_leaves_no_session_time_to_match_it() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let long_idle = |c: &mut Config| c.session_idle_minutes = 600;
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&long_idle)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let _admin = categories(&server).await;
        let tom = member(&server, "tom.brandt@northwind.example", "Northwind Tankers").await;
        let tom_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind("tom.brandt@northwind.example")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let thread = start_thread(
            &server,
            &tom,
            "general",
            "Jamming off Kestrel Bay",
            "amber",
            "GNSS lost twice at anchor.",
            false,
        )
        .await;
        let (_, page) = get(&tom, &server.url(&thread)).await;
        let token = csrf(&page);

        // Tom has read nothing since the previous hour.
        let now = lookout_server::db::now();
        let idle_since = now - now % 3600 - 3600;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
            .bind(idle_since)
            .bind(tom_id)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .text("body", "Same here, on the 12th, twice.")
            .text("pseudonymous", "1")
            .text("action", "post");
        let response = tom
            .post(server.url(&format!("{thread}?csrf={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_string();

        let posted: i64 =
            sqlx::query_scalar("SELECT created_at FROM forum_posts WHERE pseudonym IS NOT NULL")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(posted % 60, 0, "a post keeps its minute, as pages show it");
        assert_eq!(
            session_times(&server, tom_id).await,
            [idle_since],
            "the request that posted recorded no session activity"
        );

        // Reading afterwards records the hour, coarser than the post's
        // minute, and the session is still signed in.
        let (status, page) = get(&tom, &server.url(&location)).await;
        assert_eq!(status, 200);
        assert!(page.contains("(pseudonym)"), "{page}");
        let seen = session_times(&server, tom_id).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0] % 3600, 0, "activity kept to the hour: {seen:?}");
        assert!(seen[0] > idle_since, "{seen:?} {posted}");

        // The idle timeout still ends a session left alone long enough.
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
            .bind(idle_since - 10 * 3600)
            .bind(tom_id)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _) = get(&tom, &server.url(&location)).await;
        assert_eq!(status, 303, "idle past the timeout: signed out");
        assert!(session_times(&server, tom_id).await.is_empty());
    })
    .await;
}

/// Every integer in the portal's own links and form targets on `page`.
fn numbers_in_links(page: &str) -> Vec<i64> {
    let mut numbers = Vec::new();
    for attr in ["href=\"", "action=\""] {
        for piece in page.split(attr).skip(1) {
            let target = piece.split('"').next().unwrap_or_default();
            if !target.starts_with('/') && !target.starts_with('#') {
                continue;
            }
            for part in target.split(['/', '?', '&', '=', '#', 'p']) {
                if let Ok(n) = part.parse::<i64>() {
                    numbers.push(n);
                }
            }
        }
    }
    numbers
}

/// Posts in a category a reader cannot enter, made between two posts they
/// can read, must leave no trace in what the reader sees: no link, form,
/// anchor or feed entry carries a number shared by all posts or alerts.
#[tokio::test]
async fn a_reader_cannot_count_posts_in_threads_they_cannot_see() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.org("Baltic Bulk", "ship-owner").await;
        server.org("Port of Kestrel Bay", "port").await;
        let _admin = categories(&server).await;
        let tom = member(&server, "tom.brandt@northwind.example", "Northwind Tankers").await;
        let oskar = member(&server, "oskar.lind@baltic.example", "Baltic Bulk").await;
        let luis = member(&server, "luis@kestrel.example", "Port of Kestrel Bay").await;
        let ines = member(&server, "ines@kestrel.example", "Port of Kestrel Bay").await;

        let follow = |client: reqwest::Client, kind: &'static str, target: String, from: String| {
            let server_url = server.url("/forum/follow");
            let from = server.url(&from);
            async move {
                let (_, page) = get(&client, &from).await;
                let token = csrf(&page);
                let response = client
                    .post(server_url)
                    .form(&[
                        ("csrf", token.as_str()),
                        ("kind", kind),
                        ("target", target.as_str()),
                        ("on", "1"),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 303);
            }
        };
        let thread = start_thread(
            &server,
            &tom,
            "general",
            "Phishing with crew lists",
            "green",
            "Seen twice this week.",
            false,
        )
        .await;
        let reference = thread.trim_start_matches("/forum/t/").to_string();
        follow(oskar.clone(), "thread", reference.clone(), thread.clone()).await;
        follow(
            ines.clone(),
            "category",
            "ports".into(),
            "/forum/c/ports".into(),
        )
        .await;
        reply(&server, &tom, &thread, "Third one today.", false).await;
        // Posts (and alerts) Oskar may not see.
        for title in ["Gate system outage", "Crane PLC scan", "Fake berth change"] {
            start_thread(
                &server,
                &luis,
                "ports",
                title,
                "green",
                "In the port.",
                false,
            )
            .await;
        }
        let (status, location, _) = reply(&server, &tom, &thread, "And a fourth.", true).await;
        assert_eq!(status, 303);
        let location = location.unwrap();
        assert!(location.ends_with("#p3"), "lands on its anchor: {location}");

        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM forum_posts ORDER BY id")
            .fetch_all(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(ids.len(), 6);

        // Oskar's pages: the thread (each post's actions), a post's report
        // form, the alerts page. Only the thread's own numbers appear.
        let (_, page) = get(&oskar, &server.url(&location)).await;
        assert!(page.contains("And a fourth."));
        let alerts = alerted(&server, &oskar, &format!("{reference}#p3")).await;
        let (status, report) = get(&oskar, &server.url(&format!("{thread}/3/report"))).await;
        assert_eq!(status, 200, "{report}");
        for (name, html) in [("thread", &page), ("alerts", &alerts), ("report", &report)] {
            let numbers = numbers_in_links(html);
            assert!(
                numbers.iter().all(|n| (1..=3).contains(n)),
                "{name}: {numbers:?} holds more than the thread's own post numbers"
            );
        }
        assert!(!page.contains("/forum/p/"), "no global post address");

        // The Atom feed names its entries without a shared counter.
        submit(
            &oskar,
            &server.url("/alerts"),
            &server.url("/alerts/feed"),
            &[],
        )
        .await;
        let (_, page) = get(&oskar, &server.url("/alerts")).await;
        let feed_url = element_text(&page, "feed-url");
        let feed_text = browser()
            .get(&feed_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let feed: atom_syndication::Feed = feed_text.parse().unwrap();
        assert_eq!(feed.entries().len(), 2, "{feed_text}");
        for id in std::iter::once(feed.id()).chain(feed.entries().iter().map(|e| e.id())) {
            let last = id.rsplit(['/', '-']).next().unwrap();
            assert!(
                last.len() == 64 && last.parse::<u128>().is_err(),
                "a feed id carries a counter: {id}"
            );
        }
    })
    .await;
}
