//! The TAXII 2.1 server at `/taxii2/`: discovery, one API root, a
//! collection per sharing level the member may read and one for their own
//! organisation, objects with stateless signed paging, manifests, versions
//! and single objects; every response (errors included) in TAXII's media
//! type. Members authenticate with their API token, as a Bearer token or as
//! the password of HTTP Basic (any user name).

// Handlers answer a refusal as the response itself, once per request.
#![allow(clippy::result_large_err)]

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use lookout_intel::Tlp;
use lookout_intel::taxii::{self, Cursor, Filter, MEDIA_TYPE_STIX, MEDIA_TYPE_TAXII, VersionMatch};
use sha2::{Digest, Sha256};

use super::export::{self, level_collection, org_collection};
use super::store::{self, ObjectQuery, StoredObject};
use crate::accounts::api_tokens;
use crate::accounts::model::User;
use crate::sharing::clearance::{Clearance, tlp_rank};
use crate::state::AppState;

/// Objects in a page when the client does not say.
const DEFAULT_PAGE: u32 = 1_000;
/// Most objects in one page.
const MAX_PAGE: u32 = 10_000;
/// How long a `next` token stays valid: long enough to page a large
/// collection over a slow link, resumed the next morning.
const CURSOR_LIFETIME_SECS: i64 = 24 * 3600;
/// Largest POST body, in bytes: the portal's limit for any request that
/// is not an upload.
pub const MAX_CONTENT_LENGTH: u64 = crate::web::BODY_LIMIT as u64;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/api/", get(api_root))
        .route("/taxii2/api/collections/", get(collections))
        .route("/taxii2/api/collections/{collection}/", get(collection))
        .route(
            "/taxii2/api/collections/{collection}/objects/",
            get(objects).post(super::submit::add_objects),
        )
        .route(
            "/taxii2/api/collections/{collection}/manifest/",
            get(manifest),
        )
        .route(
            "/taxii2/api/collections/{collection}/objects/{object}/",
            get(object),
        )
        .route(
            "/taxii2/api/collections/{collection}/objects/{object}/versions/",
            get(versions),
        )
        .route("/taxii2/api/status/{status}/", get(super::submit::status))
}

/// A TAXII error response, in TAXII's media type.
pub fn error(status: StatusCode, title: &str, description: &str) -> Response {
    crate::web::error::taxii_error(status, title, description)
}

fn set_taxii_type(response: &mut Response) {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(MEDIA_TYPE_TAXII),
    );
}

pub fn taxii_json(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    set_taxii_type(&mut response);
    response
}

fn internal(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "taxii request failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
        "The portal could not answer; try again later, and tell its operators if it lasts.",
    )
}

/// The API token of a request: `Bearer <token>`, or the password of
/// `Basic` (TAXII clients that only know user names and passwords).
fn presented_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credential) = value.split_once(' ')?;
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credential.to_owned()).filter(|t| !t.is_empty());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credential)
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (_, password) = text.split_once(':')?;
        return Some(password.to_owned()).filter(|t| !t.is_empty());
    }
    None
}

/// The member behind a request, with their clearance; or the 401/403.
pub struct Member {
    pub user: User,
    pub scopes: Vec<String>,
    pub clearance: Clearance,
}

pub async fn member(state: &AppState, headers: &HeaderMap) -> Result<Member, Response> {
    let unauthorized = || {
        error(
            StatusCode::UNAUTHORIZED,
            "Authentication required",
            "Send your Lookout API token as a Bearer token, or as the password of HTTP Basic \
             authentication with any user name.",
        )
    };
    let token = presented_token(headers).ok_or_else(unauthorized)?;
    let Some((user, scopes)) = api_tokens::authenticate(&state.db, &token)
        .await
        .map_err(internal)?
    else {
        return Err(unauthorized());
    };
    if !scopes.iter().any(|s| s == "read") {
        return Err(error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "This token lacks the 'read' scope; create one with --scope read.",
        ));
    }
    let clearance = Clearance::of(&state.db, &user).await.map_err(internal)?;
    Ok(Member {
        user,
        scopes,
        clearance,
    })
}

