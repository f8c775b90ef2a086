//! The real codes and names generated files draw on: ISO 3166-1 recipient countries with their
//! OECD DAC regions, DAC 5-digit purpose codes (sector vocabulary 1, whose first three digits
//! are the vocabulary-2 category), well-known IATI publishers, currencies, result indicators.
//!
//! Kept small on purpose: enough variety for realistic networks, every code a real one, so an
//! importer that checks codes against the IATI codelists accepts everything generated.

/// A recipient country: ISO 3166-1 alpha-2 code, common English, French and Spanish names, and the
/// OECD DAC region (IATI Region vocabulary 1) it belongs to.
pub(super) struct Country {
    pub code: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
    pub es: &'static str,
    pub region: &'static str,
}

const fn country(
    code: &'static str,
    en: &'static str,
    fr: &'static str,
    es: &'static str,
    region: &'static str,
) -> Country {
    Country {
        code,
        en,
        fr,
        es,
        region,
    }
}

pub(super) const COUNTRIES: &[Country] = &[
    country("AF", "Afghanistan", "Afghanistan", "Afganistán", "619"),
    country("BD", "Bangladesh", "Bangladesh", "Bangladés", "679"),
    country("BF", "Burkina Faso", "Burkina Faso", "Burkina Faso", "289"),
    country("BO", "Bolivia", "Bolivie", "Bolivia", "489"),
    country("KH", "Cambodia", "Cambodge", "Camboya", "789"),
    country("CM", "Cameroon", "Cameroun", "Camerún", "289"),
    country("CO", "Colombia", "Colombie", "Colombia", "489"),
    country(
        "CD",
        "Democratic Republic of the Congo",
        "République démocratique du Congo",
        "República Democrática del Congo",
        "289",
    ),
    country(
        "CI",
        "Côte d'Ivoire",
        "Côte d'Ivoire",
        "Côte d'Ivoire",
        "289",
    ),
    country("EG", "Egypt", "Égypte", "Egipto", "189"),
    country("ET", "Ethiopia", "Éthiopie", "Etiopía", "289"),
    country("GH", "Ghana", "Ghana", "Ghana", "289"),
    country("GT", "Guatemala", "Guatemala", "Guatemala", "389"),
    country("HT", "Haiti", "Haïti", "Haití", "389"),
    country("HN", "Honduras", "Honduras", "Honduras", "389"),
    country("IN", "India", "Inde", "India", "679"),
    country("ID", "Indonesia", "Indonésie", "Indonesia", "789"),
    country("JO", "Jordan", "Jordanie", "Jordania", "589"),
    country("KE", "Kenya", "Kenya", "Kenia", "289"),
    country(
        "LA",
        "Lao People's Democratic Republic",
        "République démocratique populaire lao",
        "República Democrática Popular Lao",
        "789",
    ),
    country("LB", "Lebanon", "Liban", "Líbano", "589"),
    country("MG", "Madagascar", "Madagascar", "Madagascar", "289"),
    country("MW", "Malawi", "Malawi", "Malaui", "289"),
    country("ML", "Mali", "Mali", "Malí", "289"),
    country("MZ", "Mozambique", "Mozambique", "Mozambique", "289"),
    country("MM", "Myanmar", "Myanmar", "Myanmar", "789"),
    country("NP", "Nepal", "Népal", "Nepal", "679"),
    country("NE", "Niger", "Niger", "Níger", "289"),
    country("NG", "Nigeria", "Nigéria", "Nigeria", "289"),
    country("PK", "Pakistan", "Pakistan", "Pakistán", "679"),
    country("PE", "Peru", "Pérou", "Perú", "489"),
    country("PH", "Philippines", "Philippines", "Filipinas", "789"),
    country("SN", "Senegal", "Sénégal", "Senegal", "289"),
    country("LK", "Sri Lanka", "Sri Lanka", "Sri Lanka", "679"),
    country("SD", "Sudan", "Soudan", "Sudán", "289"),
    country("TZ", "Tanzania", "Tanzanie", "Tanzania", "289"),
    country("TL", "Timor-Leste", "Timor-Leste", "Timor-Leste", "789"),
    country("UG", "Uganda", "Ouganda", "Uganda", "289"),
    country("VN", "Viet Nam", "Viet Nam", "Vietnam", "789"),
    country("YE", "Yemen", "Yémen", "Yemen", "589"),
    country("ZM", "Zambia", "Zambie", "Zambia", "289"),
];

