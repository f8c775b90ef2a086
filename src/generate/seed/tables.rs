//! The names and codes a generated seed folder draws on beyond [`super::super::codes`]: ISO
//! alpha-3 codes, donor countries and well-known donors and implementers, DAC regions, and the
//! themes with the OECD DAC purpose codes the seed loader knows (`src/model/dac.rs`) and the
//! results projects under each theme report.
//!
//! Real names are placeholders: every generated document says that its facts are invented.

/// ISO 3166-1 alpha-3 of each recipient country in `codes::COUNTRIES` and each donor country.
const ALPHA3: &[(&str, &str)] = &[
    ("AF", "AFG"),
    ("AT", "AUT"),
    ("AU", "AUS"),
    ("BD", "BGD"),
    ("BE", "BEL"),
    ("BF", "BFA"),
    ("BO", "BOL"),
    ("CA", "CAN"),
    ("CD", "COD"),
    ("CH", "CHE"),
    ("CI", "CIV"),
    ("CM", "CMR"),
    ("CO", "COL"),
    ("DE", "DEU"),
    ("DK", "DNK"),
    ("EG", "EGY"),
    ("ES", "ESP"),
    ("ET", "ETH"),
    ("FI", "FIN"),
    ("FR", "FRA"),
    ("GB", "GBR"),
    ("GH", "GHA"),
    ("GT", "GTM"),
    ("HN", "HND"),
    ("HT", "HTI"),
    ("ID", "IDN"),
    ("IE", "IRL"),
    ("IN", "IND"),
    ("IT", "ITA"),
    ("JO", "JOR"),
    ("JP", "JPN"),
    ("KE", "KEN"),
    ("KH", "KHM"),
    ("KR", "KOR"),
    ("LA", "LAO"),
    ("LB", "LBN"),
    ("LK", "LKA"),
    ("LU", "LUX"),
    ("MG", "MDG"),
    ("ML", "MLI"),
    ("MM", "MMR"),
    ("MW", "MWI"),
    ("MZ", "MOZ"),
    ("NE", "NER"),
    ("NG", "NGA"),
    ("NL", "NLD"),
    ("NO", "NOR"),
    ("NP", "NPL"),
    ("NZ", "NZL"),
    ("PE", "PER"),
    ("PH", "PHL"),
    ("PK", "PAK"),
    ("SD", "SDN"),
    ("SE", "SWE"),
    ("SN", "SEN"),
    ("TL", "TLS"),
    ("TZ", "TZA"),
    ("UG", "UGA"),
    ("US", "USA"),
    ("VN", "VNM"),
    ("YE", "YEM"),
    ("ZM", "ZMB"),
];

/// The alpha-3 code of a country the generator names.
pub(super) fn alpha3(alpha2: &str) -> &'static str {
    ALPHA3
        .binary_search_by(|(a2, _)| a2.cmp(&alpha2))
        .map(|i| ALPHA3[i].1)
        .unwrap_or_else(|_| panic!("no alpha-3 code for {alpha2}"))
}

/// A donor country: alpha-2, its name as used after "Government of", the slug of its
/// government's id, and its currency.
pub(super) struct DonorCountry {
    pub code: &'static str,
    pub name: &'static str,
    /// "Government of {of}": "the United States", "Japan".
    pub of: &'static str,
    pub slug: &'static str,
    pub currency: &'static str,
}

const fn donor_country(
    code: &'static str,
    name: &'static str,
    of: &'static str,
    slug: &'static str,
    currency: &'static str,
) -> DonorCountry {
    DonorCountry {
        code,
        name,
        of,
        slug,
        currency,
    }
}

