//! IATI 2.03 interop: activity and organisation XML files -> model records beside the seed.
//!
//! Files are streamed (quick-xml's pull reader over a `BufReader`, [`xml`]); only the current
//! `iati-activity` is held as a small element tree and mapped into records ([`map`]), so memory
//! grows with the resulting graph, not with the file. Every record cites the file, quoting
//! the raw XML of the element it came from (escapes as written, whitespace folded), so that
//! [`toml`] can write a seed folder the ordinary loader checks word for word.
//!
//! *Architecture Invariant*: malformed XML is an error (the import fails, located); unknown
//! codes, bad vocabularies, missing optional or required elements and inconsistent values are
//! located warnings and the rest is imported. No input makes the importer panic, expand an
//! entity, or read anything but the files it is given.

pub mod codes;
mod map;
pub mod toml;
mod xml;

use std::collections::HashSet;
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::model::Dataset;
use crate::seed::{Diagnostic, Diagnostics, Loc, Severity};

pub use map::slug;

/// The records read from IATI files (to add to the base data set) and the warnings found.
#[derive(Debug, Default)]
pub struct Imported {
    /// New records only: organisations, projects ... that the base data set does not have.
    pub data: Dataset,
    pub warnings: Vec<Diagnostic>,
}

/// One IATI file to read: its path, and the name of its copy in a seed folder's `sources/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiFile {
    pub path: PathBuf,
    pub source_name: String,
}

/// The files named by `paths`: files as given, folders scanned (not recursively) for `*.xml`,
/// in name order. Source names are the file names, made unique.
pub fn files(paths: &[PathBuf]) -> Result<Vec<IatiFile>, Diagnostics> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut xml: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| {
                            f.is_file()
                                && f.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"))
                        })
                        .collect();
                    xml.sort();
                    if xml.is_empty() {
                        problems.push(Diagnostic::error(
                            p.display().to_string(),
                            Loc { line: 1, col: 1 },
                            "no *.xml files in this folder".into(),
                            None,
                        ));
                    }
                    found.extend(xml);
                }
                Err(e) => problems.push(Diagnostic::error(
                    p.display().to_string(),
                    Loc { line: 1, col: 1 },
                    format!("cannot read folder: {e}"),
                    None,
                )),
            }
        } else if p.is_file() {
            found.push(p.clone());
        } else {
            problems.push(Diagnostic::error(
                p.display().to_string(),
                Loc { line: 1, col: 1 },
                "no such file or folder".into(),
                Some("pass IATI XML files, or folders of them".into()),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let mut names = HashSet::new();
    let files = found
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "iati.xml".into());
            let name = name.trim_start_matches('.').replace(['/', '\\'], "_");
            let mut unique = name.clone();
            let mut n = 2;
            while !names.insert(unique.clone()) {
                unique = format!("{n}-{name}");
                n += 1;
            }
            IatiFile {
                path,
                source_name: unique,
            }
        })
        .collect();
    Ok(files)
}

/// Reads IATI files beside `base`. Errors (malformed XML, unreadable files) fail the import,
/// with every warning found before them; warnings alone do not.
pub fn import(files: &[IatiFile], base: &Dataset, progress: bool) -> Result<Imported, Diagnostics> {
    let mut importer = map::Importer::new(base);
    let mut errors = Vec::new();
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let mut bar = Progress::new(progress && std::io::stderr().is_terminal(), total);
    for f in files {
        let name = f.path.display().to_string();
        importer.begin_file(&name, &f.source_name);
        let file = match File::open(&f.path) {
            Ok(file) => file,
            Err(e) => {
                errors.push(Diagnostic::error(
                    name,
                    Loc { line: 1, col: 1 },
                    format!("cannot read file: {e}"),
                    None,
                ));
                continue;
            }
        };
        if let Err(e) = read_file(&name, file, &mut importer, &mut bar) {
            errors.push(e);
        }
    }
    bar.finish();
    let map::Importer { out, diags, .. } = importer;
    if errors.is_empty() {
        Ok(Imported {
            data: out,
            warnings: diags,
        })
    } else {
        let mut all = diags;
        all.extend(errors);
        all.sort_by(|a, b| (&a.file, a.loc).cmp(&(&b.file, b.loc)));
        Err(Diagnostics(all))
    }
}

