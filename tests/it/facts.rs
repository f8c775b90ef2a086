//! Facts from the three sources, read back through the API with their value, unit,
//! currency, qualifier, precision and citation.

use serde_json::json;

use crate::app::TestApp;

#[tokio::test]
async fn china_loans_stay_in_yuan() {
    let d = TestApp::new()
        .data(
            r#"{ node(id: "outcome:china-employment-loan-amount") { ... on Outcome {
            value unit qualifier status money { amount currency } country { code }
            period { start { value precision earliest } end { value latest } text }
            citations { quote source { file } } } } }"#,
        )
        .await;
    let o = &d["node"];
    assert_eq!(
        o["money"],
        json!({ "amount": "27650000", "currency": "CNY" })
    );
    assert_eq!(o["unit"], "CNY");
    assert_eq!(o["qualifier"], "EXACT");
    assert_eq!(o["country"]["code"], "CN");
    assert_eq!(
        o["period"]["start"],
        json!({ "value": "FY2001", "precision": "FISCAL_YEAR", "earliest": "2001-04-01" })
    );
    assert_eq!(
        o["period"]["end"],
        json!({ "value": "FY2004", "latest": "2005-03-31" })
    );
    assert!(
        o["citations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["quote"].as_str().unwrap().contains("27,650,000"))
    );
    assert_eq!(
        o["citations"][0]["source"]["file"],
        "000_8917ea2243485748.txt"
    );
}

#[tokio::test]
async fn over_7000_youth_stays_a_lower_bound() {
    let d = TestApp::new()
        .data(r#"{ node(id: "outcome:ssn-cambodia-youth-trained-2021") { ... on Outcome {
            value qualifier isLowerBound country { code } period { start { value precision } } } } }"#)
        .await;
    assert_eq!(
        d["node"],
        json!({ "value": "7000", "qualifier": "OVER", "isLowerBound": true, "country": { "code": "KH" },
                "period": { "start": { "value": "2021", "precision": "YEAR" } } })
    );
}

#[tokio::test]
async fn japan_assessed_and_voluntary_contributions_to_the_ilo() {
    let d = TestApp::new()
        .data(r#"{ node(id: "org:gov-japan") { ... on Organization { iatiId
            funds(first: 50) { edges { node { id } contribution amount { amount currency } amountQualifier
              period { start { value } end { value } } } } } } }"#)
        .await;
    assert_eq!(d["node"]["iatiId"], "XM-DAC-701");
    let edges = d["node"]["funds"]["edges"].as_array().unwrap();
    let to_ilo = |kind: &str| {
        edges
            .iter()
            .find(|e| e["node"]["id"] == "org:ilo" && e["contribution"] == kind)
            .unwrap_or_else(|| panic!("no {kind} contribution to the ILO in {edges:#?}"))
    };
    let assessed = to_ilo("ASSESSED");
    assert_eq!(
        assessed["amount"],
        json!({ "amount": "225500000", "currency": "USD" })
    );
    assert_eq!(assessed["amountQualifier"], "EXACT");
    assert_eq!(
        assessed["period"],
        json!({ "start": { "value": "2016" }, "end": { "value": "2021" } })
    );
    let voluntary = edges
        .iter()
        .find(|e| e["node"]["id"] == "org:ilo" && e["amount"]["amount"] == "43500000")
        .expect("the voluntary contributions");
    assert_eq!(voluntary["amountQualifier"], "MORE_THAN");
}

