//! Subgraphs and cached whole-graph analytics (centralities, communities) over the
//! [`crate::analysis`] snapshot. Computed once per graph: the graph is immutable.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::KnowledgeGraph;
use crate::analysis::{self, NodeMetrics, NotConverged, Partition, Snapshot};
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
#[error(
    "the selection has more than {limit} nodes; lower the depth, filter kinds or types, or raise the limit"
)]
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
            let edges = (self
                .graph
                .edges_directed(node, Outgoing)
                .map(|e| (e.target(), e)))
            .chain(
                self.graph
                    .edges_directed(node, Incoming)
                    .map(|e| (e.source(), e)),
            );
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

    /// The kept nodes and the kept-type relations between them, found through the kept
    /// nodes' own relations: a small neighbourhood costs its size, not the graph's.
    fn induced(&self, keep: &[bool], filter: &Filter) -> Subgraph {
        let nodes: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|n| keep[n.index()])
            .collect();
        let mut edges: Vec<EdgeIndex> = nodes
            .iter()
            .flat_map(|n| self.graph.edges_directed(*n, Outgoing))
            .filter(|e| keep[e.target().index()] && filter.keeps_type(e.weight().kind))
            .map(|e| e.id())
            .collect();
        edges.sort();
        Subgraph { nodes, edges }
    }

    /// The index-only snapshot the algorithms run on (node `i` is `NodeIndex::new(i)`).
    pub fn snapshot(&self) -> &Snapshot {
        self.analytics.snapshot.get_or_init(|| {
            let edges = self
                .graph
                .edge_references()
                .map(|e| (e.source().index() as u32, e.target().index() as u32));
            Snapshot::from_edges(self.graph.node_count(), edges)
        })
    }

    /// A centrality of every node, computed once per graph.
    pub fn centrality(&self, measure: Measure) -> Result<Arc<Vec<f64>>, AnalysisError> {
        let slot = &self.analytics.measures[measure as usize];
        slot.get_or_init(|| {
            let s = self.snapshot();
            let n = s.node_count();
            if measure.is_all_pairs() && n > EXACT_LIMIT {
                return Err(AnalysisError::TooLargeForExact {
                    measure: measure.name(),
                    nodes: n,
                });
            }
            Ok(Arc::new(match measure {
                Measure::Degree => analysis::degree_centrality(s),
                Measure::PageRank => analysis::pagerank(s, 0.85, 1e-6, 100)?,
                Measure::Betweenness => analysis::betweenness(s),
                Measure::Closeness => analysis::closeness(s),
                Measure::Eigenvector => analysis::eigenvector(s, 100, 1e-6)?,
            }))
        })
        .clone()
    }

    /// A centrality and the nodes ranked by it, both computed once per graph.
    pub fn ranked(&self, measure: Measure) -> Result<(Scores, Arc<Vec<NodeIndex>>), AnalysisError> {
        let scores = self.centrality(measure)?;
        let order = self.analytics.rankings[measure as usize]
            .get_or_init(|| Arc::new(self.rank(&scores)))
            .clone();
        Ok((scores, order))
    }

    /// Every node by decreasing score, ties in global-id order.
    pub fn rank(&self, scores: &[f64]) -> Vec<NodeIndex> {
        let mut order: Vec<(NodeIndex, String)> = self
            .graph
            .node_indices()
            .map(|n| (n, self.graph[n].global_id()))
            .collect();
        order.sort_by(|(a, ga), (b, gb)| {
            scores[b.index()]
                .total_cmp(&scores[a.index()])
                .then_with(|| ga.cmp(gb))
        });
        order.into_iter().map(|(n, _)| n).collect()
    }

    /// Betweenness estimated from `pivots` sampled sources (exact when `pivots >= n`).
    /// Callers bound `pivots` (each costs a breadth-first search of the whole graph).
    pub fn approximate_betweenness(&self, pivots: usize, seed: u64) -> Arc<Vec<f64>> {
        let n = self.node_count();
        // Every pivot is every node: the seed makes no difference, so one cache entry.
        let key = if pivots >= n { (n, 0) } else { (pivots, seed) };
        self.single_flight(&self.analytics.approximate, key, || {
            analysis::betweenness_approx(self.snapshot(), key.0, key.1)
        })
    }

    /// The cached value of `key`, computing it if absent. Uncached computations run one at a
    /// time per graph, so a burst of requests with distinct parameters queues instead of
    /// running dozens of whole-graph computations at once, and concurrent requests for the
    /// same key compute it once.
    fn single_flight<K, V>(&self, map: &Cached<K, V>, key: K, compute: impl FnOnce() -> V) -> Arc<V>
    where
        K: std::hash::Hash + Eq + Clone,
    {
        if let Some(v) = lock(map).get(&key) {
            return v.clone();
        }
        let _lane = lock(&self.analytics.lane);
        if let Some(v) = lock(map).get(&key) {
            return v.clone();
        }
        let v = Arc::new(compute());
        remember(map, key, v.clone());
        v
    }

    /// A partition into communities, computed once per graph and parameters. Louvain keeps
    /// the best of [`LOUVAIN_RESTARTS`] seeded runs (the first with `seed` itself, the others
    /// with seeds derived from it): one run's modularity varies with the node order by a
    /// percent or two, and researchers want the best partition, reproducibly.
    pub fn communities(&self, algorithm: Algorithm, resolution: f64, seed: u64) -> Arc<Partition> {
        // Label propagation has no resolution: one cache entry whatever is passed.
        let resolution = match algorithm {
            Algorithm::Louvain => resolution,
            Algorithm::LabelPropagation => 1.0,
        };
        let key = (algorithm, resolution.to_bits(), seed);
        self.single_flight(&self.analytics.partitions, key, || {
            let s = self.snapshot();
            match algorithm {
                Algorithm::Louvain => (0..LOUVAIN_RESTARTS)
                    .map(|i| analysis::louvain(s, resolution, restart_seed(seed, i)))
                    .reduce(|best, p| {
                        if p.modularity > best.modularity {
                            p
                        } else {
                            best
                        }
                    })
                    .expect("at least one run"),
                Algorithm::LabelPropagation => analysis::label_propagation(s, seed),
            }
        })
    }

    /// The organisations of `kind`, in label order (that of `nodes_of(Organization)`),
    /// grouped once per graph, so a filter on kinds starts from its candidates.
    pub fn organizations_of_kind(&self, kind: crate::model::OrgKind) -> &[NodeIndex] {
        self.grouped(Grouping::OrganizationKind, kind.code())
    }

    /// The nodes whose field `by` is `key` (a vocabulary's data-file code, a country code,
    /// a metric), in label order (that of `nodes_of` their kind), grouped once per graph, so
    /// a filter on that field starts from its candidates.
    pub fn grouped(&self, by: Grouping, key: &str) -> &[NodeIndex] {
        use super::Entity as E;
        let groups = self.analytics.groups[by as usize].get_or_init(|| {
            let kind = match by {
                Grouping::OrganizationKind | Grouping::OrganizationCountry => {
                    EntityKind::Organization
                }
                Grouping::ProgrammeKind => EntityKind::Programme,
                Grouping::OutcomeMetric | Grouping::OutcomeCountry => EntityKind::Outcome,
            };
            let mut groups: HashMap<String, Vec<NodeIndex>> = HashMap::new();
            for ix in self.nodes_of(kind) {
                let key = match (by, self.entity(*ix)) {
                    (Grouping::OrganizationKind, E::Organization(o)) => Some(o.kind.code()),
                    (Grouping::OrganizationCountry, E::Organization(o)) => o.country.as_deref(),
                    (Grouping::ProgrammeKind, E::Programme(p)) => Some(p.kind.code()),
                    (Grouping::OutcomeMetric, E::Outcome(o)) => Some(o.metric.as_str()),
                    (Grouping::OutcomeCountry, E::Outcome(o)) => o.country.as_deref(),
                    _ => None,
                };
                if let Some(key) = key {
                    groups.entry(key.to_string()).or_default().push(*ix);
                }
            }
            groups
        });
        groups.get(key).map_or(&[], Vec::as_slice)
    }

    /// [`KnowledgeGraph::funded_projects`] computed once per donor and kept (within
    /// [`CACHED_FUNDED_ITEMS`]), with each project's position, so a page of a ministry's
    /// projects costs the page, not a walk of every programme it funds.
    pub fn funded(&self, donor: NodeIndex, indirect: bool) -> Arc<super::Funded> {
        if let Some(f) = lock(&self.analytics.funded).0.get(&(donor, indirect)) {
            return f.clone();
        }
        let list = self.funded_projects(donor, indirect);
        let position = list
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (*p, i as u32))
            .collect();
        let funded = Arc::new(super::Funded { list, position });
        let mut cache = lock(&self.analytics.funded);
        let (map, items) = &mut *cache;
        if *items + funded.list.len() > CACHED_FUNDED_ITEMS {
            map.clear();
            *items = 0;
        }
        if funded.list.len() <= CACHED_FUNDED_ITEMS {
            *items += funded.list.len();
            map.insert((donor, indirect), funded.clone());
        }
        funded
    }

    /// The donor network with every link (`min_shared` 1), computed once per graph.
    pub fn donor_links(&self) -> Arc<Vec<super::DonorLink>> {
        self.analytics
            .donor_links
            .get_or_init(|| Arc::new(self.donor_network(1)))
            .clone()
    }

    /// Connected components of the undirected view, largest first.
    pub fn components(&self) -> Arc<Vec<Vec<u32>>> {
        self.analytics
            .components
            .get_or_init(|| Arc::new(analysis::components(self.snapshot())))
            .clone()
    }

    /// The metrics exports carry, for every node (indexed by `NodeIndex::index()`), computed
    /// once per graph. Up to [`EXACT_LIMIT`] nodes every figure is exact; above it,
    /// betweenness is estimated from [`EXPORT_PIVOTS`] pivots (seed 0) and closeness, which
    /// has no estimate here, is NaN (exports leave it out). A measure that does not converge
    /// is NaN too.
    pub fn node_metrics(&self) -> Arc<NodeMetrics> {
        self.analytics
            .metrics
            .get_or_init(|| {
                let s = self.snapshot();
                let n = s.node_count();
                let nan = || Arc::new(vec![f64::NAN; n]);
                let get = |m: Measure| self.centrality(m).unwrap_or_else(|_| nan());
                let betweenness = if n > EXACT_LIMIT {
                    self.approximate_betweenness(EXPORT_PIVOTS, 0)
                } else {
                    get(Measure::Betweenness)
                };
                let closeness = if n > EXACT_LIMIT {
                    nan()
                } else {
                    get(Measure::Closeness)
                };
                Arc::new(NodeMetrics {
                    degree: analysis::degree(s),
                    pagerank: get(Measure::PageRank).to_vec(),
                    betweenness: betweenness.to_vec(),
                    closeness: closeness.to_vec(),
                    eigenvector: get(Measure::Eigenvector).to_vec(),
                    community: self
                        .communities(Algorithm::Louvain, 1.0, 0)
                        .membership
                        .clone(),
                })
            })
            .clone()
    }
}

