//! Subgraphs and cached whole-graph analytics (centralities, communities) over the
//! [`crate::analysis`] snapshot. Computed once per graph: the graph is immutable.

use std::sync::Arc;

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::KnowledgeGraph;
use crate::analysis::NodeMetrics;

/// A selection of nodes and the edges between them, both in ascending index order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subgraph {
    pub nodes: Vec<NodeIndex>,
    pub edges: Vec<EdgeIndex>,
}

impl KnowledgeGraph {
    /// Every node and edge.
    pub fn whole(&self) -> Subgraph {
        Subgraph {
            nodes: self.graph.node_indices().collect(),
            edges: self.graph.edge_indices().collect(),
        }
    }

    /// The metrics exports carry, for every node (indexed by `NodeIndex::index()`), computed
    /// on first use and cached.
    pub fn node_metrics(&self) -> Arc<NodeMetrics> {
        todo!("wired once the analysis module lands")
    }
}
