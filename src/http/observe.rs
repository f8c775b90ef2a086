//! Request ids, access logs, HTTP metrics, panics as JSON 500s, and CORS.
//!
//! Every response carries `x-request-id`: the client's own, if it sent a sane one (so ids
//! follow a request through a proxy), else a fresh one. The same id is in the access log
//! line, in the log lines of internal errors, and in the message the client sees for them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::App;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being answered (a request extension).
#[derive(Debug, Clone)]
pub struct RequestId(pub Arc<str>);

/// Set by the GraphQL handler on its response, for the access log.
#[derive(Debug, Clone)]
pub(crate) struct Operation(pub Arc<str>);

/// Marks the 500 made from a panic, so the request id can be added to its body.
#[derive(Debug, Clone)]
struct Panicked;

fn fresh_id() -> Arc<str> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id()).rotate_left(32)
    });
    // splitmix64 of a per-process counter: unique within the process, unguessable enough to
    // not collide across restarts.
    let mut z = start.wrapping_add(
        COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let z = z ^ (z >> 31);
    // Sixteen hex digits written in place: one allocation, the `Arc`'s.
    let mut hex = [0u8; 16];
    for (i, b) in hex.iter_mut().enumerate() {
        *b = b"0123456789abcdef"[((z >> (60 - 4 * i)) & 0xf) as usize];
    }
    Arc::from(std::str::from_utf8(&hex).unwrap_or("0000000000000000"))
}

/// The client's `x-request-id` if it is 1 to 64 characters of `[A-Za-z0-9._-]`, else a new id.
fn request_id(req: &Request) -> Arc<str> {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .map(Arc::from)
        .unwrap_or_else(fresh_id)
}

/// The outermost middleware: request id, in-flight gauge, access log, HTTP counters.
pub(crate) async fn observe(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    // The matched route is an `Arc<str>` inside axum: cloned, not copied.
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    // For the logs; a `Uri` clone shares its bytes.
    let uri = req.uri().clone();
    let _in_flight = app.metrics.start();

    let mut res = next.run(req).await;

    if res.extensions().get::<Panicked>().is_some() {
        let path = uri.path();
        tracing::error!(request_id = %id, %method, %path, "a handler panicked; answered 500");
        res = internal_error(&id);
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    let status = res.status();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    app.metrics.http(route, &method, status.as_u16());
    if tracing::enabled!(target: "aidgraph::access", tracing::Level::INFO) {
        let operation = res.extensions().get::<Operation>().map(|o| &*o.0);
        tracing::info!(
            target: "aidgraph::access",
            request_id = %id,
            %method,
            path = %uri.path(),
            status = status.as_u16(),
            micros = started.elapsed().as_micros() as u64,
            operation,
            "answered"
        );
    }
    res
}

/// The body of a 500: a generic message and the request id; details are in the log only.
pub(crate) fn internal_error(id: &str) -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": format!("internal server error; quote request id {id} when reporting it"),
        "extensions": { "code": "INTERNAL", "requestId": id },
    }]});
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// `CatchPanicLayer`'s answer; `observe` replaces it with one naming the request id.
pub(crate) fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut res = internal_error("unknown");
    res.extensions_mut().insert(Panicked);
    res
}

/// CORS for the allowed origins: none (no layer) by default, `*` for any.
pub(crate) fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::IF_NONE_MATCH,
                REQUEST_ID,
            ])
            .expose_headers([header::ETAG, REQUEST_ID, header::RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
