//! The researcher's root fields: paths, neighbourhoods, centralities, communities,
//! components, the donor network and funding flows.
//!
//! Every answer is bounded (path length and count, relations scanned, depth, node count,
//! pivots, page size) and fails with a coded error past its bound; `fundingFlows` lists one
//! donor's flows in full. Whole-graph measures are computed once per graph
//! (`graph::analytics`) off the async runtime.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ErrorExtensions, ID, InputObject, Object, Result};
use petgraph::graph::NodeIndex;

use super::aggregate::{self, CurrencyTotal};
use super::connections::{FromIndex, Relation};
use super::error::{ApiError, Code, invalid};
use super::filters::resolve;
use super::graph;
use super::page::{Page, PageArgs, PageInfo, paginate};
use super::types::{Country, Node, Organization, Programme, Project};
use super::values::{EntityKind, Money, Qualifier, RelationType};
use crate::analysis::Partition;
use crate::graph::{
    Algorithm, AnalysisError, Filter, KnowledgeGraph, Measure, Path, PathQuery, PathView,
};
use crate::model::{self, EntityKind as EK, RelationType as RT};

/// The longest path `shortestPath` and `paths` search.
const MAX_PATH_LENGTH: i32 = 8;
/// The most paths `paths` returns.
const MAX_PATHS: i32 = 100;
/// The relations `paths` may scan before giving up.
const PATH_BUDGET: usize = 1_000_000;
/// The most pivots of approximate betweenness (each is a search of the whole graph).
const MAX_PIVOTS: i32 = 5_000;
/// The deepest `neighborhood`.
const MAX_DEPTH: i32 = 4;
/// The largest `neighborhood`.
const MAX_NODES: i32 = 5_000;
/// The most members listed per community or component.
const MAX_MEMBERS: i32 = 1_000;

fn out_of_range(arg: &str, value: i32, min: i32, max: i32) -> Result<usize> {
    if (min..=max).contains(&value) {
        return Ok(value as usize);
    }
    Err(ApiError::new(
        Code::InvalidArgument,
        format!("`{arg}: {value}` is out of range; use a value from {min} to {max}"),
    )
    .extend()
    .extend_with(|_, e| {
        e.set("argument", arg);
        e.set("minimum", min);
        e.set("maximum", max);
    }))
}

fn too_large(message: String) -> async_graphql::Error {
    ApiError::new(Code::TooLarge, message).extend()
}

fn analysis_error(e: AnalysisError) -> async_graphql::Error {
    let code = match e {
        AnalysisError::NotConverged(_) => Code::NotConverged,
        AnalysisError::TooLargeForExact { .. } => Code::TooLarge,
    };
    ApiError::new(code, e.to_string()).extend()
}

/// Runs a whole-graph computation off the async runtime: the first call on a large graph
/// takes seconds, and the result is cached.
async fn blocking<T: Send + 'static>(
    ctx: &Context<'_>,
    f: impl FnOnce(&KnowledgeGraph) -> T + Send + 'static,
) -> Result<T> {
    let g: Arc<KnowledgeGraph> = ctx.data_unchecked::<Arc<KnowledgeGraph>>().clone();
    tokio::task::spawn_blocking(move || f(&g))
        .await
        .map_err(|_| ApiError::new(Code::Internal, "the computation failed").extend())
}

fn filter(kinds: Option<Vec<EntityKind>>, types: Option<Vec<RelationType>>) -> Filter {
    Filter {
        kinds: kinds.map(|k| k.into_iter().map(Into::into).collect()),
        types: types.map(|t| t.into_iter().map(Into::into).collect()),
    }
}

/// Which way path searches follow relations.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PathDirection {
    /// Only from subject to object: "METI funds a project", then "the project is in
    /// Malaysia".
    Directed,
    /// Either way: two entities are connected whatever the relations' directions.
    Undirected,
}

/// A path: `nodes` from the start to the end, and between each consecutive pair the
/// relation followed (where several link the pair, the first in data order).
pub struct GqlPath(Path);

#[Object(name = "Path")]
impl GqlPath {
    /// The number of relations on the path.
    async fn length(&self) -> usize {
        self.0.hops.len()
    }

