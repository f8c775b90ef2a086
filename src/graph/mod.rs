//! The in-memory knowledge graph: a petgraph `DiGraph` of entities and typed, attributed
//! relations, plus the indexes queries need (by id, by kind, text search).
//!
//! *Architecture Invariant*: the graph is immutable once built and knows nothing about
//! GraphQL or HTTP; a new data set means a new graph.

mod adjacency;
mod analytics;
mod cite;
mod edge;
mod network;
mod paths;
mod search;
mod snapshot;
mod stage;

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::model::*;

pub use adjacency::{Adj, Merged};
pub use analytics::{
    Algorithm, AnalysisError, EXACT_LIMIT, EXPORT_PIVOTS, Filter, Grouping, Measure, Subgraph,
    TooLarge,
};
pub use edge::Edge;
pub use network::DonorLink;
pub use paths::{Hop, Path, PathQuery, PathView, SearchTooLarge};
pub use petgraph::Direction::{Incoming, Outgoing};
pub use search::{IndexStats, NotAHit, SearchHit, SearchIndex, SearchPage, normalize};
pub use snapshot::SnapshotError;
pub use stage::{Stage, records};

/// An entity of the graph.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Entity {
    Source(Source),
    Organization(Organization),
    Programme(Programme),
    Project(Project),
    Country(Country),
    Region(Region),
    Theme(Theme),
    Outcome(Outcome),
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Source(_) => EntityKind::Source,
            Entity::Organization(_) => EntityKind::Organization,
            Entity::Programme(_) => EntityKind::Programme,
            Entity::Project(_) => EntityKind::Project,
            Entity::Country(_) => EntityKind::Country,
            Entity::Region(_) => EntityKind::Region,
            Entity::Theme(_) => EntityKind::Theme,
            Entity::Outcome(_) => EntityKind::Outcome,
        }
    }

    /// The id within the data set (a slug, or a country code).
    pub fn id(&self) -> &str {
        match self {
            Entity::Source(e) => &e.id,
            Entity::Organization(e) => &e.id,
            Entity::Programme(e) => &e.id,
            Entity::Project(e) => &e.id,
            Entity::Country(e) => &e.code,
            Entity::Region(e) => &e.id,
            Entity::Theme(e) => &e.id,
            Entity::Outcome(e) => &e.id,
        }
    }

    /// The human-readable name: a title, a name, or an outcome's label.
    pub fn label(&self) -> &str {
        match self {
            Entity::Source(e) => &e.title,
            Entity::Organization(e) => &e.name,
            Entity::Programme(e) => &e.name,
            Entity::Project(e) => &e.title,
            Entity::Country(e) => &e.name,
            Entity::Region(e) => &e.name,
            Entity::Theme(e) => &e.name,
            Entity::Outcome(e) => &e.label,
        }
    }

    /// The global id used by the API: `org:mhlw`, `country:KH`.
    pub fn global_id(&self) -> String {
        format!("{}:{}", self.kind().id_prefix(), self.id())
    }
}

/// The graph and its indexes.
///
/// Entities keep no citations of their own once in the graph (their `cite` is empty): every
/// node's and edge's are in `cites`, read with [`KnowledgeGraph::node_citations`] and
/// [`KnowledgeGraph::edge_citations`].
pub struct KnowledgeGraph {
    graph: DiGraph<Entity, Edge>,
    cites: cite::Citations,
    adjacency: adjacency::Adjacency,
    /// Every node, sorted by id, for binary search.
    by_id: Vec<NodeIndex>,
    /// Projects by IATI activity identifier.
    by_iati: HashMap<String, NodeIndex>,
    /// Nodes of each kind, sorted by label then id, in `EntityKind::ALL` order.
    by_kind: Vec<Vec<NodeIndex>>,
    /// Each node's position in its kind's list: sorting by it is sorting by label.
    kind_rank: Vec<u32>,
    search: search::SearchIndex,
    analytics: analytics::Cache,
    version: String,
}

impl KnowledgeGraph {
    /// Builds the graph from a validated data set (relations whose ends are not in it are
    /// left out).
    pub fn build(mut data: Dataset) -> KnowledgeGraph {
        let relations = std::mem::take(&mut data.relations);
        let mut stage = Stage::default();
        {
            // The key of a node is its index: nodes are added in this order.
            let keys: HashMap<&str, u32> = node_ids(&data)
                .enumerate()
                .map(|(i, id)| (id, i as u32))
                .collect();
            for r in relations {
                let from = keys.get(r.from.as_str()).copied();
                if let (Some(from), Some(&to)) = (from, keys.get(r.to.as_str())) {
                    stage.relation(from, to, r);
                }
            }
        }
        // As the seed loader stages records: sources stay as they are.
        for kind in 1..EntityKind::ALL.len() {
            for i in 0..stage::records(&data, kind) {
                stage.record_at(&mut data, kind, i);
            }
        }
        let nodes = node_count(&data);
        KnowledgeGraph::build_staged(data, stage, nodes, 0..nodes as u32)
    }

