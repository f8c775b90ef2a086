//! The data being served, and replacing it while serving: `--watch` and SIGHUP reload the data
//! folder, validate it, and swap the graph in one step.
//!
//! *Architecture Invariant*: a request takes one [`Served`] at its start and answers from it to
//! the end, so in-flight queries finish on the old graph while new ones see the new graph. A
//! data set with any diagnostic never replaces the serving graph: the diagnostics go to the log
//! and into [`DataStatus`], which `/readyz` and the `dataStatus` GraphQL field show.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::graph::KnowledgeGraph;
use crate::model::Dataset;
pub use crate::model::date::rfc3339;
use crate::seed::{self, Diagnostic, Diagnostics};

/// Where the data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The seed compiled into the binary: it never changes.
    Embedded,
    /// A data folder, which can change while serving.
    Dir(PathBuf),
    /// A data set (the built-in seed or a folder) with IATI files, or folders of them, read
    /// beside it; all are re-read on reload.
    WithIati {
        base: Box<DataSource>,
        iati: Vec<PathBuf>,
    },
    /// A graph snapshot (`aidgraph snapshot`): built already, read rather than loaded.
    Snapshot(PathBuf),
}

impl DataSource {
    /// Loads the data. IATI warnings (unknown codes, skipped elements) are logged, one line
    /// each; they do not stop the load.
    pub fn load(&self) -> Result<Dataset, Diagnostics> {
        match self {
            DataSource::Snapshot(path) => Err(Diagnostics(vec![Diagnostic::error(
                path.display().to_string(),
                Default::default(),
                "a snapshot holds a built graph, not data files".into(),
                Some("check or import the data folder the snapshot was made from".into()),
            )])),
            DataSource::Embedded => seed::load_embedded(),
            DataSource::Dir(dir) => seed::load_dir(dir),
            DataSource::WithIati { base, iati } => {
                let base = base.load()?;
                let files = crate::iati::files(iati)?;
                let imported = crate::iati::import(&files, &base, false)?;
                for w in &imported.warnings {
                    tracing::warn!(
                        file = %w.file,
                        line = w.loc.line,
                        column = w.loc.col,
                        "{}",
                        w.message
                    );
                }
                Ok(crate::iati::merge(base, imported.data))
            }
        }
    }

    /// Loads the data and builds the graph, or reads a snapshot's graph.
    pub fn build(&self) -> Result<KnowledgeGraph, Diagnostics> {
        match self {
            DataSource::Snapshot(path) => read_snapshot(path),
            // Seed files stage their relations for the graph as they are read.
            DataSource::Embedded => seed::build_embedded(),
            DataSource::Dir(dir) => seed::build_dir(dir),
            DataSource::WithIati { .. } => Ok(KnowledgeGraph::build(self.load()?)),
        }
    }

    /// How logs and `dataStatus` name the source.
    pub fn describe(&self) -> String {
        match self {
            DataSource::Embedded => "built-in seed".to_string(),
            DataSource::Dir(dir) => dir.display().to_string(),
            DataSource::Snapshot(path) => format!("snapshot {}", path.display()),
            DataSource::WithIati { base, iati } => {
                let paths: Vec<String> = iati.iter().map(|p| p.display().to_string()).collect();
                format!("{} + IATI {}", base.describe(), paths.join(", "))
            }
        }
    }

    /// The files and folders whose changes `watch` looks for.
    fn watched(&self) -> Vec<PathBuf> {
        match self {
            DataSource::Embedded => Vec::new(),
            DataSource::Dir(dir) | DataSource::Snapshot(dir) => vec![dir.clone()],
            DataSource::WithIati { base, iati } => {
                let mut paths = base.watched();
                paths.extend(iati.iter().cloned());
                paths
            }
        }
    }
}

