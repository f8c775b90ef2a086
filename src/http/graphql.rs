//! `/graphql` over HTTP as the GraphQL-over-HTTP specification asks, in place of
//! async-graphql-axum's lenient defaults, with the limits a public endpoint needs:
//!
//! - GET (queries only: other operations get 405 with `Allow: POST`) and POST; anything else
//!   405 with `Allow: GET, POST`.
//! - POST bodies must be `application/json` (UTF-8), else 415; over the body limit, 413; sent
//!   slower than the body deadline, 408; malformed JSON or parameters of the wrong type, 400.
//!   Batched arrays are refused unless `max_batch` allows them.
//! - The response type follows `Accept`: `application/graphql-response+json` when the client
//!   accepts it, else `application/json`. Under the former, a request that cannot run (parse,
//!   validation or variable errors) gets 400 and no `data`; under the latter, 200.
//! - Before parsing, [`precheck`] bounds the document's size and nesting; after parsing,
//!   [`Analyzer`] bounds depth, complexity, aliases, root fields, page sizes and
//!   introspection. A document over a limit gets 400 whatever the response type: it is
//!   refused by policy, not invalid.
//! - Automatic persisted queries ([`super::apq`]).
//! - Execution waits for one of `max_concurrent` permits (503 `OVERLOADED` if none frees up
//!   within the request timeout) and is bounded by the request timeout (504
//!   `REQUEST_TIMEOUT`).
//! - GET answers carry an `ETag` from the graph version, the request and the response type,
//!   and `If-None-Match` gets 304 without running the query.
//! - Successful answers of GET queries and persisted queries come from the response cache
//!   when they can ([`super::cache`]); each distinct document is parsed once and validated
//!   in full once ([`super::validated`]); answers are serialised straight to bytes.
//! - Every error has `extensions.code`. Errors async-graphql raises without one are coded
//!   `GRAPHQL_PARSE_FAILED` or `GRAPHQL_VALIDATION_FAILED`; an error from a resolver without
//!   a code, or coded `INTERNAL`, reaches the client as a generic message with the request
//!   id, and its details go to the log.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value, json};

use super::App;
use super::apq::sha256_hex;
use super::cache::{Answer, KeyBuilder, data_key};
use super::metrics::operation_label;
use super::observe::{Operation, RequestId};
use super::validated::Prepared;
use crate::api::limits::{Violation, precheck};
use crate::live::Served;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// A request rejected before (or instead of) running it.
struct Reject {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
    /// Extra `extensions` members (`maximum`, `locations`...).
    extra: Map<String, Value>,
    /// A GraphQL request error: its status follows the response type (200 or 400).
    request_error: bool,
    retry_after: Option<u64>,
}

