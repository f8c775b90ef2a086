//! Network exports over HTTP (`/export/{format}`) and the CLI (`aidgraph export`): every
//! format's headers, counts, attributes and escaping, neighbourhoods and filters, and the
//! errors. Metric values are checked elsewhere; here only that they are present and typed.

use std::collections::BTreeSet;
use std::process::Command;

use aidgraph::graph::{Incoming, Outgoing};
use axum::http::StatusCode;
use petgraph::graph::EdgeIndex;
use serde_json::Value;

use crate::app::{Reply, TestApp, seed_graph};

const FORMATS: &[(&str, &str, &str)] = &[
    ("graphml", "application/graphml+xml", "graphml"),
    ("gexf", "application/gexf+xml", "gexf"),
    ("nodes.csv", "text/csv; charset=utf-8", "nodes.csv"),
    ("edges.csv", "text/csv; charset=utf-8", "edges.csv"),
    ("cytoscape", "application/json", "cytoscape.json"),
    ("node-link", "application/json", "node-link.json"),
];

/// GETs `path` from the real router and returns the reply and its `Content-Disposition`.
async fn get(path: &str) -> (Reply, String) {
    let reply = TestApp::new().get(path).await;
    let disposition = reply.header("content-disposition").to_string();
    (reply, disposition)
}

/// The node ids and edge ids of a node-link document.
fn node_link_ids(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let nodes = doc["nodes"].as_array().unwrap();
    let links = doc["links"].as_array().unwrap();
    (
        nodes
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect(),
        links
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect(),
    )
}

