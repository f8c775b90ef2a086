//! Operating the server: readiness, metrics, request ids, error codes, persisted queries,
//! CORS, rate limits, batches, and reloading the data while serving.

use std::sync::Arc;
use std::time::Duration;

use aidgraph::http::{RateLimit, ServerConfig};
use aidgraph::live::{DataSource, Live, Reload};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;

use crate::app::{Reply, TestApp, rename_in_common, seed_graph};

fn app_with(config: ServerConfig) -> TestApp {
    TestApp::with_config(
        Arc::new(Live::new(DataSource::Embedded, seed_graph())),
        config,
    )
}

fn quiet() -> ServerConfig {
    ServerConfig {
        rate_limit: None,
        ..ServerConfig::default()
    }
}

async fn post_json(app: &TestApp, body: &Value, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::post("/graphql").header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.request(req.body(Body::from(body.to_string())).unwrap())
        .await
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn readyz_reports_the_version_served_and_healthz_is_plain() {
    let app = TestApp::new();
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    let ready = r.json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["current"], true);
    assert_eq!(ready["problems"], json!([]));
    assert_eq!(ready["nodes"], seed_graph().node_count());
    let status = app
        .data("{ dataStatus { version nodeCount relationCount current problems { file } } }")
        .await;
    assert_eq!(status["dataStatus"]["version"], ready["version"]);
    assert_eq!(status["dataStatus"]["version"], seed_graph().version());
    assert_eq!(
        status["dataStatus"]["relationCount"],
        seed_graph().edge_count()
    );
    assert_eq!(app.get("/healthz").await.text(), "ok\n");
}

#[tokio::test]
async fn metrics_count_requests_latency_per_operation_and_errors_by_code() {
    let app = app_with(quiet());
    let ok = json!({"query": "query Stats { stats { nodeCount } }", "operationName": "Stats"});
    post_json(&app, &ok, &[]).await;
    post_json(&app, &ok, &[]).await;
    let bad = json!({"query": "query Broken { nope }"});
    post_json(&app, &bad, &[]).await;
    let form = Request::post("/graphql")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("query=x"))
        .unwrap();
    assert_eq!(
        app.request(form).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let r = app.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/plain; version=0.0.4"));
    let text = r.text();
    let has = |line: &str| text.lines().any(|l| l == line);
    assert!(
        has("aidgraph_graphql_request_duration_seconds_count{operation=\"Stats\"} 2"),
        "{text}"
    );
    assert!(has(
        "aidgraph_graphql_request_duration_seconds_bucket{operation=\"Stats\",le=\"+Inf\"} 2"
    ));
    assert!(has(
        "aidgraph_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"} 1"
    ));
    assert!(has(
        "aidgraph_http_requests_total{route=\"/graphql\",method=\"POST\",status=\"200\"} 3"
    ));
    assert!(has(
        "aidgraph_graphql_errors_total{code=\"UNSUPPORTED_MEDIA_TYPE\"} 1"
    ));
    // The invalid query ran validation: one sample. The 415 never reached GraphQL: none.
    assert!(has(
        "aidgraph_graphql_request_duration_seconds_count{operation=\"anonymous\"} 1"
    ));
    assert!(has(&format!(
        "aidgraph_graph_nodes {}",
        seed_graph().node_count()
    )));
    assert!(has(&format!(
        "aidgraph_graph_info{{version=\"{}\",source=\"built-in seed\"}} 1",
        seed_graph().version()
    )));
    assert!(has("aidgraph_data_current 1"));
}

