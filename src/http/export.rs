//! `GET /export/{format}`: the graph, or a neighbourhood of it, as a file download. The query
//! parameters are those of [`crate::export::params`]; errors are JSON
//! `{"error": {"message", "code", "parameter"}}` with status 400, or 404 for an unknown format.
//! The export is written off the async runtime (metrics are computed on first use).

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde_json::json;

use crate::export::{self, ExportParams, Format, ParamError};
use crate::live::Live;

/// The route's method router, reading the graph being served when each request starts.
pub(super) fn route(live: Arc<Live>) -> MethodRouter {
    get(handler).with_state(live)
}

async fn handler(
    State(live): State<Arc<Live>>,
    format: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let format = match format {
        Ok(Path(name)) => name.parse::<Format>().map_err(|e| e.to_string()),
        Err(e) => Err(format!("{e}; use one of: {}", Format::names())),
    };
    let format = match format {
        Ok(f) => f,
        Err(message) => {
            let formats: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            let body = json!({ "error": {
                "message": message,
                "code": "INVALID_ARGUMENT",
                "parameter": "format",
                "formats": formats,
            }});
            return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        }
    };
    let params = match query {
        Ok(Query(pairs)) => ExportParams::from_pairs(pairs),
        Err(e) => Err(ParamError {
            code: export::ErrorCode::InvalidArgument,
            parameter: "query".to_string(),
            message: format!("the query string cannot be read: {e}"),
        }),
    };
    let params = match params {
        Ok(p) => p,
        Err(e) => return param_error(&e),
    };
    let graph = live.current().graph;
    let work = tokio::task::spawn_blocking(move || {
        let selection = export::select_for(format, &graph, &params)?;
        let metrics = if format.uses_metrics() {
            graph.node_metrics()
        } else {
            Default::default()
        };
        let mut body = Vec::new();
        let written = export::write(format, &graph, &selection.subgraph, &metrics, &mut body);
        Ok::<_, ParamError>((written.map(|()| body), selection.file_stem(&graph)))
    })
    .await;
    match work {
        Ok(Ok((Ok(body), stem))) => {
            let disposition = format!("attachment; filename=\"{stem}.{}\"", format.extension());
            (
                [
                    (header::CONTENT_TYPE, format.content_type().to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Ok(Err(e)) => param_error(&e),
        Ok(Ok((Err(e), _))) => internal(&format!("the export could not be written: {e}")),
        Err(_) => internal("the export failed; the server log has details"),
    }
}

fn param_error(e: &ParamError) -> Response {
    let body = json!({ "error": {
        "message": e.message,
        "code": e.code.as_str(),
        "parameter": e.parameter,
    }});
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// Only reachable if writing to memory fails or the metrics computation panics.
fn internal(message: &str) -> Response {
    let body = json!({ "error": { "message": message, "code": "INTERNAL" } });
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}
