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

use crate::graph::KnowledgeGraph;
use crate::model::{Dataset, EntityKind, iso_country};
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
        let folder = Folder::scan(dir)?;
        let mut files = SeedFiles {
            data: Vec::with_capacity(folder.data.len()),
            sources: folder.sources,
        };
        let mut diags = Vec::new();
        for path in &folder.data {
            match read_text(path) {
                Ok(text) => files.data.push((path.display().to_string(), text)),
                Err(d) => diags.push(d),
            }
        }
        diags.extend(folder.problems);
        if diags.is_empty() {
            Ok(files)
        } else {
            Err(Diagnostics(diags))
        }
    }

    /// Parses and validates the files.
    pub fn load(&self) -> Result<Dataset, Diagnostics> {
        let (collected, diags) = self.parse(false);
        finish(collected, diags)
    }

    /// Parses and validates the files and builds their graph, staging relations as they
    /// are read: the same graph as `KnowledgeGraph::build(self.load()?)`.
    pub fn build(&self) -> Result<KnowledgeGraph, Diagnostics> {
        let (collected, diags) = self.parse(true);
        finish_graph(collected, diags)
    }

    fn parse(&self, staged: bool) -> (Collected, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut collected = Collected::with_texts(self.sources.clone(), staged);
        for (file, text) in &self.data {
            parse::parse_file(file, text, &mut collected, &mut diags);
        }
        (collected, diags)
    }
}

/// A data folder's file list: the data files by name, the source documents read, and the
/// problems met (no data file, an unreadable source).
struct Folder {
    data: Vec<std::path::PathBuf>,
    sources: BTreeMap<String, String>,
    problems: Vec<Diagnostic>,
}

fn problem(path: &Path, message: String, hint: Option<&str>) -> Diagnostic {
    Diagnostic::error(
        path.display().to_string(),
        Loc { line: 1, col: 1 },
        message,
        hint.map(str::to_string),
    )
}

fn read_text(path: &Path) -> Result<String, Diagnostic> {
    match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(_)) => Err(problem(path, "file is not UTF-8".into(), None)),
        Err(e) => Err(problem(path, format!("cannot read file: {e}"), None)),
    }
}

impl Folder {
    /// Lists the data files and reads the sources; only a folder that cannot be read at all
    /// is an error here, other problems are kept in `problems`.
    fn scan(dir: &Path) -> Result<Folder, Diagnostics> {
        let mut folder = Folder {
            data: Vec::new(),
            sources: BTreeMap::new(),
            problems: Vec::new(),
        };
        let diags = &mut folder.problems;
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
        folder.data = paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        if folder.data.is_empty() {
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
                        folder.sources.insert(name, text);
                    }
                    Ok(Err(_)) => diags.push(problem(&path, "file is not UTF-8".into(), None)),
                    Err(e) => diags.push(problem(&path, format!("cannot read: {e}"), None)),
                }
            }
        }
        Ok(folder)
    }
}

/// Validates what the files gave and returns the data set, or every problem sorted by place.
fn finish(mut collected: Collected, mut diags: Vec<Diagnostic>) -> Result<Dataset, Diagnostics> {
    validate(&mut collected, &mut diags);
    if diags.is_empty() {
        Ok(collected.data)
    } else {
        Err(sorted(diags))
    }
}

/// As [`finish`], for relations staged while parsing: builds the graph.
fn finish_graph(
    mut collected: Collected,
    mut diags: Vec<Diagnostic>,
) -> Result<KnowledgeGraph, Diagnostics> {
    validate(&mut collected, &mut diags);
    if !diags.is_empty() {
        return Err(sorted(diags));
    }
    collected.resolve_forward();
    let data = std::mem::take(&mut collected.data);
    let stage = collected.stage.take().unwrap_or_default();
    let node_keys = std::mem::take(&mut collected.node_keys);
    let keys = collected.ids.len();
    // What only the checks needed (the id map above all) goes before the graph is built.
    drop(collected);
    let node_keys = node_keys.into_iter().flatten();
    Ok(KnowledgeGraph::build_staged(data, stage, keys, node_keys))
}

fn sorted(mut diags: Vec<Diagnostic>) -> Diagnostics {
    diags.sort_by(|a, b| (&a.file, a.loc).cmp(&(&b.file, b.loc)));
    diags.dedup();
    Diagnostics(diags)
}

/// Loads the curated data set compiled into the binary.
pub fn load_embedded() -> Result<Dataset, Diagnostics> {
    SeedFiles::embedded().load()
}

/// Builds the graph of the curated data set compiled into the binary.
pub fn build_embedded() -> Result<KnowledgeGraph, Diagnostics> {
    SeedFiles::embedded().build()
}

