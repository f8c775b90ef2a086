//! The planned executor: a validated query compiled once into a plan, then run straight
//! from the graph to JSON bytes, without async-graphql's per-field futures and values.
//!
//! async-graphql spends about half a microsecond on every value it resolves (a future, a
//! context, a `Value` node, then serialisation); a 1,000-item page is about 3,000 of them.
//! A plan reads the same graph functions the resolvers call (`relation_page`, `node_page`,
//! `funded_page`, `filters::*`), coerces arguments with the same `InputType::parse`, and
//! writes each value as it goes.
//!
//! It covers the reading core of the schema: `node`, `nodes`, `country` and the root lists
//! (with `where` and `orderBy`), every entity's own scalar and enum fields, `period`,
//! money, `country`, `subject`, the relation connections of the `entity_object!` tables,
//! `fundedProjects`, and the connections' `edges`, `nodes`, `pageInfo` and `totalCount`, with
//! aliases, fragments, `__typename`, `@skip` and `@include`. Whatever else a document asks
//! for (search, analysis, citations, dates, IATI details, `relations`, ...), `compile` says
//! `None` and async-graphql runs it.
//!
//! A plan never reports an error: when a run would need one (a malformed id, a bad cursor,
//! a page over the hard maximum, a variable that does not coerce), `run` says `None` and the
//! caller runs the request through async-graphql, which answers with the coded error. Reads
//! are pure, so running twice is safe.
//!
//! *Invariant*: for every document it compiles, a plan's bytes are the bytes async-graphql's
//! response serialises to (`tests/it/plan.rs` compares them over the seed, a generated graph
//! and the IATI example, for every field a plan supports).

use std::io::Write;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::resolver_utils::EnumType;
use async_graphql::{ID, InputType, Name, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use petgraph::graph::{EdgeIndex, NodeIndex};
use rust_decimal::Decimal;

use super::connections::{node_page, relation_page};
use super::filters::{
    CountryOrder, CountryWhere, OrganizationOrder, OrganizationWhere, OutcomeOrder, OutcomeWhere,
    ProgrammeOrder, ProgrammeWhere, ProjectOrder, ProjectWhere,
};
use super::page::{Cursors, Page, PageArgs, PageInfo};
use super::types::{self, RelationDirection, Traversal, funded_page};
use super::values::{
    ContributionKind, OrgKind, OrgRole, OutcomeStatus, ProgrammeKind, ProjectStatus, Qualifier,
    RelatedActivityType, RelationType,
};
use super::{MAX_IDS, filters, parse_global_id};
use crate::graph::{Edge, Entity, KnowledgeGraph};
use crate::model::{self, EntityKind as EK};

/// The most fields a plan may hold: an abstract position (`Node`) is compiled once per
/// kind, so nested ones multiply; past this, async-graphql runs the document.
const MAX_FIELDS: usize = 4096;
/// The deepest nesting of selections and fragments a plan follows.
const MAX_DEPTH: usize = 64;
/// The most selections compiling visits (fragments spread many times are visited as
/// often), so a document that never passes validation costs little to try.
const MAX_VISITS: usize = 65_536;

/// A query operation compiled against the schema.
#[derive(Debug)]
pub struct Plan {
    root: Set,
    /// The operation's variables: name, and what an absent one stands for (its default,
    /// `null` when nullable, `None` when it must be given).
    variables: Vec<(Name, Option<ConstValue>)>,
    /// The fields it holds, for [`Plan::weight`].
    fields: usize,
}

/// What a position in the answer holds, as far as the plan knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Query,
    Entity(EK),
    NodeConn(EK),
    NodeEdge(EK),
    /// A relation connection; `None` lists the `Node` interface.
    RelConn(Option<EK>),
    RelEdge(Option<EK>),
    FundedConn,
    FundedEdge,
    PageInfo,
    Period,
    Money,
}

/// The GraphQL object type of an entity kind.
pub fn kind_name(k: EK) -> &'static str {
    match k {
        EK::Organization => "Organization",
        EK::Programme => "Programme",
        EK::Project => "Project",
        EK::Country => "Country",
        EK::Region => "Region",
        EK::Theme => "Theme",
        EK::Outcome => "Outcome",
        EK::Source => "Source",
    }
}

fn type_name(ty: Ty) -> String {
    let any = |k: Option<EK>| k.map_or("Node", kind_name);
    match ty {
        Ty::Query => "Query".into(),
        Ty::Entity(k) => kind_name(k).into(),
        Ty::NodeConn(k) => format!("{}Connection", kind_name(k)),
        Ty::NodeEdge(k) => format!("{}Edge", kind_name(k)),
        Ty::RelConn(k) => format!("{}RelationConnection", any(k)),
        Ty::RelEdge(k) => format!("{}RelationEdge", any(k)),
        Ty::FundedConn => "FundedProjectConnection".into(),
        Ty::FundedEdge => "FundedProjectEdge".into(),
        Ty::PageInfo => "PageInfo".into(),
        Ty::Period => "Period".into(),
        Ty::Money => "Money".into(),
    }
}

/// The selections of one object type, flattened: fragments that apply are inlined.
#[derive(Debug, Default)]
struct Set(Vec<Sel>);

/// `@skip(if:)` (false) and `@include(if:)` (true) conditions, all of which must hold.
type Conditions = Vec<(bool, Value)>;

/// A field of a selection set, with the conditions of the fragments it came through.
type Flat<'d> = (&'d Positioned<Field>, Conditions);

#[derive(Debug)]
struct Sel {
    /// `"key":`, escaped once.
    key: Box<[u8]>,
    conditions: Conditions,
    op: Op,
}

/// What a field position holds when its type is `Node`: one set per kind.
#[derive(Debug)]
enum Target {
    One(EK, Box<Set>),
    Each(Box<[Set]>),
}

/// Pagination arguments as written (literals or variables).
#[derive(Debug, Default)]
struct PageSpec {
    first: Option<Value>,
    after: Option<Value>,
    last: Option<Value>,
    before: Option<Value>,
    /// The cursors the selection reads.
    cursors: Cursors,
}