pub(super) const DONOR_COUNTRIES: &[DonorCountry] = &[
    donor_country("US", "United States", "the United States", "us", "USD"),
    donor_country("JP", "Japan", "Japan", "japan", "JPY"),
    donor_country("DE", "Germany", "Germany", "germany", "EUR"),
    donor_country("GB", "United Kingdom", "the United Kingdom", "uk", "GBP"),
    donor_country("FR", "France", "France", "france", "EUR"),
    donor_country("NL", "Netherlands", "the Netherlands", "netherlands", "EUR"),
    donor_country("SE", "Sweden", "Sweden", "sweden", "SEK"),
    donor_country("NO", "Norway", "Norway", "norway", "NOK"),
    donor_country("CA", "Canada", "Canada", "canada", "CAD"),
    donor_country("CH", "Switzerland", "Switzerland", "switzerland", "CHF"),
    donor_country("DK", "Denmark", "Denmark", "denmark", "DKK"),
    donor_country("AU", "Australia", "Australia", "australia", "AUD"),
    donor_country(
        "KR",
        "Republic of Korea",
        "the Republic of Korea",
        "korea",
        "KRW",
    ),
    donor_country("IT", "Italy", "Italy", "italy", "EUR"),
    donor_country("ES", "Spain", "Spain", "spain", "EUR"),
    donor_country("FI", "Finland", "Finland", "finland", "EUR"),
    donor_country("BE", "Belgium", "Belgium", "belgium", "EUR"),
    donor_country("IE", "Ireland", "Ireland", "ireland", "EUR"),
    donor_country("AT", "Austria", "Austria", "austria", "EUR"),
    donor_country("NZ", "New Zealand", "New Zealand", "new-zealand", "NZD"),
    donor_country("LU", "Luxembourg", "Luxembourg", "luxembourg", "EUR"),
];

/// US dollars per unit, for the currencies the seed generator adds to `codes::usd_per_unit`.
pub(super) fn usd_per_unit(currency: &str) -> f64 {
    match currency {
        "KRW" => 0.00073,
        "NZD" => 0.6,
        other => super::super::codes::usd_per_unit(other),
    }
}

