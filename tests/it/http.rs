//! GraphiQL is served offline: the page references only assets the binary serves.

use axum::http::StatusCode;

use crate::app::TestApp;

#[tokio::test]
async fn graphiql_page_loads_only_same_origin_assets() {
    let app = TestApp::new();
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    let html = page.text();
    assert!(
        !html.contains("__AIDGRAPH_EXAMPLES__"),
        "examples are injected"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no absolute URL may be loaded"
    );
    let mut assets = 0;
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let url = &part[..part.find('"').unwrap()];
            if url.starts_with("data:") {
                continue;
            }
            assert!(
                url.starts_with("/graphiql/"),
                "{url} is not served by aidgraph"
            );
            let asset = app.get(url).await;
            assert_eq!(asset.status, StatusCode::OK, "{url}");
            let expected = if url.ends_with(".css") {
                "text/css"
            } else {
                "text/javascript"
            };
            assert!(
                asset.content_type.starts_with(expected),
                "{url}: {}",
                asset.content_type
            );
            assert!(asset.body.len() > 1000, "{url}");
            assets += 1;
        }
    }
    assert_eq!(assets, 4, "react, react-dom, graphiql js and css");
}

#[tokio::test]
async fn graphiql_page_carries_every_playground_example() {
    let html = TestApp::new().get("/").await.text();
    let examples = aidgraph::http::examples();
    assert!(
        examples.len() >= 12,
        "at least 12 examples, found {}",
        examples.len()
    );
    for (name, _) in &examples {
        assert!(
            html.contains(&format!("\"name\":\"{name}\"")),
            "{name} missing from the page"
        );
    }
}

#[tokio::test]
async fn unknown_assets_are_404() {
    let r = TestApp::new().get("/graphiql/../../Cargo.toml").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = TestApp::new().get("/graphiql/secret.js").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
