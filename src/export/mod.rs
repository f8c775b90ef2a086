//! Network exports for Gephi, NetworkX and Cytoscape: GraphML, GEXF 1.3, CSV (nodes and
//! edges), Cytoscape.js elements JSON and NetworkX node-link JSON; and the projects as IATI
//! 2.03 activity XML ([`iati`], which writes records, not a network: the selection only
//! chooses which projects, and the metrics are not used).
//!
//! Every format carries the same attributes: for each node its global id, `kind`, `label`
//! and the whole-graph metrics (`degree`, `pagerank`, `betweenness`, `closeness`,
//! `eigenvector`, `community`); for each edge an id `e<edge index>`, its `type` and, only where
//! the relation states one, `amount` and `currency`. Metrics that are missing or not finite
//! are left out rather than written as NaN. [`params`] turns the textual parameters shared by
//! HTTP and the CLI into a [`Subgraph`].
//!
//! *Architecture Invariant*: exports read the graph and precomputed metrics; they compute
//! nothing themselves and know nothing of HTTP.

mod csv;
mod gexf;
mod graphml;
pub mod iati;
mod json;
pub mod params;
pub(crate) mod xml;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::str::FromStr;

use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::analysis::NodeMetrics;
use crate::graph::{KnowledgeGraph, Subgraph};
use crate::model::{EntityKind, RelationType};

pub use params::{ErrorCode, ExportParams, ParamError, Selection, select};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    GraphMl,
    Gexf,
    NodesCsv,
    EdgesCsv,
    Cytoscape,
    NodeLink,
    /// IATI 2.03 activity XML of the selected projects ([`iati`]).
    Iati,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::GraphMl,
        Format::Gexf,
        Format::NodesCsv,
        Format::EdgesCsv,
        Format::Cytoscape,
        Format::NodeLink,
        Format::Iati,
    ];

    /// The name used in URLs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::NodesCsv => "nodes.csv",
            Format::EdgesCsv => "edges.csv",
            Format::Cytoscape => "cytoscape",
            Format::NodeLink => "node-link",
            Format::Iati => "iati",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::GraphMl => "application/graphml+xml",
            Format::Gexf => "application/gexf+xml",
            Format::NodesCsv | Format::EdgesCsv => "text/csv; charset=utf-8",
            Format::Cytoscape | Format::NodeLink => "application/json",
            Format::Iati => "application/xml",
        }
    }

    /// The file extension, without the leading dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::NodesCsv => "nodes.csv",
            Format::EdgesCsv => "edges.csv",
            Format::Cytoscape => "cytoscape.json",
            Format::NodeLink => "node-link.json",
            Format::Iati => "xml",
        }
    }

    /// Whether the format writes the node metrics (IATI XML does not: callers need not
    /// compute them).
    pub fn uses_metrics(self) -> bool {
        self != Format::Iati
    }

    /// The valid names, comma-separated, for error messages.
    pub fn names() -> String {
        Format::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format `{0}`; use one of: {names}", names = Format::names())]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        let lower = s.trim().to_ascii_lowercase();
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == lower)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Writes `sub` of `graph` in `format`, with `metrics` indexed by the whole graph's
/// `NodeIndex::index()`. Output is buffered here; pass an unbuffered writer.
pub fn write(
    format: Format,
    graph: &KnowledgeGraph,
    sub: &Subgraph,
    metrics: &NodeMetrics,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let export = Export {
        graph,
        sub,
        metrics,
    };
    match format {
        Format::GraphMl => graphml::write(&export, &mut out)?,
        Format::Gexf => gexf::write(&export, &mut out)?,
        Format::NodesCsv => csv::write_nodes(&export, &mut out)?,
        Format::EdgesCsv => csv::write_edges(&export, &mut out)?,
        Format::Cytoscape => json::write_cytoscape(&export, &mut out)?,
        Format::NodeLink => json::write_node_link(&export, &mut out)?,
        Format::Iati => {
            let now = crate::model::date::rfc3339(std::time::SystemTime::now());
            iati::write(graph, sub, &now, &mut out)?;
        }
    }
    out.flush()
}

/// The selection `params` make, checked for `format`: an IATI document needs at least one
/// activity (the XSD requires one), so a selection without a writable project is refused.
pub fn select_for(
    format: Format,
    graph: &KnowledgeGraph,
    params: &ExportParams,
) -> Result<Selection, ParamError> {
    let selection = select(graph, params)?;
    if format == Format::Iati && iati::writable(graph, &selection.subgraph) == 0 {
        return Err(ParamError {
            code: ErrorCode::InvalidArgument,
            parameter: if params.around.is_some() {
                "around"
            } else {
                "kinds"
            }
            .to_string(),
            message: "the selection has no project IATI can describe (an IATI file needs at \
                      least one activity, and a seed project needs a date and an organisation \
                      with an IATI identifier); widen `around`/`depth` or include PROJECT in \
                      `kinds`"
                .to_string(),
        });
    }
    Ok(selection)
}

/// The GraphQL enum name of an entity kind (`ORGANIZATION`).
pub fn kind_name(kind: EntityKind) -> String {
    kind.code().to_ascii_uppercase()
}

/// The GraphQL enum name of a relation type (`PARTNERS_WITH`).
pub fn type_name(kind: RelationType) -> String {
    kind.code().to_ascii_uppercase()
}

/// What one export reads.
struct Export<'a> {
    graph: &'a KnowledgeGraph,
    sub: &'a Subgraph,
    metrics: &'a NodeMetrics,
}

impl<'a> Export<'a> {
    fn nodes(&self) -> impl Iterator<Item = NodeRecord<'a>> + '_ {
        self.sub.nodes.iter().map(|&ix| self.node(ix))
    }

