//! Per-request limits on GraphQL documents, enforced before async-graphql parses, validates or
//! runs them, so that a public endpoint refuses an abusive document cheaply and says why.
//!
//! Two stages, each refusing with a [`Violation`]: a stable `code`, a message that says what
//! the limit is, what the document has and how to fix it, the position when known, and the
//! configured `maximum`:
//!
//! 1. [`precheck`], on the raw text: its size, and how deep `{`, `(` and `[` nest, counted by a
//!    small lexer that skips strings, block strings and comments. Run it before anything
//!    parses the text, `async_graphql::parser::parse_query` included.
//! 2. [`Analyzer::check`], on the parsed document, knowing the schema's field types from its
//!    SDL: depth, complexity, aliases, root fields, page sizes, introspection and fragment
//!    cycles, in one memoised walk.
//!
//! # Why not async-graphql's own limits
//!
//! Read in async-graphql 7.2.1's source and measured in a debug build:
//!
//! - Parsing. pest 2.9 guards its own recursion (10,000 nested braces give a syntax error whose
//!   message quotes the whole line), and the parser caps selection sets at 64 levels
//!   ("recursion limit exceeded.", no position); but it then builds argument values
//!   (`[[[...]]]`, `{a: {a: ...}}`) recursively with no bound: about 1,800 nested `[` in one
//!   argument overflow a 2 MiB stack, a tokio worker's, and abort the process. Hence the
//!   lexical bound in [`precheck`].
//! - Right after parsing, `check_recursive_depth` (limit 32) walks *every* operation of the
//!   document, re-walking a fragment at each of its spreads; so do validation's complexity and
//!   depth visitors. A "billion laughs" document (ten fragments each spreading the next ten
//!   times) takes about 70 ns per inlined field there, 10^10 fields in all: some 12 minutes
//!   of CPU, even when the exploding operation is not the one the request names.
//! - `OverlappingFieldsCanBeMerged` re-reads the top level of every spread fragment in every
//!   selection set that spreads it: selection sets times fragment size.
//! - Its limit errors ("Query is too complex.", "Query is nested too deep.") carry no
//!   `extensions.code` and no figures.
//!
//! # What is measured
//!
//! - **Depth**: the root selection set is depth 1 and each field's selection set one more;
//!   fragments, spread or inline, add nothing (their fields are at the spread's level):
//!   `{ stats { nodeCount } }` has depth 2. GraphiQL's introspection query has depth 15, the
//!   default limit.
//! - **Complexity**, as GitHub's GraphQL rate limit, estimates how many objects a query can
//!   return. Every field costs 1, `__typename` included. A field whose type is a connection
//!   (its name ends in `Connection`) costs 1 plus its page size times the cost of its
//!   selection: `first` or `last` (both: the smaller), a literal, a variable's value or the
//!   variable's declared default, else the default page of 20 ([`DEFAULT_PAGE`]). `nodes(ids:)`
//!   at the root multiplies its selection by the number of ids. Other list fields count ×1:
//!   a connection's `nodes` and `edges` are paid for by its page, and the analysis lists
//!   (`paths`, `donorNetwork`, `communities`...) are bounded by their own arguments. A page of
//!   0 counts as 1, since async-graphql still validates the selection. Fragments are inlined: a
//!   spread costs what its fragment costs, at each spread. Example:
//!   `{ organizations(first: 10) { nodes { id funds { totalCount } } } }` costs
//!   1 + 10 × (1 + 1 + (1 + 20 × 1)) = 231.
//! - **Aliases**: aliased fields, fragments inlined (a fragment with two aliases spread three
//!   times counts six).
//! - **Root fields**: the fields of the operation's root selection set, fragments inlined,
//!   `__typename` included.
//! - **Page size**: `first` and `last` of connection fields only; the analysis fields' own
//!   `first` arguments (`donorNetwork`, `communities`...) have their own bounds.
//! - **Introspection**: when off, `__schema` and `__type` anywhere; `__typename` is always
//!   allowed.
//!
//! Fields the SDL does not know cost 1 and the walk goes on; a spread of an unknown fragment is
//! skipped: async-graphql reports both. `@skip` and `@include` are ignored: validation walks
//! skipped selections too.
//!
//! # Every operation, every fragment
//!
//! The operation that runs (named, or the only one) is measured with the request's
//! variables, and its [`Cost`] returned. Because async-graphql parses and validates the whole
//! document before it picks the operation, every other operation and every fragment
//! definition the running operation does not spread is held to the same limits too, measured
//! with the request's variables but no declared defaults (they belong to an operation). When
//! no operation would run (unknown name, several and none named), [`Analyzer::check`] returns
//! `Cost::default()` once the document is within limits, and async-graphql reports the
//! mistake.
//!
//! # Bounded whatever the input
//!
//! Since no field costs less than 1 and no multiplier is below 1, an operation's complexity is
//! at least the number of fields async-graphql walks when it inlines its fragments: the
//! complexity limit bounds that work too. Each fragment is measured once per walk (its type
//! condition is its context, so its cost does not depend on where it is spread), two walks
//! per check (the running operation's, and one for the rest); counts saturate instead of
//! overflowing; the walk's own recursion stops past `max_depth` field levels and past
//! `max_depth` fragments nested along one path (both `QUERY_TOO_DEEP`). Argument values are
//! read with async-graphql's `into_const_with`, which recurses as deep as the parser did over
//! the same value: within [`precheck`]'s bound.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, FragmentDefinition,
    OperationDefinition, OperationType, Selection, SelectionSet, Type, TypeKind,
    TypeSystemDefinition, VariableDefinition,
};
use async_graphql::{Name, Pos, Positioned, Value, Variables};

use super::page::{DEFAULT_PAGE, MAX_PAGE};

