//! The planned executor (`api::plan`) answers what async-graphql answers, byte for byte,
//! for every field it covers, on the seed, a generated graph and the IATI example; and it
//! leaves to async-graphql what it does not cover and every answer that carries an error.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use aidgraph::api::plan::Plan;
use aidgraph::graph::KnowledgeGraph;
use aidgraph::model::EntityKind as EK;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use async_graphql::{Request, Variables};
use serde_json::{Value, json};

use crate::app::TestApp;

/// A field of the schema: its name, the named type it returns, whether it takes `first`,
/// and whether it needs an argument.
struct FieldDef {
    name: String,
    ty: String,
    pages: bool,
    required: bool,
}

struct Schema {
    fields: HashMap<String, Vec<FieldDef>>,
}

fn named(t: &Type) -> &str {
    match &t.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl Schema {
    fn read() -> Schema {
        let doc = async_graphql::parser::parse_schema(aidgraph::api::sdl()).unwrap();
        let mut fields = HashMap::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let list = match &t.node.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                _ => continue,
            };
            let defs = list
                .iter()
                .map(|f| FieldDef {
                    name: f.node.name.node.to_string(),
                    ty: named(&f.node.ty.node).to_string(),
                    pages: f.node.arguments.iter().any(|a| a.node.name.node == "first"),
                    required: f
                        .node
                        .arguments
                        .iter()
                        .any(|a| !a.node.ty.node.nullable && a.node.default_value.is_none()),
                })
                .collect();
            fields.insert(t.node.name.node.to_string(), defs);
        }
        Schema { fields }
    }

    /// Every field of `ty` a plan covers, to `depth` levels of objects, each checked in its
    /// place in the whole query (`wrap` puts a selection there). Connections take
    /// `first: 3`; fields typed `Node` select `__typename` and `id`.
    fn selection(&self, ty: &str, depth: usize, wrap: &dyn Fn(&str) -> String) -> Vec<String> {
        let mut parts = Vec::new();
        for f in &self.fields[ty] {
            if f.required {
                continue;
            }
            let candidate = if !self.fields.contains_key(&f.ty) {
                f.name.clone()
            } else if depth == 0 {
                continue;
            } else if f.ty == "Node" {
                format!("{} {{ __typename id }}", f.name)
            } else {
                let args = if f.pages { "(first: 3)" } else { "" };
                let head = format!("{}{args}", f.name);
                let inner_wrap = |s: &str| wrap(&format!("{head} {{ {s} }}"));
                let inner = self.selection(&f.ty, depth - 1, &inner_wrap);
                if inner.is_empty() {
                    continue;
                }
                format!("{head} {{ {} }}", inner.join(" "))
            };
            if Plan::compile(&parse_query(wrap(&candidate)).unwrap(), None).is_some() {
                parts.push(candidate);
            }
        }
        parts
    }
}

fn node_query(selection: &str) -> String {
    format!("query Probe($id: ID!) {{ node(id: $id) {{ __typename {selection} }} }}")
}

/// The plan's body and async-graphql's for `query` with `variables` over `g`; the plan
/// must compile, answer, and say the same bytes, and async-graphql must find no error.
async fn same_answer(g: &Arc<KnowledgeGraph>, query: &str, variables: Value) -> String {
    let plan = Plan::compile(&parse_query(query).unwrap(), None)
        .unwrap_or_else(|| panic!("no plan for {query}"));
    let variables = Variables::from_json(variables);
    let planned = plan
        .run(g, &variables)
        .unwrap_or_else(|| panic!("the plan refused {query} with {variables:?}"));
    let schema = aidgraph::api::build_schema(g.clone());
    let response = schema
        .execute(Request::new(query).variables(variables.clone()))
        .await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    let expected = serde_json::to_string(&response).unwrap();
    let planned = String::from_utf8(planned).unwrap();
    assert_eq!(planned, expected, "{query} with {variables:?}");
    planned
}

