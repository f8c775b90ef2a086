//! The IATI side of a seed project, made from what the seed knows, for the schema's required
//! elements: an identifier, a reporting organisation with an IATI identifier, a status and a
//! date.
//!
//! - Identifier: `XM-AIDGRAPH-<project id>`: aidgraph's, not under any organisation's prefix,
//!   so it is never mistaken for an identifier the organisation published.
//! - Reporting organisation: the project's `publishes` organisation, else the first
//!   implementing, accountable, extending, then funding organisation with an IATI identifier
//!   (the implementer knows the activity best); none: the project is left out.
//! - Status: planned 1 (pipeline), ongoing 2 (implementation), completed 4 (closed); unknown
//!   is inferred from the period and the export's day: 1 before the start, 4 after the end,
//!   else 2.
//! - Dates: the period's start as actual start (type 2) when the seed says the project is
//!   ongoing or completed, else planned start (1); its end as actual end (4) when completed,
//!   else planned end (3); a coarser date is written as its first (start) or last (end) day.
//!   No date at all: the project is left out (IATI requires one; inventing it would be worse).
//! - Title and description in English (`xml:lang="en"`); the budget, when the period has both
//!   ends, as one budget over the period with the value date at its start (no type or status:
//!   the seed does not say).
//!
//! Countries, regions with an IATI code, themes with an IATI or DAC code and the
//! participating organisations come from the project's relations, as for imported projects.
//! Outcomes have no IATI result framework in the seed and are not written.

use petgraph::graph::NodeIndex;

use super::{org_ref, organization};
use crate::graph::{Entity, Incoming, KnowledgeGraph};
use crate::model::iati::{
    ActivityDate, ActivityDateType, ActivityStatus, Budget, Description, DescriptionType,
    IatiActivity, Narrative,
};
use crate::model::{Day, PartialDate, Project, ProjectStatus, RelationType};

/// The prefix of identifiers made for seed projects.
pub const IDENTIFIER_PREFIX: &str = "XM-AIDGRAPH-";

/// The activity and its reporting organisation, or why the project cannot be written.
pub(super) fn activity(
    graph: &KnowledgeGraph,
    node: NodeIndex,
    project: &Project,
    publishes: Option<NodeIndex>,
    today: Option<Day>,
) -> Result<(IatiActivity, NodeIndex), &'static str> {
    let has_ref = |ix: &NodeIndex| organization(graph, *ix).is_some_and(|o| org_ref(o).is_some());
    let candidates = [
        RelationType::Implements,
        RelationType::AccountableFor,
        RelationType::Manages,
        RelationType::Funds,
    ]
    .into_iter()
    .flat_map(|kind| graph.relations(node, Some(kind), Incoming))
    .filter(|(edge, _)| graph.edge(*edge).transaction().is_none())
    .map(|(_, org)| org);
    let reporting = publishes
        .into_iter()
        .chain(candidates)
        .find(has_ref)
        .ok_or("no organisation with an IATI identifier to report it")?;

    let period = project.period.clone().unwrap_or_default();
    let (start, end) = (period.start, period.end);
    if start.is_none() && end.is_none() {
        return Err("no date");
    }
    let status = match project.status {
        ProjectStatus::Planned => ActivityStatus::Pipeline,
        ProjectStatus::Ongoing => ActivityStatus::Implementation,
        ProjectStatus::Completed => ActivityStatus::Closed,
        ProjectStatus::Unknown => match today {
            Some(t) if start.is_some_and(|s| s.earliest() > t) => ActivityStatus::Pipeline,
            Some(t) if end.is_some_and(|e| e.latest() < t) => ActivityStatus::Closed,
            _ => ActivityStatus::Implementation,
        },
    };
    let started = matches!(
        project.status,
        ProjectStatus::Ongoing | ProjectStatus::Completed
    );
    let start_kind = if started {
        ActivityDateType::ActualStart
    } else {
        ActivityDateType::PlannedStart
    };
    let end_kind = if project.status == ProjectStatus::Completed {
        ActivityDateType::ActualEnd
    } else {
        ActivityDateType::PlannedEnd
    };
    let dates = [
        (start.map(|s| s.earliest()), start_kind),
        (end.map(|e| e.latest()), end_kind),
    ]
    .into_iter()
    .filter_map(|(day, kind)| {
        Some(ActivityDate {
            kind,
            date: PartialDate::Day(day?),
        })
    })
    .collect();
    let en = || Some("en".to_string());
    let budgets = match (project.budget, start, end) {
        (Some(amount), Some(s), Some(e)) => vec![Budget {
            kind: None,
            status: None,
            period: crate::model::Period {
                start: Some(PartialDate::Day(s.earliest())),
                end: Some(PartialDate::Day(e.latest())),
                text: None,
            },
            value: amount.money.amount,
            currency: Some(amount.money.currency),
            value_date: Some(PartialDate::Day(s.earliest())),
            cite: Vec::new(),
        }],
        _ => Vec::new(),
    };
    let iati = IatiActivity {
        identifier: format!("{IDENTIFIER_PREFIX}{}", project.id),
        hierarchy: None,
        default_currency: None,
        lang: en(),
        status: Some(status),
        dates,
        titles: vec![Narrative {
            lang: en(),
            text: project.title.clone(),
        }],
        descriptions: project
            .description
            .iter()
            .map(|text| Description {
                kind: Some(DescriptionType::General),
                lang: en(),
                text: text.clone(),
            })
            .collect(),
        budgets,
        transactions: Vec::new(),
        related: Vec::new(),
    };
    debug_assert!(matches!(graph.entity(reporting), Entity::Organization(_)));
    Ok((iati, reporting))
}