/// Reads a snapshot file; a refusal is one diagnostic naming the file (and the byte offset
/// of the damage, when there is one).
pub fn read_snapshot(path: &std::path::Path) -> Result<KnowledgeGraph, Diagnostics> {
    let problem = |message: String, hint: Option<&str>| {
        Diagnostics(vec![Diagnostic::error(
            path.display().to_string(),
            crate::seed::Loc { line: 1, col: 1 },
            message,
            hint.map(str::to_string),
        )])
    };
    let file = std::fs::File::open(path).map_err(|e| {
        problem(
            format!("cannot open the snapshot: {e}"),
            Some("make one with `aidgraph snapshot --out FILE`"),
        )
    })?;
    KnowledgeGraph::read_snapshot(file).map_err(|e| problem(e.to_string(), None))
}

/// What is being served and how the last reload went.
#[derive(Debug, Clone)]
pub struct DataStatus {
    /// The source, as [`DataSource::describe`] names it.
    pub source: String,
    /// The serving graph's content version (also in every ETag).
    pub version: String,
    /// When the serving graph was loaded.
    pub loaded_at: SystemTime,
    pub nodes: usize,
    pub relations: usize,
    /// Successful reloads since the server started.
    pub reloads: u64,
    /// Failed reload attempts since the server started.
    pub failed_reloads: u64,
    /// When the data was last read, successfully or not.
    pub last_attempt_at: SystemTime,
    /// The problems of the last attempt; empty when the serving graph is the data as it is now.
    pub problems: Vec<Diagnostic>,
}

impl DataStatus {
    /// The status of `graph`, just loaded from `source`.
    pub fn new(source: String, graph: &KnowledgeGraph) -> DataStatus {
        let now = SystemTime::now();
        DataStatus {
            source,
            version: graph.version().to_string(),
            loaded_at: now,
            nodes: graph.node_count(),
            relations: graph.edge_count(),
            reloads: 0,
            failed_reloads: 0,
            last_attempt_at: now,
            problems: Vec::new(),
        }
    }

