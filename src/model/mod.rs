//! The domain: organisations, programmes, projects, places, themes, outcomes and the typed
//! relations between them, each with the citations that ground it in a source document.
//!
//! *Architecture Invariant*: nothing here knows about TOML, petgraph, GraphQL or HTTP. The seed
//! loader produces a validated [`Dataset`]; everything downstream may trust its references.

pub mod codes;
pub mod dac;
pub mod date;

use rust_decimal::Decimal;

pub use date::{Day, PartialDate, Period, Precision};

/// Declares a closed vocabulary with its data-file codes (`snake_case`).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in data files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

// After the macro: IATI's codelists are vocabularies too.
pub mod iati;

vocabulary! {
    /// What sort of body an organisation is.
    OrgKind {
        Government = "government",
        Ministry = "ministry",
        Agency = "agency",
        Multilateral = "multilateral",
        Office = "office",
        TrainingCentre = "training_centre",
        Fund = "fund",
        Ngo = "ngo",
        Company = "company",
        StatisticsOffice = "statistics_office",
        EmployersOrganization = "employers_organization",
        WorkersOrganization = "workers_organization",
        Association = "association",
        Constituents = "constituents",
        Committee = "committee",
        Other = "other",
    }
}

vocabulary! {
    /// What sort of umbrella a programme is.
    ProgrammeKind {
        Programme = "programme",
        Fund = "fund",
        FlagshipProgramme = "flagship_programme",
        Facility = "facility",
        Scheme = "scheme",
    }
}

vocabulary! {
    /// A project's status, only as far as the source states it.
    ProjectStatus {
        Completed = "completed",
        Ongoing = "ongoing",
        Planned = "planned",
        Unknown = "unknown",
    }
}

vocabulary! {
    /// How a source words a number: the difference between "over 7,000" and "7,000".
    Qualifier {
        Exact = "exact",
        Over = "over",
        MoreThan = "more_than",
        AtLeast = "at_least",
        Nearly = "nearly",
        About = "about",
        LessThan = "less_than",
        UpTo = "up_to",
    }
}

impl Qualifier {
    /// The true figure may be larger than the stated value.
    pub fn is_lower_bound(self) -> bool {
        matches!(
            self,
            Qualifier::Over | Qualifier::MoreThan | Qualifier::AtLeast
        )
    }

    /// The true figure may be smaller than the stated value.
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Qualifier::LessThan | Qualifier::UpTo)
    }

    pub fn is_approximate(self) -> bool {
        matches!(self, Qualifier::Nearly | Qualifier::About)
    }
}

vocabulary! {
    /// Whether a reported number is a result, a target, or a fact about the world.
    OutcomeStatus {
        Achieved = "achieved",
        Target = "target",
        Statistic = "statistic",
        Baseline = "baseline",
    }
}

vocabulary! {
    /// The kind of a financial contribution.
    ContributionKind {
        Assessed = "assessed",
        Voluntary = "voluntary",
        Earmarked = "earmarked",
        LightlyEarmarked = "lightly_earmarked",
        InKind = "in_kind",
        Unspecified = "unspecified",
    }
}

vocabulary! {
    /// The kinds of entity in the graph.
    EntityKind {
        Source = "source",
        Organization = "organization",
        Programme = "programme",
        Project = "project",
        Country = "country",
        Region = "region",
        Theme = "theme",
        Outcome = "outcome",
    }
}

impl EntityKind {
    /// The prefix of this kind's global ids (`org:mhlw`).
    pub fn id_prefix(self) -> &'static str {
        match self {
            EntityKind::Source => "source",
            EntityKind::Organization => "org",
            EntityKind::Programme => "programme",
            EntityKind::Project => "project",
            EntityKind::Country => "country",
            EntityKind::Region => "region",
            EntityKind::Theme => "theme",
            EntityKind::Outcome => "outcome",
        }
    }

    pub fn from_id_prefix(prefix: &str) -> Option<Self> {
        EntityKind::ALL
            .iter()
            .copied()
            .find(|k| k.id_prefix() == prefix)
    }
}

vocabulary! {
    /// The types of relation; `reports` is derived from each outcome's subject, and
    /// `related_activity` and the `funds` of IATI transactions from each project's IATI data.
    RelationType {
        Funds = "funds",
        Implements = "implements",
        PartnersWith = "partners_with",
        InCountry = "in_country",
        InRegion = "in_region",
        Includes = "includes",
        HasTheme = "has_theme",
        PartOf = "part_of",
        Follows = "follows",
        MemberOf = "member_of",
        CollaboratesWith = "collaborates_with",
        Establishes = "establishes",
        SecondsStaffTo = "seconds_staff_to",
        Reports = "reports",
        Publishes = "publishes",
        AccountableFor = "accountable_for",
        Manages = "manages",
        RelatedActivity = "related_activity",
    }
}