/// Above this many nodes, all-pairs measures (exact betweenness, closeness) are refused: they
/// cost O(nodes x relations). Approximate betweenness remains available.
pub const EXACT_LIMIT: usize = 20_000;

/// How many seeded Louvain runs [`KnowledgeGraph::communities`] compares.
pub const LOUVAIN_RESTARTS: u64 = 8;

/// The seed of restart `i`: `seed` itself first, then well-mixed derivatives.
fn restart_seed(seed: u64, i: u64) -> u64 {
    if i == 0 {
        seed
    } else {
        seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)
    }
}

/// The pivots exports use for betweenness above [`EXACT_LIMIT`].
pub const EXPORT_PIVOTS: usize = 1_000;

/// The centrality measures, each with its NetworkX counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    Degree,
    PageRank,
    Betweenness,
    Closeness,
    Eigenvector,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Degree,
        Measure::PageRank,
        Measure::Betweenness,
        Measure::Closeness,
        Measure::Eigenvector,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Degree => "degree",
            Measure::PageRank => "pagerank",
            Measure::Betweenness => "betweenness",
            Measure::Closeness => "closeness",
            Measure::Eigenvector => "eigenvector",
        }
    }

    fn is_all_pairs(self) -> bool {
        matches!(self, Measure::Betweenness | Measure::Closeness)
    }
}