impl Reject {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Reject {
            status,
            code,
            message: message.into(),
            allow: None,
            extra: Map::new(),
            request_error: false,
            retry_after: None,
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Reject::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// A GraphQL request error (the document cannot run as sent).
    fn request(code: &'static str, message: impl Into<String>) -> Self {
        Reject {
            request_error: true,
            ..Reject::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    fn from_violation(v: Violation) -> Self {
        let mut r = Reject::new(StatusCode::BAD_REQUEST, v.code, v.message);
        if let Some(max) = v.maximum {
            r.extra.insert("maximum".into(), json!(max));
        }
        if let Some(pos) = v.pos {
            r.extra.insert(
                "locations".into(),
                json!([{ "line": pos.line, "column": pos.column }]),
            );
        }
        r
    }

    fn status(&self, media: Media) -> StatusCode {
        if self.request_error && media == Media::Json {
            StatusCode::OK
        } else {
            self.status
        }
    }

    /// The error as a GraphQL response body.
    fn body(&self) -> Value {
        let mut extensions = Map::new();
        extensions.insert("code".into(), json!(self.code));
        let mut error = Map::new();
        error.insert("message".into(), json!(self.message));
        for (k, v) in &self.extra {
            if k == "locations" {
                error.insert(k.clone(), v.clone());
            } else {
                extensions.insert(k.clone(), v.clone());
            }
        }
        error.insert("extensions".into(), Value::Object(extensions));
        json!({ "errors": [error] })
    }

    fn into_response(self, media: Media) -> Response {
        let content_type = if self.request_error {
            media.content_type()
        } else {
            "application/json; charset=utf-8"
        };
        let mut res = (
            self.status(media),
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            self.body().to_string(),
        )
            .into_response();
        if let Some(allow) = self.allow {
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Which media type the response uses.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn from_accept(headers: &HeaderMap) -> Media {
        let accept = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let accepts = |wanted: &str| {
            accept.split(',').any(|part| {
                let mut bits = part.split(';');
                let ty = bits.next().unwrap_or("").trim();
                let refused = bits.any(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                ty.eq_ignore_ascii_case(wanted) && !refused
            })
        };
        if accepts(GRAPHQL_RESPONSE) && !accepts(JSON) {
            Media::GraphqlResponse
        } else if accepts(GRAPHQL_RESPONSE) {
            // Both accepted: the spec's preferred type, listed first by spec clients.
            let gr = accept.to_ascii_lowercase().find(GRAPHQL_RESPONSE);
            let js = accept.to_ascii_lowercase().find("application/json");
            if gr < js || js.is_none() {
                Media::GraphqlResponse
            } else {
                Media::Json
            }
        } else {
            Media::Json
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The GraphQL parameters of a request.
struct Params {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    /// `extensions.persistedQuery.sha256Hash`, when the client uses APQ.
    persisted: Option<String>,
}

/// Reads `name` of a JSON request object: absent and null are `None`.
fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

/// Takes `name` out of a JSON request object: absent and null are `None`.
fn take(obj: &mut Map<String, Value>, name: &str) -> Option<Value> {
    obj.remove(name).filter(|v| !v.is_null())
}

fn params_from_json(mut obj: Map<String, Value>) -> Result<Params, Reject> {
    let query = match take(&mut obj, "query") {
        Some(Value::String(q)) => Some(q),
        Some(_) => {
            return Err(Reject::bad(
                "`query` must be a string holding a GraphQL document",
            ));
        }
        None => None,
    };
    let operation_name = match take(&mut obj, "operationName") {
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(Reject::bad("`operationName` must be a string or null")),
        None => None,
    };
    let variables = match take(&mut obj, "variables") {
        Some(Value::Object(m)) => Some(m),
        Some(_) => return Err(Reject::bad("`variables` must be an object or null")),
        None => None,
    };
    let persisted = match take(&mut obj, "extensions") {
        None => None,
        Some(Value::Object(ext)) => match field(&ext, "persistedQuery") {
            None => None,
            Some(Value::Object(pq)) => {
                if field(pq, "version") != Some(&json!(1)) {
                    return Err(Reject::bad(
                        "`extensions.persistedQuery.version` must be 1 (Apollo's APQ protocol)",
                    ));
                }
                match field(pq, "sha256Hash") {
                    Some(Value::String(h))
                        if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        Some(h.to_ascii_lowercase())
                    }
                    _ => {
                        return Err(Reject::bad(
                            "`extensions.persistedQuery.sha256Hash` must be the 64 hex digits \
                             of the query's SHA-256",
                        ));
                    }
                }
            }
            Some(_) => {
                return Err(Reject::bad(
                    "`extensions.persistedQuery` must be an object {version, sha256Hash}",
                ));
            }
        },
        Some(_) => return Err(Reject::bad("`extensions` must be an object or null")),
    };
    if query.is_none() && persisted.is_none() {
        return Err(Reject::bad(
            "the request has no `query`; send {\"query\": \"{ ... }\"}",
        ));
    }
    Ok(Params {
        query,
        operation_name,
        variables,
        persisted,
    })
}

fn params_from_query_string(uri: &Uri) -> Result<Params, Reject> {
    let raw = uri.query().unwrap_or("");
    let mut obj = Map::new();
    for (k, v) in form_urlencoded_pairs(raw)? {
        let value = match k.as_str() {
            "variables" | "extensions" if !v.is_empty() => serde_json::from_str::<Value>(&v)
                .map_err(|e| Reject::bad(format!("`{k}` must be a JSON object in the URL: {e}")))?,
            _ => Value::String(v),
        };
        if obj.insert(k.clone(), value).is_some() {
            return Err(Reject::bad(format!("`{k}` is given twice")));
        }
    }
    params_from_json(obj)
}

/// `application/x-www-form-urlencoded` pairs, with `+` as space; invalid UTF-8 is a 400.
fn form_urlencoded_pairs(raw: &str) -> Result<Vec<(String, String)>, Reject> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    fn decode(s: &str) -> Result<String, Reject> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            // Copy the run up to the next escape in one go.
            let run = bytes[i..]
                .iter()
                .position(|b| *b == b'%' || *b == b'+')
                .unwrap_or(bytes.len() - i);
            out.extend_from_slice(&bytes[i..i + run]);
            i += run;
            match bytes.get(i) {
                None => break,
                Some(b'+') => {
                    out.push(b' ');
                    i += 1;
                }
                Some(_) => {
                    let escaped = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| Some(hex(h[0])? << 4 | hex(h[1])?));
                    match escaped {
                        Some(b) => out.push(b),
                        None => return Err(Reject::bad("the URL has an invalid %-escape")),
                    }
                    i += 3;
                }
            }
        }
        String::from_utf8(out).map_err(|_| Reject::bad("the URL's parameters are not UTF-8"))
    }
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// The type of the operation a document would run, if it can tell.
fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(n)) => ops.get(n).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    }
}

/// The `/graphql` handler for every method.
///
/// It takes the request whole: axum's `HeaderMap` and `Extensions` extractors would copy them.
pub(crate) async fn handle(State(app): State<Arc<App>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let media = Media::from_accept(&parts.headers);
    let id: &str = parts.extensions.get::<RequestId>().map_or("none", |r| &r.0);
    match answer(
        &app,
        &parts.method,
        &parts.uri,
        &parts.headers,
        body,
        media,
        id,
    )
    .await
    {
        Ok(res) => res,
        Err(reject) => {
            app.metrics.refused(reject.code);
            reject.into_response(media)
        }
    }
}

/// What one GraphQL request came to.
struct Outcome {
    /// The answer, every error coded.
    response: async_graphql::Response,
    /// The body a plan wrote (`api::plan`): then `response` is empty.
    planned: Option<Vec<u8>>,
    /// The request could not run (no `data`).
    request_error: bool,
    /// Set when the answer must not be cached (internal errors, timeouts).
    transient: bool,
}

/// The response body: `data` (unless `with_data` is false), then `errors` and `extensions`
/// when there are any. Keys inside `data` keep the order of the query.
#[derive(serde::Serialize)]
struct WireBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

impl Outcome {
    /// The body's bytes, serialised straight from the response.
    fn into_bytes(self, with_data: bool) -> Vec<u8> {
        if let Some(body) = self.planned {
            return body;
        }
        let body = WireBody {
            data: with_data.then_some(&self.response.data),
            errors: &self.response.errors,
            extensions: &self.response.extensions,
        };
        // Writing a Value to a Vec cannot fail: its map keys are strings.
        serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
    }
}

/// The response-cache key of a request, when it may be cached: a GET query, or a request
/// using a persisted query (hash only, or the query with its hash, which is checked first).
fn cache_key(
    app: &App,
    data_key: &[u8],
    params: &Params,
    media: Media,
    get: bool,
) -> Result<Option<Vec<u8>>, Reject> {
    if let (Some(q), Some(hash)) = (&params.query, &params.persisted) {
        check_hash(q, hash)?;
    }
    if !app.responses.enabled() || !(get || params.persisted.is_some()) {
        return Ok(None);
    }
    let operation: &[u8] = match (&params.persisted, &params.query) {
        (Some(hash), _) => hash.as_bytes(),
        (None, Some(q)) => q.as_bytes(),
        (None, None) => return Ok(None),
    };
    let name = match &params.operation_name {
        Some(n) => [b"+", n.as_bytes()].concat(),
        None => b"-".to_vec(),
    };
    // `variables` absent, null and {} run the same; a JSON object's keys come out sorted.
    let variables = match &params.variables {
        Some(v) if !v.is_empty() => serde_json::to_vec(v).unwrap_or_default(),
        _ => b"{}".to_vec(),
    };
    let size = operation.len() + name.len() + variables.len() + 2;
    let key = KeyBuilder::new(data_key, size)
        .part(&[media as u8, u8::from(params.persisted.is_some())])
        .part(operation)
        .part(&name)
        .part(&variables)
        .finish();
    Ok(Some(key))
}

fn check_hash(query: &str, hash: &str) -> Result<(), Reject> {
    if sha256_hex(query) != *hash {
        return Err(Reject::new(
            StatusCode::BAD_REQUEST,
            "PERSISTED_QUERY_HASH_MISMATCH",
            "provided sha256Hash does not match the query's SHA-256",
        ));
    }
    Ok(())
}

/// A 200 with a body (fresh or from the cache), and the GET cache headers.
fn ok_response(media: Media, body: Bytes, etag: Option<&str>) -> Response {
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(media.content_type()),
        )],
        body,
    )
        .into_response();
    if let Some(etag) = etag {
        set_cache_headers(&mut res, etag);
    }
    res
}