/// The cursors a connection's selection reads: every edge's, the page's ends', or none.
fn cursors(set: &Set) -> Cursors {
    let has = |set: &Set, f: &dyn Fn(&Op) -> bool| set.0.iter().any(|s| f(&s.op));
    let mut wanted = Cursors::None;
    for sel in &set.0 {
        match &sel.op {
            Op::Edges(edges) if has(edges, &|op| matches!(op, Op::Cursor)) => {
                return Cursors::All;
            }
            Op::PageInfo(info)
                if has(info, &|op| matches!(op, Op::StartCursor | Op::EndCursor)) =>
            {
                wanted = Cursors::Ends;
            }
            _ => {}
        }
    }
    wanted
}

#[derive(Debug)]
enum Op {
    /// `"TypeName"`, escaped.
    Typename(Box<[u8]>),
    // Query.
    Node(Value, Target),
    NodesById(Value, Target),
    Country(Value, Box<Set>),
    List {
        kind: EK,
        filter: Option<Value>,
        order: Option<Value>,
        page: PageSpec,
        set: Box<Set>,
    },
    // Entities.
    Leaf(Leaf),
    HomeCountry(Box<Set>),
    Subject(Target),
    Period(Box<Set>),
    Budget(Box<Set>),
    OutcomeMoney(Box<Set>),
    Traverse(&'static Traversal, PageSpec, Box<Set>),
    Funded(Option<Value>, PageSpec, Box<Set>),
    // Connections.
    TotalCount,
    PageInfo(Box<Set>),
    Edges(Box<Set>),
    Nodes(Target),
    // Edges.
    Cursor,
    EdgeNode(Target),
    Via(Box<Set>),
    Direction,
    EdgeLeaf(EdgeLeaf),
    EdgeAmount(Box<Set>),
    EdgePeriod(Box<Set>),
    From(Target),
    To(Target),
    // PageInfo, Period, Money.
    HasNext,
    HasPrevious,
    StartCursor,
    EndCursor,
    PeriodText,
    Amount,
    Currency,
}

/// An entity's own field; `None` is `null`.
#[derive(Debug, Clone, Copy)]
enum Leaf {
    Id,
    Str(fn(&Entity) -> Option<&str>),
    Strs(fn(&Entity) -> Option<&[String]>),
    Enum(fn(&Entity) -> Option<&'static str>),
    Decimal(fn(&Entity) -> Option<Decimal>),
    Bool(fn(&Entity) -> Option<bool>),
}

/// A relation's attribute; `None` is `null`.
#[derive(Debug, Clone, Copy)]
enum EdgeLeaf {
    Str(fn(&Edge) -> Option<&str>),
    Enum(fn(&Edge) -> Option<&'static str>),
    Decimal(fn(&Edge) -> Option<Decimal>),
}

/// The GraphQL name of an enum value.
fn name_of<T: EnumType>(v: T) -> &'static str {
    T::items()
        .iter()
        .find(|i| i.value == v)
        .map_or("", |i| i.name)
}

/// A field of one entity kind: `on!(Project, |p| ...)`.
macro_rules! on {
    ($kind:ident, |$x:ident| $body:expr) => {
        |e| match e {
            Entity::$kind($x) => $body,
            _ => None,
        }
    };
}

/// The entity's own fields a plan writes, by kind and GraphQL name.
fn leaf(kind: EK, name: &str) -> Option<Leaf> {
    use Leaf::*;
    Some(match (kind, name) {
        (_, "id") => Id,
        (EK::Organization, "name") => Str(on!(Organization, |o| Some(&o.name))),
        (EK::Organization, "shortName") => Str(on!(Organization, |o| o.short_name.as_deref())),
        (EK::Organization, "kind") => {
            Enum(on!(Organization, |o| Some(name_of(OrgKind::from(o.kind)))))
        }
        (EK::Organization, "aliases") => Strs(on!(Organization, |o| Some(&o.aliases))),
        (EK::Organization, "iatiId") => Str(on!(Organization, |o| o.iati_id.as_deref())),
        (EK::Organization, "iatiType") => Str(on!(Organization, |o| o.iati_type.as_deref())),
        (EK::Organization, "iatiTypeName") => Str(on!(Organization, |o| {
            model::iati::organisation_type_name(o.iati_type.as_deref()?)
        })),
        (EK::Organization, "description") => Str(on!(Organization, |o| o.description.as_deref())),
        (EK::Programme, "name") => Str(on!(Programme, |p| Some(&p.name))),
        (EK::Programme, "shortName") => Str(on!(Programme, |p| p.short_name.as_deref())),
        (EK::Programme, "kind") => Enum(on!(Programme, |p| Some(name_of(ProgrammeKind::from(
            p.kind
        ))))),
        (EK::Programme, "aliases") => Strs(on!(Programme, |p| Some(&p.aliases))),
        (EK::Programme, "description") => Str(on!(Programme, |p| p.description.as_deref())),
        (EK::Project, "title") => Str(on!(Project, |p| Some(&p.title))),
        (EK::Project, "shortTitle") => Str(on!(Project, |p| p.short_title.as_deref())),
        (EK::Project, "aliases") => Strs(on!(Project, |p| Some(&p.aliases))),
        (EK::Project, "status") => Enum(on!(Project, |p| Some(name_of(ProjectStatus::from(
            p.status
        ))))),
        (EK::Project, "budgetQualifier") => Enum(on!(Project, |p| p
            .budget
            .map(|b| name_of(Qualifier::from(b.qualifier))))),
        (EK::Project, "description") => Str(on!(Project, |p| p.description.as_deref())),
        (EK::Project, "iatiIdentifier") => {
            Str(on!(Project, |p| Some(p.iati.as_ref()?.identifier.as_str())))
        }
        (EK::Project, "defaultCurrency") => {
            Str(on!(Project, |p| Some(p.iati.as_ref()?.default_currency?.0)))
        }
        (EK::Project, "language") => Str(on!(Project, |p| p.iati.as_ref()?.lang.as_deref())),
        (EK::Country, "code") => Str(on!(Country, |c| Some(&c.code))),
        (EK::Country, "alpha3") => Str(on!(Country, |c| Some(&c.alpha3))),
        (EK::Country, "name") => Str(on!(Country, |c| Some(&c.name))),
        (EK::Country, "aliases") => Strs(on!(Country, |c| Some(&c.aliases))),
        (EK::Region, "name") => Str(on!(Region, |r| Some(&r.name))),
        (EK::Region, "aliases") => Strs(on!(Region, |r| Some(&r.aliases))),
        (EK::Region, "description") => Str(on!(Region, |r| r.description.as_deref())),
        (EK::Theme, "name") => Str(on!(Theme, |t| Some(&t.name))),
        (EK::Theme, "dacCode") => Str(on!(Theme, |t| t.dac_code.as_deref())),
        (EK::Theme, "dacName") => Str(on!(Theme, |t| {
            t.dac_code.as_deref().and_then(model::dac::dac_name)
        })),
        (EK::Theme, "aliases") => Strs(on!(Theme, |t| Some(&t.aliases))),
        (EK::Theme, "description") => Str(on!(Theme, |t| t.description.as_deref())),
        (EK::Outcome, "metric") => Str(on!(Outcome, |o| Some(&o.metric))),
        (EK::Outcome, "label") => Str(on!(Outcome, |o| Some(&o.label))),
        (EK::Outcome, "value") => Decimal(on!(Outcome, |o| Some(o.value))),
        (EK::Outcome, "unit") => Str(on!(Outcome, |o| Some(match &o.unit {
            model::Unit::Count(u) => u,
            model::Unit::Currency(c) => c.0,
        }))),
        (EK::Outcome, "qualifier") => Enum(on!(Outcome, |o| Some(name_of(Qualifier::from(
            o.qualifier
        ))))),
        (EK::Outcome, "isLowerBound") => Bool(on!(Outcome, |o| Some(o.qualifier.is_lower_bound()))),
        (EK::Outcome, "status") => Enum(on!(Outcome, |o| Some(name_of(OutcomeStatus::from(
            o.status
        ))))),
        (EK::Outcome, "note") => Str(on!(Outcome, |o| o.note.as_deref())),
        (EK::Source, "file") => Str(on!(Source, |s| Some(&s.file))),
        (EK::Source, "title") => Str(on!(Source, |s| Some(&s.title))),
        (EK::Source, "publisher") => Str(on!(Source, |s| s.publisher.as_deref())),
        (EK::Source, "description") => Str(on!(Source, |s| s.description.as_deref())),
        (EK::Source, "text") => Str(on!(Source, |s| s.text.as_deref())),
        _ => return None,
    })
}

/// A relation's attributes a plan writes, by GraphQL name.
fn edge_leaf(name: &str) -> Option<EdgeLeaf> {
    use EdgeLeaf::*;
    Some(match name {
        "type" => Enum(|e| Some(name_of(RelationType::from(e.kind)))),
        "role" => Str(|e| e.role()),
        "contribution" => Enum(|e| e.contribution().map(|c| name_of(ContributionKind::from(c)))),
        "amountQualifier" => Enum(|e| e.amount().map(|a| name_of(Qualifier::from(a.qualifier)))),
        "note" => Str(|e| e.note()),
        "percentage" => Decimal(|e| e.percentage()),
        "iatiRole" => Enum(|e| e.iati_role().map(|r| name_of(OrgRole::from(r)))),
        "iatiActivityId" => Str(|e| e.iati_activity_id()),
        "relatedActivityType" => Enum(|e| e.related.map(|r| name_of(RelatedActivityType::from(r)))),
        _ => return None,
    })
}

/// The relations table of a kind (`entity_object!`).
fn traversals(kind: EK) -> &'static [Traversal] {
    match kind {
        EK::Organization => types::Organization::TRAVERSALS,
        EK::Programme => types::Programme::TRAVERSALS,
        EK::Project => types::Project::TRAVERSALS,
        EK::Country => types::Country::TRAVERSALS,
        EK::Region => types::Region::TRAVERSALS,
        EK::Theme => types::Theme::TRAVERSALS,
        EK::Outcome | EK::Source => &[],
    }
}

/// `preceded_by` -> `precededBy`, as async-graphql names fields.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn kind_index(k: EK) -> usize {
    EK::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// Compiling: the document, and how many fields the plan holds so far.
struct Compiler<'d> {
    doc: &'d ExecutableDocument,
    fields: usize,
    visits: usize,
}

