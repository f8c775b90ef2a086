//! Data files -> a validated [`Dataset`], or every problem in them at once.
//!
//! A data set is a folder of `*.toml` files plus `sources/*.txt`, the documents its citations
//! quote (format: `seed/README.md`). The curated seed is compiled into the binary.
//!
//! *Architecture Invariant*: loading never half-succeeds. Every file is read, every problem is
//! collected with its file:line:col, and a [`Dataset`] is returned only when there are none.

mod diagnostic;
mod parse;
mod reader;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use include_dir::{Dir, include_dir};

pub use diagnostic::{Diagnostic, Diagnostics, Loc, Severity};

use crate::model::{Dataset, EntityKind, fold_whitespace, iso_country};
pub(crate) use diagnostic::did_you_mean;
use parse::Collected;
use reader::At;

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/seed");

/// The raw files of a data set, before parsing.
#[derive(Debug, Clone, Default)]
pub struct SeedFiles {
    /// `(path for messages, text)` of each data file, in name order.
    pub data: Vec<(String, String)>,
    /// Source documents by file name.
    pub sources: BTreeMap<String, String>,
}

impl SeedFiles {
    /// The curated data set compiled into the binary.
    pub fn embedded() -> SeedFiles {
        let mut files = SeedFiles::default();
        for f in EMBEDDED.files() {
            let name = f.path().to_string_lossy();
            if name.ends_with(".toml") {
                let text = f.contents_utf8().unwrap_or_default().to_string();
                files.data.push((format!("seed/{name}"), text));
            }
        }
        if let Some(dir) = EMBEDDED.get_dir("sources") {
            for f in dir.files() {
                if let (Some(name), Some(text)) = (f.path().file_name(), f.contents_utf8()) {
                    let name = name.to_string_lossy().into_owned();
                    files.sources.insert(name, text.to_string());
                }
            }
        }
        files.data.sort();
        files
    }

    /// Reads a data set folder; unreadable files are reported like any other problem.
    pub fn read_dir(dir: &Path) -> Result<SeedFiles, Diagnostics> {
        let mut files = SeedFiles::default();
        let mut diags = Vec::new();
        let problem = |path: &Path, message: String, hint: Option<&str>| {
            Diagnostic::error(
                path.display().to_string(),
                Loc { line: 1, col: 1 },
                message,
                hint.map(str::to_string),
            )
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                let hint = "pass a folder of *.toml data files (see seed/README.md)";
                return Err(Diagnostics(vec![problem(
                    dir,
                    format!("cannot read data folder: {e}"),
                    Some(hint),
                )]));
            }
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            match std::fs::read(path).map(String::from_utf8) {
                Ok(Ok(text)) => files.data.push((path.display().to_string(), text)),
                Ok(Err(_)) => diags.push(problem(path, "file is not UTF-8".into(), None)),
                Err(e) => diags.push(problem(path, format!("cannot read file: {e}"), None)),
            }
        }
        if files.data.is_empty() && diags.is_empty() {
            diags.push(problem(
                dir,
                "no *.toml data files in this folder".into(),
                Some("a data set is a folder of *.toml files plus sources/*.txt"),
            ));
        }
        let sources = dir.join("sources");
        if let Ok(entries) = std::fs::read_dir(&sources) {
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                match std::fs::read(&path).map(String::from_utf8) {
                    Ok(Ok(text)) => {
                        files.sources.insert(name, text);
                    }
                    Ok(Err(_)) => diags.push(problem(&path, "file is not UTF-8".into(), None)),
                    Err(e) => diags.push(problem(&path, format!("cannot read: {e}"), None)),
                }
            }
        }
        if diags.is_empty() {
            Ok(files)
        } else {
            Err(Diagnostics(diags))
        }
    }

    /// Parses and validates the files.
    pub fn load(&self) -> Result<Dataset, Diagnostics> {
        let mut diags = Vec::new();
        let mut collected = Collected::default();
        for (file, text) in &self.data {
            parse::parse_file(file, text, &mut collected, &mut diags);
        }
        validate(&mut collected, &self.sources, &mut diags);
        if diags.is_empty() {
            Ok(collected.data)
        } else {
            diags.sort_by(|a, b| (&a.file, a.loc).cmp(&(&b.file, b.loc)));
            diags.dedup();
            Err(Diagnostics(diags))
        }
    }
}

/// Loads the curated data set compiled into the binary.
pub fn load_embedded() -> Result<Dataset, Diagnostics> {
    SeedFiles::embedded().load()
}

