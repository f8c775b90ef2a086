//! API behaviour clients depend on: ids, pagination and its errors, filters, search, totals.

use serde_json::json;

use crate::app::TestApp;

#[tokio::test]
async fn node_resolves_global_ids_and_returns_null_for_unknown_ones() {
    let app = TestApp::new();
    let d = app
        .data(
            r#"{ a: node(id: "country:KH") { id ... on Country { code alpha3 name } }
                   b: node(id: "org:no-such-org") { id }
                   c: nodes(ids: ["org:mhlw", "project:nope", "theme:osh"]) { id } }"#,
        )
        .await;
    assert_eq!(
        d["a"],
        json!({ "id": "country:KH", "code": "KH", "alpha3": "KHM", "name": "Cambodia" })
    );
    assert_eq!(d["b"], json!(null));
    assert_eq!(
        d["c"],
        json!([{ "id": "org:mhlw" }, null, { "id": "theme:osh" }])
    );
}

#[tokio::test]
async fn a_malformed_id_is_an_invalid_id_error_with_its_path() {
    let e = TestApp::new().error(r#"{ node(id: "mhlw") { id } }"#).await;
    assert_eq!(e["extensions"]["code"], "INVALID_ID");
    assert_eq!(e["path"], json!(["node"]));
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("ids look like `org:mhlw`"),
        "{e}"
    );
}

#[tokio::test]
async fn pages_default_to_20_and_refuse_more_than_100() {
    let app = TestApp::new();
    let d = app
        .data("{ outcomes { totalCount edges { cursor } pageInfo { hasNextPage } } }")
        .await;
    assert!(d["outcomes"]["totalCount"].as_u64().unwrap() > 20);
    assert_eq!(d["outcomes"]["edges"].as_array().unwrap().len(), 20);
    assert_eq!(d["outcomes"]["pageInfo"]["hasNextPage"], true);

    // Refused before execution (400), with where and the maximum.
    let refused = |query: &'static str| {
        let app = &app;
        async move {
            let body = serde_json::json!({ "query": query }).to_string();
            let req = axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap();
            let reply = app.request(req).await;
            assert_eq!(reply.status, axum::http::StatusCode::BAD_REQUEST);
            reply.json()["errors"][0].clone()
        }
    };
    let e = refused("{ outcomes(first: 101) { totalCount } }").await;
    assert_eq!(e["extensions"]["code"], "PAGE_SIZE_TOO_LARGE");
    assert_eq!(e["extensions"]["maximum"], 100);
    assert_eq!(
        e["locations"],
        json!([{ "line": 1, "column": 19 }]),
        "at the value"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`first: 101` on `outcomes` is above the maximum page size of 100"),
        "{e}"
    );

    let e = refused(
        r#"{ node(id: "org:mhlw") { ... on Organization { funds(last: 1000) { totalCount } } } }"#,
    )
    .await;
    assert_eq!(e["extensions"]["code"], "PAGE_SIZE_TOO_LARGE");
}

/// Found by Schemathesis (tests/fuzz): literals that pass validation but not async-graphql's
/// coercion, an `Int` beyond 32 bits or a negative value for an unsigned argument, failed
/// when the field ran, with a path but no `extensions.code`.
#[tokio::test]
async fn arguments_out_of_their_type_range_are_invalid_argument_errors() {
    let app = TestApp::new();
    for (query, path) in [
        (
            "{ components(first: 2378578060259699712) { count } }",
            "components",
        ),
        ("{ communities(seed: -33554433) { count } }", "communities"),
        (
            "{ centrality(measure: BETWEENNESS, approximate: { pivots: 2, seed: -1 }) { totalCount } }",
            "centrality",
        ),
    ] {
        let e = app.error(query).await;
        assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT", "{query}: {e}");
        assert_eq!(e["path"], json!([path]), "{query}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .starts_with("Failed to parse \"Int\""),
            "{e}"
        );
    }
}