/// The graphs both comparisons run on, built once for the test binary.
static GRAPHS: LazyLock<Vec<(&'static str, Arc<KnowledgeGraph>)>> = LazyLock::new(graphs);

fn graphs() -> Vec<(&'static str, Arc<KnowledgeGraph>)> {
    let dir = tempfile::tempdir().unwrap();
    let says = "implements every project";
    let folder = crate::generate::generate_as("seed", dir.path(), "seed", 3000, 5, says);
    let example = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/iati/activity-standard-example-annotated.xml"),
    )
    .unwrap();
    let base = aidgraph::seed::load_embedded().unwrap();
    let imported = aidgraph::iati::import_bytes("example.xml", &example, &base).unwrap();
    vec![
        ("seed", Arc::new(aidgraph::seed::build_embedded().unwrap())),
        (
            "generated",
            Arc::new(aidgraph::seed::build_dir(&folder).unwrap()),
        ),
        (
            "iati example",
            Arc::new(KnowledgeGraph::build(aidgraph::iati::merge(
                base,
                imported.data,
            ))),
        ),
    ]
}

/// Every field a plan covers, on every node of the seed and the IATI example and every
/// third of a generated graph, through `node(id:)`.
#[tokio::test]
async fn plans_answer_every_field_they_cover_as_async_graphql_does() {
    let schema = Schema::read();
    let mut queries = Vec::new();
    for &k in EK::ALL.iter() {
        let ty = aidgraph::api::plan::kind_name(k);
        let wrap = |s: &str| node_query(&format!("... on {ty} {{ {s} }}"));
        let fields = schema.selection(ty, 3, &wrap);
        queries.push((k, wrap(&fields.join(" ")), fields));
    }
    // The plan covers the reading core; a plan that lost it would make this test vacuous.
    let covered = |k: EK, name: &str| {
        queries
            .iter()
            .any(|(kind, _, fields)| *kind == k && fields.iter().any(|f| f.starts_with(name)))
    };
    for (k, name) in [
        (EK::Project, "title"),
        (EK::Project, "status"),
        (EK::Project, "period"),
        (EK::Project, "budget"),
        (EK::Project, "countries"),
        (EK::Project, "outcomes"),
        (EK::Project, "funders"),
        (EK::Organization, "fundedProjects"),
        (EK::Organization, "kind"),
        (EK::Organization, "country"),
        (EK::Outcome, "value"),
        (EK::Outcome, "subject"),
        (EK::Country, "projects"),
        (EK::Source, "title"),
    ] {
        assert!(covered(k, name), "plans no longer cover {k:?}.{name}");
    }
    let mut compared = 0;
    for &(name, ref g) in GRAPHS.iter() {
        let step = if name == "generated" { 3 } else { 1 };
        for (k, query, _) in &queries {
            for ix in g.nodes_of(*k).iter().step_by(step) {
                let id = g.entity(*ix).global_id();
                same_answer(g, query, json!({ "id": id })).await;
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}

/// Root lists with filters, orders and cursors; `nodes`, `country`; aliases, fragments,
/// `__typename`, `@skip` and `@include`; the load benchmark's two queries.
#[tokio::test]
async fn plans_answer_root_lists_fragments_and_directives_as_async_graphql_does() {
    let nested = include_str!("../../benches/load/nested.graphql");
    let list = "query ProjectList($first: Int!, $after: String) { \
                projects(first: $first, after: $after) { nodes { id status } } }";
    for &(name, ref g) in GRAPHS.iter() {
        let funder = if name == "generated" {
            "org:hub-agency"
        } else {
            "org:mhlw"
        };
        let page = |after: Option<&str>| json!({ "id": funder, "first": 3, "after": after });
        let first = same_answer(g, nested, page(None)).await;
        let first: Value = serde_json::from_str(&first).unwrap();
        let edges = &first["data"]["node"]["fundedProjects"]["edges"];
        if let Some(cursor) = edges[0]["cursor"].as_str() {
            same_answer(g, nested, page(Some(cursor))).await;
        }
        let listed = same_answer(g, list, json!({ "first": 1000 })).await;
        let listed: Value = serde_json::from_str(&listed).unwrap();
        let nodes = listed["data"]["projects"]["nodes"].as_array().unwrap();
        let last = json!(aidgraph::api::page::encode_cursor(
            nodes.last().unwrap()["id"].as_str().unwrap()
        ));
        same_answer(g, list, json!({ "first": 2, "after": last })).await;

        let roots = r#"query Roots($skip: Boolean!, $country: String!) {
          organizations(first: 4, where: { kind: MINISTRY }) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { id name kind } }
          }
          programmes(last: 2) { nodes { name kind } }
          projects(first: 5, orderBy: { field: TITLE, direction: DESC }) {
            nodes { __typename title ...P }
          }
          countries(first: 3) { __typename nodes { code name } }
          outcomes(first: 5, where: { status: ACHIEVED }) { nodes { label value unit } }
          regions { totalCount }
          themes(first: 3) { pageInfo { startCursor endCursor } nodes { name dacCode dacName } }
          sources { nodes { title publisher } }
          kh: country(code: "kh") { name alpha3 }
          none: country(code: $country) { name }
          nodes(ids: ["org:mhlw", "project:none", "country:KH"]) {
            id ... on Organization { name } ...on Country { code @skip(if: $skip) }
          }
          __typename
        }
        fragment P on Project { status period { text } id @include(if: $skip) }"#;
        for skip in [true, false] {
            same_answer(g, roots, json!({ "skip": skip, "country": "zz" })).await;
        }
        let aliases = r#"query Aliases($id: ID!) {
          a: node(id: $id) { id ... on Node { id } ... on Organization {
            n: name, name, funds(first: 2) { edges { t: type role amount { amount currency }
              amountQualifier contribution period { text } direction from { id } to { id }
              node { __typename ... on Project { title } ... on Programme { name } } } } } }
          b: node(id: $id) { __typename }
        }"#;
        same_answer(g, aliases, json!({ "id": funder })).await;
    }
}