/// A well-known organisation: id, name, short name (as reports name it), data-file kind, IATI
/// organisation type, IATI identifier, home country and reporting currency.
pub(super) struct KnownOrg {
    pub id: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub kind: &'static str,
    pub iati_type: &'static str,
    pub iati_id: Option<&'static str>,
    pub country: Option<&'static str>,
    pub currency: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn org(
    id: &'static str,
    name: &'static str,
    short: &'static str,
    kind: &'static str,
    iati_type: &'static str,
    iati_id: Option<&'static str>,
    country: Option<&'static str>,
    currency: &'static str,
) -> KnownOrg {
    KnownOrg {
        id,
        name,
        short,
        kind,
        iati_type,
        iati_id,
        country,
        currency,
    }
}

/// Donors, most active first (the generator's popularity ranks follow this order); the
/// governments of [`DONOR_COUNTRIES`] come after them.
pub(super) const KNOWN_DONORS: &[KnownOrg] = &[
    org(
        "usaid",
        "United States Agency for International Development",
        "USAID",
        "agency",
        "10",
        Some("US-GOV-1"),
        Some("US"),
        "USD",
    ),
    org(
        "eu-intpa",
        "European Commission, Directorate-General for International Partnerships",
        "DG INTPA",
        "agency",
        "40",
        Some("XI-IATI-EC_INTPA"),
        None,
        "EUR",
    ),
    org(
        "jica",
        "Japan International Cooperation Agency",
        "JICA",
        "agency",
        "10",
        Some("XM-DAC-701-8"),
        Some("JP"),
        "JPY",
    ),
    org(
        "bmz",
        "Federal Ministry for Economic Cooperation and Development",
        "BMZ",
        "ministry",
        "10",
        Some("DE-1"),
        Some("DE"),
        "EUR",
    ),
    org(
        "fcdo",
        "Foreign, Commonwealth & Development Office",
        "FCDO",
        "ministry",
        "10",
        Some("GB-GOV-1"),
        Some("GB"),
        "GBP",
    ),
    org(
        "gates-foundation",
        "Bill & Melinda Gates Foundation",
        "the Gates Foundation",
        "other",
        "60",
        None,
        Some("US"),
        "USD",
    ),
    org(
        "mofa-japan",
        "Ministry of Foreign Affairs of Japan",
        "MOFA Japan",
        "ministry",
        "10",
        None,
        Some("JP"),
        "JPY",
    ),
    org(
        "afd",
        "Agence française de développement",
        "AFD",
        "agency",
        "10",
        None,
        Some("FR"),
        "EUR",
    ),
    org(
        "mfa-netherlands",
        "Ministry of Foreign Affairs of the Netherlands",
        "the Netherlands MFA",
        "ministry",
        "10",
        Some("NL-1"),
        Some("NL"),
        "EUR",
    ),
    org(
        "sida",
        "Swedish International Development Cooperation Agency",
        "Sida",
        "agency",
        "10",
        Some("SE-0"),
        Some("SE"),
        "SEK",
    ),
    org(
        "gac",
        "Global Affairs Canada",
        "GAC",
        "ministry",
        "10",
        Some("XM-DAC-301-2"),
        Some("CA"),
        "CAD",
    ),
    org(
        "norad",
        "Norwegian Agency for Development Cooperation",
        "Norad",
        "agency",
        "10",
        None,
        Some("NO"),
        "NOK",
    ),
    org(
        "kfw",
        "KfW Development Bank",
        "KfW",
        "agency",
        "10",
        None,
        Some("DE"),
        "EUR",
    ),
    org(
        "sdc",
        "Swiss Agency for Development and Cooperation",
        "SDC",
        "agency",
        "10",
        None,
        Some("CH"),
        "CHF",
    ),
    org(
        "mfa-denmark",
        "Ministry of Foreign Affairs of Denmark",
        "Danida",
        "ministry",
        "10",
        Some("XM-DAC-3-1"),
        Some("DK"),
        "DKK",
    ),
    org(
        "dfat",
        "Department of Foreign Affairs and Trade",
        "DFAT",
        "ministry",
        "10",
        Some("AU-5"),
        Some("AU"),
        "AUD",
    ),
    org(
        "koica",
        "Korea International Cooperation Agency",
        "KOICA",
        "agency",
        "10",
        None,
        Some("KR"),
        "KRW",
    ),
    org(
        "mhlw-japan",
        "Ministry of Health, Labour and Welfare of Japan",
        "MHLW",
        "ministry",
        "10",
        None,
        Some("JP"),
        "JPY",
    ),
    org(
        "aics",
        "Italian Agency for Development Cooperation",
        "AICS",
        "agency",
        "10",
        None,
        Some("IT"),
        "EUR",
    ),
    org(
        "aecid",
        "Spanish Agency for International Development Cooperation",
        "AECID",
        "agency",
        "10",
        None,
        Some("ES"),
        "EUR",
    ),
    org(
        "ciff",
        "Children's Investment Fund Foundation",
        "CIFF",
        "other",
        "60",
        None,
        Some("GB"),
        "USD",
    ),
    org(
        "mfa-finland",
        "Ministry for Foreign Affairs of Finland",
        "Finland's MFA",
        "ministry",
        "10",
        None,
        Some("FI"),
        "EUR",
    ),
    org(
        "enabel",
        "Enabel, the Belgian development agency",
        "Enabel",
        "agency",
        "10",
        None,
        Some("BE"),
        "EUR",
    ),
    org(
        "irish-aid",
        "Irish Aid",
        "Irish Aid",
        "agency",
        "10",
        None,
        Some("IE"),
        "EUR",
    ),
    org(
        "ada",
        "Austrian Development Agency",
        "ADA",
        "agency",
        "10",
        None,
        Some("AT"),
        "EUR",
    ),
    org(
        "mfat-nz",
        "Ministry of Foreign Affairs and Trade of New Zealand",
        "MFAT",
        "ministry",
        "10",
        None,
        Some("NZ"),
        "NZD",
    ),
    org(
        "luxdev",
        "Luxembourg Agency for Development Cooperation",
        "LuxDev",
        "agency",
        "10",
        None,
        Some("LU"),
        "EUR",
    ),
];

/// Second halves of synthetic donors' names, with their kind and IATI organisation type.
pub(super) const DONOR_SECOND: &[(&str, &str, &str)] = &[
    ("Foundation", "other", "60"),
    ("Development Fund", "fund", "15"),
    ("Philanthropies", "other", "60"),
    ("Family Trust", "other", "60"),
    ("Provincial Development Office", "government", "11"),
    ("Impact Fund", "fund", "70"),
];

/// Synthetic donors report in one of these: mostly dollars, euros and yen.
pub(super) const DONOR_CURRENCIES: &[&str] = &[
    "USD", "USD", "USD", "EUR", "EUR", "EUR", "JPY", "JPY", "GBP", "CHF",
];

/// Implementers, most active first: multilateral agencies and large international NGOs.
pub(super) const KNOWN_IMPLEMENTERS: &[KnownOrg] = &[
    org(
        "ilo",
        "International Labour Organization",
        "ILO",
        "multilateral",
        "40",
        Some("XM-DAC-41302"),
        None,
        "USD",
    ),
    org(
        "undp",
        "United Nations Development Programme",
        "UNDP",
        "multilateral",
        "40",
        Some("XM-DAC-41114"),
        None,
        "USD",
    ),
    org(
        "unicef",
        "United Nations Children's Fund",
        "UNICEF",
        "multilateral",
        "40",
        Some("XM-DAC-41122"),
        None,
        "USD",
    ),
    org(
        "wfp",
        "World Food Programme",
        "WFP",
        "multilateral",
        "40",
        Some("XM-DAC-41140"),
        None,
        "USD",
    ),
    org(
        "fao",
        "Food and Agriculture Organization of the United Nations",
        "FAO",
        "multilateral",
        "40",
        Some("XM-DAC-41301"),
        None,
        "USD",
    ),
    org(
        "unhcr",
        "Office of the United Nations High Commissioner for Refugees",
        "UNHCR",
        "multilateral",
        "40",
        Some("XM-DAC-41121"),
        None,
        "USD",
    ),
    org(
        "who",
        "World Health Organization",
        "WHO",
        "multilateral",
        "40",
        Some("XM-DAC-928"),
        None,
        "USD",
    ),
    org(
        "unfpa",
        "United Nations Population Fund",
        "UNFPA",
        "multilateral",
        "40",
        Some("XM-DAC-41119"),
        None,
        "USD",
    ),
    org(
        "oxfam-gb",
        "Oxfam GB",
        "Oxfam GB",
        "ngo",
        "21",
        Some("GB-CHC-202918"),
        Some("GB"),
        "GBP",
    ),
    org(
        "save-the-children-uk",
        "Save the Children UK",
        "Save the Children UK",
        "ngo",
        "21",
        Some("GB-CHC-213890"),
        Some("GB"),
        "GBP",
    ),
];

/// The data-file kind of a synthetic implementer named `{word} {second}`, from the second
/// half of its name and its IATI organisation type (`codes::NAME_SECOND`).
pub(super) fn implementer_kind(second: &str, iati_type: &str) -> &'static str {
    match (second, iati_type) {
        ("Workers' Network" | "Farmers' Union", _) => "workers_organization",
        ("Rural Livelihoods Association" | "Women's Cooperative", _) => "association",
        ("Statistics Institute", _) => "statistics_office",
        ("Regional Trust Fund", _) => "fund",
        ("Relief Committee", _) => "committee",
        (_, "70") => "company",
        (_, "80") => "other",
        _ => "ngo",
    }
}

