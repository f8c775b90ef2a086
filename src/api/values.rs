//! Value types of the schema: money, dates at their precision, periods, citations, and the
//! GraphQL mirrors of the model's vocabularies.

use async_graphql::{Context, Enum, Object, SimpleObject};
use rust_decimal::Decimal;

use super::graph;
use super::types::Source;
use crate::model;

/// Mirrors a model vocabulary as a GraphQL enum, converting both ways.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident = $remote:literal { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = $remote)]
        pub enum $name { $($variant),+ }
    };
}

mirror_enum! {
    /// What sort of body an organisation is.
    OrgKind = "crate::model::OrgKind" {
        Government, Ministry, Agency, Multilateral, Office, TrainingCentre, Fund, Ngo, Company,
        StatisticsOffice, EmployersOrganization, WorkersOrganization, Association, Constituents,
        Committee, Other,
    }
}

mirror_enum! {
    /// What sort of umbrella a programme is.
    ProgrammeKind = "crate::model::ProgrammeKind" { Programme, Fund, FlagshipProgramme, Facility, Scheme }
}

mirror_enum! {
    /// A project's status as far as the source states it; UNKNOWN when it does not.
    ProjectStatus = "crate::model::ProjectStatus" { Completed, Ongoing, Planned, Unknown }
}

mirror_enum! {
    /// How the source words a number. OVER, MORE_THAN and AT_LEAST are lower bounds; NEARLY
    /// and ABOUT approximations; LESS_THAN and UP_TO upper bounds.
    Qualifier = "crate::model::Qualifier" { Exact, Over, MoreThan, AtLeast, Nearly, About, LessThan, UpTo }
}

mirror_enum! {
    /// ACHIEVED: a reported result; TARGET: what a project works towards; STATISTIC: a fact
    /// about the world (ODA volume, population share); BASELINE: where an IATI indicator
    /// started.
    OutcomeStatus = "crate::model::OutcomeStatus" { Achieved, Target, Statistic, Baseline }
}

mirror_enum! {
    /// The kind of a financial contribution.
    ContributionKind = "crate::model::ContributionKind" {
        Assessed, Voluntary, Earmarked, LightlyEarmarked, InKind, Unspecified,
    }
}

mirror_enum! {
    /// The kinds of entity in the graph.
    EntityKind = "crate::model::EntityKind" {
        Source, Organization, Programme, Project, Country, Region, Theme, Outcome,
    }
}

mirror_enum! {
    /// The types of relation. REPORTS links an outcome's subject to the outcome. From IATI:
    /// PUBLISHES links the reporting organisation to its activity; participating
    /// organisations are FUNDS (role funding), ACCOUNTABLE_FOR, MANAGES (role extending) and
    /// IMPLEMENTS; each transaction with a counterpart in the data is a FUNDS relation
    /// carrying the transaction (a project FUNDS what its outgoing transactions pay);
    /// RELATED_ACTIVITY links an activity to a related one that is loaded.
    RelationType = "crate::model::RelationType" {
        Funds, Implements, PartnersWith, InCountry, InRegion, Includes, HasTheme, PartOf,
        Follows, MemberOf, CollaboratesWith, Establishes, SecondsStaffTo, Reports, Publishes,
        AccountableFor, Manages, RelatedActivity,
    }
}

mirror_enum! {
    /// How precisely a date is known. FISCAL_YEAR is a Japanese fiscal year (April to March).
    DatePrecision = "crate::model::Precision" { Year, FiscalYear, Month, Day }
}

/// An amount of money in one currency.
#[derive(SimpleObject, Clone, Debug)]
pub struct Money {
    /// The amount, serialised as a string to keep every digit.
    pub amount: Decimal,
    /// The ISO 4217 currency code (`USD`, `CNY`).
    pub currency: String,
}

impl From<model::Money> for Money {
    fn from(m: model::Money) -> Self {
        Money {
            amount: m.amount,
            currency: m.currency.0.to_string(),
        }
    }
}

/// A date at the precision the source gives it.
pub struct PartialDate(pub model::PartialDate);

#[Object]
impl PartialDate {
    /// As written in the data: `2021`, `2021-07`, `2024-04-01`, or `FY2001` (fiscal year).
    async fn value(&self) -> String {
        self.0.to_string()
    }

    async fn precision(&self) -> DatePrecision {
        self.0.precision().into()
    }

    /// The first day the date can mean (ISO 8601).
    async fn earliest(&self) -> String {
        self.0.earliest().to_string()
    }

