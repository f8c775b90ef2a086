//! What the model keeps of an IATI 2.03 activity beyond a plain project: its identifier,
//! narratives in every language, dates by type, budgets, transactions, related activities and
//! the place of each outcome in a result framework.
//!
//! Each closed IATI codelist the importer maps is an `iati_vocabulary!`: the data-file code
//! (`snake_case`, as every vocabulary of the model), the IATI code and the codelist's name.
//! Everything here can be written back as IATI XML: an exporter needs nothing else.

use rust_decimal::Decimal;

use super::{Citation, Currency, PartialDate, Period};

/// Declares an IATI codelist: a model vocabulary (data-file codes) that also knows the
/// codelist's codes and names.
macro_rules! iati_vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = ($code:literal, $iati:literal, $label:literal)),+ $(,)? }) => {
        vocabulary! { $(#[$meta])* $name { $($variant = $code),+ } }

        impl $name {
            /// The code in the IATI codelist.
            pub fn iati_code(self) -> &'static str {
                match self { $($name::$variant => $iati),+ }
            }

            pub fn from_iati_code(code: &str) -> Option<Self> {
                match code { $($iati => Some($name::$variant),)+ _ => None }
            }

            /// The name in the IATI codelist.
            pub fn iati_name(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

iati_vocabulary! {
    /// IATI ActivityStatus.
    ActivityStatus {
        Pipeline = ("pipeline", "1", "Pipeline/identification"),
        Implementation = ("implementation", "2", "Implementation"),
        Finalisation = ("finalisation", "3", "Finalisation"),
        Closed = ("closed", "4", "Closed"),
        Cancelled = ("cancelled", "5", "Cancelled"),
        Suspended = ("suspended", "6", "Suspended"),
    }
}

iati_vocabulary! {
    /// IATI ActivityDateType.
    ActivityDateType {
        PlannedStart = ("planned_start", "1", "Planned start"),
        ActualStart = ("actual_start", "2", "Actual start"),
        PlannedEnd = ("planned_end", "3", "Planned End"),
        ActualEnd = ("actual_end", "4", "Actual end"),
    }
}

iati_vocabulary! {
    /// IATI DescriptionType.
    DescriptionType {
        General = ("general", "1", "General"),
        Objectives = ("objectives", "2", "Objectives"),
        TargetGroups = ("target_groups", "3", "Target Groups"),
        Other = ("other", "4", "Other"),
    }
}

iati_vocabulary! {
    /// IATI OrganisationRole: what a participating organisation does in an activity.
    OrgRole {
        Funding = ("funding", "1", "Funding"),
        Accountable = ("accountable", "2", "Accountable"),
        Extending = ("extending", "3", "Extending"),
        Implementing = ("implementing", "4", "Implementing"),
    }
}

iati_vocabulary! {
    /// IATI TransactionType (2.03).
    TransactionType {
        IncomingFunds = ("incoming_funds", "1", "Incoming Funds"),
        OutgoingCommitment = ("outgoing_commitment", "2", "Outgoing Commitment"),
        Disbursement = ("disbursement", "3", "Disbursement"),
        Expenditure = ("expenditure", "4", "Expenditure"),
        InterestPayment = ("interest_payment", "5", "Interest Payment"),
        LoanRepayment = ("loan_repayment", "6", "Loan Repayment"),
        Reimbursement = ("reimbursement", "7", "Reimbursement"),
        PurchaseOfEquity = ("purchase_of_equity", "8", "Purchase of Equity"),
        SaleOfEquity = ("sale_of_equity", "9", "Sale of Equity"),
        CreditGuarantee = ("credit_guarantee", "10", "Credit Guarantee"),
        IncomingCommitment = ("incoming_commitment", "11", "Incoming Commitment"),
        OutgoingPledge = ("outgoing_pledge", "12", "Outgoing Pledge"),
        IncomingPledge = ("incoming_pledge", "13", "Incoming Pledge"),
    }
}

impl TransactionType {
    /// Whether money comes into the activity (from the provider) rather than going out of it
    /// (to the receiver): incoming funds, commitments and pledges.
    pub fn is_incoming(self) -> bool {
        matches!(
            self,
            TransactionType::IncomingFunds
                | TransactionType::IncomingCommitment
                | TransactionType::IncomingPledge
        )
    }
}

iati_vocabulary! {
    /// IATI BudgetType.
    BudgetType {
        Original = ("original", "1", "Original"),
        Revised = ("revised", "2", "Revised"),
    }
}

iati_vocabulary! {
    /// IATI BudgetStatus.
    BudgetStatus {
        Indicative = ("indicative", "1", "Indicative"),
        Committed = ("committed", "2", "Committed"),
    }
}

iati_vocabulary! {
    /// IATI RelatedActivityType: how another activity relates to this one.
    RelatedActivityType {
        Parent = ("parent", "1", "Parent"),
        Child = ("child", "2", "Child"),
        Sibling = ("sibling", "3", "Sibling"),
        CoFunded = ("co_funded", "4", "Co-funded"),
        ThirdParty = ("third_party", "5", "Third Party"),
    }
}

iati_vocabulary! {
    /// IATI ResultType.
    ResultType {
        Output = ("output", "1", "Output"),
        Outcome = ("outcome", "2", "Outcome"),
        Impact = ("impact", "3", "Impact"),
        Other = ("other", "9", "Other"),
    }
}

iati_vocabulary! {
    /// IATI IndicatorMeasure.
    IndicatorMeasure {
        Unit = ("unit", "1", "Unit"),
        Percentage = ("percentage", "2", "Percentage"),
        Nominal = ("nominal", "3", "Nominal"),
        Ordinal = ("ordinal", "4", "Ordinal"),
        Qualitative = ("qualitative", "5", "Qualitative"),
    }
}

/// A text in one language (`lang` is the `xml:lang` in force: the narrative's own, else the
/// activity's, else the file's; `None` when none is stated).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Narrative {
    pub lang: Option<String>,
    pub text: String,
}

/// An `activity-date`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActivityDate {
    pub kind: ActivityDateType,
    pub date: PartialDate,
}

/// One narrative of an activity `description` of a type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Description {
    /// `None` when the element has no `@type` (IATI then means "general").
    pub kind: Option<DescriptionType>,
    pub lang: Option<String>,
    pub text: String,
}

/// A `budget`: the activity's own planned spending for a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Budget {
    pub kind: Option<BudgetType>,
    pub status: Option<BudgetStatus>,
    pub period: Period,
    pub value: Decimal,
    /// As stated on the value; `None` means the activity's default currency.
    pub currency: Option<Currency>,
    pub value_date: Option<PartialDate>,
    pub cite: Vec<Citation>,
}

