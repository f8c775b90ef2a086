//! The response cache (GET queries and persisted queries), the parsed-document cache and
//! validating a document once: what they answer is what an uncached server answers.

use std::sync::Arc;

use aidgraph::http::ServerConfig;
use aidgraph::live::{DataSource, Live, Reload};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;

use crate::app::{Reply, TestApp, rename_in_common, seed_graph};

fn config() -> ServerConfig {
    ServerConfig {
        rate_limit: None,
        ..ServerConfig::default()
    }
}

fn uncached() -> ServerConfig {
    ServerConfig {
        response_cache_entries: 0,
        document_cache_entries: 0,
        ..config()
    }
}

fn app(config: ServerConfig) -> TestApp {
    TestApp::with_config(
        Arc::new(Live::new(DataSource::Embedded, seed_graph())),
        config,
    )
}

const FUNDED: &str = "query Funded($id: ID!, $first: Int!) { node(id: $id) { ... on Organization \
     { name fundedProjects(first: $first) { totalCount edges { node { id title countries \
     { nodes { code name } } outcomes { nodes { label value unit } } } } } } } }";

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn get_url(query: &str, variables: &Value, operation: Option<&str>) -> String {
    let mut url = format!(
        "/graphql?query={}&variables={}",
        enc(query),
        enc(&variables.to_string())
    );
    if let Some(op) = operation {
        url.push_str(&format!("&operationName={}", enc(op)));
    }
    url
}

