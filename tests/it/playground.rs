//! Every playground example answers without errors, and its answer matches the reviewed
//! snapshot in `tests/it/snapshots/` (update with `INSTA_UPDATE=always cargo test`, then review
//! the diff).

use crate::app::TestApp;

#[tokio::test]
async fn every_example_answers_as_reviewed() {
    let app = TestApp::new();
    let examples = aidgraph::http::examples();
    assert!(examples.len() >= 12, "at least 12 examples");
    for (name, query) in examples {
        let first_line = query.lines().next().unwrap_or_default();
        assert!(
            first_line.starts_with("# "),
            "{name}: first line must be a comment with the question"
        );
        let response = app.graphql(&query).await;
        assert!(response.get("errors").is_none(), "{name}: {response:#}");
        insta::assert_json_snapshot!(name.clone(), response);
    }
}
