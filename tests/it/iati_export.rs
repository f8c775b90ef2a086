//! IATI 2.03 export (`aidgraph export --format iati`, `GET /export/iati`): exports of the
//! built-in seed, of the official example and of a generated file validate against the XSDs
//! (xmllint), and import -> export -> import gives the same records.
//!
//! The round trip compares every record of the two imports with one thing blanked: the quote
//! of each citation (the raw XML a fact was read from, which the export formats differently:
//! other indentation, attribute order, no unmapped attributes). Citations keep their source,
//! and both imports read the bytes under the same file name, so source records and ids are
//! compared too.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use aidgraph::export::iati::{self, Written};
use aidgraph::graph::{Entity, KnowledgeGraph, Subgraph};
use aidgraph::model::Dataset;
use aidgraph::{generate, seed};

use crate::app::TestApp;
use crate::generate::{stderr, validate};

const GENERATED: &str = "2026-01-15T00:00:00Z";

static BASE: LazyLock<Dataset> = LazyLock::new(|| seed::load_embedded().unwrap());

fn example() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/iati/activity-standard-example-annotated.xml"),
    )
    .unwrap()
}

/// Writes the projects of `sub` as IATI XML.
fn export(graph: &KnowledgeGraph, sub: &Subgraph) -> (String, Written) {
    let mut out = Vec::new();
    let written = iati::write(graph, sub, GENERATED, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), written)
}

/// Fails unless `xml` is valid against the IATI 2.03 XSDs.
fn assert_valid(name: &str, xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, xml).unwrap();
    let out = validate(&[&file]);
    assert!(out.status.success(), "{name}: {}", stderr(&out));
}

/// Imports `xml` beside the seed as file `name`.
fn import(name: &str, xml: &[u8]) -> Dataset {
    aidgraph::iati::import_bytes(name, xml, &BASE).unwrap().data
}

/// The graph of the seed with `imported`, and the subgraph of the imported projects only.
fn graph_of(imported: &Dataset) -> (KnowledgeGraph, Subgraph) {
    let graph = KnowledgeGraph::build(aidgraph::iati::merge(BASE.clone(), imported.clone()));
    let nodes = imported
        .projects
        .iter()
        .map(|p| graph.by_id(&p.id).unwrap())
        .collect();
    (
        graph,
        Subgraph {
            nodes,
            edges: Vec::new(),
        },
    )
}

/// Sorted `Debug` lines of every record, each citation's quote blanked.
fn records(mut d: Dataset) -> Vec<String> {
    fn blank(cites: &mut [aidgraph::model::Citation]) {
        for c in cites {
            c.quote.clear();
        }
    }
    d.organizations.iter_mut().for_each(|x| blank(&mut x.cite));
    d.countries.iter_mut().for_each(|x| blank(&mut x.cite));
    d.regions.iter_mut().for_each(|x| blank(&mut x.cite));
    d.themes.iter_mut().for_each(|x| blank(&mut x.cite));
    d.outcomes.iter_mut().for_each(|x| blank(&mut x.cite));
    d.relations.iter_mut().for_each(|x| blank(&mut x.cite));
    for p in &mut d.projects {
        blank(&mut p.cite);
        if let Some(iati) = &mut p.iati {
            iati.budgets.iter_mut().for_each(|x| blank(&mut x.cite));
            iati.transactions
                .iter_mut()
                .for_each(|x| blank(&mut std::sync::Arc::make_mut(x).cite));
            iati.related.iter_mut().for_each(|x| blank(&mut x.cite));
        }
    }
    crate::iati::records(d)
}

/// import -> export -> import: the export validates and the second import holds the same
/// records as the first. Returns the export.
fn round_trip(name: &str, xml: &[u8]) -> String {
    let first = import(name, xml);
    let (graph, sub) = graph_of(&first);
    let (exported, written) = export(&graph, &sub);
    assert_eq!(written.activities, first.projects.len());
    assert_valid(name, &exported);
    let second = import(name, exported.as_bytes());
    let (a, b) = (records(first), records(second));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "the first difference");
    }
    assert_eq!(a.len(), b.len());
    exported
}

#[test]
fn the_official_example_round_trips_through_a_valid_export() {
    let exported = round_trip("example.xml", &example());
    // What the importer keeps is written back, from the model's IATI codes.
    for expected in [
        "<iati-activity xml:lang=\"en\" default-currency=\"USD\" hierarchy=\"1\">",
        "<reporting-org type=\"40\" ref=\"AA-AAA-123456789\">",
        "<narrative xml:lang=\"fr\">Titre de l&apos;activité</narrative>",
        "<participating-org role=\"2\" activity-id=\"CC-CCC-123456789-1234\" ref=\"CC-CCC-123456789\" type=\"10\">",
        "<recipient-region code=\"A1\" vocabulary=\"99\" percentage=\"25\">",
        "<value currency=\"EUR\" value-date=\"2012-01-01\">1000</value>",
        "<provider-org provider-activity-id=\"BB-BBB-123456789-1234AA\" ref=\"BB-BBB-123456789\" type=\"40\">",
        "<related-activity ref=\"AA-AAA-123456789-6789\" type=\"1\"/>",
        "<baseline year=\"2012\" iso-date=\"2012-01-01\" value=\"10\">",
        "<actual value=\"11\">",
    ] {
        assert!(exported.contains(expected), "{expected}\n{exported}");
    }
}

