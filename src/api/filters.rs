//! `where` filters and `orderBy` for the root collections.

use async_graphql::{Enum, InputObject, Result};
use petgraph::graph::NodeIndex;
use std::collections::HashSet;

use super::error::invalid;
use super::values::{OrgKind, OutcomeStatus, ProgrammeKind, ProjectStatus};
use crate::graph::{Entity, Grouping, Incoming, KnowledgeGraph, Outgoing, normalize};
use crate::model::{self, Day, EntityKind as EK, PartialDate, RelationType as RT};
use petgraph::Direction;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// A date range; bounds are partial dates (`2021`, `2021-07`, `FY2021`, `2021-07-15`).
/// `from` counts from the first day it can mean, `to` up to the last.
#[derive(InputObject, Default)]
pub struct DateRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl DateRange {
    fn bounds(&self) -> Result<(Option<Day>, Option<Day>)> {
        let parse = |name: &str, s: &Option<String>| -> Result<Option<PartialDate>> {
            s.as_deref()
                .map(|s| PartialDate::parse(s).map_err(|e| invalid(format!("`{name}`: {e}"))))
                .transpose()
        };
        let from = parse("from", &self.from)?.map(|d| d.earliest());
        let to = parse("to", &self.to)?.map(|d| d.latest());
        Ok((from, to))
    }
}

/// Resolves a global id argument to a node of one of `kinds`.
pub fn resolve(g: &KnowledgeGraph, arg: &str, gid: &str, kinds: &[EK]) -> Result<NodeIndex> {
    let ix = super::parse_global_id(g, gid)?
        .ok_or_else(|| invalid(format!("`{arg}`: no entity has the id `{gid}`")))?;
    let kind = g.entity(ix).kind();
    if kinds.contains(&kind) {
        Ok(ix)
    } else {
        let names: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
        Err(invalid(format!(
            "`{arg}` must be the id of a {}, `{gid}` is a {}",
            names.join(" or "),
            kind.code()
        )))
    }
}

fn country_ix(g: &KnowledgeGraph, code: &str) -> Result<NodeIndex> {
    g.by_global_id(&format!("country:{code}")).ok_or_else(|| {
        invalid(format!(
            "`country`: `{code}` is not a country of this graph; use an ISO 3166-1 alpha-2 \
                 code such as \"KH\""
        ))
    })
}

fn text_filter(g: &KnowledgeGraph, list: &mut Vec<NodeIndex>, text: &Option<String>) {
    if let Some(t) = text {
        let matches = g.text_matcher(t);
        list.retain(|ix| matches(*ix));
    }
}

/// The nodes of `kind` at the other end of `target`'s `rel` relations in `dir`, each once,
/// in label order (by rank, not by comparing labels): a filter's candidates from adjacency.
fn linked(
    g: &KnowledgeGraph,
    target: NodeIndex,
    rel: RT,
    dir: Direction,
    kind: EK,
) -> Vec<NodeIndex> {
    let mut list: Vec<NodeIndex> = (g.typed_to(target, rel, dir, kind).iter())
        .map(|a| NodeIndex::new(a.other as usize))
        .collect();
    in_label_order(g, &mut list);
    list
}

/// Puts nodes of one kind in label order (that of `nodes_of`), each once.
fn in_label_order(g: &KnowledgeGraph, list: &mut Vec<NodeIndex>) {
    list.sort_unstable_by_key(|ix| g.kind_rank(*ix));
    list.dedup();
}

/// Whether `node` has a `rel` relation in `dir` to `target`.
fn links(g: &KnowledgeGraph, node: NodeIndex, rel: RT, dir: Direction, target: NodeIndex) -> bool {
    (g.typed(node, rel, dir).iter()).any(|a| a.other as usize == target.index())
}

/// The shortest of the candidate lists (each in label order), or every node of `kind`: a
/// filter then tests its conditions on these only.
fn candidates(g: &KnowledgeGraph, kind: EK, lists: Vec<Vec<NodeIndex>>) -> Vec<NodeIndex> {
    (lists.into_iter())
        .min_by_key(Vec::len)
        .unwrap_or_else(|| g.nodes_of(kind).to_vec())
}

