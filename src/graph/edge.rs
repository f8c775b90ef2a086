//! How a relation is stored on an edge: its type inline, its rarely present attributes boxed,
//! its endpoints in the graph's structure and its citations in the graph's citation table.
//!
//! Most relations of a large graph carry no attribute at all (`implements`) or only a
//! percentage (`in_country`, `has_theme`), so an edge costs 16 bytes here against 264 for a
//! [`model::Relation`]: a percentage that fits in a `u32` and a scale is kept inline, exactly.

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
    /// The percentage's scale, or [`NO_PERCENTAGE`] when it is not inline.
    percentage_scale: u8,
    /// The percentage's digits: `percentage_digits / 10^percentage_scale`.
    percentage_digits: u32,
    attrs: Option<Box<Attrs>>,
}

/// Marks an edge whose percentage, if any, is in its boxed attributes.
const NO_PERCENTAGE: u8 = u8::MAX;

/// A percentage as inline digits and scale, when it has them (non-negative, under 2^32 units
/// of its last digit); `Decimal::new(digits, scale)` gives back the same value and scale.
fn inline_percentage(p: Decimal) -> Option<(u32, u8)> {
    let digits = u32::try_from(p.mantissa()).ok()?;
    let scale = u8::try_from(p.scale()).ok()?;
    Some((digits, scale))
}

/// The optional attributes of [`model::Relation`], boxed together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
        let inline = r.percentage.and_then(inline_percentage);
        let attrs = Attrs {
            contribution: r.contribution,
            amount: r.amount,
            period: r.period,
            role: r.role,
            note: r.note,
            percentage: if inline.is_some() { None } else { r.percentage },
            iati_role: r.iati_role,
            iati_activity_id: r.iati_activity_id,
            transaction: r.transaction,
        };
        let edge = Edge {
            kind: r.kind,
            related: r.related,
            percentage_scale: inline.map_or(NO_PERCENTAGE, |(_, scale)| scale),
            percentage_digits: inline.map_or(0, |(digits, _)| digits),
            attrs: (attrs != Attrs::default()).then(|| Box::new(attrs)),
        };
        (edge, r.cite)
    }

    /// Whether a deserialised edge is one [`Edge::from_relation`] can make (a snapshot check:
    /// a scale beyond `Decimal`'s 28 would panic when read).
    pub(crate) fn is_well_formed(&self) -> bool {
        self.percentage_scale == NO_PERCENTAGE || u32::from(self.percentage_scale) <= 28
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
        if self.percentage_scale != NO_PERCENTAGE {
            let digits = i64::from(self.percentage_digits);
            return Some(Decimal::new(digits, u32::from(self.percentage_scale)));
        }
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
        assert_eq!(e.percentage(), None);
    }

    #[test]
    fn percentages_keep_their_value_and_scale_inline_or_boxed() {
        for text in [
            "100",
            "50.0",
            "33.33",
            "0",
            "0.005",
            "12.50",
            "4294967295",
            "4294967296",
            "-1",
        ] {
            let p: Decimal = text.parse().unwrap();
            let mut r =
                model::Relation::new("a".into(), RelationType::InCountry, "KH".into(), vec![]);
            r.percentage = Some(p);
            let (e, _) = Edge::from_relation(r);
            let back = e.percentage().unwrap();
            assert_eq!(back.to_string(), text, "scale kept");
            let boxed = e.attrs.is_some();
            assert_eq!(boxed, text == "4294967296" || text == "-1", "{text}");
        }
    }
}