/// An area of work: its DAC 5-digit purpose code, names in three languages, the Sustainable
/// Development Goal it serves (IATI tag vocabulary 2) and whether it is humanitarian.
pub(super) struct Theme {
    pub dac: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
    pub es: &'static str,
    pub sdg: u8,
    pub humanitarian: bool,
}

const fn theme(
    dac: &'static str,
    en: &'static str,
    fr: &'static str,
    es: &'static str,
    sdg: u8,
) -> Theme {
    Theme {
        dac,
        en,
        fr,
        es,
        sdg,
        humanitarian: false,
    }
}

pub(super) const THEMES: &[Theme] = &[
    theme(
        "16020",
        "Decent jobs for young people",
        "Des emplois décents pour les jeunes",
        "Empleo decente para jóvenes",
        8,
    ),
    theme(
        "16010",
        "Social protection floors",
        "Socles de protection sociale",
        "Pisos de protección social",
        1,
    ),
    theme(
        "16070",
        "Labour rights and fair recruitment",
        "Droits du travail et recrutement équitable",
        "Derechos laborales y contratación equitativa",
        8,
    ),
    theme(
        "16080",
        "Social dialogue and industrial relations",
        "Dialogue social et relations professionnelles",
        "Diálogo social y relaciones laborales",
        8,
    ),
    theme(
        "11330",
        "Vocational training & skills",
        "Formation professionnelle et compétences",
        "Formación profesional y competencias",
        4,
    ),
    theme(
        "14030",
        "Water, sanitation & hygiene",
        "Eau, assainissement et hygiène",
        "Agua, saneamiento e higiene",
        6,
    ),
    theme(
        "12220",
        "Primary health care",
        "Soins de santé primaires",
        "Atención primaria de salud",
        3,
    ),
    theme(
        "11220",
        "Primary education",
        "Enseignement primaire",
        "Educación primaria",
        4,
    ),
    theme(
        "31161",
        "Food crop production",
        "Production vivrière",
        "Producción de cultivos alimentarios",
        2,
    ),
    Theme {
        humanitarian: true,
        ..theme(
            "72010",
            "Emergency relief for displaced families",
            "Secours d'urgence aux familles déplacées",
            "Socorro de emergencia a familias desplazadas",
            1,
        )
    },
    theme(
        "25040",
        "Responsible business conduct in supply chains",
        "Conduite responsable des entreprises dans les chaînes d'approvisionnement",
        "Conducta empresarial responsable en las cadenas de suministro",
        12,
    ),
    theme(
        "32130",
        "Small and medium-sized enterprise development",
        "Développement des petites et moyennes entreprises",
        "Desarrollo de pequeñas y medianas empresas",
        8,
    ),
    theme(
        "15110",
        "Public financial management",
        "Gestion des finances publiques",
        "Gestión de las finanzas públicas",
        16,
    ),
    theme(
        "15160",
        "Human rights",
        "Droits humains",
        "Derechos humanos",
        16,
    ),
    theme(
        "15220",
        "Peacebuilding and conflict prevention",
        "Consolidation de la paix et prévention des conflits",
        "Consolidación de la paz y prevención de conflictos",
        16,
    ),
    theme(
        "16062",
        "Statistical capacity building",
        "Renforcement des capacités statistiques",
        "Fortalecimiento de la capacidad estadística",
        17,
    ),
    theme(
        "23210",
        "Access to renewable energy",
        "Accès aux énergies renouvelables",
        "Acceso a energías renovables",
        7,
    ),
    theme(
        "41010",
        "Environmental policy",
        "Politique environnementale",
        "Política ambiental",
        13,
    ),
    theme(
        "24040",
        "Microfinance for informal workers",
        "Microfinance pour les travailleurs informels",
        "Microfinanzas para trabajadores informales",
        1,
    ),
    theme(
        "21020",
        "Rural roads",
        "Routes rurales",
        "Caminos rurales",
        9,
    ),
];

/// Where a publisher sits in the money chain: donors fund channels, channels fund implementers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pool {
    Donor,
    Channel,
    Implementer,
}