/// Filters for `organizations`.
#[derive(InputObject, Default)]
pub struct OrganizationWhere {
    /// Only these kinds.
    pub kind: Option<Vec<OrgKind>>,
    /// Organisations of this country (ISO alpha-2), or working in it.
    pub country: Option<String>,
    /// Organisations that fund this entity (global id) directly.
    pub funds: Option<String>,
    /// Words or word prefixes in the name, acronym, aliases or description; case and
    /// accents are ignored.
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrganizationOrderField {
    #[default]
    Name,
    Kind,
}

#[derive(InputObject, Default)]
pub struct OrganizationOrder {
    pub field: OrganizationOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub fn organizations(
    g: &KnowledgeGraph,
    w: &OrganizationWhere,
    order: &OrganizationOrder,
) -> Result<Vec<NodeIndex>> {
    let org = |ix: NodeIndex| match g.entity(ix) {
        Entity::Organization(o) => Some(o),
        _ => None,
    };
    // Each condition that has an index gives a candidate list; the list starts from the
    // shortest, and every condition is tested on it.
    let mut lists = Vec::new();
    let kinds = w.kind.as_ref().map(|kinds| {
        let mut kinds: Vec<model::OrgKind> = kinds.iter().map(|k| (*k).into()).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    });
    if let Some(kinds) = &kinds {
        let mut list: Vec<NodeIndex> = (kinds.iter())
            .flat_map(|k| g.organizations_of_kind(*k).iter().copied())
            .collect();
        in_label_order(g, &mut list);
        lists.push(list);
    }
    let country = match &w.country {
        Some(code) => Some(country_ix(g, code)?),
        None => None,
    };
    if let Some(c) = country {
        // Based in the country, or working in it.
        let mut list = linked(g, c, RT::InCountry, Incoming, EK::Organization);
        list.extend(g.grouped(Grouping::OrganizationCountry, g.entity(c).id()));
        in_label_order(g, &mut list);
        lists.push(list);
    }
    let funds = match &w.funds {
        Some(target) => Some(resolve(
            g,
            "funds",
            target,
            &[EK::Project, EK::Programme, EK::Organization],
        )?),
        None => None,
    };
    if let Some(t) = funds {
        lists.push(linked(g, t, RT::Funds, Incoming, EK::Organization));
    }
    let mut list = candidates(g, EK::Organization, lists);
    list.retain(|ix| {
        let Some(o) = org(*ix) else { return false };
        kinds.as_ref().is_none_or(|k| k.contains(&o.kind))
            && country.is_none_or(|c| {
                o.country.as_deref() == Some(g.entity(c).id())
                    || links(g, *ix, RT::InCountry, Outgoing, c)
            })
            && funds.is_none_or(|t| links(g, *ix, RT::Funds, Outgoing, t))
    });
    text_filter(g, &mut list, &w.text);
    if order.field == OrganizationOrderField::Kind {
        list.sort_by_key(|ix| match g.entity(*ix) {
            Entity::Organization(o) => o.kind,
            _ => model::OrgKind::Other,
        });
    }
    if order.direction == OrderDirection::Desc {
        list.reverse();
    }
    Ok(list)
}

/// Filters for `programmes`.
#[derive(InputObject, Default)]
pub struct ProgrammeWhere {
    pub kind: Option<Vec<ProgrammeKind>>,
    /// Programmes funded directly by this organisation or programme (global id).
    pub funder: Option<String>,
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ProgrammeOrderField {
    #[default]
    Name,
    /// By the earliest day the establishment date can mean; undated programmes come last.
    Established,
}

#[derive(InputObject, Default)]
pub struct ProgrammeOrder {
    pub field: ProgrammeOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub fn programmes(
    g: &KnowledgeGraph,
    w: &ProgrammeWhere,
    order: &ProgrammeOrder,
) -> Result<Vec<NodeIndex>> {
    let mut lists = Vec::new();
    let kinds: Option<Vec<model::ProgrammeKind>> =
        (w.kind.as_ref()).map(|kinds| kinds.iter().map(|k| (*k).into()).collect());
    if let Some(kinds) = &kinds {
        let mut list: Vec<NodeIndex> = (kinds.iter())
            .flat_map(|k| g.grouped(Grouping::ProgrammeKind, k.code()).iter().copied())
            .collect();
        in_label_order(g, &mut list);
        lists.push(list);
    }
    let funder = match &w.funder {
        Some(f) => Some(resolve(g, "funder", f, &[EK::Organization, EK::Programme])?),
        None => None,
    };
    if let Some(f) = funder {
        lists.push(linked(g, f, RT::Funds, Outgoing, EK::Programme));
    }
    let mut list = candidates(g, EK::Programme, lists);
    list.retain(|ix| {
        let Entity::Programme(p) = g.entity(*ix) else {
            return false;
        };
        kinds.as_ref().is_none_or(|k| k.contains(&p.kind))
            && funder.is_none_or(|f| links(g, *ix, RT::Funds, Incoming, f))
    });
    text_filter(g, &mut list, &w.text);
    if order.field == ProgrammeOrderField::Established {
        list.sort_by_key(|ix| {
            let est = match g.entity(*ix) {
                Entity::Programme(p) => p.established,
                _ => None,
            };
            (est.is_none(), est.map(|d| d.earliest()))
        });
    }
    if order.direction == OrderDirection::Desc {
        list.reverse();
    }
    Ok(list)
}

/// Filters for `projects`.
#[derive(InputObject, Default)]
pub struct ProjectWhere {
    pub status: Option<Vec<ProjectStatus>>,
    /// Projects in this country (ISO alpha-2), in any role.
    pub country: Option<String>,
    /// Projects with this theme (global id, e.g. "theme:osh").
    pub theme: Option<String>,
    /// Projects funded by this organisation or programme (global id), directly or through
    /// the programmes and funds it funds.
    pub funder: Option<String>,
    /// Projects that are part of this programme (global id).
    pub programme: Option<String>,
    /// Projects active at some time in this range: their period overlaps it (an unknown end
    /// is open), or, when the sources give no period, they report outcomes in it.
    pub active: Option<DateRange>,
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ProjectOrderField {
    #[default]
    Title,
    /// By the earliest day the start can mean; projects without a start come last.
    Start,
}

#[derive(InputObject, Default)]
pub struct ProjectOrder {
    pub field: ProjectOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn project(g: &KnowledgeGraph, ix: NodeIndex) -> Option<&model::Project> {
    match g.entity(ix) {
        Entity::Project(p) => Some(p),
        _ => None,
    }
}

/// The projects matching `w`, in `order`. The candidates come from an index: the smallest
/// of the adjacency lists the relation filters name (projects in a country, with a theme,
/// part of a programme), or the projects sorted by title; every other condition is then
/// checked on those candidates only, and candidates from an adjacency list are put in title
/// order by their rank, not by comparing titles.
pub fn projects(
    g: &KnowledgeGraph,
    w: &ProjectWhere,
    order: &ProjectOrder,
) -> Result<Vec<NodeIndex>> {
    // (target, type): the project must have an outgoing relation of that type to target.
    let mut links_to: Vec<(NodeIndex, RT)> = Vec::new();
    if let Some(code) = &w.country {
        links_to.push((country_ix(g, code)?, RT::InCountry));
    }
    if let Some(theme) = &w.theme {
        links_to.push((resolve(g, "theme", theme, &[EK::Theme])?, RT::HasTheme));
    }
    if let Some(p) = &w.programme {
        links_to.push((resolve(g, "programme", p, &[EK::Programme])?, RT::PartOf));
    }
    let funder = match &w.funder {
        Some(f) => Some(resolve(g, "funder", f, &[EK::Organization, EK::Programme])?),
        None => None,
    };
    let smallest = links_to
        .iter()
        .min_by_key(|(t, kind)| g.typed_to(*t, *kind, Incoming, EK::Project).len());
    let mut list: Vec<NodeIndex> = match smallest {
        Some((t, kind)) => linked(g, *t, *kind, Incoming, EK::Project),
        None => g.nodes_of(EK::Project).to_vec(),
    };
    if !links_to.is_empty() {
        list.retain(|ix| (links_to.iter()).all(|(t, kind)| links(g, *ix, *kind, Outgoing, *t)));
    }
    if let Some(statuses) = &w.status {
        let s: Vec<model::ProjectStatus> = statuses.iter().map(|k| (*k).into()).collect();
        list.retain(|ix| project(g, *ix).is_some_and(|p| s.contains(&p.status)));
    }
    if let Some(f) = funder {
        let funded: HashSet<NodeIndex> = g
            .funded_projects(f, true)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        list.retain(|ix| funded.contains(ix));
    }
    if let Some(range) = &w.active {
        let (from, to) = range.bounds()?;
        list.retain(|ix| project_active(g, *ix, from, to));
    }
    text_filter(g, &mut list, &w.text);
    if order.field == ProjectOrderField::Start {
        list.sort_by_key(|ix| {
            let start = project(g, *ix).and_then(|p| p.period.as_ref()?.start);
            (start.is_none(), start.map(|s| s.earliest()))
        });
    }
    if order.direction == OrderDirection::Desc {
        list.reverse();
    }
    Ok(list)
}

fn project_active(g: &KnowledgeGraph, ix: NodeIndex, from: Option<Day>, to: Option<Day>) -> bool {
    match project(g, ix).and_then(|p| p.period.as_ref()) {
        Some(period) => period.overlaps(from, to),
        None => g.neighbors(ix, RT::Reports, Outgoing).into_iter().any(|o| {
            matches!(g.entity(o), Entity::Outcome(o) if o.period.as_ref().is_some_and(|p| p.overlaps(from, to)))
        }),
    }
}

/// Filters for `countries`.
#[derive(InputObject, Default)]
pub struct CountryWhere {
    /// Countries of this region (global id, e.g. "region:south-asia").
    pub region: Option<String>,
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum CountryOrderField {
    #[default]
    Name,
    /// By ISO 3166-1 alpha-2 code.
    Code,
}

#[derive(InputObject, Default)]
pub struct CountryOrder {
    pub field: CountryOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub fn countries(
    g: &KnowledgeGraph,
    w: &CountryWhere,
    order: &CountryOrder,
) -> Result<Vec<NodeIndex>> {
    let mut list = match &w.region {
        Some(r) => {
            let r = resolve(g, "region", r, &[EK::Region])?;
            linked(g, r, RT::Includes, Outgoing, EK::Country)
        }
        None => g.nodes_of(EK::Country).to_vec(),
    };
    text_filter(g, &mut list, &w.text);
    if order.field == CountryOrderField::Code {
        list.sort_by(|a, b| g.entity(*a).id().cmp(g.entity(*b).id()));
    }
    if order.direction == OrderDirection::Desc {
        list.reverse();
    }
    Ok(list)
}

/// Filters for `outcomes`.
#[derive(InputObject, Default)]
pub struct OutcomeWhere {
    /// Only this metric (`people_trained`).
    pub metric: Option<String>,
    /// Only figures for this country (ISO alpha-2).
    pub country: Option<String>,
    /// Only figures about this entity (global id).
    pub subject: Option<String>,
    pub status: Option<Vec<OutcomeStatus>>,
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OutcomeOrderField {
    #[default]
    Label,
    Metric,
    Value,
}

#[derive(InputObject, Default)]
pub struct OutcomeOrder {
    pub field: OutcomeOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn outcome(g: &KnowledgeGraph, ix: NodeIndex) -> &model::Outcome {
    match g.entity(ix) {
        Entity::Outcome(o) => o,
        other => unreachable!("{} is not an outcome", other.id()),
    }
}

pub fn outcomes(
    g: &KnowledgeGraph,
    w: &OutcomeWhere,
    order: &OutcomeOrder,
) -> Result<Vec<NodeIndex>> {
    let mut lists = Vec::new();
    if let Some(m) = &w.metric {
        lists.push(g.grouped(Grouping::OutcomeMetric, m).to_vec());
    }
    let country = match &w.country {
        Some(code) => Some(g.entity(country_ix(g, code)?).id()),
        None => None,
    };
    if let Some(code) = country {
        lists.push(g.grouped(Grouping::OutcomeCountry, code).to_vec());
    }
    let subject = match &w.subject {
        Some(s) => Some(resolve(g, "subject", s, RT::Reports.endpoints().0)?),
        None => None,
    };
    if let Some(s) = subject {
        lists.push(linked(g, s, RT::Reports, Outgoing, EK::Outcome));
    }
    let statuses: Option<Vec<model::OutcomeStatus>> =
        (w.status.as_ref()).map(|s| s.iter().map(|k| (*k).into()).collect());
    let mut list = candidates(g, EK::Outcome, lists);
    list.retain(|ix| {
        let o = outcome(g, *ix);
        w.metric.as_ref().is_none_or(|m| o.metric == *m)
            && country.is_none_or(|code| o.country.as_deref() == Some(code))
            && subject.is_none_or(|s| o.subject == g.entity(s).id())
            && statuses.as_ref().is_none_or(|s| s.contains(&o.status))
    });
    text_filter(g, &mut list, &w.text);
    match order.field {
        OutcomeOrderField::Label => {}
        OutcomeOrderField::Metric => list.sort_by_key(|ix| normalize(&outcome(g, *ix).metric)),
        OutcomeOrderField::Value => list.sort_by_key(|ix| outcome(g, *ix).value),
    }
    if order.direction == OrderDirection::Desc {
        list.reverse();
    }
    Ok(list)
}