#[tokio::test]
async fn every_response_has_a_request_id_and_a_sane_client_id_is_kept() {
    let app = TestApp::new();
    let fresh = app.get("/healthz").await;
    let id = fresh.header("x-request-id");
    assert_eq!(id.len(), 16, "{id}");
    assert_ne!(id, app.get("/healthz").await.header("x-request-id"));

    let mine = app
        .request(
            Request::get("/healthz")
                .header("x-request-id", "trace-42.a_b")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(mine.header("x-request-id"), "trace-42.a_b");
    let hostile = app
        .request(
            Request::get("/healthz")
                .header("x-request-id", "a b\"<script>")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(hostile.header("x-request-id").len(), 16);
}

#[tokio::test]
async fn parse_and_validation_errors_carry_codes_and_locations() {
    let app = TestApp::new();
    let parse = app.graphql("{ stats { nodeCount }").await;
    assert_eq!(code(&parse), "GRAPHQL_PARSE_FAILED");
    assert_eq!(parse["errors"][0]["locations"][0]["line"], 1);
    let unknown = app.graphql("{ stats { nodeCont } }").await;
    assert_eq!(code(&unknown), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nodeCont"),
        "{unknown}"
    );
    let variable = post_json(
        &app,
        &json!({"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": [1, 2]}}),
        &[],
    )
    .await
    .json();
    assert_eq!(code(&variable), "GRAPHQL_VALIDATION_FAILED", "{variable}");
}

#[tokio::test]
async fn automatic_persisted_queries_follow_apollos_protocol() {
    let app = TestApp::new();
    let query = "{ node(id: \"org:mhlw\") { id } }";
    let hash: String = sha2::Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let pq = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    // 1. Hash only: unknown.
    let miss = post_json(&app, &json!({"extensions": pq}), &[]).await;
    assert_eq!(miss.status, StatusCode::OK);
    assert_eq!(code(&miss.json()), "PERSISTED_QUERY_NOT_FOUND");
    // 2. Query with a wrong hash: refused.
    let wrong = json!({"persistedQuery": {"version": 1, "sha256Hash": "0".repeat(64)}});
    let mismatch = post_json(&app, &json!({"query": query, "extensions": wrong}), &[]).await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&mismatch.json()), "PERSISTED_QUERY_HASH_MISMATCH");
    // 3. Query with its hash: runs and is stored.
    let register = post_json(&app, &json!({"query": query, "extensions": pq}), &[]).await;
    assert_eq!(register.json()["data"]["node"]["id"], "org:mhlw");
    // 4. Hash only, over POST and GET: the stored query runs; GET is cacheable.
    let hit = post_json(&app, &json!({"extensions": pq}), &[]).await;
    assert_eq!(hit.json()["data"]["node"]["id"], "org:mhlw");
    let ext = pq.to_string();
    let url = format!(
        "/graphql?extensions={}",
        ext.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
    );
    let get = app.get(&url).await;
    assert_eq!(get.status, StatusCode::OK, "{}", get.text());
    assert_eq!(get.json()["data"]["node"]["id"], "org:mhlw");
    assert!(!get.header("etag").is_empty());
    // A bad version is a 400.
    let v2 = json!({"persistedQuery": {"version": 2, "sha256Hash": hash}});
    let r = post_json(&app, &json!({"extensions": v2}), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Turned off: coded, so clients fall back to sending the query.
    let off = app_with(ServerConfig {
        apq_entries: 0,
        ..quiet()
    });
    let r = post_json(&off, &json!({"extensions": pq}), &[]).await;
    assert_eq!(code(&r.json()), "PERSISTED_QUERY_NOT_SUPPORTED");
}