    /// The last day the date can mean (ISO 8601).
    async fn latest(&self) -> String {
        self.0.latest().to_string()
    }
}

/// A span of time as the source states it; either end may be unknown.
pub struct Period(pub model::Period);

#[Object]
impl Period {
    async fn start(&self) -> Option<PartialDate> {
        self.0.start.map(PartialDate)
    }

    async fn end(&self) -> Option<PartialDate> {
        self.0.end.map(PartialDate)
    }

    /// The source's own wording, e.g. "FY 2001 ~ 2004".
    async fn text(&self) -> Option<&str> {
        self.0.text.as_deref()
    }
}

/// A verbatim quote from a source document that grounds a fact.
pub struct Citation(pub model::Citation);

#[Object]
impl Citation {
    /// The document quoted.
    async fn source(&self, ctx: &Context<'_>) -> Option<Source> {
        graph(ctx).by_id(&self.0.source).map(Source)
    }

    /// The quoted words, exactly as in the source (line breaks folded to spaces).
    async fn quote(&self) -> String {
        model::fold_whitespace(&self.0.quote)
    }
}

pub fn citations(cite: impl IntoIterator<Item = model::Citation>) -> Vec<Citation> {
    cite.into_iter().map(Citation).collect()
}

/// Who coordinates a project.
#[derive(SimpleObject)]
pub struct Coordinator {
    pub name: String,
    pub role: Option<String>,
}

mirror_enum! {
    /// IATI ActivityStatus.
    ActivityStatus = "crate::model::iati::ActivityStatus" {
        Pipeline, Implementation, Finalisation, Closed, Cancelled, Suspended,
    }
}

mirror_enum! {
    /// IATI ActivityDateType.
    ActivityDateType = "crate::model::iati::ActivityDateType" { PlannedStart, ActualStart, PlannedEnd, ActualEnd }
}

mirror_enum! {
    /// IATI DescriptionType.
    DescriptionType = "crate::model::iati::DescriptionType" { General, Objectives, TargetGroups, Other }
}

mirror_enum! {
    /// IATI OrganisationRole: what a participating organisation does in an activity.
    OrgRole = "crate::model::iati::OrgRole" { Funding, Accountable, Extending, Implementing }
}

mirror_enum! {
    /// IATI TransactionType (2.03).
    TransactionType = "crate::model::iati::TransactionType" {
        IncomingFunds, OutgoingCommitment, Disbursement, Expenditure, InterestPayment,
        LoanRepayment, Reimbursement, PurchaseOfEquity, SaleOfEquity, CreditGuarantee,
        IncomingCommitment, OutgoingPledge, IncomingPledge,
    }
}

mirror_enum! {
    /// IATI BudgetType.
    BudgetType = "crate::model::iati::BudgetType" { Original, Revised }
}

mirror_enum! {
    /// IATI BudgetStatus.
    BudgetStatus = "crate::model::iati::BudgetStatus" { Indicative, Committed }
}

mirror_enum! {
    /// IATI RelatedActivityType: how another activity relates to this one.
    RelatedActivityType = "crate::model::iati::RelatedActivityType" { Parent, Child, Sibling, CoFunded, ThirdParty }
}

mirror_enum! {
    /// IATI ResultType.
    ResultType = "crate::model::iati::ResultType" { Output, Outcome, Impact, Other }
}

mirror_enum! {
    /// IATI IndicatorMeasure.
    IndicatorMeasure = "crate::model::iati::IndicatorMeasure" { Unit, Percentage, Nominal, Ordinal, Qualitative }
}

/// A text in one language.
#[derive(SimpleObject, Clone, Debug)]
pub struct Narrative {
    /// The language (`xml:lang`, e.g. `en`, `fr`), when the file states one.
    pub lang: Option<String>,
    pub text: String,
}

impl From<&model::iati::Narrative> for Narrative {
    fn from(n: &model::iati::Narrative) -> Self {
        Narrative {
            lang: n.lang.clone(),
            text: n.text.clone(),
        }
    }
}

/// A code of an IATI vocabulary (regions: `1` OECD DAC; sectors: `1` DAC 5-digit, `2` DAC
/// 3-digit; `99` the reporting organisation's own).
#[derive(SimpleObject, Clone, Debug)]
pub struct IatiCode {
    pub vocabulary: String,
    pub code: String,
}

impl From<&model::IatiCode> for IatiCode {
    fn from(c: &model::IatiCode) -> Self {
        IatiCode {
            vocabulary: c.vocabulary.clone(),
            code: c.code.clone(),
        }
    }
}