    async fn nodes(&self, ctx: &Context<'_>) -> Vec<Node> {
        let g = graph(ctx);
        self.0
            .nodes
            .iter()
            .map(|n| Node::from_index(g, *n))
            .collect()
    }

    /// The relations, `relations[i]` between `nodes[i]` and `nodes[i + 1]`.
    async fn relations(&self) -> Vec<PathRelation> {
        self.0
            .hops
            .iter()
            .map(|h| PathRelation {
                relation: Relation(h.edge),
                forward: h.forward,
            })
            .collect()
    }
}

/// A relation on a path and the way the path follows it.
pub struct PathRelation {
    relation: Relation,
    forward: bool,
}

#[Object]
impl PathRelation {
    /// True when the path goes from the relation's subject to its object; false when an
    /// undirected path follows it backwards.
    async fn forward(&self) -> bool {
        self.forward
    }

    #[graphql(flatten)]
    async fn relation(&self) -> Relation {
        Relation(self.relation.0)
    }
}

/// The entities within some hops of a center and the relations between them: a subgraph a
/// frontend can draw.
pub struct Neighborhood {
    center: NodeIndex,
    sub: crate::graph::Subgraph,
}

#[Object]
impl Neighborhood {
    async fn center(&self, ctx: &Context<'_>) -> Node {
        Node::from_index(graph(ctx), self.center)
    }

    /// The entities, the center first, then in data order.
    async fn nodes(&self, ctx: &Context<'_>) -> Vec<Node> {
        let g = graph(ctx);
        std::iter::once(self.center)
            .chain(self.sub.nodes.iter().copied().filter(|n| *n != self.center))
            .map(|n| Node::from_index(g, n))
            .collect()
    }

    /// Every kept relation between two of the entities.
    async fn relations(&self) -> Vec<Relation> {
        self.sub.edges.iter().map(|e| Relation(*e)).collect()
    }

    async fn node_count(&self) -> usize {
        self.sub.nodes.len()
    }

    async fn relation_count(&self) -> usize {
        self.sub.edges.len()
    }
}

/// The centrality measures. Each matches NetworkX's function of the same name with its
/// defaults, on the view stated, so figures can be reproduced.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CentralityMeasure {
    /// `degree_centrality`: distinct neighbours / (n - 1), on the undirected simple view
    /// (parallel and opposite relations between two entities count once).
    Degree,
    /// `pagerank` (damping 0.85, tolerance 1e-6, 100 iterations) on the directed simple view:
    /// prestige flows along relations, from subject to object.
    Pagerank,
    /// `betweenness_centrality`, normalised, endpoints excluded, on the undirected simple
    /// view: how often an entity lies on shortest paths between others (a broker). Exact up
    /// to 20,000 nodes; pass `approximate` for an estimate from sampled pivots.
    Betweenness,
    /// `closeness_centrality` (Wasserman-Faust scaling for disconnected graphs) on the
    /// undirected simple view. Exact; up to 20,000 nodes.
    Closeness,
    /// `eigenvector_centrality` (tolerance 1e-6, 100 iterations) on the undirected simple
    /// view.
    Eigenvector,
}

impl From<CentralityMeasure> for Measure {
    fn from(m: CentralityMeasure) -> Measure {
        match m {
            CentralityMeasure::Degree => Measure::Degree,
            CentralityMeasure::Pagerank => Measure::PageRank,
            CentralityMeasure::Betweenness => Measure::Betweenness,
            CentralityMeasure::Closeness => Measure::Closeness,
            CentralityMeasure::Eigenvector => Measure::Eigenvector,
        }
    }
}

/// Betweenness estimated from shortest paths out of `pivots` sampled entities, as NetworkX's
/// `betweenness_centrality(G, k=pivots, seed=...)` does (same scaling; the sample differs).
#[derive(InputObject)]
pub struct Approximation {
    /// How many source entities to sample (at least 1; all of them gives the exact figure).
    pivots: i32,
    /// The seed of the sample: the same seed gives the same figures.
    #[graphql(default = 0)]
    seed: u64,
}

/// An entity and its score, ranked.
pub struct Ranked {
    node: NodeIndex,
    score: f64,
    rank: usize,
}