#[tokio::test]
async fn cursors_page_forward_and_backward_without_gaps() {
    let app = TestApp::new();
    let all = app
        .data("{ countries(first: 100) { nodes { code } } }")
        .await;
    let all: Vec<&str> = all["countries"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    let mut seen = Vec::new();
    let mut after = String::from("null");
    loop {
        let q = format!(
            "{{ countries(first: 5, after: {after}) {{ nodes {{ code }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let d = app.data(&q).await;
        let page = &d["countries"];
        seen.extend(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["code"].as_str().unwrap().to_string()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].to_string();
    }
    assert_eq!(seen, all);

    let last_two = app
        .data("{ countries(last: 2) { nodes { code } pageInfo { hasPreviousPage hasNextPage } } }")
        .await;
    assert_eq!(last_two["countries"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(
        last_two["countries"]["pageInfo"],
        json!({ "hasPreviousPage": true, "hasNextPage": false })
    );

    let e = app
        .error(r#"{ countries(after: "not-a-cursor") { totalCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_CURSOR");
}

#[tokio::test]
async fn search_ignores_case_and_accents_and_matches_prefixes() {
    let app = TestApp::new();
    for q in ["TURÍN", "turin", "Tur"] {
        let d = app
            .data(&format!(
                r#"{{ search(query: "{q}") {{ edges {{ node {{ id }} kind label }} }} }}"#
            ))
            .await;
        let ids: Vec<&str> = d["search"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"org:itcilo"), "{q}: {ids:?}");
    }
    let d = app
        .data(r#"{ search(query: "MHLW") { edges { node { id } score } } }"#)
        .await;
    assert_eq!(
        d["search"]["edges"][0]["node"]["id"], "org:mhlw",
        "the acronym ranks its owner first"
    );
    let e = app.error(r#"{ search(query: "  ") { totalCount } }"#).await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
}

#[tokio::test]
async fn filters_combine_and_report_bad_arguments() {
    let app = TestApp::new();
    let d = app.data(r#"{ projects(where: { country: "KH", funder: "org:mhlw" }, first: 50) { nodes { id } } }"#).await;
    let ids: Vec<&str> = d["projects"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"project:ssn-cambodia-youth"), "{ids:?}");
    assert!(ids.contains(&"project:women-employment-kh-vn"), "{ids:?}");
    assert!(!ids.contains(&"project:sudan-mayo"), "{ids:?}");

    let e = app
        .error(r#"{ projects(where: { country: "XX" }) { totalCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("ISO 3166-1 alpha-2")
    );
    let e = app
        .error(r#"{ projects(where: { theme: "org:mhlw" }) { totalCount } }"#)
        .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("must be the id of a theme"),
        "{e}"
    );
    let e = app
        .error(r#"{ projects(where: { active: { from: "2021-13" } }) { totalCount } }"#)
        .await;
    assert!(e["message"].as_str().unwrap().contains("month 13"), "{e}");
}

#[tokio::test]
async fn text_filters_ignore_case_and_accents() {
    let d = TestApp::new()
        .data(r#"{ organizations(where: { text: "LABOUR organ" }) { nodes { id } } }"#)
        .await;
    assert!(
        d["organizations"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "id": "org:ilo" }))
    );
}

#[tokio::test]
async fn projects_active_in_2021_respect_fiscal_years_and_open_ends() {
    let d = TestApp::new()
        .data(r#"{ projects(where: { active: { from: "2021", to: "2021" } }, first: 100) { nodes { id } } }"#)
        .await;
    let ids: Vec<&str> = d["projects"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"project:covid-prevention-indonesia"),
        "launched July 2021: {ids:?}"
    );
    assert!(
        !ids.contains(&"project:china-employment"),
        "FY2001-2004 ended March 2005: {ids:?}"
    );
    assert!(
        !ids.contains(&"project:rvc-asia-phase-2"),
        "starts April 2024: {ids:?}"
    );
}

#[tokio::test]
async fn funding_totals_never_add_currencies_and_flag_lower_bounds() {
    let d = TestApp::new()
        .data(r#"{ fundingTotals(groupBy: DONOR) { key node { id } totals { currency amount count includesLowerBounds } relationsWithoutAmount } }"#)
        .await;
    let groups = d["fundingTotals"].as_array().unwrap();
    for g in groups {
        let currencies: Vec<&str> = g["totals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["currency"].as_str().unwrap())
            .collect();
        let mut dedup = currencies.clone();
        dedup.dedup();
        assert_eq!(currencies, dedup, "one total per currency: {g}");
    }
    let japan = groups
        .iter()
        .find(|g| g["node"]["id"] == "org:gov-japan")
        .expect("Japan");
    let usd = &japan["totals"][0];
    assert_eq!(usd["currency"], "USD");
    assert_eq!(
        usd["amount"], "269000000",
        "225.5 million assessed + more than 43.5 million voluntary"
    );
    assert_eq!(usd["includesLowerBounds"], true);
}

#[tokio::test]
async fn outcome_totals_are_per_unit_and_country() {
    let d = TestApp::new()
        .data(r#"{ outcomeTotals(metric: "new_employees") { unit country { code } total count includesLowerBounds } }"#)
        .await;
    let totals = d["outcomeTotals"].as_array().unwrap();
    let vn = totals
        .iter()
        .find(|t| t["country"]["code"] == "VN")
        .expect("Viet Nam");
    assert_eq!(vn["total"], "824");
    let kh = totals
        .iter()
        .find(|t| t["country"]["code"] == "KH")
        .expect("Cambodia");
    assert_eq!(kh["total"], "219");
}

#[tokio::test]
async fn every_type_shows_its_citations() {
    let d = TestApp::new()
        .data(
            r#"{ node(id: "programme:ssn-fund") { ... on Programme { name established { value }
            citations { quote source { id } }
            funders { edges { node { id } contribution citations { quote } } } } } }"#,
        )
        .await;
    let p = &d["node"];
    assert_eq!(p["established"]["value"], "2011");
    assert!(!p["citations"].as_array().unwrap().is_empty());
    for e in p["funders"]["edges"].as_array().unwrap() {
        assert!(
            !e["citations"].as_array().unwrap().is_empty(),
            "relation without citation: {e}"
        );
    }
}

#[tokio::test]
async fn a_programme_funds_its_own_projects() {
    let d = TestApp::new()
        .data(r#"{ projects(where: { funder: "programme:ilo-japan-multibilateral" }) { nodes { id } } }"#)
        .await;
    let ids = d["projects"]["nodes"].as_array().unwrap();
    assert!(
        ids.contains(&json!({ "id": "project:china-employment" })),
        "{ids:?}"
    );
}

#[tokio::test]
async fn country_codes_match_in_any_case() {
    let d = TestApp::new()
        .data(r#"{ country(code: "kh") { id } node(id: "country:kh") { id } projects(where: { country: "kh" }) { totalCount } }"#)
        .await;
    assert_eq!(d["country"]["id"], "country:KH");
    assert_eq!(d["node"]["id"], "country:KH");
    assert!(d["projects"]["totalCount"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn relation_edges_say_which_way_they_point() {
    let d = TestApp::new()
        .data(
            r#"{ node(id: "programme:ssn-fund") { ... on Programme {
            relations(type: FUNDS, first: 100) { edges { direction node { id } } } } } }"#,
        )
        .await;
    let edges = d["node"]["relations"]["edges"].as_array().unwrap();
    let from_mhlw = edges
        .iter()
        .find(|e| e["node"]["id"] == "org:mhlw")
        .expect("MHLW funds the SSN Fund");
    assert_eq!(from_mhlw["direction"], "INCOMING");
    let to_youth = edges
        .iter()
        .find(|e| e["node"]["id"] == "project:ssn-cambodia-youth")
        .expect("the fund funds the project");
    assert_eq!(to_youth["direction"], "OUTGOING");
}

#[tokio::test]
async fn search_pages_by_cursor_and_refuses_foreign_cursors() {
    let app = TestApp::new();
    let whole = app
        .data(r#"{ search(query: "labour", first: 100) { totalCount edges { cursor score node { id } } } }"#)
        .await;
    let total = whole["search"]["totalCount"].as_u64().unwrap() as usize;
    let whole: Vec<(String, String, u64)> = whole["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["cursor"].as_str().unwrap().to_string(),
                e["node"]["id"].as_str().unwrap().to_string(),
                e["score"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(whole.len() > 6, "enough hits to page: {}", whole.len());
    assert_eq!(whole.len(), total);
    let mut seen = Vec::new();
    let mut after = String::from("null");
    loop {
        let d = app
            .data(&format!(
                r#"{{ search(query: "labour", first: 4, after: {after}) {{ totalCount edges {{ cursor score node {{ id }} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"#
            ))
            .await;
        let page = &d["search"];
        assert_eq!(page["totalCount"].as_u64().unwrap() as usize, total);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after != "null");
        seen.extend(page["edges"].as_array().unwrap().iter().map(|e| {
            (
                e["cursor"].as_str().unwrap().to_string(),
                e["node"]["id"].as_str().unwrap().to_string(),
                e["score"].as_u64().unwrap(),
            )
        }));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].to_string();
    }
    assert_eq!(seen, whole);

    // Kinds narrow the hits and the total.
    let d = app
        .data(r#"{ search(query: "labour", kinds: [THEME], first: 1) { totalCount nodes { id } pageInfo { hasNextPage } } }"#)
        .await;
    let themes = whole
        .iter()
        .filter(|(_, id, _)| id.starts_with("theme:"))
        .count();
    assert_eq!(d["search"]["totalCount"].as_u64().unwrap() as usize, themes);
    assert_eq!(d["search"]["pageInfo"]["hasNextPage"], themes > 1);

    // Not a cursor, the cursor of a node the query does not find, of a hit the kinds leave
    // out, or a global id spelt differently: each points into no list.
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    let org_hit = whole
        .iter()
        .find(|(_, id, _)| id.starts_with("org:"))
        .unwrap();
    for (cursor, kinds) in [
        ("not-a-cursor".to_string(), "null"),
        (b64("country:KH"), "null"),
        (b64("org:no-such-org"), "null"),
        (org_hit.0.clone(), "[THEME]"),
        (b64(&org_hit.1.to_uppercase()), "null"),
    ] {
        let e = app
            .error(&format!(
                r#"{{ search(query: "labour", kinds: {kinds}, after: "{cursor}") {{ totalCount }} }}"#
            ))
            .await;
        assert_eq!(e["extensions"]["code"], "INVALID_CURSOR", "{cursor}: {e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("does not point into this list")
        );
    }
    let e = app
        .error(r#"{ search(query: "labour", first: -1) { totalCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
}

#[tokio::test]
async fn search_finds_us_spellings_through_aliases() {
    let d = TestApp::new()
        .data(r#"{ search(query: "child labor") { nodes { id } } }"#)
        .await;
    assert!(
        d["search"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "id": "theme:child-labour" }))
    );
}

#[tokio::test]
async fn every_root_collection_takes_an_order() {
    let app = TestApp::new();
    let d = app
        .data(r#"{ byCode: countries(orderBy: { field: CODE }, first: 3) { nodes { code } }
                   byCodeDesc: countries(orderBy: { field: CODE, direction: DESC }, first: 1) { nodes { code } }
                   programmes(orderBy: { field: ESTABLISHED }, first: 1) { nodes { id established { value } } } }"#)
        .await;
    assert_eq!(
        d["byCode"]["nodes"],
        json!([{ "code": "BD" }, { "code": "CH" }, { "code": "CN" }])
    );
    assert_eq!(d["byCodeDesc"]["nodes"], json!([{ "code": "VN" }]));
    assert_eq!(
        d["programmes"]["nodes"][0]["established"]["value"], "2011",
        "the SSN Fund, established 2011, comes first"
    );
}