/// How the directory describes an organisation of a kind.
pub(super) fn kind_phrase(kind: &str) -> &'static str {
    match kind {
        "government" => "a government",
        "ministry" => "a government ministry",
        "agency" => "a development agency",
        "multilateral" => "a multilateral organisation",
        "fund" => "a pooled fund",
        "ngo" => "a non-governmental organisation",
        "company" => "a private company",
        "statistics_office" => "a statistics institute",
        "workers_organization" => "a workers' organisation",
        "association" => "an association",
        "committee" => "a committee",
        _ => "a private foundation or institute",
    }
}

/// An OECD DAC region of the recipient countries (IATI region vocabulary 1).
pub(super) struct Region {
    pub code: &'static str,
    pub id: &'static str,
    pub name: &'static str,
}

pub(super) const REGIONS: &[Region] = &[
    Region {
        code: "189",
        id: "region-north-of-sahara",
        name: "North of Sahara",
    },
    Region {
        code: "289",
        id: "region-south-of-sahara",
        name: "South of Sahara",
    },
    Region {
        code: "389",
        id: "region-north-and-central-america",
        name: "North and Central America",
    },
    Region {
        code: "489",
        id: "region-south-america",
        name: "South America",
    },
    Region {
        code: "589",
        id: "region-middle-east",
        name: "Middle East",
    },
    Region {
        code: "619",
        id: "region-central-asia",
        name: "Central Asia",
    },
    Region {
        code: "679",
        id: "region-south-asia",
        name: "South Asia",
    },
    Region {
        code: "789",
        id: "region-far-east-asia",
        name: "Far East Asia",
    },
];