/// One side of a transaction: the organisation (by id in the data set) and its activity (an
/// IATI identifier, which may name an activity of another publisher, loaded or not).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct TransactionParty {
    pub org: Option<String>,
    pub activity_id: Option<String>,
}

/// A `transaction` of an activity: money in from a provider or out to a receiver.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transaction {
    pub kind: TransactionType,
    pub date: Option<PartialDate>,
    pub value: Decimal,
    /// As stated on the value; `None` means the activity's default currency.
    pub currency: Option<Currency>,
    pub value_date: Option<PartialDate>,
    pub provider: TransactionParty,
    pub receiver: TransactionParty,
    pub description: Option<String>,
    pub cite: Vec<Citation>,
}

/// A `related-activity`: another activity by its IATI identifier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelatedActivity {
    pub kind: RelatedActivityType,
    pub activity_id: String,
    pub cite: Vec<Citation>,
}

/// The IATI side of a project.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct IatiActivity {
    /// The `iati-identifier`, globally unique (`XM-DAC-41302-...`).
    pub identifier: String,
    /// `@hierarchy` (1 is the top of a publisher's hierarchy).
    pub hierarchy: Option<u32>,
    pub default_currency: Option<Currency>,
    /// The activity's `xml:lang`: the language of its narratives without one.
    pub lang: Option<String>,
    pub status: Option<ActivityStatus>,
    pub dates: Vec<ActivityDate>,
    /// Every title narrative; the project's `title` is the one in the default language.
    pub titles: Vec<Narrative>,
    pub descriptions: Vec<Description>,
    pub budgets: Vec<Budget>,
    pub transactions: Vec<std::sync::Arc<Transaction>>,
    pub related: Vec<RelatedActivity>,
}

/// Where an outcome sits in an IATI result framework: which result and indicator, and what
/// they are. Outcomes of the same `result` and `indicator` numbers belong together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorPoint {
    /// 1-based position of the `result` in its activity.
    pub result: u32,
    pub result_type: Option<ResultType>,
    pub result_title: String,
    /// 1-based position of the `indicator` in its result.
    pub indicator: u32,
    pub indicator_title: String,
    pub measure: Option<IndicatorMeasure>,
    pub ascending: Option<bool>,
}

/// IATI OrganisationType: `(code, name)`, sorted by code.
pub const ORGANISATION_TYPES: &[(&str, &str)] = &[
    ("10", "Government"),
    ("11", "Local Government"),
    ("15", "Other Public Sector"),
    ("21", "International NGO"),
    ("22", "National NGO"),
    ("23", "Regional NGO"),
    ("24", "Partner Country based NGO"),
    ("30", "Public Private Partnership"),
    ("40", "Multilateral"),
    ("60", "Foundation"),
    ("70", "Private Sector"),
    ("71", "Private Sector in Provider Country"),
    ("72", "Private Sector in Aid Recipient Country"),
    ("73", "Private Sector in Third Country"),
    ("80", "Academic, Training and Research"),
    ("90", "Other"),
];

/// The name of an IATI OrganisationType code.
pub fn organisation_type_name(code: &str) -> Option<&'static str> {
    ORGANISATION_TYPES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| ORGANISATION_TYPES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iati_codes_round_trip_and_types_are_sorted() {
        for t in TransactionType::ALL {
            assert_eq!(TransactionType::from_iati_code(t.iati_code()), Some(*t));
            assert_eq!(TransactionType::from_code(t.code()), Some(*t));
        }
        for r in OrgRole::ALL {
            assert_eq!(OrgRole::from_iati_code(r.iati_code()), Some(*r));
        }
        assert!(ORGANISATION_TYPES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(organisation_type_name("40"), Some("Multilateral"));
    }
}