/// A collection as the member sees it.
pub struct Readable {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The stored collections it shows (`green`, `org-12`).
    pub stored: Vec<String>,
    pub can_read: bool,
    pub can_write: bool,
}

/// The id of the collection where members add bundles.
pub fn submissions_id() -> String {
    lookout_intel::derived_uuid("taxii/collection/submissions").to_string()
}

/// Every collection the member may see, in order.
pub fn readable(member: &Member) -> Vec<Readable> {
    let mut out = Vec::new();
    for tlp in Tlp::ALL {
        let rank = tlp_rank(tlp.id()).unwrap_or(4);
        if rank > member.clearance.max_rank {
            continue;
        }
        out.push(Readable {
            id: lookout_intel::derived_uuid(&format!("taxii/collection/{}", tlp.id())).to_string(),
            title: format!("Lookout {}", tlp.label()),
            description: format!(
                "Published incidents, advisories and analyses marked {}.",
                tlp.label()
            ),
            stored: vec![level_collection(tlp)],
            can_read: true,
            can_write: false,
        });
    }
    if let Some(org_id) = member.clearance.org_id {
        out.push(Readable {
            id: lookout_intel::derived_uuid("taxii/collection/own-organisation").to_string(),
            title: "Lookout: my organisation".to_owned(),
            description: "Incidents your organisation reported and analyses of files it \
                          submitted, at every level."
                .to_owned(),
            stored: vec![org_collection(org_id)],
            can_read: true,
            can_write: false,
        });
    }
    out.push(Readable {
        id: submissions_id(),
        title: "Lookout: reports".to_owned(),
        description: "Add a STIX bundle here: each incident, indicator and observed data in it \
                      becomes a report for the analysts to triage, scrubbed like any report."
            .to_owned(),
        stored: Vec::new(),
        can_read: false,
        can_write: member.scopes.iter().any(|s| s == "write"),
    });
    out
}

fn to_resource(c: &Readable) -> taxii::Collection {
    taxii::Collection {
        id: c.id.clone(),
        title: c.title.clone(),
        description: Some(c.description.clone()),
        alias: None,
        can_read: c.can_read,
        can_write: c.can_write,
        media_types: vec![MEDIA_TYPE_STIX.to_owned()],
    }
}

fn json_of<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => taxii_json(StatusCode::OK, body),
        Err(e) => internal(e),
    }
}

async fn discovery(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(response) = member(&state, &headers).await {
        return response;
    }
    let root = format!(
        "{}/taxii2/api/",
        state.config.public_url().trim_end_matches('/')
    );
    json_of(&taxii::Discovery {
        title: "Lookout".to_owned(),
        description: Some(
            "Published maritime cyber incidents, advisories and analyses, as STIX 2.1.".to_owned(),
        ),
        contact: None,
        default: Some(root.clone()),
        api_roots: vec![root],
    })
}

async fn api_root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(response) = member(&state, &headers).await {
        return response;
    }
    json_of(&taxii::ApiRoot {
        title: "Lookout".to_owned(),
        description: Some("Collections per sharing level and of your organisation.".to_owned()),
        versions: vec![MEDIA_TYPE_TAXII.to_owned()],
        max_content_length: MAX_CONTENT_LENGTH,
    })
}

async fn collections(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let member = match member(&state, &headers).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    json_of(&taxii::Collections {
        collections: readable(&member).iter().map(to_resource).collect(),
    })
}

/// The collection `id` if the member may see it, else the 404 (the same
/// answer whether it does not exist or is not theirs).
pub fn find(member: &Member, id: &str) -> Result<Readable, Response> {
    readable(member)
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "No such collection",
                "There is no collection with this id that you may see; list them at \
                 /taxii2/api/collections/.",
            )
        })
}

