//! Countries and regions.

use super::*;

/// A country, identified by its ISO 3166-1 alpha-2 code (`country:KH`).
#[Object]
impl Country {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