    /// Builds the graph from a validated data set staged as it was read: its relations and
    /// every record's citations are in `stage` (`data` has no relations, its records no
    /// citations), and `node_keys` gives the key (below `keys`) the stage names each node
    /// by, in node order (sources, organisations ... outcomes, each in data order).
    /// Relations with an end no node has are left out.
    pub fn build_staged(
        data: Dataset,
        stage: Stage,
        keys: usize,
        node_keys: impl IntoIterator<Item = u32>,
    ) -> KnowledgeGraph {
        debug_assert!(data.relations.is_empty());
        let version = content_version(&data.sources, &stage);
        let iati_projects = iati_projects(&data);
        let iati_edges = iati_edges(&data, &iati_projects);
        let Stage {
            edges: staged,
            mut cites,
            ..
        } = stage;
        // The counts are known: size the graph once rather than grow it by doubling.
        let nodes = node_count(&data);
        let edges = staged.len() + data.outcomes.len() + iati_edges.len();
        let mut graph = DiGraph::with_capacity(nodes, edges);
        // An outcome's `reports` relation has the outcome's citations.
        let outcome_edges: Vec<(usize, Relation)> = (data.outcomes.iter().enumerate())
            .map(|(i, o)| {
                let r = Relation {
                    period: o.period.clone(),
                    ..Relation::new(
                        o.subject.clone(),
                        RelationType::Reports,
                        o.id.clone(),
                        Vec::new(),
                    )
                };
                (i, r)
            })
            .collect();
        let mut node_of_key = vec![u32::MAX; keys];
        let mut node_keys = node_keys.into_iter();
        let mut add = |e: Entity| {
            let ix = graph.add_node(e).index() as u32;
            if let Some(slot) = node_keys
                .next()
                .and_then(|k| node_of_key.get_mut(k as usize))
            {
                *slot = ix;
            }
        };
        // Each kind's records are freed as they move into the graph.
        // Sources cite nothing; every other record's citations are staged already.
        for _ in &data.sources {
            cites.node(kind_slot(EntityKind::Source), Vec::new());
        }
        drain(data.sources, |e| add(Entity::Source(e)));
        drain(data.organizations, |e| add(Entity::Organization(e)));
        drain(data.programmes, |e| add(Entity::Programme(e)));
        drain(data.projects, |e| add(Entity::Project(e)));
        drain(data.countries, |e| add(Entity::Country(e)));
        drain(data.regions, |e| add(Entity::Region(e)));
        drain(data.themes, |e| add(Entity::Theme(e)));
        drain(data.outcomes, |e| add(Entity::Outcome(e)));
        let node = |key: u32| {
            let n = *node_of_key.get(key as usize)?;
            (n != u32::MAX).then_some(n)
        };
        let resolved = |s: &stage::Staged| node(s.from).is_some() && node(s.to).is_some();
        if !staged.iter().all(resolved) {
            cites.retain_edges(|i| resolved(&staged[i]));
        }
        drain(staged, |s| {
            if let (Some(a), Some(b)) = (node(s.from), node(s.to)) {
                let (a, b) = (NodeIndex::new(a as usize), NodeIndex::new(b as usize));
                graph.add_edge(a, b, s.edge);
            }
        });
        drop(node_of_key);
        let by_id = sorted_by_id(&graph);
        let find = |id: &str| find_id(&graph, &by_id, id);
        let by_iati: HashMap<String, NodeIndex> = iati_projects
            .into_iter()
            .filter_map(|(iati, id)| Some((iati, find(&id)?)))
            .collect();
        let mut stored = Vec::new();
        for (i, r) in outcome_edges {
            if let (Some(a), Some(b)) = (find(&r.from), find(&r.to)) {
                cites.edge_as_node(kind_slot(EntityKind::Outcome), i);
                stored.push((a, b, Edge::from_relation(r).0));
            }
        }
        for r in iati_edges {
            if let (Some(a), Some(b)) = (find(&r.from), find(&r.to)) {
                let (edge, cite) = Edge::from_relation(r);
                cites.edge(cite);
                stored.push((a, b, edge));
            }
        }
        for (a, b, edge) in stored {
            graph.add_edge(a, b, edge);
        }
        let cites = cites.finish();
        let adjacency = adjacency::Adjacency::build(
            graph.node_count(),
            || {
                graph.raw_edges().iter().map(|e| {
                    let (a, b) = (e.source().index() as u32, e.target().index() as u32);
                    (a, b, e.weight.kind)
                })
            },
            |n| graph[NodeIndex::new(n as usize)].kind(),
        );
        let mut by_kind = vec![Vec::new(); EntityKind::ALL.len()];
        for ix in graph.node_indices() {
            by_kind[kind_slot(graph[ix].kind())].push(ix);
        }
        for list in &mut by_kind {
            list.sort_by_cached_key(|ix| {
                (normalize(graph[*ix].label()), graph[*ix].id().to_string())
            });
        }
        let search = search::SearchIndex::build(
            graph.node_indices().map(|ix| (ix, &graph[ix])),
            graph.node_count(),
        );
        KnowledgeGraph {
            kind_rank: kind_ranks(graph.node_count(), &by_kind),
            graph,
            cites,
            adjacency,
            by_id,
            by_iati,
            by_kind,
            search,
            analytics: Default::default(),
            version,
        }
    }

