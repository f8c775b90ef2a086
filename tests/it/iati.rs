//! IATI 2.03 import: the official annotated example read back through GraphQL, seed
//! organisations joined by their IATI identifiers, `import iati --out` giving a seed folder
//! that `check` accepts and that loads to the same records, located errors and warnings for
//! broken files, and a property that no input makes the importer panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock};

use aidgraph::graph::KnowledgeGraph;
use aidgraph::iati;
use aidgraph::model::Dataset;
use aidgraph::seed::{self, Diagnostics, Severity};
use proptest::prelude::*;
use serde_json::json;

use crate::app::TestApp;

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iati/activity-standard-example-annotated.xml")
}

static EXAMPLE: LazyLock<Vec<u8>> = LazyLock::new(|| std::fs::read(example_path()).unwrap());
static BASE: LazyLock<Dataset> = LazyLock::new(|| seed::load_embedded().unwrap());

fn import(xml: &str) -> Result<iati::Imported, Diagnostics> {
    iati::import_bytes("test.xml", xml.as_bytes(), &BASE)
}

fn graph_with(xml: &[u8]) -> Arc<KnowledgeGraph> {
    let imported = iati::import_bytes("example.xml", xml, &BASE).unwrap();
    Arc::new(KnowledgeGraph::build(iati::merge(
        BASE.clone(),
        imported.data,
    )))
}

const PROJECT: &str = "project:aa-aaa-123456789-abc123";

