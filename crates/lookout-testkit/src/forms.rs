//! The portal through HTTP as a browser without JavaScript uses it: pages,
//! forms with their CSRF token, signing in with a second factor.

use anyhow::Context as _;
use reqwest::redirect::Policy;

use crate::PASSWORD;

/// A portal reachable over HTTP, in-process or as a process.
pub trait Site {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    fn base(&self) -> &str;

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }
}

/// A client with a cookie jar that does not follow redirects, so tests
/// see where the portal sends them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A client without a cookie jar (cookies passed by hand), not following
/// redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("an HTTP client")
}

/// The CSRF token in a page's first form.
pub fn csrf_field(html: &str) -> anyhow::Result<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).context("no CSRF field")? + marker.len();
    let token = html.get(start..start + 64).context("short CSRF field")?;
    anyhow::ensure!(
        token.bytes().all(|b| b.is_ascii_hexdigit()),
        "malformed CSRF field"
    );
    Ok(token.to_string())
}

/// [`csrf_field`], for tests.
pub fn csrf(html: &str) -> String {
    csrf_field(html).unwrap_or_else(|e| panic!("page has a CSRF field: {e}"))
}

/// The cookie a response sets, as `name=value`.
pub fn set_cookie(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get("set-cookie")?.to_str().ok()?;
    Some(value.split(';').next()?.to_string())
}

pub async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Fetches `form_page`, then posts `fields` (with its CSRF token) to
/// `action`. Returns status, Location header and body.
pub async fn submit(
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let (_, html) = get(client, form_page).await;
    let token = csrf(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
    form.extend_from_slice(fields);
    answer(client.post(action).form(&form).send().await.unwrap()).await
}

/// Status, Location header and body of a response.
pub async fn answer(response: reqwest::Response) -> (u16, Option<String>, String) {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (status, location, response.text().await.unwrap())
}

/// `form` with `files` added under the field `name`, as a browser sends a
/// file input.
pub fn with_files(
    mut form: reqwest::multipart::Form,
    name: &str,
    files: &[(&str, Vec<u8>)],
) -> reqwest::multipart::Form {
    for (file_name, bytes) in files {
        form = form.part(
            name.to_string(),
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.to_string()),
        );
    }
    form
}

/// Posts a multipart form to `url`; status, Location header and body.
pub async fn post_multipart(
    client: &reqwest::Client,
    url: &str,
    form: reqwest::multipart::Form,
) -> (u16, Option<String>, String) {
    answer(client.post(url).multipart(form).send().await.unwrap()).await
}

/// Posts the sign-in form with the client's cookie jar.
pub async fn sign_in(
    server: &impl Site,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> (u16, Option<String>, String) {
    submit(
        client,
        &server.url("/login"),
        &server.url("/login"),
        &[("email", email), ("password", password)],
    )
    .await
}

/// Posts the sign-in form at `base` with the pre-login cookie the form
/// came with, passed by hand (for clients without a jar); the response.
pub async fn post_login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::Response> {
    let page = client.get(format!("{base}/login")).send().await?;
    let cookie = set_cookie(&page).context("no cookie on the login page")?;
    let token = csrf_field(&page.text().await?)?;
    Ok(client
        .post(format!("{base}/login"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await?)
}

/// Signs in with [`PASSWORD`] and returns the session cookie
/// (`name=value`).
pub async fn session_cookie(
    client: &reqwest::Client,
    base: &str,
    email: &str,
) -> anyhow::Result<String> {
    let response = post_login(client, base, email, PASSWORD).await?;
    anyhow::ensure!(
        response.status().as_u16() == 303,
        "sign-in answered {}",
        response.status()
    );
    set_cookie(&response).context("no session cookie")
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// The code an authenticator app shows for a base32 secret, `offset_steps`
/// 30-second steps from now.
pub fn totp_code(secret: &str, offset_steps: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("base32 TOTP key"))
        .with_account_name("x".to_string())
        .with_issuer(Some("Lookout".to_string()))
        .build()
        .expect("TOTP parameters");
    totp.generate((unix_now() as i64 + offset_steps * 30) as u64)
        .to_string()
}

/// Text between `id="ID">` and the next `<`.
pub fn element_text(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in page"))
        + marker.len();
    html[start..].split('<').next().unwrap().trim().to_string()
}

/// The value of the first `name="NAME" value="…"` in a page.
pub fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Signs in a member whose role needs a second factor, enrolling it.
/// Returns the TOTP secret.
pub async fn sign_in_enrolling(
    server: &impl Site,
    client: &reqwest::Client,
    email: &str,
) -> String {
    let (status, location, _) = sign_in(server, client, email, PASSWORD).await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/account/mfa"));
    let (_, page) = get(client, &server.url("/account/mfa")).await;
    let secret = element_text(&page, "totp-secret");
    let signature = field_value(&page, "signature");
    let code = totp_code(&secret, 0);
    let (status, _, body) = submit(
        client,
        &server.url("/account/mfa"),
        &server.url("/account/mfa"),
        &[
            ("secret", &secret),
            ("signature", &signature),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("recovery-codes"), "{body}");
    secret
}