/// A page of entities ranked by a centrality, highest first (ties in global-id order).
pub struct CentralityConnection(Page<Ranked>);

#[Object]
impl CentralityConnection {
    async fn edges(&self) -> Vec<RankedEdge<'_>> {
        self.0
            .items
            .iter()
            .map(|(c, r)| RankedEdge { cursor: c, item: r })
            .collect()
    }
    async fn nodes(&self, ctx: &Context<'_>) -> Vec<Node> {
        let g = graph(ctx);
        self.0
            .items
            .iter()
            .map(|(_, r)| Node::from_index(g, r.node))
            .collect()
    }
    async fn page_info(&self) -> &PageInfo {
        &self.0.info
    }
    /// The number of ranked entities, across all pages.
    async fn total_count(&self) -> usize {
        self.0.total
    }
}

/// A ranked entity with its score and cursor.
pub struct RankedEdge<'a> {
    cursor: &'a str,
    item: &'a Ranked,
}

#[Object]
impl RankedEdge<'_> {
    async fn cursor(&self) -> &str {
        self.cursor
    }
    async fn node(&self, ctx: &Context<'_>) -> Node {
        Node::from_index(graph(ctx), self.item.node)
    }
    async fn score(&self) -> f64 {
        self.item.score
    }
    /// 1 for the highest score among the ranked kinds; ties get consecutive ranks in
    /// global-id order.
    async fn rank(&self) -> usize {
        self.item.rank
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CommunityAlgorithm {
    /// Louvain modularity optimisation (Blondel et al. 2008) on the undirected simple view,
    /// like NetworkX's `louvain_communities` (threshold 1e-7): the best of 8 runs seeded from
    /// `seed`, since a single run's modularity depends on the node order.
    Louvain,
    /// Asynchronous label propagation (Raghavan et al. 2007), like NetworkX's
    /// `asyn_lpa_communities`.
    LabelPropagation,
}

/// A group of entities: a community or a connected component.
pub struct Group {
    index: usize,
    groups: Groups,
}

/// The list a group belongs to, shared with the graph's cache (never copied).
#[derive(Clone)]
enum Groups {
    Communities(Arc<Partition>),
    Components(Arc<Vec<Vec<u32>>>),
}

impl Groups {
    fn list(&self) -> &[Vec<u32>] {
        match self {
            Groups::Communities(p) => &p.communities,
            Groups::Components(c) => c,
        }
    }

    /// The first `first` groups, largest first.
    fn first(&self, first: usize) -> Vec<Group> {
        (0..self.list().len().min(first))
            .map(|index| Group {
                index,
                groups: self.clone(),
            })
            .collect()
    }
}

#[Object]
impl Group {
    /// The group's number, from 0, largest first.
    async fn index(&self) -> usize {
        self.index
    }
    async fn size(&self) -> usize {
        self.groups.list()[self.index].len()
    }
    /// The members, in data order, optionally of some kinds only.
    async fn members(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<EntityKind>>,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<Node>> {
        let first = out_of_range("first", first, 0, MAX_MEMBERS)?;
        let g = graph(ctx);
        let f = filter(kinds, None);
        Ok(self.groups.list()[self.index]
            .iter()
            .map(|i| NodeIndex::new(*i as usize))
            .filter(|n| f.keeps_kind(g.entity(*n).kind()))
            .take(first)
            .map(|n| Node::from_index(g, n))
            .collect())
    }
}

/// A partition of the graph into communities.
pub struct Communities {
    algorithm: CommunityAlgorithm,
    partition: Arc<Partition>,
    first: usize,
}

#[Object]
impl Communities {
    async fn algorithm(&self) -> CommunityAlgorithm {
        self.algorithm
    }
    /// Newman modularity of the partition on the undirected simple view at the requested
    /// resolution (1 for label propagation), as NetworkX's `community.modularity` computes it.
    async fn modularity(&self) -> f64 {
        self.partition.modularity
    }
    async fn count(&self) -> usize {
        self.partition.communities.len()
    }
    /// The largest communities, at most `first` of them.
    async fn communities(&self) -> Vec<Group> {
        Groups::Communities(self.partition.clone()).first(self.first)
    }
}

/// The connected components of the undirected view.
pub struct Components {
    groups: Arc<Vec<Vec<u32>>>,
    first: usize,
}

#[Object]
impl Components {
    async fn count(&self) -> usize {
        self.groups.len()
    }
    /// The size of the largest component.
    async fn largest(&self) -> usize {
        self.groups.first().map_or(0, Vec::len)
    }
    /// The largest components, at most `first` of them.
    async fn components(&self) -> Vec<Group> {
        Groups::Components(self.groups.clone()).first(self.first)
    }
}

/// Two donors and what they both fund.
pub struct DonorLink(crate::graph::DonorLink);

#[Object]
impl DonorLink {
    async fn source(&self) -> Organization {
        Organization(self.0.a)
    }
    async fn target(&self) -> Organization {
        Organization(self.0.b)
    }
    /// The number of projects, programmes and countries both fund.
    async fn weight(&self) -> usize {
        self.0.shared.len()
    }
    async fn shared_projects(&self, ctx: &Context<'_>) -> Vec<Project> {
        self.of_kind(ctx, EK::Project).map(Project).collect()
    }
    async fn shared_programmes(&self, ctx: &Context<'_>) -> Vec<Programme> {
        self.of_kind(ctx, EK::Programme).map(Programme).collect()
    }
    async fn shared_countries(&self, ctx: &Context<'_>) -> Vec<Country> {
        self.of_kind(ctx, EK::Country).map(Country).collect()
    }
    /// What the two donors give, by their own stated funding relations, to the projects and
    /// programmes they share, summed per currency (never across currencies).
    async fn joint_funding(&self, ctx: &Context<'_>) -> Vec<CurrencyTotal> {
        let g = graph(ctx);
        let mut acc = aggregate::Totals::default();
        for donor in [self.0.a, self.0.b] {
            for (e, to) in g.relations(donor, Some(RT::Funds), crate::graph::Outgoing) {
                if self.0.shared.binary_search(&to).is_ok()
                    && let Some(a) = g.edge(e).amount()
                {
                    acc.add(a);
                }
            }
        }
        acc.finish()
    }
}

impl DonorLink {
    fn of_kind<'a>(&'a self, ctx: &Context<'a>, kind: EK) -> impl Iterator<Item = NodeIndex> + 'a {
        let g = graph(ctx);
        self.0
            .shared
            .iter()
            .copied()
            .filter(move |n| g.entity(*n).kind() == kind)
    }
}

/// The donor-donor projection: donors linked when they fund the same project, programme or
/// country (directly or through programmes and funds).
pub struct DonorNetwork {
    links: Vec<crate::graph::DonorLink>,
    first: usize,
}

#[Object]
impl DonorNetwork {
    /// The donors with at least one link, in name order.
    async fn donors(&self, ctx: &Context<'_>) -> Vec<Organization> {
        let g = graph(ctx);
        let mut ds: Vec<NodeIndex> = self.links.iter().flat_map(|l| [l.a, l.b]).collect();
        ds.sort();
        ds.dedup();
        let order: BTreeMap<NodeIndex, usize> = g
            .nodes_of(EK::Organization)
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i))
            .collect();
        ds.sort_by_key(|n| order.get(n).copied());
        ds.into_iter().map(Organization).collect()
    }
    async fn link_count(&self) -> usize {
        self.links.len()
    }
    /// The links, heaviest first, at most `first` of them.
    async fn links(&self) -> Vec<DonorLink> {
        self.links
            .iter()
            .take(self.first)
            .cloned()
            .map(DonorLink)
            .collect()
    }
}

