//! The GraphiQL page and its assets, compiled into the binary so the page works offline.
//!
//! The assets are the vendored files of pinned npm packages (`web/graphiql/`, checked byte
//! for byte by `web/graphiql/verify.sh`); the example queries are `playground/*.graphql`.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use include_dir::{Dir, include_dir};

static PAGE: &str = include_str!("../../web/graphiql/index.html");
static PLAYGROUND: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/playground");

/// `(URL file name, content type, bytes)` of the vendored assets.
static ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/graphiql/vendor/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/graphiql/vendor/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/graphiql/vendor/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/graphiql/vendor/react-dom.production.min.js"),
    ),
];

/// The example queries of `playground/`, as `(name, query)` in file-name order.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = PLAYGROUND
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "graphql"))
        .filter_map(|f| {
            let name = f.path().file_stem()?.to_string_lossy().into_owned();
            Some((name, f.contents_utf8()?.to_string()))
        })
        .collect();
    out.sort();
    out
}

/// JSON that is safe inside an inline `<script>`: no `</script>`, no HTML comment openers,
/// no line separators that end JavaScript strings.
fn script_json(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The GraphiQL page with the playground's examples as tabs.
pub fn page() -> String {
    let examples: Vec<serde_json::Value> = examples()
        .into_iter()
        .map(|(name, query)| serde_json::json!({ "name": name, "query": query }))
        .collect();
    PAGE.replace(
        "__AIDGRAPH_EXAMPLES__",
        &script_json(&serde_json::Value::Array(examples)),
    )
}

pub async fn index() -> Html<String> {
    Html(page())
}

pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such GraphiQL asset\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_tag() {
        let v = serde_json::json!({ "q": "</script><!-- \u{2028}" });
        let s = script_json(&v);
        assert!(!s.contains("</script>") && !s.contains("<!--") && !s.contains('\u{2028}'));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
