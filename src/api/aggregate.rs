//! Totals that never add different currencies or units, and always say whether they
//! include lower bounds ("more than US$ 43.5 million") or approximations.

use std::collections::BTreeMap;

use async_graphql::{Enum, Object, SimpleObject};
use petgraph::graph::NodeIndex;
use rust_decimal::Decimal;

use super::connections::FromIndex;
use super::types::{Country, Node};
use crate::graph::{Entity, KnowledgeGraph, Outgoing};
use crate::model::{self, EntityKind as EK, Qualifier, RelationType as RT};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum FundingGroupBy {
    /// By the funder of each funding relation.
    Donor,
    /// By the recipient's country. A recipient in several countries (or none) has no split
    /// in the sources, so its amounts form one group without a country instead of being
    /// counted in each.
    Country,
    /// By the recipient's theme; multi-theme recipients are grouped like multi-country ones.
    Theme,
    /// By the funding period's years ("2022", "2016-2021"), as stated.
    Year,
}

/// A sum in one currency.
#[derive(SimpleObject, Clone)]
pub struct CurrencyTotal {
    pub currency: String,
    pub amount: Decimal,
    /// The number of amounts summed.
    pub count: usize,
    /// Whether any summed amount is a lower bound ("more than"): the true total may be higher.
    pub includes_lower_bounds: bool,
    /// Whether any summed amount is approximate ("about", "nearly").
    pub includes_approximations: bool,
}

#[derive(Default)]
struct Acc {
    amount: Decimal,
    count: usize,
    lower: bool,
    approx: bool,
}

impl Acc {
    fn add(&mut self, value: Decimal, q: Qualifier) {
        self.amount += value;
        self.count += 1;
        self.lower |= q.is_lower_bound();
        self.approx |= q.is_approximate();
    }
}

/// The funding of one group, summed per currency.
pub struct FundingTotal {
    key: String,
    node: Option<NodeIndex>,
    totals: Vec<CurrencyTotal>,
    without_amount: usize,
}

#[Object]
impl FundingTotal {
    /// The group: a donor's or country's or theme's name, or the years.
    async fn key(&self) -> &str {
        &self.key
    }
    /// The entity of the group, when it is one.
    async fn node(&self, ctx: &async_graphql::Context<'_>) -> Option<Node> {
        let g = super::graph(ctx);
        self.node.map(|ix| Node::from_index(g, ix))
    }
    /// One total per currency; amounts in different currencies are never added.
    async fn totals(&self) -> &[CurrencyTotal] {
        &self.totals
    }
    /// Funding relations in this group whose amount the sources do not state.
    async fn relations_without_amount(&self) -> usize {
        self.without_amount
    }
}

/// Amounts summed per currency, for the totals of other modules.
#[derive(Default)]
pub struct Totals(BTreeMap<String, Acc>);

impl Totals {
    pub fn add(&mut self, a: model::Amount) {
        self.0
            .entry(a.money.currency.0.to_string())
            .or_default()
            .add(a.money.amount, a.qualifier);
    }

    pub fn finish(self) -> Vec<CurrencyTotal> {
        finish(self.0)
    }
}

fn finish(map: BTreeMap<String, Acc>) -> Vec<CurrencyTotal> {
    map.into_iter()
        .map(|(currency, a)| CurrencyTotal {
            currency,
            amount: a.amount,
            count: a.count,
            includes_lower_bounds: a.lower,
            includes_approximations: a.approx,
        })
        .collect()
}

pub(super) fn years(p: &model::Period) -> Option<String> {
    let start = p.start.map(|d| d.earliest().year);
    let end = p.end.map(|d| d.latest().year);
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some(s.to_string()),
        (Some(s), Some(e)) => Some(format!("{s}-{e}")),
        (Some(s), None) => Some(format!("{s}-")),
        (None, Some(e)) => Some(format!("-{e}")),
        (None, None) => None,
    }
}

/// The group of `node` by its `kind` relations (country, theme): the one entity it points
/// to, or a group of its own when there are none or several (the sources give no split).
pub(super) fn group_of(
    g: &KnowledgeGraph,
    node: NodeIndex,
    kind: RT,
) -> (String, Option<NodeIndex>) {
    let n = g.neighbors(node, kind, Outgoing);
    match n.as_slice() {
        [one] => (g.entity(*one).label().to_string(), Some(*one)),
        [] => ("(not stated)".to_string(), None),
        _ => ("(several, no split stated)".to_string(), None),
    }
}