#[derive(Default)]
pub struct AnalysisQuery;

#[Object]
impl AnalysisQuery {
    /// A shortest path between two entities, or null when none exists within `maxLength`.
    /// By default relations are followed either way; `types` limits the relations followed
    /// and `kinds` the entities passed through (the ends always count).
    #[allow(clippy::too_many_arguments)]
    async fn shortest_path(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        #[graphql(default_with = "PathDirection::Undirected")] direction: PathDirection,
        types: Option<Vec<RelationType>>,
        kinds: Option<Vec<EntityKind>>,
        #[graphql(default = 6)] max_length: i32,
    ) -> Result<Option<GqlPath>> {
        let g = graph(ctx);
        let (a, b, q) = path_args(g, &from, &to, direction, types, kinds, max_length)?;
        let path = blocking(ctx, move |g| g.shortest_path(a, b, &q)).await?;
        Ok(path.map(GqlPath))
    }

    /// Every simple path (no entity twice) between two entities up to `maxLength`
    /// relations, shortest first, at most `first` of them.
    #[allow(clippy::too_many_arguments)]
    async fn paths(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        #[graphql(default_with = "PathDirection::Undirected")] direction: PathDirection,
        types: Option<Vec<RelationType>>,
        kinds: Option<Vec<EntityKind>>,
        #[graphql(default = 4)] max_length: i32,
        #[graphql(default = 10)] first: i32,
    ) -> Result<Vec<GqlPath>> {
        let g = graph(ctx);
        let (a, b, q) = path_args(g, &from, &to, direction, types, kinds, max_length)?;
        let first = out_of_range("first", first, 0, MAX_PATHS)?;
        let paths = blocking(ctx, move |g| g.simple_paths(a, b, &q, first, PATH_BUDGET))
            .await?
            .map_err(|e| too_large(e.to_string()))?;
        Ok(paths.into_iter().map(GqlPath).collect())
    }

