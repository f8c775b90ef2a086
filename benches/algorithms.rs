//! Criterion benchmarks of the graph algorithms on generated graphs of 10,000 and 100,000
//! nodes. Each graph's edge list is written to `target/bench-graphs/` so that
//! `benches/networkx_bench.py` times NetworkX on the very same graph; `benches/run.sh` runs
//! both and prints the comparison kept in BENCHMARKS.md.

use std::io::Write;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use aidgraph::analysis::{self, Snapshot};
use aidgraph::graph::{Filter, KnowledgeGraph, PathQuery, PathView};
use aidgraph::model::{Citation, Dataset, OrgKind, Organization, Relation, RelationType};

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::Rng;

/// A preferential-attachment graph (Barabási-Albert, 3 edges per new node, directed from the
/// new node to the old one): hubs with thousands of links and a long tail, as in donor data.
fn edges(n: usize, seed: u64) -> Vec<(u32, u32)> {
    let mut rng = Rng(seed);
    let mut ends: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for v in 0..n as u32 {
        let k = if v < 4 { v as usize } else { 3 };
        let mut chosen: Vec<u32> = Vec::new();
        while chosen.len() < k {
            let u = if ends.is_empty() || rng.below(4) == 0 {
                rng.below(v as usize) as u32
            } else {
                ends[rng.below(ends.len())]
            };
            if !chosen.contains(&u) {
                chosen.push(u);
            }
        }
        for u in chosen {
            out.push((v, u));
            ends.push(u);
            ends.push(v);
        }
    }
    out
}

fn output(name: &str) -> std::io::BufWriter<std::fs::File> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-graphs");
    std::fs::create_dir_all(&dir).expect("create target/bench-graphs");
    std::io::BufWriter::new(std::fs::File::create(dir.join(name)).expect("create bench file"))
}

fn write_pairs(n: usize, pairs: &[(usize, usize)]) {
    let mut f = output(&format!("ba-{n}.pairs"));
    for (a, b) in pairs {
        writeln!(f, "{a} {b}").expect("write");
    }
}

fn write_edges(n: usize, edges: &[(u32, u32)]) {
    let mut f = output(&format!("ba-{n}.edges"));
    writeln!(f, "# nodes {n}").expect("write");
    for (a, b) in edges {
        writeln!(f, "{a} {b}").expect("write");
    }
}

/// The same graph as a knowledge graph (organisations collaborating), for the path search.
fn knowledge_graph(n: usize, edges: &[(u32, u32)]) -> KnowledgeGraph {
    let cite = vec![Citation {
        source: "bench".into(),
        quote: "bench".into(),
    }];
    let organizations = (0..n)
        .map(|i| Organization {
            id: format!("o{i}"),
            name: format!("Organisation {i}"),
            short_name: None,
            kind: OrgKind::Other,
            aliases: Vec::new(),
            iati_id: None,
            iati_type: None,
            country: None,
            description: None,
            cite: cite.clone(),
        })
        .collect();
    let relations = edges
        .iter()
        .map(|(a, b)| {
            Relation::new(
                format!("o{a}"),
                RelationType::CollaboratesWith,
                format!("o{b}"),
                cite.clone(),
            )
        })
        .collect();
    KnowledgeGraph::build(Dataset {
        organizations,
        relations,
        ..Default::default()
    })
}

fn algorithms(c: &mut Criterion) {
    for n in [10_000usize, 100_000] {
        let e = edges(n, 42);
        write_edges(n, &e);
        let s = Snapshot::from_edges(n, e.iter().copied());
        let mut group = c.benchmark_group(format!("ba-{n}"));
        group.sample_size(10);
        group.bench_function("snapshot", |b| {
            b.iter(|| Snapshot::from_edges(n, e.iter().copied()))
        });
        group.bench_function("pagerank", |b| {
            b.iter(|| analysis::pagerank(&s, 0.85, 1e-6, 100))
        });
        group.bench_function("degree_centrality", |b| {
            b.iter(|| analysis::degree_centrality(&s))
        });
        group.bench_function("eigenvector", |b| {
            b.iter(|| analysis::eigenvector(&s, 100, 1e-6))
        });
        if n <= 10_000 {
            // All-pairs measures: O(n m). At 100k nodes they take minutes here and hours in
            // NetworkX; the server refuses them above 20k nodes and offers sampled pivots.
            group.bench_function("betweenness", |b| b.iter(|| analysis::betweenness(&s)));
            group.bench_function("closeness", |b| b.iter(|| analysis::closeness(&s)));
        }
        group.bench_function(BenchmarkId::new("betweenness_approx", 100), |b| {
            b.iter(|| analysis::betweenness_approx(&s, 100, 0))
        });
        group.bench_function("components", |b| b.iter(|| analysis::components(&s)));
        group.bench_function("louvain", |b| b.iter(|| analysis::louvain(&s, 1.0, 0)));
        group.bench_function("label_propagation", |b| {
            b.iter(|| analysis::label_propagation(&s, 0))
        });
        let g = knowledge_graph(n, &e);
        let q = PathQuery {
            view: PathView::Undirected,
            filter: Filter::default(),
            max_length: 8,
        };
        let mut rng = Rng(7);
        let ends: Vec<(usize, usize)> = (0..100).map(|_| (rng.below(n), rng.below(n))).collect();
        write_pairs(n, &ends);
        let pairs: Vec<_> = ends
            .iter()
            .map(|(a, b)| {
                let node = |i: &usize| g.by_id(&format!("o{i}")).expect("generated node");
                (node(a), node(b))
            })
            .collect();
        group.bench_function(BenchmarkId::new("shortest_path", "100 pairs"), |b| {
            b.iter(|| {
                pairs
                    .iter()
                    .filter(|(a, z)| g.shortest_path(*a, *z, &q).is_some())
                    .count()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, algorithms);
criterion_main!(benches);