/// An answer from the response cache, with the cache headers of `etag` (or, without it, of
/// the ETag stored with the answer, if any).
fn cached(app: &App, media: Media, hit: Answer, etag: Option<&str>, started: Instant) -> Response {
    app.metrics.graphql(&hit.operation, started.elapsed(), &[]);
    let mut res = ok_response(media, hit.body, etag);
    if etag.is_none()
        && let Some(stored) = hit.etag
    {
        set_cache_headers_value(&mut res, stored);
    }
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    res.extensions_mut().insert(Operation(hit.operation));
    res
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    app: &App,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    media: Media,
    id: &str,
) -> Result<Response, Reject> {
    let started = Instant::now();
    // One snapshot for the whole request: the ETag names the data the answer comes from,
    // and every operation of a batch reads the same graph.
    let served = app.live.current();
    let data_key = data_key(&served);
    app.responses.retire(&data_key);
    // A GET's URL as sent is a first key: a repeated request is answered without decoding it.
    let mut url_key = None;
    let (batch, etag) = match *method {
        Method::GET | Method::HEAD => {
            let if_none_match = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok());
            // A conditional GET needs its ETag first; any other is looked up by its URL at
            // once, and a hit answers with the ETag stored with it.
            let mut etag_now = None;
            if let Some(tags) = if_none_match {
                let etag = etag(&served.status.version, uri, media);
                if tags.split(',').any(|t| t.trim() == etag || t.trim() == "*") {
                    let mut res = StatusCode::NOT_MODIFIED.into_response();
                    set_cache_headers(&mut res, &etag);
                    return Ok(res);
                }
                etag_now = Some(etag);
            }
            if app.responses.enabled() {
                let query = uri.query().unwrap_or("").as_bytes();
                let key = KeyBuilder::new(&data_key, query.len() + 2)
                    .part(&[media as u8, 2])
                    .part(query)
                    .finish();
                if let Some(hit) = app.responses.probe(&key) {
                    if etag_now.is_none() && hit.etag.is_none() {
                        etag_now = Some(etag(&served.status.version, uri, media));
                    }
                    return Ok(cached(app, media, hit, etag_now.as_deref(), started));
                }
                url_key = Some(key);
            }
            let etag = etag_now.unwrap_or_else(|| etag(&served.status.version, uri, media));
            let params = params_from_query_string(uri)?;
            (Batch::One(params), Some(etag))
        }
        Method::POST => (read_post(app, headers, body).await?, None),
        _ => {
            let mut r = Reject::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                format!("`{method}` is not supported here; use GET or POST"),
            );
            r.allow = Some("GET, POST");
            return Err(r);
        }
    };
    let get = etag.is_some();
    match batch {
        Batch::One(params) => {
            let operation: Arc<str> = operation_label(params.operation_name.as_deref()).into();
            // An answer stored under a GET's URL keeps that URL's ETag.
            let under_url = |a: &Answer| Answer {
                etag: etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()),
                ..a.clone()
            };
            let key = cache_key(app, &data_key, &params, media, get)?;
            if let Some(hit) = key.as_deref().and_then(|k| app.responses.get(k)) {
                if let Some(url_key) = &url_key {
                    app.responses.put(url_key, under_url(&hit));
                }
                return Ok(cached(app, media, hit, etag.as_deref(), started));
            }
            let deadline = Instant::now() + app.config.request_timeout;
            let _permit = permit(app).await?;
            let outcome = run(app, &served, params, get, deadline, id, &operation, started).await;
            let mut res = match outcome {
                Err(reject) => {
                    app.metrics.refused(reject.code);
                    reject.into_response(media)
                }
                Ok(out) if out.request_error && media == Media::GraphqlResponse => {
                    let mut res = ok_response(media, out.into_bytes(false).into(), None);
                    *res.status_mut() = StatusCode::BAD_REQUEST;
                    res
                }
                Ok(out) => {
                    let (request_error, transient) = (out.request_error, out.transient);
                    let cacheable = !request_error && !transient && out.response.errors.is_empty();
                    let body = Bytes::from(out.into_bytes(true));
                    if cacheable
                        && let Some(key) = &key
                        // Not for data a reload replaced while this request ran.
                        && Arc::ptr_eq(&app.live.current().status, &served.status)
                    {
                        let answer = Answer {
                            body: body.clone(),
                            operation: operation.clone(),
                            etag: None,
                        };
                        if let Some(url_key) = &url_key {
                            app.responses.put(url_key, under_url(&answer));
                        }
                        app.responses.put(key, answer);
                    }
                    let etag = etag.as_deref().filter(|_| !request_error && !transient);
                    ok_response(media, body, etag)
                }
            };
            res.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept"));
            res.extensions_mut().insert(Operation(operation));
            Ok(res)
        }
        Batch::Many(items) => {
            let deadline = Instant::now() + app.config.request_timeout;
            let _permit = permit(app).await?;
            let mut body = Vec::with_capacity(items.len() * 256);
            body.push(b'[');
            for (i, item) in items.into_iter().enumerate() {
                let answer = match params_from_json_value(item) {
                    Ok(params) => {
                        let operation = operation_label(params.operation_name.as_deref());
                        let started = Instant::now();
                        run(
                            app, &served, params, false, deadline, id, &operation, started,
                        )
                        .await
                    }
                    Err(reject) => Err(reject),
                };
                if i > 0 {
                    body.push(b',');
                }
                match answer {
                    Ok(out) => body.extend_from_slice(&out.into_bytes(true)),
                    Err(reject) => {
                        app.metrics.refused(reject.code);
                        body.extend_from_slice(reject.body().to_string().as_bytes());
                    }
                }
            }
            body.push(b']');
            let mut res = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
                body,
            )
                .into_response();
            res.extensions_mut().insert(Operation(Arc::from("batch")));
            Ok(res)
        }
    }
}

