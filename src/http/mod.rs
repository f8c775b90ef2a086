//! HTTP: the axum router serving GraphQL at `/graphql`, GraphiQL at `/`, exports, and the
//! operational endpoints (`/healthz`, `/readyz`, `/metrics`), with the layers a public
//! deployment needs: request ids and access logs, per-client-IP rate limits, CORS from an
//! allow-list, and panics turned into a JSON 500 that names the request id.
//!
//! *Architecture Invariant*: HTTP concerns stop here; the API layer never sees a request.

mod apq;
mod cache;
mod export;
mod graphiql;
mod graphql;
mod metrics;
mod observe;
mod ratelimit;
mod validated;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::json;

use crate::api::limits::{Analyzer, QueryLimits};
use crate::api::{AidSchema, sdl, serving_schema, serving_schema_with};
use crate::graph::KnowledgeGraph;
use crate::live::{DataSource, Live, rfc3339};

pub use graphiql::{examples, page as graphiql_page};
pub use observe::RequestId;

/// A per-client-IP request rate: `per_second` on average, bursts up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

/// The default per-client-IP rate: 50 requests a second, bursts of 100.
pub const DEFAULT_RATE: RateLimit = RateLimit {
    per_second: 50,
    burst: 100,
};

/// Everything an operator can tune about serving; every field has a safe default.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Depth, complexity, aliases, root fields, page size, document size, introspection.
    pub limits: QueryLimits,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// The most operations in one batched (JSON array) request; 0 refuses batches.
    pub max_batch: usize,
    /// The longest a GraphQL request may run once its body is read.
    pub request_timeout: Duration,
    /// The longest a client may take to send a request body.
    pub body_timeout: Duration,
    /// GraphQL requests executed at once; more wait (up to the request timeout), then get 503.
    pub max_concurrent: usize,
    /// Per-client-IP rate limit on `/graphql` and `/export`; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Take the client IP from the last `X-Forwarded-For` entry (set this only behind a
    /// reverse proxy that appends it, or clients can pick their own address).
    pub trust_forwarded_for: bool,
    /// Origins allowed to call the API from a browser; empty means none (no CORS headers),
    /// `*` means any.
    pub cors_origins: Vec<String>,
    /// Persisted queries kept for APQ; 0 turns APQ off.
    pub apq_entries: usize,
    /// Answers kept in the response cache (GET queries and persisted queries); 0 turns it
    /// off.
    pub response_cache_entries: usize,
    /// Bytes of answers (bodies and keys) the response cache may hold.
    pub response_cache_bytes: usize,
    /// Parsed documents kept, by their text, so that each is parsed once; 0 turns it off.
    pub document_cache_entries: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: QueryLimits::default(),
            max_body_bytes: 1 << 20,
            max_batch: 0,
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
            max_concurrent: 64,
            rate_limit: Some(DEFAULT_RATE),
            trust_forwarded_for: false,
            cors_origins: Vec::new(),
            apq_entries: 1000,
            response_cache_entries: 10_000,
            response_cache_bytes: 64 << 20,
            document_cache_entries: 1000,
        }
    }
}

/// What the document cache may hold, parsed documents weighed at an upper bound of their
/// size (`validated::Prepared::weight`): about 900 documents like the playground's.
pub const DOCUMENT_CACHE_BYTES: usize = 64 << 20;

/// What every handler shares.
pub(crate) struct App {
    live: Arc<Live>,
    /// The schema validating every document in full (async-graphql's `Strict` mode)...
    schema: AidSchema,
    /// ...and the one for documents it has already validated (`validated.rs`).
    prevalidated: AidSchema,
    registry: async_graphql::registry::Registry,
    analyzer: Analyzer,
    config: ServerConfig,
    metrics: metrics::Metrics,
    apq: apq::Apq,
    responses: cache::ResponseCache,
    documents: cache::DocumentCache,
    permits: tokio::sync::Semaphore,
    shutting_down: AtomicBool,
}

/// The application's routes over one fixed graph, with the default configuration except
/// for the rate limit, which is off (tests send many requests from one address).
pub fn router(graph: Arc<KnowledgeGraph>) -> Router {
    let config = ServerConfig {
        rate_limit: None,
        ..ServerConfig::default()
    };
    app(Arc::new(Live::new(DataSource::Embedded, graph)), config).0
}

/// A handle on a running application: reload counters and shutdown state.
#[derive(Clone)]
pub struct Handle(Arc<App>);