#[tokio::test]
async fn cors_answers_only_allowed_origins() {
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    // Default: no cross-origin access at all.
    let closed = TestApp::new()
        .request(preflight("https://evil.example"))
        .await;
    assert_eq!(closed.header("access-control-allow-origin"), "");

    let open = app_with(ServerConfig {
        cors_origins: vec!["https://app.example.org".into()],
        ..quiet()
    });
    let ok = open.request(preflight("https://app.example.org")).await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        "https://app.example.org"
    );
    assert!(
        ok.header("access-control-allow-methods").contains("POST"),
        "{:?}",
        ok.headers
    );
    let other = open.request(preflight("https://evil.example")).await;
    assert_eq!(other.header("access-control-allow-origin"), "");
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_probes_are_exempt() {
    let app = app_with(ServerConfig {
        rate_limit: Some(RateLimit {
            per_second: 1,
            burst: 2,
        }),
        ..ServerConfig::default()
    });
    let q = json!({"query": "{ stats { nodeCount } }"});
    assert_eq!(post_json(&app, &q, &[]).await.status, StatusCode::OK);
    assert_eq!(post_json(&app, &q, &[]).await.status, StatusCode::OK);
    let limited = post_json(&app, &q, &[]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(code(&limited.json()), "RATE_LIMITED");
    assert!(limited.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn batches_are_off_by_default_and_bounded_when_on() {
    let one = json!({"query": "{ stats { nodeCount } }"});
    let off = post_json(&TestApp::new(), &json!([one, one]), &[]).await;
    assert_eq!(off.status, StatusCode::BAD_REQUEST);
    assert!(off.text().contains("not enabled"), "{}", off.text());

    let on = app_with(ServerConfig {
        max_batch: 2,
        ..quiet()
    });
    let two = post_json(&on, &json!([one, {"query": "{ nope }"}]), &[]).await;
    assert_eq!(two.status, StatusCode::OK);
    let answers = two.json();
    assert_eq!(
        answers[0]["data"]["stats"]["nodeCount"],
        seed_graph().node_count()
    );
    assert_eq!(code(&answers[1]), "GRAPHQL_VALIDATION_FAILED");
    let three = post_json(&on, &json!([one, one, one]), &[]).await;
    assert_eq!(three.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&three.json()), "BATCH_TOO_LARGE");
    assert_eq!(three.json()["errors"][0]["extensions"]["maximum"], 2);
}

/// A copy of the built-in seed in a temporary folder.
pub fn seed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let to = dir.path().join(path.strip_prefix(&root).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                stack.push(path);
            } else {
                std::fs::copy(&path, &to).unwrap();
            }
        }
    }
    dir
}

const MHLW_NAME: &str = "{ node(id: \"org:mhlw\") { ... on Organization { name } } }";

#[tokio::test]
async fn a_valid_edit_is_swapped_in_and_a_broken_one_keeps_the_old_graph_serving() {
    let dir = seed_copy();
    let live = Arc::new(Live::load(DataSource::Dir(dir.path().into())).unwrap());
    let app = TestApp::with_config(live.clone(), quiet());
    let before = app.data(MHLW_NAME).await["node"]["name"].clone();
    let old_version = live.current().status.version.clone();
    let get_url = "/graphql?query=%7B%20stats%20%7B%20nodeCount%20%7D%20%7D";
    let old_etag = app.get(get_url).await.header("etag").to_string();
    assert!(old_etag.contains(&old_version), "{old_etag}");

    // A query in flight keeps the graph it started with.
    let in_flight = live.current();

    let name = before.as_str().unwrap();
    rename_in_common(dir.path(), name);
    let file = dir.path().join("common.toml");
    assert!(matches!(live.reload().await, Reload::Swapped { .. }));
    let after = app.data(MHLW_NAME).await;
    assert_eq!(after["node"]["name"], format!("{name} (renamed)"));
    let new_etag = app.get(get_url).await.header("etag").to_string();
    assert_ne!(new_etag, old_etag, "caches see the new data");
    assert_eq!(in_flight.status.version, old_version);
    assert!(in_flight.graph.by_global_id("org:mhlw").is_some());

    // Break it: the renamed graph keeps serving; the status says where the mistake is.
    let good = std::fs::read_to_string(&file).unwrap();
    let broken_line = good.lines().count() + 2;
    std::fs::write(
        &file,
        format!("{good}\n[[organization]]\nid = \"x\"\nname = \"X\" kind\n"),
    )
    .unwrap();
    assert!(matches!(live.reload().await, Reload::Rejected(_)));
    let still = app.data(MHLW_NAME).await;
    assert_eq!(still["node"]["name"], format!("{name} (renamed)"));
    let status = app
        .data("{ dataStatus { current failedReloads reloads problems { file line column message } } }")
        .await["dataStatus"]
        .clone();
    assert_eq!(status["current"], false);
    assert_eq!(status["reloads"], 1);
    assert_eq!(status["failedReloads"], 1);
    let problems = status["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["file"].as_str().unwrap().ends_with("common.toml")
                && p["line"].as_u64().unwrap() as usize >= broken_line),
        "{status:#}"
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "the old graph still serves");
    assert_eq!(ready.json()["status"], "stale");
    let shown = ready.json()["problems"].clone();
    assert_eq!(shown.as_array().unwrap().len(), problems.len());
    for (shown, problem) in shown.as_array().unwrap().iter().zip(problems) {
        for key in ["file", "line", "column", "message"] {
            assert_eq!(shown[key], problem[key]);
        }
    }
}

