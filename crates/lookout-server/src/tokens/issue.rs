//! Issuance: a member's software sends blinded values; the portal signs
//! them with this month's key and counts them against the member's
//! allowance. The count per member and month is all that is stored: no
//! time, no blinded value, no signature.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Period, day_name, keys, spend, store};
use crate::accounts::api_auth::ApiUser;
use crate::accounts::extract::SignedIn;
use crate::accounts::model::User;
use crate::db::now;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::problem::{
    BadRequest, Conflict, Forbidden, InternalError, Problem, TooManyRequests, Unauthorized,
    UnprocessableContent, UnsupportedMediaType,
};
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

/// No member needs more in a month; bounds the signing work of one request.
pub const ALLOWANCE_MAX: u32 = 100;

pub const NOT_A_MEMBER: &str = "Membership tokens are for members of a member organisation. \
    Operator accounts (analysts, editors, admins) cannot fetch them.";

/// The allowance per member and month: an admin's setting, else the
/// configured default.
pub async fn allowance(state: &AppState) -> Result<u32, AppError> {
    let value = store::stored_allowance(&state.db).await?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(state.config.token_allowance))
}

pub fn may_fetch(user: &User) -> bool {
    crate::accounts::authz::member_org(user).is_some()
}

/// A batch of blind signatures, in the order the blinded values came.
#[derive(Serialize, ToSchema)]
pub struct Issued {
    /// The key that signed (its id in the key list).
    pub key_id: String,
    /// SHA-256 of its SubjectPublicKeyInfo, hex, as the key list gives it:
    /// the client checks both against the list it fetched without
    /// credentials.
    pub key_fingerprint: String,
    /// Members who have fetched tokens of this key, this member included.
    pub holders: i64,
    /// One per blinded value sent, base64url without padding.
    pub blind_signatures: Vec<String>,
    /// Tokens taken this month, these included.
    pub taken: u32,
    pub allowance: u32,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The date (UTC) the next month's allowance opens, `YYYY-MM-DD`.
    pub next_period_starts: String,
}

/// Signs `blinded` for `user` if the allowance has room.
pub async fn issue(
    state: &AppState,
    user: &User,
    key_id: &str,
    blinded: &[String],
) -> Result<Issued, Problem> {
    if !may_fetch(user) {
        return Err(Problem::new(StatusCode::FORBIDDEN, NOT_A_MEMBER));
    }
    let allowance = allowance(state).await?;
    let period = Period::containing(now());
    let next = day_name(period.ends());
    if blinded.is_empty() {
        return Err(Problem::unprocessable(
            "Send at least one blinded value to be signed.",
        ));
    }
    let (row, issuer) = keys::issuing(state).await?;
    if key_id != row.id {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "The portal's token key has changed (a new month has begun). \
             Load the key list again and blind new values for the current key.",
        ));
    }
    let already = store::taken(&state.db, user.id, period).await?;
    let left = allowance.saturating_sub(already);
    let wanted = u32::try_from(blinded.len()).unwrap_or(u32::MAX);
    if wanted > left {
        return Err(over_allowance(allowance, left, period, &next));
    }
    let modulus_len = issuer.public().modulus_len();
    let mut values = Vec::with_capacity(blinded.len());
    for (n, text) in blinded.iter().enumerate() {
        match lookout_tokens::decode_wire(text) {
            Ok(bytes) if bytes.len() == modulus_len => values.push(bytes),
            _ => {
                return Err(Problem::unprocessable(format!(
                    "blinded[{n}] is not a value blinded for key {}: expected {modulus_len} bytes, \
                     base64url without padding.",
                    row.id
                )));
            }
        }
    }
    // RSA signing is CPU work: off the async threads, before anything is
    // counted, so a value the key refuses costs the member nothing.
    let signer = issuer.clone();
    let signatures = tokio::task::spawn_blocking(move || {
        values
            .iter()
            .map(|v| signer.sign_blinded(v))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|_| {
        Problem::unprocessable(
            "One of the blinded values is not below the key's modulus: blind it again.",
        )
    })?;
    let counted = store::count_issued(&state.db, user.id, period, wanted, allowance)
        .await
        .map_err(AppError::from)?;
    if !counted {
        let left = allowance.saturating_sub(store::taken(&state.db, user.id, period).await?);
        return Err(over_allowance(allowance, left, period, &next));
    }
    Ok(Issued {
        key_fingerprint: keys::fingerprint(&row),
        holders: keys::holders(&state.db, &row).await?,
        key_id: row.id,
        blind_signatures: signatures
            .iter()
            .map(|s| lookout_tokens::encode_wire(s))
            .collect(),
        taken: store::taken(&state.db, user.id, period).await?,
        allowance,
        period: period.label(),
        next_period_starts: format!("{}-01", period.next().label()),
    })
}

fn over_allowance(allowance: u32, left: u32, period: Period, next: &str) -> Problem {
    let detail = if left == 0 {
        format!(
            "You have used all {allowance} tokens for {}. The next period starts on {next}.",
            period.name()
        )
    } else {
        format!(
            "You have {left} of your {allowance} tokens for {} left: ask for {left} or fewer. \
             The next period starts on {next}.",
            period.name()
        )
    };
    let wait = (period.ends() - now()).max(1);
    Problem::new(StatusCode::TOO_MANY_REQUESTS, detail).with_header(
        header::RETRY_AFTER,
        HeaderValue::from_str(&wait.to_string()).unwrap_or(HeaderValue::from_static("3600")),
    )
}

