//! Graph snapshots: a graph read from a snapshot answers exactly as the graph built from its
//! files, and a damaged snapshot is refused with a clear error, never a panic.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use aidgraph::graph::{KnowledgeGraph, SnapshotError};
use aidgraph::{iati, seed};
use serde_json::Value;

use crate::app::TestApp;
use crate::generate::generate_as;

fn round_trip(g: &KnowledgeGraph) -> (Vec<u8>, KnowledgeGraph) {
    let mut bytes = Vec::new();
    let written = g.write_snapshot(&mut bytes).expect("writes");
    assert_eq!(
        written,
        bytes.len() as u64,
        "the reported size is the file's"
    );
    let back = KnowledgeGraph::read_snapshot(bytes.as_slice()).expect("reads back");
    (bytes, back)
}

fn seed_and_example() -> KnowledgeGraph {
    let base = seed::load_embedded().unwrap();
    let xml = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/iati/activity-standard-example-annotated.xml"),
    )
    .unwrap();
    let imported = iati::import_bytes("example.xml", &xml, &base).unwrap();
    KnowledgeGraph::build(iati::merge(base, imported.data))
}

/// Queries beyond the playground's that reach every part of a graph: IATI fields, citations
/// on nodes and relations, relation attributes, cursors, search and totals.
const PROBES: &[&str] = &[
    r#"{ projects(first: 100) { totalCount edges { cursor node { id title citations { quote source { id } }
        iatiIdentifier budgets { value { amount currency } } transactions { type value { amount currency } }
        relations(first: 50) { totalCount pageInfo { endCursor hasNextPage } edges { cursor direction
          node { id } type role note contribution amount { amount currency } amountQualifier
          period { text } percentage iatiRole iatiActivityId citations { quote }
          transaction { type value { amount currency } } relatedActivityType } } } } } }"#,
    r#"{ organizations(first: 100) { edges { node { id name citations { quote }
        relations(last: 3) { edges { cursor node { id } } } } } } }"#,
    r#"{ search(query: "labour", first: 50) { totalCount edges { cursor score label kind node { id } } } }"#,
    r#"{ fundingTotals(groupBy: COUNTRY) { key totals { amount currency count } } }"#,
];

async fn answers(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for (_, query) in aidgraph::http::examples() {
        out.push(app.graphql(&query).await);
    }
    for q in PROBES {
        out.push(app.graphql(q).await);
    }
    out.push(Value::String(app.get("/export/graphml").await.text()));
    // The IATI file states when it was written; the two exports may fall in different seconds.
    let iati = app.get("/export/iati").await.text();
    let stamp = iati
        .find("generated-datetime=\"")
        .expect("IATI export has a datetime");
    let end = iati[stamp + 20..].find('"').expect("attribute closes") + stamp + 20;
    out.push(Value::String(format!("{}{}", &iati[..stamp], &iati[end..])));
    out
}

/// Where two graphs differ, if they do: counts, version, each node (its record and
/// citations) and each edge (its ends, attributes and citations), by index.
fn difference(a: &KnowledgeGraph, b: &KnowledgeGraph) -> Option<String> {
    use petgraph::graph::{EdgeIndex, NodeIndex};
    let counts = |g: &KnowledgeGraph| (g.node_count(), g.edge_count(), g.version().to_string());
    if counts(a) != counts(b) {
        return Some(format!("{:?} against {:?}", counts(a), counts(b)));
    }
    let json = |v: &dyn erased::Json| v.json();
    for i in 0..a.node_count() {
        let ix = NodeIndex::new(i);
        let (x, y) = (json(a.entity(ix)), json(b.entity(ix)));
        if x != y {
            return Some(format!("node {i}: {x} against {y}"));
        }
        let (x, y): (Vec<_>, Vec<_>) = (
            a.node_citations(ix).collect(),
            b.node_citations(ix).collect(),
        );
        if x != y {
            return Some(format!("node {i}'s citations: {x:?} against {y:?}"));
        }
    }
    for i in 0..a.edge_count() {
        let ix = EdgeIndex::new(i);
        let x = (
            a.endpoints(ix),
            json(a.edge(ix)),
            a.edge_citations(ix).collect::<Vec<_>>(),
        );
        let y = (
            b.endpoints(ix),
            json(b.edge(ix)),
            b.edge_citations(ix).collect::<Vec<_>>(),
        );
        if x != y {
            return Some(format!("edge {i}: {x:?} against {y:?}"));
        }
    }
    None
}

mod erased {
    /// Any serialisable value as JSON, to compare records that have no `PartialEq`.
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("model types serialise")
        }
    }
}