/// Community detection algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Louvain,
    LabelPropagation,
}

/// Why a measure has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    NotConverged(#[from] NotConverged),
    #[error(
        "exact {measure} needs every pair of nodes and this graph has {nodes}; above {EXACT_LIMIT} nodes ask for the approximate measure (sampled pivots)"
    )]
    TooLargeForExact { measure: &'static str, nodes: usize },
}

type Measured = OnceLock<Result<Arc<Vec<f64>>, AnalysisError>>;
type Cached<K, V> = Mutex<HashMap<K, Arc<V>>>;
type Scores = Arc<Vec<f64>>;
type FundedLists = HashMap<(NodeIndex, bool), Arc<super::Funded>>;

/// Results computed once per graph. Parameterised results are kept for up to
/// [`CACHED_VARIANTS`] parameter sets each, so odd parameters cannot grow memory.
#[derive(Default)]
pub(super) struct Cache {
    snapshot: OnceLock<Snapshot>,
    measures: [Measured; 5],
    rankings: [OnceLock<Arc<Vec<NodeIndex>>>; 5],
    approximate: Cached<(usize, u64), Vec<f64>>,
    partitions: Cached<(Algorithm, u64, u64), Partition>,
    components: OnceLock<Arc<Vec<Vec<u32>>>>,
    metrics: OnceLock<Arc<NodeMetrics>>,
    donor_links: OnceLock<Arc<Vec<super::DonorLink>>>,
    /// Nodes grouped by a field, per [`Grouping`], each list in label order.
    groups: [OnceLock<HashMap<String, Vec<NodeIndex>>>; 5],
    /// `funded_projects` per (donor, indirect), with the items they hold in all.
    funded: Mutex<(FundedLists, usize)>,
    /// Held while an uncached parameterised result is computed (see `single_flight`).
    lane: Mutex<()>,
}

/// A field root-list filters test, whose nodes [`KnowledgeGraph::grouped`] lists by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// An organisation's `kind` (its code).
    OrganizationKind,
    /// An organisation's home `country` (its code).
    OrganizationCountry,
    /// A programme's `kind` (its code).
    ProgrammeKind,
    /// An outcome's `metric`.
    OutcomeMetric,
    /// The `country` an outcome is about (its code).
    OutcomeCountry,
}

const CACHED_VARIANTS: usize = 16;
/// Funded-project lists kept per graph: at most this many projects in all (about 100 MB).
const CACHED_FUNDED_ITEMS: usize = 4_000_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a half-written map entry: insertions are
    // single calls. Keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn remember<K: std::hash::Hash + Eq, V>(m: &Mutex<HashMap<K, V>>, key: K, value: V) {
    let mut map = lock(m);
    if map.len() >= CACHED_VARIANTS {
        map.clear();
    }
    map.insert(key, value);
}