/// Waits for a permit: at most `max_concurrent` requests execute at once.
async fn permit(app: &App) -> Result<tokio::sync::SemaphorePermit<'_>, Reject> {
    tokio::time::timeout(app.config.request_timeout, app.permits.acquire())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            let mut r = Reject::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "OVERLOADED",
                "the server is busy with other requests; retry in a moment",
            );
            r.retry_after = Some(1);
            r
        })
}

fn params_from_json_value(v: Value) -> Result<Params, Reject> {
    match v {
        Value::Object(obj) => params_from_json(obj),
        _ => Err(Reject::bad(
            "each request of a batch must be a JSON object: {\"query\": \"...\"}",
        )),
    }
}

/// The parsed document of `query`: from the document cache, or checked against the
/// lexical limits, parsed and cached.
fn document(app: &App, query: &str) -> Result<Arc<Prepared>, Reject> {
    if let Some(doc) = app.documents.get(query) {
        return Ok(doc);
    }
    precheck(query, &app.config.limits).map_err(Reject::from_violation)?;
    match async_graphql::parser::parse_query(query) {
        Ok(doc) => {
            let doc = Arc::new(Prepared::new(doc, query, &app.registry));
            app.documents.put(query, doc.clone());
            Ok(doc)
        }
        Err(e) => {
            let mut r = Reject::request("GRAPHQL_PARSE_FAILED", parse_message(&e));
            if let Some(pos) = e.positions().next() {
                r.extra.insert(
                    "locations".into(),
                    json!([{ "line": pos.line, "column": pos.column }]),
                );
            }
            Err(r)
        }
    }
}

