//! `aidgraph generate --format iati`: files valid against the official IATI 2.03 XSDs
//! (checked with `tests/iati/validate.sh`, i.e. xmllint), the same bytes for the same seed,
//! cross-references that stay inside the file, money that can be traced from both ends, and
//! clear usage errors. `--format seed`: folders that `aidgraph check` accepts (so every quote
//! is in its source), of about the size asked for, the same bytes for the same seed, with the
//! hub implementing every project and heavy-tailed degrees.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn aidgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aidgraph"))
}

/// Runs `aidgraph generate --format FORMAT --nodes N --seed S --out dir/name`; asserts it
/// succeeded and that its summary contains `says`.
pub fn generate_as(
    format: &str,
    dir: &Path,
    name: &str,
    nodes: usize,
    seed: u64,
    says: &str,
) -> PathBuf {
    let path = dir.join(name);
    let out = aidgraph()
        .args([
            "generate",
            "--format",
            format,
            "--nodes",
            &nodes.to_string(),
        ])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(&path)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(says), "{err}");
    path
}

fn generate(dir: &Path, name: &str, nodes: usize, seed: u64) -> PathBuf {
    generate_as(
        "iati",
        dir,
        name,
        nodes,
        seed,
        &format!("{nodes} activities"),
    )
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `tests/iati/validate.sh`; fails the test (never skips it) when xmllint is missing.
pub fn validate(files: &[&Path]) -> Output {
    let xmllint = Command::new("xmllint").arg("--version").output();
    assert!(
        xmllint.is_ok_and(|o| o.status.success()),
        "xmllint is missing: install it with `apt-get install libxml2-utils` (.ci/run does)"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iati/validate.sh");
    let out = Command::new("bash")
        .arg(script)
        .args(files)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "the validator could not run: {}",
        stderr(&out)
    );
    out
}

#[test]
fn generated_files_and_the_official_example_validate_and_a_broken_file_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let file = generate(dir.path(), "activities.xml", 300, 11);
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/iati/activity-standard-example-annotated.xml");
    let out = validate(&[&file, &example]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("valid IATI 2.03").count(), 2, "{stdout}");

    // The validator is not a rubber stamp: a title after the descriptions is out of order.
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = dir.path().join("broken.xml");
    let first_title = text.find("  <title>").unwrap();
    let title_end = text[first_title..].find("</title>\n").unwrap() + first_title + 9;
    let description_end = text[title_end..].find("</description>\n").unwrap() + title_end + 15;
    let reordered = format!(
        "{}{}{}{}",
        &text[..first_title],
        &text[title_end..description_end],
        &text[first_title..title_end],
        &text[description_end..]
    );
    std::fs::write(&broken, reordered).unwrap();
    let out = validate(&[&broken]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("This element is not expected. Expected is ( title )"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(generate(dir.path(), "a.xml", 150, 3)).unwrap();
    let b = std::fs::read(generate(dir.path(), "b.xml", 150, 3)).unwrap();
    let c = std::fs::read(generate(dir.path(), "c.xml", 150, 4)).unwrap();
    assert!(a == b, "seed 3 gave two different files");
    assert!(a != c, "seeds 3 and 4 gave the same file");
}

/// The attribute `name` of the tag at the start of `tag` (up to its `>`, if any).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Every start tag `<name ...>` in `text`, from its `<`.
fn tags<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name} ");
    text.match_indices(&open)
        .map(|(i, _)| &text[i..])
        .collect::<Vec<_>>()
        .into_iter()
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap() + open.len();
    &text[start..start + text[start..].find(close).unwrap()]
}

