//! Organisations and their relations: funding, implementing, membership, staff.

use super::*;

entity_object! {
    /// A government, ministry, agency, multilateral organisation, fund, NGO, company ...
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
        /// The IATI OrganisationType code (`10` government, `40` multilateral).
        async fn iati_type<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
            self.data(ctx).iati_type.as_deref()
        }
        /// The name of the IATI OrganisationType.
        async fn iati_type_name(&self, ctx: &Context<'_>) -> Option<&'static str> {
            model::iati::organisation_type_name(self.data(ctx).iati_type.as_deref()?)
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
            citations(graph(ctx).node_citations(self.0))
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
            let page = funded_page(graph(ctx), self.0, indirect, &args(first, after, last, before))?;
            Ok(FundedProjectConnection(page))
        }
        /// The organisation this one is part of (a ministry's government, an office's agency).
        async fn parent(&self, ctx: &Context<'_>) -> Option<Organization> {
            let g = graph(ctx);
            g.neighbors(self.0, RT::PartOf, Outgoing)
                .into_iter()
                .find(|n| g.entity(*n).kind() == EK::Organization)
                .map(Organization)
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
    }
    relations {
        /// What this organisation funds (projects, programmes, funds, organisations), with the
        /// amount, currency, period and kind of contribution on each edge.
        funds: out Funds [] -> NodeRelationConnection;
        /// Who funds this organisation (e.g. Japan's contributions to the ILO).
        funded_by: inc Funds [] -> NodeRelationConnection;
        /// Projects and programmes this organisation implements.
        implements: out Implements [] -> NodeRelationConnection;
        /// Projects and programmes this organisation is a partner of.
        partner_of: out PartnersWith [] -> NodeRelationConnection;
        /// Organisations that are part of this one.
        children: inc PartOf [Organization] -> OrganizationRelationConnection;
        member_of: out MemberOf [] -> OrganizationRelationConnection;
        members: inc MemberOf [] -> OrganizationRelationConnection;
        /// Organisations this one seconds staff or experts to.
        seconds_staff_to: out SecondsStaffTo [] -> OrganizationRelationConnection;
        /// Organisations that second staff or experts to this one.
        receives_staff_from: inc SecondsStaffTo [] -> OrganizationRelationConnection;
        /// Programmes and funds this organisation established.
        establishes: out Establishes [] -> ProgrammeRelationConnection;
        /// Countries this organisation works in.
        countries: out InCountry [] -> CountryRelationConnection;
        /// Figures reported about this organisation (ratified conventions, ODA volume).
        outcomes: out Reports [] -> OutcomeRelationConnection;
        /// The IATI activities this organisation reports (reporting-org).
        publishes: out Publishes [] -> ProjectRelationConnection;
        /// Activities this organisation is accountable for (IATI role accountable).
        accountable_for: out AccountableFor [] -> NodeRelationConnection;
        /// Activities this organisation manages for the funder (IATI role extending).
        manages: out Manages [] -> NodeRelationConnection;
    }
    any_relations {
        /// Every relation of this organisation, optionally of one type and direction.
    }
}

/// One page of the projects `donor` funds (`indirect`: through programmes and funds too),
/// each with the programmes the money went through.
pub(crate) fn funded_page(
    g: &KnowledgeGraph,
    donor: NodeIndex,
    indirect: bool,
    a: &PageArgs,
) -> Result<Page<(NodeIndex, Vec<NodeIndex>)>> {
    let funded = g.funded(donor, indirect);
    crate::api::page::paginate_seek(
        funded.list.len(),
        |gid| {
            let p = g.by_global_id(gid)?;
            funded.position.get(&p).map(|i| *i as usize)
        },
        |from, to| funded.list[from..to].to_vec(),
        |(p, _)| g.entity(*p).global_id(),
        a,
    )
}