/// Runs one request's parameters through APQ, the limits, parsing and execution.
#[allow(clippy::too_many_arguments)]
async fn run(
    app: &App,
    served: &Served,
    params: Params,
    get: bool,
    deadline: Instant,
    id: &str,
    operation: &str,
    started: Instant,
) -> Result<Outcome, Reject> {
    let limits = &app.config.limits;
    // Automatic persisted queries.
    if params.persisted.is_some() && !app.apq.enabled() {
        return Err(Reject::request(
            "PERSISTED_QUERY_NOT_SUPPORTED",
            "persisted queries are turned off on this server; send the query",
        ));
    }
    let query: Arc<str> = match (params.query, &params.persisted) {
        (None, Some(hash)) => match app.apq.get(hash) {
            Some(q) => q,
            None => {
                return Err(Reject::request(
                    "PERSISTED_QUERY_NOT_FOUND",
                    "PersistedQueryNotFound: send the query with its hash once to store it",
                ));
            }
        },
        (Some(q), Some(hash)) => {
            check_hash(&q, hash)?;
            q.into()
        }
        (Some(q), None) => q.into(),
        (None, None) => return Err(Reject::bad("the request has no `query`")),
    };
    let prepared = document(app, &query)?;
    let doc = &prepared.doc;
    if get
        && let Some(ty) = operation_type(doc, params.operation_name.as_deref())
        && ty != OperationType::Query
    {
        let mut r = Reject::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "only queries run over GET; send other operations with POST",
        );
        r.allow = Some("POST");
        return Err(r);
    }
    let variables = match params.variables {
        Some(vars) => async_graphql::Variables::from_json(Value::Object(vars)),
        None => async_graphql::Variables::default(),
    };
    let operation_name = params.operation_name.as_deref();
    app.analyzer
        .check(doc, operation_name, &variables, limits)
        .map_err(Reject::from_violation)?;
    // Strict validation once per document, then only where the variables could change it.
    let prevalidated = prepared.variables_fit(&app.registry, operation_name, &variables);
    let schema = if prevalidated {
        &app.prevalidated
    } else {
        &app.schema
    };
    app.metrics.validation(!prevalidated);
    // A validated document's plan answers without async-graphql, unless the answer would
    // carry an error: async-graphql runs it then, and words the error.
    if prevalidated
        && let Some(plan) = &prepared.plan
        && let Some(body) = plan.run(&served.graph, &variables)
    {
        app.metrics.executor(true);
        app.metrics.graphql(operation, started.elapsed(), &[]);
        if let Some(hash) = &params.persisted {
            app.apq.put(hash, &query[..]);
        }
        return Ok(Outcome {
            response: async_graphql::Response::new(async_graphql::Value::Null),
            planned: Some(body),
            request_error: false,
            transient: false,
        });
    }
    app.metrics.executor(false);
    let mut request = async_graphql::Request::new(&*query).variables(variables);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    request.set_parsed_query(doc.clone());

    let request = request
        .data(Arc::clone(&served.graph))
        .data(Arc::clone(&served.status));
    let remaining = deadline.saturating_duration_since(Instant::now());
    let Ok(mut response) = tokio::time::timeout(remaining, schema.execute(request)).await else {
        let mut r = Reject::new(
            StatusCode::GATEWAY_TIMEOUT,
            "REQUEST_TIMEOUT",
            format!(
                "the request ran longer than the server's limit of {} s; ask for less \
                 (smaller pages, fewer fields) or a narrower analysis",
                app.config.request_timeout.as_secs_f64()
            ),
        );
        r.extra.insert(
            "timeoutSeconds".into(),
            json!(app.config.request_timeout.as_secs_f64()),
        );
        return Err(r);
    };
    // A request error stops before execution: no data, and no error has a path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if !request_error && !prevalidated {
        prepared.passed_validation(operation_name);
    }
    let (codes, internal) = code_errors(&mut response.errors, id, request_error);
    app.metrics.graphql(operation, started.elapsed(), &codes);
    if !request_error && let Some(hash) = &params.persisted {
        app.apq.put(hash, &query[..]);
    }
    Ok(Outcome {
        response,
        planned: None,
        request_error,
        transient: internal,
    })
}