#[tokio::test]
async fn the_official_example_is_in_the_graph() {
    let app = TestApp::with_graph(graph_with(&EXAMPLE));
    let data = app
        .data(&format!(
            r#"{{ node(id: "{PROJECT}") {{ ... on Project {{
                iatiIdentifier title status hierarchy defaultCurrency language activityStatus
                period {{ start {{ value }} end {{ value }} }}
                activityDates {{ type date {{ value }} }}
                titles {{ lang text }}
                descriptions {{ type lang text }}
                budgets {{ type status period {{ start {{ value }} end {{ value }} }}
                           value {{ amount currency }} valueDate {{ value }} }}
                transactions {{ type incoming date {{ value }} value {{ amount currency }}
                    valueDate {{ value }} currencyStated description
                    provider {{ id iatiId iatiType }} providerActivityId
                    receiver {{ id }} receiverActivityId providerActivity {{ id }} }}
                relatedActivities {{ type iatiIdentifier project {{ id }} }}
                publishedBy {{ nodes {{ id iatiId iatiType iatiTypeName kind }} }}
                funders {{ edges {{ node {{ id }} iatiRole iatiActivityId
                                   transaction {{ type value {{ amount currency }} }} }} }}
                accountableOrganizations {{ edges {{ node {{ id name iatiType }} iatiRole iatiActivityId }} }}
                extendingOrganizations {{ edges {{ node {{ id }} iatiRole }} }}
                countries {{ edges {{ node {{ id name }} percentage }} }}
                regions {{ edges {{ node {{ id name iati {{ vocabulary code }} }} percentage }} }}
                themes {{ edges {{ node {{ id name iati {{ vocabulary code }} }} percentage }} }}
                outcomes {{ nodes {{ status value unit label note
                    period {{ start {{ value }} end {{ value }} }}
                    indicator {{ result resultType resultTitle number title measure ascending }} }} }}
            }} }} }}"#
        ))
        .await;
    let p = &data["node"];
    assert_eq!(p["iatiIdentifier"], "AA-AAA-123456789-ABC123");
    assert_eq!(p["title"], "Activity title");
    assert_eq!(p["status"], "ONGOING");
    assert_eq!(p["activityStatus"], "IMPLEMENTATION");
    assert_eq!(p["hierarchy"], 1);
    assert_eq!(p["defaultCurrency"], "USD");
    assert_eq!(p["language"], "en");
    assert_eq!(
        p["period"],
        json!({ "start": { "value": "2012-04-28" }, "end": { "value": "2015-12-31" } })
    );
    assert_eq!(
        p["activityDates"],
        json!([
            { "type": "PLANNED_START", "date": { "value": "2012-04-15" } },
            { "type": "ACTUAL_START", "date": { "value": "2012-04-28" } },
            { "type": "PLANNED_END", "date": { "value": "2015-12-31" } },
        ])
    );
    assert_eq!(
        p["titles"],
        json!([
            { "lang": "en", "text": "Activity title" },
            { "lang": "fr", "text": "Titre de l'activité" },
            { "lang": "es", "text": "Título de la actividad" },
        ])
    );
    let descriptions = p["descriptions"].as_array().unwrap();
    assert_eq!(descriptions.len(), 6);
    assert_eq!(
        descriptions[3],
        json!({ "type": "OBJECTIVES", "lang": "fr",
                "text": "Objectifs de l'activité, par exemple à partir d'un cadre logique." })
    );
    assert_eq!(
        p["budgets"],
        json!([{ "type": "ORIGINAL", "status": "INDICATIVE",
                 "period": { "start": { "value": "2014-01-01" }, "end": { "value": "2014-12-31" } },
                 "value": { "amount": "3000", "currency": "EUR" },
                 "valueDate": { "value": "2014-01-01" } }])
    );
    assert_eq!(
        p["transactions"],
        json!([{ "type": "INCOMING_FUNDS", "incoming": true, "date": { "value": "2012-01-01" },
                 "value": { "amount": "1000", "currency": "EUR" },
                 "valueDate": { "value": "2012-01-01" }, "currencyStated": true,
                 "description": "Transaction description text",
                 "provider": { "id": "org:bb-bbb-123456789", "iatiId": "BB-BBB-123456789", "iatiType": "40" },
                 "providerActivityId": "BB-BBB-123456789-1234AA",
                 "receiver": { "id": "org:aa-aaa-123456789" },
                 "receiverActivityId": "AA-AAA-123456789-1234",
                 "providerActivity": null }])
    );
    assert_eq!(
        p["relatedActivities"],
        json!([{ "type": "PARENT", "iatiIdentifier": "AA-AAA-123456789-6789", "project": null }])
    );
    assert_eq!(
        p["publishedBy"]["nodes"],
        json!([{ "id": "org:aa-aaa-123456789", "iatiId": "AA-AAA-123456789", "iatiType": "40",
                 "iatiTypeName": "Multilateral", "kind": "MULTILATERAL" }])
    );
    // Agency B funds the activity twice over: as participating-org role 1, and through the
    // incoming-funds transaction it provides.
    assert_eq!(
        p["funders"]["edges"],
        json!([
            { "node": { "id": "org:bb-bbb-123456789" }, "iatiRole": "FUNDING",
              "iatiActivityId": "BB-BBB-123456789-1234", "transaction": null },
            { "node": { "id": "org:bb-bbb-123456789" }, "iatiRole": null, "iatiActivityId": null,
              "transaction": { "type": "INCOMING_FUNDS", "value": { "amount": "1000", "currency": "EUR" } } },
        ])
    );
    assert_eq!(
        p["accountableOrganizations"]["edges"],
        json!([{ "node": { "id": "org:cc-ccc-123456789", "name": "Name of Agency C", "iatiType": "10" },
                 "iatiRole": "ACCOUNTABLE", "iatiActivityId": "CC-CCC-123456789-1234" }])
    );
    assert_eq!(
        p["extendingOrganizations"]["edges"],
        json!([{ "node": { "id": "org:aa-aaa-123456789" }, "iatiRole": "EXTENDING" }])
    );
    assert_eq!(
        p["countries"]["edges"],
        json!([
            { "node": { "id": "country:AF", "name": "Afghanistan" }, "percentage": "25" },
            { "node": { "id": "country:AG", "name": "Antigua and Barbuda" }, "percentage": "25" },
        ])
    );
    assert_eq!(
        p["regions"]["edges"],
        json!([
            { "node": { "id": "region:iati-region-1-489", "name": "South America, regional",
                        "iati": { "vocabulary": "1", "code": "489" } }, "percentage": "25" },
            { "node": { "id": "region:iati-region-99-a1", "name": "Region A1 (IATI region vocabulary 99)",
                        "iati": { "vocabulary": "99", "code": "A1" } }, "percentage": "25" },
        ])
    );
    assert_eq!(
        p["themes"]["edges"],
        json!([
            { "node": { "id": "theme:iati-sector-2-111", "name": "Education, Level Unspecified",
                        "iati": { "vocabulary": "2", "code": "111" } }, "percentage": "50" },
            { "node": { "id": "theme:iati-sector-2-112", "name": "Basic Education",
                        "iati": { "vocabulary": "2", "code": "112" } }, "percentage": "50" },
            { "node": { "id": "theme:iati-sector-99-a1", "name": "A description of the sector",
                        "iati": { "vocabulary": "99", "code": "A1" } }, "percentage": "100" },
        ])
    );
    let indicator = json!({ "result": 1, "resultType": "OUTPUT", "resultTitle": "Result title",
        "number": 1, "title": "Indicator title", "measure": "UNIT", "ascending": true });
    assert_eq!(
        p["outcomes"]["nodes"],
        json!([
            { "status": "BASELINE", "value": "10", "unit": "unit", "label": "Indicator title",
              "note": "Baseline comment text", "indicator": indicator,
              "period": { "start": { "value": "2012-01-01" }, "end": { "value": "2012-01-01" } } },
            { "status": "TARGET", "value": "10", "unit": "unit", "label": "Indicator title",
              "note": "Target comment text", "indicator": indicator,
              "period": { "start": { "value": "2013-01-01" }, "end": { "value": "2013-03-31" } } },
            { "status": "ACHIEVED", "value": "11", "unit": "unit", "label": "Indicator title",
              "note": "Actual comment text", "indicator": indicator,
              "period": { "start": { "value": "2013-01-01" }, "end": { "value": "2013-03-31" } } },
        ])
    );
}