/// Copies the built-in seed into `dir` with its data files renamed so that they are read in
/// the reverse order: relations then name organisations, projects and sources declared in
/// files read after them.
fn reversed_seed(dir: &Path) {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
    let mut names: Vec<String> = std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    for (i, name) in names.iter().enumerate() {
        let to = dir.join(format!("{:02}-{name}", names.len() - i));
        std::fs::copy(seed.join(name), to).unwrap();
    }
    std::fs::create_dir(dir.join("sources")).unwrap();
    for e in std::fs::read_dir(seed.join("sources")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join("sources").join(e.file_name())).unwrap();
    }
}

/// The graph built while the files are parsed (relations and citations staged, never a data
/// set's `Relation`s) is the graph built from the data set: the same version, the same nodes,
/// edges and citations at the same indexes, for the built-in seed, a generated folder, and the
/// seed read backwards (ends named before they are declared). Only the citation table's order
/// may differ (first use), so the two snapshots are compared by what they answer.
#[test]
fn building_while_parsing_gives_the_graph_of_the_data_set() {
    let dir = tempfile::tempdir().unwrap();
    let says = "implements every project";
    let generated = generate_as("seed", dir.path(), "seed", 3000, 5, says);
    let backwards = dir.path().join("backwards");
    std::fs::create_dir(&backwards).unwrap();
    reversed_seed(&backwards);
    let embedded = seed::build_embedded().unwrap();
    let cases = [
        (
            KnowledgeGraph::build(seed::load_embedded().unwrap()),
            embedded,
        ),
        (
            KnowledgeGraph::build(seed::load_dir(&generated).unwrap()),
            seed::build_dir(&generated).unwrap(),
        ),
        (
            KnowledgeGraph::build(seed::load_dir(&backwards).unwrap()),
            seed::build_dir(&backwards).unwrap(),
        ),
    ];
    let seed_edges = cases[0].0.edge_count();
    for (i, (from_data, staged)) in cases.iter().enumerate() {
        assert!(staged.edge_count() > 100, "case {i}");
        if let Some(d) = difference(from_data, staged) {
            panic!("case {i}: {d}");
        }
        let (_, read) = round_trip(staged);
        if let Some(d) = difference(from_data, &read) {
            panic!("case {i}, read back: {d}");
        }
    }
    // Read backwards, no relation is lost to an end declared later.
    assert_eq!(cases[2].1.edge_count(), seed_edges);
    assert_ne!(
        cases[2].1.version(),
        cases[0].1.version(),
        "the order is data"
    );
}

#[tokio::test]
async fn a_snapshot_answers_exactly_as_the_files() {
    for built in [
        KnowledgeGraph::build(seed::load_embedded().unwrap()),
        seed_and_example(),
    ] {
        let (_, read) = round_trip(&built);
        assert_eq!(read.node_count(), built.node_count());
        assert_eq!(read.edge_count(), built.edge_count());
        assert_eq!(
            read.version(),
            built.version(),
            "ETags stay valid across a restart"
        );
        let from_files = answers(&TestApp::with_graph(Arc::new(built))).await;
        let from_snapshot = answers(&TestApp::with_graph(Arc::new(read))).await;
        assert!(from_files.len() > 20);
        for (a, b) in from_files.iter().zip(&from_snapshot) {
            assert_eq!(a, b);
        }
        // The probes reached data, not just errors.
        assert!(
            from_files.iter().all(|v| v.get("errors").is_none()),
            "{from_files:#?}"
        );
    }
}

#[test]
fn damaged_snapshots_are_refused_never_half_read() {
    let g = seed_and_example();
    let (bytes, _) = round_trip(&g);
    let not_a_snapshot = KnowledgeGraph::read_snapshot(&b"<?xml version=\"1.0\"?>"[..]);
    assert!(matches!(not_a_snapshot, Err(SnapshotError::NotASnapshot)));
    let mut other_format = bytes.clone();
    other_format[16] = 99;
    let err = KnowledgeGraph::read_snapshot(other_format.as_slice())
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("snapshot format 99 is not the format"),
        "{err}"
    );
    // Cut anywhere, or flip any byte: always a refusal naming the damage.
    for i in (20..bytes.len()).step_by(bytes.len() / 97) {
        let err = KnowledgeGraph::read_snapshot(&bytes[..i])
            .err()
            .expect("truncated");
        assert!(err.to_string().contains("truncated"), "cut at {i}: {err}");
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x5a;
        let err = KnowledgeGraph::read_snapshot(flipped.as_slice())
            .err()
            .expect("flipped");
        assert!(
            matches!(err, SnapshotError::Damaged { .. }),
            "flip at {i}: {err}"
        );
        assert!(
            err.to_string()
                .contains("make it again with `aidgraph snapshot`")
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let err = KnowledgeGraph::read_snapshot(longer.as_slice())
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("bytes after the last frame"),
        "{err}"
    );
}

