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

/// The ids a root list answers (its first 100, the largest page) and its total.
async fn root_ids(app: &TestApp, root: &str, filter: &str) -> (Vec<String>, u64) {
    let d = app
        .data(&format!(
            "{{ {root}(first: 100, where: {{ {filter} }}) {{ totalCount nodes {{ id }} }} }}"
        ))
        .await;
    let ids = d[root]["nodes"].as_array().unwrap().iter();
    let ids = ids.map(|n| n["id"].as_str().unwrap().to_string()).collect();
    (ids, d[root]["totalCount"].as_u64().unwrap())
}

/// Root-list filters start from indexes (per-kind, per-country and per-metric lists, a
/// target's adjacency); they answer what testing every node of the kind answers, in the same
/// (label) order, on the seed and on a generated graph, alone and combined.
#[tokio::test]
async fn root_filters_match_a_scan_of_their_kind() {
    use aidgraph::graph::{Entity, Outgoing};
    use aidgraph::model::{EntityKind as EK, RelationType as RT};
    use petgraph::graph::NodeIndex;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let says = "implements every project";
    let folder = crate::generate::generate_as("seed", dir.path(), "seed", 3000, 3, says);
    let mut checked = 0;
    for g in [
        aidgraph::seed::build_embedded().unwrap(),
        aidgraph::seed::build_dir(&folder).unwrap(),
    ] {
        let g = Arc::new(g);
        let app = TestApp::with_graph(g.clone());
        let gid = |ix: &NodeIndex| g.entity(*ix).global_id();
        let to = |ix: NodeIndex, rel: RT, other: NodeIndex| {
            (g.relations(ix, Some(rel), Outgoing).iter()).any(|(_, n)| *n == other)
        };
        let scan = |kind: EK, keep: &dyn Fn(NodeIndex, &Entity) -> bool| -> Vec<String> {
            (g.nodes_of(kind).iter())
                .filter(|ix| keep(**ix, g.entity(**ix)))
                .map(gid)
                .collect()
        };
        let enum_value = |code: &str| code.to_uppercase();
        let mut expect = async |root: &str, filter: String, want: Vec<String>| {
            let (got, total) = root_ids(&app, root, &filter).await;
            assert_eq!(total as usize, want.len(), "{root} {filter}");
            assert_eq!(got, want[..want.len().min(100)], "{root} {filter}");
            checked += want.len();
        };

        // Organisations: kind, country (based in or working in), funds.
        let orgs: Vec<&aidgraph::model::Organization> = (g.nodes_of(EK::Organization).iter())
            .filter_map(|ix| match g.entity(*ix) {
                Entity::Organization(o) => Some(o),
                _ => None,
            })
            .collect();
        let mut kinds: Vec<_> = orgs.iter().map(|o| o.kind).collect();
        kinds.sort();
        kinds.dedup();
        let mut countries: Vec<&str> = orgs.iter().filter_map(|o| o.country.as_deref()).collect();
        countries.sort();
        countries.dedup();
        countries.truncate(3);
        for c in ["KH", "SD"] {
            if g.by_id(c).is_some() && !countries.contains(&c) {
                countries.push(c);
            }
        }
        let funded: Vec<NodeIndex> = (g.nodes_of(EK::Programme).iter().take(2))
            .chain(g.nodes_of(EK::Project).iter().take(2))
            .copied()
            .filter(|t| {
                !g.neighbors(*t, RT::Funds, aidgraph::graph::Incoming)
                    .is_empty()
            })
            .collect();
        assert!(!funded.is_empty());
        let org_scan =
            |kind: Option<aidgraph::model::OrgKind>, c: Option<&str>, t: Option<NodeIndex>| {
                scan(EK::Organization, &|ix, e| {
                    let Entity::Organization(o) = e else {
                        return false;
                    };
                    kind.is_none_or(|k| o.kind == k)
                        && c.is_none_or(|c| {
                            o.country.as_deref() == Some(c)
                                || to(ix, RT::InCountry, g.by_id(c).unwrap())
                        })
                        && t.is_none_or(|t| to(ix, RT::Funds, t))
                })
            };
        for c in &countries {
            let want = org_scan(None, Some(c), None);
            expect("organizations", format!("country: \"{c}\""), want).await;
            for k in kinds.iter().take(3) {
                let want = org_scan(Some(*k), Some(c), None);
                let f = format!("country: \"{c}\", kind: [{}]", enum_value(k.code()));
                expect("organizations", f, want).await;
            }
        }
        for t in &funded {
            let want = org_scan(None, None, Some(*t));
            expect("organizations", format!("funds: \"{}\"", gid(t)), want).await;
            let want = org_scan(Some(kinds[0]), Some(countries[0]), Some(*t));
            let f = format!(
                "funds: \"{}\", kind: [{}], country: \"{}\"",
                gid(t),
                enum_value(kinds[0].code()),
                countries[0]
            );
            expect("organizations", f, want).await;
        }

        // Programmes: kind, funder.
        let funders: Vec<NodeIndex> = (g.nodes_of(EK::Organization).iter())
            .copied()
            .filter(|o| !g.neighbors(*o, RT::Funds, Outgoing).is_empty())
            .take(3)
            .collect();
        for kind in aidgraph::model::ProgrammeKind::ALL {
            let want = scan(
                EK::Programme,
                &|_, e| matches!(e, Entity::Programme(p) if p.kind == *kind),
            );
            expect(
                "programmes",
                format!("kind: [{}]", enum_value(kind.code())),
                want,
            )
            .await;
            for f in &funders {
                let want = scan(EK::Programme, &|ix, e| {
                    matches!(e, Entity::Programme(p) if p.kind == *kind)
                        && (g.neighbors(*f, RT::Funds, Outgoing)).contains(&ix)
                });
                let filter = format!(
                    "kind: [{}], funder: \"{}\"",
                    enum_value(kind.code()),
                    gid(f)
                );
                expect("programmes", filter, want).await;
            }
        }

        // Outcomes: metric, country, subject, status.
        let outcomes: Vec<&aidgraph::model::Outcome> = (g.nodes_of(EK::Outcome).iter())
            .filter_map(|ix| match g.entity(*ix) {
                Entity::Outcome(o) => Some(o),
                _ => None,
            })
            .collect();
        let metrics: Vec<&str> = outcomes.iter().take(3).map(|o| o.metric.as_str()).collect();
        let places: Vec<&str> = outcomes
            .iter()
            .filter_map(|o| o.country.as_deref())
            .take(2)
            .collect();
        let subjects: Vec<&str> = outcomes
            .iter()
            .take(2)
            .map(|o| o.subject.as_str())
            .collect();
        let outcome_scan = |m: Option<&str>, c: Option<&str>, s: Option<&str>| {
            scan(EK::Outcome, &|_, e| {
                let Entity::Outcome(o) = e else { return false };
                m.is_none_or(|m| o.metric == m)
                    && c.is_none_or(|c| o.country.as_deref() == Some(c))
                    && s.is_none_or(|s| o.subject == s)
            })
        };
        for m in &metrics {
            expect(
                "outcomes",
                format!("metric: \"{m}\""),
                outcome_scan(Some(m), None, None),
            )
            .await;
            for c in &places {
                let f = format!("metric: \"{m}\", country: \"{c}\"");
                expect("outcomes", f, outcome_scan(Some(m), Some(c), None)).await;
            }
        }
        for s in &subjects {
            let subject = gid(&g.by_id(s).unwrap());
            let f = format!("subject: \"{subject}\"");
            expect("outcomes", f, outcome_scan(None, None, Some(s))).await;
            let f = format!("subject: \"{subject}\", metric: \"{}\"", metrics[0]);
            expect("outcomes", f, outcome_scan(Some(metrics[0]), None, Some(s))).await;
        }
        for c in &places {
            expect(
                "outcomes",
                format!("country: \"{c}\""),
                outcome_scan(None, Some(c), None),
            )
            .await;
        }

        // Countries: region.
        for r in g.nodes_of(EK::Region) {
            let want = scan(EK::Country, &|ix, _| to(*r, RT::Includes, ix));
            expect("countries", format!("region: \"{}\"", gid(r)), want).await;
        }
    }
    assert!(
        checked > 200,
        "the filters matched real records ({checked})"
    );
}