/// The document is longer than `max_document_bytes`.
pub const DOCUMENT_TOO_LARGE: &str = "DOCUMENT_TOO_LARGE";
/// Brackets nest too deep in the text, or selections in the parsed document.
pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
/// The estimated cost is above `max_complexity`.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// More aliased fields than `max_aliases`.
pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
/// More root fields than `max_root_fields`.
pub const TOO_MANY_ROOT_FIELDS: &str = "TOO_MANY_ROOT_FIELDS";
/// `first` or `last` above `max_page_size`: the resolvers' code too (`page.rs`).
pub const PAGE_SIZE_TOO_LARGE: &str = "PAGE_SIZE_TOO_LARGE";
/// `__schema` or `__type` while introspection is off.
pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
/// A document the analysis refuses to walk (a fragment cycle).
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// How much deeper than `max_depth` the text's brackets may nest: arguments add a `(`, and
/// input objects and lists a `{` or `[` per level, under the deepest selection set.
pub const LEXICAL_SLACK: usize = 10;

/// Limits on one GraphQL request, each with a safe default.
#[derive(Debug, Clone)]
pub struct QueryLimits {
    /// The longest document, in bytes of text.
    pub max_document_bytes: usize,
    /// The deepest selection set, the root's being depth 1 (see the module doc). The analysis
    /// recurses a few frames per level, so keep it in the tens.
    pub max_depth: usize,
    /// The highest estimated cost (see the module doc).
    pub max_complexity: u64,
    /// The most aliased fields in an operation, fragments inlined.
    pub max_aliases: usize,
    /// The most fields in an operation's root selection set, fragments inlined.
    pub max_root_fields: usize,
    /// The largest `first` or `last` of a connection.
    pub max_page_size: usize,
    /// Whether `__schema` and `__type` may be asked for.
    pub introspection: bool,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_document_bytes: 65_536,
            max_depth: 15,
            max_complexity: 200_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_page_size: MAX_PAGE,
            introspection: true,
        }
    }
}

/// Why a document is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// A stable machine code, e.g. `DOCUMENT_TOO_LARGE`.
    pub code: &'static str,
    /// What the limit is, what the document has, and how to fix it.
    pub message: String,
    /// Line and column in the document, when known.
    pub pos: Option<Pos>,
    /// The configured limit, when a limit was exceeded.
    pub maximum: Option<u64>,
}

impl Violation {
    fn over(code: &'static str, maximum: usize, pos: Option<Pos>, message: String) -> Self {
        Violation {
            code,
            message,
            pos,
            maximum: Some(wide(maximum)),
        }
    }
}

/// `Ok` when `count` is at most `max`, else a `code` violation saying `message(count, max)`.
fn at_most(
    code: &'static str,
    count: u64,
    max: u64,
    pos: Option<Pos>,
    message: impl FnOnce(u64, u64) -> String,
) -> Result<(), Violation> {
    if count <= max {
        return Ok(());
    }
    Err(Violation {
        code,
        message: message(count, max),
        pos,
        maximum: Some(max),
    })
}

fn wide(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// What [`Analyzer::check`] measured of the operation that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    pub depth: usize,
    pub complexity: u64,
    pub aliases: usize,
    pub root_fields: usize,
}

/// Cheap checks on the raw text, before any parsing: size, and brace/paren/bracket nesting
/// measured by a small lexer that skips strings, block strings (`"""..."""`) and `#` comments.
/// Nesting may exceed `max_depth` by [`LEXICAL_SLACK`], for arguments and input values.
pub fn precheck(query: &str, limits: &QueryLimits) -> Result<(), Violation> {
    let (len, max) = (wide(query.len()), wide(limits.max_document_bytes));
    at_most(DOCUMENT_TOO_LARGE, len, max, None, |len, max| {
        format!(
            "the document is {len} bytes, above the limit of {max} bytes; send a shorter \
             query: move repeated selections into fragments, or split it into several requests"
        )
    })?;
    let max = limits.max_depth.saturating_add(LEXICAL_SLACK);
    let Some(at) = too_deep_at(query.as_bytes(), max) else {
        return Ok(());
    };
    let bracket = query.get(at..at + 1).unwrap_or("{");
    Err(Violation::over(
        QUERY_TOO_DEEP,
        max,
        Some(pos_at(query, at)),
        format!(
            "this `{bracket}` opens level {} of nested braces, parentheses and brackets; at \
             most {max} are allowed ({} levels of selections, plus {LEXICAL_SLACK} for \
             arguments and input values): select less deeply nested data, or split the query",
            max.saturating_add(1),
            limits.max_depth
        ),
    ))
}