#[tokio::test]
async fn imported_facts_cite_the_raw_xml() {
    let app = TestApp::with_graph(graph_with(&EXAMPLE));
    let data = app
        .data(&format!(
            r#"{{ node(id: "{PROJECT}") {{ ... on Project {{
                citations {{ quote source {{ id title }} }}
                countries {{ edges {{ citations {{ quote }} }} }} }} }} }}"#
        ))
        .await;
    assert_eq!(
        data["node"]["citations"],
        json!([{ "quote": "<iati-identifier>AA-AAA-123456789-ABC123</iati-identifier>",
                 "source": { "id": "source:iati-example", "title": "IATI file example.xml" } }])
    );
    assert_eq!(
        data["node"]["countries"]["edges"][0]["citations"],
        json!([{ "quote": "<recipient-country code=\"AF\" percentage=\"25\" />" }])
    );
}

const SEED_JOIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-41302-JPN-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>International Labour Organization</narrative></reporting-org>
  <title><narrative>Skills for &amp; with Japan</narrative></title>
  <participating-org ref="XM-DAC-701-8" role="1" type="10"><narrative>JICA</narrative></participating-org>
  <participating-org ref="XM-DAC-41302" role="4" type="40"/>
  <activity-status code="2"/>
  <recipient-country code="KH" percentage="100"/>
  <sector vocabulary="1" code="16070"/>
  <transaction>
   <transaction-type code="3"/>
   <transaction-date iso-date="2020-05-01"/>
   <value value-date="2020-05-01">2500.50</value>
   <receiver-org ref="XM-DAC-41302" receiver-activity-id="XM-DAC-41302-JPN-2"><narrative>ILO</narrative></receiver-org>
  </transaction>
  <related-activity ref="XM-DAC-41302-JPN-2" type="2"/>
 </iati-activity>
 <iati-activity>
  <iati-identifier>XM-DAC-41302-JPN-2</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>Sub-project</narrative></title>
 </iati-activity>
</iati-activities>
"#;