#[tokio::test]
async fn watch_picks_up_an_edit_without_a_restart() {
    let dir = seed_copy();
    let live = Arc::new(Live::load(DataSource::Dir(dir.path().into())).unwrap());
    let app = TestApp::with_config(live.clone(), quiet());
    let watcher = tokio::spawn(live.clone().watch(Duration::from_millis(20)));
    let name = app.data(MHLW_NAME).await["node"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let file = dir.path().join("common.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            &format!("name = \"{name}\""),
            &format!("name = \"{name}, watched\""),
            1,
        ),
    )
    .unwrap();
    // Loading the seed takes a few seconds in a debug build; give it ample time.
    let mut seen = None;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = app.data(MHLW_NAME).await["node"]["name"].clone();
        if now != name.as_str() {
            seen = Some(now);
            break;
        }
    }
    watcher.abort();
    eprintln!("watch: the edit was served after {:?}", started.elapsed());
    assert_eq!(seen, Some(json!(format!("{name}, watched"))));
}

/// A data folder of `n` organisations, each collaborating with three earlier ones.
fn network_seed(n: usize) -> tempfile::TempDir {
    use std::fmt::Write;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/s.txt"),
        "Every organisation here collaborates with others.\n",
    )
    .unwrap();
    let cite = r#"cite = [{ source = "s", quote = "collaborates with others" }]"#;
    let mut toml = String::from("[[source]]\nid = \"s\"\nfile = \"s.txt\"\ntitle = \"S\"\n");
    let mut state: u64 = 42;
    for i in 0..n {
        let _ = write!(
            toml,
            "\n[[organization]]\nid = \"o{i}\"\nname = \"Org {i}\"\nkind = \"ngo\"\n{cite}\n"
        );
        for _ in 0..3.min(i) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let j = (state >> 33) as usize % i;
            let _ = write!(
                toml,
                "\n[[relation]]\nfrom = \"o{i}\"\ntype = \"collaborates_with\"\nto = \"o{j}\"\n{cite}\n"
            );
        }
    }
    std::fs::write(dir.path().join("network.toml"), toml).unwrap();
    dir
}

#[tokio::test]
async fn a_query_past_the_request_timeout_gets_504_and_the_next_one_is_answered() {
    let dir = network_seed(2500);
    let live = Arc::new(Live::load(DataSource::Dir(dir.path().into())).expect("valid data"));
    let app = TestApp::with_config(
        live,
        ServerConfig {
            request_timeout: Duration::from_millis(100),
            ..quiet()
        },
    );
    // Exact betweenness over 2,500 nodes takes seconds in a debug build.
    let started = std::time::Instant::now();
    let slow = post_json(
        &app,
        &json!({"query": "{ centrality(measure: BETWEENNESS, first: 1) { edges { score } } }"}),
        &[],
    )
    .await;
    assert_eq!(slow.status, StatusCode::GATEWAY_TIMEOUT, "{}", slow.text());
    assert!(started.elapsed() < Duration::from_secs(2));
    let body = slow.json();
    assert_eq!(code(&body), "REQUEST_TIMEOUT");
    assert_eq!(body["errors"][0]["extensions"]["timeoutSeconds"], 0.1);
    let next = post_json(&app, &json!({"query": "{ stats { nodeCount } }"}), &[]).await;
    assert_eq!(next.status, StatusCode::OK);
    // The organisations and their source document.
    assert_eq!(next.json()["data"]["stats"]["nodeCount"], 2501);
}

#[tokio::test]
async fn introspection_can_be_switched_off_but_typename_still_answers() {
    let mut config = quiet();
    config.limits.introspection = false;
    let app = app_with(config);
    let r = post_json(
        &app,
        &json!({"query": "{ __schema { types { name } } }"}),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.json()), "INTROSPECTION_DISABLED");
    let r = post_json(&app, &json!({"query": "{ __typename }"}), &[]).await;
    assert_eq!(r.json()["data"]["__typename"], "Query");
    // On by default: GraphiQL needs it.
    let on = TestApp::new()
        .data("{ __type(name: \"Project\") { name } }")
        .await;
    assert_eq!(on["__type"]["name"], "Project");
}
