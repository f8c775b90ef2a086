//! JSON for NetworkX and Cytoscape.js, streamed one element at a time with serde_json:
//! node-link (`networkx.node_link_graph(data, edges="links")`) and the Cytoscape.js elements
//! document `networkx.cytoscape_data` writes and `networkx.cytoscape_graph` reads. Absent
//! values are left out of their objects.

use std::io::{self, Write};

use serde::Serialize;

use super::{EdgeRecord, Export, NodeRecord};

/// A node's attributes; `name` and `value` only in Cytoscape (NetworkX's node name there).
#[derive(Serialize)]
struct NodeJson<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    kind: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    degree: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagerank: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    betweenness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closeness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eigenvector: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<u32>,
}

impl<'a> NodeJson<'a> {
    fn new(n: &'a NodeRecord<'a>, cytoscape: bool) -> Self {
        NodeJson {
            id: &n.id,
            name: cytoscape.then_some(n.label),
            value: cytoscape.then_some(&n.id),
            kind: &n.kind,
            label: n.label,
            degree: n.degree,
            pagerank: n.pagerank,
            betweenness: n.betweenness,
            closeness: n.closeness,
            eigenvector: n.eigenvector,
            community: n.community,
        }
    }
}

/// An edge's attributes; `key` is NetworkX's multigraph key, the edge id again.
#[derive(Serialize)]
struct EdgeJson<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    key: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'a str>,
}

impl<'a> EdgeJson<'a> {
    fn new(e: &'a EdgeRecord) -> Self {
        EdgeJson {
            id: &e.id,
            source: &e.source,
            target: &e.target,
            key: &e.id,
            kind: &e.kind,
            amount: e.amount,
            currency: e.currency,
        }
    }
}

#[derive(Serialize)]
struct GraphJson {
    name: &'static str,
    creator: &'static str,
    description: String,
}

/// Cytoscape wraps each element's attributes in `data`.
#[derive(Serialize)]
struct Data<T> {
    data: T,
}

fn graph_json(export: &Export<'_>) -> GraphJson {
    GraphJson {
        name: "aidgraph",
        creator: "aidgraph",
        description: export.description(),
    }
}

/// `{"directed", "multigraph", "graph", "nodes": [{"id", ...}], "links": [{"source", ...}]}`.
pub(super) fn write_node_link(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\"directed\":true,\"multigraph\":true,\"graph\":")?;
    serde_json::to_writer(&mut *out, &graph_json(export))?;
    out.write_all(b",\"nodes\":[")?;
    for (i, node) in export.nodes().enumerate() {
        separator(out, i)?;
        serde_json::to_writer(&mut *out, &NodeJson::new(&node, false))?;
    }
    out.write_all(b"],\"links\":[")?;
    for (i, edge) in export.edges().enumerate() {
        separator(out, i)?;
        serde_json::to_writer(&mut *out, &EdgeJson::new(&edge))?;
    }
    out.write_all(b"]}\n")
}

/// `{"data", "directed", "multigraph", "elements": {"nodes": [{"data"}], "edges": [{"data"}]}}`.
pub(super) fn write_cytoscape(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\"data\":")?;
    serde_json::to_writer(&mut *out, &graph_json(export))?;
    out.write_all(b",\"directed\":true,\"multigraph\":true,\"elements\":{\"nodes\":[")?;
    for (i, node) in export.nodes().enumerate() {
        separator(out, i)?;
        let data = NodeJson::new(&node, true);
        serde_json::to_writer(&mut *out, &Data { data })?;
    }
    out.write_all(b"],\"edges\":[")?;
    for (i, edge) in export.edges().enumerate() {
        separator(out, i)?;
        let data = EdgeJson::new(&edge);
        serde_json::to_writer(&mut *out, &Data { data })?;
    }
    out.write_all(b"]}}\n")
}

fn separator(out: &mut impl Write, i: usize) -> io::Result<()> {
    if i > 0 {
        out.write_all(b",")?;
    }
    Ok(())
}
