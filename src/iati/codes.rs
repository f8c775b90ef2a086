//! The few IATI codelist entries the importer needs, with their names (IATI codelists, version
//! 2.03), and the table that makes an IATI organisation the seed's own node.
//!
//! The closed codelists the model keeps (roles, transaction types, activity status ...) are in
//! `model::iati`; organisation types in `model::iati::ORGANISATION_TYPES`; DAC 5-digit purpose
//! codes in `model::dac`.

use crate::model::OrgKind;

/// IATI organisation identifiers of seed organisations, for data sets whose seed does not
/// state them with `iati_id`: `(IATI ref, seed organisation id)`. A seed organisation's own
/// `iati_id` is used first; an entry whose seed id is not in the data set is ignored.
///
/// To extend: add the publisher's identifier from the IATI Registry (or the `ref` its
/// activity files use for the organisation) and the seed id; better still, add `iati_id` to the
/// organisation in the seed.
pub const SEED_ORGANISATIONS: &[(&str, &str)] = &[
    // International Labour Organization (OECD DAC multilateral code 41302).
    ("XM-DAC-41302", "ilo"),
    // Japan (DAC donor code 701): the Government of Japan.
    ("XM-DAC-701", "gov-japan"),
    // Japan International Cooperation Agency (DAC channel 701-8).
    ("XM-DAC-701-8", "jica"),
];

/// The kind of organisation an IATI OrganisationType code stands for.
pub fn org_kind(iati_type: Option<&str>) -> OrgKind {
    match iati_type {
        Some("10" | "11") => OrgKind::Government,
        Some("15") => OrgKind::Agency,
        Some("21" | "22" | "23" | "24") => OrgKind::Ngo,
        Some("40") => OrgKind::Multilateral,
        Some("70" | "71" | "72" | "73") => OrgKind::Company,
        _ => OrgKind::Other,
    }
}

/// IATI Region codelist (region vocabulary 1, OECD DAC): `(code, name)`, sorted by code as
/// text.
pub const DAC_REGIONS: &[(&str, &str)] = &[
    ("1027", "Eastern Africa, regional"),
    ("1028", "Middle Africa, regional"),
    ("1029", "Southern Africa, regional"),
    ("1030", "Western Africa, regional"),
    ("1031", "Caribbean, regional"),
    ("1032", "Central America, regional"),
    ("1033", "Melanesia, regional"),
    ("1034", "Micronesia, regional"),
    ("1035", "Polynesia, regional"),
    ("189", "North of Sahara, regional"),
    ("289", "South of Sahara, regional"),
    ("298", "Africa, regional"),
    ("380", "West Indies, regional"),
    ("389", "North and Central America, regional"),
    ("489", "South America, regional"),
    ("498", "America, regional"),
    ("589", "Middle East, regional"),
    ("619", "Central Asia, regional"),
    ("679", "South Asia, regional"),
    ("689", "South and Central Asia, regional"),
    ("789", "Far East Asia, regional"),
    ("798", "Asia, regional"),
    ("88", "States Ex-Yugoslavia unspecified"),
    ("889", "Oceania, regional"),
    ("89", "Europe, regional"),
    ("998", "Developing countries, unspecified"),
];

/// IATI RegionVocabulary codes.
pub const REGION_VOCABULARIES: &[&str] = &["1", "2", "99"];

/// IATI SectorCategory codelist (sector vocabulary 2, OECD DAC 3-digit): `(code, name)`,
/// sorted by code.
pub const DAC_SECTOR_CATEGORIES: &[(&str, &str)] = &[
    ("111", "Education, Level Unspecified"),
    ("112", "Basic Education"),
    ("113", "Secondary Education"),
    ("114", "Post-Secondary Education"),
    ("121", "Health, General"),
    ("122", "Basic Health"),
    ("123", "Non-communicable diseases (NCDs)"),
    (
        "130",
        "Population Policies/Programmes & Reproductive Health",
    ),
    ("140", "Water Supply & Sanitation"),
    ("151", "Government & Civil Society-general"),
    ("152", "Conflict, Peace & Security"),
    ("160", "Other Social Infrastructure & Services"),
    ("210", "Transport & Storage"),
    ("220", "Communications"),
    ("231", "Energy Policy"),
    ("232", "Energy generation, renewable sources"),
    ("233", "Energy generation, non-renewable sources"),
    ("234", "Hybrid energy plants"),
    ("235", "Nuclear energy plants"),
    ("236", "Energy distribution"),
    ("240", "Banking & Financial Services"),
    ("250", "Business & Other Services"),
    ("311", "Agriculture"),
    ("312", "Forestry"),
    ("313", "Fishing"),
    ("321", "Industry"),
    ("322", "Mineral Resources & Mining"),
    ("323", "Construction"),
    ("331", "Trade Policies & Regulations"),
    ("332", "Tourism"),
    ("410", "General Environment Protection"),
    ("430", "Other Multisector"),
    ("510", "General Budget Support"),
    ("520", "Development Food Assistance"),
    ("530", "Other Commodity Assistance"),
    ("600", "Action Relating to Debt"),
    ("720", "Emergency Response"),
    ("730", "Reconstruction Relief & Rehabilitation"),
    ("740", "Disaster Prevention & Preparedness"),
    ("910", "Administrative Costs of Donors"),
    ("930", "Refugees in Donor Countries"),
    ("998", "Unallocated / Unspecified"),
];

/// IATI SectorVocabulary codes.
pub const SECTOR_VOCABULARIES: &[&str] = &[
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "98", "99",
];

pub fn lookup(table: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(DAC_REGIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(DAC_SECTOR_CATEGORIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(lookup(DAC_REGIONS, "489"), Some("South America, regional"));
        assert_eq!(
            lookup(DAC_SECTOR_CATEGORIES, "112"),
            Some("Basic Education")
        );
    }
}
