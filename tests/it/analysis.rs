//! The researcher's toolkit through GraphQL: paths, neighbourhoods, centralities,
//! communities, components, the donor network and funding flows, on the built-in seed, with
//! expectations taken from the sources or recomputed from the graph itself.

use std::collections::{BTreeSet, HashSet};

use aidgraph::graph::{Incoming, Outgoing};
use serde_json::{Value, json};

use crate::app::{TestApp, seed_graph};

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_string())
        .collect()
}

#[tokio::test]
async fn meti_reaches_malaysia_through_its_value_chains_project() {
    // Source 002: METI funds Phase II; its partner countries include Malaysia.
    let d = TestApp::new()
        .data(
            r#"{ shortestPath(from: "org:meti", to: "country:MY", direction: DIRECTED) {
                length nodes { id } relations { type forward from { id } to { id } citations { quote } } } }"#,
        )
        .await;
    let p = &d["shortestPath"];
    assert_eq!(p["length"], 2);
    assert_eq!(
        ids(&p["nodes"]),
        ["org:meti", "project:rvc-asia-phase-2", "country:MY"]
    );
    assert_eq!(p["relations"][0]["type"], "FUNDS");
    assert_eq!(p["relations"][1]["type"], "IN_COUNTRY");
    assert_eq!(p["relations"][1]["forward"], true);
    assert!(
        !p["relations"][0]["citations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn undirected_paths_follow_relations_backwards_and_say_so() {
    // Malaysia to METI only exists against the relations' direction.
    let app = TestApp::new();
    let d = app
        .data(
            r#"{ d: shortestPath(from: "country:MY", to: "org:meti", direction: DIRECTED) { length }
                 u: shortestPath(from: "country:MY", to: "org:meti") { length relations { forward } } }"#,
        )
        .await;
    assert_eq!(d["d"], Value::Null);
    assert_eq!(d["u"]["length"], 2);
    assert_eq!(
        d["u"]["relations"],
        json!([{ "forward": false }, { "forward": false }])
    );
}

#[tokio::test]
async fn shortest_path_is_null_past_max_length_and_respects_types() {
    let app = TestApp::new();
    let d = app
        .data(
            r#"{ short: shortestPath(from: "org:meti", to: "country:MY", maxLength: 1) { length }
                 funds: shortestPath(from: "org:meti", to: "country:MY", types: [FUNDS]) { length }
                 same: shortestPath(from: "org:meti", to: "org:meti") { length nodes { id } }
                 orgs: shortestPath(from: "org:meti", to: "country:MY", kinds: [ORGANIZATION, PROGRAMME]) { length }
                 projects: shortestPath(from: "org:meti", to: "country:MY", kinds: [PROJECT]) { length } }"#,
        )
        .await;
    // Only projects link METI to Malaysia: the ends always count, the middle must be kept.
    assert_eq!(d["orgs"], Value::Null);
    assert_eq!(d["projects"]["length"], 2);
    assert_eq!(d["short"], Value::Null);
    assert_eq!(d["funds"], Value::Null, "IN_COUNTRY is not followed");
    assert_eq!(
        d["same"],
        json!({ "length": 0, "nodes": [{ "id": "org:meti" }] })
    );
}

