//! The raw baseline of `benches/load.sh`: a minimal axum 0.8 server that answers fixed bytes,
//! so that aidgraph's throughput can be compared with the cost of HTTP alone on the same
//! machine, in the same run, for the same response bytes.
//!
//! ```text
//! cargo run --release --example raw_baseline -- ADDR DIR
//! ```
//!
//! Every file under `DIR` is read into memory at start; a request for `/<relative path>`
//! (any method) gets that file's bytes with `content-type: application/json`, after the
//! request body has been read in full (as aidgraph reads a POST body). An unknown path is a
//! 404. The runtime is the one `aidgraph serve` builds (`tokio::runtime::Runtime::new()`: a
//! multi-threaded runtime with one worker per core) and the server is `axum::serve` with
//! connection info, as aidgraph's is; none of aidgraph's middleware runs here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

type Files = Arc<HashMap<String, Bytes>>;

fn read_tree(root: &Path, dir: &Path, out: &mut HashMap<String, Bytes>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let key = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            out.insert(key, Bytes::from(std::fs::read(&path)?));
        }
    }
    Ok(())
}

async fn answer(State(files): State<Files>, uri: Uri, _body: Bytes) -> Response {
    match files.get(uri.path()) {
        Some(bytes) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, dir] = args.as_slice() else {
        eprintln!("usage: raw_baseline ADDR DIR   (serves DIR/<path> at /<path>)");
        std::process::exit(2);
    };
    let addr: std::net::SocketAddr = addr.parse().map_err(std::io::Error::other)?;
    let root = PathBuf::from(dir);
    let mut files = HashMap::new();
    read_tree(&root, &root, &mut files)?;
    eprintln!(
        "raw_baseline: {} files from {} on http://{addr}/",
        files.len(),
        root.display()
    );
    let app = Router::new().fallback(answer).with_state(Arc::new(files));
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    })
}
