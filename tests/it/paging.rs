//! Cursors seek: paging a traversal in small steps, forwards or backwards, reads exactly the
//! list one big page reads, whatever mix of relation types, directions and kinds it spans.

use serde_json::Value;

use crate::app::TestApp;

async fn walk(app: &TestApp, node: &str, extra: &str, forward: bool, step: usize) -> Vec<String> {
    walk_field(app, node, "relations", extra, forward, step).await
}

async fn walk_field(
    app: &TestApp,
    node: &str,
    field: &str,
    extra: &str,
    forward: bool,
    step: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let args = match (&cursor, forward) {
            (None, true) => format!("{extra} first: {step}"),
            (Some(c), true) => format!("{extra} first: {step}, after: \"{c}\""),
            (None, false) => format!("{extra} last: {step}"),
            (Some(c), false) => format!("{extra} last: {step}, before: \"{c}\""),
        };
        let q = format!(
            "{{ node(id: \"{node}\") {{ ... on Organization {{ {field}({args}) {{ totalCount
               pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
               edges {{ cursor node {{ id }} }} }} }} }} }}"
        );
        let d = app.data(&q).await;
        let conn = &d["node"][field];
        let mut ids: Vec<String> = conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{}@{}", e["node"]["id"].as_str().unwrap(), e["cursor"]))
            .collect();
        let info = &conn["pageInfo"];
        if forward {
            out.append(&mut ids);
            if info["hasNextPage"] != Value::Bool(true) {
                return out;
            }
            cursor = info["endCursor"].as_str().map(str::to_string);
        } else {
            ids.append(&mut out);
            out = ids;
            if info["hasPreviousPage"] != Value::Bool(true) {
                return out;
            }
            cursor = info["startCursor"].as_str().map(str::to_string);
        }
    }
}

#[tokio::test]
async fn small_steps_read_the_same_list_as_one_page() {
    let app = TestApp::new();
    for (node, field) in [
        ("org:ilo", ""),
        ("org:mhlw", ""),
        ("org:ilo", "direction: INCOMING,"),
        ("org:mhlw", "type: FUNDS,"),
    ] {
        let whole = walk(&app, node, field, true, 100).await;
        assert!(whole.len() > 5, "{node} {field}: {}", whole.len());
        for step in [1, 3, 7] {
            assert_eq!(
                walk(&app, node, field, true, step).await,
                whole,
                "{node} {field} forward {step}"
            );
            assert_eq!(
                walk(&app, node, field, false, step).await,
                whole,
                "{node} {field} backward {step}"
            );
        }
    }
}