/// Loads and validates a data set folder, reading one data file at a time (a large folder's
/// text is never all in memory).
pub fn load_dir(dir: &Path) -> Result<Dataset, Diagnostics> {
    let (collected, diags) = parse_dir(dir, false)?;
    finish(collected, diags)
}

/// Loads a data set folder as [`load_dir`] does and builds its graph, staging relations as
/// they are read: the same graph as `KnowledgeGraph::build(load_dir(dir)?)`, without ever
/// holding the data set's relations.
pub fn build_dir(dir: &Path) -> Result<KnowledgeGraph, Diagnostics> {
    let (collected, diags) = parse_dir(dir, true)?;
    finish_graph(collected, diags)
}

/// How many records of each kind (in `EntityKind::ALL` order) and relations a data set has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub records: [usize; 8],
    pub relations: usize,
}

impl Counts {
    pub fn of(data: &Dataset) -> Counts {
        Counts {
            records: std::array::from_fn(|kind| crate::graph::records(data, kind)),
            relations: data.relations.len(),
        }
    }
}

/// Checks a data set folder as [`build_dir`] reads it (relations staged, never held as
/// records), without building the graph: what `aidgraph check DIR` runs.
pub fn check_dir(dir: &Path) -> Result<Counts, Diagnostics> {
    let (mut collected, mut diags) = parse_dir(dir, true)?;
    validate(&mut collected, &mut diags);
    if !diags.is_empty() {
        return Err(sorted(diags));
    }
    let relations = collected.stage.as_ref().map_or(0, |s| s.len());
    Ok(Counts {
        relations,
        ..Counts::of(&collected.data)
    })
}

/// Reads and parses a folder's files; unreadable files are the error then.
fn parse_dir(dir: &Path, staged: bool) -> Result<(Collected, Vec<Diagnostic>), Diagnostics> {
    let mut folder = Folder::scan(dir)?;
    let mut diags = Vec::new();
    let mut collected = Collected::with_texts(std::mem::take(&mut folder.sources), staged);
    let mut unreadable = Vec::new();
    for path in &folder.data {
        match read_text(path) {
            Ok(text) => parse::parse_file(
                &path.display().to_string(),
                &text,
                &mut collected,
                &mut diags,
            ),
            Err(d) => unreadable.push(d),
        }
    }
    unreadable.extend(folder.problems);
    if !unreadable.is_empty() {
        // As `SeedFiles::read_dir`: files that cannot be read are the problems reported.
        return Err(Diagnostics(unreadable));
    }
    Ok((collected, diags))
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

/// "`field` must name a source, but `id` is a organization".
fn wrong_kind(field: &str, allowed: &[EntityKind], id: &str, kind: EntityKind) -> String {
    format!(
        "`{field}` must name {}, but `{id}` is a {}",
        kinds_phrase(allowed),
        kind.code()
    )
}

/// The checks that need every file: unique ids, references, source files and quotes.
fn validate(c: &mut Collected, diags: &mut Vec<Diagnostic>) {
    // Duplicates, and references to ids declared before them, were checked while parsing.
    let ids = &c.ids;
    for r in &c.refs {
        match ids.get(r.at.value.as_str()) {
            Some((kind, _, _, _)) if r.allowed.contains(kind) => {}
            Some((kind, _, _, _)) => diags.push(error(
                &r.file,
                &r.at,
                wrong_kind(r.field, r.allowed, &r.at.value, *kind),
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
                    .filter(|(_, (k, _, _, _))| r.allowed.contains(k))
                    .map(|(id, _)| id.as_str());
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

    for (decl_file, file) in &c.source_files {
        if !c.texts.contains_key(&file.value) {
            diags.push(error(
                decl_file,
                file,
                format!("source document `{}` not found", file.value),
                Some(format!(
                    "put it at sources/{} in the data folder",
                    file.value
                )),
            ));
        }
    }
    // Citations of sources declared after them (the others were checked while parsing).
    for q in &c.quotes {
        let Some((file, text)) = c
            .declared_sources
            .get(&q.source.value)
            .and_then(|f| c.texts.get_key_value(f))
        else {
            continue; // an unknown source or missing file is reported above
        };
        if let Some((message, hint)) =
            parse::quote_problem(&mut c.folded, file, text, &q.source.value, &q.quote.value)
        {
            diags.push(error(&q.file, &q.quote, message, Some(hint)));
        }
    }
    c.folded = HashMap::new();
    // The documents move into the data set (a second source naming the same file copies it).
    let mut sources = std::mem::take(&mut c.texts);
    let mut moved: HashMap<String, usize> = HashMap::new();
    for i in 0..c.data.sources.len() {
        let file = c.data.sources[i].file.clone();
        let text = match moved.get(&file) {
            Some(&first) => c.data.sources[first].text.clone(),
            None => {
                moved.insert(file.clone(), i);
                sources.remove(&file)
            }
        };
        c.data.sources[i].text = text;
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
