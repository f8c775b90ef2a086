//! The GraphQL schema (async-graphql) over the knowledge graph.
//!
//! *API Boundary*: the names of the root fields, `Node`, the entity types and their listed
//! fields are a contract with frontends and checks; `schema/schema.graphql` pins them.
//! *Architecture Invariant*: this module knows nothing about HTTP.

mod aggregate;
mod analysis;
mod connections;
pub mod error;
mod filters;
pub mod limits;
pub mod page;
pub mod plan;
mod status;
mod types;
mod values;

use std::sync::Arc;

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, ID, Object, Result, Schema, SimpleObject,
};
use petgraph::graph::NodeIndex;

use crate::graph::KnowledgeGraph;
use crate::live::DataStatus;
use crate::model::EntityKind as EK;
use aggregate::{FundingGroupBy, FundingTotal, OutcomeTotal};
use connections::*;
use error::{ApiError, Code, invalid};
use filters::*;
use page::PageArgs;
use types::*;
use values::{EntityKind, OutcomeStatus};

pub type AidSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The root query: entities and their relations, and the researcher's graph analyses.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(CoreQuery, analysis::AnalysisQuery);

/// The schema with everything but its data: request data or `.data(...)` supply that.
fn builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .extension(error::CodeArgumentErrors)
}

/// Builds a schema that always answers from `graph` (tests, tools).
pub fn build_schema(graph: Arc<KnowledgeGraph>) -> AidSchema {
    let status = Arc::new(DataStatus::new("in-memory graph".to_string(), &graph));
    builder().data(graph).data(status).finish()
}

/// Builds the serving schema. It holds no graph: every request brings the graph and the
/// [`DataStatus`](crate::live::DataStatus) it reads as request data, so a reload never
/// changes the data under a running query.
///
/// It has no extension: with any extension, async-graphql sends every field through its
/// extension chain (a registry lookup and boxed futures per field), which cost about a third
/// of execution (benches/load.sh). The HTTP layer codes argument errors instead of
/// [`error::CodeArgumentErrors`] (`http::graphql::code_errors`).
pub fn serving_schema(introspection: bool) -> AidSchema {
    serving_schema_with(introspection, async_graphql::ValidationMode::Strict)
}

/// The serving schema with another validation mode. `Fast` checks only fragment cycles
/// (and counts complexity and depth): the HTTP layer uses it for documents the `Strict`
/// schema has already validated, when the request's variables fit them
/// (`http::validated`).
pub fn serving_schema_with(
    introspection: bool,
    validation: async_graphql::ValidationMode,
) -> AidSchema {
    let builder = Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .validation_mode(validation);
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The SDL of the schema, as `aidgraph schema` prints it.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// The graph this request reads.
pub(crate) fn graph<'a>(ctx: &Context<'a>) -> &'a KnowledgeGraph {
    ctx.data_unchecked::<Arc<KnowledgeGraph>>()
}

/// Parses a global id: `Ok(None)` if well-formed but unknown, an error if malformed.
pub(crate) fn parse_global_id(g: &KnowledgeGraph, gid: &str) -> Result<Option<NodeIndex>> {
    use async_graphql::ErrorExtensions;
    let well_formed = gid
        .split_once(':')
        .is_some_and(|(p, id)| EK::from_id_prefix(p).is_some() && !id.is_empty());
    if !well_formed {
        let prefixes: Vec<&str> = EK::ALL.iter().map(|k| k.id_prefix()).collect();
        return Err(ApiError::new(
            Code::InvalidId,
            format!(
                "`{gid}` is not a global id: ids look like `org:mhlw` or `country:KH`, with a \
                 prefix among {}",
                prefixes.join(", ")
            ),
        )
        .extend());
    }
    Ok(g.by_global_id(gid))
}

/// The largest number of ids `nodes(ids:)` takes at once.
const MAX_IDS: usize = 100;

/// A search result: the node, its kind and label, and how well it matched.
pub struct SearchEdge {
    cursor: String,
    node: NodeIndex,
    score: u32,
}

#[Object]
impl SearchEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    async fn node(&self, ctx: &Context<'_>) -> Node {
        Node::from_index(graph(ctx), self.node)
    }
    async fn kind(&self, ctx: &Context<'_>) -> EntityKind {
        graph(ctx).entity(self.node).kind().into()
    }
    /// The name or title of the node.
    async fn label<'a>(&self, ctx: &Context<'a>) -> &'a str {
        graph(ctx).entity(self.node).label()
    }
    /// Higher is better: exact words score above prefixes, names above descriptions.
    async fn score(&self) -> u32 {
        self.score
    }
}

