//! The connection types of the schema, one pair per node type: `XConnection` for lists of
//! nodes, `XRelationConnection` for traversals, whose edges carry the relation's attributes.

use async_graphql::{Context, Object, Result};
use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};

use super::graph;
use super::page::{Page, PageArgs, PageInfo, paginate_seek};
use super::types::RelationDirection;
use super::types::*;
use super::values::{
    Citation, ContributionKind, Money, OrgRole, Period, Qualifier, RelatedActivityType,
    RelationType, citations,
};
use crate::graph::{KnowledgeGraph, Merged};
use crate::model;

/// Builds the API object for a node index (the index is trusted to be of the right kind).
pub trait FromIndex {
    fn from_index(g: &KnowledgeGraph, ix: NodeIndex) -> Self;
}

/// One page of nodes.
pub fn node_page(
    g: &KnowledgeGraph,
    nodes: Vec<NodeIndex>,
    args: &PageArgs,
) -> Result<Page<NodeIndex>> {
    let locate = |key: &str| {
        let ix = g.by_global_id(key)?;
        nodes.iter().position(|n| *n == ix)
    };
    paginate_seek(
        nodes.len(),
        locate,
        |from, to| nodes[from..to].to_vec(),
        |ix| g.entity(*ix).global_id(),
        args,
    )
}

/// One page of the relations of `kind` at `node` in `dir`, optionally only to `other` kinds:
/// slices of the per-type adjacency, the cursor (the other end's global id and the edge
/// index) found by binary search, so a hub's page costs what a leaf's does.
pub fn relation_page(
    g: &KnowledgeGraph,
    node: NodeIndex,
    kind: Option<model::RelationType>,
    dirs: &[Direction],
    other: &[model::EntityKind],
    args: &PageArgs,
) -> Result<Page<(EdgeIndex, NodeIndex)>> {
    let lists: Vec<Merged> = dirs
        .iter()
        .map(|d| g.relation_list(node, kind, *d, other))
        .collect();
    let total = lists.iter().map(Merged::len).sum();
    let key =
        |(e, n): &(EdgeIndex, NodeIndex)| format!("{}#{}", g.entity(*n).global_id(), e.index());
    let locate = |k: &str| {
        let (gid, edge) = k.rsplit_once('#')?;
        let edge: u32 = edge.parse().ok()?;
        let mut offset = 0;
        for list in &lists {
            if let Some((p, a)) = list.position(edge) {
                let other = NodeIndex::new(a.other as usize);
                return (g.entity(other).global_id() == gid).then_some(offset + p);
            }
            offset += list.len();
        }
        None
    };
    let fetch = |from: usize, to: usize| {
        let mut out = Vec::with_capacity(to - from);
        let mut offset = 0;
        for list in &lists {
            let (a, b) = (from.max(offset), to.min(offset + list.len()));
            if a < b {
                out.extend(list.slice(a - offset, b - offset).into_iter().map(|a| {
                    (
                        EdgeIndex::new(a.edge as usize),
                        NodeIndex::new(a.other as usize),
                    )
                }));
            }
            offset += list.len();
        }
        out
    };
    paginate_seek(total, locate, fetch, key, args)
}

/// The relation behind a relation edge.
pub struct RelationFields(pub EdgeIndex);

/// A relation between two entities, with its attributes and the quotes that ground it.
pub struct Relation(pub EdgeIndex);

impl Relation {
    fn rel<'a>(&self, ctx: &Context<'a>) -> &'a crate::graph::Edge {
        graph(ctx).edge(self.0)
    }
}

#[Object]
impl Relation {
    /// The subject: "MHLW" in "MHLW funds SSN Fund".
    async fn from(&self, ctx: &Context<'_>) -> Node {
        let g = graph(ctx);
        Node::from_index(g, g.endpoints(self.0).0)
    }

    /// The object: "SSN Fund" in "MHLW funds SSN Fund".
    async fn to(&self, ctx: &Context<'_>) -> Node {
        let g = graph(ctx);
        Node::from_index(g, g.endpoints(self.0).1)
    }

