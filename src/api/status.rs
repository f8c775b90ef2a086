//! `dataStatus`: which data the server answers from, and whether the last reload worked.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};

use crate::live::{DataStatus, rfc3339};

/// The data this server answers from: its version, where it came from, and whether the last
/// reload worked. After a broken edit under `--watch`, `current` is false, `problems` says
/// where the mistakes are, and the previous graph (`version`) is still served.
pub struct DataStatusObject(pub Arc<DataStatus>);

/// A problem in the data that kept it from being loaded.
#[derive(SimpleObject)]
pub struct DataProblem {
    /// The data file, relative to the data folder.
    file: String,
    /// 1-based; 0 when the problem is about the file as a whole.
    line: usize,
    /// 1-based, in characters; 0 when the problem is about the file as a whole.
    column: usize,
    message: String,
    /// How to fix it, when there is an obvious fix.
    hint: Option<String>,
}

#[Object(name = "DataStatus")]
impl DataStatusObject {
    /// The content version of the graph being served; it is part of every ETag.
    async fn version(&self) -> &str {
        &self.0.version
    }
    /// The data folder, or `built-in seed`.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// When the graph being served was loaded (RFC 3339, UTC).
    async fn loaded_at(&self) -> String {
        rfc3339(self.0.loaded_at)
    }
    /// When the data was last read, successfully or not (RFC 3339, UTC).
    async fn last_attempt_at(&self) -> String {
        rfc3339(self.0.last_attempt_at)
    }
    async fn node_count(&self) -> usize {
        self.0.nodes
    }
    async fn relation_count(&self) -> usize {
        self.0.relations
    }
    /// Successful reloads since the server started.
    async fn reloads(&self) -> u64 {
        self.0.reloads
    }
    /// Reloads refused since the server started because the data had problems.
    async fn failed_reloads(&self) -> u64 {
        self.0.failed_reloads
    }
    /// True when the graph being served is the data as it was last read; false when the last
    /// reload found problems and the previous graph is still served.
    async fn current(&self) -> bool {
        self.0.is_current()
    }
    /// The problems the last reload found, with file, line and column; empty when current.
    async fn problems(&self) -> Vec<DataProblem> {
        self.0
            .problems
            .iter()
            .map(|d| DataProblem {
                file: d.file.clone(),
                line: d.loc.line,
                column: d.loc.col,
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect()
    }
}

/// The status of the data this request reads.
pub(crate) fn data_status(ctx: &Context<'_>) -> DataStatusObject {
    DataStatusObject(ctx.data_unchecked::<Arc<DataStatus>>().clone())
}
