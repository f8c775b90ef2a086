//! The data loader never panics, whatever the folder holds: arbitrary bytes as a data file,
//! mutations of the real seed files, arbitrary text as a source document. Each case is a copy
//! of the built-in seed in a temporary folder with one thing changed; it either loads, or
//! fails with diagnostics that each point at a real file and a line inside it.
//!
//! A panic fails the property like any assertion: proptest catches it and shrinks the input.
//! `PROPTEST_CASES=5000 cargo test loader_props` runs a longer hunt.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use aidgraph::model::Dataset;
use aidgraph::seed::{self, Diagnostics};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

/// Cases per property, set here rather than left to proptest's default of 256: a case that
/// parses the whole seed (~170 kB) takes about 30 ms in a debug build, so 150 cases keep this
/// module near 10 s on a shared 2-core machine, well inside the 20 s it may take, while still
/// reaching every kind of mutation on every file each run. `PROPTEST_CASES` overrides it.
const CASES: u32 = 150;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The built-in seed, read once: `(file name, bytes)` of each data file and source document,
/// and the vocabulary of its data files, for generating text that looks like them.
struct Seed {
    data: Vec<(String, Vec<u8>)>,
    sources: Vec<(String, Vec<u8>)>,
    /// The `[[table]]` names the files use, and one misspelt.
    tables: Vec<String>,
    /// Every key written `key = ...` in the files, and one misspelt.
    keys: Vec<String>,
}

static SEED: LazyLock<Seed> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
    let read = |dir: &Path, ext: &str| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let data = read(&dir, "toml");
    let mut tables = BTreeSet::from(["organisation".to_string()]);
    let mut keys = BTreeSet::from(["nme".to_string()]);
    for (_, bytes) in &data {
        let text = std::str::from_utf8(bytes).unwrap();
        for line in text.lines() {
            if let Some(t) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
                tables.insert(t.to_string());
            }
        }
        for (at, _) in text.match_indices(" = ") {
            let key = text[..at]
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            if !key.is_empty() {
                keys.insert(key.to_string());
            }
        }
    }
    Seed {
        data,
        sources: read(&dir.join("sources"), "txt"),
        tables: tables.into_iter().collect(),
        keys: keys.into_iter().collect(),
    }
});

/// A copy of the seed with some data files (`name`, bytes) and source documents replaced or
/// added, in a folder that lives as long as the value.
struct Variant {
    _tmp: tempfile::TempDir,
    path: PathBuf,
}

impl Variant {
    fn new(data: &[(&str, &[u8])], sources: &[(&str, &[u8])]) -> Variant {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("data");
        std::fs::create_dir_all(path.join("sources")).unwrap();
        let write = |dir: &Path, seed: &[(String, Vec<u8>)], changed: &[(&str, &[u8])]| {
            for (name, bytes) in seed {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
            for (name, bytes) in changed {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        };
        write(&path, &SEED.data, data);
        write(&path.join("sources"), &SEED.sources, sources);
        Variant { _tmp: tmp, path }
    }

    fn load(&self) -> Result<Dataset, Diagnostics> {
        seed::load_dir(&self.path)
    }
}

/// An error has at least one diagnostic, and each names a file that exists and a line inside
/// it: 1 to one past its last newline, where an unterminated string or table ends.
fn assert_located(result: &Result<Dataset, Diagnostics>) -> Result<(), TestCaseError> {
    let Err(Diagnostics(diags)) = result else {
        return Ok(());
    };
    prop_assert!(!diags.is_empty(), "an error without a diagnostic");
    for d in diags {
        prop_assert!(!d.file.is_empty(), "{d}: no file name");
        let bytes = std::fs::read(&d.file)
            .map_err(|e| TestCaseError::fail(format!("{d}\nnames no readable file: {e}")))?;
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        prop_assert!(
            (1..=lines).contains(&d.loc.line) && d.loc.col >= 1,
            "{d}\nis outside the file's {lines} lines"
        );
    }
    Ok(())
}

/// Values of every TOML type, including ones the seed's format refuses, and strings that hit
/// the loader's own parsers (dates, decimals, currencies, codes, ids of the real seed).
const VALUES: &[&str] = &[
    "42",
    "-7",
    "3.5",
    "nan",
    "-inf",
    "true",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "[]",
    "[1, \"two\"]",
    "{}",
    "{ value = 1 }",
    "\"\"",
    "\" \"",
    "\"mhlw\"",
    "\"ilo\"",
    "\"JP\"",
    "\"KH\"",
    "\"XX\"",
    "\"FY2001\"",
    "\"FY99999\"",
    "\"2021-02-29\"",
    "\"2024-13\"",
    "\"2021-07-01-02\"",
    "\"9999-12-31\"",
    "\"0000\"",
    "\"27650000\"",
    "\"-1\"",
    "\"1e400\"",
    "\"79228162514264337593543950336\"",
    "\"0.0000000000000000000000000001\"",
    "\"USD\"",
    "\"yuan\"",
    "\"exact\"",
    "\"funds\"",
    "\"reports\"",
    "\"ministry\"",
    "\"people_trained\"",
    "\"a/b.txt\"",
    "\"000_8917ea2243485748.txt\"",
    "\"ilo-japan-brief\"",
    "{ start = \"2022\", end = \"2021\" }",
    "{ value = \"1\", currency = \"CNY\", qualifier = \"over\" }",
    "[{ source = \"ilo-japan-brief\", quote = \"MHLW\" }]",
    "[{ source = \"ilo-japan-brief\", quote = \"not in the brief\" }]",
    "[{ source = \"mhlw\", quote = \"x\" }]",
    "[\"x\", 1]",
];

const TOKENS: &[&str] = &[
    "[[", "]]", "[", "]", "{", "}", "=", ",", ".", "\n", " ", "\t", "\r", "\"", "'", "\"\"\"",
    "'''", "#", "\\", "\\u00", "\\x", "é", "’", "\u{feff}", "\u{0}", "0x1F", "1_000", "id", "cite",
    "mhlw",
];

/// Text shaped like a data file: table headers, `key = value` lines and token soup.
fn toml_like() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        select(SEED.tables.clone()).prop_map(|t| format!("[[{t}]]")),
        select(SEED.tables.clone()).prop_map(|t| format!("[{t}]")),
        (select(SEED.keys.clone()), select(VALUES)).prop_map(|(k, v)| format!("{k} = {v}")),
        vec(select(TOKENS), 0..8).prop_map(|t| t.concat()),
    ];
    vec(line, 0..40).prop_map(|lines| lines.join("\n").into_bytes())
}