impl Plan {
    /// The plan of the operation `operation_name` picks in `doc` (a document that passed
    /// validation), or `None` when it is not a query or asks for something plans do not
    /// cover.
    pub fn compile(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<Plan> {
        let op = match (&doc.operations, operation_name) {
            (DocumentOperations::Single(op), _) => op,
            (DocumentOperations::Multiple(ops), Some(n)) => ops.get(n)?,
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
            _ => return None,
        };
        let op = &op.node;
        if op.ty != OperationType::Query || !op.directives.is_empty() {
            return None;
        }
        let variables = op
            .variable_definitions
            .iter()
            .map(|d| (d.node.name.node.clone(), d.node.default_value().cloned()))
            .collect();
        let mut c = Compiler {
            doc,
            fields: 0,
            visits: 0,
        };
        let root = c.set(Ty::Query, &op.selection_set.node, 0)?;
        Some(Plan {
            root,
            variables,
            fields: c.fields,
        })
    }

    /// An estimate of its size in memory, in bytes, beside the document's: each field's
    /// selection with its op inline, plus 128 bytes for what it holds on the heap (its key,
    /// a set's list, the arguments it copies; the arguments' text is in the document's
    /// weight).
    pub fn weight(&self) -> usize {
        self.fields * (std::mem::size_of::<Sel>() + 128)
    }

    /// The response body (`{"data":...}`) for `variables` over `g`, or `None` when the
    /// answer would carry an error: async-graphql must run it then.
    pub fn run(&self, g: &KnowledgeGraph, variables: &Variables) -> Option<Vec<u8>> {
        let run = Run {
            g,
            plan: self,
            variables,
        };
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(b"{\"data\":");
        run.object(&self.root, At::Query, &mut out)?;
        out.push(b'}');
        Some(out)
    }
}

impl Compiler<'_> {
    /// The selections of `set` that apply to `ty`, flattened, then compiled.
    fn set(&mut self, ty: Ty, set: &SelectionSet, depth: usize) -> Option<Set> {
        let mut flat: Vec<Flat<'_>> = Vec::new();
        self.flatten(ty, set, &[], depth, &mut flat)?;
        let mut out: Vec<Sel> = Vec::with_capacity(flat.len());
        let mut seen: Vec<&Positioned<Field>> = Vec::with_capacity(flat.len());
        for (field, conditions) in flat {
            let key = field.node.response_key();
            if let Some(i) = seen
                .iter()
                .position(|f| f.node.response_key().node == key.node)
            {
                // The same leaf asked twice (say, `id` in the body and in a fragment)
                // answers once; anything else repeated is merged by async-graphql.
                let same = seen[i].node.name.node == field.node.name.node
                    && field.node.arguments.is_empty()
                    && seen[i].node.arguments.is_empty()
                    && field.node.selection_set.node.items.is_empty()
                    && conditions.is_empty()
                    && out[i].conditions.is_empty();
                if !same {
                    return None;
                }
                continue;
            }
            self.fields += 1;
            if self.fields > MAX_FIELDS {
                return None;
            }
            let op = self.field(ty, &field.node, depth + 1)?;
            let mut key_bytes = serde_json::to_vec(key.node.as_str()).ok()?;
            key_bytes.push(b':');
            seen.push(field);
            out.push(Sel {
                key: key_bytes.into(),
                conditions,
                op,
            });
        }
        Some(Set(out))
    }