/// Funding totals over every `funds` relation (optionally only from `donor`).
pub fn funding_totals(
    g: &KnowledgeGraph,
    group_by: FundingGroupBy,
    donor: Option<NodeIndex>,
) -> Vec<FundingTotal> {
    // key -> (node, currency -> acc, relations without amount)
    type Group = (Option<NodeIndex>, BTreeMap<String, Acc>, usize);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let funders = match donor {
        Some(d) => vec![d],
        None => g
            .nodes_of(EK::Organization)
            .iter()
            .chain(g.nodes_of(EK::Programme))
            .copied()
            .collect(),
    };
    for funder in funders {
        for (edge, recipient) in g.relations(funder, Some(RT::Funds), Outgoing) {
            let rel = g.edge(edge);
            let single = |kind: RT| group_of(g, recipient, kind);
            let (key, node) = match group_by {
                FundingGroupBy::Donor => (g.entity(funder).label().to_string(), Some(funder)),
                FundingGroupBy::Country => single(RT::InCountry),
                FundingGroupBy::Theme => single(RT::HasTheme),
                FundingGroupBy::Year => (
                    rel.period()
                        .and_then(years)
                        .unwrap_or_else(|| "(not stated)".into()),
                    None,
                ),
            };
            let group = groups
                .entry(key)
                .or_insert_with(|| (node, BTreeMap::new(), 0));
            match rel.amount() {
                Some(a) => group
                    .1
                    .entry(a.money.currency.0.to_string())
                    .or_default()
                    .add(a.money.amount, a.qualifier),
                None => group.2 += 1,
            }
        }
    }
    groups
        .into_iter()
        .map(|(key, (node, map, without_amount))| FundingTotal {
            key,
            node,
            totals: finish(map),
            without_amount,
        })
        .collect()
}

/// The sum of the outcomes of one metric, in one unit, for one country (or none).
pub struct OutcomeTotal {
    metric: String,
    unit: String,
    country: Option<NodeIndex>,
    acc: Acc,
}

#[Object]
impl OutcomeTotal {
    async fn metric(&self) -> &str {
        &self.metric
    }
    /// The unit, or the currency code for money; different units are never added.
    async fn unit(&self) -> &str {
        &self.unit
    }
    /// The country, when the summed figures are for one; null for figures without a country.
    async fn country(&self) -> Option<Country> {
        self.country.map(Country)
    }
    async fn total(&self) -> Decimal {
        self.acc.amount
    }
    /// The number of outcomes summed.
    async fn count(&self) -> usize {
        self.acc.count
    }
    /// Whether any summed figure is a lower bound ("over 7,000"): the true total may be higher.
    async fn includes_lower_bounds(&self) -> bool {
        self.acc.lower
    }
    async fn includes_approximations(&self) -> bool {
        self.acc.approx
    }
}

pub fn outcome_totals(
    g: &KnowledgeGraph,
    metric: Option<&str>,
    statuses: &[model::OutcomeStatus],
) -> Vec<OutcomeTotal> {
    let mut groups: BTreeMap<(String, String, Option<String>), Acc> = BTreeMap::new();
    for ix in g.nodes_of(EK::Outcome) {
        let Entity::Outcome(o) = g.entity(*ix) else {
            continue;
        };
        if metric.is_some_and(|m| m != o.metric) || !statuses.contains(&o.status) {
            continue;
        }
        if o.qualifier.is_upper_bound() {
            continue; // "less than 40 per cent" cannot be summed into a total
        }
        let unit = match &o.unit {
            model::Unit::Count(u) => u.clone(),
            model::Unit::Currency(c) => c.0.to_string(),
        };
        groups
            .entry((o.metric.clone(), unit, o.country.clone()))
            .or_default()
            .add(o.value, o.qualifier);
    }
    groups
        .into_iter()
        .map(|((metric, unit, country), acc)| OutcomeTotal {
            metric,
            unit,
            country: country.and_then(|c| g.by_id(&c)),
            acc,
        })
        .collect()
}