/// One edit of a data file. Positions are taken modulo the length of what they index, so they
/// shrink towards the start of the file.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    FlipBit(usize, u8),
    InsertByte(usize, u8),
    DeleteByte(usize),
    Truncate(usize),
    /// Replaces the value after one of the text's `= ` with a value of another type.
    ReplaceValue(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>;
    prop_oneof![
        pos().prop_map(Mutation::DeleteLine),
        pos().prop_map(Mutation::DuplicateLine),
        (pos(), pos()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (pos(), 0..8u8).prop_map(|(i, bit)| Mutation::FlipBit(i, bit)),
        (pos(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        pos().prop_map(Mutation::DeleteByte),
        pos().prop_map(Mutation::Truncate),
        (pos(), select(VALUES)).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
    ]
}

impl Mutation {
    fn apply(&self, text: &mut Vec<u8>) {
        let n = text.len();
        match *self {
            Mutation::InsertByte(i, b) => text.insert(i % (n + 1), b),
            _ if n == 0 => {}
            Mutation::DeleteLine(i) => edit_lines(text, |lines| {
                lines.remove(i % lines.len());
            }),
            Mutation::DuplicateLine(i) => edit_lines(text, |lines| {
                let i = i % lines.len();
                lines.insert(i, lines[i]);
            }),
            Mutation::SwapLines(a, b) => edit_lines(text, |lines| {
                let l = lines.len();
                lines.swap(a % l, b % l);
            }),
            Mutation::FlipBit(i, bit) => text[i % n] ^= 1 << bit,
            Mutation::DeleteByte(i) => {
                text.remove(i % n);
            }
            Mutation::Truncate(i) => text.truncate(i % n),
            Mutation::ReplaceValue(i, value) => replace_value(text, i, value),
        }
    }
}

/// Edits a non-empty text as its lines, each with its line break.
fn edit_lines(text: &mut Vec<u8>, edit: impl FnOnce(&mut Vec<&[u8]>)) {
    let mut lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    edit(&mut lines);
    *text = lines.concat();
}

/// Replaces the value written after the `i`th `= ` (modulo their count): a basic string up to
/// its closing quote, anything else up to the next `,`, `}` or line break.
fn replace_value(text: &mut Vec<u8>, i: usize, value: &str) {
    let starts: Vec<usize> = text
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"= ")
        .map(|(at, _)| at + 2)
        .collect();
    if starts.is_empty() {
        return;
    }
    let start = starts[i % starts.len()];
    let rest = &text[start..];
    let len = if rest.first() == Some(&b'"') {
        let mut escaped = false;
        rest.iter()
            .enumerate()
            .skip(1)
            .find(|&(_, &b)| {
                let closes = b == b'"' && !escaped;
                escaped = b == b'\\' && !escaped;
                closes || b == b'\n'
            })
            .map_or(rest.len(), |(at, _)| at + 1)
    } else {
        rest.iter()
            .position(|b| b",}\n".contains(b))
            .unwrap_or(rest.len())
    };
    text.splice(start..start + len, value.bytes());
}

/// One edit of a source document, applied to its characters so the text stays UTF-8.
#[derive(Debug, Clone)]
enum SourceEdit {
    Replace(String),
    Delete(Index, usize),
    Insert(Index, String),
}

fn source_edit() -> impl Strategy<Value = SourceEdit> {
    prop_oneof![
        any::<String>().prop_map(SourceEdit::Replace),
        (any::<Index>(), 1..200usize).prop_map(|(i, len)| SourceEdit::Delete(i, len)),
        (any::<Index>(), any::<String>()).prop_map(|(i, s)| SourceEdit::Insert(i, s)),
        // Whitespace and line breaks are what quotes are folded over.
        (any::<Index>(), "[ \t\r\n\u{a0}\u{3000}]{1,6}")
            .prop_map(|(i, s)| SourceEdit::Insert(i, s)),
    ]
}

impl SourceEdit {
    fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        match self {
            SourceEdit::Replace(s) => s.clone(),
            SourceEdit::Delete(i, len) => {
                let start = i.index(chars.len() + 1);
                let end = (start + len).min(chars.len());
                chars[..start].iter().chain(&chars[end..]).collect()
            }
            SourceEdit::Insert(i, s) => {
                let at = i.index(chars.len() + 1);
                let (head, tail) = chars.split_at(at);
                head.iter().collect::<String>() + s + &tail.iter().collect::<String>()
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes, UTF-8 or not, TOML-like or not, as one more data file.
    #[test]
    fn any_bytes_as_a_data_file_load_or_are_located(
        bytes in prop_oneof![
            vec(any::<u8>(), 0..2048),
            any::<String>().prop_map(String::into_bytes),
            toml_like(),
        ]
    ) {
        let variant = Variant::new(&[("zz-fuzz.toml", &bytes)], &[]);
        assert_located(&variant.load())?;
    }

    /// A real seed file with a few lines deleted, duplicated or swapped, bytes flipped,
    /// inserted or deleted, the file truncated, or a value replaced by one of another type.
    #[test]
    fn mutated_seed_files_load_or_are_located(
        file in any::<Index>(),
        mutations in vec(mutation(), 1..5),
    ) {
        let (name, original) = &SEED.data[file.index(SEED.data.len())];
        let mut text = original.clone();
        for m in &mutations {
            m.apply(&mut text);
        }
        let variant = Variant::new(&[(name, &text)], &[]);
        assert_located(&variant.load())?;
    }

    /// Arbitrary text, or the real text edited, as a source document the citations quote.
    #[test]
    fn any_source_text_loads_or_is_located(file in any::<Index>(), edit in source_edit()) {
        let (name, original) = &SEED.sources[file.index(SEED.sources.len())];
        let text = edit.apply(std::str::from_utf8(original).unwrap());
        let variant = Variant::new(&[], &[(name, text.as_bytes())]);
        assert_located(&variant.load())?;
    }
}

/// The generators do produce what the properties claim to cover: a seed copy loads as is, the
/// vocabulary read from the seed has its tables and keys, and each mutation changes its file.
#[test]
fn an_unchanged_copy_loads_and_mutations_change_it() {
    Variant::new(&[], &[]).load().expect("the seed copy loads");
    let (tables, keys) = (&SEED.tables, &SEED.keys);
    assert!(tables.contains(&"relation".to_string()), "{tables:?}");
    for key in ["id", "cite", "quote", "qualifier", "start"] {
        assert!(keys.contains(&key.to_string()), "{key} not in {keys:?}");
    }
    let text = b"id = \"ilo\"\nname = \"International Labour Organization\"\n".to_vec();
    for m in [
        Mutation::DeleteLine(0),
        Mutation::DuplicateLine(0),
        Mutation::FlipBit(0, 0),
        Mutation::InsertByte(0, b'x'),
        Mutation::DeleteByte(0),
        Mutation::Truncate(0),
    ] {
        let mut t = text.clone();
        m.apply(&mut t);
        assert_ne!(t, text, "{m:?}");
    }
    let mut t = text.clone();
    Mutation::ReplaceValue(0, "42").apply(&mut t);
    assert_eq!(
        t,
        b"id = 42\nname = \"International Labour Organization\"\n"
    );
}