    fn flatten<'d>(
        &mut self,
        ty: Ty,
        set: &'d SelectionSet,
        conditions: &[(bool, Value)],
        depth: usize,
        out: &mut Vec<Flat<'d>>,
    ) -> Option<()>
    where
        // Fragments spread in `set` are the document's: they live as long as it.
        Self: 'd,
    {
        self.visits += set.items.len();
        if depth > MAX_DEPTH || self.visits > MAX_VISITS {
            return None;
        }
        let applies = |on: &Name| {
            on.as_str() == type_name(ty) || (on.as_str() == "Node" && matches!(ty, Ty::Entity(_)))
        };
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let mut c = conditions.to_vec();
                    directives(&f.node.directives, &mut c)?;
                    out.push((f, c));
                }
                Selection::FragmentSpread(s) => {
                    let frag = self.doc.fragments.get(&s.node.fragment_name.node)?;
                    if !applies(&frag.node.type_condition.node.on.node) {
                        continue;
                    }
                    let mut c = conditions.to_vec();
                    directives(&s.node.directives, &mut c)?;
                    directives(&frag.node.directives, &mut c)?;
                    let frag_set: &'d SelectionSet = &frag.node.selection_set.node;
                    self.flatten(ty, frag_set, &c, depth + 1, out)?;
                }
                Selection::InlineFragment(f) => {
                    if let Some(on) = &f.node.type_condition
                        && !applies(&on.node.on.node)
                    {
                        continue;
                    }
                    let mut c = conditions.to_vec();
                    directives(&f.node.directives, &mut c)?;
                    self.flatten(ty, &f.node.selection_set.node, &c, depth + 1, out)?;
                }
            }
        }
        Some(())
    }

    fn sub(&mut self, ty: Ty, f: &Field, depth: usize) -> Option<Box<Set>> {
        Some(Box::new(self.set(ty, &f.selection_set.node, depth)?))
    }

    fn target(&mut self, kind: Option<EK>, f: &Field, depth: usize) -> Option<Target> {
        match kind {
            Some(k) => Some(Target::One(k, self.sub(Ty::Entity(k), f, depth)?)),
            None => {
                let mut sets = Vec::with_capacity(EK::ALL.len());
                for &k in EK::ALL.iter() {
                    sets.push(self.set(Ty::Entity(k), &f.selection_set.node, depth)?);
                }
                Some(Target::Each(sets.into()))
            }
        }
    }

    /// The op of field `f` on `ty`, its arguments checked to be the ones the op reads.
    fn field(&mut self, ty: Ty, f: &Field, depth: usize) -> Option<Op> {
        let name = f.name.node.as_str();
        if name == "__typename" {
            return no_args(
                f,
                Op::Typename(serde_json::to_vec(&type_name(ty)).ok()?.into()),
            );
        }
        match ty {
            Ty::Query => self.query_field(f, depth),
            Ty::Entity(kind) => self.entity_field(kind, f, depth),
            Ty::NodeConn(k) => match name {
                "edges" => no_args(f, Op::Edges(self.sub(Ty::NodeEdge(k), f, depth)?)),
                "nodes" => no_args(f, Op::Nodes(self.target(Some(k), f, depth)?)),
                _ => self.connection_field(f, depth),
            },
            Ty::RelConn(k) => match name {
                "edges" => no_args(f, Op::Edges(self.sub(Ty::RelEdge(k), f, depth)?)),
                "nodes" => no_args(f, Op::Nodes(self.target(k, f, depth)?)),
                _ => self.connection_field(f, depth),
            },
            Ty::FundedConn => match name {
                "edges" => no_args(f, Op::Edges(self.sub(Ty::FundedEdge, f, depth)?)),
                "nodes" => no_args(f, Op::Nodes(self.target(Some(EK::Project), f, depth)?)),
                _ => self.connection_field(f, depth),
            },
            Ty::NodeEdge(k) => match name {
                "cursor" => no_args(f, Op::Cursor),
                "node" => no_args(f, Op::EdgeNode(self.target(Some(k), f, depth)?)),
                _ => None,
            },
            Ty::FundedEdge => match name {
                "cursor" => no_args(f, Op::Cursor),
                "node" => no_args(f, Op::EdgeNode(self.target(Some(EK::Project), f, depth)?)),
                "via" => no_args(f, Op::Via(self.sub(Ty::Entity(EK::Programme), f, depth)?)),
                _ => None,
            },
            Ty::RelEdge(k) => {
                let op = match name {
                    "cursor" => Op::Cursor,
                    "node" => Op::EdgeNode(self.target(k, f, depth)?),
                    "direction" => Op::Direction,
                    "from" => Op::From(self.target(None, f, depth)?),
                    "to" => Op::To(self.target(None, f, depth)?),
                    "amount" => Op::EdgeAmount(self.sub(Ty::Money, f, depth)?),
                    "period" => Op::EdgePeriod(self.sub(Ty::Period, f, depth)?),
                    _ => Op::EdgeLeaf(edge_leaf(name)?),
                };
                no_args(f, op)
            }
            Ty::PageInfo => no_args(
                f,
                match name {
                    "hasNextPage" => Op::HasNext,
                    "hasPreviousPage" => Op::HasPrevious,
                    "startCursor" => Op::StartCursor,
                    "endCursor" => Op::EndCursor,
                    _ => return None,
                },
            ),
            Ty::Period => match name {
                "text" => no_args(f, Op::PeriodText),
                _ => None,
            },
            Ty::Money => match name {
                "amount" => no_args(f, Op::Amount),
                "currency" => no_args(f, Op::Currency),
                _ => None,
            },
        }
    }

    fn connection_field(&mut self, f: &Field, depth: usize) -> Option<Op> {
        match f.name.node.as_str() {
            "totalCount" => no_args(f, Op::TotalCount),
            "pageInfo" => no_args(f, Op::PageInfo(self.sub(Ty::PageInfo, f, depth)?)),
            _ => None,
        }
    }

    fn query_field(&mut self, f: &Field, depth: usize) -> Option<Op> {
        let name = f.name.node.as_str();
        let filtered = |k: EK| (k, true);
        let (kind, filters) = match name {
            "node" | "nodes" | "country" => {
                let arg = match name {
                    "node" => "id",
                    "nodes" => "ids",
                    _ => "code",
                };
                let [(n, v)] = f.arguments.as_slice() else {
                    return None;
                };
                if n.node.as_str() != arg {
                    return None;
                }
                let v = v.node.clone();
                return Some(match name {
                    "node" => Op::Node(v, self.target(None, f, depth)?),
                    "nodes" => Op::NodesById(v, self.target(None, f, depth)?),
                    _ => Op::Country(v, self.sub(Ty::Entity(EK::Country), f, depth)?),
                });
            }
            "organizations" => filtered(EK::Organization),
            "programmes" => filtered(EK::Programme),
            "projects" => filtered(EK::Project),
            "countries" => filtered(EK::Country),
            "outcomes" => filtered(EK::Outcome),
            "regions" => (EK::Region, false),
            "themes" => (EK::Theme, false),
            "sources" => (EK::Source, false),
            _ => return None,
        };
        let (mut filter, mut order) = (None, None);
        let mut page = page_spec(f, |n, v| match n {
            "where" if filters => {
                filter = Some(v.clone());
                true
            }
            "orderBy" if filters => {
                order = Some(v.clone());
                true
            }
            _ => false,
        })?;
        let set = self.sub(Ty::NodeConn(kind), f, depth)?;
        page.cursors = cursors(&set);
        Some(Op::List {
            kind,
            filter,
            order,
            page,
            set,
        })
    }

    fn entity_field(&mut self, kind: EK, f: &Field, depth: usize) -> Option<Op> {
        let name = f.name.node.as_str();
        let op = match (kind, name) {
            (EK::Organization | EK::Outcome, "country") => {
                Op::HomeCountry(self.sub(Ty::Entity(EK::Country), f, depth)?)
            }
            (EK::Outcome, "subject") => Op::Subject(self.target(None, f, depth)?),
            (EK::Project | EK::Programme | EK::Outcome, "period") => {
                Op::Period(self.sub(Ty::Period, f, depth)?)
            }
            (EK::Project, "budget") => Op::Budget(self.sub(Ty::Money, f, depth)?),
            (EK::Outcome, "money") => Op::OutcomeMoney(self.sub(Ty::Money, f, depth)?),
            (EK::Organization, "fundedProjects") => {
                let mut indirect = None;
                let mut page = page_spec(f, |n, v| {
                    let ours = n == "indirect";
                    if ours {
                        indirect = Some(v.clone());
                    }
                    ours
                })?;
                let set = self.sub(Ty::FundedConn, f, depth)?;
                page.cursors = cursors(&set);
                return Some(Op::Funded(indirect, page, set));
            }
            _ => {
                if let Some(t) = traversals(kind).iter().find(|t| camel(t.name) == name) {
                    let mut page = page_spec(f, |_, _| false)?;
                    let set = self.sub(Ty::RelConn(t.node), f, depth)?;
                    page.cursors = cursors(&set);
                    return Some(Op::Traverse(t, page, set));
                }
                Op::Leaf(leaf(kind, name)?)
            }
        };
        no_args(f, op)
    }
}