/// A parse error in one line: where, and what was expected. The parser's own message quotes
/// the whole source line, which for a hostile one-line document is as long as the document.
fn parse_message(e: &async_graphql::parser::Error) -> String {
    let text = e.to_string();
    let what = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| text.chars().take(200).collect());
    match e.positions().next() {
        Some(p) => format!(
            "syntax error at line {}, column {}: {what}",
            p.line, p.column
        ),
        None => format!("syntax error: {what}"),
    }
}

/// Gives every error an `extensions.code`, and replaces internal errors' messages with a
/// generic one naming the request id (their details go to the log). Returns the codes and
/// whether any error was internal.
///
/// The argument errors async-graphql raises itself while running a field (an `Int` literal
/// beyond 32 bits: validation lets it through) come back with a path and no code; they are
/// coded `INVALID_ARGUMENT` here, as `api::error::CodeArgumentErrors` does for the schema of
/// tests and tools. The serving schema has no extension: any extension sends every field
/// through async-graphql's extension chain, which cost about a third of execution.
fn code_errors(
    errors: &mut [async_graphql::ServerError],
    id: &str,
    request_error: bool,
) -> (Vec<String>, bool) {
    let mut codes = Vec::new();
    let mut internal = false;
    for e in errors {
        let has_path = !e.path.is_empty();
        let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(c)) => Some(c.clone()),
            _ => None,
        };
        // The two messages of async-graphql's `InputValueError`.
        let coercion = e.message.starts_with("Failed to parse \"")
            || e.message.starts_with("Expected input type \"");
        let code = match code {
            Some(c) if c != "INTERNAL" => c,
            None if request_error || !has_path => "GRAPHQL_VALIDATION_FAILED".to_string(),
            None if coercion => "INVALID_ARGUMENT".to_string(),
            _ => {
                internal = true;
                tracing::error!(
                    request_id = %id,
                    path = %serde_json::to_string(&e.path).unwrap_or_default(),
                    "internal error: {}",
                    e.message
                );
                e.message =
                    format!("internal server error; quote request id {id} when reporting it");
                let mut extensions = async_graphql::ErrorExtensionValues::default();
                extensions.set("code", "INTERNAL");
                extensions.set("requestId", id);
                e.extensions = Some(extensions);
                codes.push("INTERNAL".to_string());
                continue;
            }
        };
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
        codes.push(code);
    }
    (codes, internal)
}