#[tokio::test]
async fn a_cursor_from_another_list_is_refused() {
    let app = TestApp::new();
    let d = app
        .data(r#"{ node(id: "org:mhlw") { ... on Organization { relations(first: 1) { edges { cursor } } } } }"#)
        .await;
    let cursor = d["node"]["relations"]["edges"][0]["cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let e = app
        .error(&format!(
            r#"{{ node(id: "org:ilo") {{ ... on Organization {{ relations(after: "{cursor}") {{ totalCount }} }} }} }}"#
        ))
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_CURSOR", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("does not point into this list")
    );
}

#[tokio::test]
async fn index_backed_filters_match_a_scan() {
    let app = TestApp::new();
    let all = app
        .data(
            r#"{ projects(first: 100) { nodes { id countries(first: 100) { nodes { code } }
                 themes(first: 100) { nodes { id } } } } }"#,
        )
        .await;
    let all = all["projects"]["nodes"].as_array().unwrap().clone();
    let ids = |v: &Value| -> Vec<String> {
        v["projects"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut checked = 0;
    for (code, theme) in [
        ("KH", None),
        ("CN", None),
        ("VN", Some("theme:employment")),
        ("KH", Some("theme:employment")),
        ("SD", None),
    ] {
        let expected: Vec<String> = all
            .iter()
            .filter(|p| {
                p["countries"]["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["code"] == code)
                    && theme.is_none_or(|t| {
                        p["themes"]["nodes"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|x| x["id"] == t)
                    })
            })
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        let theme_arg = theme
            .map(|t| format!(", theme: \"{t}\""))
            .unwrap_or_default();
        let got = app
            .data(&format!(
                r#"{{ projects(first: 100, where: {{ country: "{code}"{theme_arg} }}) {{ nodes {{ id }} }} }}"#
            ))
            .await;
        assert_eq!(ids(&got), expected, "{code} {theme:?}");
        checked += expected.len();
    }
    assert!(checked > 5, "the filters matched real projects ({checked})");
}

/// A donor's funded projects are computed once and paged by position: small steps either way
/// read the one-page list, direct and indirect, and a cursor of another list is refused.
#[tokio::test]
async fn funded_projects_page_by_seeking_in_either_direction() {
    let app = TestApp::new();
    for extra in ["", "indirect: false,"] {
        let whole = walk_field(&app, "org:mhlw", "fundedProjects", extra, true, 100).await;
        assert!(whole.len() >= 3, "{extra}: {whole:?}");
        for step in [1, 2, 3] {
            for forward in [true, false] {
                let walked =
                    walk_field(&app, "org:mhlw", "fundedProjects", extra, forward, step).await;
                assert_eq!(walked, whole, "{extra} step {step} forward {forward}");
            }
        }
    }
    // The cursor of a project MHLW does not fund.
    let other = app
        .data(r#"{ projects(first: 100) { edges { cursor node { id } } } }"#)
        .await;
    let funded = walk_field(&app, "org:mhlw", "fundedProjects", "", true, 100).await;
    let foreign = other["projects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            !funded
                .iter()
                .any(|f| f.starts_with(&format!("{}@", e["node"]["id"].as_str().unwrap())))
        })
        .expect("a project MHLW does not fund");
    let err = app
        .error(&format!(
            r#"{{ node(id: "org:mhlw") {{ ... on Organization {{ fundedProjects(after: "{}") {{ totalCount }} }} }} }}"#,
            foreign["cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_CURSOR", "{err}");
}

/// `organizations(where: { kind })` starts from per-kind lists: the same organisations, in
/// the same (label) order and either direction, as filtering the whole list.
#[tokio::test]
async fn organization_kind_filters_match_a_scan() {
    let app = TestApp::new();
    let all = app
        .data(r#"{ organizations(first: 100) { totalCount nodes { id kind } } }"#)
        .await;
    assert!(all["organizations"]["totalCount"].as_u64().unwrap() <= 100);
    let all = all["organizations"]["nodes"].as_array().unwrap().clone();
    let mut kinds: Vec<String> = all
        .iter()
        .map(|o| o["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert!(kinds.len() >= 3, "{kinds:?}");
    let sets = [
        vec![kinds[0].clone()],
        vec![kinds[1].clone(), kinds[0].clone()],
        vec![kinds[2].clone(), kinds[2].clone(), kinds[1].clone()],
        kinds.clone(),
    ];
    for set in sets {
        let expected: Vec<&str> = all
            .iter()
            .filter(|o| set.iter().any(|k| o["kind"] == k.as_str()))
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        for (direction, reversed) in [("ASC", false), ("DESC", true)] {
            let q = format!(
                "{{ organizations(first: 100, where: {{ kind: [{}] }}, orderBy: {{ field: NAME, direction: {direction} }}) {{ totalCount nodes {{ id }} }} }}",
                set.join(", ")
            );
            let d = app.data(&q).await;
            let got: Vec<&str> = d["organizations"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap())
                .collect();
            let mut want = expected.clone();
            if reversed {
                want.reverse();
            }
            assert_eq!(got, want, "{set:?} {direction}");
            assert_eq!(d["organizations"]["totalCount"], expected.len());
        }
    }
}
