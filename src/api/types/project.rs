//! Projects, their funders, places, outcomes and phases; and the funded-project edges.

use super::*;

/// A project, with its period and budget at the precision of the source.
#[Object]
impl Project {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
    async fn page_info(&self) -> &crate::api::page::PageInfo {
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