/// A POST body: one request, or a batch (each item checked on its own).
enum Batch {
    One(Params),
    Many(Vec<Value>),
}

async fn read_post(app: &App, headers: &HeaderMap, body: Body) -> Result<Batch, Reject> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim();
    let charset_ok = parts.all(|p| {
        let p = p.trim();
        match p.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
                v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => true,
        }
    });
    if !essence.eq_ignore_ascii_case(JSON) || !charset_ok {
        let message = if content_type.is_empty() {
            "the request has no Content-Type; send `Content-Type: application/json`".to_string()
        } else {
            format!(
                "`{content_type}` is not supported; send `Content-Type: application/json` (UTF-8)"
            )
        };
        return Err(Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            message,
        ));
    }
    let max = app.config.max_body_bytes;
    let too_large = || {
        let mut r = Reject::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is over {max} bytes; send a smaller document"),
        );
        r.extra.insert("maximum".into(), json!(max));
        r
    };
    if headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > max as u64)
    {
        return Err(too_large());
    }
    let read = tokio::time::timeout(app.config.body_timeout, Limited::new(body, max).collect());
    let bytes = match read.await {
        Err(_elapsed) => {
            let secs = app.config.body_timeout.as_secs_f64();
            let mut r = Reject::new(
                StatusCode::REQUEST_TIMEOUT,
                "BODY_TIMEOUT",
                format!("the request body did not arrive within {secs} s; send it at once"),
            );
            r.extra.insert("timeoutSeconds".into(), json!(secs));
            return Err(r);
        }
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Ok(Err(_)) => return Err(Reject::bad("the request body could not be read")),
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Reject::bad(format!("the request body is not valid JSON: {e}")))?;
    match value {
        Value::Object(obj) => Ok(Batch::One(params_from_json(obj)?)),
        Value::Array(_) if app.config.max_batch == 0 => Err(Reject::bad(
            "batched requests (a JSON array) are not enabled; send one request object",
        )),
        Value::Array(items) if items.len() > app.config.max_batch => {
            let mut r = Reject::new(
                StatusCode::BAD_REQUEST,
                "BATCH_TOO_LARGE",
                format!(
                    "the batch has {} requests; send at most {}",
                    items.len(),
                    app.config.max_batch
                ),
            );
            r.extra
                .insert("maximum".into(), json!(app.config.max_batch));
            Err(r)
        }
        Value::Array(items) if items.is_empty() => Err(Reject::bad("the batch is empty")),
        Value::Array(items) => Ok(Batch::Many(items)),
        _ => Err(Reject::bad(
            "the request body must be a JSON object: {\"query\": \"...\"}",
        )),
    }
}