/// A document a plan does not cover, and an answer with an error, go to async-graphql:
/// over HTTP the client gets async-graphql's answer, coded, and the metrics say which
/// executor ran.
#[tokio::test]
async fn requests_plans_cannot_answer_go_to_async_graphql() {
    let g = crate::app::seed_graph();
    let plan = |q: &str| Plan::compile(&parse_query(q).unwrap(), None);
    // Not covered: search, citations, an analysis, mutations do not exist, subscriptions
    // neither; several operations without a name.
    for q in [
        "{ search(query: \"child labour\") { totalCount } }",
        "{ node(id: \"org:mhlw\") { ... on Organization { citations { quote } } } }",
        "{ node(id: \"org:mhlw\") { ... on Organization { relations { totalCount } } } }",
        "query A { regions { totalCount } } query B { themes { totalCount } }",
        "{ node(id: \"org:mhlw\") { id @deprecated } }",
    ] {
        assert!(plan(q).is_none(), "{q}");
    }
    // Covered, but the answer carries an error: the plan declines to run.
    let nested = plan(include_str!("../../benches/load/nested.graphql")).unwrap();
    for vars in [
        json!({ "id": "mhlw", "first": 2 }),
        json!({ "id": "org:mhlw", "first": 2, "after": "bm90LWEtY3Vyc29y" }),
        json!({ "id": "org:mhlw", "first": 1001 }),
        json!({ "id": "org:mhlw", "first": "two" }),
    ] {
        assert!(
            nested
                .run(&g, &Variables::from_json(vars.clone()))
                .is_none(),
            "{vars}"
        );
    }

    let app = TestApp::new();
    let body = |vars: Value| json!({ "query": include_str!("../../benches/load/nested.graphql"), "variables": vars });
    let post = |vars: Value| {
        axum::http::Request::post("/graphql")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body(vars).to_string()))
            .unwrap()
    };
    let vars = json!({ "id": "org:mhlw", "first": 2 });
    // The first request validates in full and runs on async-graphql; the second is planned.
    let full = app.request(post(vars.clone())).await;
    let planned = app.request(post(vars)).await;
    assert_eq!(full.status, 200);
    assert_eq!(planned.text(), full.text());
    let bad = app
        .request(post(
            json!({ "id": "org:mhlw", "first": 2, "after": "bm90LWEtY3Vyc29y" }),
        ))
        .await;
    let errors = &bad.json()["errors"];
    assert_eq!(
        errors[0]["extensions"]["code"], "INVALID_CURSOR",
        "{errors}"
    );
    assert_eq!(errors[0]["path"], json!(["node", "fundedProjects"]));
    let metrics = app.get("/metrics").await.text();
    let count = |executor: &str| {
        let line = format!("aidgraph_graphql_executions_total{{executor=\"{executor}\"}} ");
        let n = metrics.lines().find_map(|l| l.strip_prefix(&line[..]));
        n.unwrap_or_else(|| panic!("no {line} in\n{metrics}"))
            .to_string()
    };
    assert_eq!(count("planned"), "1");
    assert_eq!(count("async-graphql"), "2");
}