async fn get(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.request(req.body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, body: &Value, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::post("/graphql").header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.request(req.body(Body::from(body.to_string())).unwrap())
        .await
}

/// The value of one `/metrics` sample (0 when absent).
async fn metric(app: &TestApp, sample: &str) -> u64 {
    let text = app.get("/metrics").await.text();
    text.lines()
        .find_map(|l| l.strip_prefix(sample)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

async fn hits(app: &TestApp) -> (u64, u64) {
    (
        metric(
            app,
            "aidgraph_response_cache_requests_total{result=\"hit\"}",
        )
        .await,
        metric(
            app,
            "aidgraph_response_cache_requests_total{result=\"miss\"}",
        )
        .await,
    )
}

#[tokio::test]
async fn a_cached_answer_is_the_uncached_answer_byte_for_byte_with_its_headers() {
    let cached = app(config());
    let plain = app(uncached());
    let url = get_url(
        FUNDED,
        &json!({"id": "org:mhlw", "first": 3}),
        Some("Funded"),
    );
    let first = get(&cached, &url, &[]).await;
    let second = get(&cached, &url, &[]).await;
    let reference = get(&plain, &url, &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert!(first.json()["errors"].is_null(), "{}", first.text());
    assert_eq!(hits(&cached).await, (1, 1));
    assert_eq!(hits(&plain).await, (0, 0), "off means no lookups");
    for r in [&second, &reference] {
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, first.body, "same bytes");
        for h in ["content-type", "etag", "cache-control", "vary"] {
            assert_eq!(r.header(h), first.header(h), "{h}");
        }
    }
    assert_ne!(second.header("x-request-id"), first.header("x-request-id"));
    // The access log and the histograms see the hit as an answered request.
    assert_eq!(
        metric(
            &cached,
            "aidgraph_graphql_request_duration_seconds_count{operation=\"Funded\"}"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn other_variables_miss_and_the_same_variables_in_another_order_hit() {
    let app = app(config());
    let mhlw = get(
        &app,
        &get_url(FUNDED, &json!({"id": "org:mhlw", "first": 2}), None),
        &[],
    )
    .await;
    let meti = get(
        &app,
        &get_url(FUNDED, &json!({"id": "org:meti", "first": 2}), None),
        &[],
    )
    .await;
    assert_ne!(mhlw.body, meti.body);
    assert_eq!(hits(&app).await, (0, 2));
    let reordered = get(
        &app,
        &get_url(FUNDED, &json!({"first": 2, "id": "org:mhlw"}), None),
        &[],
    )
    .await;
    assert_eq!(reordered.body, mhlw.body);
    assert_eq!(hits(&app).await, (1, 2), "variables are compared as JSON");
    // Another operation name, or none given where one is, is another request.
    let named = get(
        &app,
        &get_url(
            FUNDED,
            &json!({"id": "org:mhlw", "first": 2}),
            Some("Funded"),
        ),
        &[],
    )
    .await;
    assert_eq!(named.body, mhlw.body);
    assert_eq!(hits(&app).await, (1, 3));
}

#[tokio::test]
async fn each_response_type_has_its_own_entry() {
    let app = app(config());
    let url = get_url("{ stats { nodeCount } }", &json!({}), None);
    let gr = "application/graphql-response+json";
    let a = get(&app, &url, &[("accept", gr)]).await;
    let b = get(&app, &url, &[]).await;
    let c = get(&app, &url, &[("accept", gr)]).await;
    assert!(a.content_type.starts_with(gr));
    assert!(b.content_type.starts_with("application/json"));
    assert_eq!(c.content_type, a.content_type);
    assert_ne!(a.header("etag"), b.header("etag"));
    assert_eq!(c.header("etag"), a.header("etag"));
    assert_eq!(hits(&app).await, (1, 2));
}

#[tokio::test]
async fn etags_and_304_work_on_cached_answers() {
    let app = app(config());
    let url = get_url("{ stats { nodeCount edgeCount } }", &json!({}), None);
    let first = get(&app, &url, &[]).await;
    let etag = first.header("etag").to_string();
    assert!(!etag.is_empty());
    let again = get(&app, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    let hit = get(&app, &url, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(hit.status, StatusCode::OK);
    assert_eq!(hit.header("etag"), etag);
    assert_eq!(hit.body, first.body);
    assert_eq!(hits(&app).await, (1, 1), "the 304 did not look");
}

#[tokio::test]
async fn errors_and_refusals_are_never_cached() {
    let app = app(config());
    // A field error: partial data, 200, not cached.
    let bad_id = get_url(
        "query($id: ID!) { node(id: $id) { id } }",
        &json!({"id": "nonsense"}),
        None,
    );
    // A validation error, and a limit.
    let invalid = get_url("{ stats { nope } }", &json!({}), None);
    let too_big = get_url("{ projects(first: 5000) { totalCount } }", &json!({}), None);
    for url in [&bad_id, &invalid, &too_big] {
        let a = get(&app, url, &[]).await;
        let b = get(&app, url, &[]).await;
        assert!(a.json()["errors"].is_array(), "{}", a.text());
        assert_eq!(a.json()["errors"], b.json()["errors"]);
    }
    assert_eq!(
        metric(&app, "aidgraph_response_cache_inserts_total").await,
        0
    );
    assert_eq!(metric(&app, "aidgraph_response_cache_entries").await, 0);
}

#[tokio::test]
async fn introspection_is_refused_every_time_when_off() {
    let app = app(ServerConfig {
        limits: aidgraph::api::limits::QueryLimits {
            introspection: false,
            ..Default::default()
        },
        ..config()
    });
    let url = get_url("{ __schema { queryType { name } } }", &json!({}), None);
    for _ in 0..2 {
        let r = get(&app, &url, &[]).await;
        assert_eq!(
            r.json()["errors"][0]["extensions"]["code"],
            "INTROSPECTION_DISABLED"
        );
    }
    assert_eq!(
        metric(&app, "aidgraph_response_cache_inserts_total").await,
        0
    );
}

#[tokio::test]
async fn persisted_queries_are_cached_by_hash_over_post_and_get() {
    let app = app(config());
    let query = "query($id: ID!) { node(id: $id) { ... on Organization { name } } }";
    let hash: String = sha2::Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ext = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let vars = json!({"id": "org:mhlw"});
    let stored = post(
        &app,
        &json!({"query": query, "variables": vars, "extensions": ext}),
        &[],
    )
    .await;
    assert_eq!(stored.status, StatusCode::OK);
    let url = format!(
        "/graphql?extensions={}&variables={}",
        enc(&ext.to_string()),
        enc(&vars.to_string())
    );
    let by_get = get(&app, &url, &[]).await;
    let by_post = post(&app, &json!({"variables": vars, "extensions": ext}), &[]).await;
    assert_eq!(by_get.body, stored.body);
    assert_eq!(by_post.body, stored.body);
    assert_eq!(hits(&app).await, (2, 1));
    // A wrong hash is still refused, cache or not.
    let wrong = post(
        &app,
        &json!({"query": "{ stats { nodeCount } }", "extensions": ext}),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.json()["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_HASH_MISMATCH"
    );
    // Plain POSTs are not cached.
    let plain = json!({"query": query, "variables": vars});
    post(&app, &plain, &[]).await;
    post(&app, &plain, &[]).await;
    assert_eq!(hits(&app).await, (2, 1));
}

const STATUS: &str = "{ dataStatus { version current reloads failedReloads } }";
const MHLW_NAME: &str = "{ node(id: \"org:mhlw\") { ... on Organization { name } } }";

#[tokio::test]
async fn a_reload_is_never_answered_from_before_it() {
    let dir = crate::ops::seed_copy();
    let live = Arc::new(Live::load(DataSource::Dir(dir.path().into())).unwrap());
    let app = TestApp::with_config(live.clone(), config());
    let name_url = get_url(MHLW_NAME, &json!({}), None);
    let status_url = get_url(STATUS, &json!({}), None);
    let before = get(&app, &name_url, &[]).await.json();
    let status_before = get(&app, &status_url, &[]).await;
    assert_eq!(get(&app, &status_url, &[]).await.body, status_before.body);
    let name = before["data"]["node"]["name"].as_str().unwrap().to_string();

    rename_in_common(dir.path(), &name);
    let file = dir.path().join("common.toml");
    assert!(matches!(live.reload().await, Reload::Swapped { .. }));
    let after = get(&app, &name_url, &[]).await.json();
    assert_eq!(
        after["data"]["node"]["name"],
        format!("{name} (renamed)"),
        "new data, not the cached answer"
    );
    // A refused reload changes no graph, but it changes what dataStatus says.
    let status_swapped = get(&app, &status_url, &[]).await.json();
    assert_eq!(status_swapped["data"]["dataStatus"]["reloads"], 1);
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{good}\n[[organization]]\nid = \"x\"\n")).unwrap();
    assert!(matches!(live.reload().await, Reload::Rejected(_)));
    let status_refused = get(&app, &status_url, &[]).await.json();
    assert_eq!(status_refused["data"]["dataStatus"]["current"], false);
    assert_eq!(status_refused["data"]["dataStatus"]["failedReloads"], 1);
    // Entries made for earlier data are dropped, not kept until they age out: what is left
    // is the last answer, under its canonical key and its URL.
    assert_eq!(metric(&app, "aidgraph_response_cache_entries").await, 2);
}

#[tokio::test]
async fn a_document_validated_once_still_refuses_variables_of_the_wrong_type() {
    let gr = [("accept", "application/graphql-response+json")];
    // Skipping validation needs the document cache.
    for (config, skips) in [(config(), 1), (uncached(), 0)] {
        let app = app(config);
        let request = |vars: Value| json!({"query": FUNDED, "variables": vars});
        let good = post(&app, &request(json!({"id": "org:mhlw", "first": 2})), &gr).await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.text());
        let again = post(&app, &request(json!({"id": "org:meti", "first": 1})), &gr).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(again.json()["errors"].is_null(), "{}", again.text());
        let skipped = "aidgraph_graphql_validations_total{mode=\"skipped\"}";
        assert_eq!(metric(&app, skipped).await, skips);
        for bad in [
            json!({"id": "org:mhlw", "first": "two"}),
            json!({"id": true, "first": 2}),
            json!({"id": null, "first": 2}),
        ] {
            let r = post(&app, &request(bad.clone()), &gr).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text());
            let body = r.json();
            assert!(body.get("data").is_none(), "a request error: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                "GRAPHQL_VALIDATION_FAILED"
            );
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Invalid value for argument"),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn documents_are_parsed_once_and_answers_do_not_change() {
    let cached = app(config());
    let plain = app(uncached());
    for first in 1..=4 {
        let body = json!({"query": FUNDED, "variables": {"id": "org:gov-japan", "first": first}});
        let a = post(&cached, &body, &[]).await;
        let b = post(&plain, &body, &[]).await;
        assert_eq!(a.body, b.body);
    }
    assert_eq!(
        metric(
            &cached,
            "aidgraph_document_cache_requests_total{result=\"hit\"}"
        )
        .await,
        3
    );
    assert_eq!(
        metric(
            &cached,
            "aidgraph_document_cache_requests_total{result=\"miss\"}"
        )
        .await,
        1
    );
}
