//! GraphQL over HTTP as the specification asks: methods, content types, content negotiation,
//! status codes, body limits, GET caching. JSON error bodies with a code everywhere.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::app::{Reply, TestApp};

const STATS: &str = r#"{"query":"{ stats { nodeCount } }"}"#;

async fn post(
    app: &TestApp,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: &str,
) -> Reply {
    let mut req = Request::post("/graphql");
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    app.request(req.body(Body::from(body.to_string())).unwrap())
        .await
}

fn code(reply: &Reply) -> String {
    let v: Value = reply.json();
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_response_type_follows_accept() {
    let app = TestApp::new();
    let r = post(&app, Some("application/json"), None, STATS).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/json; charset=utf-8");
    let r = post(&app, Some("application/json"), Some("*/*"), STATS).await;
    assert_eq!(r.content_type, "application/json; charset=utf-8");
    let r = post(
        &app,
        Some("application/json"),
        Some("application/graphql-response+json, application/json;q=0.9"),
        STATS,
    )
    .await;
    assert_eq!(
        r.content_type,
        "application/graphql-response+json; charset=utf-8"
    );
    assert_eq!(r.json()["data"]["stats"]["nodeCount"], 154);
}

#[tokio::test]
async fn requests_that_cannot_run_are_400_without_data_under_graphql_response_json() {
    let app = TestApp::new();
    for query in [r#"{"query":"{ stats "}"#, r#"{"query":"{ nope }"}"#] {
        let r = post(
            &app,
            Some("application/json"),
            Some("application/graphql-response+json"),
            query,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert!(r.json().get("data").is_none(), "{}", r.text());
        // Legacy clients asking for application/json get 200 and the errors.
        let r = post(
            &app,
            Some("application/json"),
            Some("application/json"),
            query,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.json()["errors"][0]["message"].is_string());
    }
    // A field error is not a request error: 200 with data and the error's path.
    let r = post(
        &app,
        Some("application/json"),
        Some("application/graphql-response+json"),
        r#"{"query":"{ node(id: \"mhlw\") { id } stats { nodeCount } }"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["stats"]["nodeCount"], 154);
}

#[tokio::test]
async fn only_get_and_post_with_allow_on_405() {
    let app = TestApp::new();
    for method in ["PUT", "DELETE", "PATCH"] {
        let r = app
            .request(
                Request::builder()
                    .method(method)
                    .uri("/graphql")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(code(&r), "METHOD_NOT_ALLOWED");
    }
    let r = app.get("/graphql?query=mutation%20%7B%20x%20%7D").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        r.text().contains("only queries run over GET"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn post_bodies_must_be_json_objects_within_the_limit() {
    let app = TestApp::new();
    let r = post(&app, None, None, STATS).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(code(&r), "UNSUPPORTED_MEDIA_TYPE");
    let r = post(&app, Some("text/plain"), None, STATS).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post(&app, Some("application/json; charset=latin1"), None, STATS).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post(&app, Some("application/json; charset=UTF-8"), None, STATS).await;
    assert_eq!(r.status, StatusCode::OK);
    let big = format!(
        r#"{{"query":"{{ stats {{ nodeCount }} }}","x":"{}"}}"#,
        " ".repeat(2 << 20)
    );
    let r = post(&app, Some("application/json"), None, &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&r), "PAYLOAD_TOO_LARGE");
    for (body, says) in [
        ("{\"query\":", "not valid JSON"),
        (
            "[{\"query\":\"{ stats { nodeCount } }\"}]",
            "batched requests",
        ),
        ("{\"query\": 3}", "`query` must be a string"),
        (
            "{\"query\":\"{ stats { nodeCount } }\",\"variables\":[]}",
            "`variables` must be an object",
        ),
        ("{}", "no `query`"),
    ] {
        let r = post(&app, Some("application/json"), None, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&r), "BAD_REQUEST");
        assert!(r.text().contains(says), "{body}: {}", r.text());
    }
    let r = app
        .request(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(vec![0xff, 0xfe, b'{']))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "invalid UTF-8");
}

#[tokio::test]
async fn get_answers_carry_an_etag_and_revalidate_with_304() {
    let app = TestApp::new();
    let url = "/graphql?query=%7B%20stats%20%7B%20nodeCount%20%7D%20%7D";
    let res = app
        .router()
        .oneshot_raw(Request::get(url).body(Body::empty()).unwrap())
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(res.headers()["cache-control"], "public, max-age=60");
    let res = app
        .router()
        .oneshot_raw(
            Request::get(url)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // Another query, another tag.
    let other = app
        .router()
        .oneshot_raw(
            Request::get("/graphql?query=%7B%20stats%20%7B%20edgeCount%20%7D%20%7D")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);
    let r = app.get("/graphql").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .get("/graphql?query=%7B%20stats%20%7D&variables=%5B")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("`variables` must be a JSON object"),
        "{}",
        r.text()
    );
}