async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let member = match member(&state, &headers).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    match find(&member, &id) {
        Ok(c) => json_of(&to_resource(&c)),
        Err(response) => response,
    }
}

fn pairs(query: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The parsed request: its collection, filter and paging.
struct Request {
    collection: Readable,
    filter: Filter,
    page: u32,
    after: Option<(i64, i64)>,
    fingerprint: [u8; 16],
}

async fn read_request(
    state: &AppState,
    headers: &HeaderMap,
    collection_id: &str,
    query: Option<String>,
    object: Option<&str>,
) -> Result<Request, Response> {
    let member = member(state, headers).await?;
    let collection = find(&member, collection_id)?;
    if !collection.can_read {
        return Err(error(
            StatusCode::FORBIDDEN,
            "Not readable",
            "This collection only takes bundles; read the others.",
        ));
    }
    let mut filter = Filter::parse(&pairs(query)).map_err(|e| {
        taxii_json(
            StatusCode::BAD_REQUEST,
            serde_json::to_string(&taxii::Error::bad_request(&e)).unwrap_or_default(),
        )
    })?;
    if let Some(object) = object {
        filter.ids = vec![object.to_owned()];
    }
    let mut hasher = Sha256::new();
    hasher.update(filter.fingerprint());
    hasher.update(collection.id.as_bytes());
    let mut fingerprint = [0u8; 16];
    fingerprint.copy_from_slice(&hasher.finalize()[..16]);
    let after = match &filter.next {
        Some(token) => {
            let cursor = Cursor::decode(token, &cursor_key(state), crate::db::now(), &fingerprint)
                .map_err(|e| {
                    taxii_json(
                        StatusCode::BAD_REQUEST,
                        serde_json::to_string(&taxii::Error::bad_request(&e)).unwrap_or_default(),
                    )
                })?;
            Some((cursor.after_added, cursor.after_id))
        }
        None => None,
    };
    let page = filter.page_size(DEFAULT_PAGE, MAX_PAGE);
    Ok(Request {
        collection,
        filter,
        page,
        after,
        fingerprint,
    })
}

fn cursor_key(state: &AppState) -> [u8; 32] {
    state.key.derive("taxii-next-token")
}

fn micros(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

fn taxii_time(micros: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    lookout_intel::taxii_timestamp(t)
}

/// A page of rows, the next token and whether more follow.
async fn read_page(
    state: &AppState,
    request: &Request,
) -> Result<(Vec<StoredObject>, Option<String>), Response> {
    if let Err(e) = export::sync(state).await {
        return Err(internal(e));
    }
    let filter = &request.filter;
    let query = ObjectQuery {
        collections: request.collection.stored.clone(),
        after: request.after,
        added_after: filter.added_after.map(micros),
        ids: filter.ids.clone(),
        types: filter.types.clone(),
        spec_versions: filter.spec_versions.clone(),
        now: crate::db::now() * 1_000_000 + 999_999,
        limit: i64::from(request.page) + 1,
        newest_first: false,
    };
    if query.collections.is_empty() {
        return Ok((Vec::new(), None));
    }
    let mut rows = store::objects(&state.db, &query).await.map_err(internal)?;
    let more = rows.len() > request.page as usize;
    rows.truncate(request.page as usize);
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(
            Cursor {
                after_added: last.date_added,
                after_id: last.id,
                expires: crate::db::now() + CURSOR_LIFETIME_SECS,
                filter_hash: request.fingerprint,
            }
            .encode(&cursor_key(state))
            .map_err(internal)?,
        ),
        _ => None,
    };
    // One version is kept of each object: `first`, `last` and `all` are
    // that one; a timestamp keeps it only when it is that version.
    let wanted: Vec<String> = filter
        .version_matches()
        .into_iter()
        .filter_map(|v| match v {
            VersionMatch::At(t) => Some(lookout_intel::stix_timestamp(t)),
            _ => None,
        })
        .collect();
    let any_version = filter
        .version_matches()
        .iter()
        .any(|v| !matches!(v, VersionMatch::At(_)));
    if !any_version {
        rows.retain(|r| wanted.contains(&r.version));
    }
    Ok((rows, next))
}

fn with_dates(mut response: Response, rows: &[StoredObject]) -> Response {
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        for (name, micros) in [
            ("x-taxii-date-added-first", first.date_added),
            ("x-taxii-date-added-last", last.date_added),
        ] {
            if let Ok(value) = HeaderValue::from_str(&taxii_time(micros)) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}

/// An envelope from stored JSON, without parsing it again.
fn envelope(rows: &[StoredObject], next: Option<&str>) -> String {
    let size: usize = rows.iter().map(|r| r.body.len() + 1).sum();
    let mut body = String::with_capacity(size + 200);
    body.push_str(if next.is_some() {
        "{\"more\":true"
    } else {
        "{\"more\":false"
    });
    if let Some(next) = next {
        body.push_str(",\"next\":");
        body.push_str(&serde_json::Value::from(next).to_string());
    }
    if !rows.is_empty() {
        body.push_str(",\"objects\":[");
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&row.body);
        }
        body.push(']');
    }
    body.push('}');
    body
}