/// `op`, when `f` has no arguments.
fn no_args(f: &Field, op: Op) -> Option<Op> {
    f.arguments.is_empty().then_some(op)
}

/// The pagination arguments of `f`; any other argument goes to `other`, which says whether
/// it took it.
fn page_spec(f: &Field, mut other: impl FnMut(&str, &Value) -> bool) -> Option<PageSpec> {
    let mut page = PageSpec::default();
    for (n, v) in &f.arguments {
        let slot = match n.node.as_str() {
            "first" => &mut page.first,
            "after" => &mut page.after,
            "last" => &mut page.last,
            "before" => &mut page.before,
            name => {
                if other(name, &v.node) {
                    continue;
                }
                return None;
            }
        };
        *slot = Some(v.node.clone());
    }
    Some(page)
}

/// `@skip` and `@include` as conditions; any other directive is not planned.
fn directives(
    list: &[Positioned<async_graphql::parser::types::Directive>],
    out: &mut Vec<(bool, Value)>,
) -> Option<()> {
    for d in list {
        let include = match d.node.name.node.as_str() {
            "skip" => false,
            "include" => true,
            _ => return None,
        };
        let [(n, v)] = d.node.arguments.as_slice() else {
            return None;
        };
        if n.node.as_str() != "if" {
            return None;
        }
        out.push((include, v.node.clone()));
    }
    Some(())
}