/// What a result counts.
#[derive(Clone, Copy)]
pub(super) enum Measure {
    /// A count of the unit (singular, as data files write it).
    Count(&'static str),
    /// A share, in per cent.
    Percent,
    /// Money, in the project's currency.
    Money,
}

/// A result a project may report: metric slug, the wording of what is counted, the measure,
/// and the range of plausible values.
pub(super) struct Metric {
    pub slug: &'static str,
    pub label: &'static str,
    pub measure: Measure,
    pub low: f64,
    pub high: f64,
}

const fn metric(
    slug: &'static str,
    label: &'static str,
    measure: Measure,
    low: f64,
    high: f64,
) -> Metric {
    Metric {
        slug,
        label,
        measure,
        low,
        high,
    }
}

use Measure::{Count, Money, Percent};

/// Results any project may report besides its theme's.
pub(super) const GENERIC_METRICS: &[Metric] = &[
    metric(
        "share_women",
        "share of women among the people reached",
        Percent,
        20.0,
        80.0,
    ),
    metric(
        "funds_mobilised",
        "mobilised from other partners",
        Money,
        2e4,
        2e6,
    ),
    metric(
        "staff_trained",
        "partner staff trained",
        Count("person"),
        10.0,
        2000.0,
    ),
];

/// A theme: its OECD DAC purpose code and the code's name (as in `src/model/dac.rs`), the
/// theme's name, a short name for programme names, project title openings, and results.
pub(super) struct Theme {
    pub dac: &'static str,
    pub dac_name: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub titles: &'static [&'static str],
    pub metrics: &'static [Metric],
}