    /// The entities within `depth` relations of `id` (either direction) and the relations
    /// between them, for drawing. `types` limits the relations followed, `kinds` the entities
    /// kept; past `limit` entities the query fails with TOO_LARGE rather than truncating.
    async fn neighborhood(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 1)] depth: i32,
        types: Option<Vec<RelationType>>,
        kinds: Option<Vec<EntityKind>>,
        #[graphql(default = 500)] limit: i32,
    ) -> Result<Neighborhood> {
        let g = graph(ctx);
        let center = resolve(g, "id", &id, EK::ALL)?;
        let depth = out_of_range("depth", depth, 0, MAX_DEPTH)?;
        let limit = out_of_range("limit", limit, 1, MAX_NODES)?;
        let f = filter(kinds, types);
        let sub = blocking(ctx, move |g| g.neighborhood(center, depth, &f, limit))
            .await?
            .map_err(|e| {
                ApiError::new(
                    Code::TooLarge,
                    format!(
                        "{e} (`limit` is at most {MAX_NODES}; past that, export the selection \
                         with /export/graphml?around=...)"
                    ),
                )
                .extend()
                .extend_with(|_, x| {
                    x.set("argument", "limit");
                    x.set("limit", limit as u64);
                    x.set("maximum", MAX_NODES);
                })
            })?;
        Ok(Neighborhood { center, sub })
    }

    /// Entities ranked by a centrality computed on the whole graph (once, then cached),
    /// optionally listing only some kinds. Each measure's doc says which view it uses.
    async fn centrality(
        &self,
        ctx: &Context<'_>,
        measure: CentralityMeasure,
        kinds: Option<Vec<EntityKind>>,
        #[graphql(desc = "Betweenness only: estimate from sampled pivots instead.")]
        approximate: Option<Approximation>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<CentralityConnection> {
        let (scores, order) = match (measure, approximate) {
            (CentralityMeasure::Betweenness, Some(a)) => {
                let pivots = out_of_range("approximate.pivots", a.pivots, 1, MAX_PIVOTS)?;
                blocking(ctx, move |g| {
                    let scores = g.approximate_betweenness(pivots, a.seed);
                    let order = Arc::new(g.rank(&scores));
                    (scores, order)
                })
                .await?
            }
            (_, Some(_)) => {
                return Err(invalid(
                    "`approximate` applies to BETWEENNESS only; the other measures are exact",
                ));
            }
            (m, None) => blocking(ctx, move |g| g.ranked(m.into()))
                .await?
                .map_err(analysis_error)?,
        };
        let g = graph(ctx);
        let f = filter(kinds, None);
        let items: Vec<Ranked> = order
            .iter()
            .filter(|n| f.keeps_kind(g.entity(**n).kind()))
            .enumerate()
            .map(|(i, n)| Ranked {
                node: *n,
                score: scores[n.index()],
                rank: i + 1,
            })
            .collect();
        let g = graph(ctx);
        let page = paginate(
            items,
            |r| g.entity(r.node).global_id(),
            &PageArgs::new(Some(first.unwrap_or(10)), after, None, None),
        )?;
        Ok(CentralityConnection(page))
    }

    /// A partition of the whole graph into communities, with its modularity. The same
    /// parameters give the same partition; results are cached per graph.
    async fn communities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "CommunityAlgorithm::Louvain")] algorithm: CommunityAlgorithm,
        #[graphql(
            desc = "Louvain's resolution (NetworkX's gamma): above 1 favours smaller \
                          communities.",
            default = 1.0
        )]
        resolution: f64,
        #[graphql(default = 0)] seed: u64,
        #[graphql(desc = "How many communities to list, largest first.", default = 20)] first: i32,
    ) -> Result<Communities> {
        if !(resolution.is_finite() && resolution > 0.0 && resolution <= 100.0) {
            return Err(invalid(format!(
                "`resolution: {resolution}` is out of range; use a number above 0 and at most \
                 100 (1 is the classic modularity)"
            )));
        }
        let first = out_of_range("first", first, 0, MAX_MEMBERS)?;
        let alg = match algorithm {
            CommunityAlgorithm::Louvain => Algorithm::Louvain,
            CommunityAlgorithm::LabelPropagation => Algorithm::LabelPropagation,
        };
        let partition = blocking(ctx, move |g| g.communities(alg, resolution, seed)).await?;
        Ok(Communities {
            algorithm,
            partition,
            first,
        })
    }

    /// The connected components of the graph, relations taken either way, largest first.
    async fn components(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many components to list.", default = 20)] first: i32,
    ) -> Result<Components> {
        let first = out_of_range("first", first, 0, MAX_MEMBERS)?;
        let groups = blocking(ctx, |g| g.components()).await?;
        Ok(Components { groups, first })
    }

    /// The donor-donor network: two donors are linked when they fund the same project,
    /// programme or country, directly or through programmes and funds; the weight is the
    /// number of items they share.
    async fn donor_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep links sharing at least this many items.", default = 1)]
        min_weight: i32,
        #[graphql(desc = "How many links to list, heaviest first.", default = 100)] first: i32,
    ) -> Result<DonorNetwork> {
        let min = out_of_range("minWeight", min_weight, 1, i32::MAX)?;
        let first = out_of_range("first", first, 0, MAX_MEMBERS)?;
        let links = blocking(ctx, move |g| {
            g.donor_links()
                .iter()
                .filter(|l| l.shared.len() >= min)
                .cloned()
                .collect()
        })
        .await?;
        Ok(DonorNetwork { links, first })
    }

    /// The money leaving a donor, traced through the programmes and funds it funds down to
    /// projects, grouped by the projects' country, theme, year or the project itself.
    async fn funding_flows(
        &self,
        ctx: &Context<'_>,
        from: ID,
        group_by: FlowGroupBy,
    ) -> Result<FundingFlows> {
        let g = graph(ctx);
        let donor = resolve(g, "from", &from, &[EK::Organization, EK::Programme])?;
        blocking(ctx, move |g| funding_flows(g, donor, group_by)).await
    }
}