#[tokio::test]
async fn seed_organisations_countries_and_themes_are_joined_not_copied() {
    let imported = import(SEED_JOIN).unwrap();
    let new_orgs: Vec<&str> = imported
        .data
        .organizations
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    // ILO and JICA are the seed's nodes.
    assert!(new_orgs.is_empty(), "{new_orgs:?}");
    assert!(imported.data.countries.is_empty(), "KH is the seed's");
    assert!(
        imported.data.themes.is_empty(),
        "16070 is the seed's labour-rights theme"
    );

    let app = TestApp::with_graph(graph_with(SEED_JOIN.as_bytes()));
    let data = app
        .data(
            r#"{ ilo: node(id: "org:ilo") { ... on Organization {
                   name publishes { nodes { id title iatiIdentifier } }
                   implements(last: 1) { edges { node { id } iatiRole } } } }
                 jica: node(id: "org:jica") { ... on Organization {
                   funds { edges { node { id } iatiRole } } } }
                 p: node(id: "project:xm-dac-41302-jpn-1") { ... on Project {
                   countries { nodes { id } } themes { nodes { dacCode } }
                   funds { edges { node { id } transaction { type value { amount currency }
                       currencyStated receiverActivity { id } } } }
                   relatedProjects { edges { node { id } relatedActivityType } } } } }"#,
        )
        .await;
    assert_eq!(data["ilo"]["name"], "International Labour Organization");
    assert_eq!(
        data["ilo"]["publishes"]["nodes"],
        json!([
            { "id": "project:xm-dac-41302-jpn-1", "title": "Skills for & with Japan", "iatiIdentifier": "XM-DAC-41302-JPN-1" },
            { "id": "project:xm-dac-41302-jpn-2", "title": "Sub-project", "iatiIdentifier": "XM-DAC-41302-JPN-2" },
        ])
    );
    assert_eq!(
        data["ilo"]["implements"]["edges"],
        json!([{ "node": { "id": "project:xm-dac-41302-jpn-1" }, "iatiRole": "IMPLEMENTING" }])
    );
    assert_eq!(
        data["jica"]["funds"]["edges"],
        json!([{ "node": { "id": "project:xm-dac-41302-jpn-1" }, "iatiRole": "FUNDING" }])
    );
    let p = &data["p"];
    assert_eq!(p["countries"]["nodes"], json!([{ "id": "country:KH" }]));
    assert_eq!(p["themes"]["nodes"], json!([{ "dacCode": "16070" }]));
    // The disbursement names the receiver's activity, which is loaded: money is traced to it.
    assert_eq!(
        p["funds"]["edges"],
        json!([{ "node": { "id": "project:xm-dac-41302-jpn-2" },
                 "transaction": { "type": "DISBURSEMENT", "value": { "amount": "2500.50", "currency": "USD" },
                                  "currencyStated": false,
                                  "receiverActivity": { "id": "project:xm-dac-41302-jpn-2" } } }])
    );
    assert_eq!(
        p["relatedProjects"]["edges"],
        json!([{ "node": { "id": "project:xm-dac-41302-jpn-2" }, "relatedActivityType": "CHILD" }])
    );
}

fn aidgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aidgraph"))
}

/// Sorted `Debug` lines of every record, without source texts (a folder carries them, an
/// import does not): equal when two data sets hold the same records.
pub fn records(mut data: Dataset) -> Vec<String> {
    for s in &mut data.sources {
        s.text = None;
    }
    let mut out: Vec<String> = Vec::new();
    out.extend(data.sources.iter().map(|x| format!("{x:?}")));
    out.extend(data.organizations.iter().map(|x| format!("{x:?}")));
    out.extend(data.programmes.iter().map(|x| format!("{x:?}")));
    out.extend(data.projects.iter().map(|x| format!("{x:?}")));
    out.extend(data.countries.iter().map(|x| format!("{x:?}")));
    out.extend(data.regions.iter().map(|x| format!("{x:?}")));
    out.extend(data.themes.iter().map(|x| format!("{x:?}")));
    out.extend(data.outcomes.iter().map(|x| format!("{x:?}")));
    out.extend(data.relations.iter().map(|x| format!("{x:?}")));
    out.sort();
    out
}

#[test]
fn import_writes_a_seed_folder_that_check_accepts_and_loads_to_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let join = dir.path().join("join.xml");
    std::fs::write(&join, SEED_JOIN).unwrap();
    let out = dir.path().join("out");
    let run = aidgraph()
        .args(["import", "iati"])
        .arg(example_path())
        .arg(&join)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        out.join("sources/activity-standard-example-annotated.xml")
            .exists()
    );
    assert!(out.join("iati.toml").exists());

    let check = aidgraph().arg("check").arg(&out).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let files = iati::files(&[example_path(), join]).unwrap();
    let served = iati::merge(
        BASE.clone(),
        iati::import(&files, &BASE, false).unwrap().data,
    );
    let folder = seed::load_dir(&out).unwrap();
    assert_eq!(records(folder), records(served));
}