#[tokio::test]
async fn paths_are_simple_distinct_and_shortest_first() {
    let d = TestApp::new()
        .data(r#"{ paths(from: "org:meti", to: "country:MY", maxLength: 4, first: 50) { length nodes { id } } }"#)
        .await;
    let paths = d["paths"].as_array().unwrap();
    assert!(paths.len() >= 2, "{d}");
    let mut seen = HashSet::new();
    let mut last = 0;
    for p in paths {
        let nodes = ids(&p["nodes"]);
        let len = p["length"].as_u64().unwrap();
        assert_eq!(nodes.len() as u64, len + 1);
        assert!(len >= last, "shortest first");
        last = len;
        assert_eq!(nodes.first().unwrap(), "org:meti");
        assert_eq!(nodes.last().unwrap(), "country:MY");
        let distinct: HashSet<_> = nodes.iter().collect();
        assert_eq!(distinct.len(), nodes.len(), "simple: {nodes:?}");
        assert!(seen.insert(nodes.clone()), "listed twice: {nodes:?}");
    }
}

#[tokio::test]
async fn path_bounds_are_coded_errors() {
    let app = TestApp::new();
    let e = app
        .error(r#"{ paths(from: "org:meti", to: "country:MY", maxLength: 9) { length } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert_eq!(e["extensions"]["maximum"], 8);
    assert_eq!(e["path"], json!(["paths"]));
    let e = app
        .error(r#"{ shortestPath(from: "org:meti", to: "org:nobody") { length } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert!(e["message"].as_str().unwrap().contains("org:nobody"), "{e}");
    let e = app
        .error(r#"{ shortestPath(from: "meti", to: "country:MY") { length } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ID");
}

#[tokio::test]
async fn a_neighbourhood_is_the_graph_within_k_hops() {
    let g = seed_graph();
    let mhlw = g.by_global_id("org:mhlw").unwrap();
    // Expected: MHLW and everything one relation away, either way.
    let mut expected: BTreeSet<String> = BTreeSet::from([g.entity(mhlw).global_id()]);
    for dir in [Outgoing, Incoming] {
        for (_, n) in g.relations(mhlw, None, dir) {
            expected.insert(g.entity(n).global_id());
        }
    }
    let d = TestApp::new()
        .data(r#"{ neighborhood(id: "org:mhlw") { center { id } nodeCount nodes { id } relations { from { id } to { id } } } }"#)
        .await;
    let n = &d["neighborhood"];
    let got: BTreeSet<String> = ids(&n["nodes"]).into_iter().collect();
    assert_eq!(got, expected);
    assert_eq!(n["nodes"][0]["id"], "org:mhlw", "the center comes first");
    for r in n["relations"].as_array().unwrap() {
        assert!(got.contains(r["from"]["id"].as_str().unwrap()));
        assert!(got.contains(r["to"]["id"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn a_neighbourhood_past_its_limit_fails_rather_than_truncating() {
    let app = TestApp::new();
    let e = app
        .error(r#"{ neighborhood(id: "org:mhlw", depth: 3, limit: 10) { nodeCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "TOO_LARGE");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("more than 10 nodes"),
        "{e}"
    );
    let e = app
        .error(r#"{ neighborhood(id: "org:mhlw", depth: 5) { nodeCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert_eq!(e["extensions"]["maximum"], 4);
}

#[tokio::test]
async fn neighbourhood_filters_keep_kinds_and_types() {
    let d = TestApp::new()
        .data(
            r#"{ neighborhood(id: "org:mhlw", depth: 2, types: [FUNDS, PART_OF], kinds: [PROGRAMME, PROJECT]) {
                nodes { __typename id } relations { type } } }"#,
        )
        .await;
    let n = &d["neighborhood"];
    for node in n["nodes"].as_array().unwrap().iter().skip(1) {
        let t = node["__typename"].as_str().unwrap();
        assert!(t == "Programme" || t == "Project", "{node}");
    }
    for r in n["relations"].as_array().unwrap() {
        assert!(r["type"] == "FUNDS" || r["type"] == "PART_OF", "{r}");
    }
    let got = ids(&n["nodes"]);
    assert!(got.contains(&"programme:ssn-fund".to_string()));
    assert!(got.contains(&"project:ssn-cambodia-youth".to_string()));
}

#[tokio::test]
async fn donor_network_links_japan_and_mhlw_through_shared_countries() {
    let d = TestApp::new()
        .data(
            r#"{ donorNetwork { linkCount links { source { id } target { id } weight sharedCountries { id } } } }"#,
        )
        .await;
    let links = d["donorNetwork"]["links"].as_array().unwrap();
    let link = links
        .iter()
        .find(|l| {
            let pair = [l["source"]["id"].as_str(), l["target"]["id"].as_str()];
            pair.contains(&Some("org:gov-japan")) && pair.contains(&Some("org:mhlw"))
        })
        .expect("Japan and MHLW share countries");
    assert_eq!(link["weight"], 3);
    assert_eq!(
        ids(&link["sharedCountries"]),
        ["country:KH", "country:LK", "country:MM"]
    );
    let weights: Vec<u64> = links
        .iter()
        .map(|l| l["weight"].as_u64().unwrap())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "heaviest first");
    let heavy = TestApp::new()
        .data("{ donorNetwork(minWeight: 2) { linkCount } }")
        .await;
    assert_eq!(heavy["donorNetwork"]["linkCount"], 1);
}

#[tokio::test]
async fn meti_funding_flows_state_amounts_and_their_basis() {
    // Source 001: "funded US$6.8 million for a twoyear responsible value chains project";
    // source 002: Phase II budget US$2.7 million, METI its only listed funder.
    let d = TestApp::new()
        .data(
            r#"{ fundingFlows(from: "org:meti", groupBy: PROJECT) { outgoing { currency amount }
                notStatedShare groups { node { id } totals { currency amount } flows { amountBasis } } } }"#,
        )
        .await;
    let f = &d["fundingFlows"];
    assert_eq!(
        f["outgoing"],
        json!([{ "currency": "USD", "amount": "6800000" }])
    );
    assert_eq!(f["notStatedShare"], 0.0);
    let groups = f["groups"].as_array().unwrap();
    let by = |id: &str| {
        groups
            .iter()
            .find(|g| g["node"]["id"] == id)
            .unwrap_or_else(|| panic!("no group {id}"))
            .clone()
    };
    let p1 = by("project:rvc-asia-phase-1");
    assert_eq!(
        p1["totals"],
        json!([{ "currency": "USD", "amount": "6800000" }])
    );
    assert_eq!(p1["flows"][0]["amountBasis"], "FUNDING_RELATION");
    let p2 = by("project:rvc-asia-phase-2");
    assert_eq!(
        p2["totals"],
        json!([{ "currency": "USD", "amount": "2700000" }])
    );
    assert_eq!(p2["flows"][0]["amountBasis"], "PROJECT_BUDGET");
}

#[tokio::test]
async fn mhlw_funding_flows_reach_cambodia_through_the_ssn_fund_without_inventing_amounts() {
    let d = TestApp::new()
        .data(
            r#"{ fundingFlows(from: "org:mhlw", groupBy: COUNTRY) { flowCount notStatedShare
                groups { key node { id } flows { project { id } via { id } amount { amount } note } } } }"#,
        )
        .await;
    let f = &d["fundingFlows"];
    let kh = f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["node"]["id"] == "country:KH")
        .expect("a Cambodia group");
    assert_eq!(
        kh["flows"][0]["project"]["id"],
        "project:ssn-cambodia-youth"
    );
    assert_eq!(ids(&kh["flows"][0]["via"]), ["programme:ssn-fund"]);
    // The sources state no amount for MHLW's projects: nothing is made up.
    assert_eq!(kh["flows"][0]["amount"], Value::Null);
    assert!(
        kh["flows"][0]["note"]
            .as_str()
            .unwrap()
            .contains("state no amount")
    );
    assert_eq!(f["notStatedShare"], 1.0);
    let e = TestApp::new()
        .error(r#"{ fundingFlows(from: "country:KH", groupBy: COUNTRY) { flowCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("organization or programme"),
        "{e}"
    );
}

#[tokio::test]
async fn degree_centrality_counts_distinct_neighbours_over_n_minus_1() {
    // Recomputed from the graph: distinct neighbours either way, over n - 1 (NetworkX).
    let g = seed_graph();
    let ilo = g.by_global_id("org:ilo").unwrap();
    let mut neighbours = HashSet::new();
    for dir in [Outgoing, Incoming] {
        for (_, n) in g.relations(ilo, None, dir) {
            if n != ilo {
                neighbours.insert(n);
            }
        }
    }
    let expected = neighbours.len() as f64 / (g.node_count() - 1) as f64;
    let d = TestApp::new()
        .data("{ centrality(measure: DEGREE, first: 1) { totalCount edges { rank score node { id } } } }")
        .await;
    let c = &d["centrality"];
    assert_eq!(c["totalCount"], g.node_count());
    assert_eq!(c["edges"][0]["node"]["id"], "org:ilo", "the ILO is the hub");
    assert_eq!(c["edges"][0]["rank"], 1);
    assert!((c["edges"][0]["score"].as_f64().unwrap() - expected).abs() < 1e-12);
}

#[tokio::test]
async fn centrality_ranks_highest_first_and_pages_by_cursor() {
    let app = TestApp::new();
    let d = app
        .data("{ centrality(measure: PAGERANK, first: 100) { totalCount edges { score } } }")
        .await;
    let scores: Vec<f64> = d["centrality"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    let all = app
        .data("{ centrality(measure: PAGERANK, first: 100, kinds: [COUNTRY]) { totalCount } }")
        .await;
    assert_eq!(
        all["centrality"]["totalCount"], 18,
        "the seed's 18 countries"
    );
    let page = app
        .data(
            r#"{ a: centrality(measure: CLOSENESS, first: 2) { edges { cursor node { id } } }
                   b: centrality(measure: CLOSENESS, first: 3) { edges { node { id } } } }"#,
        )
        .await;
    let cursor = page["a"]["edges"][1]["cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let next = app
        .data(&format!(
            r#"{{ centrality(measure: CLOSENESS, first: 1, after: "{cursor}") {{ edges {{ node {{ id }} }} }} }}"#
        ))
        .await;
    assert_eq!(next["centrality"]["edges"][0], page["b"]["edges"][2]);
}

#[tokio::test]
async fn approximate_betweenness_is_betweenness_only_and_exact_with_every_pivot() {
    let app = TestApp::new();
    let e = app
        .error("{ centrality(measure: PAGERANK, approximate: { pivots: 10 }) { totalCount } }")
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert!(
        e["message"].as_str().unwrap().contains("BETWEENNESS only"),
        "{e}"
    );
    let d = app
        .data(
            r#"{ exact: centrality(measure: BETWEENNESS, first: 5) { edges { score node { id } } }
                 all: centrality(measure: BETWEENNESS, first: 5, approximate: { pivots: 1000, seed: 3 }) { edges { score node { id } } } }"#,
        )
        .await;
    let (exact, all) = (
        d["exact"]["edges"].as_array().unwrap(),
        d["all"]["edges"].as_array().unwrap(),
    );
    assert_eq!((exact.len(), all.len()), (5, 5));
    for (a, b) in exact.iter().zip(all) {
        assert_eq!(a["node"], b["node"]);
        assert!((a["score"].as_f64().unwrap() - b["score"].as_f64().unwrap()).abs() < 1e-12);
    }
}

#[tokio::test]
async fn communities_partition_every_node_and_are_deterministic() {
    let g = seed_graph();
    let app = TestApp::new();
    let q = "{ communities(first: 1000) { modularity count communities { index size members(first: 1000) { id } } } }";
    let d = app.data(q).await;
    let c = &d["communities"];
    let mut seen = HashSet::new();
    let mut sizes = Vec::new();
    for comm in c["communities"].as_array().unwrap() {
        let members = ids(&comm["members"]);
        assert_eq!(members.len() as u64, comm["size"].as_u64().unwrap());
        sizes.push(members.len());
        for m in members {
            assert!(seen.insert(m), "a node in two communities");
        }
    }
    assert_eq!(seen.len(), g.node_count());
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
    let q_value = c["modularity"].as_f64().unwrap();
    assert!(q_value > 0.3 && q_value < 1.0, "modularity {q_value}");
    assert_eq!(app.data(q).await, d, "same parameters, same partition");
    let lpa = app
        .data("{ communities(algorithm: LABEL_PROPAGATION, seed: 5) { algorithm count } }")
        .await;
    assert_eq!(lpa["communities"]["algorithm"], "LABEL_PROPAGATION");
    let e = app.error("{ communities(resolution: 0) { count } }").await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
}

#[tokio::test]
async fn components_match_a_walk_of_the_graph() {
    let g = seed_graph();
    // Union of everything reachable either way from each unvisited node.
    let mut seen = vec![false; g.node_count()];
    let mut sizes = Vec::new();
    for start in g.whole().nodes {
        if seen[start.index()] {
            continue;
        }
        seen[start.index()] = true;
        let mut stack = vec![start];
        let mut size = 0;
        while let Some(n) = stack.pop() {
            size += 1;
            for dir in [Outgoing, Incoming] {
                for (_, m) in g.relations(n, None, dir) {
                    if !seen[m.index()] {
                        seen[m.index()] = true;
                        stack.push(m);
                    }
                }
            }
        }
        sizes.push(size);
    }
    sizes.sort_by(|a, b| b.cmp(a));
    let d = TestApp::new()
        .data("{ components(first: 1000) { count largest components { size } } }")
        .await;
    let c = &d["components"];
    assert_eq!(c["count"], sizes.len());
    assert_eq!(c["largest"], sizes[0]);
    let got: Vec<usize> = c["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["size"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(got, sizes);
}

/// A small data set for funding-flow attribution: D funds X (no amount; X's budget 1M) and,
/// in two tranches, Y; X is also part of programme Q, which E funds.
const FLOWS: &str = r#"
[[source]]
id = "s"
file = "s.txt"
title = "Flows"

[[organization]]
id = "d"
name = "Donor D"
kind = "ministry"
cite = [{ source = "s", quote = "D funds X." }]

[[organization]]
id = "e"
name = "Donor E"
kind = "ministry"
cite = [{ source = "s", quote = "E funds Q." }]

[[programme]]
id = "q"
name = "Programme Q"
kind = "programme"
cite = [{ source = "s", quote = "E funds Q." }]

[[project]]
id = "x"
title = "Project X"
status = "unknown"
budget = { value = "1000000", currency = "USD", qualifier = "exact" }
cite = [{ source = "s", quote = "X costs US$1 million." }]

[[project]]
id = "y"
title = "Project Y"
status = "unknown"
cite = [{ source = "s", quote = "D funds Y" }]

[[relation]]
from = "d"
type = "funds"
to = "x"
cite = [{ source = "s", quote = "D funds X." }]

[[relation]]
from = "x"
type = "part_of"
to = "q"
cite = [{ source = "s", quote = "X is part of Q." }]

[[relation]]
from = "e"
type = "funds"
to = "q"
cite = [{ source = "s", quote = "E funds Q." }]

[[relation]]
from = "d"
type = "funds"
to = "y"
amount = { value = "100", currency = "USD", qualifier = "exact" }
cite = [{ source = "s", quote = "D funds Y with US$100" }]

[[relation]]
from = "d"
type = "funds"
to = "y"
amount = { value = "200", currency = "USD", qualifier = "exact" }
cite = [{ source = "s", quote = "then US$200." }]
"#;

#[tokio::test]
async fn flows_never_give_a_donor_money_that_others_share_and_keep_every_tranche() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flows.toml"), FLOWS).unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/s.txt"),
        "D funds X. X costs US$1 million. X is part of Q. E funds Q. \
         D funds Y with US$100, then US$200.\n",
    )
    .unwrap();
    let data = aidgraph::seed::load_dir(dir.path()).expect("valid data");
    let app = TestApp::with_graph(std::sync::Arc::new(aidgraph::graph::KnowledgeGraph::build(
        data,
    )));
    let d = app
        .data(
            r#"{ fundingFlows(from: "org:d", groupBy: PROJECT) { outgoing { amount count }
                groups { node { id } totals { amount count } flows { amount { amount } note } } } }"#,
        )
        .await;
    let f = &d["fundingFlows"];
    assert_eq!(f["outgoing"], json!([{ "amount": "300", "count": 2 }]));
    let groups = f["groups"].as_array().unwrap();
    let x = groups
        .iter()
        .find(|g| g["node"]["id"] == "project:x")
        .unwrap();
    // X's US$1 million also comes through Q from E: none of it is D's by the sources.
    assert_eq!(x["flows"][0]["amount"], Value::Null);
    assert!(
        x["flows"][0]["note"]
            .as_str()
            .unwrap()
            .contains("other sources"),
        "{x}"
    );
    let y = groups
        .iter()
        .find(|g| g["node"]["id"] == "project:y")
        .unwrap();
    assert_eq!(
        y["flows"].as_array().unwrap().len(),
        2,
        "one flow per tranche"
    );
    assert_eq!(y["totals"], json!([{ "amount": "300", "count": 2 }]));
}

#[tokio::test]
async fn bounds_on_pivots_and_neighbourhoods_say_the_maximum() {
    let app = TestApp::new();
    let e = app
        .error("{ centrality(measure: BETWEENNESS, approximate: { pivots: 5001 }) { totalCount } }")
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_ARGUMENT");
    assert_eq!(e["extensions"]["maximum"], 5000);
    let e = app
        .error(r#"{ neighborhood(id: "org:ilo", depth: 2, limit: 5) { nodeCount } }"#)
        .await;
    assert_eq!(e["extensions"]["code"], "TOO_LARGE");
    assert_eq!(e["extensions"]["maximum"], 5000);
    assert_eq!(e["extensions"]["limit"], 5);
}