/// A real IATI publisher: its organisation identifier, names, IATI organisation type, the
/// currency it reports in and its pool.
pub(super) struct KnownPublisher {
    pub reference: &'static str,
    pub name: &'static str,
    /// The name in a second language: `(xml:lang, name)`.
    pub other_name: Option<(&'static str, &'static str)>,
    pub org_type: &'static str,
    pub currency: &'static str,
    pub pool: Pool,
}

const fn publisher(
    reference: &'static str,
    name: &'static str,
    other_name: Option<(&'static str, &'static str)>,
    org_type: &'static str,
    currency: &'static str,
    pool: Pool,
) -> KnownPublisher {
    KnownPublisher {
        reference,
        name,
        other_name,
        org_type,
        currency,
        pool,
    }
}

use Pool::{Channel, Donor, Implementer};

pub(super) const KNOWN_PUBLISHERS: &[KnownPublisher] = &[
    publisher(
        "XM-DAC-701-8",
        "Japan International Cooperation Agency",
        Some(("ja", "独立行政法人国際協力機構")),
        "10",
        "JPY",
        Donor,
    ),
    publisher(
        "GB-GOV-1",
        "Foreign, Commonwealth & Development Office",
        None,
        "10",
        "GBP",
        Donor,
    ),
    publisher(
        "DE-1",
        "Federal Ministry for Economic Cooperation and Development",
        Some((
            "de",
            "Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung",
        )),
        "10",
        "EUR",
        Donor,
    ),
    publisher(
        "US-GOV-1",
        "U.S. Agency for International Development",
        None,
        "10",
        "USD",
        Donor,
    ),
    publisher(
        "NL-1",
        "Ministry of Foreign Affairs of the Netherlands",
        Some(("nl", "Ministerie van Buitenlandse Zaken")),
        "10",
        "EUR",
        Donor,
    ),
    publisher(
        "SE-0",
        "Swedish International Development Cooperation Agency",
        Some(("sv", "Styrelsen för internationellt utvecklingssamarbete")),
        "10",
        "SEK",
        Donor,
    ),
    publisher(
        "XM-DAC-301-2",
        "Global Affairs Canada",
        Some(("fr", "Affaires mondiales Canada")),
        "10",
        "CAD",
        Donor,
    ),
    publisher(
        "XM-DAC-3-1",
        "Ministry of Foreign Affairs of Denmark",
        Some(("da", "Udenrigsministeriet")),
        "10",
        "DKK",
        Donor,
    ),
    publisher(
        "AU-5",
        "Department of Foreign Affairs and Trade",
        None,
        "10",
        "AUD",
        Donor,
    ),
    publisher(
        "XM-DAC-41302",
        "International Labour Organization",
        Some(("fr", "Organisation internationale du Travail")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41122",
        "United Nations Children's Fund",
        Some(("fr", "Fonds des Nations Unies pour l'enfance")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41114",
        "United Nations Development Programme",
        Some(("fr", "Programme des Nations Unies pour le développement")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41301",
        "Food and Agriculture Organization of the United Nations",
        Some((
            "fr",
            "Organisation des Nations Unies pour l'alimentation et l'agriculture",
        )),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41140",
        "World Food Programme",
        Some(("fr", "Programme alimentaire mondial")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41121",
        "Office of the United Nations High Commissioner for Refugees",
        Some((
            "fr",
            "Haut Commissariat des Nations Unies pour les réfugiés",
        )),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-928",
        "World Health Organization",
        Some(("fr", "Organisation mondiale de la Santé")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-41119",
        "United Nations Population Fund",
        Some(("fr", "Fonds des Nations Unies pour la population")),
        "40",
        "USD",
        Channel,
    ),
    publisher(
        "XM-DAC-47045",
        "Global Fund to Fight AIDS, Tuberculosis and Malaria",
        Some((
            "fr",
            "Fonds mondial de lutte contre le sida, la tuberculose et le paludisme",
        )),
        "40",
        "USD",
        Channel,
    ),
    publisher("GB-CHC-202918", "Oxfam GB", None, "21", "GBP", Implementer),
    publisher(
        "GB-CHC-213890",
        "Save the Children UK",
        None,
        "21",
        "GBP",
        Implementer,
    ),
];

/// Words synthetic publishers' names are made of: `{first} {second}` is unique for every
/// index below `FIRST.len() * SECOND.len()` (500).
pub(super) const NAME_FIRST: &[&str] = &[
    "Sahel",
    "Mekong",
    "Andes",
    "Horizon",
    "Harvest",
    "Beacon",
    "Bridge",
    "Unity",
    "Riverside",
    "Lumière",
    "Esperanza",
    "Kijiji",
    "Sunrise",
    "Baobab",
    "Monsoon",
    "Highland",
    "Delta",
    "Savanna",
    "Coral",
    "Cedar",
];

/// Second halves of synthetic names, with the IATI organisation type and pool each implies.
pub(super) const NAME_SECOND: &[(&str, &str, Pool)] = &[
    ("Foundation", "60", Donor),
    ("Development Fund", "15", Donor),
    ("Philanthropies", "60", Donor),
    ("Regional Trust Fund", "40", Channel),
    ("Alliance for Children", "21", Channel),
    ("Humanitarian Network", "21", Channel),
    ("Health Partners", "21", Implementer),
    ("Workers' Network", "22", Implementer),
    ("Water & Sanitation Initiative", "22", Implementer),
    ("Rural Livelihoods Association", "24", Implementer),
    ("Community Development Trust", "22", Implementer),
    ("Education Society", "22", Implementer),
    ("Consulting Ltd", "70", Implementer),
    ("University Institute", "80", Implementer),
    ("Relief Committee", "23", Implementer),
    ("Women's Cooperative", "24", Implementer),
    ("Microfinance Bank", "70", Implementer),
    ("Research Centre", "80", Implementer),
    ("Youth Employment Network", "21", Implementer),
    ("Legal Aid Clinic", "22", Implementer),
    ("Engineering & Works", "70", Implementer),
    ("Farmers' Union", "22", Implementer),
    ("Peace Forum", "23", Implementer),
    ("Care Alliance", "21", Implementer),
    ("Statistics Institute", "15", Implementer),
];

/// Synthetic publishers report in one of these.
pub(super) const SYNTHETIC_CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "USD", "CHF", "NOK"];

/// US dollars per unit of each currency used: fixed, illustrative rates so that amounts in
/// different currencies have realistic magnitudes.
pub(super) fn usd_per_unit(currency: &str) -> f64 {
    match currency {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "JPY" => 0.0067,
        "SEK" => 0.095,
        "CAD" => 0.73,
        "DKK" => 0.145,
        "AUD" => 0.66,
        "CHF" => 1.12,
        "NOK" => 0.093,
        _ => 1.0,
    }
}

/// A result indicator: title and IATI indicator measure (1 unit, 2 percentage).
pub(super) const INDICATORS: &[(&str, &str)] = &[
    (
        "Number of workers covered by social protection schemes",
        "1",
    ),
    (
        "Number of young people who completed vocational training",
        "1",
    ),
    ("Share of trainees employed six months after training", "2"),
    (
        "Number of enterprises applying occupational safety & health measures",
        "1",
    ),
    (
        "Number of households with access to safe drinking water",
        "1",
    ),
    ("Share of births attended by skilled health personnel", "2"),
    ("Number of children enrolled in primary school", "1"),
    ("Number of labour inspections carried out", "1"),
    ("Share of women among beneficiaries", "2"),
    ("Number of collective agreements concluded", "1"),
];

/// Implementing partners that do not publish: named after the country they work in.
pub(super) const LOCAL_PARTNERS: &[(&str, &str)] = &[
    ("Ministry of Labour and Employment", "10"),
    ("Ministry of Health", "10"),
    ("National Chamber of Commerce", "70"),
    ("National Trade Union Confederation", "22"),
    ("Women Entrepreneurs' Association", "24"),
    ("District Water Board", "11"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_well_formed() {
        for c in COUNTRIES {
            assert!(c.code.len() == 2 && c.code.bytes().all(|b| b.is_ascii_uppercase()));
            assert_eq!(c.region.len(), 3);
        }
        for t in THEMES {
            assert!(t.dac.len() == 5 && t.dac.bytes().all(|b| b.is_ascii_digit()));
            assert!((1..=17).contains(&t.sdg));
        }
        let mut refs: Vec<_> = KNOWN_PUBLISHERS.iter().map(|p| p.reference).collect();
        refs.sort_unstable();
        refs.dedup();
        assert_eq!(refs.len(), KNOWN_PUBLISHERS.len());
        assert!(NAME_FIRST.len() * NAME_SECOND.len() >= 500);
    }
}