#[test]
fn every_cross_reference_names_an_activity_of_the_file_and_flows_match_at_both_ends() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(generate(dir.path(), "net.xml", 400, 21)).unwrap();
    let activities: Vec<&str> = text.split("<iati-activity ").skip(1).collect();
    assert_eq!(activities.len(), 400);
    let ids: BTreeSet<&str> = activities
        .iter()
        .map(|a| between(a, "<iati-identifier>", "</iati-identifier>"))
        .collect();
    assert_eq!(ids.len(), 400, "identifiers are unique");

    let mut references = BTreeMap::<&str, usize>::new();
    for (tag, name) in [
        ("provider-org", "provider-activity-id"),
        ("receiver-org", "receiver-activity-id"),
        ("participating-org", "activity-id"),
        ("related-activity", "ref"),
    ] {
        for t in tags(&text, tag) {
            if let Some(id) = attr(t, name) {
                assert!(ids.contains(id), "{tag}/@{name} {id} is not in the file");
                *references.entry(name).or_default() += 1;
            }
        }
    }
    assert_eq!(references.len(), 4, "{references:?}");
    let related_types: BTreeSet<&str> = tags(&text, "related-activity")
        .filter_map(|t| attr(t, "type"))
        .collect();
    assert_eq!(related_types, BTreeSet::from(["1", "2", "3", "4", "5"]));

    // Funder side: outgoing commitment (2) and disbursement (3); funded side: incoming
    // commitment (11) and funds (1), with the same provider, receiver, date, amount, currency.
    let mut outgoing = Vec::new();
    let mut incoming = Vec::new();
    let mut across_publishers = 0;
    for activity in &activities {
        let reporter = attr(between(activity, "<reporting-org", ">"), "ref");
        let default_currency = attr(activity, "default-currency").unwrap();
        for t in activity.split("<transaction>").skip(1) {
            let kind = attr(between(t, "<transaction-type", ">"), "code").unwrap();
            let date = attr(between(t, "<transaction-date", ">"), "iso-date").unwrap();
            let value_tag = between(t, "<value", "</value>");
            let currency = attr(value_tag, "currency").unwrap_or(default_currency);
            let amount = &value_tag[value_tag.find('>').unwrap() + 1..];
            let provider = t.find("<provider-org").map(|i| &t[i..]);
            let ends = provider.map(|p| {
                let receiver = &t[t.find("<receiver-org").unwrap()..];
                (
                    attr(p, "provider-activity-id").unwrap(),
                    attr(receiver, "receiver-activity-id").unwrap(),
                    attr(p, "ref"),
                )
            });
            let Some((from, to, provider_ref)) = ends else {
                assert_eq!(kind, "4", "only expenditure has no provider");
                continue;
            };
            across_publishers += usize::from(provider_ref != reporter);
            let flow = (from, to, date, amount, currency);
            match kind {
                "2" => outgoing.push(("commitment", flow)),
                "3" => outgoing.push(("payment", flow)),
                "11" => incoming.push(("commitment", flow)),
                "1" => incoming.push(("payment", flow)),
                other => panic!("unexpected transaction type {other}"),
            }
        }
    }
    outgoing.sort_unstable();
    incoming.sort_unstable();
    assert!(outgoing.len() > 200, "{}", outgoing.len());
    assert!(outgoing == incoming, "every flow is reported by both ends");
    assert!(across_publishers > 100, "{across_publishers}");
}

#[test]
fn percentages_add_up_to_100_per_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(generate(dir.path(), "p.xml", 200, 5)).unwrap();
    for activity in text.split("<iati-activity ").skip(1) {
        let activity = &activity[..activity.find("<budget").unwrap_or(activity.len())];
        let sum = |tag: &str, vocabulary: Option<&str>| -> f64 {
            tags(activity, tag)
                .filter(|t| {
                    vocabulary.is_none() || attr(t, "vocabulary").or(Some("1")) == vocabulary
                })
                .map(|t| attr(t, "percentage").unwrap().parse::<f64>().unwrap())
                .sum()
        };
        let places = sum("recipient-country", None) + sum("recipient-region", None);
        assert_eq!(places, 100.0, "{activity}");
        assert_eq!(sum("sector", Some("1")), 100.0, "{activity}");
        assert_eq!(sum("sector", Some("2")), 100.0, "{activity}");
    }
}

