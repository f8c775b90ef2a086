//! HTTP: the axum router serving GraphQL at `/graphql` and GraphiQL at `/`.
//!
//! *Architecture Invariant*: HTTP concerns stop here; the API layer never sees a request.

mod export;
mod graphiql;
mod graphql;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{any, get};

use crate::api::build_schema;
use crate::graph::KnowledgeGraph;

pub use graphiql::{examples, page as graphiql_page};

/// The application's routes over one graph.
pub fn router(graph: Arc<KnowledgeGraph>) -> Router {
    let schema = build_schema(graph.clone());
    Router::new()
        .route("/", get(graphiql::index))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route(
            "/graphql",
            any(graphql::handle).with_state(graphql::GraphqlService {
                schema,
                graph_version: graph.version().into(),
                max_body: graphql::DEFAULT_MAX_BODY,
            }),
        )
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/export/{format}", export::route(graph))
}

/// Serves `graph` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(addr: SocketAddr, graph: Arc<KnowledgeGraph>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "aidgraph: serving {} nodes, {} relations; GraphiQL at http://{}/",
        graph.node_count(),
        graph.edge_count(),
        listener.local_addr()?
    );
    axum::serve(listener, router(graph))
        .with_graceful_shutdown(shutdown_signal())
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