fn path_args(
    g: &KnowledgeGraph,
    from: &str,
    to: &str,
    direction: PathDirection,
    types: Option<Vec<RelationType>>,
    kinds: Option<Vec<EntityKind>>,
    max_length: i32,
) -> Result<(NodeIndex, NodeIndex, PathQuery)> {
    let a = resolve(g, "from", from, EK::ALL)?;
    let b = resolve(g, "to", to, EK::ALL)?;
    let max_length = out_of_range("maxLength", max_length, 1, MAX_PATH_LENGTH)?;
    let view = match direction {
        PathDirection::Directed => PathView::Directed,
        PathDirection::Undirected => PathView::Undirected,
    };
    Ok((
        a,
        b,
        PathQuery {
            view,
            filter: filter(kinds, types),
            max_length,
        },
    ))
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum FlowGroupBy {
    /// By the project's country; a project in several countries (or none) forms a group of
    /// its own kind, since the sources give no split.
    Country,
    /// By the project's theme, multi-theme projects grouped like multi-country ones.
    Theme,
    /// By the years of the funding (the last relation's period, else the project's).
    Year,
    /// One group per project.
    Project,
}

/// Where a flow's amount comes from.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum AmountBasis {
    /// The amount of the funding relation into the project.
    FundingRelation,
    /// The project's stated budget, when no funding relation into it states an amount and
    /// this donor's chain is its only source of money.
    ProjectBudget,
}