#[tokio::test]
async fn meti_value_chain_phases_budgets_and_countries() {
    let d = TestApp::new()
        .data(
            r#"{ node(id: "project:rvc-asia-phase-2") { ... on Project {
            title budget { amount currency } budgetQualifier
            period { start { value precision } end { value precision } text }
            coordinator { name role }
            precededBy { nodes { id } }
            funders { nodes { id } }
            countries { edges { role node { code } } } } } }"#,
        )
        .await;
    let p = &d["node"];
    assert!(
        p["title"]
            .as_str()
            .unwrap()
            .starts_with("Building Responsible Value Chains in Asia")
    );
    assert_eq!(
        p["budget"],
        json!({ "amount": "2700000", "currency": "USD" })
    );
    assert_eq!(
        p["period"]["start"],
        json!({ "value": "2024-04-01", "precision": "DAY" })
    );
    assert_eq!(
        p["period"]["end"],
        json!({ "value": "2026-03-31", "precision": "DAY" })
    );
    assert_eq!(p["coordinator"]["name"], "Ms Yuki Kobayashi");
    assert_eq!(
        p["precededBy"]["nodes"],
        json!([{ "id": "project:rvc-asia-phase-1" }])
    );
    assert_eq!(p["funders"]["nodes"], json!([{ "id": "org:meti" }]));
    let countries = p["countries"]["edges"].as_array().unwrap();
    let partner: Vec<&str> = countries
        .iter()
        .filter(|e| e["role"].as_str().unwrap_or("").contains("partner"))
        .map(|e| e["node"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        partner,
        ["LA"],
        "only Lao PDR is listed under 'Partner countries'"
    );
    for code in ["IN", "LA", "MY", "JP"] {
        assert!(
            countries.iter().any(|e| e["node"]["code"] == code),
            "activities in {code}"
        );
    }

    let d = TestApp::new()
        .data(r#"{ node(id: "org:meti") { ... on Organization { funds { edges { node { id } amount { amount currency } period { start { value precision } } } } } } }"#)
        .await;
    let phase1 = d["node"]["funds"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["id"] == "project:rvc-asia-phase-1")
        .expect("METI funds phase I");
    assert_eq!(
        phase1["amount"],
        json!({ "amount": "6800000", "currency": "USD" })
    );
    assert_eq!(
        phase1["period"]["start"],
        json!({ "value": "2022-04", "precision": "MONTH" })
    );
}

#[tokio::test]
async fn mhlw_funds_the_cambodia_youth_project_through_the_ssn_fund() {
    let d = TestApp::new()
        .data(
            r#"{ node(id: "org:mhlw") { ... on Organization {
            fundedProjects(first: 50) { edges { via { id } node { id } } }
            direct: fundedProjects(indirect: false, first: 50) { nodes { id } } } } }"#,
        )
        .await;
    let edges = d["node"]["fundedProjects"]["edges"].as_array().unwrap();
    let youth = edges
        .iter()
        .find(|e| e["node"]["id"] == "project:ssn-cambodia-youth")
        .expect("reachable through the SSN Fund");
    assert_eq!(youth["via"], json!([{ "id": "programme:ssn-fund" }]));
    let direct = d["node"]["direct"]["nodes"].as_array().unwrap();
    assert!(!direct.contains(&json!({ "id": "project:ssn-cambodia-youth" })));
}

#[tokio::test]
async fn japan_ratified_49_conventions() {
    let d = TestApp::new()
        .data(r#"{ outcomes(where: { subject: "org:gov-japan", metric: "conventions_ratified" }) { nodes { value unit qualifier } } }"#)
        .await;
    assert_eq!(d["outcomes"]["nodes"][0]["value"], "49");
}

#[tokio::test]
async fn sudan_figures_are_targets_not_results() {
    let d = TestApp::new()
        .data(r#"{ node(id: "project:sudan-mayo") { ... on Project { outcomes { nodes { value unit status qualifier } } } } }"#)
        .await;
    let outcomes = d["node"]["outcomes"]["nodes"].as_array().unwrap();
    assert!(
        outcomes.iter().all(|o| o["status"] == "TARGET"),
        "{outcomes:#?}"
    );
    let km = outcomes
        .iter()
        .find(|o| o["unit"] == "km")
        .expect("the access roads");
    assert_eq!(km["value"], "3.25");
    let households = outcomes
        .iter()
        .find(|o| o["value"] == "11200")
        .expect("the households");
    assert_eq!(households["qualifier"], "OVER");
}

#[tokio::test]
async fn organisations_carry_their_iati_identifiers() {
    let d = TestApp::new()
        .data(
            r#"{ ilo: node(id: "org:ilo") { ... on Organization { iatiId kind } }
                   jica: node(id: "org:jica") { ... on Organization { iatiId kind } } }"#,
        )
        .await;
    assert_eq!(
        d["ilo"],
        json!({ "iatiId": "XM-DAC-41302", "kind": "MULTILATERAL" })
    );
    assert_eq!(
        d["jica"],
        json!({ "iatiId": "XM-DAC-701-8", "kind": "AGENCY" })
    );
}