/// The byte offset of the first `{`, `(` or `[` that opens level `max + 1`, outside strings
/// and comments.
fn too_deep_at(text: &[u8], max: usize) -> Option<usize> {
    let starts = |i: usize, s: &[u8]| text.get(i..).is_some_and(|t| t.starts_with(s));
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'#' => {
                while text.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
                continue;
            }
            b'"' if starts(i, b"\"\"\"") => {
                // A block string ends at the first `"""` not escaped as `\"""`.
                i += 3;
                while i < text.len() && !starts(i, b"\"\"\"") {
                    i += if starts(i, b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 3;
                continue;
            }
            b'"' => {
                // A string ends at an unescaped `"` (or, unterminated, at the line's end).
                i += 1;
                while let Some(&c) = text.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' | b'\r' => break,
                        _ => i += 1,
                    }
                }
                continue;
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The line and column of byte `offset`, counted as async-graphql counts them (columns in
/// characters; `\r` starts a column, `\n` a line).
fn pos_at(text: &str, offset: usize) -> Pos {
    let mut pos = Pos { line: 1, column: 1 };
    for c in text.get(..offset).unwrap_or(text).chars() {
        match c {
            '\n' => {
                pos.line += 1;
                pos.column = 1;
            }
            '\r' => pos.column = 1,
            _ => pos.column += 1,
        }
    }
    pos
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Schema-aware analysis of a parsed document, built once per schema from its SDL.
#[derive(Debug, Clone)]
pub struct Analyzer {
    /// Per object or interface type: each field's named type (lists and non-null unwrapped).
    /// Looked up twice per field of every request: foldhash, not SipHash (the keys are the
    /// schema's, so there is nothing to flood).
    fields: FastMap<Name, FastMap<Name, Name>>,
    query: Name,
    mutation: Name,
    subscription: Name,
}

impl Analyzer {
    /// Reads field types from `sdl` (parsed with `async_graphql::parser::parse_schema`). An SDL
    /// that does not parse gives an analyzer that knows no type: every field then costs 1.
    pub fn from_sdl(sdl: &str) -> Analyzer {
        let mut analyzer = Analyzer {
            fields: FastMap::default(),
            query: Name::new("Query"),
            mutation: Name::new("Mutation"),
            subscription: Name::new("Subscription"),
        };
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return analyzer;
        };
        for definition in doc.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let roots = schema.node;
                    let set = |root: &mut Name, name: Option<Positioned<Name>>| {
                        if let Some(name) = name {
                            *root = name.node;
                        }
                    };
                    set(&mut analyzer.query, roots.query);
                    set(&mut analyzer.mutation, roots.mutation);
                    set(&mut analyzer.subscription, roots.subscription);
                }
                TypeSystemDefinition::Type(ty) => {
                    let fields = match ty.node.kind {
                        TypeKind::Object(o) => o.fields,
                        TypeKind::Interface(i) => i.fields,
                        _ => continue,
                    };
                    let known = analyzer.fields.entry(ty.node.name.node).or_default();
                    for f in fields {
                        known.insert(f.node.name.node, named(&f.node.ty.node).clone());
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        analyzer
    }

    /// Checks the operation that would run (by name, or the only one) and returns what it
    /// measured; every other operation and fragment of the document must be within the
    /// limits too (see the module doc).
    pub fn check(
        &self,
        doc: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
        limits: &QueryLimits,
    ) -> Result<Cost, Violation> {
        let selected = selected_operation(doc, operation_name);
        let mut cost = Cost::default();
        let mut measured = HashSet::new();
        if let Some(op) = selected {
            let mut walk = Walk::new(self, doc, limits, variables, &op.node.variable_definitions);
            cost = walk.operation(op, "the operation")?;
            measured.extend(walk.measured.into_keys());
        }
        let mut others: Vec<_> = (doc.operations.iter())
            .filter(|(_, op)| !selected.is_some_and(|s| std::ptr::eq(s, *op)))
            .collect();
        others.sort_by_key(|(_, op)| op.pos);
        let mut walk = Walk::new(self, doc, limits, variables, &[]);
        for (name, op) in others {
            let name = name.map_or("(anonymous)".into(), |n| format!("`{n}`"));
            let what = format!(
                "operation {name}, which async-graphql validates though it will not run it,"
            );
            walk.operation(op, &what)?;
        }
        // Those the running operation spreads were measured with its variables' defaults.
        let mut fragments: Vec<_> = (doc.fragments.iter())
            .filter(|(name, _)| !measured.contains(name.as_str()))
            .collect();
        fragments.sort_by_key(|(_, f)| f.pos);
        for (name, fragment) in fragments {
            walk.standalone(name, fragment)?;
        }
        Ok(cost)
    }

    /// The named type of `field` on `ty`, if the SDL has both.
    fn field_type(&self, ty: Option<&str>, field: &str) -> Option<&str> {
        self.fields.get(ty?)?.get(field).map(Name::as_str)
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.query,
            OperationType::Mutation => &self.mutation,
            OperationType::Subscription => &self.subscription,
        }
    }
}

/// The type named by `ty`, through lists and non-null.
fn named(mut ty: &Type) -> &Name {
    loop {
        match &ty.base {
            BaseType::Named(name) => return name,
            BaseType::List(inner) => ty = inner,
        }
    }
}

/// The operation async-graphql would run: the one named, or the only one.
fn selected_operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), None) => Some(op),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// What a selection set adds up to, fragments inlined. Counts saturate.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    complexity: u64,
    aliases: usize,
    /// Fields at this set's level, fragments inlined.
    fields: usize,
    /// Levels of selection sets, this one counting 1 (0 for a leaf field's empty set).
    depth: usize,
    /// Fragments nested along the deepest path inside, spreads and inline fragments alike.
    nesting: usize,
}

impl Tally {
    /// Adds a fragment's tally, whose fields are at this set's level.
    fn inline(&mut self, f: Tally) {
        self.complexity = self.complexity.saturating_add(f.complexity);
        self.aliases = self.aliases.saturating_add(f.aliases);
        self.fields = self.fields.saturating_add(f.fields);
        self.depth = self.depth.max(f.depth);
        self.nesting = self.nesting.max(f.nesting.saturating_add(1));
    }
}

/// Where a selection set sits: its depth (the root's is 1) and how many fragments, spread or
/// inline, enclose it.
#[derive(Debug, Clone, Copy)]
struct At {
    level: usize,
    nesting: usize,
}

impl At {
    const ROOT: At = At {
        level: 1,
        nesting: 0,
    };

    /// A field's selection set.
    fn below(self) -> At {
        At {
            level: self.level.saturating_add(1),
            ..self
        }
    }

    /// A fragment's selection set, at the same depth.
    fn inside(self) -> At {
        At {
            nesting: self.nesting.saturating_add(1),
            ..self
        }
    }
}