#[test]
fn a_generated_file_round_trips_through_a_valid_export() {
    let mut xml = Vec::new();
    generate::iati::write(
        &mut xml,
        &generate::Params {
            nodes: 300,
            seed: 7,
        },
    )
    .unwrap();
    let exported = round_trip("generated.xml", &xml);
    // Values in the activity's default currency stay without `@currency`; transactions and
    // results are all there.
    assert!(exported.contains("<value value-date="));
    assert_eq!(
        exported.matches("<transaction>").count(),
        String::from_utf8(xml)
            .unwrap()
            .matches("<transaction>")
            .count()
    );
}

#[test]
fn the_seed_exports_valid_iati_with_generated_identifiers() {
    let graph = KnowledgeGraph::build(BASE.clone());
    let (xml, written) = export(&graph, &graph.whole());
    assert_valid("seed.xml", &xml);
    assert_eq!(export(&graph, &graph.whole()).0, xml, "deterministic");
    // Seed projects with a date and a reporting organisation with an IATI identifier; the
    // others are listed, with why, in a comment and in what `write` returns.
    let projects = graph
        .nodes_of(aidgraph::model::EntityKind::Project)
        .iter()
        .filter(|ix| matches!(graph.entity(**ix), Entity::Project(_)))
        .count();
    assert_eq!(written.activities + written.left_out.len(), projects);
    assert!(written.activities >= 5, "{written:?}");
    assert!(
        written
            .left_out
            .contains(&("sudan-mayo".to_string(), "no date"))
    );
    assert!(xml.contains("sudan-mayo (no date)"));
    // rvc-asia-phase-2: status unknown, period 1 April 2024 - 31 March 2026, which has begun
    // and not ended on the export's day: implementation, planned dates, the budget over the
    // period; the ILO implements and reports it, METI funds it.
    let rvc = xml
        .split("<iati-activity ")
        .find(|a| a.contains("XM-AIDGRAPH-rvc-asia-phase-2"))
        .unwrap();
    for expected in [
        "<reporting-org type=\"40\" ref=\"XM-DAC-41302\">",
        "<activity-status code=\"2\"/>",
        "<activity-date iso-date=\"2024-04-01\" type=\"1\"/>",
        "<activity-date iso-date=\"2026-03-31\" type=\"3\"/>",
        "<value currency=\"USD\" value-date=\"2024-04-01\">2700000</value>",
        "<participating-org role=\"1\">",
        "<participating-org role=\"4\" ref=\"XM-DAC-41302\">",
        "<recipient-country code=\"LA\"/>",
        "<sector code=\"16070\" vocabulary=\"1\">",
    ] {
        assert!(rvc.contains(expected), "{expected}\n{rvc}");
    }
}

#[test]
fn the_seed_and_the_example_export_together_and_validate() {
    let imported = import("example.xml", &example());
    let graph = KnowledgeGraph::build(aidgraph::iati::merge(BASE.clone(), imported));
    let (xml, written) = export(&graph, &graph.whole());
    assert_valid("all.xml", &xml);
    let ids: Vec<&str> = xml
        .split("<iati-identifier>")
        .skip(1)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    assert_eq!(ids.len(), written.activities);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered: {ids:?}");
    assert!(ids.contains(&"AA-AAA-123456789-ABC123"));
}

#[tokio::test]
async fn get_export_iati_is_an_xml_attachment_and_around_restricts_the_projects() {
    let reply = TestApp::new().get("/export/iati").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/xml");
    assert_eq!(
        reply.header("content-disposition"),
        "attachment; filename=\"aidgraph.xml\""
    );
    let all = reply.text();
    assert!(all.starts_with("<?xml"));
    assert!(all.contains("<iati-activities version=\"2.03\" generated-datetime=\""));

    let reply = TestApp::new()
        .get("/export/iati?around=project:china-employment&depth=0")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-disposition"),
        "attachment; filename=\"aidgraph-project-china-employment.xml\""
    );
    let one = reply.text();
    assert_eq!(one.matches("<iati-activity ").count(), 1, "{one}");
    assert!(one.contains("XM-AIDGRAPH-china-employment"));
}

#[test]
fn the_cli_writes_a_valid_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_aidgraph"))
        .args(["export", "--format", "iati", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = validate(&[&file]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test]
async fn a_selection_without_a_writable_project_is_a_400_not_an_invalid_file() {
    let r = crate::app::TestApp::new()
        .get("/export/iati?kinds=ORGANIZATION")
        .await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::BAD_REQUEST,
        "{}",
        r.text()
    );
    let e = r.json();
    assert_eq!(e["error"]["code"], "INVALID_ARGUMENT");
    assert_eq!(e["error"]["parameter"], "kinds");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no project IATI can describe"),
        "{e}"
    );
}

#[test]
fn the_vendored_files_are_the_official_ones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/iati");
    if !shared.exists() {
        // A clone away from the project's machines: nothing to compare with.
        return;
    }
    for (ours, official) in [
        (
            "tests/iati/activity-standard-example-annotated.xml",
            "activity-standard-example-annotated.xml",
        ),
        (
            "tests/iati/xsd/iati-activities-schema.xsd",
            "xsd/iati-activities-schema.xsd",
        ),
        (
            "tests/iati/xsd/iati-organisations-schema.xsd",
            "xsd/iati-organisations-schema.xsd",
        ),
        ("tests/iati/xsd/iati-common.xsd", "xsd/iati-common.xsd"),
        ("tests/iati/xsd/xml.xsd", "xsd/xml.xsd"),
    ] {
        let a = std::fs::read(root.join(ours)).unwrap();
        let b = std::fs::read(shared.join(official)).unwrap();
        assert!(a == b, "{ours} differs from ../shared/iati/{official}");
    }
}
