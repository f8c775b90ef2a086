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
//! - Every error has `extensions.code`. Errors async-graphql raises without one are coded
//!   `GRAPHQL_PARSE_FAILED` or `GRAPHQL_VALIDATION_FAILED`; an error from a resolver without
//!   a code, or coded `INTERNAL`, reaches the client as a generic message with the request
//!   id, and its details go to the log.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use axum::body::Body;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value, json};

use super::App;
use super::apq::sha256_hex;
use super::metrics::operation_label;
use super::observe::{Operation, RequestId};
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

fn params_from_json(obj: &Map<String, Value>) -> Result<Params, Reject> {
    let query = match field(obj, "query") {
        Some(Value::String(q)) => Some(q.clone()),
        Some(_) => {
            return Err(Reject::bad(
                "`query` must be a string holding a GraphQL document",
            ));
        }
        None => None,
    };
    let operation_name = match field(obj, "operationName") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Reject::bad("`operationName` must be a string or null")),
        None => None,
    };
    let variables = match field(obj, "variables") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => return Err(Reject::bad("`variables` must be an object or null")),
        None => None,
    };
    let persisted = match field(obj, "extensions") {
        None => None,
        Some(Value::Object(ext)) => match field(ext, "persistedQuery") {
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
    params_from_json(&obj)
}

/// `application/x-www-form-urlencoded` pairs, with `+` as space; invalid UTF-8 is a 400.
fn form_urlencoded_pairs(raw: &str) -> Result<Vec<(String, String)>, Reject> {
    fn decode(s: &str) -> Result<String, Reject> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => out.push(b),
                        None => return Err(Reject::bad("the URL has an invalid %-escape")),
                    }
                    i += 2;
                }
                b'%' => return Err(Reject::bad("the URL has an invalid %-escape")),
                b => out.push(b),
            }
            i += 1;
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
pub(crate) async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
    body: Body,
) -> Response {
    let media = Media::from_accept(&headers);
    let id = extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| Arc::from("none"));
    match answer(&app, &method, &uri, &headers, body, media, &id).await {
        Ok(res) => res,
        Err(reject) => {
            app.metrics.refused(reject.code);
            reject.into_response(media)
        }
    }
}

/// What one GraphQL request came to.
struct Outcome {
    body: Value,
    /// The request could not run (no `data`).
    request_error: bool,
    /// Set when the answer must not be cached (internal errors, timeouts).
    transient: bool,
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
    // One snapshot for the whole request: the ETag names the data the answer comes from,
    // and every operation of a batch reads the same graph.
    let served = app.live.current();
    let (batch, etag) = match *method {
        Method::GET | Method::HEAD => {
            let params = params_from_query_string(uri)?;
            let etag = etag(&served.status.version, uri, media);
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
            {
                let mut res = StatusCode::NOT_MODIFIED.into_response();
                set_cache_headers(&mut res, &etag);
                return Ok(res);
            }
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
    // Wait for a permit: at most `max_concurrent` requests execute at once.
    let deadline = Instant::now() + app.config.request_timeout;
    let _permit = tokio::time::timeout(app.config.request_timeout, app.permits.acquire())
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
        })?;
    match batch {
        Batch::One(params) => {
            let operation = operation_label(params.operation_name.as_deref());
            let outcome = run(app, &served, params, get, deadline, id).await;
            let mut res = match outcome {
                Err(reject) => {
                    app.metrics.refused(reject.code);
                    reject.into_response(media)
                }
                Ok(out) => {
                    let mut body = out.body;
                    let status = if out.request_error && media == Media::GraphqlResponse {
                        if let Value::Object(m) = &mut body {
                            m.remove("data");
                        }
                        StatusCode::BAD_REQUEST
                    } else {
                        StatusCode::OK
                    };
                    let mut res = (
                        status,
                        [(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(media.content_type()),
                        )],
                        body.to_string(),
                    )
                        .into_response();
                    if let Some(etag) = etag.filter(|_| {
                        status == StatusCode::OK && !out.request_error && !out.transient
                    }) {
                        set_cache_headers(&mut res, &etag);
                    }
                    res
                }
            };
            res.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept"));
            res.extensions_mut().insert(Operation(operation));
            Ok(res)
        }
        Batch::Many(items) => {
            let mut answers = Vec::with_capacity(items.len());
            for item in items {
                let answer = match params_from_json_value(item) {
                    Ok(params) => run(app, &served, params, false, deadline, id).await,
                    Err(reject) => Err(reject),
                };
                let answer = answer.map(|out| out.body).unwrap_or_else(|reject| {
                    app.metrics.refused(reject.code);
                    reject.body()
                });
                answers.push(answer);
            }
            let mut res = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
                Value::Array(answers).to_string(),
            )
                .into_response();
            res.extensions_mut().insert(Operation("batch".to_string()));
            Ok(res)
        }
    }
}

fn params_from_json_value(v: Value) -> Result<Params, Reject> {
    match v {
        Value::Object(obj) => params_from_json(&obj),
        _ => Err(Reject::bad(
            "each request of a batch must be a JSON object: {\"query\": \"...\"}",
        )),
    }
}