/// What an object in the answer is read from.
#[derive(Clone, Copy)]
enum At<'a> {
    Query,
    Entity(NodeIndex),
    NodeConn(&'a Page<NodeIndex>),
    NodeEdge(&'a str, NodeIndex),
    RelConn(&'a Page<(EdgeIndex, NodeIndex)>),
    RelEdge(&'a str, EdgeIndex, NodeIndex),
    FundedConn(&'a Page<(NodeIndex, Vec<NodeIndex>)>),
    FundedEdge(&'a str, NodeIndex, &'a [NodeIndex]),
    PageInfo(&'a PageInfo),
    Period(&'a model::Period),
    Money(&'a model::Money),
}

struct Run<'a> {
    g: &'a KnowledgeGraph,
    plan: &'a Plan,
    variables: &'a Variables,
}

impl Run<'_> {
    /// The value of variable `name` as async-graphql reads it: given, else its default,
    /// else `null` when nullable.
    fn variable(&self, name: &Name) -> Option<ConstValue> {
        let (_, absent) = self.plan.variables.iter().find(|(n, _)| n == name)?;
        self.variables.get(name).or(absent.as_ref()).cloned()
    }

    fn value(&self, v: &Value) -> Option<ConstValue> {
        match v {
            Value::Variable(name) => self.variable(name),
            other => other
                .clone()
                .into_const_with(|name| self.variable(&name).ok_or(()))
                .ok(),
        }
    }

    /// An argument (`v` is `None` when absent), coerced as async-graphql coerces it; `None`
    /// when it does not coerce, which async-graphql must answer.
    fn arg<T: InputType>(&self, v: Option<&Value>) -> Option<T> {
        let v = match v {
            Some(v) => Some(self.value(v)?),
            None => None,
        };
        T::parse(v).ok()
    }

    fn page_args(&self, p: &PageSpec) -> Option<PageArgs> {
        Some(PageArgs {
            cursors: p.cursors,
            ..PageArgs::new(
                self.arg(p.first.as_ref())?,
                self.arg(p.after.as_ref())?,
                self.arg(p.last.as_ref())?,
                self.arg(p.before.as_ref())?,
            )
        })
    }

    fn object(&self, set: &Set, at: At<'_>, out: &mut Vec<u8>) -> Option<()> {
        out.push(b'{');
        let mut first = true;
        for sel in &set.0 {
            if !self.applies(&sel.conditions)? {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(&sel.key);
            self.field(&sel.op, at, out)?;
        }
        out.push(b'}');
        Some(())
    }

    fn applies(&self, conditions: &[(bool, Value)]) -> Option<bool> {
        for (include, v) in conditions {
            let ConstValue::Boolean(b) = self.value(v)? else {
                return None;
            };
            if b != *include {
                return Some(false);
            }
        }
        Some(true)
    }

    fn target(&self, t: &Target, ix: NodeIndex, out: &mut Vec<u8>) -> Option<()> {
        match t {
            Target::One(k, set) => {
                if self.g.entity(ix).kind() != *k {
                    return None;
                }
                self.object(set, At::Entity(ix), out)
            }
            Target::Each(sets) => {
                let set = sets.get(kind_index(self.g.entity(ix).kind()))?;
                self.object(set, At::Entity(ix), out)
            }
        }
    }

    fn maybe_target(&self, t: &Target, ix: Option<NodeIndex>, out: &mut Vec<u8>) -> Option<()> {
        match ix {
            Some(ix) => self.target(t, ix, out),
            None => {
                out.extend_from_slice(b"null");
                Some(())
            }
        }
    }

    fn field(&self, op: &Op, at: At<'_>, out: &mut Vec<u8>) -> Option<()> {
        let g = self.g;
        match (op, at) {
            (Op::Typename(name), _) => out.extend_from_slice(name),
            (Op::Node(id, t), At::Query) => {
                let id: ID = self.arg(Some(id))?;
                let ix = parse_global_id(g, &id).ok()?;
                self.maybe_target(t, ix, out)?;
            }
            (Op::NodesById(ids, t), At::Query) => {
                let ids: Vec<ID> = self.arg(Some(ids))?;
                if ids.len() > MAX_IDS {
                    return None;
                }
                let found = ids
                    .iter()
                    .map(|id| parse_global_id(g, id).ok())
                    .collect::<Option<Vec<_>>>()?;
                write_list(found, out, |ix, out| self.maybe_target(t, ix, out))?;
            }
            (Op::Country(code, set), At::Query) => {
                let code: String = self.arg(Some(code))?;
                match g.by_global_id(&format!("country:{code}")) {
                    Some(ix) => self.object(set, At::Entity(ix), out)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            (
                Op::List {
                    kind,
                    filter,
                    order,
                    page,
                    set,
                },
                At::Query,
            ) => {
                let list = self.root_list(*kind, filter, order)?;
                let page = node_page(g, list, &self.page_args(page)?).ok()?;
                self.object(set, At::NodeConn(&page), out)?;
            }
            (Op::Leaf(l), At::Entity(ix)) => write_leaf(g, *l, ix, out)?,
            (Op::HomeCountry(set), At::Entity(ix)) => {
                let code = match g.entity(ix) {
                    Entity::Organization(o) => o.country.as_deref(),
                    Entity::Outcome(o) => o.country.as_deref(),
                    _ => return None,
                };
                match code.and_then(|c| g.by_id(c)) {
                    Some(c) => self.object(set, At::Entity(c), out)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            (Op::Subject(t), At::Entity(ix)) => {
                let Entity::Outcome(o) = g.entity(ix) else {
                    return None;
                };
                self.maybe_target(t, g.by_id(&o.subject), out)?;
            }
            (Op::Period(set), At::Entity(ix)) => {
                let period = match g.entity(ix) {
                    Entity::Project(p) => p.period.as_ref(),
                    Entity::Programme(p) => p.period.as_ref(),
                    Entity::Outcome(o) => o.period.as_ref(),
                    _ => return None,
                };
                match period {
                    Some(p) => self.object(set, At::Period(p), out)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            (Op::Budget(set), At::Entity(ix)) => {
                let Entity::Project(p) = g.entity(ix) else {
                    return None;
                };
                match &p.budget {
                    Some(b) => self.object(set, At::Money(&b.money), out)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            (Op::OutcomeMoney(set), At::Entity(ix)) => {
                let Entity::Outcome(o) = g.entity(ix) else {
                    return None;
                };
                match o.unit {
                    model::Unit::Currency(currency) => {
                        let money = model::Money {
                            amount: o.value,
                            currency,
                        };
                        self.object(set, At::Money(&money), out)?;
                    }
                    model::Unit::Count(_) => out.extend_from_slice(b"null"),
                }
            }
            (Op::Traverse(t, page, set), At::Entity(ix)) => {
                let args = self.page_args(page)?;
                let page = relation_page(g, ix, Some(t.relation), &[t.dir], t.other, &args).ok()?;
                self.object(set, At::RelConn(&page), out)?;
            }
            (Op::Funded(indirect, page, set), At::Entity(ix)) => {
                let indirect = match indirect {
                    None => true,
                    Some(v) => self.arg::<bool>(Some(v))?,
                };
                let args = self.page_args(page)?;
                let page = funded_page(g, ix, indirect, &args).ok()?;
                self.object(set, At::FundedConn(&page), out)?;
            }
            (Op::TotalCount, at) => {
                let total = match at {
                    At::NodeConn(p) => p.total,
                    At::RelConn(p) => p.total,
                    At::FundedConn(p) => p.total,
                    _ => return None,
                };
                write!(out, "{total}").ok()?;
            }
            (Op::PageInfo(set), at) => {
                let info = match at {
                    At::NodeConn(p) => &p.info,
                    At::RelConn(p) => &p.info,
                    At::FundedConn(p) => &p.info,
                    _ => return None,
                };
                self.object(set, At::PageInfo(info), out)?;
            }
            (Op::Edges(set), At::NodeConn(p)) => write_list(&p.items, out, |(c, ix), out| {
                self.object(set, At::NodeEdge(c, *ix), out)
            })?,
            (Op::Edges(set), At::RelConn(p)) => write_list(&p.items, out, |(c, (e, ix)), out| {
                self.object(set, At::RelEdge(c, *e, *ix), out)
            })?,
            (Op::Edges(set), At::FundedConn(p)) => {
                write_list(&p.items, out, |(c, (ix, via)), out| {
                    self.object(set, At::FundedEdge(c, *ix, via), out)
                })?
            }
            (Op::Nodes(t), At::NodeConn(p)) => {
                write_list(&p.items, out, |(_, ix), out| self.target(t, *ix, out))?
            }
            (Op::Nodes(t), At::RelConn(p)) => {
                write_list(&p.items, out, |(_, (_, ix)), out| self.target(t, *ix, out))?
            }
            (Op::Nodes(t), At::FundedConn(p)) => {
                write_list(&p.items, out, |(_, (ix, _)), out| self.target(t, *ix, out))?
            }
            (Op::Cursor, At::NodeEdge(c, _) | At::RelEdge(c, _, _) | At::FundedEdge(c, _, _)) => {
                write_str(out, c)?
            }
            (
                Op::EdgeNode(t),
                At::NodeEdge(_, ix) | At::RelEdge(_, _, ix) | At::FundedEdge(_, ix, _),
            ) => self.target(t, ix, out)?,
            (Op::Via(set), At::FundedEdge(_, _, via)) => {
                write_list(via, out, |ix, out| self.object(set, At::Entity(*ix), out))?
            }
            (Op::Direction, At::RelEdge(_, e, ix)) => {
                let (_, to) = g.endpoints(e);
                let d = if to == ix {
                    RelationDirection::Outgoing
                } else {
                    RelationDirection::Incoming
                };
                write_str(out, name_of(d))?;
            }
            (Op::EdgeLeaf(l), At::RelEdge(_, e, _)) => {
                let edge = g.edge(e);
                match *l {
                    EdgeLeaf::Str(f) => write_opt_str(out, f(edge))?,
                    EdgeLeaf::Enum(f) => write_opt_str(out, f(edge))?,
                    EdgeLeaf::Decimal(f) => write_decimal(out, f(edge))?,
                }
            }
            (Op::EdgeAmount(set), At::RelEdge(_, e, _)) => match g.edge(e).amount() {
                Some(a) => self.object(set, At::Money(&a.money), out)?,
                None => out.extend_from_slice(b"null"),
            },
            (Op::EdgePeriod(set), At::RelEdge(_, e, _)) => match g.edge(e).period() {
                Some(p) => self.object(set, At::Period(p), out)?,
                None => out.extend_from_slice(b"null"),
            },
            (Op::From(t), At::RelEdge(_, e, _)) => self.target(t, g.endpoints(e).0, out)?,
            (Op::To(t), At::RelEdge(_, e, _)) => self.target(t, g.endpoints(e).1, out)?,
            (Op::HasNext, At::PageInfo(i)) => write_bool(out, i.has_next_page),
            (Op::HasPrevious, At::PageInfo(i)) => write_bool(out, i.has_previous_page),
            (Op::StartCursor, At::PageInfo(i)) => write_opt_str(out, i.start_cursor.as_deref())?,
            (Op::EndCursor, At::PageInfo(i)) => write_opt_str(out, i.end_cursor.as_deref())?,
            (Op::PeriodText, At::Period(p)) => write_opt_str(out, p.text.as_deref())?,
            (Op::Amount, At::Money(m)) => write_decimal(out, Some(m.amount))?,
            (Op::Currency, At::Money(m)) => write_str(out, m.currency.0)?,
            // A plan is compiled for the type it runs on; anything else is a bug, answered
            // by async-graphql rather than by a wrong body.
            _ => return None,
        }
        Some(())
    }

    /// A root list's nodes, through the filter functions the resolvers call.
    fn root_list(
        &self,
        kind: EK,
        filter: &Option<Value>,
        order: &Option<Value>,
    ) -> Option<Vec<NodeIndex>> {
        let g = self.g;
        macro_rules! filtered {
            ($f:ident, $where:ty, $order:ty) => {{
                let w: Option<$where> = self.arg(filter.as_ref())?;
                let o: Option<$order> = self.arg(order.as_ref())?;
                filters::$f(g, &w.unwrap_or_default(), &o.unwrap_or_default()).ok()
            }};
        }
        match kind {
            EK::Organization => filtered!(organizations, OrganizationWhere, OrganizationOrder),
            EK::Programme => filtered!(programmes, ProgrammeWhere, ProgrammeOrder),
            EK::Project => filtered!(projects, ProjectWhere, ProjectOrder),
            EK::Country => filtered!(countries, CountryWhere, CountryOrder),
            EK::Outcome => filtered!(outcomes, OutcomeWhere, OutcomeOrder),
            EK::Region | EK::Theme | EK::Source => Some(g.nodes_of(kind).to_vec()),
        }
    }
}

fn write_leaf(g: &KnowledgeGraph, l: Leaf, ix: NodeIndex, out: &mut Vec<u8>) -> Option<()> {
    let e = g.entity(ix);
    match l {
        Leaf::Id => {
            // `global_id()` without its String: `"<prefix>:<id>"`.
            out.push(b'"');
            out.extend_from_slice(e.kind().id_prefix().as_bytes());
            out.push(b':');
            write_escaped(out, e.id());
            out.push(b'"');
            Some(())
        }
        Leaf::Str(f) => write_opt_str(out, f(e)),
        Leaf::Enum(f) => write_opt_str(out, f(e)),
        Leaf::Decimal(f) => write_decimal(out, f(e)),
        Leaf::Bool(f) => {
            match f(e) {
                Some(b) => write_bool(out, b),
                None => out.extend_from_slice(b"null"),
            }
            Some(())
        }
        Leaf::Strs(f) => write_list(f(e)?, out, |s, out| write_str(out, s)),
    }
}

/// A JSON list of `items`, each written by `each`.
fn write_list<T>(
    items: impl IntoIterator<Item = T>,
    out: &mut Vec<u8>,
    mut each: impl FnMut(T, &mut Vec<u8>) -> Option<()>,
) -> Option<()> {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(item, out)?;
    }
    out.push(b']');
    Some(())
}

/// A JSON string, escaped as serde_json escapes it (async-graphql's answers go through it).
fn write_str(out: &mut Vec<u8>, s: &str) -> Option<()> {
    out.push(b'"');
    write_escaped(out, s);
    out.push(b'"');
    Some(())
}

/// The inside of a JSON string, as serde_json writes it: `"` and `\` escaped, the control
/// characters as `\b \t \n \f \r` or `\u00xx` (lower-case hex); everything else as is.
/// Runs of 32 bytes with nothing to escape (nearly all text) are copied whole: the test of
/// a run has no early exit, so it compiles to vector instructions.
fn write_escaped(out: &mut Vec<u8>, s: &str) {
    const RUN: usize = 32;
    let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let bytes = s.as_bytes();
    let mut done = 0;
    while bytes.len() - done >= RUN {
        let run = &bytes[done..done + RUN];
        if run.iter().fold(false, |any, &b| any | needs(b)) {
            break;
        }
        done += RUN;
    }
    out.extend_from_slice(&bytes[..done]);
    let rest = &bytes[done..];
    let mut start = 0;
    for (i, &b) in rest.iter().enumerate() {
        if !needs(b) {
            continue;
        }
        out.extend_from_slice(&rest[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ];
                out.extend_from_slice(&code);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&rest[start..]);
}

fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) -> Option<()> {
    match s {
        Some(s) => write_str(out, s),
        None => {
            out.extend_from_slice(b"null");
            Some(())
        }
    }
}

fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// A `Decimal` as async-graphql's scalar writes it: a string.
fn write_decimal(out: &mut Vec<u8>, d: Option<Decimal>) -> Option<()> {
    match d {
        Some(d) => write_str(out, &d.to_string()),
        None => {
            out.extend_from_slice(b"null");
            Some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every: String = (0u8..0x80).map(char::from).collect();
        every.push_str("é – 日本 \u{2028} \u{7f} 🙂 \"quoted\" back\\slash");
        let long = "a long title without anything to escape, ".repeat(5);
        let late = format!("{long}then a \"quote\" and a tab\t");
        let first = format!("\n{long}");
        for s in [
            every.as_str(),
            "",
            "plain",
            "\u{0}",
            "end\n",
            &long,
            &late,
            &first,
        ] {
            let mut ours = Vec::new();
            write_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn a_plan_of_the_load_benchmark_holds_compact_selections() {
        let doc =
            async_graphql::parser::parse_query(include_str!("../../benches/load/nested.graphql"))
                .unwrap();
        let plan = Plan::compile(&doc, None).unwrap();
        // The nested query: 37 fields (its `... on Organization` is empty for other kinds).
        assert_eq!(plan.fields, 37);
        let inline = std::mem::size_of::<Sel>();
        assert!(inline <= 512, "a selection is {inline} bytes");
    }

    #[test]
    fn field_names_are_camel_case_as_async_graphql_names_them() {
        assert_eq!(camel("preceded_by"), "precededBy");
        assert_eq!(
            camel("accountable_organizations"),
            "accountableOrganizations"
        );
        assert_eq!(camel("funds"), "funds");
    }
}