    /// Whether the graph being served is the data as it was last read.
    pub fn is_current(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The graph a request answers from, with its status: taken together, kept together.
#[derive(Clone)]
pub struct Served {
    pub graph: Arc<KnowledgeGraph>,
    pub status: Arc<DataStatus>,
}

/// What a reload did.
#[derive(Debug)]
pub enum Reload {
    /// A new graph is being served.
    Swapped { version: String },
    /// The data did not change: same content version, nothing swapped.
    Unchanged,
    /// The data has problems; the previous graph is still served.
    Rejected(Diagnostics),
    /// The built-in seed cannot change.
    NotReloadable,
}

/// The serving graph, replaceable atomically.
pub struct Live {
    source: DataSource,
    served: RwLock<Served>,
    /// One reload at a time; requests never wait on it.
    reloading: tokio::sync::Mutex<()>,
}

impl Live {
    /// Loads `source`; the server does not start on data with problems.
    pub fn load(source: DataSource) -> Result<Live, Diagnostics> {
        let graph = Arc::new(source.build()?);
        Ok(Live::new(source, graph))
    }

    /// Serves an already built graph from `source`.
    pub fn new(source: DataSource, graph: Arc<KnowledgeGraph>) -> Live {
        let status = Arc::new(DataStatus::new(source.describe(), &graph));
        Live {
            source,
            served: RwLock::new(Served { graph, status }),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    pub fn source(&self) -> &DataSource {
        &self.source
    }

    /// The graph and status to answer one request from.
    pub fn current(&self) -> Served {
        // A poisoned lock only means a panic elsewhere while swapping two Arcs, which
        // cannot leave them inconsistent: keep serving.
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn replace(&self, f: impl FnOnce(&Served) -> Served) {
        let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
        *served = f(&served);
    }

    /// Re-reads the data, and swaps the graph if the data is valid and changed. Loading and
    /// building run on a blocking thread; requests keep being answered meanwhile.
    pub async fn reload(self: &Arc<Self>) -> Reload {
        if self.source == DataSource::Embedded {
            return Reload::NotReloadable;
        }
        let _one_at_a_time = self.reloading.lock().await;
        let this = Arc::clone(self);
        let built = tokio::task::spawn_blocking(move || this.source.build().map(Arc::new)).await;
        let now = SystemTime::now();
        let built = match built {
            Ok(b) => b,
            Err(join) => Err(Diagnostics(vec![Diagnostic::error(
                self.source.describe(),
                Default::default(),
                format!("loading the data failed unexpectedly: {join}"),
                None,
            )])),
        };
        match built {
            Ok(graph) if graph.version() == self.current().graph.version() => {
                self.replace(|old| {
                    let mut status = (*old.status).clone();
                    status.last_attempt_at = now;
                    status.problems.clear();
                    Served {
                        graph: old.graph.clone(),
                        status: Arc::new(status),
                    }
                });
                Reload::Unchanged
            }
            Ok(graph) => {
                let version = graph.version().to_string();
                self.replace(|old| {
                    let mut status = DataStatus::new(self.source.describe(), &graph);
                    status.reloads = old.status.reloads + 1;
                    status.failed_reloads = old.status.failed_reloads;
                    Served {
                        graph,
                        status: Arc::new(status),
                    }
                });
                Reload::Swapped { version }
            }
            Err(diags) => {
                self.replace(|old| {
                    let mut status = (*old.status).clone();
                    status.failed_reloads += 1;
                    status.last_attempt_at = now;
                    status.problems = diags.0.clone();
                    Served {
                        graph: old.graph.clone(),
                        status: Arc::new(status),
                    }
                });
                Reload::Rejected(diags)
            }
        }
    }

    /// Reloads and logs the outcome: every diagnostic of rejected data, one line each.
    pub async fn reload_and_log(self: &Arc<Self>, why: &str) -> Reload {
        let outcome = self.reload().await;
        match &outcome {
            Reload::Swapped { version } => {
                let served = self.current();
                tracing::info!(
                    trigger = why,
                    version = %version,
                    nodes = served.status.nodes,
                    relations = served.status.relations,
                    "data reloaded: serving the new graph"
                );
            }
            Reload::Unchanged => tracing::info!(trigger = why, "data reloaded: unchanged"),
            Reload::NotReloadable => tracing::warn!(
                trigger = why,
                "nothing to reload: the built-in seed cannot change (serve a folder with --seed)"
            ),
            Reload::Rejected(diags) => {
                for d in &diags.0 {
                    tracing::error!(
                        trigger = why,
                        file = %d.file,
                        line = d.loc.line,
                        column = d.loc.col,
                        hint = d.hint.as_deref().unwrap_or(""),
                        "{}",
                        d.message
                    );
                }
                tracing::error!(
                    trigger = why,
                    problems = diags.0.len(),
                    version = %self.current().graph.version(),
                    "data not reloaded: still serving the previous graph; fix the problems above"
                );
            }
        }
        outcome
    }

    /// Polls the data folder every `interval` and reloads once a change has settled (two
    /// polls in a row see the same files), so an editor's multi-step save is read once.
    /// Polling, not inotify, so it works the same on bind mounts and network file systems.
    /// The files are read when `watch` is called, so every change after the call is seen.
    pub fn watch(
        self: Arc<Self>,
        interval: Duration,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let paths = self.source.watched();
        let mut seen = fingerprint(&paths);
        async move {
            if paths.is_empty() {
                return;
            }
            let mut pending: Option<Fingerprint> = None;
            loop {
                tokio::time::sleep(interval).await;
                let paths2 = paths.clone();
                let now = tokio::task::spawn_blocking(move || fingerprint(&paths2))
                    .await
                    .unwrap_or_default();
                if now == seen {
                    pending = None;
                    continue;
                }
                if pending.as_ref() == Some(&now) {
                    seen = now;
                    pending = None;
                    self.reload_and_log("watch").await;
                } else {
                    pending = Some(now);
                }
            }
        }
    }
}

/// Names, sizes and modification times of every file under some folders (or of the files),
/// sorted.
type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn fingerprint(paths: &[PathBuf]) -> Fingerprint {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => stack.push(p.clone()),
            Ok(m) => out.push((p.clone(), m.len(), m.modified().ok())),
            Err(_) => out.push((p.clone(), 0, None)),
        }
    }
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => out.push((path, m.len(), m.modified().ok())),
                Err(_) => out.push((path, 0, None)),
            }
        }
    }
    out.sort();
    out
}