#[test]
fn target_bytes_sizes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sized.xml");
    let out = aidgraph()
        .args([
            "generate",
            "--format",
            "iati",
            "--target-bytes",
            "600KB",
            "--out",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let size = std::fs::metadata(&path).unwrap().len() as f64;
    assert!((0.9..1.1).contains(&(size / 600_000.0)), "{size}");
}

#[test]
fn bad_arguments_are_usage_errors_and_an_unwritable_path_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("x.xml");
    let out = out_path.to_str().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--format", "iati", "--nodes", "0", "--out", out],
            2,
            "--nodes",
        ),
        (
            &["--format", "iati", "--nodes", "many", "--out", out],
            2,
            "--nodes",
        ),
        (&["--format", "iati", "--out", out], 2, "--nodes"),
        (
            &["--format", "snapshot", "--nodes", "10", "--out", out],
            2,
            "--format snapshot needs --nodes 1000 or more",
        ),
        (
            &["--format", "seed", "--nodes", "10", "--out", out],
            2,
            "--format seed needs --nodes 1000 or more",
        ),
        (
            &["--format", "seed", "--target-bytes", "1MB", "--out", out],
            2,
            "--target-bytes sizes --format iati files only",
        ),
        (
            &["--format", "gexf", "--nodes", "10", "--out", out],
            2,
            "seed, iati, snapshot",
        ),
        (
            &["--format", "iati", "--target-bytes", "1TB", "--out", out],
            2,
            "not a size unit",
        ),
        (
            &[
                "--format",
                "iati",
                "--nodes",
                "5",
                "--out",
                "/nonexistent-dir/x.xml",
            ],
            1,
            "cannot create /nonexistent-dir/x.xml",
        ),
    ];
    for (args, code, message) in cases {
        let result = aidgraph().arg("generate").args(*args).output().unwrap();
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    assert!(
        !out_path.exists(),
        "no file is left behind by a refused command"
    );
}

/// Runs `aidgraph generate --format seed` into `dir/name`.
fn generate_seed(dir: &Path, name: &str, nodes: usize, seed: u64) -> PathBuf {
    generate_as("seed", dir, name, nodes, seed, "implements every project")
}