#[test]
fn the_cli_writes_a_snapshot_the_server_reads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.snapshot");
    let out = Command::new(env!("CARGO_BIN_EXE_aidgraph"))
        .args(["snapshot", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nodes") && err.contains("per node"), "{err}");
    assert!(!dir.path().join("seed.snapshot.partial").exists());
    let source = aidgraph::live::DataSource::Snapshot(file.clone());
    let g = source.build().expect("reads");
    assert_eq!(g.version(), crate::app::seed_graph().version());
    // A damaged file is one located diagnostic.
    std::fs::write(&file, b"nonsense").unwrap();
    let diags = source.build().err().unwrap();
    let text = diags.to_string();
    assert!(
        text.contains("seed.snapshot:1:1: error: not an aidgraph snapshot"),
        "{text}"
    );
}

/// Probes of a generated graph: the hub's pages (first, after a cursor, last), typed and
/// kind-filtered lists, filters, totals and search.
const GENERATED_PROBES: &[&str] = &[
    r#"{ node(id: "org:hub-agency") { id ... on Organization { name citations { quote source { id } }
        relations(first: 20) { totalCount pageInfo { endCursor hasNextPage } edges { cursor
          type direction percentage amount { amount currency } period { text } node { id } } } } } }"#,
    r#"{ node(id: "org:hub-agency") { ... on Organization { relations(last: 7) { edges { cursor node { id } } } } } }"#,
    r#"{ projects(first: 50) { totalCount edges { node { id title status budget { amount currency }
        period { text } citations { quote }
        relations(first: 30) { totalCount edges { type percentage amount { amount currency }
          contribution role note citations { quote source { id } } node { id } } } } } } }"#,
    r#"{ organizations(first: 100) { totalCount edges { node { id name } } } }"#,
    r#"{ outcomes(first: 50) { edges { node { id metric period { text } } } } }"#,
    r#"{ search(query: "agency", first: 50) { totalCount edges { score label kind node { id } } } }"#,
    r#"{ fundingTotals(groupBy: COUNTRY) { key totals { amount currency count } } }"#,
];

/// `generate --format snapshot` writes the graph that `generate --format seed` loads to: a
/// generated graph, with its hub, answers identically from the snapshot and from the files.
#[tokio::test]
async fn a_generated_graph_answers_the_same_from_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let says = "implements every project";
    let folder = generate_as("seed", dir.path(), "seed", 3000, 11, says);
    let file = generate_as("snapshot", dir.path(), "generated.snapshot", 3000, 11, says);
    assert!(
        !dir.path().join("generated.snapshot.seed.partial").exists(),
        "the intermediate folder is removed"
    );
    let built = KnowledgeGraph::build(seed::load_dir(&folder).unwrap());
    let read =
        KnowledgeGraph::read_snapshot(std::fs::File::open(&file).unwrap()).expect("reads back");
    assert!(built.node_count() > 2500, "{}", built.node_count());
    assert_eq!(read.node_count(), built.node_count());
    assert_eq!(read.edge_count(), built.edge_count());
    assert_eq!(read.version(), built.version());

    let mut answers = Vec::new();
    for g in [built, read] {
        let app = TestApp::with_graph(Arc::new(g));
        let mut out = Vec::new();
        let mut after = None::<String>;
        for q in GENERATED_PROBES {
            out.push(app.graphql(q).await);
        }
        // Walk the hub's relations a page at a time from the first page's end.
        for _ in 0..5 {
            let args = match &after {
                Some(c) => format!("first: 25, after: \"{c}\""),
                None => "first: 25".to_string(),
            };
            let page = app
                .graphql(&format!(
                    r#"{{ node(id: "org:hub-agency") {{ ... on Organization {{ relations({args})
                        {{ pageInfo {{ endCursor }} edges {{ node {{ id }} }} }} }} }} }}"#
                ))
                .await;
            after = page["data"]["node"]["relations"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_string);
            out.push(page);
        }
        out.push(Value::String(app.get("/export/graphml").await.text()));
        answers.push(out);
    }
    let (from_files, from_snapshot) = (&answers[0], &answers[1]);
    for (a, b) in from_files.iter().zip(from_snapshot) {
        assert_eq!(a, b);
    }
    assert!(
        from_files.iter().all(|v| v.get("errors").is_none()),
        "{from_files:#?}"
    );
    let hub = &from_files[0]["data"]["node"]["relations"];
    assert!(hub["totalCount"].as_u64().unwrap() > 500, "{hub}");
    assert!(
        from_files[5]["data"]["search"]["totalCount"]
            .as_u64()
            .unwrap()
            > 0
    );
}
