//! Themes and sectors.

use super::*;

entity_object! {
    /// A theme or sector, with its OECD DAC purpose code where one fits.
    impl Theme {
        pub async fn id(&self, ctx: &Context<'_>) -> ID {
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
        /// The IATI sector vocabulary and code, for themes read from IATI sectors.
        async fn iati(&self, ctx: &Context<'_>) -> Option<IatiCode> {
            self.data(ctx).iati.as_ref().map(Into::into)
        }
        async fn aliases<'a>(&self, ctx: &Context<'a>) -> &'a [String] {
            &self.data(ctx).aliases
        }
        async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
            self.data(ctx).description.as_deref()
        }
        async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
            citations(graph(ctx).node_citations(self.0))
        }
    }
    relations {
        projects: inc HasTheme [Project] -> ProjectRelationConnection;
        programmes: inc HasTheme [Programme] -> ProgrammeRelationConnection;
    }
}
