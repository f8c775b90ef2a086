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
            citations(graph(ctx).node_citations(self.0))
        }
        /// The IATI activity identifier, for projects read from IATI files.
        async fn iati_identifier<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
            Some(self.data(ctx).iati.as_ref()?.identifier.as_str())
        }
        /// The IATI `@hierarchy` (1 is the top of the publisher's hierarchy).
        async fn hierarchy(&self, ctx: &Context<'_>) -> Option<u32> {
            self.data(ctx).iati.as_ref()?.hierarchy
        }
        /// The IATI `@default-currency`: the currency of values that state none.
        async fn default_currency<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
            Some(self.data(ctx).iati.as_ref()?.default_currency?.0)
        }
        /// The IATI `xml:lang` of the activity: the language of `title` and `description`.
        async fn language<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
            self.data(ctx).iati.as_ref()?.lang.as_deref()
        }
        /// The IATI activity status (`status` is its plain reading).
        async fn activity_status(&self, ctx: &Context<'_>) -> Option<ActivityStatus> {
            self.data(ctx).iati.as_ref()?.status.map(Into::into)
        }
        /// The IATI activity dates, planned and actual (`period` runs from the actual start,
        /// else the planned, to the actual end, else the planned).
        async fn activity_dates(&self, ctx: &Context<'_>) -> Vec<iati::ActivityDate> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.dates
                .iter()
                .map(|d| iati::ActivityDate {
                    kind: d.kind.into(),
                    date: PartialDate(d.date),
                })
                .collect()
        }
        /// The title in every language the IATI file gives.
        async fn titles(&self, ctx: &Context<'_>) -> Vec<Narrative> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.titles.iter().map(Into::into).collect()
        }
        /// Every IATI description, by type and language.
        async fn descriptions(&self, ctx: &Context<'_>) -> Vec<iati::ProjectDescription> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.descriptions
                .iter()
                .map(|d| iati::ProjectDescription {
                    kind: d.kind.map(Into::into),
                    lang: d.lang.clone(),
                    text: d.text.clone(),
                })
                .collect()
        }
        /// The IATI budgets of the activity.
        async fn budgets(&self, ctx: &Context<'_>) -> Vec<iati::Budget> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.budgets
                .iter()
                .map(|b| iati::Budget {
                    budget: b.clone(),
                    default_currency: a.default_currency,
                })
                .collect()
        }
        /// The IATI transactions of the activity, in file order. Those with a provider (money
        /// in) or receiver (money out) in the data are also FUNDS relations.
        async fn transactions(&self, ctx: &Context<'_>) -> Vec<iati::Transaction> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.transactions
                .iter()
                .map(|t| iati::Transaction {
                    transaction: t.clone(),
                    default_currency: a.default_currency,
                })
                .collect()
        }
        /// The IATI related activities, loaded or not.
        async fn related_activities(&self, ctx: &Context<'_>) -> Vec<iati::RelatedActivity> {
            let Some(a) = &self.data(ctx).iati else { return Vec::new() };
            a.related.iter().cloned().map(iati::RelatedActivity).collect()
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
        /// The IATI reporting organisation.
        published_by: inc Publishes [] -> OrganizationRelationConnection;
        /// IATI participating organisations with role accountable.
        accountable_organizations: inc AccountableFor [] -> OrganizationRelationConnection;
        /// IATI participating organisations with role extending (they manage the activity for
        /// the funder).
        extending_organizations: inc Manages [] -> OrganizationRelationConnection;
        /// Loaded activities this one names as related; the edge's `relatedActivityType`
        /// says how (PARENT: the other is this one's parent).
        related_projects: out RelatedActivity [] -> ProjectRelationConnection;
        /// What this project pays through its outgoing IATI transactions (edges carry the
        /// transaction).
        funds: out Funds [] -> NodeRelationConnection;
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
