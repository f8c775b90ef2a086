//! Reported numbers: results, targets and statistics.

use super::*;

/// A number a source reports: a result, a target, or a statistic.
#[Object]
impl Outcome {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    /// What is counted, as a slug (`people_trained`).
    async fn metric<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).metric
    }
    /// What is counted, in the source's words.
    async fn label<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).label
    }
    /// The number as stated; read it with `qualifier` ("over 7,000" is 7000 and OVER).
    async fn value(&self, ctx: &Context<'_>) -> rust_decimal::Decimal {
        self.data(ctx).value
    }
    /// The unit counted (`person`, `household`, `km`), or the currency code for money.
    async fn unit<'a>(&self, ctx: &Context<'a>) -> &'a str {
        match &self.data(ctx).unit {
            model::Unit::Count(u) => u,
            model::Unit::Currency(c) => c.0,
        }
    }
    /// The value as money, when the figure is an amount (yuan stay CNY).
    async fn money(&self, ctx: &Context<'_>) -> Option<Money> {
        let o = self.data(ctx);
        match o.unit {
            model::Unit::Currency(currency) => Some(
                model::Money {
                    amount: o.value,
                    currency,
                }
                .into(),
            ),
            model::Unit::Count(_) => None,
        }
    }
    async fn qualifier(&self, ctx: &Context<'_>) -> Qualifier {
        self.data(ctx).qualifier.into()
    }
    /// Whether the true figure may be larger than `value` (OVER, MORE_THAN, AT_LEAST).
    async fn is_lower_bound(&self, ctx: &Context<'_>) -> bool {
        self.data(ctx).qualifier.is_lower_bound()
    }
    async fn status(&self, ctx: &Context<'_>) -> OutcomeStatus {
        self.data(ctx).status.into()
    }
    async fn period(&self, ctx: &Context<'_>) -> Option<Period> {
        self.data(ctx).period.clone().map(Period)
    }
    /// The country the figure is for, when it is for one country.
    async fn country(&self, ctx: &Context<'_>) -> Option<Country> {
        let code = self.data(ctx).country.as_deref()?;
        graph(ctx).by_id(code).map(Country)
    }
    /// What the figure is about: a project, programme, organisation, country or region.
    async fn subject(&self, ctx: &Context<'_>) -> Option<Node> {
        let g = graph(ctx);
        g.by_id(&self.data(ctx).subject)
            .map(|ix| Node::from_index(g, ix))
    }
    async fn note<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).note.as_deref()
    }
    /// The IATI result and indicator this figure is a baseline, target or actual of.
    async fn indicator(&self, ctx: &Context<'_>) -> Option<iati::Indicator> {
        self.data(ctx).iati.as_deref().map(Into::into)
    }
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        citations(graph(ctx).node_citations(self.0))
    }
}
