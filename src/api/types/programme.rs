//! Programmes, funds and facilities and the projects they group.

use super::*;

entity_object! {
    /// A programme, fund or funding facility that groups projects.
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
            citations(graph(ctx).node_citations(self.0))
        }
    }
    relations {
        /// Who funds this programme, with amounts and kinds of contribution on the edges.
        funders: inc Funds [] -> NodeRelationConnection;
        /// What this programme or fund funds.
        funds: out Funds [] -> NodeRelationConnection;
        /// The projects that are part of this programme.
        projects: inc PartOf [Project] -> ProjectRelationConnection;
        /// Programmes that are part of this one.
        sub_programmes: inc PartOf [Programme] -> ProgrammeRelationConnection;
        /// What this programme is part of (a larger programme, or an organisation).
        part_of: out PartOf [] -> NodeRelationConnection;
        established_by: inc Establishes [] -> OrganizationRelationConnection;
        implementers: inc Implements [] -> OrganizationRelationConnection;
        partners: inc PartnersWith [] -> OrganizationRelationConnection;
        countries: out InCountry [] -> CountryRelationConnection;
        regions: out InRegion [] -> RegionRelationConnection;
        themes: out HasTheme [] -> ThemeRelationConnection;
        outcomes: out Reports [] -> OutcomeRelationConnection;
    }
    any_relations {}
}
