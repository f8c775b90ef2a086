//! How a relation is stored on an edge: its type inline, its rarely present attributes boxed,
//! its endpoints in the graph's structure and its citations in the graph's citation table.
//!
//! Most relations of a large graph carry no attribute at all (`in_country`, `has_theme`,
//! `implements`), so an edge costs 16 bytes here against 264 for a [`model::Relation`].

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{
    self, Amount, ContributionKind, Period, RelationType,
    iati::{OrgRole, RelatedActivityType, Transaction},
};

/// A relation as stored on an edge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edge {
    pub kind: RelationType,
    /// For `related_activity`: how the `to` activity relates to the `from` one.
    pub related: Option<RelatedActivityType>,
    attrs: Option<Box<Attrs>>,
}

/// The optional attributes of [`model::Relation`], boxed together.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Attrs {
    contribution: Option<ContributionKind>,
    amount: Option<Amount>,
    period: Option<Period>,
    role: Option<String>,
    note: Option<String>,
    percentage: Option<Decimal>,
    iati_role: Option<OrgRole>,
    iati_activity_id: Option<String>,
    transaction: Option<Arc<Transaction>>,
}

impl Edge {
    /// Splits a data-set relation into the stored edge and its citations (the endpoints are
    /// resolved by the caller).
    pub fn from_relation(r: model::Relation) -> (Edge, Vec<model::Citation>) {
        let attrs = Attrs {
            contribution: r.contribution,
            amount: r.amount,
            period: r.period,
            role: r.role,
            note: r.note,
            percentage: r.percentage,
            iati_role: r.iati_role,
            iati_activity_id: r.iati_activity_id,
            transaction: r.transaction,
        };
        let empty = attrs.contribution.is_none()
            && attrs.amount.is_none()
            && attrs.period.is_none()
            && attrs.role.is_none()
            && attrs.note.is_none()
            && attrs.percentage.is_none()
            && attrs.iati_role.is_none()
            && attrs.iati_activity_id.is_none()
            && attrs.transaction.is_none();
        let edge = Edge {
            kind: r.kind,
            related: r.related,
            attrs: (!empty).then(|| Box::new(attrs)),
        };
        (edge, r.cite)
    }

    fn attrs(&self) -> Option<&Attrs> {
        self.attrs.as_deref()
    }

    /// For funding: the kind of contribution.
    pub fn contribution(&self) -> Option<ContributionKind> {
        self.attrs()?.contribution
    }

    /// For funding: the amount, when the source states it.
    pub fn amount(&self) -> Option<Amount> {
        self.attrs()?.amount
    }

    pub fn period(&self) -> Option<&Period> {
        self.attrs()?.period.as_ref()
    }

    /// The role stated by the source.
    pub fn role(&self) -> Option<&str> {
        self.attrs()?.role.as_deref()
    }

    pub fn note(&self) -> Option<&str> {
        self.attrs()?.note.as_deref()
    }

    /// The share of the activity in the country, region or sector, in per cent.
    pub fn percentage(&self) -> Option<Decimal> {
        self.attrs()?.percentage
    }

    /// The IATI participating-org role the relation was read from.
    pub fn iati_role(&self) -> Option<OrgRole> {
        self.attrs()?.iati_role
    }

    /// The participating organisation's own activity (IATI `@activity-id`).
    pub fn iati_activity_id(&self) -> Option<&str> {
        self.attrs()?.iati_activity_id.as_deref()
    }

    /// For the `funds` relations derived from an IATI transaction: the transaction.
    pub fn transaction(&self) -> Option<&Arc<Transaction>> {
        self.attrs()?.transaction.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edge_without_attributes_stays_small() {
        assert!(std::mem::size_of::<Edge>() <= 16);
        let r = model::Relation::new("a".into(), RelationType::InCountry, "KH".into(), vec![]);
        let (e, _) = Edge::from_relation(r);
        assert!(e.attrs.is_none());
        assert_eq!(e.role(), None);
    }
}