    fn edges(&self) -> impl Iterator<Item = EdgeRecord> + '_ {
        self.sub.edges.iter().map(|&ix| self.edge(ix))
    }

    fn node(&self, ix: NodeIndex) -> NodeRecord<'a> {
        let e = self.graph.entity(ix);
        let m = self.metrics;
        let i = ix.index();
        NodeRecord {
            id: e.global_id(),
            kind: kind_name(e.kind()),
            label: e.label(),
            degree: m.degree.get(i).copied(),
            pagerank: finite(&m.pagerank, i),
            betweenness: finite(&m.betweenness, i),
            closeness: finite(&m.closeness, i),
            eigenvector: finite(&m.eigenvector, i),
            community: m.community.get(i).copied(),
        }
    }

    fn edge(&self, ix: EdgeIndex) -> EdgeRecord {
        let r = self.graph.edge(ix);
        let (from, to) = self.graph.endpoints(ix);
        let money = r.amount().map(|a| a.money);
        // The decimal's text parses to the nearest double, which `{}` then prints exactly.
        let amount = money
            .and_then(|m| m.amount.to_string().parse::<f64>().ok())
            .filter(|a| a.is_finite());
        EdgeRecord {
            id: format!("e{}", ix.index()),
            source: self.graph.entity(from).global_id(),
            target: self.graph.entity(to).global_id(),
            kind: type_name(r.kind),
            amount,
            currency: amount.and(money.map(|m| m.currency.0)),
        }
    }

    /// The `<meta>`/graph description shared by the formats that have one.
    fn description(&self) -> String {
        format!(
            "aidgraph development-cooperation knowledge graph: {} entities and {} relations; \
             node metrics are computed on the whole graph",
            self.sub.nodes.len(),
            self.sub.edges.len()
        )
    }
}

fn finite(values: &[f64], i: usize) -> Option<f64> {
    values.get(i).copied().filter(|v| v.is_finite())
}

/// A node as every format writes it.
struct NodeRecord<'a> {
    id: String,
    kind: String,
    label: &'a str,
    degree: Option<u32>,
    pagerank: Option<f64>,
    betweenness: Option<f64>,
    closeness: Option<f64>,
    eigenvector: Option<f64>,
    community: Option<u32>,
}

/// An edge as every format writes it.
struct EdgeRecord {
    id: String,
    source: String,
    target: String,
    kind: String,
    amount: Option<f64>,
    currency: Option<&'static str>,
}

/// The type of an attribute, as the typed formats declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrType {
    String,
    Int,
    Double,
}

/// A value of an attribute.
enum Value<'a> {
    Str(&'a str),
    Int(u32),
    Double(f64),
}

impl Value<'_> {
    /// The value as text: integers in decimal, doubles in Rust's shortest round-trip form.
    fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Value::Str(s) => out.write_all(s.as_bytes()),
            Value::Int(i) => write!(out, "{i}"),
            Value::Double(d) => write!(out, "{d}"),
        }
    }
}

/// The node attributes, in column order (the id is not an attribute).
const NODE_ATTRS: &[(&str, AttrType)] = &[
    ("kind", AttrType::String),
    ("label", AttrType::String),
    ("degree", AttrType::Int),
    ("pagerank", AttrType::Double),
    ("betweenness", AttrType::Double),
    ("closeness", AttrType::Double),
    ("eigenvector", AttrType::Double),
    ("community", AttrType::Int),
];

/// The edge attributes, in column order (id, source and target are not attributes).
const EDGE_ATTRS: &[(&str, AttrType)] = &[
    ("type", AttrType::String),
    ("amount", AttrType::Double),
    ("currency", AttrType::String),
];

impl NodeRecord<'_> {
    /// The values of [`NODE_ATTRS`], in order; `None` where absent.
    fn values(&self) -> [Option<Value<'_>>; 8] {
        [
            Some(Value::Str(&self.kind)),
            Some(Value::Str(self.label)),
            self.degree.map(Value::Int),
            self.pagerank.map(Value::Double),
            self.betweenness.map(Value::Double),
            self.closeness.map(Value::Double),
            self.eigenvector.map(Value::Double),
            self.community.map(Value::Int),
        ]
    }
}

impl EdgeRecord {
    /// The values of [`EDGE_ATTRS`], in order; `None` where absent.
    fn values(&self) -> [Option<Value<'_>>; 3] {
        [
            Some(Value::Str(&self.kind)),
            self.amount.map(Value::Double),
            self.currency.map(Value::Str),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_unknown_names_list_the_valid_ones() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(*f));
        }
        assert_eq!("GraphML".parse::<Format>(), Ok(Format::GraphMl));
        let err = "dot".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("`dot`"), "{err}");
        assert!(
            err.contains("graphml, gexf, nodes.csv, edges.csv, cytoscape, node-link, iati"),
            "{err}"
        );
    }

    #[test]
    fn doubles_are_written_in_shortest_round_trip_form() {
        let mut out = Vec::new();
        for d in [0.1, 1.0 / 3.0, 1e-12, 1e21, 4_500_000.0] {
            out.clear();
            Value::Double(d).write_text(&mut out).unwrap();
            let text = String::from_utf8(out.clone()).unwrap();
            assert_eq!(text.parse::<f64>().unwrap(), d, "{text}");
        }
    }

    #[test]
    fn missing_and_non_finite_metrics_are_absent() {
        assert_eq!(finite(&[f64::NAN, 1.5, f64::INFINITY], 0), None);
        assert_eq!(finite(&[f64::NAN, 1.5, f64::INFINITY], 1), Some(1.5));
        assert_eq!(finite(&[f64::NAN, 1.5, f64::INFINITY], 2), None);
        assert_eq!(finite(&[], 7), None);
    }
}
