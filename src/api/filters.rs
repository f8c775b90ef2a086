//! `where` filters and `orderBy` for the root collections.

use async_graphql::{Enum, InputObject, Result};
use petgraph::graph::NodeIndex;
use std::collections::HashSet;

use super::error::invalid;
use super::values::{OrgKind, OutcomeStatus, ProgrammeKind, ProjectStatus};
use crate::graph::{Entity, Incoming, KnowledgeGraph, Outgoing, normalize};
use crate::model::{self, Day, EntityKind as EK, PartialDate, RelationType as RT};

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

fn related_to(g: &KnowledgeGraph, target: NodeIndex, kind: RT) -> HashSet<NodeIndex> {
    g.neighbors(target, kind, Incoming).into_iter().collect()
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
    // A kind filter starts from those kinds' lists, put back in label order.
    let mut list = match &w.kind {
        Some(kinds) => {
            let mut kinds: Vec<model::OrgKind> = kinds.iter().map(|k| (*k).into()).collect();
            kinds.sort();
            kinds.dedup();
            let mut list: Vec<NodeIndex> = kinds
                .iter()
                .flat_map(|k| g.organizations_of_kind(*k).iter().copied())
                .collect();
            list.sort_by_key(|ix| g.kind_rank(*ix));
            list
        }
        None => g.nodes_of(EK::Organization).to_vec(),
    };
    if let Some(code) = &w.country {
        let c = country_ix(g, code)?;
        let code = g.entity(c).id();
        let working_in = related_to(g, c, RT::InCountry);
        list.retain(|ix| {
            working_in.contains(ix)
                || matches!(g.entity(*ix), Entity::Organization(o) if o.country.as_deref() == Some(code))
        });
    }
    if let Some(target) = &w.funds {
        let t = resolve(
            g,
            "funds",
            target,
            &[EK::Project, EK::Programme, EK::Organization],
        )?;
        let funders = related_to(g, t, RT::Funds);
        list.retain(|ix| funders.contains(ix));
    }
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
    let mut list = g.nodes_of(EK::Programme).to_vec();
    if let Some(kinds) = &w.kind {
        let kinds: Vec<model::ProgrammeKind> = kinds.iter().map(|k| (*k).into()).collect();
        list.retain(|ix| matches!(g.entity(*ix), Entity::Programme(p) if kinds.contains(&p.kind)));
    }
    if let Some(f) = &w.funder {
        let f = resolve(g, "funder", f, &[EK::Organization, EK::Programme])?;
        let funded: HashSet<NodeIndex> = g.neighbors(f, RT::Funds, Outgoing).into_iter().collect();
        list.retain(|ix| funded.contains(ix));
    }
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
    let mut linked: Vec<(NodeIndex, RT)> = Vec::new();
    if let Some(code) = &w.country {
        linked.push((country_ix(g, code)?, RT::InCountry));
    }
    if let Some(theme) = &w.theme {
        linked.push((resolve(g, "theme", theme, &[EK::Theme])?, RT::HasTheme));
    }
    if let Some(p) = &w.programme {
        linked.push((resolve(g, "programme", p, &[EK::Programme])?, RT::PartOf));
    }
    let funder = match &w.funder {
        Some(f) => Some(resolve(g, "funder", f, &[EK::Organization, EK::Programme])?),
        None => None,
    };
    let smallest = linked
        .iter()
        .min_by_key(|(t, kind)| g.typed_to(*t, *kind, Incoming, EK::Project).len());
    let mut list: Vec<NodeIndex> = match smallest {
        Some((t, kind)) => {
            let mut l: Vec<NodeIndex> = g
                .typed_to(*t, *kind, Incoming, EK::Project)
                .iter()
                .map(|a| NodeIndex::new(a.other as usize))
                .collect();
            l.sort_unstable_by_key(|ix| g.kind_rank(*ix));
            l.dedup();
            l
        }
        None => g.nodes_of(EK::Project).to_vec(),
    };
    if !linked.is_empty() {
        list.retain(|ix| {
            linked.iter().all(|(t, kind)| {
                g.typed(*ix, *kind, Outgoing)
                    .iter()
                    .any(|a| a.other as usize == t.index())
            })
        });
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
    let mut list = g.nodes_of(EK::Country).to_vec();
    if let Some(r) = &w.region {
        let r = resolve(g, "region", r, &[EK::Region])?;
        let members: HashSet<NodeIndex> =
            g.neighbors(r, RT::Includes, Outgoing).into_iter().collect();
        list.retain(|ix| members.contains(ix));
    }
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
    let mut list = g.nodes_of(EK::Outcome).to_vec();
    if let Some(m) = &w.metric {
        list.retain(|ix| outcome(g, *ix).metric == *m);
    }
    if let Some(code) = &w.country {
        let code = g.entity(country_ix(g, code)?).id();
        list.retain(|ix| outcome(g, *ix).country.as_deref() == Some(code));
    }
    if let Some(s) = &w.subject {
        let s = resolve(g, "subject", s, RT::Reports.endpoints().0)?;
        let id = g.entity(s).id();
        list.retain(|ix| outcome(g, *ix).subject == id);
    }
    if let Some(statuses) = &w.status {
        let s: Vec<model::OutcomeStatus> = statuses.iter().map(|k| (*k).into()).collect();
        list.retain(|ix| s.contains(&outcome(g, *ix).status));
    }
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