/// One line of money: from the donor, through programmes and funds, to a project.
pub struct FundingFlow {
    project: NodeIndex,
    via: Vec<NodeIndex>,
    amount: Option<model::Amount>,
    basis: Option<AmountBasis>,
    note: Option<&'static str>,
}

#[Object]
impl FundingFlow {
    async fn project(&self) -> Project {
        Project(self.project)
    }
    /// The programmes and funds between the donor and the project, outermost first.
    async fn via(&self) -> Vec<Programme> {
        self.via.iter().copied().map(Programme).collect()
    }
    /// The amount this flow carries, when the sources state it and it is the donor's: the
    /// stated amount of the last funding relation (else the project's budget, if the donor's
    /// chain is its only funder), provided every programme on the way has this donor as its
    /// only funder.
    async fn amount(&self) -> Option<Money> {
        self.amount.map(|a| a.money.into())
    }
    async fn amount_qualifier(&self) -> Option<Qualifier> {
        self.amount.map(|a| a.qualifier.into())
    }
    async fn amount_basis(&self) -> Option<AmountBasis> {
        self.basis
    }
    /// Why there is no amount.
    async fn note(&self) -> Option<&str> {
        self.note
    }
}

/// The flows of one group.
pub struct FlowGroup {
    key: String,
    node: Option<NodeIndex>,
    flows: Vec<FundingFlow>,
}

#[Object]
impl FlowGroup {
    /// The group: a country's, theme's or project's name, or the years.
    async fn key(&self) -> &str {
        &self.key
    }
    /// The entity of the group, when it is one.
    async fn node(&self, ctx: &Context<'_>) -> Option<Node> {
        self.node.map(|n| Node::from_index(graph(ctx), n))
    }
    /// The stated amounts of the group's flows, per currency.
    async fn totals(&self) -> Vec<CurrencyTotal> {
        let mut acc = aggregate::Totals::default();
        self.flows
            .iter()
            .filter_map(|f| f.amount)
            .for_each(|a| acc.add(a));
        acc.finish()
    }
    async fn flow_count(&self) -> usize {
        self.flows.len()
    }
    /// Flows whose amount the sources do not state (or do not split for this donor).
    async fn flows_without_amount(&self) -> usize {
        self.flows.iter().filter(|f| f.amount.is_none()).count()
    }
    async fn flows(&self) -> &[FundingFlow] {
        &self.flows
    }
}

/// Where a donor's money goes.
pub struct FundingFlows {
    donor: NodeIndex,
    outgoing: Vec<CurrencyTotal>,
    groups: Vec<FlowGroup>,
}

#[Object]
impl FundingFlows {
    async fn donor(&self, ctx: &Context<'_>) -> Node {
        Node::from_index(graph(ctx), self.donor)
    }
    /// What leaves the donor: the stated amounts of its own funding relations (to projects,
    /// programmes, funds and organisations), per currency.
    async fn outgoing(&self) -> &[CurrencyTotal] {
        &self.outgoing
    }
    async fn groups(&self) -> &[FlowGroup] {
        &self.groups
    }
    async fn flow_count(&self) -> usize {
        self.groups.iter().map(|g| g.flows.len()).sum()
    }
    /// The share of flows (0 to 1) whose amount the sources do not state or split: the
    /// part of the picture the figures cannot show.
    async fn not_stated_share(&self) -> f64 {
        let all: usize = self.groups.iter().map(|g| g.flows.len()).sum();
        let none: usize = self
            .groups
            .iter()
            .flat_map(|g| &g.flows)
            .filter(|f| f.amount.is_none())
            .count();
        if all == 0 {
            0.0
        } else {
            none as f64 / all as f64
        }
    }
}

const SHARED: &str =
    "a programme on the way has other funders and the sources do not split its money";
