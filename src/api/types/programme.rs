//! Programmes, funds and facilities and the projects they group.

use super::*;

/// A programme, fund or funding facility that groups projects.
#[Object]
impl Programme {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
