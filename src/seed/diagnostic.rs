//! Located problems in data files, reported all at once.

use std::fmt;

/// A position in a data file, 1-based, columns counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub line: usize,
    pub col: usize,
}

/// How serious a problem is. Errors stop a load; warnings (the IATI importer's unknown codes,
/// inconsistent values) are reported and the rest is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the data, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub loc: Loc,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, loc: Loc, message: String, hint: Option<String>) -> Self {
        Diagnostic {
            file: file.into(),
            loc,
            severity: Severity::Error,
            message,
            hint,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        loc: Loc,
        message: String,
        hint: Option<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, loc, message, hint)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file,
            self.loc.line,
            self.loc.col,
            self.severity.label(),
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found while loading a data set; loading fails if there is any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// Maps byte offsets of one file to lines and columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Loc { line, col }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo (within
/// 2 edits, or a quarter of the candidate's length). Candidates whose length alone rules them
/// out are skipped, and so are words over 200 characters, so that hostile input (an HTTP
/// parameter) cannot make this quadratic work expensive.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let len = word.chars().count();
    if len > 200 {
        return None;
    }
    candidates
        .into_iter()
        .filter_map(|c| {
            let clen = c.chars().count();
            let max = 2.max(clen / 4);
            if len.abs_diff(clen) > max {
                return None;
            }
            let d = edit_distance(word, c);
            (d <= max).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets_in_characters() {
        let idx = LineIndex::new("a = 1\nq = \"’x\"\n");
        assert_eq!(idx.loc(0), Loc { line: 1, col: 1 });
        assert_eq!(idx.loc(6), Loc { line: 2, col: 1 });
        // The curly apostrophe is three bytes but one column.
        assert_eq!(idx.loc(6 + 5 + 3), Loc { line: 2, col: 7 });
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(
            did_you_mean("minstry", ["ministry", "agency"]),
            Some("ministry")
        );
        assert_eq!(did_you_mean("xyz", ["ministry", "agency"]), None);
    }
}