#[test]
fn check_and_import_refuse_malformed_xml_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    let text = String::from_utf8(EXAMPLE.clone()).unwrap();
    let cut = text[..text.len() / 2].rfind('\n').unwrap() + 1;
    std::fs::write(&bad, &text[..cut]).unwrap();
    let check = aidgraph()
        .arg("check")
        .arg("--iati")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains(&format!("{}:", bad.display()))
            && stderr.contains(": error: the file ends inside <"),
        "{stderr}"
    );
    let import = aidgraph()
        .args(["import", "iati"])
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(import.status.code(), Some(1));
    assert!(!dir.path().join("out/iati.toml").exists());
}

fn errors(xml: &str) -> Vec<String> {
    import(xml)
        .unwrap_err()
        .0
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

fn warnings(xml: &str) -> Vec<String> {
    import(xml)
        .unwrap()
        .warnings
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn broken_xml_is_a_located_error() {
    for (xml, expected) in [
        // Truncated in the middle of an activity.
        (
            "<iati-activities>\n <iati-activity>\n  <iati-identifier>X-1</iati-identifier>\n",
            "test.xml:4:1: error: the file ends inside <iati-activity> (opened at line 2, column 2): truncated XML",
        ),
        // Truncated inside a tag.
        ("<iati-activities>\n <iati-activity\n", "test.xml:2:"),
        // Mismatched end tag.
        (
            "<iati-activities>\n<iati-activity>\n</iati-identifier>\n",
            "test.xml:3:1: error: malformed XML",
        ),
        (
            "not xml at all",
            "test.xml:1:1: error: no XML element in this file",
        ),
        (
            "<html><body/></html>",
            "test.xml:1:1: error: <html> is not an IATI file's root",
        ),
        (
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><iati-activities/>",
            "error: encoding `iso-8859-1` is not supported",
        ),
    ] {
        let errs = errors(xml);
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "{xml:?}: {errs:?}"
        );
    }
}

#[test]
fn entities_are_never_expanded() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<iati-activities><iati-activity><iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>
"#;
    let errs = errors(laughs);
    assert!(
        errs.iter()
            .any(|e| e.starts_with("test.xml:2:1: error: DOCTYPE with entity declarations")),
        "{errs:?}"
    );
    let external = "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><iati-activities/>";
    assert!(errors(external)[0].contains("DOCTYPE with entity declarations or an external DTD"));

    // Without a DOCTYPE, an entity reference is dropped with a warning, never resolved.
    let xml = "<iati-activities>\n<iati-activity>\n<iati-identifier>A-1</iati-identifier>\n\
               <reporting-org ref=\"A\"><narrative>x</narrative></reporting-org>\n\
               <title><narrative>T &ent; &amp; &#x41;</narrative></title>\n</iati-activity>\n</iati-activities>";
    let imported = import(xml).unwrap();
    assert_eq!(imported.data.projects[0].title, "T  & A");
    assert!(
        imported.warnings[0]
            .to_string()
            .starts_with("test.xml:5:21: warning: entity `&ent;` not expanded: dropped"),
        "{:?}",
        imported.warnings
    );
    let attr = "<iati-activities><iati-activity default-currency=\"&x;\"><iati-identifier>A</iati-identifier></iati-activity></iati-activities>";
    assert!(
        warnings(attr)
            .iter()
            .any(|w| w.contains("attribute `default-currency` of <iati-activity> ignored"))
    );
}