/// An attribute a relation may carry beyond its endpoints and citations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RelationAttr {
    Contribution,
    Amount,
    Period,
    Role,
    Note,
    /// The share of an activity in a country, region or sector (IATI `@percentage`).
    Percentage,
    /// The IATI participating-org role the relation was read from.
    IatiRole,
    /// The participating organisation's own activity (IATI `@activity-id`).
    IatiActivityId,
}

impl RelationType {
    /// The kinds allowed at the `from` end and the `to` end.
    pub fn endpoints(self) -> (&'static [EntityKind], &'static [EntityKind]) {
        use EntityKind::*;
        const ORG: &[EntityKind] = &[Organization];
        match self {
            // A project funds what its outgoing IATI transactions pay.
            RelationType::Funds => (
                &[Organization, Programme, Project],
                &[Project, Programme, Organization],
            ),
            RelationType::Implements
            | RelationType::PartnersWith
            | RelationType::AccountableFor
            | RelationType::Manages => (ORG, &[Project, Programme]),
            RelationType::Publishes => (ORG, &[Project]),
            RelationType::RelatedActivity => (&[Project], &[Project]),
            RelationType::InCountry => (&[Project, Programme, Organization], &[Country]),
            RelationType::InRegion => (&[Project, Programme], &[Region]),
            RelationType::Includes => (&[Region], &[Country]),
            RelationType::HasTheme => (&[Project, Programme], &[Theme]),
            RelationType::PartOf => (
                &[Project, Programme, Organization],
                &[Programme, Organization],
            ),
            RelationType::Follows => (&[Project], &[Project]),
            RelationType::MemberOf
            | RelationType::CollaboratesWith
            | RelationType::SecondsStaffTo => (ORG, ORG),
            RelationType::Establishes => (ORG, &[Programme]),
            RelationType::Reports => (
                &[Project, Programme, Organization, Country, Region],
                &[Outcome],
            ),
        }
    }

    /// The attributes this type of relation may carry.
    pub fn attributes(self) -> &'static [RelationAttr] {
        use RelationAttr::*;
        match self {
            RelationType::Funds => &[Contribution, Amount, Period, IatiRole, IatiActivityId, Note],
            RelationType::Implements | RelationType::AccountableFor | RelationType::Manages => {
                &[Role, IatiRole, IatiActivityId, Note]
            }
            RelationType::PartnersWith => &[Role, Note],
            RelationType::InCountry | RelationType::InRegion => &[Role, Percentage, Note],
            RelationType::HasTheme => &[Percentage, Note],
            RelationType::Establishes | RelationType::SecondsStaffTo => &[Period, Note],
            RelationType::Reports | RelationType::RelatedActivity => &[],
            _ => &[Note],
        }
    }
}

/// A verbatim quote from a source document that grounds a fact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Citation {
    /// The id of the [`Source`].
    pub source: String,
    pub quote: String,
}

/// An amount of money in one currency. Amounts in different currencies are never added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    pub amount: Decimal,
    /// An ISO 4217 code, e.g. `USD`, `CNY`.
    pub currency: Currency,
}

/// An ISO 4217 currency code, validated against [`codes::CURRENCIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(pub &'static str);

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::parse(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("`{code}` is not an ISO 4217 currency code"))
        })
    }
}

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        codes::CURRENCIES
            .binary_search_by(|(c, _)| c.cmp(&code))
            .ok()
            .map(|i| Currency(codes::CURRENCIES[i].0))
    }

    pub fn name(self) -> &'static str {
        codes::CURRENCIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or("", |(_, n)| n)
    }
}

/// An amount as a source states it: the money and how the figure is qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Amount {
    pub money: Money,
    pub qualifier: Qualifier,
}

