//! `/graphql` over HTTP as the GraphQL-over-HTTP specification asks, in place of
//! async-graphql-axum's lenient defaults:
//!
//! - GET (queries only: other operations get 405 with `Allow: POST`) and POST; anything else
//!   405 with `Allow: GET, POST`.
//! - POST bodies must be `application/json` (UTF-8), else 415; over the body limit, 413;
//!   malformed JSON or parameters of the wrong type, 400. Batched arrays are refused.
//! - The response type follows `Accept`: `application/graphql-response+json` when the client
//!   accepts it, else `application/json`. Under the former, a request that cannot run (parse,
//!   validation or variable errors) gets 400 and no `data`; under the latter, 200.
//! - GET answers carry an `ETag` from the graph version, the request and the response type,
//!   and `If-None-Match` gets 304 without running the query.
//! - Every error body is JSON: `{"errors": [{"message", "extensions": {"code"}}]}`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value, json};

use crate::api::AidSchema;

/// The default largest request body, in bytes.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What `/graphql` serves and under which limits.
#[derive(Clone)]
pub struct GraphqlService {
    pub schema: AidSchema,
    /// Identifies the data: part of every ETag, so a new data set invalidates caches.
    pub graph_version: Arc<str>,
    pub max_body: usize,
}

/// A request rejected before it reaches GraphQL.
struct Reject {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
}

impl Reject {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Reject {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Reject::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let body = json!({ "errors": [{
            "message": self.message,
            "extensions": { "code": self.code },
        }]});
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body.to_string(),
        )
            .into_response();
        if let Some(allow) = self.allow {
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
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
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
}

/// Reads `name` of a JSON request object: absent and null are `None`.
fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

fn params_from_json(obj: &Map<String, Value>) -> Result<Params, Reject> {
    let query = match field(obj, "query") {
        Some(Value::String(q)) => q.clone(),
        Some(_) => {
            return Err(Reject::bad(
                "`query` must be a string holding a GraphQL document",
            ));
        }
        None => {
            return Err(Reject::bad(
                "the request has no `query`; send {\"query\": \"{ ... }\"}",
            ));
        }
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
    if let Some(e) = field(obj, "extensions")
        && !e.is_object()
    {
        return Err(Reject::bad("`extensions` must be an object or null"));
    }
    Ok(Params {
        query,
        operation_name,
        variables,
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

/// The type of the operation a request would run, if its document parses.
fn operation_type(query: &str, name: Option<&str>) -> Option<OperationType> {
    let doc = async_graphql::parser::parse_query(query).ok()?;
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
pub async fn handle(
    State(service): State<GraphqlService>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match answer(&service, &method, &uri, &headers, body).await {
        Ok(res) => res,
        Err(reject) => reject.into_response(),
    }
}

async fn answer(
    service: &GraphqlService,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Reject> {
    let media = Media::from_accept(headers);
    let (params, etag) = match *method {
        Method::GET | Method::HEAD => {
            let params = params_from_query_string(uri)?;
            if let Some(ty) = operation_type(&params.query, params.operation_name.as_deref())
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
            let etag = etag(service, uri, media);
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
            {
                let mut res = StatusCode::NOT_MODIFIED.into_response();
                set_cache_headers(&mut res, &etag);
                return Ok(res);
            }
            (params, Some(etag))
        }
        Method::POST => (read_post(service, headers, body).await?, None),
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
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        request = request.variables(async_graphql::Variables::from_json(Value::Object(vars)));
    }
    let response = service.schema.execute(request).await;
    // A request error stops before execution: no data, and no error has a path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    let status = if request_error && media == Media::GraphqlResponse {
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
    if let Some(etag) = etag.filter(|_| status == StatusCode::OK) {
        set_cache_headers(&mut res, &etag);
    }
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(res)
}

async fn read_post(
    service: &GraphqlService,
    headers: &HeaderMap,
    body: Body,
) -> Result<Params, Reject> {
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
    let bytes = match Limited::new(body, service.max_body).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(Reject::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!(
                    "the request body is over {} bytes; send a smaller document",
                    service.max_body
                ),
            ));
        }
        Err(_) => return Err(Reject::bad("the request body could not be read")),
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Reject::bad(format!("the request body is not valid JSON: {e}")))?;
    match value {
        Value::Object(obj) => params_from_json(&obj),
        Value::Array(_) => Err(Reject::bad(
            "batched requests (a JSON array) are not enabled; send one request object",
        )),
        _ => Err(Reject::bad(
            "the request body must be a JSON object: {\"query\": \"...\"}",
        )),
    }
}

/// A strong ETag for a GET: the graph version, the query string and the response type.
fn etag(service: &GraphqlService, uri: &Uri, media: Media) -> String {
    let mut h = DefaultHasher::new();
    service.graph_version.hash(&mut h);
    uri.query().unwrap_or("").hash(&mut h);
    media.hash(&mut h);
    format!("\"{}-{:016x}\"", service.graph_version, h.finish())
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
