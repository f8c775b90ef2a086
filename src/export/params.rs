//! The export parameters as HTTP and the CLI receive them (text), and their one parsing into
//! a [`Subgraph`]: `around` (a global id), `depth` (default 1, at most 4), `kinds` and `types`
//! (comma-separated GraphQL enum names) and `limit` (default 5000, at most 100000). Every
//! error names its parameter and says how to fix it.

use std::fmt;

use petgraph::graph::NodeIndex;

use crate::graph::{Filter, KnowledgeGraph, Subgraph};
use crate::model::{EntityKind, RelationType};
use crate::seed::did_you_mean;

use super::{kind_name, type_name};

pub const DEFAULT_DEPTH: usize = 1;
pub const MAX_DEPTH: usize = 4;
pub const DEFAULT_LIMIT: usize = 5000;
pub const MAX_LIMIT: usize = 100_000;

/// The parameter names, in the order messages list them.
pub const NAMES: &[&str] = &["around", "depth", "kinds", "types", "limit"];

/// The export parameters as given; an empty value counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportParams {
    pub around: Option<String>,
    pub depth: Option<String>,
    pub kinds: Option<String>,
    pub types: Option<String>,
    pub limit: Option<String>,
}

/// What kind of mistake a parameter has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidArgument,
    InvalidId,
    TooLarge,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidId => "INVALID_ID",
            ErrorCode::TooLarge => "TOO_LARGE",
        }
    }
}

/// A parameter that cannot be used, with what was wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub code: ErrorCode,
    pub parameter: String,
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParamError {}

/// A value as error messages echo it: at most 80 characters.
fn echo(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

fn invalid(parameter: &str, message: String) -> ParamError {
    ParamError {
        code: ErrorCode::InvalidArgument,
        parameter: parameter.to_string(),
        message,
    }
}

impl ExportParams {
    /// Collects parameters from name/value pairs (a query string), rejecting unknown names
    /// and names given twice.
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ExportParams, ParamError> {
        let mut params = ExportParams::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "around" => &mut params.around,
                "depth" => &mut params.depth,
                "kinds" => &mut params.kinds,
                "types" => &mut params.types,
                "limit" => &mut params.limit,
                _ => {
                    let hint = did_you_mean(&name, NAMES.iter().copied())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    return Err(invalid(
                        &echo(&name),
                        format!(
                            "unknown parameter `{}`; {hint}export parameters are: {}",
                            echo(&name),
                            NAMES.join(", ")
                        ),
                    ));
                }
            };
            if slot.is_some() {
                return Err(invalid(
                    &name,
                    format!(
                        "`{name}` is given more than once; give it once (lists are comma-separated)"
                    ),
                ));
            }
            *slot = Some(value);
        }
        Ok(params)
    }
}

/// What an export covers: the subgraph and, for a neighbourhood, its center.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub subgraph: Subgraph,
    pub center: Option<NodeIndex>,
}

impl Selection {
    /// `aidgraph`, or `aidgraph-<center's global id as a slug>` (`aidgraph-org-mhlw`): ASCII
    /// letters, digits, `-` and `_` only.
    pub fn file_stem(&self, graph: &KnowledgeGraph) -> String {
        match self.center {
            None => "aidgraph".to_string(),
            Some(ix) => {
                let slug: String = graph
                    .entity(ix)
                    .global_id()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect();
                format!("aidgraph-{slug}")
            }
        }
    }
}

/// Parses `params` and selects the subgraph: the neighbourhood of `around` when given,
/// otherwise the whole graph, filtered by `kinds` and `types`.
pub fn select(graph: &KnowledgeGraph, params: &ExportParams) -> Result<Selection, ParamError> {
    let filter = Filter {
        kinds: given(&params.kinds).map(parse_kinds).transpose()?,
        types: given(&params.types).map(parse_types).transpose()?,
    };
    let depth = given(&params.depth)
        .map(|d| parse_number("depth", d, 0, MAX_DEPTH))
        .transpose()?;
    let limit = given(&params.limit)
        .map(|l| parse_number("limit", l, 1, MAX_LIMIT))
        .transpose()?;
    let Some(around) = given(&params.around) else {
        if let Some((name, _)) = [("depth", depth), ("limit", limit)]
            .into_iter()
            .find(|(_, v)| v.is_some())
        {
            return Err(invalid(
                name,
                format!(
                    "`{name}` applies only to a neighbourhood; give `around` (a global id such \
                     as `org:mhlw`) or leave `{name}` out to export the whole graph"
                ),
            ));
        }
        return Ok(Selection {
            subgraph: graph.filtered(&filter),
            center: None,
        });
    };
    let center = find_node(graph, around)?;
    let depth = depth.unwrap_or(DEFAULT_DEPTH);
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let subgraph = graph
        .neighborhood(center, depth, &filter, limit)
        .map_err(|e| ParamError {
            code: ErrorCode::TooLarge,
            parameter: "limit".to_string(),
            message: format!(
                "the neighbourhood of `{around}` within depth {depth} has more than {} nodes; \
                 lower `depth`, filter with `kinds` or `types`, or raise `limit` (at most {MAX_LIMIT})",
                e.limit,
                around = echo(around),
            ),
        })?;
    Ok(Selection {
        subgraph,
        center: Some(center),
    })
}