/// An ISO 3166-1 country, looked up in [`codes::COUNTRIES`].
pub fn iso_country(alpha2: &str) -> Option<(&'static str, &'static str, &'static str)> {
    codes::COUNTRIES
        .binary_search_by(|(a2, _, _)| a2.cmp(&alpha2))
        .ok()
        .map(|i| codes::COUNTRIES[i])
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub id: String,
    pub file: String,
    pub title: String,
    pub publisher: Option<String>,
    pub year: Option<PartialDate>,
    pub description: Option<String>,
    /// The document's text, when it was loaded with the data.
    pub text: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrgKind,
    pub aliases: Vec<String>,
    pub iati_id: Option<String>,
    /// The IATI OrganisationType code (`10` government, `40` multilateral ...).
    pub iati_type: Option<String>,
    pub country: Option<String>,
    pub description: Option<String>,
    pub cite: Vec<Citation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: ProgrammeKind,
    pub aliases: Vec<String>,
    pub established: Option<PartialDate>,
    pub period: Option<Period>,
    pub description: Option<String>,
    pub cite: Vec<Citation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Coordinator {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Project {
    pub id: String,
    pub title: String,
    pub short_title: Option<String>,
    pub aliases: Vec<String>,
    pub status: ProjectStatus,
    pub period: Option<Period>,
    pub budget: Option<Amount>,
    pub description: Option<String>,
    pub coordinator: Option<Coordinator>,
    /// What an IATI activity file says beyond the fields above.
    pub iati: Option<Box<iati::IatiActivity>>,
    pub cite: Vec<Citation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2, also the country's id.
    pub code: String,
    pub alpha3: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub cite: Vec<Citation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// The IATI region vocabulary and code (`1` OECD DAC, `489`).
    pub iati: Option<IatiCode>,
    pub cite: Vec<Citation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Theme {
    pub id: String,
    pub name: String,
    pub dac_code: Option<String>,
    /// The IATI sector vocabulary and code (`2` DAC 3-digit, `111`).
    pub iati: Option<IatiCode>,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub cite: Vec<Citation>,
}

/// What an outcome counts: people, households, kilometres ... or money.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unit {
    Count(String),
    Currency(Currency),
}

/// A number a source reports about a project, programme, organisation, country or region.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub id: String,
    pub subject: String,
    pub metric: String,
    pub label: String,
    pub value: Decimal,
    pub unit: Unit,
    pub qualifier: Qualifier,
    pub status: OutcomeStatus,
    pub period: Option<Period>,
    pub country: Option<String>,
    pub note: Option<String>,
    /// The IATI result and indicator this figure belongs to.
    pub iati: Option<Box<iati::IndicatorPoint>>,
    pub cite: Vec<Citation>,
}

/// A code in an IATI vocabulary (region or sector vocabularies: `1`, `2`, `99` ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct IatiCode {
    pub vocabulary: String,
    pub code: String,
}

/// A typed, attributed edge between two entities (by id).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    pub from: String,
    pub kind: RelationType,
    pub to: String,
    pub contribution: Option<ContributionKind>,
    pub amount: Option<Amount>,
    pub period: Option<Period>,
    pub role: Option<String>,
    pub note: Option<String>,
    /// The share of the activity in the country, region or sector, in per cent.
    pub percentage: Option<Decimal>,
    pub iati_role: Option<iati::OrgRole>,
    pub iati_activity_id: Option<String>,
    /// For the `funds` relations derived from an IATI transaction: the transaction.
    pub transaction: Option<std::sync::Arc<iati::Transaction>>,
    /// For `related_activity`: how the `to` activity relates to the `from` one.
    pub related: Option<iati::RelatedActivityType>,
    pub cite: Vec<Citation>,
}

impl Relation {
    /// A relation with no attributes.
    pub fn new(from: String, kind: RelationType, to: String, cite: Vec<Citation>) -> Relation {
        Relation {
            from,
            kind,
            to,
            contribution: None,
            amount: None,
            period: None,
            role: None,
            note: None,
            percentage: None,
            iati_role: None,
            iati_activity_id: None,
            transaction: None,
            related: None,
            cite,
        }
    }
}

/// A validated data set: every reference resolves and every quote is in its source.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub organizations: Vec<Organization>,
    pub programmes: Vec<Programme>,
    pub projects: Vec<Project>,
    pub countries: Vec<Country>,
    pub regions: Vec<Region>,
    pub themes: Vec<Theme>,
    pub outcomes: Vec<Outcome>,
    pub relations: Vec<Relation>,
}

/// Folds runs of whitespace to single spaces, as citations are compared.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_tables_are_sorted_for_binary_search() {
        assert!(codes::COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(codes::CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(dac::DAC_PURPOSE_CODES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn looks_up_iso_codes() {
        assert_eq!(iso_country("LA"), Some(("LA", "LAO", "Laos")));
        assert_eq!(iso_country("XX"), None);
        assert_eq!(Currency::parse("CNY"), Some(Currency("CNY")));
        assert_eq!(Currency::parse("YUAN"), None);
        assert_eq!(dac::dac_name("16070"), Some("Labour Rights"));
    }

    #[test]
    fn every_vocabulary_code_round_trips() {
        for k in RelationType::ALL {
            assert_eq!(RelationType::from_code(k.code()), Some(*k));
        }
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::from_id_prefix(k.id_prefix()), Some(*k));
        }
    }
}
