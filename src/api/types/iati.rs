//! What an IATI activity says beyond a plain project: dates by type, narratives in every
//! language, budgets, transactions (with the provider's and receiver's activities, resolved
//! when they are loaded), related activities, and where an outcome sits in a result framework.

use super::*;
use crate::model::iati as mi;

/// An IATI `activity-date`.
#[derive(async_graphql::SimpleObject)]
pub struct ActivityDate {
    #[graphql(name = "type")]
    pub kind: ActivityDateType,
    pub date: PartialDate,
}

/// One narrative of an IATI activity description.
#[derive(async_graphql::SimpleObject)]
pub struct ProjectDescription {
    /// The IATI description type; null when the file states none (IATI then means GENERAL).
    #[graphql(name = "type")]
    pub kind: Option<DescriptionType>,
    pub lang: Option<String>,
    pub text: String,
}

/// Money as an IATI value states it: the amount, and the currency stated on the value or
/// else the activity's default currency.
fn money(
    value: rust_decimal::Decimal,
    stated: Option<model::Currency>,
    default: Option<model::Currency>,
) -> Option<Money> {
    stated.or(default).map(|currency| {
        model::Money {
            amount: value,
            currency,
        }
        .into()
    })
}

/// An IATI `budget`: the activity's planned spending for a period.
pub struct Budget {
    pub budget: mi::Budget,
    pub default_currency: Option<model::Currency>,
}

#[Object]
impl Budget {
    #[graphql(name = "type")]
    async fn kind(&self) -> Option<BudgetType> {
        self.budget.kind.map(Into::into)
    }
    async fn status(&self) -> Option<BudgetStatus> {
        self.budget.status.map(Into::into)
    }
    async fn period(&self) -> Period {
        Period(self.budget.period.clone())
    }
    /// The value, in the currency stated on it or else the activity's default currency
    /// (null when neither is known).
    async fn value(&self) -> Option<Money> {
        money(
            self.budget.value,
            self.budget.currency,
            self.default_currency,
        )
    }
    /// Whether the currency is stated on the value (false: the activity's default).
    async fn currency_stated(&self) -> bool {
        self.budget.currency.is_some()
    }
    /// The date for currency conversion, as stated.
    async fn value_date(&self) -> Option<PartialDate> {
        self.budget.value_date.map(PartialDate)
    }
    async fn citations(&self) -> Vec<Citation> {
        citations(self.budget.cite.iter().cloned())
    }
}

/// An IATI `transaction`: money into the activity from a provider, or out of it to a
/// receiver. `providerActivity`/`receiverActivity` are the activities named by
/// `provider-activity-id`/`receiver-activity-id` when they are loaded, which is how money is
/// traced across publishers.
pub struct Transaction {
    pub transaction: std::sync::Arc<mi::Transaction>,
    pub default_currency: Option<model::Currency>,
}

#[Object]
impl Transaction {
    #[graphql(name = "type")]
    async fn kind(&self) -> TransactionType {
        self.transaction.kind.into()
    }
    /// Whether money comes into the activity (incoming funds, commitments, pledges).
    async fn incoming(&self) -> bool {
        self.transaction.kind.is_incoming()
    }
    async fn date(&self) -> Option<PartialDate> {
        self.transaction.date.map(PartialDate)
    }
    /// The value, in the currency stated on it or else the activity's default currency.
    async fn value(&self) -> Option<Money> {
        money(
            self.transaction.value,
            self.transaction.currency,
            self.default_currency,
        )
    }
    /// Whether the currency is stated on the value (false: the activity's default).
    async fn currency_stated(&self) -> bool {
        self.transaction.currency.is_some()
    }
    /// The date for currency conversion, as stated.
    async fn value_date(&self) -> Option<PartialDate> {
        self.transaction.value_date.map(PartialDate)
    }
    async fn provider(&self, ctx: &Context<'_>) -> Option<Organization> {
        let id = self.transaction.provider.org.as_deref()?;
        graph(ctx).by_id(id).map(Organization)
    }
    /// The provider's own activity (IATI identifier), as stated.
    async fn provider_activity_id(&self) -> Option<&str> {
        self.transaction.provider.activity_id.as_deref()
    }
    /// The provider's activity, when it is loaded.
    async fn provider_activity(&self, ctx: &Context<'_>) -> Option<Project> {
        let id = self.transaction.provider.activity_id.as_deref()?;
        graph(ctx).by_iati_identifier(id).map(Project)
    }
    async fn receiver(&self, ctx: &Context<'_>) -> Option<Organization> {
        let id = self.transaction.receiver.org.as_deref()?;
        graph(ctx).by_id(id).map(Organization)
    }
    /// The receiver's own activity (IATI identifier), as stated.
    async fn receiver_activity_id(&self) -> Option<&str> {
        self.transaction.receiver.activity_id.as_deref()
    }
    /// The receiver's activity, when it is loaded.
    async fn receiver_activity(&self, ctx: &Context<'_>) -> Option<Project> {
        let id = self.transaction.receiver.activity_id.as_deref()?;
        graph(ctx).by_iati_identifier(id).map(Project)
    }
    async fn description(&self) -> Option<&str> {
        self.transaction.description.as_deref()
    }
    async fn citations(&self) -> Vec<Citation> {
        citations(self.transaction.cite.iter().cloned())
    }
}

/// An IATI `related-activity`: another activity by its identifier.
pub struct RelatedActivity(pub mi::RelatedActivity);

#[Object]
impl RelatedActivity {
    /// How the other activity relates to this one (PARENT: it is this one's parent).
    #[graphql(name = "type")]
    async fn kind(&self) -> RelatedActivityType {
        self.0.kind.into()
    }
    async fn iati_identifier(&self) -> &str {
        &self.0.activity_id
    }
    /// The related activity, when it is loaded.
    async fn project(&self, ctx: &Context<'_>) -> Option<Project> {
        graph(ctx)
            .by_iati_identifier(&self.0.activity_id)
            .map(Project)
    }
    async fn citations(&self) -> Vec<Citation> {
        citations(self.0.cite.iter().cloned())
    }
}

/// Where an outcome sits in an IATI result framework: outcomes with the same `result` and
/// `number` are the baseline, targets and actuals of one indicator.
#[derive(async_graphql::SimpleObject)]
pub struct Indicator {
    /// The position of the result in its activity (1-based).
    pub result: u32,
    pub result_type: Option<ResultType>,
    pub result_title: String,
    /// The position of the indicator in its result (1-based).
    pub number: u32,
    pub title: String,
    pub measure: Option<IndicatorMeasure>,
    /// Whether a higher value is better.
    pub ascending: Option<bool>,
}

impl From<&mi::IndicatorPoint> for Indicator {
    fn from(p: &mi::IndicatorPoint) -> Self {
        Indicator {
            result: p.result,
            result_type: p.result_type.map(Into::into),
            result_title: p.result_title.clone(),
            number: p.indicator,
            title: p.indicator_title.clone(),
            measure: p.measure.map(Into::into),
            ascending: p.ascending,
        }
    }
}

/// The default currency of the activity a transaction edge belongs to: the `to` end for
/// incoming transactions, the `from` end for outgoing ones.
pub fn edge_default_currency(
    g: &KnowledgeGraph,
    edge: EdgeIndex,
    t: &mi::Transaction,
) -> Option<model::Currency> {
    let (from, to) = g.endpoints(edge);
    let ix = if t.kind.is_incoming() { to } else { from };
    match g.entity(ix) {
        Entity::Project(p) => p.iati.as_ref()?.default_currency,
        _ => None,
    }
}
