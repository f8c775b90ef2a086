//! The OECD DAC CRS purpose codes (IATI sector vocabulary 1) that the seed's themes may use.
//!
//! A curated subset: the codes that fit labour and development-cooperation work. A theme whose
//! `dac_code` is not listed here is reported by the loader, so a typo never reaches the graph.

/// `(code, name)`, sorted by code, names as in the IATI Sector codelist.
pub const DAC_PURPOSE_CODES: &[(&str, &str)] = &[
    ("11330", "Vocational training"),
    ("11430", "Advanced technical and managerial training"),
    ("14030", "Basic drinking water supply and basic sanitation"),
    (
        "15110",
        "Public sector policy and administrative management",
    ),
    ("15150", "Democratic participation and civil society"),
    ("15160", "Human rights"),
    (
        "15170",
        "Women’s rights organisations and movements, and government institutions",
    ),
    ("15196", "Government and civil society statistics and data"),
    (
        "15220",
        "Civilian peace-building, conflict prevention and resolution",
    ),
    ("16010", "Social Protection"),
    (
        "16011",
        "Social protection and welfare services policy, planning and administration",
    ),
    (
        "16015",
        "Social services (incl youth development and women+ children)",
    ),
    ("16020", "Employment creation"),
    ("16062", "Statistical capacity building"),
    ("16070", "Labour Rights"),
    ("16080", "Social Dialogue"),
    ("21020", "Road transport"),
    ("24040", "Informal/semi-formal financial intermediaries"),
    ("25010", "Business Policy and Administration"),
    ("25030", "Business development services"),
    ("25040", "Responsible Business Conduct"),
    (
        "32130",
        "Small and medium-sized enterprises (SME) development",
    ),
];

/// The IATI name of a known DAC purpose code.
pub fn dac_name(code: &str) -> Option<&'static str> {
    DAC_PURPOSE_CODES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| DAC_PURPOSE_CODES[i].1)
}
