//! Projects, their funders, places, outcomes and phases; and the funded-project edges.

use super::*;

entity_object! {
    /// A project, with its period and budget at the precision of the source.
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
    }
    relations {
        /// Who funds the project directly (organisations, or the programme or fund it is paid
        /// from), with amounts and kinds of contribution on the edges.
        funders: inc Funds [] -> NodeRelationConnection;
        implementers: inc Implements [] -> OrganizationRelationConnection;
        partners: inc PartnersWith [] -> OrganizationRelationConnection;
        /// The countries of the project; the edge's `role` says how ("partner country",
        /// "activities").
        countries: out InCountry [] -> CountryRelationConnection;
        regions: out InRegion [] -> RegionRelationConnection;
        themes: out HasTheme [] -> ThemeRelationConnection;
        /// The programmes and funds this project is part of.
        programmes: out PartOf [Programme] -> ProgrammeRelationConnection;
        /// The numbers the project reports: results, targets.
        outcomes: out Reports [] -> OutcomeRelationConnection;
        /// The earlier phases this project follows.
        preceded_by: out Follows [] -> ProjectRelationConnection;
        /// The later phases that follow this project.
        followed_by: inc Follows [] -> ProjectRelationConnection;
    }
    any_relations {}
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