#[test]
fn wrong_codes_and_missing_elements_are_located_warnings_and_the_rest_is_imported() {
    let xml = r#"<iati-activities version="2.03">
 <iati-activity>
  <title><narrative>No identifier</narrative></title>
 </iati-activity>
 <iati-activity default-currency="ZZZ" hierarchy="top">
  <iati-identifier>B-1</iati-identifier>
  <participating-org ref="C-1" role="9"/>
  <participating-org role="1"/>
  <activity-status code="42"/>
  <activity-date iso-date="2012-02-30" type="1"/>
  <recipient-country code="XX"/>
  <recipient-country code="KH" percentage="250"/>
  <recipient-region code="999999" vocabulary="1"/>
  <sector vocabulary="77" code="1"/>
  <sector vocabulary="1" code="99999"/>
  <transaction><transaction-type code="99"/><value>1</value></transaction>
  <transaction><transaction-type code="1"/><value currency="EUR">-5</value></transaction>
  <related-activity ref="B-0" type="7"/>
 </iati-activity>
</iati-activities>
"#;
    let imported = import(xml).unwrap();
    let warnings: Vec<String> = imported.warnings.iter().map(|d| d.to_string()).collect();
    for expected in [
        "test.xml:2:2: warning: <iati-activity> without <iati-identifier>: skipped",
        "test.xml:5:2: warning: unknown currency `ZZZ` in <iati-activity>",
        "test.xml:5:2: warning: hierarchy `top` is not a whole number",
        "test.xml:5:2: warning: activity `B-1` has no title",
        "test.xml:5:2: warning: activity `B-1` has no <reporting-org>",
        "test.xml:7:3: warning: unknown organisation role `9`",
        "test.xml:8:3: warning: <participating-org> has neither `ref` nor a name",
        "test.xml:9:3: warning: unknown activity status `42`",
        "test.xml:10:3: warning: `iso-date` of <activity-date>: `2012-02-30` is an impossible date",
        "test.xml:11:3: warning: `XX` is not an ISO 3166-1 alpha-2 country code",
        "test.xml:12:3: warning: percentage `250` of <recipient-country> is not between 0 and 100",
        "test.xml:13:3: warning: unknown OECD DAC region code `999999`",
        "test.xml:14:3: warning: unknown sector vocabulary `77`",
        "test.xml:15:3: warning: DAC 5-digit purpose code `99999` is not in aidgraph's list",
        "test.xml:16:16: warning: unknown transaction type `99`",
        "test.xml:17:44: warning: negative value `-5` in <value>",
        "test.xml:18:3: warning: unknown related activity type `7`",
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(expected)),
            "missing {expected:?} in {warnings:#?}"
        );
    }
    // The rest is imported: the activity, Cambodia (without the bad percentage), the region
    // and sector under their codes.
    let d = &imported.data;
    assert_eq!(d.projects.len(), 1);
    assert_eq!(d.projects[0].title, "B-1");
    assert!(
        d.relations
            .iter()
            .any(|r| r.to == "KH" && r.percentage.is_none())
    );
    assert_eq!(
        d.regions[0].name,
        "Region 999999 (IATI region vocabulary 1)"
    );
    assert_eq!(d.themes[0].name, "Sector 99999 (IATI sector vocabulary 1)");
}

#[test]
fn organisation_files_add_organisations() {
    let xml = r#"<iati-organisations version="2.03">
 <iati-organisation>
  <organisation-identifier>GB-COH-123</organisation-identifier>
  <name><narrative>Example Charity</narrative></name>
  <reporting-org ref="GB-COH-123" type="21"><narrative>Example Charity</narrative></reporting-org>
 </iati-organisation>
 <iati-organisation>
  <organisation-identifier>XM-DAC-41302</organisation-identifier>
  <name><narrative>ILO</narrative></name>
 </iati-organisation>
</iati-organisations>"#;
    let d = import(xml).unwrap().data;
    assert_eq!(d.organizations.len(), 1, "the ILO is the seed's");
    let o = &d.organizations[0];
    assert_eq!(
        (o.id.as_str(), o.name.as_str(), o.iati_type.as_deref()),
        ("gb-coh-123", "Example Charity", Some("21"))
    );
    assert_eq!(
        o.cite[0].quote,
        "<organisation-identifier>GB-COH-123</organisation-identifier>"
    );
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Every diagnostic points at a line of the input.
fn located(
    bytes: &[u8],
    result: &Result<iati::Imported, Diagnostics>,
) -> Result<(), TestCaseError> {
    let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    let diags = match result {
        Ok(i) => &i.warnings,
        Err(d) => &d.0,
    };
    for d in diags {
        prop_assert!(
            d.loc.line >= 1 && d.loc.line <= lines,
            "{d} (file has {lines} lines)"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let result = iati::import_bytes("fuzz.xml", &bytes, &BASE);
        located(&bytes, &result)?;
    }

    #[test]
    fn mutated_examples_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..8),
    ) {
        let mut bytes = EXAMPLE.clone();
        for (at, op, byte) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => { bytes.remove(i); }
                1 => bytes.insert(i, byte),
                2 => bytes[i] = byte,
                _ => bytes.truncate(i),
            }
        }
        let result = iati::import_bytes("fuzz.xml", &bytes, &BASE);
        located(&bytes, &result)?;
        if let Ok(imported) = result {
            // Whatever survives still builds a graph.
            let _ = KnowledgeGraph::build(iati::merge(BASE.clone(), imported.data));
        }
    }
}