impl Handle {
    /// Marks the server as draining: `/readyz` answers 503 from now on.
    pub fn draining(&self) {
        self.0.shutting_down.store(true, Ordering::SeqCst);
    }
}

/// The routes over a live (reloadable) graph, under `config`.
pub fn app(live: Arc<Live>, config: ServerConfig) -> (Router, Handle) {
    let state = Arc::new(App {
        schema: serving_schema(config.limits.introspection),
        prevalidated: serving_schema_with(
            config.limits.introspection,
            async_graphql::ValidationMode::Fast,
        ),
        registry: validated::registry(),
        analyzer: Analyzer::from_sdl(&sdl()),
        metrics: metrics::Metrics::default(),
        apq: apq::Apq::new(config.apq_entries, 64 << 20),
        responses: cache::ResponseCache::new(
            config.response_cache_entries,
            config.response_cache_bytes,
        ),
        documents: cache::DocumentCache::new(config.document_cache_entries, DOCUMENT_CACHE_BYTES),
        permits: tokio::sync::Semaphore::new(config.max_concurrent.max(1)),
        shutting_down: AtomicBool::new(false),
        live: live.clone(),
        config,
    });
    let mut guarded = Router::new()
        .route("/graphql", any(graphql::handle).with_state(state.clone()))
        .route("/export/{format}", export::route(live));
    if let Some(rate) = state.config.rate_limit {
        guarded = guarded.layer(ratelimit::layer(rate, state.config.trust_forwarded_for));
    }
    let mut router = Router::new()
        .merge(guarded)
        .route("/", get(graphiql::index))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz).with_state(state.clone()))
        .route("/metrics", get(metrics).with_state(state.clone()));
    if let Some(cors) = observe::cors(&state.config.cors_origins) {
        router = router.layer(cors);
    }
    let router = router
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            observe::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ));
    (router, Handle(state))
}

/// `/readyz`: 200 while serving (with the data's version and the last reload's problems,
/// if any: the previous graph is still served then), 503 once shutting down.
async fn readyz(State(app): State<Arc<App>>) -> Response {
    let s = app.live.current().status;
    let draining = app.shutting_down.load(Ordering::SeqCst);
    let problems: Vec<_> = s
        .problems
        .iter()
        .map(|d| {
            json!({
                "file": d.file, "line": d.loc.line, "column": d.loc.col,
                "message": d.message, "hint": d.hint,
            })
        })
        .collect();
    let body = json!({
        "status": if draining { "draining" } else if s.is_current() { "ready" } else { "stale" },
        "version": s.version,
        "source": s.source,
        "loadedAt": rfc3339(s.loaded_at),
        "lastAttemptAt": rfc3339(s.last_attempt_at),
        "nodes": s.nodes,
        "relations": s.relations,
        "current": s.is_current(),
        "problems": problems,
    });
    let status = if draining {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, axum::Json(body)).into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    let caches = [
        metrics::CacheReport {
            name: "response_cache",
            what: "response cache",
            stats: app.responses.stats(),
            usage: app.responses.usage(),
        },
        metrics::CacheReport {
            name: "document_cache",
            what: "parsed-document cache",
            stats: app.documents.stats(),
            usage: app.documents.usage(),
        },
    ];
    let text = app.metrics.render(&app.live.current(), &caches);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// How `serve` watches the data.
#[derive(Debug, Clone, Copy, Default)]
pub struct Watch {
    /// Poll the data folder at this interval and reload on change.
    pub interval: Option<Duration>,
}

/// Serves `live` on `addr` until Ctrl-C or SIGTERM; SIGHUP reloads the data, and so does a
/// change under `--watch`.
pub async fn serve(
    addr: SocketAddr,
    live: Arc<Live>,
    config: ServerConfig,
    watch: Watch,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let served = live.current();
    tracing::info!(
        nodes = served.status.nodes,
        relations = served.status.relations,
        version = %served.status.version,
        source = %served.status.source,
        "aidgraph: serving; GraphiQL at http://{}/",
        listener.local_addr()?
    );
    let (router, handle) = app(live.clone(), config);
    if let Some(interval) = watch.interval {
        tracing::info!(every = ?interval, "watching the data folder for changes");
        tokio::spawn(live.clone().watch(interval));
    }
    #[cfg(unix)]
    {
        let live = live.clone();
        if let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        {
            tokio::spawn(async move {
                while hup.recv().await.is_some() {
                    live.reload_and_log("SIGHUP").await;
                }
            });
        }
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        handle.draining();
        tracing::info!("shutting down: finishing the requests in flight");
    })
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
