//! The command line: `check`, `schema`, and a server that refuses invalid data.

use std::process::Command;

fn aidgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aidgraph"))
}

#[test]
fn check_accepts_the_built_in_seed() {
    let out = aidgraph().arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("ok: 3 sources"), "{stdout}");
}

fn broken_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/s.txt"),
        "The ILO works closely with the MHLW.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("data.toml"),
        "[[source]]\nid = \"s\"\nfile = \"s.txt\"\ntitle = \"S\"\n\n[[organization]]\nid = \"ilo\"\nname = \"ILO\"\nkind = \"multilateral\"\ncountry = \"XX\"\ncite = [{ source = \"s\", quote = \"The ILO works closely with Japan\" }]\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_reports_every_problem_with_its_location_and_fails() {
    let dir = broken_data();
    let out = aidgraph().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let file = dir.path().join("data.toml").display().to_string();
    assert!(
        stderr.contains(&format!(
            "{file}:10:11: error: `XX` is not an ISO 3166-1 alpha-2 country code"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{file}:11:33: error: quote not found in source `s`"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("2 problems found"), "{stderr}");
}

#[test]
fn the_server_refuses_to_start_on_invalid_data() {
    let dir = broken_data();
    let out = aidgraph()
        .args(["serve", "--addr", "127.0.0.1:0", "--seed"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not serving: the data has problems"),
        "{stderr}"
    );
    assert!(stderr.contains("data.toml:10:11"), "{stderr}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = aidgraph()
        .args(["--addr", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid value 'not-an-address' for '--addr")
    );
}

#[test]
fn schema_file_is_the_printed_schema() {
    let out = aidgraph().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        printed == committed,
        "schema/schema.graphql is out of date: regenerate it with\n    cargo run -- schema > schema/schema.graphql\nand review the diff"
    );
}

#[test]
fn serving_flags_are_checked_before_anything_loads() {
    let run = |args: &[&str]| {
        let out = aidgraph().args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["serve", "--request-timeout", "soon"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`soon` is not a duration; write e.g. 30s, 500ms or 2m"),
        "{err}"
    );
    let (code, err) = run(&["serve", "--body-timeout", "0s"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("must be above zero"), "{err}");
    let (code, err) = run(&["serve", "--max-page-size", "5000"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("5000 is not in 1..=1000"), "{err}");
    let (code, err) = run(&["serve", "--watch"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("--watch needs something to watch: add --seed DIR or --snapshot FILE"),
        "{err}"
    );
    let (code, err) = run(&["serve", "--cors-origin", "app.example.org"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--cors-origin takes origins such as"), "{err}");
}