/// Every file under `dir` (relative path, bytes), in name order.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// The counts `aidgraph check` prints: `ok: 47 sources, 439 organisations, ...`.
fn check_counts(dir: &Path) -> BTreeMap<String, usize> {
    let out = aidgraph().arg("check").arg(dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no diagnostic, not even a warning");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.strip_prefix("ok: ").expect("check says ok");
    assert!(line.contains("every quote found in its source"), "{line}");
    line.split(';')
        .next()
        .unwrap()
        .split(", ")
        .map(|part| {
            let (n, what) = part.split_once(' ').unwrap();
            (what.to_string(), n.parse().unwrap())
        })
        .collect()
}

#[test]
fn a_generated_seed_folder_passes_check_with_about_the_nodes_and_edges_asked_for() {
    use aidgraph::graph::{Incoming, KnowledgeGraph, Outgoing};
    use aidgraph::model::{EntityKind, RelationType};
    use petgraph::graph::{EdgeIndex, NodeIndex};

    let dir = tempfile::tempdir().unwrap();
    let nodes = 3000;
    let folder = generate_seed(dir.path(), "seed", nodes, 7);
    let counts = check_counts(&folder);
    let kinds = [
        "sources",
        "organisations",
        "programmes",
        "projects",
        "countries",
        "regions",
        "themes",
        "outcomes",
    ];
    let loaded: usize = kinds.iter().map(|k| counts[*k]).sum();
    // Each outcome also becomes a `reports` edge from its subject.
    let edges = counts["relations"] + counts["outcomes"];
    assert!(
        (nodes * 9 / 10..=nodes * 11 / 10).contains(&loaded),
        "{loaded} nodes for {nodes}: {counts:?}"
    );
    let per_node = edges as f64 / loaded as f64;
    assert!(
        (4.0..=6.0).contains(&per_node),
        "{per_node:.2} edges per node"
    );
    let share = |k: &str| counts[k] as f64 / loaded as f64;
    assert!((0.48..=0.56).contains(&share("projects")), "{counts:?}");
    assert!((0.24..=0.32).contains(&share("outcomes")), "{counts:?}");
    assert_eq!(
        counts["countries"], 62,
        "41 recipient and 21 donor countries"
    );
    assert_eq!(counts["themes"], 22, "one per DAC code the loader knows");

    // The graph the server would build has exactly those nodes and edges.
    let graph = KnowledgeGraph::build(aidgraph::seed::load_dir(&folder).unwrap());
    assert_eq!(graph.node_count(), loaded);
    assert_eq!(graph.edge_count(), edges);

    // The hub implements every project (and nothing else does for all of them).
    let hub = graph.by_id("hub-agency").expect("the hub");
    let implemented: BTreeSet<_> = graph
        .neighbors(hub, RelationType::Implements, Outgoing)
        .into_iter()
        .collect();
    let projects: BTreeSet<_> = graph
        .nodes_of(EntityKind::Project)
        .iter()
        .copied()
        .collect();
    assert_eq!(implemented, projects);

    // Heavy tails: the busiest country, implementer and funder dwarf the median one.
    let degree =
        |n| graph.relations(n, None, Outgoing).len() + graph.relations(n, None, Incoming).len();
    let spread = |kind: EntityKind, relation: Option<RelationType>, skip: &[&str]| {
        let mut d: Vec<usize> = graph
            .nodes_of(kind)
            .iter()
            .filter(|&&n| !skip.contains(&graph.entity(n).id()))
            .map(|&n| match relation {
                None => degree(n),
                Some(r) => graph.neighbors(n, r, Outgoing).len(),
            })
            .filter(|&d| d > 0)
            .collect();
        d.sort_unstable();
        (d[d.len() - 1], d[d.len() / 2])
    };
    let (top, median) = spread(EntityKind::Country, None, &[]);
    assert!(top >= 8 * median, "countries: top {top}, median {median}");
    let (top, median) = spread(
        EntityKind::Organization,
        Some(RelationType::Implements),
        &["hub-agency"],
    );
    assert!(
        top >= 20 * median,
        "implementers: top {top}, median {median}"
    );
    let (top, median) = spread(EntityKind::Organization, Some(RelationType::Funds), &[]);
    assert!(top >= 10 * median, "funders: top {top}, median {median}");
    assert!(
        graph
            .nodes_of(EntityKind::Organization)
            .iter()
            .all(|&n| degree(n) > 0),
        "no organisation is isolated"
    );

    // Every source document says what it is; quotes are not one sentence cited everywhere.
    for (path, bytes) in files(&folder) {
        let text = String::from_utf8(bytes).unwrap();
        if path.starts_with("sources") {
            assert!(
                text.starts_with(
                    "This document is synthetic data generated by aidgraph generate --seed 7 \
                     and is not real"
                ),
                "{}",
                path.display()
            );
        }
    }
    let mut cited = BTreeMap::<String, usize>::new();
    let node_quotes = (0..graph.node_count()).flat_map(|n| graph.node_citations(NodeIndex::new(n)));
    let edge_quotes = (0..graph.edge_count()).flat_map(|e| graph.edge_citations(EdgeIndex::new(e)));
    for c in node_quotes.chain(edge_quotes) {
        *cited.entry(c.quote).or_default() += 1;
    }
    let most = cited.values().max().unwrap();
    assert!(*most <= 25, "a quote cited {most} times");
}

#[test]
fn the_same_seed_gives_the_same_folder_and_another_seed_another() {
    let dir = tempfile::tempdir().unwrap();
    let a = files(&generate_seed(dir.path(), "a", 1500, 3));
    let b = files(&generate_seed(dir.path(), "b", 1500, 3));
    let c = files(&generate_seed(dir.path(), "c", 1500, 4));
    assert!(a.len() > 5 && a.iter().any(|(p, _)| p.starts_with("sources")));
    assert!(a == b, "seed 3 gave two different folders");
    assert!(a != c, "seeds 3 and 4 gave the same folder");
}

#[test]
fn a_seed_folder_goes_only_into_a_new_or_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep.toml"), "# mine\n").unwrap();
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "not a folder").unwrap();
    for (out, message) in [(&taken, "is not empty"), (&file, "is a file")] {
        let result = aidgraph()
            .args(["generate", "--format", "seed", "--nodes", "1000", "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        assert!(stderr(&result).contains(message), "{}", stderr(&result));
        assert!(stderr(&result).contains("give a new or empty folder to --out"));
    }
    assert_eq!(
        files(&taken).len(),
        1,
        "nothing written beside the existing file"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");

    // An existing empty folder is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let result = aidgraph()
        .args(["generate", "--format", "seed", "--nodes", "1000", "--out"])
        .arg(&empty)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(empty.join("sources").is_dir());
}
