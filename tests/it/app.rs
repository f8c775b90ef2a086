//! `TestApp`: the real router over the built-in seed, called in-process.

use std::sync::{Arc, OnceLock};

use aidgraph::graph::KnowledgeGraph;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
}

/// A response: status, content type and body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("response body is JSON")
    }

    /// A response header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The built-in graph, built once for the whole test binary.
pub fn seed_graph() -> Arc<KnowledgeGraph> {
    static GRAPH: OnceLock<Arc<KnowledgeGraph>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            let data = aidgraph::seed::load_embedded().expect("the built-in seed is valid");
            Arc::new(KnowledgeGraph::build(data))
        })
        .clone()
}

impl TestApp {
    pub fn new() -> Self {
        TestApp {
            router: aidgraph::http::router(seed_graph()),
        }
    }

    /// The router over another graph.
    pub fn with_graph(graph: Arc<KnowledgeGraph>) -> Self {
        TestApp {
            router: aidgraph::http::router(graph),
        }
    }

    /// The router over a live (reloadable) graph, under `config`.
    pub fn with_config(
        live: Arc<aidgraph::live::Live>,
        config: aidgraph::http::ServerConfig,
    ) -> Self {
        TestApp {
            router: aidgraph::http::app(live, config).0,
        }
    }

    /// A handle for requests whose headers the test reads.
    pub fn router(&self) -> RawRouter<'_> {
        RawRouter(&self.router)
    }

    pub async fn request(&self, req: Request<Body>) -> Reply {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = res
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            content_type,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// POSTs a GraphQL query and returns the whole JSON response (`data` and `errors`).
    pub async fn graphql(&self, query: &str) -> Value {
        let body = json!({ "query": query }).to_string();
        let req = Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let reply = self.request(req).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str) -> Value {
        let v = self.graphql(query).await;
        assert!(v.get("errors").is_none(), "unexpected errors: {v:#}");
        v["data"].clone()
    }

    /// Runs a query that must fail and returns its first error.
    pub async fn error(&self, query: &str) -> Value {
        let v = self.graphql(query).await;
        v["errors"][0].clone()
    }
}

/// The router, answering with the full response.
pub struct RawRouter<'a>(&'a Router);

impl RawRouter<'_> {
    pub async fn oneshot_raw(&self, req: Request<Body>) -> axum::response::Response {
        self.0
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible")
    }
}

/// Renames the organisation called `name` in a copied seed folder's `common.toml` (the first
/// `name = "..."` line that matches), as an editor would, so a reload sees new data.
pub fn rename_in_common(dir: &std::path::Path, name: &str) {
    let file = dir.join("common.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = format!("name = \"{name}\"");
    assert!(text.contains(&line), "{name} is not in {}", file.display());
    let renamed = text.replacen(&line, &format!("name = \"{name} (renamed)\""), 1);
    std::fs::write(&file, renamed).unwrap();
}
