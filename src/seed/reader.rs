//! Typed, located reads from a parsed TOML table that record problems instead of stopping.
//!
//! serde would stop a file at its first type error; a curator fixing data wants every problem
//! in one run, so tables are walked by hand and each bad value becomes a [`Diagnostic`].

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, LineIndex, Loc, did_you_mean};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct At<T> {
    pub value: T,
    pub loc: Loc,
}

/// The file being read and the problems found in it so far.
pub(crate) struct FileCtx<'a> {
    pub file: &'a str,
    lines: LineIndex<'a>,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> FileCtx<'a> {
    pub fn new(file: &'a str, text: &'a str, diags: &'a mut Vec<Diagnostic>) -> Self {
        FileCtx {
            file,
            lines: LineIndex::new(text),
            diags,
        }
    }

    pub fn loc(&self, span: Range<usize>) -> Loc {
        self.lines.loc(span.start)
    }

    pub fn error(&mut self, span: Range<usize>, message: String, hint: Option<String>) {
        let loc = self.loc(span);
        self.error_at(loc, message, hint);
    }

    pub fn error_at(&mut self, loc: Loc, message: String, hint: Option<String>) {
        self.diags
            .push(Diagnostic::error(self.file, loc, message, hint));
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a TOML date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// One table of the file (`[[organization]]`, or an inline `{ ... }`), read key by key.
pub(crate) struct TableReader<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    /// What the table is, for messages: "organization", "cite entry".
    what: &'static str,
    allowed: &'static [&'static str],
}

impl<'t, 'i> TableReader<'t, 'i> {
    /// Reads `value` as a table whose keys must be among `allowed`; reports unknown keys.
    pub fn new(
        ctx: &mut FileCtx<'_>,
        value: &'t Spanned<DeValue<'i>>,
        what: &'static str,
        allowed: &'static [&'static str],
    ) -> Option<Self> {
        let DeValue::Table(table) = value.get_ref() else {
            ctx.error(
                value.span(),
                format!(
                    "{what} must be a table, found {}",
                    type_name(value.get_ref())
                ),
                None,
            );
            return None;
        };
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let hint = match did_you_mean(key.get_ref(), allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? allowed keys: {}", allowed.join(", ")),
                    None => format!("allowed keys: {}", allowed.join(", ")),
                };
                ctx.error(
                    key.span(),
                    format!("unknown key `{}` in {what}", key.get_ref()),
                    Some(hint),
                );
            }
        }
        Some(TableReader {
            table,
            span: value.span(),
            what,
            allowed,
        })
    }

    pub fn loc(&self, ctx: &FileCtx<'_>) -> Loc {
        ctx.loc(self.span.clone())
    }

    pub fn raw(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        debug_assert!(self.allowed.contains(&key), "{key} not allowed");
        self.table.get(key)
    }

    fn missing(&self, ctx: &mut FileCtx<'_>, key: &str) {
        ctx.error(
            self.span.clone(),
            format!("{} is missing required key `{key}`", self.what),
            None,
        );
    }

    /// A required string.
    pub fn req_str(&self, ctx: &mut FileCtx<'_>, key: &str) -> Option<At<String>> {
        let s = self.opt_str(ctx, key);
        if s.is_none() && self.raw(key).is_none() {
            self.missing(ctx, key);
        }
        s
    }

    /// An optional string; present but not a non-empty string is an error.
    pub fn opt_str(&self, ctx: &mut FileCtx<'_>, key: &str) -> Option<At<String>> {
        let v = self.raw(key)?;
        string_value(ctx, v, key)
    }

    /// An optional array of strings.
    pub fn strs(&self, ctx: &mut FileCtx<'_>, key: &str) -> Vec<At<String>> {
        let Some(v) = self.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            ctx.error(
                v.span(),
                format!(
                    "`{key}` must be an array of strings, found {}",
                    type_name(v.get_ref())
                ),
                None,
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| string_value(ctx, item, key))
            .collect()
    }

    /// A required value from a closed vocabulary.
    pub fn req_code<T: Copy>(
        &self,
        ctx: &mut FileCtx<'_>,
        key: &str,
        all: &[T],
        code: fn(T) -> &'static str,
    ) -> Option<T> {
        let s = self.req_str(ctx, key)?;
        parse_code(ctx, &s, key, all, code)
    }

    /// An optional value from a closed vocabulary.
    pub fn opt_code<T: Copy>(
        &self,
        ctx: &mut FileCtx<'_>,
        key: &str,
        all: &[T],
        code: fn(T) -> &'static str,
    ) -> Option<T> {
        let s = self.opt_str(ctx, key)?;
        parse_code(ctx, &s, key, all, code)
    }
}

fn string_value(ctx: &mut FileCtx<'_>, v: &Spanned<DeValue<'_>>, key: &str) -> Option<At<String>> {
    match v.get_ref() {
        DeValue::String(s) if !s.trim().is_empty() => Some(At {
            value: s.to_string(),
            loc: ctx.loc(v.span()),
        }),
        DeValue::String(_) => {
            ctx.error(v.span(), format!("`{key}` is empty"), None);
            None
        }
        other => {
            let hint = matches!(other, DeValue::Integer(_) | DeValue::Float(_))
                .then(|| "write numbers as decimal strings, e.g. \"27650000\"".to_string());
            ctx.error(
                v.span(),
                format!("`{key}` must be a string, found {}", type_name(other)),
                hint,
            );
            None
        }
    }
}

/// Parses a vocabulary code, reporting the allowed codes (and the likely one) if unknown.
pub(crate) fn parse_code<T: Copy>(
    ctx: &mut FileCtx<'_>,
    s: &At<String>,
    key: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Option<T> {
    if let Some(t) = all.iter().copied().find(|t| code(*t) == s.value) {
        return Some(t);
    }
    let codes: Vec<&str> = all.iter().map(|t| code(*t)).collect();
    let hint = match did_you_mean(&s.value, codes.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? expected one of: {}", codes.join(", ")),
        None => format!("expected one of: {}", codes.join(", ")),
    };
    ctx.error_at(s.loc, format!("unknown {key} `{}`", s.value), Some(hint));
    None
}
