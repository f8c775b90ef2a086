//! Countries and regions.

use super::*;

entity_object! {
    /// A country, identified by its ISO 3166-1 alpha-2 code (`country:KH`).
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
            citations(graph(ctx).node_citations(self.0))
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
    }
    relations {
        /// Projects in this country; the edge's `role` says how.
        projects: inc InCountry [Project] -> ProjectRelationConnection;
        programmes: inc InCountry [Programme] -> ProgrammeRelationConnection;
        /// Regions that include this country.
        regions: inc Includes [] -> RegionRelationConnection;
    }
    any_relations {}
}

entity_object! {
    /// A region named by the sources (South Asia, the CLMV countries).
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
        /// The IATI region vocabulary and code, for regions read from IATI files.
        async fn iati<'a>(&self, ctx: &Context<'a>) -> Option<IatiCode> {
            self.data(ctx).iati.as_ref().map(Into::into)
        }
        async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
            citations(graph(ctx).node_citations(self.0))
        }
    }
    relations {
        /// The countries the sources place in this region.
        countries: out Includes [] -> CountryRelationConnection;
        projects: inc InRegion [Project] -> ProjectRelationConnection;
        programmes: inc InRegion [Programme] -> ProgrammeRelationConnection;
    }
    any_relations {}
}
