//! The entity types of the schema and their traversals in both directions.
//!
//! Each type wraps a node index; its fields read the graph of the request (`graph(ctx)`).
//! Traversals are relation connections whose edges carry the relation's attributes.

mod iati;
mod organization;
mod outcome;
mod places;
mod programme;
mod project;
mod source;
mod theme;

pub use iati::{Transaction, edge_default_currency};
pub(crate) use organization::funded_page;
pub use project::FundedProjectConnection;

use async_graphql::{Context, ID, Interface, Object, Result};
use petgraph::graph::{EdgeIndex, NodeIndex};

use super::connections::*;
use super::graph;
use super::values::*;
use crate::api::page::{Page, PageArgs};
use crate::graph::{Entity, Incoming, KnowledgeGraph, Outgoing};
use crate::model::{self, EntityKind as EK, RelationType as RT};

/// An object with a global id, stable across restarts: `org:mhlw`, `project:sudan-mayo`,
/// `country:KH`. Fetch any of them with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The global id, `<kind>:<id>`."))]
pub enum Node {
    Organization(Organization),
    Programme(Programme),
    Project(Project),
    Country(Country),
    Region(Region),
    Theme(Theme),
    Outcome(Outcome),
    Source(Source),
}

impl Node {
    /// Any kind: `Node` is the interface.
    pub(crate) const KIND: Option<EK> = None;
}

/// One line of an `entity_object!` relations table, kept for the planned executor
/// (`api::plan`): the field, the relation it follows and what the connection lists.
#[derive(Debug)]
pub(crate) struct Traversal {
    /// The field's name in Rust (snake case); GraphQL's is its camel case.
    pub name: &'static str,
    pub dir: petgraph::Direction,
    pub relation: RT,
    /// Only these kinds at the other end (all when empty).
    pub other: &'static [EK],
    /// The node type of the connection's items (`None`: the `Node` interface).
    pub node: Option<EK>,
}

macro_rules! direction {
    (out) => {
        Outgoing
    };
    (inc) => {
        Incoming
    };
}

impl FromIndex for Node {
    fn from_index(g: &KnowledgeGraph, ix: NodeIndex) -> Self {
        match g.entity(ix) {
            Entity::Organization(_) => Node::Organization(Organization(ix)),
            Entity::Programme(_) => Node::Programme(Programme(ix)),
            Entity::Project(_) => Node::Project(Project(ix)),
            Entity::Country(_) => Node::Country(Country(ix)),
            Entity::Region(_) => Node::Region(Region(ix)),
            Entity::Theme(_) => Node::Theme(Theme(ix)),
            Entity::Outcome(_) => Node::Outcome(Outcome(ix)),
            Entity::Source(_) => Node::Source(Source(ix)),
        }
    }
}

macro_rules! entity_type {
    ($name:ident, $variant:ident, $model:ty) => {
        #[derive(Clone, Copy, Debug)]
        pub struct $name(pub NodeIndex);

        impl FromIndex for $name {
            fn from_index(_: &KnowledgeGraph, ix: NodeIndex) -> Self {
                $name(ix)
            }
        }

        impl $name {
            /// The kind of entity this type wraps.
            #[allow(dead_code, reason = "Source has no relation connection")]
            pub(crate) const KIND: Option<EK> = Some(EK::$variant);

            fn data<'a>(&self, ctx: &Context<'a>) -> &'a $model {
                match graph(ctx).entity(self.0) {
                    Entity::$variant(x) => x,
                    other => unreachable!("{} is not a {}", other.id(), stringify!($variant)),
                }
            }

            fn gid(&self, ctx: &Context<'_>) -> ID {
                ID(graph(ctx).entity(self.0).global_id())
            }
        }
    };
}

entity_type!(Organization, Organization, model::Organization);
entity_type!(Programme, Programme, model::Programme);
entity_type!(Project, Project, model::Project);
entity_type!(Country, Country, model::Country);
entity_type!(Region, Region, model::Region);
entity_type!(Theme, Theme, model::Theme);
entity_type!(Outcome, Outcome, model::Outcome);
entity_type!(Source, Source, model::Source);

