//! Costs at scale, on seed folders written by `aidgraph generate --format seed --seed 42`
//! (10,000 and 100,000 nodes; also 1,000,000 with `AIDGRAPH_BENCH_1M=1`, which takes minutes
//! and about 11 GB to load from files once):
//!
//! - `load/files`: reading, checking and building the graph from the folder (10k only: at
//!   100k one run takes 25 s; `benches/scale.sh` times every size once);
//! - `snapshot/read`: starting from a snapshot file (the page cache warm), as
//!   `serve --snapshot` does;
//! - `traversal/hub` and `traversal/leaf`: the same GraphQL page (5 relations after a
//!   cursor, with each one's type and other end) from `org:hub-agency`, which implements
//!   every project (half the graph's nodes), and from a project with a handful of relations;
//!   the issue's bound is hub within 2x of leaf.
//!
//! ```text
//! cargo bench --bench scale
//! AIDGRAPH_BENCH_1M=1 cargo bench --bench scale
//! ```
//!
//! The folders and snapshots are kept in `target/bench-scale/` and reused.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use aidgraph::api::{AidSchema, build_schema};
use aidgraph::generate::{Params, write_seed};
use aidgraph::graph::KnowledgeGraph;
use aidgraph::seed;

fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-scale")
}

/// The generated folder of `nodes` nodes, written once (to a temporary name, then renamed).
fn folder(nodes: usize) -> PathBuf {
    let dir = work_dir().join(format!("seed-{nodes}"));
    if !dir.exists() {
        let tmp = work_dir().join(format!("seed-{nodes}.partial"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        write_seed(&tmp, &Params { nodes, seed: 42 }, &mut |_, _| {}).unwrap();
        std::fs::rename(&tmp, &dir).unwrap();
    }
    dir
}

/// The graph of a folder and its snapshot file, written once.
fn graph_and_snapshot(nodes: usize) -> (KnowledgeGraph, PathBuf) {
    let file = work_dir().join(format!("graph-{nodes}.snapshot"));
    if let Ok(f) = std::fs::File::open(&file)
        && let Ok(g) = KnowledgeGraph::read_snapshot(f)
    {
        return (g, file);
    }
    let g = KnowledgeGraph::build(seed::load_dir(&folder(nodes)).expect("generated data loads"));
    let tmp = file.with_extension("partial");
    g.write_snapshot(std::fs::File::create(&tmp).unwrap())
        .unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    (g, file)
}

fn run(rt: &tokio::runtime::Runtime, schema: &AidSchema, query: &str) -> serde_json::Value {
    let response = rt.block_on(schema.execute(query));
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    serde_json::to_value(&response.data).unwrap()
}

/// A page of 5 relations of `node` after its `skip`-th, with each one's type and other end.
fn page_query(rt: &tokio::runtime::Runtime, schema: &AidSchema, node: &str, skip: usize) -> String {
    let cursor = run(
        rt,
        schema,
        &format!(
            r#"{{ node(id: "{node}") {{ ... on Organization {{ relations(first: {skip}) {{ pageInfo {{ endCursor }} }} }}
                 ... on Project {{ relations(first: {skip}) {{ pageInfo {{ endCursor }} }} }} }} }}"#
        ),
    );
    let cursor = cursor["node"]["relations"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("the node has that many relations")
        .to_string();
    let page = format!(
        r#"relations(first: 5, after: "{cursor}") {{ totalCount edges {{ cursor type direction node {{ id }} }} }}"#
    );
    format!(
        r#"{{ node(id: "{node}") {{ ... on Organization {{ {page} }} ... on Project {{ {page} }} }} }}"#
    )
}

fn scale(c: &mut Criterion) {
    let mut sizes = vec![10_000, 100_000];
    if std::env::var_os("AIDGRAPH_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for nodes in sizes {
        let dir = folder(nodes);
        if nodes <= 10_000 {
            let mut group = c.benchmark_group("load");
            group.sample_size(10);
            group.bench_function(BenchmarkId::new("files", nodes), |b| {
                b.iter(|| KnowledgeGraph::build(seed::load_dir(black_box(&dir)).unwrap()))
            });
            group.finish();
        }

        let (graph, file) = graph_and_snapshot(nodes);
        let mut group = c.benchmark_group("snapshot");
        group.sample_size(10);
        if nodes >= 1_000_000 {
            group.measurement_time(Duration::from_secs(40));
        }
        group.bench_function(BenchmarkId::new("read", nodes), |b| {
            b.iter(|| KnowledgeGraph::read_snapshot(std::fs::File::open(&file).unwrap()).unwrap())
        });
        group.finish();

        let schema = build_schema(Arc::new(graph));
        let leaf =
            run(&rt, &schema, r#"{ projects(first: 1) { nodes { id } } }"#)["projects"]["nodes"][0]
                ["id"]
                .as_str()
                .unwrap()
                .to_string();
        let hub = page_query(&rt, &schema, "org:hub-agency", 1000);
        let leaf = page_query(&rt, &schema, &leaf, 1);
        let degree = |q: &str| run(&rt, &schema, q)["node"]["relations"]["totalCount"].clone();
        eprintln!(
            "traversal at {nodes} nodes: hub degree {}, leaf degree {}",
            degree(&hub),
            degree(&leaf)
        );
        let mut group = c.benchmark_group("traversal");
        for (name, query) in [("hub", &hub), ("leaf", &leaf)] {
            group.bench_function(BenchmarkId::new(name, nodes), |b| {
                b.iter(|| rt.block_on(schema.execute(black_box(query.as_str()))))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