/// Loads and validates a data set folder.
pub fn load_dir(dir: &Path) -> Result<Dataset, Diagnostics> {
    SeedFiles::read_dir(dir)?.load()
}

fn error(file: &str, at: &At<String>, message: String, hint: Option<String>) -> Diagnostic {
    Diagnostic::error(file, at.loc, message, hint)
}

fn kinds_phrase(kinds: &[EntityKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    match names.as_slice() {
        [one] => format!("a {one}"),
        _ => format!("one of: {}", names.join(", ")),
    }
}

/// The checks that need every file: unique ids, references, source files and quotes.
fn validate(c: &mut Collected, sources: &BTreeMap<String, String>, diags: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, (EntityKind, &str, Loc)> = HashMap::new();
    for d in &c.decls {
        if let Some((_, file, loc)) = ids.get(d.id.value.as_str()) {
            diags.push(error(
                &d.file,
                &d.id,
                format!("duplicate id `{}`", d.id.value),
                Some(format!(
                    "first defined at {file}:{}:{}; ids are unique across all files and kinds",
                    loc.line, loc.col
                )),
            ));
        } else {
            ids.insert(&d.id.value, (d.kind, &d.file, d.id.loc));
        }
    }

    for r in &c.refs {
        match ids.get(r.at.value.as_str()) {
            Some((kind, _, _)) if r.allowed.contains(kind) => {}
            Some((kind, _, _)) => diags.push(error(
                &r.file,
                &r.at,
                format!(
                    "`{}` must name {}, but `{}` is a {}",
                    r.field,
                    kinds_phrase(r.allowed),
                    r.at.value,
                    kind.code()
                ),
                None,
            )),
            None if r.allowed == [EntityKind::Country] => {
                let (message, hint) = if iso_country(&r.at.value).is_some() {
                    (
                        format!("country `{}` is not declared in this data set", r.at.value),
                        "add a [[country]] with its code, alpha3, name and cite".to_string(),
                    )
                } else {
                    (
                        format!("`{}` is not an ISO 3166-1 alpha-2 country code", r.at.value),
                        "use two capital letters, e.g. `KH` for Cambodia".to_string(),
                    )
                };
                diags.push(error(&r.file, &r.at, message, Some(hint)));
            }
            None => {
                let candidates = ids
                    .iter()
                    .filter(|(_, (k, _, _))| r.allowed.contains(k))
                    .map(|(id, _)| *id);
                let hint = did_you_mean(&r.at.value, candidates)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "`{}` must name {}",
                            r.field,
                            kinds_phrase(r.allowed)
                        ))
                    });
                diags.push(error(
                    &r.file,
                    &r.at,
                    format!("unknown id `{}` in `{}`", r.at.value, r.field),
                    hint,
                ));
            }
        }
    }

    let mut folded: HashMap<&str, String> = HashMap::new();
    for (decl_file, file) in &c.source_files {
        match sources.get(&file.value) {
            Some(text) => {
                folded.insert(&file.value, fold_whitespace(text));
            }
            None => diags.push(error(
                decl_file,
                file,
                format!("source document `{}` not found", file.value),
                Some(format!(
                    "put it at sources/{} in the data folder",
                    file.value
                )),
            )),
        }
    }
    for s in &mut c.data.sources {
        s.text = sources.get(&s.file).cloned();
    }
    let source_file: HashMap<&str, &str> = c
        .data
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.file.as_str()))
        .collect();
    for q in &c.quotes {
        let Some(text) = source_file
            .get(q.source.value.as_str())
            .and_then(|f| folded.get(f))
        else {
            continue; // an unknown source or missing file is reported above
        };
        let quote = fold_whitespace(&q.quote.value);
        if !text.contains(&quote) {
            diags.push(error(
                &q.file,
                &q.quote,
                format!(
                    "quote not found in source `{}`: \"{}\"",
                    q.source.value, q.quote.value
                ),
                Some(quote_hint(text, &quote)),
            ));
        }
    }
}

/// Says how far a quote matches its source, so a curator can see where it diverges.
fn quote_hint(text: &str, quote: &str) -> String {
    let words: Vec<&str> = quote.split(' ').collect();
    let matched = (1..=words.len())
        .rev()
        .find(|&n| text.contains(&words[..n].join(" ")))
        .unwrap_or(0);
    if matched == 0 {
        "no part of it appears in the source; quotes must be verbatim".into()
    } else {
        format!(
            "the source has \"{}\" but not what follows (\"{}\"); quotes must be verbatim, \
             only whitespace is folded",
            words[..matched].join(" "),
            words[matched..].join(" ")
        )
    }
}
