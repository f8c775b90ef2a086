//! Graph algorithms over a compact, index-only snapshot of the graph: centralities,
//! communities, components. Conventions follow NetworkX's defaults so researchers can
//! reproduce every figure; each function says which view of the graph it uses.
//!
//! *Architecture Invariant*: this module knows nothing about entities, GraphQL or HTTP. It sees
//! nodes as `0..n` and edges as pairs; `graph` builds the snapshot and caches the results.

mod centrality;
mod community;
mod csr;
pub(crate) mod rng;
#[cfg(test)]
mod tests;

pub use centrality::{
    betweenness, betweenness_approx, closeness, degree, degree_centrality, eigenvector, pagerank,
};
pub use community::{components, label_propagation, louvain, modularity};
pub use csr::Snapshot;

/// A power iteration that did not converge within its iteration bound.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{algorithm} did not converge within {iterations} iterations")]
pub struct NotConverged {
    pub algorithm: &'static str,
    pub iterations: usize,
}

/// A partition of the nodes into communities.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    /// The community of each node, numbered from 0 by decreasing size, ties by smallest member.
    pub membership: Vec<u32>,
    /// The members of each community, ascending, in community order.
    pub communities: Vec<Vec<u32>>,
    /// Newman modularity of the partition on the undirected simple view (resolution as given).
    pub modularity: f64,
}

/// The per-node metrics exports carry, indexed by node (`0..n`). Centralities follow the
/// conventions documented on the functions that compute them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeMetrics {
    /// Degree in the undirected simple view (distinct neighbours).
    pub degree: Vec<u32>,
    pub pagerank: Vec<f64>,
    pub betweenness: Vec<f64>,
    pub closeness: Vec<f64>,
    pub eigenvector: Vec<f64>,
    /// The node's community in the default Louvain partition.
    pub community: Vec<u32>,
}