/// An entity's `#[Object]` impl: its own fields as written, then one relation connection
/// per line of `relations` (`name: out|inc RELATION_TYPE [other kinds] -> Connection;`,
/// `out` when the entity is the relation's subject), then, given `any_relations {}`, the
/// generic `relations` field.
/// One table per entity instead of one hand-written resolver per traversal.
macro_rules! entity_object {
    (
        $(#[$meta:meta])*
        impl $ty:ident { $($fields:tt)* }
        relations {
            $(
                $(#[doc = $doc:literal])*
                $name:ident: $dir:ident $rel:ident [$($kind:ident),*] -> $conn:ident;
            )*
        }
        $($any:ident { $(#[doc = $any_doc:literal])* })?
    ) => {
        impl $ty {
            /// The traversals of the relations table, for `api::plan`.
            pub(crate) const TRAVERSALS: &'static [Traversal] = &[$(
                Traversal {
                    name: stringify!($name),
                    dir: direction!($dir),
                    relation: RT::$rel,
                    other: &[$(EK::$kind),*],
                    node: $conn::NODE,
                },
            )*];
        }

        $(#[$meta])*
        #[Object]
        impl $ty {
            $($fields)*

            $(
                $(#[doc = $doc])*
                async fn $name(
                    &self,
                    ctx: &Context<'_>,
                    first: Option<i32>,
                    after: Option<String>,
                    last: Option<i32>,
                    before: Option<String>,
                ) -> Result<$conn> {
                    let page = $dir(
                        ctx,
                        self.0,
                        RT::$rel,
                        &[$(EK::$kind),*],
                        args(first, after, last, before),
                    )?;
                    Ok($conn(page))
                }
            )*

            $(
            $(#[doc = $any_doc])*
            #[graphql(name = "relations")]
            async fn $any(
                &self,
                ctx: &Context<'_>,
                #[graphql(name = "type")] kind: Option<RelationType>,
                #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> Result<NodeRelationConnection> {
                any_relations(ctx, self.0, kind, direction, args(first, after, last, before))
            }
            )?
        }
    };
}

use direction;
use entity_object;

type Rels = Result<Page<(EdgeIndex, NodeIndex)>>;

fn args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs::new(first, after, last, before)
}

/// Relations from this node (`node` is the `from` end), optionally only to `other` kinds.
fn out(ctx: &Context<'_>, ix: NodeIndex, kind: RT, other: &[EK], a: PageArgs) -> Rels {
    relation_page(graph(ctx), ix, Some(kind), &[Outgoing], other, &a)
}

/// Relations to this node (`node` is the `to` end), optionally only from `other` kinds.
fn inc(ctx: &Context<'_>, ix: NodeIndex, kind: RT, other: &[EK], a: PageArgs) -> Rels {
    relation_page(graph(ctx), ix, Some(kind), &[Incoming], other, &a)
}

/// Which way a generic `relations` query follows edges.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub enum RelationDirection {
    /// Relations where this entity is the subject (`MHLW funds SSN Fund` from MHLW).
    Outgoing,
    /// Relations where this entity is the object.
    Incoming,
    Both,
}

/// The generic traversal every type offers, for tools that explore the graph.
fn any_relations(
    ctx: &Context<'_>,
    ix: NodeIndex,
    kind: Option<RelationType>,
    direction: RelationDirection,
    a: PageArgs,
) -> Result<NodeRelationConnection> {
    let dirs: &[_] = match direction {
        RelationDirection::Outgoing => &[Outgoing],
        RelationDirection::Incoming => &[Incoming],
        RelationDirection::Both => &[Outgoing, Incoming],
    };
    let page = relation_page(graph(ctx), ix, kind.map(Into::into), dirs, &[], &a)?;
    Ok(NodeRelationConnection(page))
}