/// A strong ETag for a GET: the graph version, the query string and the response type.
fn etag(version: &str, uri: &Uri, media: Media) -> String {
    // Fixed seed: the same URL over the same data has the same ETag after a restart.
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    version.hash(&mut h);
    uri.query().unwrap_or("").hash(&mut h);
    media.hash(&mut h);
    format!("\"{version}-{:016x}\"", h.finish())
}

/// `ETag` (an ETag is ASCII, so it always makes a header value), `Cache-Control`, `Vary`.
fn set_cache_headers(res: &mut Response, etag: &str) {
    let value = HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    set_cache_headers_value(res, value);
}

fn set_cache_headers_value(res: &mut Response, etag: HeaderValue) {
    res.headers_mut().insert(header::ETAG, etag);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_get_codes_and_internal_details_stay_in_the_log() {
        use async_graphql::{ErrorExtensionValues, PathSegment, Pos, ServerError};
        let error = |message: &str, path: Option<&str>, code: Option<&str>| {
            let mut e = ServerError::new(message, Some(Pos { line: 1, column: 3 }));
            if let Some(p) = path {
                e.path = vec![PathSegment::Field(p.to_string())];
            }
            if let Some(c) = code {
                let mut x = ErrorExtensionValues::default();
                x.set("code", c);
                e.extensions = Some(x);
            }
            e
        };
        let mut errors = vec![
            error("Unknown field", None, None),
            error("bad id", Some("a"), Some("INVALID_ID")),
            error("index out of bounds: secret detail", Some("b"), None),
            error("disk on fire", Some("c"), Some("INTERNAL")),
            error(
                "Failed to parse \"Int\": Only integers from -2147483648 to 2147483647 are accepted.",
                Some("d"),
                None,
            ),
        ];
        let (codes, internal) = code_errors(&mut errors, "req-1", false);
        assert!(internal);
        assert_eq!(
            codes,
            [
                "GRAPHQL_VALIDATION_FAILED",
                "INVALID_ID",
                "INTERNAL",
                "INTERNAL",
                "INVALID_ARGUMENT"
            ]
        );
        let body: Value = serde_json::to_value(&errors).unwrap();
        assert_eq!(body[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(body[1]["message"], "bad id");
        for e in &body.as_array().unwrap()[2..4] {
            let message = e["message"].as_str().unwrap();
            assert_eq!(
                message,
                "internal server error; quote request id req-1 when reporting it"
            );
            assert_eq!(e["extensions"]["requestId"], "req-1");
            assert!(e["path"].is_array(), "the path stays: {e}");
        }
        assert!(
            body[4]["message"]
                .as_str()
                .unwrap()
                .starts_with("Failed to parse")
        );
    }

    #[test]
    fn url_parameters_decode_escapes_and_plus_and_refuse_bad_ones() {
        let pairs = form_urlencoded_pairs("query=%7B%20a+b%7d&x=&&v=%C3%A9t%C3%A9%2B1")
            .ok()
            .unwrap();
        assert_eq!(
            pairs,
            [
                ("query".to_string(), "{ a b}".to_string()),
                ("x".to_string(), String::new()),
                ("v".to_string(), "été+1".to_string()),
            ]
        );
        for bad in ["q=%", "q=%4", "q=%zz", "q=%+f", "q=%C3"] {
            assert!(form_urlencoded_pairs(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_errors_are_one_short_line_however_long_the_document() {
        let long = format!("{{ {} ", "a ".repeat(50_000));
        let e = async_graphql::parser::parse_query(&long).unwrap_err();
        let message = parse_message(&e);
        assert!(
            message.starts_with("syntax error at line 1, column "),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
    }
}