/// One walk over a document under one set of variable values, memoising fragments.
struct Walk<'a> {
    analyzer: &'a Analyzer,
    doc: &'a ExecutableDocument,
    limits: &'a QueryLimits,
    variables: &'a Variables,
    /// The declared variables whose defaults apply (the running operation's).
    definitions: &'a [Positioned<VariableDefinition>],
    measured: HashMap<&'a str, Tally>,
    /// The fragments being measured, outermost first: a spread of one of them is a cycle.
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn new(
        analyzer: &'a Analyzer,
        doc: &'a ExecutableDocument,
        limits: &'a QueryLimits,
        variables: &'a Variables,
        definitions: &'a [Positioned<VariableDefinition>],
    ) -> Self {
        Walk {
            analyzer,
            doc,
            limits,
            variables,
            definitions,
            measured: HashMap::new(),
            open: Vec::new(),
        }
    }

    /// Measures `op` (described as `what` in messages) and holds it to the limits.
    fn operation(
        &mut self,
        op: &'a Positioned<OperationDefinition>,
        what: &str,
    ) -> Result<Cost, Violation> {
        let root = self.analyzer.root(op.node.ty);
        let t = self.selection_set(Some(root), &op.node.selection_set, At::ROOT)?;
        let cost = Cost {
            depth: t.depth,
            complexity: t.complexity,
            aliases: t.aliases,
            root_fields: t.fields,
        };
        let pos = Some(op.pos);
        self.within_complexity(cost.complexity, what, pos)?;
        self.within_aliases(cost.aliases, what, pos)?;
        let (fields, max) = (wide(cost.root_fields), wide(self.limits.max_root_fields));
        at_most(TOO_MANY_ROOT_FIELDS, fields, max, pos, |fields, max| {
            format!(
                "{what} selects {fields} root fields (fragments included), above the limit of \
                 {max}; split the query into several requests"
            )
        })?;
        Ok(cost)
    }

    /// Measures a fragment definition on its own, as if spread at the root: async-graphql
    /// validates it whether or not an operation spreads it.
    fn standalone(
        &mut self,
        name: &'a Name,
        fragment: &'a Positioned<FragmentDefinition>,
    ) -> Result<(), Violation> {
        let t = self.fragment(name, fragment.pos, At::ROOT.inside())?;
        let what = format!("fragment `{name}` on its own");
        self.within_complexity(t.complexity, &what, Some(fragment.pos))?;
        self.within_aliases(t.aliases, &what, Some(fragment.pos))
    }

    fn within_aliases(
        &self,
        aliases: usize,
        what: &str,
        pos: Option<Pos>,
    ) -> Result<(), Violation> {
        let (aliases, max) = (wide(aliases), wide(self.limits.max_aliases));
        at_most(TOO_MANY_ALIASES, aliases, max, pos, |aliases, max| {
            format!(
                "{what} has {aliases} aliased fields (fragments counted at each spread), above \
                 the limit of {max}; fetch many entities with one `nodes(ids:)` field, or split \
                 the query into several requests"
            )
        })
    }

    fn within_complexity(
        &self,
        complexity: u64,
        what: &str,
        pos: Option<Pos>,
    ) -> Result<(), Violation> {
        let max = self.limits.max_complexity;
        at_most(QUERY_TOO_COMPLEX, complexity, max, pos, |cost, max| {
            format!(
                "{what} has an estimated cost of {cost}, above the limit of {max} (each field \
                 costs 1, and a connection multiplies the cost of its selection by its page \
                 size, `first` or `last`, {DEFAULT_PAGE} when not given); ask for smaller pages, \
                 nest fewer connections, or split the query"
            )
        })
    }

    /// Tallies `set`, whose fields belong to type `ty` (when known).
    fn selection_set(
        &mut self,
        ty: Option<&'a str>,
        set: &'a Positioned<SelectionSet>,
        at: At,
    ) -> Result<Tally, Violation> {
        let mut t = Tally {
            depth: 1,
            ..Tally::default()
        };
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    let f = self.field(ty, field, at)?;
                    t.complexity = t.complexity.saturating_add(f.complexity);
                    t.aliases = t.aliases.saturating_add(f.aliases);
                    t.fields = t.fields.saturating_add(1);
                    t.depth = t.depth.max(f.depth.saturating_add(1));
                    t.nesting = t.nesting.max(f.nesting);
                }
                Selection::InlineFragment(inline) => {
                    self.within_nesting(at.inside().nesting, selection.pos)?;
                    let on = inline.node.type_condition.as_ref();
                    let ty = on.map(|c| c.node.on.node.as_str()).or(ty);
                    let set = &inline.node.selection_set;
                    t.inline(self.selection_set(ty, set, at.inside())?);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    t.inline(self.fragment(name, spread.pos, at.inside())?);
                }
            }
        }
        Ok(t)
    }

    /// Tallies one field of a selection set at `at`: `depth` and `nesting` are those of its
    /// own selection set.
    fn field(
        &mut self,
        ty: Option<&'a str>,
        field: &'a Positioned<Field>,
        at: At,
    ) -> Result<Tally, Violation> {
        let name = field.node.name.node.as_str();
        if !self.limits.introspection && (name == "__schema" || name == "__type") {
            return Err(Violation {
                code: INTROSPECTION_DISABLED,
                message: format!(
                    "introspection is disabled on this server, so `{name}` cannot be queried \
                     (`__typename` still can); use the published schema instead"
                ),
                pos: Some(field.pos),
                maximum: None,
            });
        }
        let field_ty = self.analyzer.field_type(ty, name);
        let multiplier = self.multiplier(ty, field_ty, &field.node)?;
        let set = &field.node.selection_set;
        let mut t = Tally::default();
        if !set.node.items.is_empty() {
            let below = at.below();
            if below.level > self.limits.max_depth {
                let what = format!("the selection of `{name}` is at");
                return Err(self.too_deep(&what, below.level, field.pos));
            }
            t = self.selection_set(field_ty, set, below)?;
        }
        t.complexity = multiplier.saturating_mul(t.complexity).saturating_add(1);
        if field.node.alias.is_some() {
            t.aliases = t.aliases.saturating_add(1);
        }
        Ok(t)
    }

    /// The tally of fragment `name` spread at `pos`, its selection set at `at`, measured once
    /// per walk; a zero tally for an unknown fragment (async-graphql reports it).
    fn fragment(&mut self, name: &'a str, pos: Pos, at: At) -> Result<Tally, Violation> {
        if let Some(t) = self.measured.get(name).copied() {
            // Measured elsewhere: its depth and nesting still count from here.
            let depth = at.level.saturating_add(t.depth).saturating_sub(1);
            if depth > self.limits.max_depth {
                let what = format!("spread here, fragment `{name}` reaches");
                return Err(self.too_deep(&what, depth, pos));
            }
            self.within_nesting(at.nesting.saturating_add(t.nesting), pos)?;
            return Ok(t);
        }
        if let Some(start) = self.open.iter().position(|open| *open == name) {
            let through: Vec<String> = (self.open.iter().skip(start + 1))
                .map(|f| format!("`{f}`"))
                .collect();
            let how = if through.is_empty() {
                String::new()
            } else {
                format!(" through {}", through.join(", "))
            };
            return Err(Violation {
                code: GRAPHQL_VALIDATION_FAILED,
                message: format!(
                    "fragment `{name}` spreads itself{how}; a fragment must not spread \
                     itself, directly or through other fragments: remove the spread at this \
                     position"
                ),
                pos: Some(pos),
                maximum: None,
            });
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Ok(Tally::default());
        };
        self.within_nesting(at.nesting, pos)?;
        let on = Some(fragment.node.type_condition.node.on.node.as_str());
        self.open.push(name);
        let t = self.selection_set(on, &fragment.node.selection_set, at);
        self.open.pop();
        let t = t?;
        self.measured.insert(name, t);
        Ok(t)
    }

    fn too_deep(&self, what: &str, depth: usize, pos: Pos) -> Violation {
        let max = self.limits.max_depth;
        Violation::over(
            QUERY_TOO_DEEP,
            max,
            Some(pos),
            format!(
                "{what} depth {depth} (the root selection set is depth 1, fragments inlined), \
                 above the limit of {max}; select less deeply nested data, or fetch the inner \
                 objects in another request with `node(id:)`"
            ),
        )
    }

    /// Bounds the walk's recursion through fragments, which add no depth.
    fn within_nesting(&self, nesting: usize, pos: Pos) -> Result<(), Violation> {
        let (nesting, max) = (wide(nesting), wide(self.limits.max_depth));
        at_most(QUERY_TOO_DEEP, nesting, max, Some(pos), |nesting, max| {
            format!(
                "fragments (spreads and inline fragments) nest {nesting} deep here, one inside \
                 another; at most {max} may: spread fewer fragments inside one another"
            )
        })
    }

    /// What a field multiplies its selection's cost by: its page for a connection, the
    /// number of ids for the root `nodes`, else 1. Refuses pages above the limit.
    fn multiplier(
        &self,
        parent: Option<&str>,
        field_ty: Option<&str>,
        field: &Field,
    ) -> Result<u64, Violation> {
        let name = field.name.node.as_str();
        if field_ty.is_some_and(|t| t.ends_with("Connection")) {
            let first = self.page_argument(field, "first")?;
            let last = self.page_argument(field, "last")?;
            let page = match (first, last) {
                (Some(f), Some(l)) => f.min(l),
                (Some(n), None) | (None, Some(n)) => n,
                (None, None) => DEFAULT_PAGE as u64,
            };
            return Ok(page.max(1));
        }
        if name == "nodes" && parent == Some(self.analyzer.query.as_str()) {
            let ids = match self.argument(field, "ids") {
                Some((Value::List(ids), _)) => ids.len(),
                Some((Value::Null, _)) | None => 0,
                Some(_) => 1,
            };
            return Ok(u64::try_from(ids).unwrap_or(u64::MAX).max(1));
        }
        Ok(1)
    }

    /// `first` or `last` as a page size (negative as 0), refused above `max_page_size`; `None`
    /// when absent, null or not an integer (async-graphql reports the latter).
    fn page_argument(&self, field: &Field, arg: &str) -> Result<Option<u64>, Violation> {
        let Some((Value::Number(n), pos)) = self.argument(field, arg) else {
            return Ok(None);
        };
        let Some(size) = n.as_i64() else {
            return Ok(None);
        };
        let size = u64::try_from(size).unwrap_or(0);
        let max = self.limits.max_page_size;
        if size > u64::try_from(max).unwrap_or(u64::MAX) {
            return Err(Violation::over(
                PAGE_SIZE_TOO_LARGE,
                max,
                Some(pos),
                format!(
                    "`{arg}: {size}` on `{}` is above the maximum page size of {max}; ask for \
                     at most {max} and follow `pageInfo.endCursor` with `after`",
                    field.name.node
                ),
            ));
        }
        Ok(Some(size))
    }

    /// The value of argument `arg`, variables resolved (the request's value, else the running
    /// operation's declared default, else null), and its position.
    fn argument(&self, field: &Field, arg: &str) -> Option<(Value, Pos)> {
        let value = field.get_argument(arg)?;
        let resolved = value.node.clone().into_const_with(|var| {
            let given = self.variables.get(&var).cloned();
            Ok::<_, Infallible>(
                given
                    .or_else(|| self.default_of(&var))
                    .unwrap_or(Value::Null),
            )
        });
        match resolved {
            Ok(v) => Some((v, value.pos)),
            Err(never) => match never {},
        }
    }

    fn default_of(&self, var: &str) -> Option<Value> {
        let def = self.definitions.iter().find(|d| d.node.name.node == var)?;
        def.node.default_value.as_ref().map(|v| v.node.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    use async_graphql::parser::parse_query;

    use super::*;

    fn analyzer() -> &'static Analyzer {
        static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
        ANALYZER.get_or_init(|| Analyzer::from_sdl(&crate::api::sdl()))
    }

    /// Both stages, as the HTTP handler runs them.
    fn run(
        query: &str,
        op: Option<&str>,
        vars: &str,
        limits: &QueryLimits,
    ) -> Result<Cost, Violation> {
        precheck(query, limits)?;
        let doc = parse_query(query).expect("the test query parses");
        let vars = Variables::from_json(serde_json::from_str(vars).expect("JSON variables"));
        analyzer().check(&doc, op, &vars, limits)
    }

    fn cost(query: &str) -> Cost {
        run(query, None, "{}", &QueryLimits::default()).expect("within the default limits")
    }

    #[track_caller]
    fn says(v: &Violation, start: &str) {
        assert!(v.message.starts_with(start), "{}", v.message);
    }

    fn refusal(query: &str) -> Violation {
        run(query, None, "{}", &QueryLimits::default()).expect_err("refused")
    }

    /// `fragment F0 { ...F1 x width } ... F<levels> { __typename }`: width^levels fields.
    fn laughs(width: usize, levels: usize) -> String {
        let mut doc = String::new();
        for i in 0..levels {
            let spreads = format!("...F{} ", i + 1).repeat(width);
            doc.push_str(&format!("fragment F{i} on Query {{ {spreads}}}\n"));
        }
        doc + &format!("fragment F{levels} on Query {{ __typename }}\n")
    }

    #[test]
    fn the_analyzer_knows_the_schema() {
        let a = analyzer();
        assert_eq!(a.root(OperationType::Query), "Query");
        assert_eq!(a.field_type(Some("Query"), "nodes"), Some("Node"));
        assert_eq!(
            a.field_type(Some("Organization"), "funds"),
            Some("NodeRelationConnection")
        );
        assert_eq!(a.field_type(Some("Node"), "id"), Some("ID"));
        assert_eq!(
            PAGE_SIZE_TOO_LARGE,
            super::super::error::Code::PageSizeTooLarge.as_str()
        );
    }

    #[test]
    fn costs_follow_the_documented_model() {
        let cases = [
            ("{ __typename }", 1, 1),
            ("{ stats { nodeCount } }", 2, 2),
            ("{ organizations { nodes { id } } }", 1 + 20 * 2, 3),
            ("{ organizations(last: 5) { nodes { id } } }", 1 + 5 * 2, 3),
            (
                "{ organizations(first: 7, last: 3) { nodes { id } } }",
                1 + 3 * 2,
                3,
            ),
            ("{ organizations(first: 0) { totalCount } }", 1 + 1, 2),
            (
                "{ organizations(first: 10) { nodes { id funds { totalCount } } } }",
                231,
                4,
            ),
            ("{ nodes(ids: [\"a\", \"b\", \"c\"]) { id } }", 1 + 3, 2),
            ("{ search(query: \"x\") { nodes { id } } }", 1 + 20 * 2, 3),
            ("{ ...Unknown bogus(first: 1000) { x } }", 2, 2),
            (
                "{ paths(from: \"a\", to: \"b\", first: 50) { nodes { id } } }",
                3,
                3,
            ),
            (
                "{ node(id: \"x\") { ... on Organization { funds(first: 2) { totalCount } } } }",
                1 + (1 + 2),
                3,
            ),
            (
                "{ node(id: \"x\") { ...F } }
                 fragment F on Organization { funds(first: 2) { totalCount } }",
                1 + (1 + 2),
                3,
            ),
        ];
        for (query, complexity, depth) in cases {
            let c = cost(query);
            assert_eq!((c.complexity, c.depth), (complexity, depth), "{query}");
        }
        let c = cost(
            "{ a: __typename ...F } fragment F on Query { b: __typename stats { k: nodeCount } }",
        );
        assert_eq!((c.aliases, c.root_fields), (3, 3));
    }

    #[test]
    fn every_playground_query_passes_the_defaults_with_headroom() {
        let limits = QueryLimits::default();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/playground");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("playground/")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
            .collect();
        files.sort();
        assert!(files.len() >= 20, "{files:?}");
        for path in files {
            let query = std::fs::read_to_string(&path).expect("readable");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let c = run(&query, None, "{}", &limits).unwrap_or_else(|v| panic!("{name:?}: {v:?}"));
            println!(
                "{:<45} complexity {:>6}  depth {:>2}  aliases {}  root fields {}",
                name.unwrap_or_default(),
                c.complexity,
                c.depth,
                c.aliases,
                c.root_fields
            );
            assert!(c.complexity * 2 <= limits.max_complexity, "{path:?}: {c:?}");
        }
    }

    #[test]
    fn graphiql_introspection_passes_at_depth_fifteen() {
        let type_ref = format!(
            "kind name {}{}",
            "ofType { kind name ".repeat(9),
            "}".repeat(9)
        );
        let query = format!(
            "query IntrospectionQuery {{ __schema {{ queryType {{ name }} mutationType {{ name }} \
             subscriptionType {{ name }} types {{ ...FullType }} directives {{ name description \
             isRepeatable locations args(includeDeprecated: true) {{ ...InputValue }} }} }} }}
             fragment FullType on __Type {{ kind name description specifiedByURL \
             fields(includeDeprecated: true) {{ name description args(includeDeprecated: true) \
             {{ ...InputValue }} type {{ ...TypeRef }} isDeprecated deprecationReason }} \
             inputFields(includeDeprecated: true) {{ ...InputValue }} interfaces {{ ...TypeRef }} \
             enumValues(includeDeprecated: true) {{ name description isDeprecated \
             deprecationReason }} possibleTypes {{ ...TypeRef }} }}
             fragment InputValue on __InputValue {{ name description type {{ ...TypeRef }} \
             defaultValue isDeprecated deprecationReason }}
             fragment TypeRef on __Type {{ {type_ref} }}"
        );
        let c = cost(&query);
        println!("GraphiQL introspection: {c:?}");
        assert_eq!(c.depth, 15);
    }

    #[test]
    fn precheck_refuses_a_large_document() {
        let query = format!("{{ __typename }} # {}", "x".repeat(70_000));
        let v = refusal(&query);
        assert_eq!((v.code, v.maximum), (DOCUMENT_TOO_LARGE, Some(65_536)));
        says(
            &v,
            "the document is 70017 bytes, above the limit of 65536 bytes; send a shorter query",
        );
    }

    #[test]
    fn precheck_refuses_ten_thousand_nested_selections_fast() {
        let query = format!("{}{}", "{ a ".repeat(10_000), "}".repeat(10_000));
        let start = Instant::now();
        let v = precheck(&query, &QueryLimits::default()).expect_err("too deep");
        assert!(start.elapsed() < Duration::from_millis(100));
        assert_eq!((v.code, v.maximum), (QUERY_TOO_DEEP, Some(25)));
        assert_eq!(v.pos, Some(Pos::from((1, 101))));
        let expected = "this `{` opens level 26 of nested braces, parentheses and brackets; at most \
                    25 are allowed (15 levels of selections, plus 10 for arguments and input \
                    values): select less deeply nested data, or split the query";
        assert_eq!(v.message, expected);
    }

    #[test]
    fn precheck_refuses_deeply_nested_argument_values() {
        // async-graphql-parser builds these recursively without bound: ~1,800 levels
        // overflow a 2 MiB stack and abort the process.
        let query = format!(
            "{{ search(query: {}\"x\"{}) {{ totalCount }} }}",
            "[".repeat(2_000),
            "]".repeat(2_000)
        );
        let v = precheck(&query, &QueryLimits::default()).expect_err("too deep");
        assert_eq!((v.code, v.pos), (QUERY_TOO_DEEP, Some(Pos::from((1, 40)))));
        says(&v, "this `[` opens level 26");
    }

    #[test]
    fn precheck_skips_strings_block_strings_and_comments() {
        let deep = "{[(".repeat(20);
        let query = format!(
            "# {deep}\n{{ search(query: \"{deep} \\\" {deep}\") {{ totalCount }}\r\n\
             a: search(query: \"\"\"{deep} \\\"\"\" {deep}\"\"\") {{ totalCount }} }}"
        );
        assert_eq!(precheck(&query, &QueryLimits::default()), Ok(()));
        assert_eq!(cost(&query).root_fields, 2);
    }

    #[test]
    fn analysis_refuses_selections_deeper_than_the_limit() {
        let nested = |n: usize| {
            format!(
                "{{ node(id: \"x\") {}{}{} }}",
                "{ ... on Organization { parent ".repeat(n),
                "{ id }",
                " } }".repeat(n)
            )
        };
        assert_eq!(cost(&nested(6)).depth, 8);
        let limits = QueryLimits {
            max_depth: 7,
            ..QueryLimits::default()
        };
        let v = run(&nested(6), None, "{}", &limits).expect_err("too deep");
        assert_eq!((v.code, v.maximum), (QUERY_TOO_DEEP, Some(7)));
        let expected = "the selection of `parent` is at depth 8 (the root selection set is depth 1, \
                    fragments inlined), above the limit of 7; select less deeply nested data, \
                    or fetch the inner objects in another request with `node(id:)`";
        assert_eq!(v.message, expected);
        // Through a fragment measured first where it fits, then spread deeper.
        let query =
            "{ ...P node(id: \"x\") { ... on Organization { parent { parent { ...P } } } } }
                     fragment P on Query { stats { kinds { kind } } }";
        let limits = QueryLimits {
            max_depth: 5,
            ..QueryLimits::default()
        };
        let v = run(query, None, "{}", &limits).expect_err("too deep");
        assert_eq!(v.code, QUERY_TOO_DEEP);
        says(&v, "spread here, fragment `P` reaches depth 6");
    }

    #[test]
    fn analysis_refuses_an_expensive_query() {
        let v = refusal(
            "{ organizations(first:100){ nodes { funds(first:100){ nodes { ... on Project { \
             countries(first:100) { nodes { id } } } } } } } }",
        );
        assert_eq!(
            (v.code, v.maximum),
            (
                QUERY_TOO_COMPLEX,
                Some(QueryLimits::default().max_complexity)
            )
        );
        says(
            &v,
            "the operation has an estimated cost of 2020201, above the limit of",
        );
        assert!(v.message.contains("ask for smaller pages"), "{}", v.message);
    }

    #[test]
    fn ten_thousand_aliases_are_refused() {
        let query = format!(
            "{{ {} }}",
            (0..10_000)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let v = refusal(&query);
        assert_eq!(v.code, DOCUMENT_TOO_LARGE);
        let limits = QueryLimits {
            max_document_bytes: 1 << 20,
            ..QueryLimits::default()
        };
        let v = run(&query, None, "{}", &limits).expect_err("too many aliases");
        assert_eq!((v.code, v.maximum), (TOO_MANY_ALIASES, Some(30)));
        let expected = "the operation has 10000 aliased fields (fragments counted at each spread), \
                    above the limit of 30; fetch many entities with one `nodes(ids:)` field, or \
                    split the query into several requests";
        assert_eq!(v.message, expected);
        // Aliases in a fragment count at each spread.
        let v = refusal(
            "{ ...A ...A ...A } fragment A on Query { a: __typename b: __typename c: __typename \
             d: __typename e: __typename f: __typename g: __typename h: __typename \
             i: __typename j: __typename k: __typename }",
        );
        says(&v, "the operation has 33 aliased fields");
    }

    #[test]
    fn too_many_root_fields_are_refused() {
        let v = refusal(&format!("{{ {} }}", "__typename ".repeat(21)));
        assert_eq!((v.code, v.maximum), (TOO_MANY_ROOT_FIELDS, Some(20)));
        let expected = "the operation selects 21 root fields (fragments included), above the limit \
                    of 20; split the query into several requests";
        assert_eq!(v.message, expected);
    }

    #[test]
    fn page_sizes_above_the_limit_are_refused_literal_or_variable() {
        let limits = QueryLimits::default();
        let v = refusal("{ organizations(first: 1000000) { totalCount } }");
        assert_eq!(
            (v.code, v.maximum, v.pos),
            (PAGE_SIZE_TOO_LARGE, Some(100), Some(Pos::from((1, 24))))
        );
        assert_eq!(
            v.message,
            "`first: 1000000` on `organizations` is above the maximum page size of 100; ask \
             for at most 100 and follow `pageInfo.endCursor` with `after`"
        );
        let query =
            "query Q($n: Int) { organizations { nodes { funds(last: $n) { totalCount } } } }";
        let v = run(query, None, r#"{"n": 1000000}"#, &limits).expect_err("too large");
        assert_eq!(v.code, PAGE_SIZE_TOO_LARGE);
        says(&v, "`last: 1000000` on `funds`");
        let c = run(query, None, r#"{"n": 3}"#, &limits).expect("fits");
        assert_eq!(c.complexity, 1 + 20 * (1 + (1 + 3)));
        let query = "query Q($n: Int = 1000000) { organizations(first: $n) { totalCount } }";
        assert_eq!(
            run(query, None, "{}", &limits).map_err(|v| v.code),
            Err(PAGE_SIZE_TOO_LARGE)
        );
        assert_eq!(
            run(query, None, r#"{"n": 50}"#, &limits).map(|c| c.complexity),
            Ok(51)
        );
        // Non-connection `first`s have their own bounds.
        assert_eq!(
            cost("{ donorNetwork(first: 500) { linkCount } }").complexity,
            2
        );
    }

    #[test]
    fn introspection_can_be_turned_off_but_typename_stays() {
        let off = QueryLimits {
            introspection: false,
            ..QueryLimits::default()
        };
        let v = run("{ __schema { types { name } } }", None, "{}", &off).expect_err("off");
        assert_eq!(
            (v.code, v.pos, v.maximum),
            (INTROSPECTION_DISABLED, Some(Pos::from((1, 3))), None)
        );
        assert_eq!(
            v.message,
            "introspection is disabled on this server, so `__schema` cannot be queried \
             (`__typename` still can); use the published schema instead"
        );
        let v = run(
            "{ ...T } fragment T on Query { __type(name: \"Query\") { name } }",
            None,
            "{}",
            &off,
        )
        .expect_err("off");
        assert_eq!(v.code, INTROSPECTION_DISABLED);
        assert_eq!(
            run("{ __typename }", None, "{}", &off).map(|c| c.complexity),
            Ok(1)
        );
        assert!(
            run(
                "{ __schema { types { name } } }",
                None,
                "{}",
                &QueryLimits::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let v = refusal(
            "{ ...A } fragment A on Query { stats { nodeCount } ...B }
             fragment B on Query { ...A }",
        );
        assert_eq!(
            (v.code, v.maximum, v.pos),
            (GRAPHQL_VALIDATION_FAILED, None, Some(Pos::from((2, 36))))
        );
        assert_eq!(
            v.message,
            "fragment `A` spreads itself through `B`; a fragment must not spread itself, \
             directly or through other fragments: remove the spread at this position"
        );
        let v = refusal("{ __typename } fragment A on Query { ...A }");
        says(&v, "fragment `A` spreads itself; ");
    }

    #[test]
    fn billion_laughs_are_refused_in_microseconds() {
        let start = Instant::now();
        let v = refusal(&format!("{{ ...F0 }}\n{}", laughs(10, 10)));
        assert!(
            start.elapsed() < Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(v.code, QUERY_TOO_COMPLEX);
        says(&v, "the operation has an estimated cost of 10000000000,");
        // Past u64: the count saturates.
        let limits = QueryLimits {
            max_document_bytes: 1 << 20,
            max_depth: 40,
            ..QueryLimits::default()
        };
        let v = run(
            &format!("{{ ...F0 }}\n{}", laughs(10, 30)),
            None,
            "{}",
            &limits,
        )
        .expect_err("refused");
        says(
            &v,
            &format!("the operation has an estimated cost of {},", u64::MAX),
        );
        // In an operation that would not run, and in a fragment no operation spreads.
        let query = format!(
            "query A {{ __typename }}\nquery B {{ ...F0 }}\n{}",
            laughs(10, 10)
        );
        let v = run(&query, Some("A"), "{}", &QueryLimits::default()).expect_err("refused");
        says(
            &v,
            "operation `B`, which async-graphql validates though it will not run it, has an \
                 estimated cost of 10000000000,",
        );
        let v = refusal(&format!("{{ __typename }}\n{}", laughs(10, 10)));
        says(
            &v,
            "fragment `F0` on its own has an estimated cost of 10000000000,",
        );
    }

    #[test]
    fn the_named_operation_is_the_one_measured() {
        let query = "query Small { __typename }
                     query Big { organizations(first: 50) { nodes { funds(first: 10) { \
                     totalCount } } } }";
        let limits = QueryLimits::default();
        let measure = |op| run(query, op, "{}", &limits).map(|c| (c.complexity, c.depth));
        assert_eq!(measure(Some("Small")), Ok((1, 1)));
        assert_eq!(measure(Some("Big")), Ok((1 + 50 * (1 + (1 + 10)), 4)));
        assert_eq!(measure(None), Ok((0, 0)));
        assert_eq!(measure(Some("Missing")), Ok((0, 0)));
        assert_eq!(
            run("{ __typename }", Some("Named"), "{}", &limits),
            Ok(Cost::default())
        );
        // Variables' declared defaults are the running operation's.
        let query = "query A($n: Int = 5) { organizations(first: $n) { totalCount } }
                     query B($n: Int = 1000000) { __typename }";
        assert_eq!(
            run(query, Some("A"), "{}", &limits).map(|c| c.complexity),
            Ok(6)
        );
    }

    #[test]
    fn fragment_nesting_is_bounded() {
        let limits = QueryLimits {
            max_depth: 5,
            ..QueryLimits::default()
        };
        let chain: String = (0..8)
            .map(|i| format!("fragment C{i} on Query {{ ...C{} }}\n", i + 1))
            .collect();
        let query = format!("{{ ...C0 }}\n{chain}fragment C8 on Query {{ __typename }}");
        let v = run(&query, None, "{}", &limits).expect_err("too deep");
        assert_eq!((v.code, v.maximum), (QUERY_TOO_DEEP, Some(5)));
        says(
            &v,
            "fragments (spreads and inline fragments) nest 6 deep here",
        );
        assert_eq!(
            run(&query, None, "{}", &QueryLimits::default()).map(|c| c.complexity),
            Ok(1)
        );
    }
}