/// One theme per DAC purpose code the loader knows, in `src/model/dac.rs` order.
pub(super) const THEMES: &[Theme] = &[
    Theme {
        dac: "11330",
        dac_name: "Vocational training",
        name: "Vocational training and skills",
        short: "Skills",
        titles: &[
            "Skills for employment",
            "Technical and vocational training",
            "Apprenticeships for young people",
        ],
        metrics: &[
            metric(
                "people_trained",
                "young people trained in vocational skills",
                Count("person"),
                50.0,
                20000.0,
            ),
            metric(
                "trainees_employed",
                "share of trainees employed six months after training",
                Percent,
                20.0,
                85.0,
            ),
            metric(
                "training_centres_supported",
                "training centres supported",
                Count("centre"),
                1.0,
                60.0,
            ),
        ],
    },
    Theme {
        dac: "11430",
        dac_name: "Advanced technical and managerial training",
        name: "Managerial and technical training",
        short: "Management Training",
        titles: &[
            "Management training for public servants",
            "Advanced technical training",
        ],
        metrics: &[
            metric(
                "managers_trained",
                "managers trained",
                Count("person"),
                20.0,
                3000.0,
            ),
            metric(
                "curricula_developed",
                "training curricula developed",
                Count("curriculum"),
                1.0,
                40.0,
            ),
        ],
    },
    Theme {
        dac: "14030",
        dac_name: "Basic drinking water supply and basic sanitation",
        name: "Water, sanitation and hygiene",
        short: "WASH",
        titles: &[
            "Rural water supply and sanitation",
            "Safe water for schools and clinics",
            "Sanitation and hygiene promotion",
        ],
        metrics: &[
            metric(
                "households_with_water",
                "households with access to safe drinking water",
                Count("household"),
                100.0,
                80000.0,
            ),
            metric(
                "toilets_built",
                "latrines and toilets built",
                Count("toilet"),
                10.0,
                15000.0,
            ),
            metric(
                "water_points_built",
                "water points and hand pumps installed",
                Count("pump"),
                5.0,
                2000.0,
            ),
        ],
    },
    Theme {
        dac: "15110",
        dac_name: "Public sector policy and administrative management",
        name: "Public sector management",
        short: "Governance",
        titles: &[
            "Public financial management reform",
            "Strengthening local government",
        ],
        metrics: &[
            metric(
                "officials_trained",
                "public officials trained",
                Count("person"),
                20.0,
                5000.0,
            ),
            metric(
                "reforms_adopted",
                "administrative reforms adopted",
                Count("reform"),
                1.0,
                25.0,
            ),
        ],
    },
    Theme {
        dac: "15150",
        dac_name: "Democratic participation and civil society",
        name: "Civil society participation",
        short: "Civil Society",
        titles: &[
            "Civil society participation",
            "Community voice and accountability",
        ],
        metrics: &[
            metric(
                "groups_supported",
                "civil society groups supported",
                Count("group"),
                3.0,
                800.0,
            ),
            metric(
                "people_reached",
                "people reached by community dialogues",
                Count("person"),
                200.0,
                150000.0,
            ),
        ],
    },
    Theme {
        dac: "15160",
        dac_name: "Human rights",
        name: "Human rights",
        short: "Human Rights",
        titles: &["Access to justice and human rights", "Legal aid for all"],
        metrics: &[metric(
            "people_given_legal_aid",
            "people given legal aid",
            Count("person"),
            50.0,
            40000.0,
        )],
    },
    Theme {
        dac: "15170",
        dac_name: "Women’s rights organisations and movements, and government institutions",
        name: "Women's rights and gender equality",
        short: "Gender Equality",
        titles: &[
            "Women's leadership and rights",
            "Ending gender-based violence",
        ],
        metrics: &[
            metric(
                "women_leaders_trained",
                "women leaders trained",
                Count("person"),
                20.0,
                8000.0,
            ),
            metric(
                "women_organisations_supported",
                "women's organisations supported",
                Count("organisation"),
                2.0,
                300.0,
            ),
        ],
    },
    Theme {
        dac: "15196",
        dac_name: "Government and civil society statistics and data",
        name: "Statistics and data",
        short: "Data",
        titles: &["Data for development", "Open data for local planning"],
        metrics: &[metric(
            "datasets_published",
            "datasets published",
            Count("dataset"),
            2.0,
            400.0,
        )],
    },
    Theme {
        dac: "15220",
        dac_name: "Civilian peace-building, conflict prevention and resolution",
        name: "Peacebuilding and conflict prevention",
        short: "Peacebuilding",
        titles: &[
            "Peacebuilding and social cohesion",
            "Community conflict prevention",
        ],
        metrics: &[
            metric(
                "peace_committees_formed",
                "local peace committees formed",
                Count("committee"),
                2.0,
                500.0,
            ),
            metric(
                "people_in_dialogues",
                "people taking part in dialogues",
                Count("person"),
                100.0,
                60000.0,
            ),
        ],
    },
    Theme {
        dac: "16010",
        dac_name: "Social Protection",
        name: "Social protection floors",
        short: "Social Protection",
        titles: &[
            "Social protection floors",
            "Cash transfers for vulnerable households",
            "Extending social security coverage",
        ],
        metrics: &[
            metric(
                "people_covered",
                "people covered by social protection schemes",
                Count("person"),
                500.0,
                900000.0,
            ),
            metric(
                "cash_transferred",
                "paid in cash transfers",
                Money,
                5e4,
                2e7,
            ),
        ],
    },
    Theme {
        dac: "16011",
        dac_name: "Social protection and welfare services policy, planning and administration",
        name: "Social protection policy",
        short: "Welfare Policy",
        titles: &["Social protection policy and planning"],
        metrics: &[metric(
            "policies_adopted",
            "social protection policies adopted",
            Count("policy"),
            1.0,
            12.0,
        )],
    },
    Theme {
        dac: "16015",
        dac_name: "Social services (incl youth development and women+ children)",
        name: "Social services for youth, women and children",
        short: "Social Services",
        titles: &[
            "Youth development services",
            "Services for women and children",
        ],
        metrics: &[metric(
            "children_reached",
            "children reached by social services",
            Count("person"),
            100.0,
            200000.0,
        )],
    },
    Theme {
        dac: "16020",
        dac_name: "Employment creation",
        name: "Decent jobs for young people",
        short: "Decent Jobs",
        titles: &[
            "Decent jobs for young people",
            "Youth employment promotion",
            "Jobs and livelihoods for rural youth",
        ],
        metrics: &[
            metric("jobs_created", "jobs created", Count("job"), 20.0, 30000.0),
            metric(
                "young_people_placed",
                "young people placed in jobs",
                Count("person"),
                20.0,
                15000.0,
            ),
        ],
    },
    Theme {
        dac: "16062",
        dac_name: "Statistical capacity building",
        name: "Statistical capacity building",
        short: "Statistics",
        titles: &["Labour force surveys", "Statistical capacity building"],
        metrics: &[metric(
            "surveys_completed",
            "household and labour force surveys completed",
            Count("survey"),
            1.0,
            30.0,
        )],
    },
    Theme {
        dac: "16070",
        dac_name: "Labour Rights",
        name: "Labour rights and fair recruitment",
        short: "Labour Rights",
        titles: &[
            "Fair recruitment of migrant workers",
            "Labour inspection and rights at work",
            "Ending child labour",
        ],
        metrics: &[
            metric(
                "labour_inspections",
                "labour inspections carried out",
                Count("inspection"),
                10.0,
                20000.0,
            ),
            metric(
                "migrant_workers_reached",
                "migrant workers reached with fair recruitment services",
                Count("person"),
                100.0,
                100000.0,
            ),
        ],
    },
    Theme {
        dac: "16080",
        dac_name: "Social Dialogue",
        name: "Social dialogue and industrial relations",
        short: "Social Dialogue",
        titles: &["Social dialogue and industrial relations"],
        metrics: &[metric(
            "collective_agreements",
            "collective agreements concluded",
            Count("agreement"),
            1.0,
            120.0,
        )],
    },
    Theme {
        dac: "21020",
        dac_name: "Road transport",
        name: "Rural roads",
        short: "Rural Roads",
        titles: &[
            "Rural roads and market access",
            "Labour-based road maintenance",
        ],
        metrics: &[
            metric(
                "road_km",
                "km of rural roads rehabilitated",
                Count("km"),
                5.0,
                3000.0,
            ),
            metric(
                "workdays_created",
                "workdays of employment created",
                Count("workday"),
                1000.0,
                2_000_000.0,
            ),
        ],
    },
    Theme {
        dac: "24040",
        dac_name: "Informal/semi-formal financial intermediaries",
        name: "Microfinance for informal workers",
        short: "Microfinance",
        titles: &[
            "Microfinance for informal workers",
            "Savings groups for women",
        ],
        metrics: &[
            metric(
                "microloans",
                "microloans granted",
                Count("loan"),
                50.0,
                100000.0,
            ),
            metric(
                "loans_disbursed",
                "disbursed in microloans",
                Money,
                1e4,
                1e7,
            ),
        ],
    },
    Theme {
        dac: "25010",
        dac_name: "Business Policy and Administration",
        name: "Business environment reform",
        short: "Business Environment",
        titles: &[
            "Business environment reform",
            "Simpler business registration",
        ],
        metrics: &[metric(
            "regulations_simplified",
            "business regulations simplified",
            Count("regulation"),
            1.0,
            60.0,
        )],
    },
    Theme {
        dac: "25030",
        dac_name: "Business development services",
        name: "Business development services",
        short: "Enterprise Services",
        titles: &[
            "Business development services",
            "Start and improve your business",
        ],
        metrics: &[metric(
            "entrepreneurs_trained",
            "entrepreneurs trained",
            Count("person"),
            20.0,
            20000.0,
        )],
    },
    Theme {
        dac: "25040",
        dac_name: "Responsible Business Conduct",
        name: "Responsible business conduct in supply chains",
        short: "Responsible Supply Chains",
        titles: &[
            "Responsible value chains",
            "Safety and health in supply chains",
        ],
        metrics: &[
            metric(
                "enterprises_osh",
                "enterprises applying occupational safety and health measures",
                Count("enterprise"),
                5.0,
                5000.0,
            ),
            metric(
                "workers_covered",
                "workers in enterprises with improved conditions",
                Count("person"),
                100.0,
                300000.0,
            ),
        ],
    },
    Theme {
        dac: "32130",
        dac_name: "Small and medium-sized enterprises (SME) development",
        name: "Small and medium-sized enterprise development",
        short: "SME",
        titles: &[
            "Small enterprise development",
            "Growing small and medium-sized enterprises",
        ],
        metrics: &[
            metric(
                "smes_supported",
                "small and medium-sized enterprises supported",
                Count("enterprise"),
                10.0,
                8000.0,
            ),
            metric(
                "sme_jobs_created",
                "jobs created in supported enterprises",
                Count("job"),
                20.0,
                25000.0,
            ),
        ],
    },
];

/// Syllables of made-up organisation names (`Kalomi Health Partners`).
pub(super) const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ta", "ne", "ru", "so", "ba", "di", "ke", "ma", "no", "pa", "se", "tu", "wa",
    "zi", "ye", "go", "fa",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_complete() {
        assert!(ALPHA3.windows(2).all(|w| w[0].0 < w[1].0));
        for c in super::super::super::codes::COUNTRIES {
            alpha3(c.code);
            assert!(REGIONS.iter().any(|r| r.code == c.region), "{}", c.code);
        }
        for c in DONOR_COUNTRIES {
            alpha3(c.code);
        }
        assert!(THEMES.windows(2).all(|w| w[0].dac < w[1].dac));
    }
}