/// How many nodes and edges an export holds, read the way each format is laid out.
fn counts(format: &str, body: &str) -> (usize, usize) {
    match format {
        "graphml" | "gexf" => (
            body.matches("<node id=").count(),
            body.matches("<edge id=").count(),
        ),
        "nodes.csv" => (body.lines().count() - 1, 0),
        "edges.csv" => (0, body.lines().count() - 1),
        "cytoscape" => {
            let v: Value = serde_json::from_str(body).unwrap();
            (
                v["elements"]["nodes"].as_array().unwrap().len(),
                v["elements"]["edges"].as_array().unwrap().len(),
            )
        }
        "node-link" => {
            let v: Value = serde_json::from_str(body).unwrap();
            (
                v["nodes"].as_array().unwrap().len(),
                v["links"].as_array().unwrap().len(),
            )
        }
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn every_format_exports_the_whole_seed_with_its_type_and_file_name() {
    let graph = seed_graph();
    assert_eq!((graph.node_count(), graph.edge_count()), (154, 271));
    for (format, content_type, ext) in FORMATS {
        let (reply, disposition) = get(&format!("/export/{format}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{format}: {}", reply.text());
        assert_eq!(reply.content_type, *content_type, "{format}");
        assert_eq!(
            disposition,
            format!("attachment; filename=\"aidgraph.{ext}\""),
            "{format}"
        );
        let (nodes, edges) = counts(format, &reply.text());
        match *format {
            "nodes.csv" => assert_eq!(nodes, 154),
            "edges.csv" => assert_eq!(edges, 271),
            _ => assert_eq!((nodes, edges), (154, 271), "{format}"),
        }
    }
}

/// The ids within one hop of `center` and the edges among them, computed from the graph.
fn one_hop(center: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let graph = seed_graph();
    let c = graph.by_global_id(center).unwrap();
    let mut keep = BTreeSet::from([c]);
    for dir in [Outgoing, Incoming] {
        keep.extend(graph.relations(c, None, dir).into_iter().map(|(_, n)| n));
    }
    let edges = (0..graph.edge_count())
        .map(EdgeIndex::new)
        .filter(|e| {
            let (a, b) = graph.endpoints(*e);
            keep.contains(&a) && keep.contains(&b)
        })
        .map(|e| format!("e{}", e.index()))
        .collect();
    let nodes = keep.iter().map(|n| graph.entity(*n).global_id()).collect();
    (nodes, edges)
}

#[tokio::test]
async fn a_neighbourhood_exports_exactly_the_nodes_one_hop_away_and_the_edges_among_them() {
    let (nodes, edges) = one_hop("org:mhlw");
    assert!(nodes.len() > 2 && nodes.len() < 154, "{nodes:?}");
    let (reply, disposition) = get("/export/node-link?around=org:mhlw&depth=1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        disposition,
        "attachment; filename=\"aidgraph-org-mhlw.node-link.json\""
    );
    assert_eq!(node_link_ids(&reply.json()), (nodes.clone(), edges.clone()));
    // depth defaults to 1, and every format agrees on the counts.
    for (format, _, _) in FORMATS {
        let (reply, _) = get(&format!("/export/{format}?around=org:mhlw")).await;
        let (n, e) = counts(format, &reply.text());
        match *format {
            "nodes.csv" => assert_eq!(n, nodes.len()),
            "edges.csv" => assert_eq!(e, edges.len()),
            _ => assert_eq!((n, e), (nodes.len(), edges.len()), "{format}"),
        }
    }
}

#[tokio::test]
async fn kinds_and_types_filter_the_whole_graph() {
    let (reply, _) = get("/export/node-link?kinds=organization,PROJECT&types=FUNDS").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let doc = reply.json();
    let nodes = doc["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    for n in nodes {
        assert!(
            ["ORGANIZATION", "PROJECT"].contains(&n["kind"].as_str().unwrap()),
            "{n}"
        );
    }
    let links = doc["links"].as_array().unwrap();
    assert!(!links.is_empty());
    assert!(links.iter().all(|e| e["type"] == "FUNDS"));
}

fn is_int(v: &Value) -> bool {
    v.as_u64().is_some()
}

fn is_number(v: &Value) -> bool {
    v.as_f64().is_some_and(f64::is_finite)
}

#[tokio::test]
async fn json_nodes_carry_typed_metrics_and_edges_carry_amounts_only_when_stated() {
    let graph = seed_graph();
    for (format, path) in [
        ("node-link", "/export/node-link"),
        ("cytoscape", "/export/cytoscape"),
    ] {
        let doc = get(path).await.0.json();
        assert_eq!(doc["directed"], true);
        assert_eq!(doc["multigraph"], true);
        let (nodes, edges) = if format == "node-link" {
            (doc["nodes"].clone(), doc["links"].clone())
        } else {
            let data = |v: &Value| -> Vec<Value> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["data"].clone())
                    .collect()
            };
            (
                Value::from(data(&doc["elements"]["nodes"])),
                Value::from(data(&doc["elements"]["edges"])),
            )
        };
        for n in nodes.as_array().unwrap() {
            let id = n["id"].as_str().unwrap();
            let ix = graph.by_global_id(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(n["label"], graph.entity(ix).label());
            assert!(
                n["kind"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .all(|c| c.is_ascii_uppercase())
            );
            assert!(is_int(&n["degree"]) && is_int(&n["community"]), "{n}");
            for m in ["pagerank", "betweenness", "closeness", "eigenvector"] {
                assert!(is_number(&n[m]), "{format} {m}: {n}");
            }
            if format == "cytoscape" {
                assert_eq!(n["name"], n["label"]);
                assert_eq!(n["value"], n["id"]);
            }
        }
        let mut with_amount = 0;
        for e in edges.as_array().unwrap() {
            let id = e["id"].as_str().unwrap();
            assert_eq!(e["key"], id);
            let ix: usize = id.strip_prefix('e').unwrap().parse().unwrap();
            let relation = graph.edge(EdgeIndex::new(ix));
            assert!(
                e["type"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_')
            );
            match relation.amount() {
                Some(a) => {
                    with_amount += 1;
                    assert!(is_number(&e["amount"]), "{e}");
                    assert_eq!(e["currency"], a.money.currency.0);
                    assert_eq!(
                        e["amount"].as_f64().unwrap().to_string(),
                        a.money.amount.normalize().to_string()
                    );
                }
                None => {
                    assert!(
                        e.get("amount").is_none() && e.get("currency").is_none(),
                        "{e}"
                    );
                }
            }
        }
        assert!(with_amount > 0, "the seed states some amounts");
    }
}

#[tokio::test]
async fn csv_has_the_headers_gephi_and_pandas_read_and_leaves_absent_amounts_empty() {
    let nodes = get("/export/nodes.csv").await.0.text();
    assert!(nodes.starts_with(
        "id,kind,label,degree,pagerank,betweenness,closeness,eigenvector,community\r\n"
    ));
    let edges = get("/export/edges.csv").await.0.text();
    let mut lines = edges.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("id,source,target,type,kind,amount,currency")
    );
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 271);
    assert!(
        rows.iter().any(|r| r.ends_with(",,")),
        "an edge without an amount"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains(",FUNDS,FUNDS,") && !r.ends_with(",,")),
        "a funding edge with an amount"
    );
    // Labels with commas are quoted; apostrophes and non-ASCII are written as they are.
    assert!(
        nodes.contains(",\"Ministry of Health, Labour and Welfare\","),
        "{nodes}"
    );
    assert!(nodes.contains(",Lao People's Democratic Republic,"));
    assert!(nodes.contains("Employers’ organizations"));
}

#[tokio::test]
async fn xml_formats_escape_labels_and_declare_typed_attributes() {
    let graphml = get("/export/graphml").await.0.text();
    assert!(graphml.contains("edgedefault=\"directed\""));
    assert!(graphml.contains("attr.name=\"pagerank\" attr.type=\"double\""));
    assert!(graphml.contains("for=\"node\" attr.name=\"degree\" attr.type=\"int\""));
    assert!(graphml.contains("for=\"edge\" attr.name=\"amount\" attr.type=\"double\""));
    assert!(graphml.contains(">Lao People&apos;s Democratic Republic</data>"));
    assert!(graphml.contains(">Employers’ organizations</data>"));
    assert!(!graphml.contains("People's"));

    let gexf = get("/export/gexf").await.0.text();
    assert!(gexf.contains("xmlns=\"http://gexf.net/1.3\""));
    assert!(gexf.contains("version=\"1.3\""));
    assert!(gexf.contains("<creator>aidgraph</creator>"));
    assert!(gexf.contains("defaultedgetype=\"directed\""));
    assert!(gexf.contains("<attributes class=\"node\" mode=\"static\">"));
    assert!(gexf.contains("<attribute id=\"community\" title=\"community\" type=\"integer\"/>"));
    assert!(gexf.contains("<attribute id=\"amount\" title=\"amount\" type=\"double\"/>"));
    assert!(gexf.contains("label=\"Lao People&apos;s Democratic Republic\""));
    assert!(gexf.contains("<edge id=\"e0\" source=\""));
    // Edges without an amount have neither amount nor currency.
    let without = gexf
        .lines()
        .filter(|l| l.contains("<edge ") && !l.contains("for=\"amount\""))
        .count();
    assert!(without > 0);
    assert!(
        gexf.lines()
            .filter(|l| l.contains("<edge "))
            .all(|l| l.contains("for=\"amount\"") == l.contains("for=\"currency\""))
    );
}

async fn error(path: &str, status: StatusCode) -> Value {
    let (reply, _) = get(path).await;
    assert_eq!(reply.status, status, "{path}: {}", reply.text());
    assert_eq!(reply.content_type, "application/json");
    reply.json()["error"].clone()
}

#[tokio::test]
async fn an_unknown_format_is_not_found_and_lists_the_formats() {
    let e = error("/export/dot", StatusCode::NOT_FOUND).await;
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("`dot`"), "{message}");
    assert!(message.contains("graphml, gexf, nodes.csv, edges.csv, cytoscape, node-link, iati"));
    assert_eq!(e["formats"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn bad_parameters_are_explained() {
    let e = error("/export/graphml?around=org:mhwl", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["code"], "INVALID_ID");
    assert_eq!(e["parameter"], "around");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `org:mhlw`?"),
        "{e}"
    );

    let e = error("/export/graphml?around=mhlw", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["code"], "INVALID_ID");
    assert!(e["message"].as_str().unwrap().contains("org:mhlw"), "{e}");

    let e = error("/export/gexf?kinds=ORGANISATION", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    assert_eq!(e["parameter"], "kinds");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `ORGANIZATION`?"),
        "{e}"
    );

    let e = error("/export/gexf?types=FUND", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["parameter"], "types");
    assert!(e["message"].as_str().unwrap().contains("`FUNDS`"), "{e}");

    let e = error(
        "/export/node-link?around=org:mhlw&depth=5",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    assert_eq!(e["parameter"], "depth");
    assert!(
        e["message"].as_str().unwrap().contains("from 0 to 4"),
        "{e}"
    );

    let e = error(
        "/export/node-link?around=org:mhlw&limit=abc",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["parameter"], "limit");

    let e = error("/export/node-link?depth=2", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["parameter"], "depth");
    assert!(e["message"].as_str().unwrap().contains("around"), "{e}");

    let e = error("/export/node-link?dept=2", StatusCode::BAD_REQUEST).await;
    assert_eq!(e["parameter"], "dept");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `depth`?"),
        "{e}"
    );
}

#[tokio::test]
async fn a_neighbourhood_past_its_limit_is_too_large() {
    let e = error(
        "/export/graphml?around=org:ilo&depth=4&limit=3",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["code"], "TOO_LARGE");
    assert_eq!(e["parameter"], "limit");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("more than 3 nodes") && message.contains("lower `depth`"),
        "{message}"
    );
}

fn aidgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aidgraph"))
}

