//! Organisations and their relations: funding, implementing, membership, staff.

use super::*;

/// A government, ministry, agency, multilateral organisation, fund, NGO, company ...
#[Object]
impl Organization {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
        let page = crate::api::page::paginate(
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