/// A parameter's trimmed value; an empty one counts as absent.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_number(name: &str, text: &str, min: usize, max: usize) -> Result<usize, ParamError> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            invalid(
                name,
                format!(
                    "`{name}` must be a whole number from {min} to {max}; got `{}`",
                    echo(text)
                ),
            )
        })
}

fn find_node(graph: &KnowledgeGraph, gid: &str) -> Result<NodeIndex, ParamError> {
    if let Some(ix) = graph.by_global_id(gid) {
        return Ok(ix);
    }
    let prefixes = || EntityKind::ALL.iter().map(|k| k.id_prefix());
    let shown = echo(gid);
    let error = |message: String| ParamError {
        code: ErrorCode::InvalidId,
        parameter: "around".to_string(),
        message,
    };
    let kind = gid
        .split_once(':')
        .and_then(|(prefix, _)| EntityKind::from_id_prefix(prefix));
    let Some(kind) = kind else {
        return Err(error(format!(
            "`{shown}` is not a global id; `around` takes `<kind prefix>:<id>` such as \
             `org:mhlw`, with a prefix among: {}",
            prefixes().collect::<Vec<_>>().join(", ")
        )));
    };
    let ids: Vec<String> = graph
        .nodes_of(kind)
        .iter()
        .map(|ix| graph.entity(*ix).global_id())
        .collect();
    let hint = did_you_mean(gid, ids.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Err(error(format!(
        "no {} has the id `{shown}`; {hint}use the `id` of a node from the API",
        kind.code()
    )))
}

fn parse_kinds(text: &str) -> Result<Vec<EntityKind>, ParamError> {
    parse_list("kinds", "an entity kind", text, EntityKind::ALL, |k| {
        kind_name(*k)
    })
}

fn parse_types(text: &str) -> Result<Vec<RelationType>, ParamError> {
    parse_list("types", "a relation type", text, RelationType::ALL, |t| {
        type_name(*t)
    })
}

/// A comma-separated list of enum names, matched ignoring case.
fn parse_list<T: Copy + PartialEq>(
    parameter: &str,
    what: &str,
    text: &str,
    all: &[T],
    name: impl Fn(&T) -> String,
) -> Result<Vec<T>, ParamError> {
    let names: Vec<String> = all.iter().map(&name).collect();
    let mut out = Vec::new();
    for word in text.split(',').map(str::trim) {
        let upper = word.to_ascii_uppercase();
        match names.iter().position(|n| *n == upper) {
            Some(i) if !out.contains(&all[i]) => out.push(all[i]),
            Some(_) => {}
            None => {
                let hint = did_you_mean(&upper, names.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                let shown = if word.is_empty() {
                    format!("`{parameter}` has an empty entry")
                } else {
                    format!("`{}` is not {what}", echo(word))
                };
                return Err(invalid(
                    parameter,
                    format!(
                        "{shown}; {hint}`{parameter}` takes comma-separated names among: {}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_match_ignoring_case_and_suggest_close_names() {
        assert_eq!(
            parse_kinds("organization, Project,PROJECT"),
            Ok(vec![EntityKind::Organization, EntityKind::Project])
        );
        assert_eq!(
            parse_types("partners_with"),
            Ok(vec![RelationType::PartnersWith])
        );
        let err = parse_kinds("ORGANISATION").unwrap_err();
        assert_eq!(err.parameter, "kinds");
        assert!(
            err.message.contains("did you mean `ORGANIZATION`?"),
            "{err}"
        );
        let err = parse_types("FUNDS,,").unwrap_err();
        assert!(err.message.contains("empty entry"), "{err}");
    }

    #[test]
    fn pairs_reject_unknown_and_repeated_names() {
        let pairs = |p: &[(&str, &str)]| {
            ExportParams::from_pairs(p.iter().map(|(a, b)| (a.to_string(), b.to_string())))
        };
        let err = pairs(&[("dept", "2")]).unwrap_err();
        assert!(err.message.contains("did you mean `depth`?"), "{err}");
        assert_eq!(err.parameter, "dept");
        let err = pairs(&[("kinds", "A"), ("kinds", "B")]).unwrap_err();
        assert!(err.message.contains("more than once"), "{err}");
        assert_eq!(
            pairs(&[("around", "org:mhlw")]).unwrap().around.as_deref(),
            Some("org:mhlw")
        );
    }

    #[test]
    fn long_values_are_echoed_shortened_and_not_compared() {
        let long = "é".repeat(10_000);
        let err = parse_kinds(&long).unwrap_err();
        assert!(err.message.chars().count() < 300, "{err}");
        assert_eq!(echo("org:mhlw"), "org:mhlw");
        assert_eq!(did_you_mean(&long, ["ORGANIZATION"]), None);
    }

    #[test]
    fn numbers_are_bounded() {
        assert_eq!(parse_number("depth", "4", 0, 4), Ok(4));
        assert!(parse_number("depth", "5", 0, 4).is_err());
        assert!(parse_number("depth", "-1", 0, 4).is_err());
        assert!(parse_number("limit", "99999999999999999999999", 1, 9).is_err());
    }
}