    /// The type of the relation.
    #[graphql(name = "type")]
    async fn relation_type(&self, ctx: &Context<'_>) -> RelationType {
        self.rel(ctx).kind.into()
    }

    /// The role stated by the source ("partner country", "for Japan component").
    async fn role<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.rel(ctx).role()
    }

    /// For funding: the kind of contribution.
    async fn contribution(&self, ctx: &Context<'_>) -> Option<ContributionKind> {
        self.rel(ctx).contribution().map(Into::into)
    }

    /// For funding: the amount, when the source states it.
    async fn amount(&self, ctx: &Context<'_>) -> Option<Money> {
        self.rel(ctx).amount().map(|a| a.money.into())
    }

    /// How the source words the amount ("more than US$ 43.5 million" is MORE_THAN).
    async fn amount_qualifier(&self, ctx: &Context<'_>) -> Option<Qualifier> {
        self.rel(ctx).amount().map(|a| a.qualifier.into())
    }

    async fn period(&self, ctx: &Context<'_>) -> Option<Period> {
        self.rel(ctx).period().cloned().map(Period)
    }

    /// What a reader needs to weigh the relation, e.g. that the funder is inferred.
    async fn note<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.rel(ctx).note()
    }

    /// The quotes that ground this relation.
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(graph(ctx).edge_citations(self.0))
    }

    /// The share of the activity in this country, region or sector, in per cent (IATI
    /// `@percentage`).
    async fn percentage(&self, ctx: &Context<'_>) -> Option<rust_decimal::Decimal> {
        self.rel(ctx).percentage()
    }

    /// The IATI participating-org role this relation was read from.
    async fn iati_role(&self, ctx: &Context<'_>) -> Option<OrgRole> {
        self.rel(ctx).iati_role().map(Into::into)
    }

    /// The participating organisation's own activity (IATI `@activity-id`).
    async fn iati_activity_id<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.rel(ctx).iati_activity_id()
    }

    /// For a FUNDS relation read from an IATI transaction: the transaction.
    async fn transaction(&self, ctx: &Context<'_>) -> Option<Transaction> {
        let g = graph(ctx);
        let t = self.rel(ctx).transaction()?;
        Some(Transaction {
            transaction: std::sync::Arc::clone(t),
            default_currency: edge_default_currency(g, self.0, t),
        })
    }

    /// For RELATED_ACTIVITY: how the `to` activity relates to the `from` one (PARENT: it is
    /// its parent).
    async fn related_activity_type(&self, ctx: &Context<'_>) -> Option<RelatedActivityType> {
        self.rel(ctx).related.map(Into::into)
    }
}