/// Reads IATI XML from bytes (for tests and fuzzing): the same as a file named `name`.
pub fn import_bytes(name: &str, bytes: &[u8], base: &Dataset) -> Result<Imported, Diagnostics> {
    let mut importer = map::Importer::new(base);
    importer.begin_file(name, name);
    let mut bar = Progress::new(false, 0);
    let result = read_file(name, bytes, &mut importer, &mut bar);
    let map::Importer { out, diags, .. } = importer;
    match result {
        Ok(()) => Ok(Imported {
            data: out,
            warnings: diags,
        }),
        Err(e) => {
            let mut all = diags;
            all.push(e);
            Err(Diagnostics(all))
        }
    }
}

fn read_file(
    name: &str,
    reader: impl std::io::Read,
    importer: &mut map::Importer,
    bar: &mut Progress,
) -> Result<(), Diagnostic> {
    let mut stream = xml::XmlStream::new(name.to_string(), reader);
    let mut base = bar.done;
    let mut root_name: Option<String> = None;
    loop {
        let mut warnings = Vec::new();
        let item = stream.next(&mut warnings);
        importer.diags.append(&mut warnings);
        match item? {
            None => break,
            Some(xml::Item::Root(root)) => {
                if root.name != "iati-activities" && root.name != "iati-organisations" {
                    return Err(Diagnostic::error(
                        name,
                        root.loc,
                        format!("<{}> is not an IATI file's root", root.name),
                        Some(
                            "IATI files start with <iati-activities> or <iati-organisations>"
                                .into(),
                        ),
                    ));
                }
                if root.attr("version").is_some_and(|v| !v.starts_with("2.")) {
                    importer.diags.push(Diagnostic::warning(
                        name,
                        root.loc,
                        format!(
                            "IATI version {} read as 2.03",
                            root.attr("version").unwrap_or_default()
                        ),
                        None,
                    ));
                }
                importer.root(&root);
                root_name = Some(root.name);
            }
            Some(xml::Item::Element(el)) => {
                if root_name.as_deref() == Some("iati-organisations") {
                    importer.organisation(&el);
                } else {
                    importer.activity(&el);
                }
            }
        }
        bar.set(base + stream.bytes_read());
    }
    if root_name.is_none() {
        return Err(Diagnostic::error(
            name,
            Loc { line: 1, col: 1 },
            "no XML element in this file".into(),
            Some("IATI files start with <iati-activities> or <iati-organisations>".into()),
        ));
    }
    base += stream.bytes_read();
    bar.set(base);
    bar.done = base;
    Ok(())
}

/// `base` with the imported records added.
pub fn merge(mut base: Dataset, imported: Dataset) -> Dataset {
    base.sources.extend(imported.sources);
    base.organizations.extend(imported.organizations);
    base.programmes.extend(imported.programmes);
    base.projects.extend(imported.projects);
    base.countries.extend(imported.countries);
    base.regions.extend(imported.regions);
    base.themes.extend(imported.themes);
    base.outcomes.extend(imported.outcomes);
    base.relations.extend(imported.relations);
    base
}

/// Prints warnings to stderr, then a count.
pub fn report_warnings(warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for w in warnings.iter().filter(|w| w.severity == Severity::Warning) {
        let _ = writeln!(err, "{w}");
    }
    if !warnings.is_empty() {
        let n = warnings.len();
        let _ = writeln!(
            err,
            "{n} warning{} (imported the rest)",
            if n == 1 { "" } else { "s" }
        );
    }
}

/// A progress bar of bytes read, on stderr, only when stderr is a terminal.
struct Progress {
    on: bool,
    total: u64,
    done: u64,
    last: Instant,
}

impl Progress {
    fn new(on: bool, total: u64) -> Progress {
        Progress {
            on: on && total > 0,
            total,
            done: 0,
            last: Instant::now() - Duration::from_secs(1),
        }
    }

    fn set(&mut self, bytes: u64) {
        if !self.on || self.last.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last = Instant::now();
        let frac = (bytes as f64 / self.total as f64).min(1.0);
        let width = 30;
        let filled = (frac * width as f64) as usize;
        let mb = |b: u64| b as f64 / 1_048_576.0;
        eprint!(
            "\r[{}{}] {:3.0}% {:.1}/{:.1} MB",
            "=".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            mb(bytes),
            mb(self.total)
        );
    }

    fn finish(&mut self) {
        if self.on {
            self.last = Instant::now() - Duration::from_secs(1);
            self.set(self.total);
            eprintln!();
        }
    }
}