/// Runs one request's parameters through APQ, the limits, parsing and execution.
async fn run(
    app: &App,
    served: &Served,
    params: Params,
    get: bool,
    deadline: Instant,
    id: &str,
) -> Result<Outcome, Reject> {
    let started = Instant::now();
    let limits = &app.config.limits;
    // Automatic persisted queries.
    if params.persisted.is_some() && !app.apq.enabled() {
        return Err(Reject::request(
            "PERSISTED_QUERY_NOT_SUPPORTED",
            "persisted queries are turned off on this server; send the query",
        ));
    }
    let query = match (params.query, &params.persisted) {
        (None, Some(hash)) => match app.apq.get(hash) {
            Some(q) => q.to_string(),
            None => {
                return Err(Reject::request(
                    "PERSISTED_QUERY_NOT_FOUND",
                    "PersistedQueryNotFound: send the query with its hash once to store it",
                ));
            }
        },
        (Some(q), Some(hash)) => {
            if sha256_hex(&q) != *hash {
                return Err(Reject::new(
                    StatusCode::BAD_REQUEST,
                    "PERSISTED_QUERY_HASH_MISMATCH",
                    "provided sha256Hash does not match the query's SHA-256",
                ));
            }
            q
        }
        (Some(q), None) => q,
        (None, None) => return Err(Reject::bad("the request has no `query`")),
    };
    precheck(&query, limits).map_err(Reject::from_violation)?;
    let mut request = async_graphql::Request::new(query.clone());
    if let Some(name) = &params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        request = request.variables(async_graphql::Variables::from_json(Value::Object(vars)));
    }
    let doc = match async_graphql::parser::parse_query(&query) {
        Ok(doc) => doc,
        Err(e) => {
            let mut r = Reject::request("GRAPHQL_PARSE_FAILED", parse_message(&e));
            if let Some(pos) = e.positions().next() {
                r.extra.insert(
                    "locations".into(),
                    json!([{ "line": pos.line, "column": pos.column }]),
                );
            }
            return Err(r);
        }
    };
    if get
        && let Some(ty) = operation_type(&doc, params.operation_name.as_deref())
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
    app.analyzer
        .check(
            &doc,
            params.operation_name.as_deref(),
            &request.variables,
            limits,
        )
        .map_err(Reject::from_violation)?;
    request.set_parsed_query(doc);

    let request = request
        .data(Arc::clone(&served.graph))
        .data(Arc::clone(&served.status));
    let remaining = deadline.saturating_duration_since(Instant::now());
    let Ok(response) = tokio::time::timeout(remaining, app.schema.execute(request)).await else {
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
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    let (codes, internal) = code_errors(&mut body, id, request_error);
    let operation = operation_label(params.operation_name.as_deref());
    app.metrics.graphql(&operation, started.elapsed(), &codes);
    if !request_error && let Some(hash) = &params.persisted {
        app.apq.put(hash, &query);
    }
    Ok(Outcome {
        body,
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

/// Gives every error in `body` an `extensions.code`, and replaces internal errors' messages
/// with a generic one naming the request id (their details go to the log). Returns the codes
/// and whether any error was internal.
fn code_errors(body: &mut Value, id: &str, request_error: bool) -> (Vec<String>, bool) {
    let mut codes = Vec::new();
    let mut internal = false;
    let Some(Value::Array(errors)) = body.get_mut("errors") else {
        return (codes, internal);
    };
    for error in errors {
        let Value::Object(e) = error else { continue };
        let has_path = e.get("path").is_some_and(|p| p != &Value::Null);
        let code = e
            .get("extensions")
            .and_then(|x| x.get("code"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let code = match code {
            Some(c) if c != "INTERNAL" => c,
            None if request_error || !has_path => "GRAPHQL_VALIDATION_FAILED".to_string(),
            _ => {
                internal = true;
                tracing::error!(
                    request_id = %id,
                    path = %e.get("path").cloned().unwrap_or_default(),
                    "internal error: {}",
                    e.get("message").and_then(serde_json::Value::as_str).unwrap_or("")
                );
                e.insert(
                    "message".into(),
                    json!(format!(
                        "internal server error; quote request id {id} when reporting it"
                    )),
                );
                e.insert(
                    "extensions".into(),
                    json!({ "code": "INTERNAL", "requestId": id }),
                );
                codes.push("INTERNAL".to_string());
                continue;
            }
        };
        let ext = e
            .entry("extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(ext) = ext {
            ext.insert("code".into(), json!(code));
        }
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
        Value::Object(obj) => Ok(Batch::One(params_from_json(&obj)?)),
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
    let mut h = DefaultHasher::new();
    version.hash(&mut h);
    uri.query().unwrap_or("").hash(&mut h);
    media.hash(&mut h);
    format!("\"{version}-{:016x}\"", h.finish())
}

fn set_cache_headers(res: &mut Response, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
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
        let mut body = json!({ "data": { "a": null, "b": null }, "errors": [
            { "message": "Unknown field", "locations": [{"line": 1, "column": 3}] },
            { "message": "bad id", "path": ["a"], "extensions": { "code": "INVALID_ID" } },
            { "message": "index out of bounds: secret detail", "path": ["b"] },
            { "message": "disk on fire", "path": ["c"], "extensions": { "code": "INTERNAL" } },
        ]});
        let (codes, internal) = code_errors(&mut body, "req-1", false);
        assert!(internal);
        assert_eq!(
            codes,
            [
                "GRAPHQL_VALIDATION_FAILED",
                "INVALID_ID",
                "INTERNAL",
                "INTERNAL"
            ]
        );
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(errors[1]["message"], "bad id");
        for e in &errors[2..] {
            let message = e["message"].as_str().unwrap();
            assert_eq!(
                message,
                "internal server error; quote request id req-1 when reporting it"
            );
            assert_eq!(e["extensions"]["requestId"], "req-1");
            assert!(e["path"].is_array(), "the path stays: {e}");
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