/// Ranked search results across all kinds.
pub struct SearchConnection(page::Page<(NodeIndex, u32)>);

#[Object]
impl SearchConnection {
    async fn edges(&self) -> Vec<SearchEdge> {
        self.0
            .items
            .iter()
            .map(|(c, (n, s))| SearchEdge {
                cursor: c.clone(),
                node: *n,
                score: *s,
            })
            .collect()
    }
    async fn nodes(&self, ctx: &Context<'_>) -> Vec<Node> {
        let g = graph(ctx);
        self.0
            .items
            .iter()
            .map(|(_, (n, _))| Node::from_index(g, *n))
            .collect()
    }
    async fn page_info(&self) -> &page::PageInfo {
        &self.0.info
    }
    async fn total_count(&self) -> usize {
        self.0.total
    }
}

/// How many entities of one kind the graph holds.
#[derive(SimpleObject)]
pub struct KindCount {
    kind: EntityKind,
    count: usize,
}

/// The size of the loaded graph.
#[derive(SimpleObject)]
pub struct GraphStats {
    node_count: usize,
    edge_count: usize,
    kinds: Vec<KindCount>,
}

#[derive(Default)]
pub struct CoreQuery;

#[Object]
impl CoreQuery {
    /// Which data this server answers from, and whether the last reload worked.
    async fn data_status(&self, ctx: &Context<'_>) -> status::DataStatusObject {
        status::data_status(ctx)
    }