macro_rules! node_connection {
    ($node:ident, $conn:ident, $edge:ident, $what:literal) => {
        #[doc = concat!("A page of ", $what, ".")]
        pub struct $conn(pub Page<NodeIndex>);

        #[Object]
        impl $conn {
            async fn edges(&self, ctx: &Context<'_>) -> Vec<$edge> {
                let g = graph(ctx);
                self.0
                    .items
                    .iter()
                    .map(|(c, ix)| $edge {
                        cursor: c.clone(),
                        node: $node::from_index(g, *ix),
                    })
                    .collect()
            }

            async fn nodes(&self, ctx: &Context<'_>) -> Vec<$node> {
                let g = graph(ctx);
                self.0
                    .items
                    .iter()
                    .map(|(_, ix)| $node::from_index(g, *ix))
                    .collect()
            }

            async fn page_info(&self) -> &PageInfo {
                &self.0.info
            }

            /// The number of items in the whole list, across all pages.
            async fn total_count(&self) -> usize {
                self.0.total
            }
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        pub struct $edge {
            cursor: String,
            node: $node,
        }

        #[Object]
        impl $edge {
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            async fn node(&self) -> &$node {
                &self.node
            }
        }
    };
}

macro_rules! relation_connection {
    ($node:ident, $rconn:ident, $redge:ident, $what:literal) => {
        #[doc = concat!("A page of relations to ", $what, ".")]
        pub struct $rconn(pub Page<(EdgeIndex, NodeIndex)>);

        impl $rconn {
            /// The kind of the items (`None`: any).
            pub(crate) const NODE: Option<crate::model::EntityKind> = $node::KIND;
        }

        #[Object]
        impl $rconn {
            async fn edges(&self, ctx: &Context<'_>) -> Vec<$redge> {
                let g = graph(ctx);
                self.0
                    .items
                    .iter()
                    .map(|(c, (e, ix))| $redge {
                        cursor: c.clone(),
                        node: $node::from_index(g, *ix),
                        node_ix: *ix,
                        relation: RelationFields(*e),
                    })
                    .collect()
            }

            async fn nodes(&self, ctx: &Context<'_>) -> Vec<$node> {
                let g = graph(ctx);
                self.0
                    .items
                    .iter()
                    .map(|(_, (_, ix))| $node::from_index(g, *ix))
                    .collect()
            }

            async fn page_info(&self) -> &PageInfo {
                &self.0.info
            }

            /// The number of relations in the whole list, across all pages.
            async fn total_count(&self) -> usize {
                self.0.total
            }
        }

        #[doc = concat!("A relation to one of ", $what, ", with the relation's attributes.")]
        pub struct $redge {
            cursor: String,
            node: $node,
            node_ix: NodeIndex,
            relation: RelationFields,
        }

        #[Object]
        impl $redge {
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            /// The entity at the other end of the relation.
            async fn node(&self) -> &$node {
                &self.node
            }

            /// OUTGOING when the entity being traversed is the relation's subject (`from`),
            /// INCOMING when it is the object (`to`): "MHLW funds SSN Fund" is OUTGOING from MHLW.
            async fn direction(&self, ctx: &Context<'_>) -> RelationDirection {
                let (_, to) = graph(ctx).endpoints(self.relation.0);
                if to == self.node_ix {
                    RelationDirection::Outgoing
                } else {
                    RelationDirection::Incoming
                }
            }

            #[graphql(flatten)]
            async fn relation(&self) -> Relation {
                Relation(self.relation.0)
            }
        }
    };
}

relation_connection!(
    Node,
    NodeRelationConnection,
    NodeRelationEdge,
    "entities of any kind"
);
node_connection!(
    Organization,
    OrganizationConnection,
    OrganizationEdge,
    "organisations"
);
relation_connection!(
    Organization,
    OrganizationRelationConnection,
    OrganizationRelationEdge,
    "organisations"
);
node_connection!(
    Programme,
    ProgrammeConnection,
    ProgrammeEdge,
    "programmes and funds"
);
relation_connection!(
    Programme,
    ProgrammeRelationConnection,
    ProgrammeRelationEdge,
    "programmes and funds"
);
node_connection!(Project, ProjectConnection, ProjectEdge, "projects");
relation_connection!(
    Project,
    ProjectRelationConnection,
    ProjectRelationEdge,
    "projects"
);
node_connection!(Country, CountryConnection, CountryEdge, "countries");
relation_connection!(
    Country,
    CountryRelationConnection,
    CountryRelationEdge,
    "countries"
);
node_connection!(Region, RegionConnection, RegionEdge, "regions");
relation_connection!(
    Region,
    RegionRelationConnection,
    RegionRelationEdge,
    "regions"
);
node_connection!(Theme, ThemeConnection, ThemeEdge, "themes");
relation_connection!(Theme, ThemeRelationConnection, ThemeRelationEdge, "themes");
node_connection!(Outcome, OutcomeConnection, OutcomeEdge, "outcomes");
relation_connection!(
    Outcome,
    OutcomeRelationConnection,
    OutcomeRelationEdge,
    "outcomes"
);
node_connection!(Source, SourceConnection, SourceEdge, "sources");