#[test]
fn the_cli_writes_a_file_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mhlw.graphml");
    let out = aidgraph()
        .args([
            "export", "--format", "graphml", "--around", "org:mhlw", "--out",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let (nodes, edges) = one_hop("org:mhlw");
    assert_eq!(counts("graphml", &text), (nodes.len(), edges.len()));

    let out = aidgraph()
        .args([
            "export",
            "--format",
            "node-link",
            "--kinds",
            "REGION,COUNTRY",
            "--types",
            "INCLUDES",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "INCLUDES")
    );
}

#[test]
fn the_cli_writes_both_csv_files_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("csv");
    let out = aidgraph()
        .args(["export", "--format", "csv", "--out"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nodes = std::fs::read_to_string(folder.join("nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(folder.join("edges.csv")).unwrap();
    assert_eq!(counts("nodes.csv", &nodes).0, 154);
    assert_eq!(counts("edges.csv", &edges).1, 271);

    let out = aidgraph()
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}

#[test]
fn cli_errors_are_reported_and_exit_1() {
    for (args, expected) in [
        (&["--format", "dot"][..], "unknown export format `dot`"),
        (
            &["--format", "gexf", "--around", "org:nobody"][..],
            "no organization has the id",
        ),
        (
            &["--format", "gexf", "--kinds", "ORGANISATION"][..],
            "did you mean `ORGANIZATION`?",
        ),
    ] {
        let out = aidgraph().arg("export").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("aidgraph: error: "), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
