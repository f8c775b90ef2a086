//! Every class of data mistake is reported with file:line:col and a hint, all at once.

use std::path::PathBuf;

use aidgraph::seed::{self, Diagnostic};

const SOURCE: &str = "The ILO works closely with the\nMinistry of Health, Labour and Welfare (MHLW).\n\
In April 2022, METI funded US$6.8 million for a twoyear project.\n";

/// A valid data set; each test breaks one thing in it.
const VALID: &str = r#"
[[source]]
id = "brief"
file = "brief.txt"
title = "A brief"

[[organization]]
id = "ilo"
name = "International Labour Organization"
kind = "multilateral"
cite = [{ source = "brief", quote = "The ILO works closely" }]

[[organization]]
id = "mhlw"
name = "Ministry of Health, Labour and Welfare"
kind = "ministry"
country = "JP"
cite = [{ source = "brief", quote = "Ministry of Health, Labour and Welfare (MHLW)" }]

[[country]]
code = "JP"
alpha3 = "JPN"
name = "Japan"
cite = [{ source = "brief", quote = "Ministry of Health, Labour and Welfare" }]

[[project]]
id = "rvc"
title = "Responsible value chains"
status = "unknown"
period = { start = "2022-04", text = "In April 2022" }
cite = [{ source = "brief", quote = "a twoyear project" }]

[[relation]]
from = "mhlw"
type = "funds"
to = "rvc"
contribution = "earmarked"
amount = { value = "6800000", currency = "USD", qualifier = "exact" }
cite = [{ source = "brief", quote = "funded US$6.8 million" }]
"#;

struct DataDir {
    _tmp: tempfile::TempDir,
    path: PathBuf,
}

fn data_dir(files: &[(&str, &str)]) -> DataDir {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("data");
    std::fs::create_dir_all(path.join("sources")).unwrap();
    std::fs::write(path.join("sources/brief.txt"), SOURCE).unwrap();
    for (name, text) in files {
        std::fs::write(path.join(name), text).unwrap();
    }
    DataDir { _tmp: tmp, path }
}

/// Loads `VALID` with `from` replaced by `to`, expecting problems.
fn problems_with(from: &str, to: &str) -> Vec<Diagnostic> {
    assert!(VALID.contains(from), "{from}");
    let dir = data_dir(&[("data.toml", &VALID.replacen(from, to, 1))]);
    seed::load_dir(&dir.path)
        .expect_err("the data is invalid")
        .0
}

/// Asserts a problem at `line` of data.toml whose message contains `message` (a mistake may
/// cause others, such as references to an id that became invalid).
fn assert_one(from: &str, to: &str, line: usize, message: &str, hint: &str) {
    let diags = problems_with(from, to);
    let d = diags
        .iter()
        .find(|d| d.message.contains(message))
        .unwrap_or_else(|| panic!("no problem says {message:?}: {diags:#?}"));
    assert!(d.file.ends_with("data.toml"), "{d}");
    assert_eq!(d.loc.line, line, "{d}");
    assert!(d.message.contains(message), "{d}");
    assert!(d.hint.as_deref().unwrap_or("").contains(hint), "{d}");
}

#[test]
fn the_valid_data_set_loads() {
    let dir = data_dir(&[("data.toml", VALID)]);
    let data = seed::load_dir(&dir.path).unwrap();
    assert_eq!(data.organizations.len(), 2);
    assert_eq!(data.relations.len(), 1);
}

#[test]
fn syntax_errors_are_located() {
    let diags = problems_with("title = \"A brief\"", "title = \"A brief");
    let d = diags
        .iter()
        .find(|d| d.message.contains("TOML syntax"))
        .expect("a syntax error");
    assert_eq!(d.loc.line, 5, "{d}");
}

#[test]
fn duplicate_ids_point_at_the_first_definition() {
    let again = "[[organization]]\nid = \"ilo\"\nname = \"Again\"\nkind = \"other\"\n\
                 cite = [{ source = \"brief\", quote = \"The ILO\" }]\n\n[[country]]";
    assert_one(
        "[[country]]",
        again,
        21,
        "duplicate id `ilo`",
        "first defined at",
    );
    assert_eq!(problems_with("[[country]]", again).len(), 1);
}