/// What a member asks the API to sign.
#[derive(Deserialize, ToSchema)]
pub struct BlindedBatch {
    /// The id of the key blinded for: the key list's `issuing` key.
    #[schema(pattern = "^[0-9a-f]{16}$", example = "3fa85f6457174562")]
    pub key_id: String,
    /// Blinded messages (RFC 9474 §4.2), base64url without padding, each as
    /// long as the key's modulus.
    #[schema(min_items = 1, max_items = 100)]
    pub blinded: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/v1/tokens",
    tag = "tokens",
    operation_id = "fetch_tokens",
    summary = "Have blinded membership tokens signed",
    description = "Signs up to the member's remaining monthly allowance of blinded \
        messages (RFC 9474 RSABSSA-SHA384-PSS-Randomized) with this month's key, listed at \
        /.well-known/lookout-token-keys. Only the number taken is recorded. Needs a token \
        with the `write` scope owned by a member of a member organisation. Spend the \
        finished tokens WITHOUT this API token (anonymous reports send no Authorization \
        header), or the two would be linked.",
    security(("bearer" = ["write"])),
    request_body(content = BlindedBatch, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed, in the order sent", body = Issued),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableContent),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
    )
)]
pub async fn fetch_tokens(
    State(state): State<AppState>,
    api: ApiUser,
    ApiJson(batch): ApiJson<BlindedBatch>,
) -> Result<Json<Issued>, Problem> {
    if !api.has_scope("write") {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Fetching membership tokens needs an API token with the 'write' scope.",
        ));
    }
    Ok(Json(
        issue(&state, &api.user, &batch.key_id, &batch.blinded).await?,
    ))
}

/// `POST /tokens/issue` from the tokens page's script: the blinded values
/// as form fields (the CSRF check reads `csrf` from the same body).
pub async fn issue_in_browser(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if !wants_json {
        // The form was sent without the script: nothing can be blinded.
        let user = visitor.require_user()?;
        let page = TokensPage::new(&state, &visitor, user).await?;
        let page = TokensPage {
            page: page.page.with_notice(NEEDS_SCRIPT),
            ..page
        };
        return render(&page);
    }
    let Some(user) = visitor.user.as_ref() else {
        return Ok(
            Problem::new(StatusCode::UNAUTHORIZED, "Sign in to fetch tokens.").into_response(),
        );
    };
    let mut key_id = String::new();
    let mut blinded = Vec::new();
    for (name, value) in url::form_urlencoded::parse(&body) {
        match name.as_ref() {
            "key_id" => key_id = value.into_owned(),
            "blinded" => blinded.push(value.into_owned()),
            _ => {}
        }
    }
    match issue(&state, user, &key_id, &blinded).await {
        Ok(issued) => {
            // This session may no longer spend: see spend.rs.
            spend::mark_session_fetched(&state, visitor.session_token()).await?;
            Ok(Json(issued).into_response())
        }
        Err(problem) => Ok(problem.into_response()),
    }
}

pub const NEEDS_SCRIPT: &str = "Your browser did not run this page's script, which blinds the \
    tokens on your computer before the portal signs them. Allow scripts from this site, or use \
    the command line (below).";

#[derive(Template)]
#[template(path = "tokens/tokens.html")]
pub struct TokensPage {
    pub page: Page,
    pub allowance: u32,
    pub taken: u32,
    pub period: String,
    pub next_period: String,
    pub portal: String,
    /// The key tokens are signed with now, as this signed-in page names it;
    /// the script checks the anonymous key list says the same.
    pub key_id: String,
    pub key_fingerprint: String,
    /// Members who have fetched tokens of this key so far.
    pub holders: i64,
}

impl TokensPage {
    async fn new(state: &AppState, visitor: &Visitor, user: &User) -> Result<TokensPage, AppError> {
        if !may_fetch(user) {
            return Err(AppError::Forbidden);
        }
        let period = Period::containing(now());
        let (key, _) = keys::issuing(state).await?;
        Ok(TokensPage {
            key_fingerprint: keys::fingerprint(&key),
            holders: keys::holders(&state.db, &key).await?,
            key_id: key.id,
            page: Page::new(visitor, "Membership tokens"),
            allowance: allowance(state).await?,
            taken: store::taken(&state.db, user.id, period).await?,
            period: period.name(),
            next_period: day_name(period.ends()),
            portal: state.config.public_url(),
        })
    }

    pub fn left(&self) -> u32 {
        self.allowance.saturating_sub(self.taken)
    }

    pub fn short_fingerprint(&self) -> String {
        keys::short_fingerprint(&self.key_fingerprint)
    }

    pub fn small_set(&self) -> bool {
        self.holders < super::SMALL_ANONYMITY_SET
    }
}

/// `GET /tokens`.
pub async fn page(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    render(&TokensPage::new(&state, &visitor, &user).await?)
}