async fn objects(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match read_request(&state, &headers, &collection, query, None).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match read_page(&state, &request).await {
        Ok((rows, next)) => with_dates(
            taxii_json(StatusCode::OK, envelope(&rows, next.as_deref())),
            &rows,
        ),
        Err(response) => response,
    }
}

async fn object(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match read_request(&state, &headers, &collection, query, Some(&object)).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match read_page(&state, &request).await {
        Ok((rows, _)) if rows.is_empty() && request.after.is_none() => no_object(),
        Ok((rows, next)) => {
            let rows = distinct_versions(rows);
            with_dates(
                taxii_json(StatusCode::OK, envelope(&rows, next.as_deref())),
                &rows,
            )
        }
        Err(response) => response,
    }
}

fn no_object() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "No such object",
        "This collection holds no object with this id that you may read.",
    )
}

/// The same object reached through two subjects (an address two
/// incidents share) is one object.
fn distinct_versions(rows: Vec<StoredObject>) -> Vec<StoredObject> {
    let mut seen = std::collections::BTreeSet::new();
    rows.into_iter()
        .filter(|r| seen.insert((r.stix_id.clone(), r.version.clone())))
        .collect()
}

fn version_of(row: &StoredObject) -> String {
    if row.version.is_empty() {
        taxii_time(row.date_added)
    } else {
        row.version.clone()
    }
}

async fn manifest(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match read_request(&state, &headers, &collection, query, None).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match read_page(&state, &request).await {
        Ok((rows, next)) => {
            let body = serde_json::json!({
                "more": next.is_some(),
                "next": next,
                "objects": rows.iter().map(|r| serde_json::json!({
                    "id": r.stix_id,
                    "date_added": taxii_time(r.date_added),
                    "version": version_of(r),
                    "media_type": MEDIA_TYPE_STIX,
                })).collect::<Vec<_>>(),
            });
            let mut body = body;
            if let Some(map) = body.as_object_mut() {
                if map.get("next").is_some_and(serde_json::Value::is_null) {
                    map.remove("next");
                }
                if rows.is_empty() {
                    map.remove("objects");
                }
            }
            with_dates(taxii_json(StatusCode::OK, body.to_string()), &rows)
        }
        Err(response) => response,
    }
}

async fn versions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match read_request(&state, &headers, &collection, query, Some(&object)).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match read_page(&state, &request).await {
        Ok((rows, _)) if rows.is_empty() => no_object(),
        Ok((rows, next)) => {
            let rows = distinct_versions(rows);
            let body = serde_json::json!({
                "more": next.is_some(),
                "versions": rows.iter().map(version_of).collect::<Vec<_>>(),
            });
            with_dates(taxii_json(StatusCode::OK, body.to_string()), &rows)
        }
        Err(response) => response,
    }
}