#[test]
fn unknown_references_suggest_the_likely_id() {
    assert_one(
        "from = \"mhlw\"",
        "from = \"mhwl\"",
        34,
        "unknown id `mhwl` in `from`",
        "did you mean `mhlw`?",
    );
}

#[test]
fn references_to_the_wrong_kind_are_reported() {
    assert_one(
        "to = \"rvc\"",
        "to = \"JP\"",
        36,
        "`to` must name one of: project, programme, organization, but `JP` is a country",
        "",
    );
}

#[test]
fn unknown_kinds_list_the_allowed_ones() {
    assert_one(
        "kind = \"ministry\"",
        "kind = \"minstry\"",
        16,
        "unknown kind `minstry`",
        "did you mean `ministry`?",
    );
}

#[test]
fn invalid_country_codes_are_reported() {
    assert_one(
        "code = \"JP\"",
        "code = \"JA\"",
        21,
        "`JA` is not an ISO 3166-1 alpha-2 country code",
        "",
    );
    assert_one(
        "alpha3 = \"JPN\"",
        "alpha3 = \"JAP\"",
        22,
        "alpha-3 code of JP (Japan) is `JPN`",
        "",
    );
}

#[test]
fn invalid_currency_codes_are_reported() {
    assert_one(
        "currency = \"USD\"",
        "currency = \"yuan\"",
        38,
        "unknown currency `yuan`",
        "`CNY`",
    );
}

#[test]
fn impossible_dates_are_reported() {
    assert_one(
        "start = \"2022-04\"",
        "start = \"2022-02-30\"",
        30,
        "impossible date",
        "",
    );
    assert_one(
        "start = \"2022-04\"",
        "start = \"2022-13\"",
        30,
        "month 13",
        "",
    );
}

#[test]
fn periods_that_end_before_they_start_are_reported() {
    assert_one(
        "start = \"2022-04\"",
        "start = \"2022-04\", end = \"FY2020\"",
        30,
        "ends (FY2020) before it starts (2022-04)",
        "",
    );
}

#[test]
fn negative_amounts_are_reported() {
    assert_one(
        "value = \"6800000\"",
        "value = \"-6800000\"",
        38,
        "negative amount",
        "never negative",
    );
}

#[test]
fn numbers_must_be_decimal_strings() {
    assert_one(
        "value = \"6800000\"",
        "value = 6800000",
        38,
        "must be a string, found an integer",
        "decimal strings",
    );
}

#[test]
fn facts_without_a_citation_are_reported() {
    assert_one(
        "cite = [{ source = \"brief\", quote = \"a twoyear project\" }]\n",
        "\n",
        26,
        "fact without a citation",
        "cite = [",
    );
}

#[test]
fn quotes_must_be_verbatim() {
    assert_one(
        "quote = \"funded US$6.8 million\"",
        "quote = \"funded USD 6.8 million\"",
        39,
        "quote not found in source `brief`",
        "the source has \"funded\" but not what follows",
    );
}

#[test]
fn quotes_fold_line_breaks_and_spaces() {
    let dir = data_dir(&[(
        "data.toml",
        &VALID.replace(
            "The ILO works closely",
            "works   closely with the Ministry of",
        ),
    )]);
    seed::load_dir(&dir.path).expect("line breaks and runs of spaces are folded");
}

#[test]
fn unknown_keys_and_tables_are_reported() {
    assert_one(
        "title = \"Responsible",
        "titel = \"x\"\ntitle = \"Responsible",
        28,
        "unknown key `titel` in project",
        "did you mean `title`?",
    );
    let diags = problems_with("[[project]]", "[[projects]]");
    assert!(
        diags
            .iter()
            .any(|d| d.message == "unknown table `projects`"),
        "{diags:#?}"
    );
}