const NOT_STATED: &str = "the sources state no amount for this funding or the project's budget";
const BUDGET_SHARED: &str =
    "the project's budget also has other sources of money and the sources do not split it";

fn funding_flows(g: &KnowledgeGraph, donor: NodeIndex, by: FlowGroupBy) -> FundingFlows {
    use crate::graph::{Incoming, Outgoing};
    let mut outgoing = aggregate::Totals::default();
    for (e, _) in g.relations(donor, Some(RT::Funds), Outgoing) {
        if let Some(a) = g.edge(e).amount() {
            outgoing.add(a);
        }
    }
    // Money reaches a node through `funds` relations into it and, for a project or programme
    // that is `part_of` a programme, from that programme. A node's money is `funder`'s when
    // every such source is `funder`.
    let only_from = |node: NodeIndex, funder: NodeIndex| {
        let funders = g.neighbors(node, RT::Funds, Incoming);
        let parents = g.neighbors(node, RT::PartOf, Outgoing);
        funders
            .iter()
            .chain(
                parents
                    .iter()
                    .filter(|p| g.entity(**p).kind() == EK::Programme),
            )
            .all(|f| *f == funder)
    };
    let mut groups: BTreeMap<String, FlowGroup> = BTreeMap::new();
    for (project, via) in g.funded_projects(donor, true) {
        let last = via.last().copied().unwrap_or(donor);
        let sole = std::iter::once(donor)
            .chain(via.iter().copied())
            .zip(via.iter().copied())
            .all(|(funder, p)| only_from(p, funder));
        // The project's budget is this donor's money when the chain is its only source.
        let stated_budget = match g.entity(project) {
            crate::graph::Entity::Project(p) => p.budget,
            _ => None,
        };
        let budget = stated_budget.filter(|_| only_from(project, last));
        // One flow per funding relation from the chain's last link (tranches stay apart), or
        // one without a relation when the project is part of the last programme.
        let hops: Vec<Option<&crate::graph::Edge>> = {
            let rels: Vec<_> = g
                .relations(last, Some(RT::Funds), Outgoing)
                .into_iter()
                .filter(|(_, n)| *n == project)
                .map(|(e, _)| Some(g.edge(e)))
                .collect();
            if rels.is_empty() { vec![None] } else { rels }
        };
        let budget_used = hops.iter().all(|h| h.and_then(|r| r.amount()).is_none());
        for (i, hop) in hops.into_iter().enumerate() {
            let (amount, basis, note) = match (hop.and_then(|r| r.amount()), budget) {
                _ if !sole => (None, None, Some(SHARED)),
                (Some(a), _) => (Some(a), Some(AmountBasis::FundingRelation), None),
                // The budget once, on the first flow, when no relation states an amount.
                (None, Some(b)) if budget_used && i == 0 => {
                    (Some(b), Some(AmountBasis::ProjectBudget), None)
                }
                (None, None) if stated_budget.is_some() && i == 0 => {
                    (None, None, Some(BUDGET_SHARED))
                }
                (None, _) => (None, None, Some(NOT_STATED)),
            };
            let single = |kind: RT| aggregate::group_of(g, project, kind);
            let (key, node) = match by {
                FlowGroupBy::Country => single(RT::InCountry),
                FlowGroupBy::Theme => single(RT::HasTheme),
                FlowGroupBy::Project => (g.entity(project).label().to_string(), Some(project)),
                FlowGroupBy::Year => {
                    let period = hop
                        .and_then(|r| r.period())
                        .or_else(|| match g.entity(project) {
                            crate::graph::Entity::Project(p) => p.period.as_ref(),
                            _ => None,
                        });
                    (
                        period
                            .and_then(aggregate::years)
                            .unwrap_or_else(|| "(not stated)".into()),
                        None,
                    )
                }
            };
            groups
                .entry(key.clone())
                .or_insert_with(|| FlowGroup {
                    key,
                    node,
                    flows: Vec::new(),
                })
                .flows
                .push(FundingFlow {
                    project,
                    via: via.clone(),
                    amount,
                    basis,
                    note,
                });
        }
    }
    FundingFlows {
        donor,
        outgoing: outgoing.finish(),
        groups: groups.into_values().collect(),
    }
}