    /// Any entity by its global id (`org:mhlw`); null if there is none.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let g = graph(ctx);
        Ok(parse_global_id(g, &id)?.map(|ix| Node::from_index(g, ix)))
    }

    /// Entities by global id, in the order asked, null for ids with no entity (at most 100).
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(invalid(format!(
                "`ids` has {} ids; ask for at most {MAX_IDS} at once",
                ids.len()
            )));
        }
        let g = graph(ctx);
        ids.iter()
            .map(|id| Ok(parse_global_id(g, id)?.map(|ix| Node::from_index(g, ix))))
            .collect()
    }

    /// Organisations, by name unless `orderBy` says otherwise.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<OrganizationWhere>,
        order_by: Option<OrganizationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationConnection> {
        let g = graph(ctx);
        let list = filters::organizations(
            g,
            &filter.unwrap_or_default(),
            &order_by.unwrap_or_default(),
        )?;
        Ok(OrganizationConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Programmes, funds and funding facilities, by name unless `orderBy` says otherwise.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<ProgrammeWhere>,
        order_by: Option<ProgrammeOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeConnection> {
        let g = graph(ctx);
        let list = filters::programmes(
            g,
            &filter.unwrap_or_default(),
            &order_by.unwrap_or_default(),
        )?;
        Ok(ProgrammeConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Projects, by title unless `orderBy` says otherwise.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<ProjectWhere>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectConnection> {
        let g = graph(ctx);
        let list = filters::projects(
            g,
            &filter.unwrap_or_default(),
            &order_by.unwrap_or_default(),
        )?;
        Ok(ProjectConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Countries, by name unless `orderBy` says otherwise.
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<CountryWhere>,
        order_by: Option<CountryOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryConnection> {
        let g = graph(ctx);
        let list = filters::countries(
            g,
            &filter.unwrap_or_default(),
            &order_by.unwrap_or_default(),
        )?;
        Ok(CountryConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// A country by its ISO 3166-1 alpha-2 code, in any case.
    async fn country(&self, ctx: &Context<'_>, code: String) -> Option<Country> {
        let g = graph(ctx);
        g.by_global_id(&format!("country:{code}")).map(Country)
    }

    /// Reported numbers: results, targets and statistics, by label unless `orderBy` says
    /// otherwise.
    async fn outcomes(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<OutcomeWhere>,
        order_by: Option<OutcomeOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OutcomeConnection> {
        let g = graph(ctx);
        let list = filters::outcomes(
            g,
            &filter.unwrap_or_default(),
            &order_by.unwrap_or_default(),
        )?;
        Ok(OutcomeConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Regions, by name.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<RegionConnection> {
        let g = graph(ctx);
        let list = g.nodes_of(EK::Region).to_vec();
        Ok(RegionConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Themes and sectors, by name.
    async fn themes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ThemeConnection> {
        let g = graph(ctx);
        let list = g.nodes_of(EK::Theme).to_vec();
        Ok(ThemeConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// The source documents the data cites.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<SourceConnection> {
        let g = graph(ctx);
        let list = g.nodes_of(EK::Source).to_vec();
        Ok(SourceConnection(node_page(
            g,
            list,
            &PageArgs::new(first, after, last, before),
        )?))
    }

    /// Ranked search across all kinds: every word of `query` must match a word, or the start
    /// of a word, of a name, acronym, alias, code or description; case and accents are
    /// ignored. Names rank above descriptions, whole words above prefixes.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        kinds: Option<Vec<EntityKind>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<SearchConnection> {
        let g = graph(ctx);
        if query.trim().is_empty() {
            return Err(invalid("`query` is empty: give at least one word"));
        }
        let kinds: Option<Vec<EK>> = kinds.map(|ks| ks.into_iter().map(Into::into).collect());
        let first = page::check_size("first", first)?.unwrap_or(page::DEFAULT_PAGE);
        // A cursor is the base64 global id of a hit; anything else points into no list.
        use async_graphql::ErrorExtensions;
        let bad_cursor = |cursor: &str| {
            ApiError::new(
                Code::InvalidCursor,
                format!(
                    "`after` cursor `{cursor}` does not point into this list; \
                     use a cursor from this connection's edges or pageInfo"
                ),
            )
            .extend()
        };
        let after_node = match &after {
            None => None,
            Some(cursor) => {
                use base64::Engine;
                let node = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(cursor)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|gid| {
                        g.by_global_id(&gid)
                            .filter(|n| g.entity(*n).global_id() == gid)
                    });
                Some(node.ok_or_else(|| bad_cursor(cursor))?)
            }
        };
        let found = g
            .search(&query, kinds.as_deref(), after_node, first)
            .map_err(|_| bad_cursor(after.as_deref().unwrap_or_default()))?;
        let items: Vec<(String, (NodeIndex, u32))> = found
            .hits
            .into_iter()
            .map(|h| {
                (
                    page::encode_cursor(&g.entity(h.node).global_id()),
                    (h.node, h.score),
                )
            })
            .collect();
        let info = page::PageInfo {
            has_next_page: found.has_next,
            has_previous_page: after.is_some(),
            start_cursor: items.first().map(|(c, _)| c.clone()),
            end_cursor: items.last().map(|(c, _)| c.clone()),
        };
        Ok(SearchConnection(page::Page {
            items,
            info,
            total: found.total,
        }))
    }

    /// Funding summed per currency and grouped by donor, country, theme or year. Only
    /// amounts the sources state are summed; `relationsWithoutAmount` counts the rest.
    async fn funding_totals(
        &self,
        ctx: &Context<'_>,
        group_by: FundingGroupBy,
        #[graphql(desc = "Only funding from this organisation or programme (global id).")]
        donor: Option<ID>,
    ) -> Result<Vec<FundingTotal>> {
        let g = graph(ctx);
        let donor = donor
            .map(|d| resolve(g, "donor", &d, &[EK::Organization, EK::Programme]))
            .transpose()?;
        Ok(aggregate::funding_totals(g, group_by, donor))
    }

    /// Outcomes summed by metric, unit and country. Upper bounds ("less than") are left out;
    /// each total says whether it includes lower bounds or approximations.
    async fn outcome_totals(
        &self,
        ctx: &Context<'_>,
        metric: Option<String>,
        #[graphql(default_with = "vec![OutcomeStatus::Achieved]")] status: Vec<OutcomeStatus>,
    ) -> Vec<OutcomeTotal> {
        let statuses: Vec<_> = status.into_iter().map(Into::into).collect();
        aggregate::outcome_totals(graph(ctx), metric.as_deref(), &statuses)
    }

    /// The size of the loaded graph.
    async fn stats(&self, ctx: &Context<'_>) -> GraphStats {
        let g = graph(ctx);
        GraphStats {
            node_count: g.node_count(),
            edge_count: g.edge_count(),
            kinds: EK::ALL
                .iter()
                .map(|k| KindCount {
                    kind: (*k).into(),
                    count: g.nodes_of(*k).len(),
                })
                .collect(),
        }
    }
}