#[test]
fn missing_source_documents_are_reported() {
    assert_one(
        "file = \"brief.txt\"",
        "file = \"other.txt\"",
        4,
        "source document `other.txt` not found",
        "sources/other.txt",
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let broken = VALID
        .replacen("kind = \"ministry\"", "kind = \"minstry\"", 1)
        .replacen("from = \"mhlw\"", "from = \"nobody\"", 1)
        .replacen("value = \"6800000\"", "value = \"-1\"", 1)
        .replacen("start = \"2022-04\"", "start = \"2022-02-30\"", 1);
    let second = "[[theme]]\nid = \"osh\"\nname = \"OSH\"\ndac_code = \"99999\"\n";
    let dir = data_dir(&[("a.toml", &broken), ("b.toml", second)]);
    let diags = seed::load_dir(&dir.path).unwrap_err().0;
    let found: Vec<(String, usize)> = diags
        .iter()
        .map(|d| (d.file.rsplit('/').next().unwrap().to_string(), d.loc.line))
        .collect();
    let expect = |f: &str, l: usize| (f.to_string(), l);
    assert_eq!(
        found,
        [
            expect("a.toml", 16),
            expect("a.toml", 30),
            expect("a.toml", 34),
            expect("a.toml", 38),
            expect("b.toml", 1),
            expect("b.toml", 4)
        ],
        "{diags:#?}"
    );
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let diags = seed::load_dir(std::path::Path::new("/nonexistent/aidgraph-data"))
        .unwrap_err()
        .0;
    assert!(
        diags[0].message.contains("cannot read data folder"),
        "{:?}",
        diags[0]
    );
}

/// A citation is checked while parsing when its source was declared before it, and after
/// every file is read when the source comes later: either way the same problems, located the
/// same, and a valid data set loads the same.
#[test]
fn quotes_are_checked_the_same_whether_the_source_comes_before_or_after() {
    let split = VALID.find("[[organization]]").unwrap();
    let (source, rest) = VALID.split_at(split);
    let broken = rest.replacen("funded US$6.8 million", "funded USD 6.8 million", 1);
    let mut seen = Vec::new();
    // "a.toml" sorts before "b.toml": the citations come first, then last.
    for (first, second) in [(source, broken.as_str()), (broken.as_str(), source)] {
        let dir = data_dir(&[("a.toml", first), ("b.toml", second)]);
        let diags = seed::load_dir(&dir.path).expect_err("the quote is wrong").0;
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert!(
            d.message.contains("quote not found in source `brief`"),
            "{d}"
        );
        assert!(
            d.hint
                .as_deref()
                .unwrap()
                .contains("the source has \"funded\""),
            "{d}"
        );
        let line = broken
            .lines()
            .position(|l| l.contains("funded USD 6.8"))
            .unwrap()
            + 1;
        assert_eq!(d.loc.line, line, "{d}");
        seen.push((d.message.clone(), d.hint.clone(), d.loc));
        // Fixed, both orders load to the same data.
        let fixed = data_dir(
            &[("a.toml", first), ("b.toml", second)]
                .map(|(n, t)| (n, if t == broken { rest } else { t })),
        );
        let data = seed::load_dir(&fixed.path).expect("valid in either order");
        assert_eq!(data.sources[0].text.as_deref(), Some(SOURCE));
        assert_eq!(data.relations.len(), 1);
    }
    assert_eq!(seen[0], seen[1]);
}

/// A reference to an id declared before it is checked while parsing, one declared after it
/// once every file is read: the same problem either way, at the same place.
#[test]
fn references_are_checked_the_same_whether_declared_before_or_after() {
    let split = VALID.find("[[relation]]").unwrap();
    let (entities, relation) = VALID.split_at(split);
    let broken = relation.replacen("to = \"rvc\"", "to = \"JP\"", 1);
    let line = broken.lines().position(|l| l == "to = \"JP\"").unwrap() + 1;
    let mut seen = Vec::new();
    for (a, b) in [(entities, broken.as_str()), (broken.as_str(), entities)] {
        let dir = data_dir(&[("a.toml", a), ("b.toml", b)]);
        let diags = seed::load_dir(&dir.path).expect_err("a wrong kind").0;
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert_eq!(
            d.message,
            "`to` must name one of: project, programme, organization, but `JP` is a country"
        );
        assert_eq!(d.loc.line, line, "{d}");
        assert!(
            d.file
                .ends_with(if a == entities { "b.toml" } else { "a.toml" })
        );
        seen.push((d.message.clone(), d.loc));
    }
    assert_eq!(seen[0], seen[1]);
}
