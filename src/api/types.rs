//! The entity types of the schema and their traversals in both directions.
//!
//! Each type wraps a node index; its fields read the graph of the request (`graph(ctx)`).
//! Traversals are relation connections whose edges carry the relation's attributes.

use async_graphql::{Context, ID, Interface, Object, Result};
use petgraph::graph::{EdgeIndex, NodeIndex};

use super::connections::*;
use super::graph;
use super::page::{Page, PageArgs};
use super::values::*;
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

/// A government, ministry, agency, multilateral organisation, fund, NGO, company ...
#[Object]
impl Organization {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).name
    }
    /// The acronym or short form the sources use (MHLW, JICA).
    async fn short_name<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).short_name.as_deref()
    }
    async fn kind(&self, ctx: &Context<'_>) -> OrgKind {
        self.data(ctx).kind.into()
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    /// The IATI organisation identifier (ILO: XM-DAC-41302).
    async fn iati_id<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).iati_id.as_deref()
    }
    /// The country the organisation belongs to.
    async fn country(&self, ctx: &Context<'_>) -> Option<Country> {
        let code = self.data(ctx).country.as_deref()?;
        graph(ctx).by_id(code).map(Country)
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    /// What this organisation funds (projects, programmes, funds, organisations), with the
    /// amount, currency, period and kind of contribution on each edge.
    async fn funds(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(out(
            ctx,
            self.0,
            RT::Funds,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Who funds this organisation (e.g. Japan's contributions to the ILO).
    async fn funded_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(inc(
            ctx,
            self.0,
            RT::Funds,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The projects this organisation funds directly and, unless `indirect: false`, through
    /// the programmes and funds it funds (MHLW -> SSN Fund -> a project in Cambodia).
    async fn funded_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] indirect: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<FundedProjectConnection> {
        let g = graph(ctx);
        let items = g.funded_projects(self.0, indirect);
        let page = super::page::paginate(
            items,
            |(p, _)| g.entity(*p).global_id(),
            &args(first, after, last, before),
        )?;
        Ok(FundedProjectConnection(page))
    }
    /// Projects and programmes this organisation implements.
    async fn implements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(out(
            ctx,
            self.0,
            RT::Implements,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Projects and programmes this organisation is a partner of.
    async fn partner_of(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(out(
            ctx,
            self.0,
            RT::PartnersWith,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The organisation this one is part of (a ministry's government, an office's agency).
    async fn parent(&self, ctx: &Context<'_>) -> Option<Organization> {
        let g = graph(ctx);
        g.neighbors(self.0, RT::PartOf, Outgoing)
            .into_iter()
            .find(|n| g.entity(*n).kind() == EK::Organization)
            .map(Organization)
    }
    /// Organisations that are part of this one.
    async fn children(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::PartOf,
            &[EK::Organization],
            args(first, after, last, before),
        )?))
    }
    async fn member_of(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(out(
            ctx,
            self.0,
            RT::MemberOf,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::MemberOf,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Collaboration is mutual: relations stated in either direction.
    async fn collaborates_with(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        let a = args(first, after, last, before);
        Ok(OrganizationRelationConnection(relation_page(
            graph(ctx),
            self.0,
            Some(RT::CollaboratesWith),
            &[Outgoing, Incoming],
            &[],
            &a,
        )?))
    }
    /// Organisations this one seconds staff or experts to.
    async fn seconds_staff_to(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(out(
            ctx,
            self.0,
            RT::SecondsStaffTo,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Organisations that second staff or experts to this one.
    async fn receives_staff_from(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::SecondsStaffTo,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Programmes and funds this organisation established.
    async fn establishes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(out(
            ctx,
            self.0,
            RT::Establishes,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Countries this organisation works in.
    async fn countries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryRelationConnection> {
        Ok(CountryRelationConnection(out(
            ctx,
            self.0,
            RT::InCountry,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Figures reported about this organisation (ratified conventions, ODA volume).
    async fn outcomes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OutcomeRelationConnection> {
        Ok(OutcomeRelationConnection(out(
            ctx,
            self.0,
            RT::Reports,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Every relation of this organisation, optionally of one type and direction.
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: Option<RelationType>,
        #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        any_relations(
            ctx,
            self.0,
            kind,
            direction,
            args(first, after, last, before),
        )
    }
}

/// A programme, fund or funding facility that groups projects.
#[Object]
impl Programme {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).name
    }
    async fn short_name<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).short_name.as_deref()
    }
    async fn kind(&self, ctx: &Context<'_>) -> ProgrammeKind {
        self.data(ctx).kind.into()
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    /// When the programme or fund was established.
    async fn established(&self, ctx: &Context<'_>) -> Option<PartialDate> {
        self.data(ctx).established.map(PartialDate)
    }
    async fn period(&self, ctx: &Context<'_>) -> Option<Period> {
        self.data(ctx).period.clone().map(Period)
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    /// Who funds this programme, with amounts and kinds of contribution on the edges.
    async fn funders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(inc(
            ctx,
            self.0,
            RT::Funds,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// What this programme or fund funds.
    async fn funds(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(out(
            ctx,
            self.0,
            RT::Funds,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The projects that are part of this programme.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(inc(
            ctx,
            self.0,
            RT::PartOf,
            &[EK::Project],
            args(first, after, last, before),
        )?))
    }
    /// Programmes that are part of this one.
    async fn sub_programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(inc(
            ctx,
            self.0,
            RT::PartOf,
            &[EK::Programme],
            args(first, after, last, before),
        )?))
    }
    /// What this programme is part of (a larger programme, or an organisation).
    async fn part_of(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(out(
            ctx,
            self.0,
            RT::PartOf,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn established_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::Establishes,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn implementers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::Implements,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::PartnersWith,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn countries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryRelationConnection> {
        Ok(CountryRelationConnection(out(
            ctx,
            self.0,
            RT::InCountry,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn regions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<RegionRelationConnection> {
        Ok(RegionRelationConnection(out(
            ctx,
            self.0,
            RT::InRegion,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn themes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ThemeRelationConnection> {
        Ok(ThemeRelationConnection(out(
            ctx,
            self.0,
            RT::HasTheme,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn outcomes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OutcomeRelationConnection> {
        Ok(OutcomeRelationConnection(out(
            ctx,
            self.0,
            RT::Reports,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: Option<RelationType>,
        #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        any_relations(
            ctx,
            self.0,
            kind,
            direction,
            args(first, after, last, before),
        )
    }
}

/// A project, with its period and budget at the precision of the source.
#[Object]
impl Project {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    async fn title<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).title
    }
    /// A short title or acronym (InSIGHT).
    async fn short_title<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).short_title.as_deref()
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    async fn status(&self, ctx: &Context<'_>) -> ProjectStatus {
        self.data(ctx).status.into()
    }
    async fn period(&self, ctx: &Context<'_>) -> Option<Period> {
        self.data(ctx).period.clone().map(Period)
    }
    /// The budget, when the source states one.
    async fn budget(&self, ctx: &Context<'_>) -> Option<Money> {
        self.data(ctx).budget.map(|b| b.money.into())
    }
    async fn budget_qualifier(&self, ctx: &Context<'_>) -> Option<Qualifier> {
        self.data(ctx).budget.map(|b| b.qualifier.into())
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    async fn coordinator(&self, ctx: &Context<'_>) -> Option<Coordinator> {
        self.data(ctx).coordinator.as_ref().map(|c| Coordinator {
            name: c.name.clone(),
            role: c.role.clone(),
        })
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    /// Who funds the project directly (organisations, or the programme or fund it is paid
    /// from), with amounts and kinds of contribution on the edges.
    async fn funders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        Ok(NodeRelationConnection(inc(
            ctx,
            self.0,
            RT::Funds,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn implementers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::Implements,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationRelationConnection> {
        Ok(OrganizationRelationConnection(inc(
            ctx,
            self.0,
            RT::PartnersWith,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The countries of the project; the edge's `role` says how ("partner country",
    /// "activities").
    async fn countries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryRelationConnection> {
        Ok(CountryRelationConnection(out(
            ctx,
            self.0,
            RT::InCountry,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn regions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<RegionRelationConnection> {
        Ok(RegionRelationConnection(out(
            ctx,
            self.0,
            RT::InRegion,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn themes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ThemeRelationConnection> {
        Ok(ThemeRelationConnection(out(
            ctx,
            self.0,
            RT::HasTheme,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The programmes and funds this project is part of.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(out(
            ctx,
            self.0,
            RT::PartOf,
            &[EK::Programme],
            args(first, after, last, before),
        )?))
    }
    /// The numbers the project reports: results, targets.
    async fn outcomes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OutcomeRelationConnection> {
        Ok(OutcomeRelationConnection(out(
            ctx,
            self.0,
            RT::Reports,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The earlier phases this project follows.
    async fn preceded_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(out(
            ctx,
            self.0,
            RT::Follows,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// The later phases that follow this project.
    async fn followed_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(inc(
            ctx,
            self.0,
            RT::Follows,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: Option<RelationType>,
        #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        any_relations(
            ctx,
            self.0,
            kind,
            direction,
            args(first, after, last, before),
        )
    }
}

/// A country, identified by its ISO 3166-1 alpha-2 code (`country:KH`).
#[Object]
impl Country {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    /// ISO 3166-1 alpha-2.
    async fn code<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).code
    }
    /// ISO 3166-1 alpha-3.
    async fn alpha3<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).alpha3
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).name
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    /// Projects in this country; the edge's `role` says how.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(inc(
            ctx,
            self.0,
            RT::InCountry,
            &[EK::Project],
            args(first, after, last, before),
        )?))
    }
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(inc(
            ctx,
            self.0,
            RT::InCountry,
            &[EK::Programme],
            args(first, after, last, before),
        )?))
    }
    /// Organisations that belong to this country.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganizationConnection> {
        let g = graph(ctx);
        let code = &self.data(ctx).code;
        let orgs = g
            .nodes_of(EK::Organization)
            .iter()
            .copied()
            .filter(|ix| matches!(g.entity(*ix), Entity::Organization(o) if o.country.as_ref() == Some(code)))
            .collect();
        Ok(OrganizationConnection(node_page(
            g,
            orgs,
            &args(first, after, last, before),
        )?))
    }
    /// Regions that include this country.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<RegionRelationConnection> {
        Ok(RegionRelationConnection(inc(
            ctx,
            self.0,
            RT::Includes,
            &[],
            args(first, after, last, before),
        )?))
    }
    /// Figures reported for this country, or about it.
    async fn outcomes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OutcomeConnection> {
        let g = graph(ctx);
        let code = &self.data(ctx).code;
        let list = g
            .nodes_of(EK::Outcome)
            .iter()
            .copied()
            .filter(|ix| matches!(g.entity(*ix), Entity::Outcome(o) if o.country.as_ref() == Some(code) || o.subject == *code))
            .collect();
        Ok(OutcomeConnection(node_page(
            g,
            list,
            &args(first, after, last, before),
        )?))
    }
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: Option<RelationType>,
        #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        any_relations(
            ctx,
            self.0,
            kind,
            direction,
            args(first, after, last, before),
        )
    }
}

/// A region named by the sources (South Asia, the CLMV countries).
#[Object]
impl Region {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).name
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    /// The countries the sources place in this region.
    async fn countries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryRelationConnection> {
        Ok(CountryRelationConnection(out(
            ctx,
            self.0,
            RT::Includes,
            &[],
            args(first, after, last, before),
        )?))
    }
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(inc(
            ctx,
            self.0,
            RT::InRegion,
            &[EK::Project],
            args(first, after, last, before),
        )?))
    }
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(inc(
            ctx,
            self.0,
            RT::InRegion,
            &[EK::Programme],
            args(first, after, last, before),
        )?))
    }
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: Option<RelationType>,
        #[graphql(default_with = "RelationDirection::Both")] direction: RelationDirection,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<NodeRelationConnection> {
        any_relations(
            ctx,
            self.0,
            kind,
            direction,
            args(first, after, last, before),
        )
    }
}

/// A theme or sector, with its OECD DAC purpose code where one fits.
#[Object]
impl Theme {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).name
    }
    /// The OECD DAC 5-digit CRS purpose code (IATI sector vocabulary 1).
    async fn dac_code<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).dac_code.as_deref()
    }
    /// The name of the DAC purpose code in the IATI codelist.
    async fn dac_name(&self, ctx: &Context<'_>) -> Option<&'static str> {
        self.data(ctx)
            .dac_code
            .as_deref()
            .and_then(model::dac::dac_name)
    }
    async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
        &self.data(ctx).aliases
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProjectRelationConnection> {
        Ok(ProjectRelationConnection(inc(
            ctx,
            self.0,
            RT::HasTheme,
            &[EK::Project],
            args(first, after, last, before),
        )?))
    }
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ProgrammeRelationConnection> {
        Ok(ProgrammeRelationConnection(inc(
            ctx,
            self.0,
            RT::HasTheme,
            &[EK::Programme],
            args(first, after, last, before),
        )?))
    }
}

/// A number a source reports: a result, a target, or a statistic.
#[Object]
impl Outcome {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    /// What is counted, as a slug (`people_trained`).
    async fn metric<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).metric
    }
    /// What is counted, in the source's words.
    async fn label<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).label
    }
    /// The number as stated; read it with `qualifier` ("over 7,000" is 7000 and OVER).
    async fn value(&self, ctx: &Context<'_>) -> rust_decimal::Decimal {
        self.data(ctx).value
    }
    /// The unit counted (`person`, `household`, `km`), or the currency code for money.
    async fn unit<'a>(&self, ctx: &Context<'a>) -> &'a str {
        match &self.data(ctx).unit {
            model::Unit::Count(u) => u,
            model::Unit::Currency(c) => c.0,
        }
    }
    /// The value as money, when the figure is an amount (yuan stay CNY).
    async fn money(&self, ctx: &Context<'_>) -> Option<Money> {
        let o = self.data(ctx);
        match o.unit {
            model::Unit::Currency(currency) => Some(
                model::Money {
                    amount: o.value,
                    currency,
                }
                .into(),
            ),
            model::Unit::Count(_) => None,
        }
    }
    async fn qualifier(&self, ctx: &Context<'_>) -> Qualifier {
        self.data(ctx).qualifier.into()
    }
    /// Whether the true figure may be larger than `value` (OVER, MORE_THAN, AT_LEAST).
    async fn is_lower_bound(&self, ctx: &Context<'_>) -> bool {
        self.data(ctx).qualifier.is_lower_bound()
    }
    async fn status(&self, ctx: &Context<'_>) -> OutcomeStatus {
        self.data(ctx).status.into()
    }
    async fn period(&self, ctx: &Context<'_>) -> Option<Period> {
        self.data(ctx).period.clone().map(Period)
    }
    /// The country the figure is for, when it is for one country.
    async fn country(&self, ctx: &Context<'_>) -> Option<Country> {
        let code = self.data(ctx).country.as_deref()?;
        graph(ctx).by_id(code).map(Country)
    }
    /// What the figure is about: a project, programme, organisation, country or region.
    async fn subject(&self, ctx: &Context<'_>) -> Option<Node> {
        let g = graph(ctx);
        g.by_id(&self.data(ctx).subject)
            .map(|ix| Node::from_index(g, ix))
    }
    async fn note<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).note.as_deref()
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(&self.data(ctx).cite)
    }
}

/// A source document that the data cites.
#[Object]
impl Source {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    /// The document's file name in the data set's `sources/` folder.
    async fn file<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).file
    }
    async fn title<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).title
    }
    async fn publisher<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).publisher.as_deref()
    }
    async fn year(&self, ctx: &Context<'_>) -> Option<PartialDate> {
        self.data(ctx).year.map(PartialDate)
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    /// The full text of the document.
    async fn text<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).text.as_deref()
    }
}

/// Projects a donor funds, each with the programmes and funds the money went through.
pub struct FundedProjectConnection(pub Page<(NodeIndex, Vec<NodeIndex>)>);

#[Object]
impl FundedProjectConnection {
    async fn edges(&self) -> Vec<FundedProjectEdge> {
        self.0
            .items
            .iter()
            .map(|(c, (p, via))| FundedProjectEdge {
                cursor: c.clone(),
                node: Project(*p),
                via: via.iter().copied().map(Programme).collect(),
            })
            .collect()
    }
    async fn nodes(&self) -> Vec<Project> {
        self.0.items.iter().map(|(_, (p, _))| Project(*p)).collect()
    }
    async fn page_info(&self) -> &super::page::PageInfo {
        &self.0.info
    }
    async fn total_count(&self) -> usize {
        self.0.total
    }
}

pub struct FundedProjectEdge {
    cursor: String,
    node: Project,
    via: Vec<Programme>,
}

#[Object]
impl FundedProjectEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    async fn node(&self) -> Project {
        self.node
    }
    /// The programmes and funds between the donor and the project, outermost first; empty
    /// when the donor funds the project directly.
    async fn via(&self) -> &[Programme] {
        &self.via
    }
}
