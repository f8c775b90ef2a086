//! Subgraphs and cached whole-graph analytics (centralities, communities) over the
//! [`crate::analysis`] snapshot. Computed once per graph: the graph is immutable.

use std::collections::VecDeque;
use std::sync::Arc;

use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::KnowledgeGraph;
use crate::analysis::NodeMetrics;
use crate::model::{EntityKind, RelationType};

/// What part of the graph a subgraph keeps: node kinds and relation types (`None`: all).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub kinds: Option<Vec<EntityKind>>,
    pub types: Option<Vec<RelationType>>,
}

impl Filter {
    pub fn keeps_kind(&self, kind: EntityKind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }

    pub fn keeps_type(&self, kind: RelationType) -> bool {
        self.types.as_ref().is_none_or(|t| t.contains(&kind))
    }
}

/// A selection that would exceed its node limit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the selection has more than {limit} nodes; lower the depth, filter kinds or types, or raise the limit")]
pub struct TooLarge {
    pub limit: usize,
}

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

    /// The nodes `filter` keeps and the relations of kept types between them.
    pub fn filtered(&self, filter: &Filter) -> Subgraph {
        let keep: Vec<bool> = self
            .graph
            .node_weights()
            .map(|e| filter.keeps_kind(e.kind()))
            .collect();
        self.induced(&keep, filter)
    }

    /// The nodes within `depth` hops of `center`, following relations in either direction,
    /// through kept relation types and node kinds only (the center is always kept), and the
    /// kept relations between them. Fails past `limit` nodes rather than truncating.
    pub fn neighborhood(
        &self,
        center: NodeIndex,
        depth: usize,
        filter: &Filter,
        limit: usize,
    ) -> Result<Subgraph, TooLarge> {
        let mut keep = vec![false; self.graph.node_count()];
        keep[center.index()] = true;
        let mut count = 1;
        if count > limit {
            return Err(TooLarge { limit });
        }
        let mut queue = VecDeque::from([(center, 0)]);
        while let Some((node, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            let edges = (self.graph.edges_directed(node, Outgoing).map(|e| (e.target(), e)))
                .chain(self.graph.edges_directed(node, Incoming).map(|e| (e.source(), e)));
            for (other, edge) in edges {
                if keep[other.index()]
                    || !filter.keeps_type(edge.weight().kind)
                    || !filter.keeps_kind(self.graph[other].kind())
                {
                    continue;
                }
                keep[other.index()] = true;
                count += 1;
                if count > limit {
                    return Err(TooLarge { limit });
                }
                queue.push_back((other, d + 1));
            }
        }
        Ok(self.induced(&keep, filter))
    }

    fn induced(&self, keep: &[bool], filter: &Filter) -> Subgraph {
        let nodes = self
            .graph
            .node_indices()
            .filter(|n| keep[n.index()])
            .collect();
        let edges = self
            .graph
            .edge_references()
            .filter(|e| {
                keep[e.source().index()]
                    && keep[e.target().index()]
                    && filter.keeps_type(e.weight().kind)
            })
            .map(|e| e.id())
            .collect();
        Subgraph { nodes, edges }
    }

    /// The metrics exports carry, for every node (indexed by `NodeIndex::index()`), computed
    /// on first use and cached.
    pub fn node_metrics(&self) -> Arc<NodeMetrics> {
        todo!("wired once the analysis module lands")
    }
}