    /// A fingerprint of the data (16 hex digits): equal data, equal version. HTTP caches key
    /// on it.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn entity(&self, ix: NodeIndex) -> &Entity {
        &self.graph[ix]
    }

    pub fn edge(&self, ix: EdgeIndex) -> &Edge {
        &self.graph[ix]
    }

    /// The endpoints `(from, to)` of an edge.
    pub fn endpoints(&self, ix: EdgeIndex) -> (NodeIndex, NodeIndex) {
        self.graph
            .edge_endpoints(ix)
            .expect("edge indexes come from this graph")
    }

    /// A node by its data-set id (`mhlw`, `KH`).
    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        find_id(&self.graph, &self.by_id, id)
    }

    /// The citations grounding a node (sources cite nothing), copied out of the shared table.
    pub fn node_citations(&self, ix: NodeIndex) -> impl ExactSizeIterator<Item = Citation> + '_ {
        self.cites.of_node(ix.index())
    }

    /// The citations grounding a relation.
    pub fn edge_citations(&self, ix: EdgeIndex) -> impl ExactSizeIterator<Item = Citation> + '_ {
        self.cites.of_edge(ix.index())
    }

    /// The relations of `kind` at `node` in `dir`, in edge (data) order within each kind of
    /// other end: a slice of the per-type adjacency, found by binary search.
    pub fn typed(&self, node: NodeIndex, kind: RelationType, dir: Direction) -> &[Adj] {
        self.adjacency.of_type(node.index() as u32, dir, kind)
    }

    /// The relations of `kind` at `node` in `dir` whose other end is of kind `other`, in edge
    /// order.
    pub fn typed_to(
        &self,
        node: NodeIndex,
        kind: RelationType,
        dir: Direction,
        other: EntityKind,
    ) -> &[Adj] {
        self.adjacency
            .of_type_to(node.index() as u32, dir, kind, other)
    }

    /// The relations of `kind` (or of every type) at `node` in `dir`, optionally only to
    /// `other` kinds, as a list in edge order that pages without being merged.
    pub fn relation_list(
        &self,
        node: NodeIndex,
        kind: Option<RelationType>,
        dir: Direction,
        other: &[EntityKind],
    ) -> Merged<'_> {
        let n = node.index() as u32;
        let runs = match (kind, other) {
            (Some(k), [_, ..]) => other
                .iter()
                .map(|o| self.adjacency.of_type_to(n, dir, k, *o))
                .collect(),
            (_, _) => {
                let runs = self.adjacency.runs(n, dir, kind);
                if other.is_empty() {
                    runs
                } else {
                    runs.into_iter()
                        .filter(|r| {
                            other.contains(&self.graph[NodeIndex::new(r[0].other as usize)].kind())
                        })
                        .collect()
                }
            }
        };
        Merged::new(runs)
    }

    /// A project by its IATI activity identifier.
    pub fn by_iati_identifier(&self, identifier: &str) -> Option<NodeIndex> {
        self.by_iati.get(identifier).copied()
    }

    /// A node by its global id (`org:mhlw`), if the prefix matches the node's kind. Country
    /// codes are matched in any case (`country:kh`).
    pub fn by_global_id(&self, gid: &str) -> Option<NodeIndex> {
        let (prefix, id) = gid.split_once(':')?;
        let kind = EntityKind::from_id_prefix(prefix)?;
        let ix = if kind == EntityKind::Country {
            self.by_id(&id.to_ascii_uppercase())
        } else {
            self.by_id(id)
        };
        ix.filter(|ix| self.graph[*ix].kind() == kind)
    }

    /// All nodes of one kind, sorted by label.
    pub fn nodes_of(&self, kind: EntityKind) -> &[NodeIndex] {
        &self.by_kind[kind_slot(kind)]
    }

    /// A node's position in [`KnowledgeGraph::nodes_of`] its kind: sorting nodes of one kind
    /// by it sorts them by label, without comparing a string.
    pub fn kind_rank(&self, ix: NodeIndex) -> u32 {
        self.kind_rank[ix.index()]
    }

    /// The relations of `kind` at `node` in `dir` (`Outgoing`: node is `from`), in data order,
    /// as `(edge, other end)`.
    pub fn relations(
        &self,
        node: NodeIndex,
        kind: Option<RelationType>,
        dir: Direction,
    ) -> Vec<(EdgeIndex, NodeIndex)> {
        let list = self.relation_list(node, kind, dir, &[]);
        list.slice(0, list.len())
            .into_iter()
            .map(|a| {
                (
                    EdgeIndex::new(a.edge as usize),
                    NodeIndex::new(a.other as usize),
                )
            })
            .collect()
    }

    /// The other ends of the relations of `kind` at `node` in `dir`.
    pub fn neighbors(&self, node: NodeIndex, kind: RelationType, dir: Direction) -> Vec<NodeIndex> {
        self.relations(node, Some(kind), dir)
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    /// Ranked text search over names, titles, aliases, codes and descriptions: the hits of
    /// `kinds` (all if `None`) ranked after `after` (which must be one of them), at most
    /// `first`, with the number of all hits.
    pub fn search(
        &self,
        query: &str,
        kinds: Option<&[EntityKind]>,
        after: Option<NodeIndex>,
        first: usize,
    ) -> Result<SearchPage, NotAHit> {
        self.search
            .search(query, |ix| &self.graph[ix], kinds, after, first)
    }

    /// The position of `node` when all nodes are sorted by folded label, then index.
    pub fn label_rank(&self, node: NodeIndex) -> u32 {
        self.search.label_rank(node)
    }

    /// The heap memory of the text search index, in bytes.
    pub fn search_index_bytes(&self) -> usize {
        self.search.heap_bytes()
    }

    /// Whether `node`'s indexed text contains every word of `text` (as word prefixes),
    /// ignoring case and accents.
    pub fn matches_text(&self, node: NodeIndex, text: &str) -> bool {
        self.search.matches(node, text)
    }

    /// `matches_text` for many nodes: the words of `text` are looked up once.
    pub fn text_matcher(&self, text: &str) -> impl Fn(NodeIndex) -> bool + '_ {
        let m = self.search.matcher(text);
        move |node| m.matches(node)
    }

    /// The projects a donor funds, directly or through the programmes and funds it funds
    /// (following `funds` edges, and from every programme into its `part_of` projects, so a
    /// programme "funds" its own projects), each with the chain of programmes it was reached
    /// through.
    pub fn funded_projects(
        &self,
        donor: NodeIndex,
        indirect: bool,
    ) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        let mut seen = std::collections::HashSet::from([donor]);
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::from([(donor, Vec::new())]);
        while let Some((node, via)) = queue.pop_front() {
            let mut next = self.neighbors(node, RelationType::Funds, Outgoing);
            if self.graph[node].kind() == EntityKind::Programme {
                next.extend(self.neighbors(node, RelationType::PartOf, Incoming));
            }
            for n in next {
                if !seen.insert(n) {
                    continue;
                }
                match self.graph[n].kind() {
                    EntityKind::Project => out.push((n, via.clone())),
                    EntityKind::Programme if indirect => {
                        let mut v = via.clone();
                        v.push(n);
                        queue.push_back((n, v));
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

/// The projects a donor funds ([`KnowledgeGraph::funded_projects`]: each with the programmes
/// and funds the money went through), with each project's position in the list.
pub struct Funded {
    pub list: Vec<(NodeIndex, Vec<NodeIndex>)>,
    pub position: HashMap<NodeIndex, u32>,
}

/// Each node's position in its kind's list.
fn kind_ranks(nodes: usize, by_kind: &[Vec<NodeIndex>]) -> Vec<u32> {
    let mut rank = vec![0; nodes];
    for list in by_kind {
        for (i, ix) in list.iter().enumerate() {
            rank[ix.index()] = i as u32;
        }
    }
    rank
}

/// Every node index, sorted by the node's id.
fn sorted_by_id(graph: &DiGraph<Entity, Edge>) -> Vec<NodeIndex> {
    let mut ids: Vec<NodeIndex> = graph.node_indices().collect();
    ids.sort_unstable_by(|a, b| graph[*a].id().cmp(graph[*b].id()));
    ids
}

fn find_id(graph: &DiGraph<Entity, Edge>, by_id: &[NodeIndex], id: &str) -> Option<NodeIndex> {
    by_id
        .binary_search_by(|ix| graph[*ix].id().cmp(id))
        .ok()
        .map(|i| by_id[i])
}

/// Project ids by IATI activity identifier (the first project with an identifier wins).
fn iati_projects(data: &Dataset) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for p in &data.projects {
        if let Some(a) = &p.iati {
            out.entry(a.identifier.clone())
                .or_insert_with(|| p.id.clone());
        }
    }
    out
}

/// The relations each project's IATI data implies: a `funds` relation per transaction with a
/// counterpart in the data (money in from the provider's activity or organisation, money out
/// to the receiver's), and a `related_activity` per related activity that is loaded. The
/// amount stays on the transaction: funding totals would otherwise add commitments to the
/// disbursements that pay them.
fn iati_edges(data: &Dataset, projects: &HashMap<String, String>) -> Vec<Relation> {
    let mut out = Vec::new();
    for p in &data.projects {
        let Some(a) = &p.iati else { continue };
        for t in &a.transactions {
            let (party, incoming) = if t.kind.is_incoming() {
                (&t.provider, true)
            } else {
                (&t.receiver, false)
            };
            let other = party
                .activity_id
                .as_ref()
                .and_then(|id| projects.get(id))
                .filter(|id| **id != p.id)
                .or(party.org.as_ref());
            let Some(other) = other else { continue };
            let (from, to) = if incoming {
                (other.clone(), p.id.clone())
            } else {
                (p.id.clone(), other.clone())
            };
            out.push(Relation {
                transaction: Some(std::sync::Arc::clone(t)),
                ..Relation::new(from, RelationType::Funds, to, t.cite.clone())
            });
        }
        for r in &a.related {
            if let Some(other) = projects.get(&r.activity_id).filter(|id| **id != p.id) {
                out.push(Relation {
                    related: Some(r.kind),
                    ..Relation::new(
                        p.id.clone(),
                        RelationType::RelatedActivity,
                        other.clone(),
                        r.cite.clone(),
                    )
                });
            }
        }
    }
    out
}

/// Hashes every field of the data set (its postcard encoding, streamed into the hasher: no
/// copy, and several times faster than formatting it).
/// The hash of the data set: its sources (with their documents), then its records and
/// relations as staged.
fn content_version(sources: &[Source], stage: &Stage) -> String {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    stage::feed(&mut hasher, &sources);
    stage.fingerprint(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Calls `f` on each item of `items` in order, freeing the list as it goes (a large list is
/// its own allocation, which shrinking returns to the system).
fn drain<T>(mut items: Vec<T>, mut f: impl FnMut(T)) {
    items.reverse();
    while let Some(item) = items.pop() {
        f(item);
        if items.len().is_multiple_of(1 << 16) {
            items.shrink_to_fit();
        }
    }
}

/// How many nodes the data set makes.
fn node_count(data: &Dataset) -> usize {
    (0..EntityKind::ALL.len())
        .map(|kind| records(data, kind))
        .sum()
}

/// The id of each node the data set makes, in the order the graph adds them.
fn node_ids(data: &Dataset) -> impl Iterator<Item = &str> {
    (data.sources.iter().map(|e| e.id.as_str()))
        .chain(data.organizations.iter().map(|e| e.id.as_str()))
        .chain(data.programmes.iter().map(|e| e.id.as_str()))
        .chain(data.projects.iter().map(|e| e.id.as_str()))
        .chain(data.countries.iter().map(|e| e.code.as_str()))
        .chain(data.regions.iter().map(|e| e.id.as_str()))
        .chain(data.themes.iter().map(|e| e.id.as_str()))
        .chain(data.outcomes.iter().map(|e| e.id.as_str()))
}

fn kind_slot(kind: EntityKind) -> usize {
    EntityKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every kind")
}
