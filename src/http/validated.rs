//! Validating a document once, not on every request.
//!
//! async-graphql validates every request's document against the schema (its `Strict` mode:
//! 22 rules and three counting visitors), which for the playground's nested query cost as
//! much as a fifth of the server's time. All but one of those rules read only the document
//! and the schema; the exception, `ArgumentsOfCorrectType`, also reads the request's
//! variables, substituting them into every argument that uses one. So a document whose only
//! operation passed strict validation once passes it again with other variables exactly
//! when those arguments still accept the substituted values.
//!
//! [`Prepared`] is what the document cache holds: the parsed document, whether strict
//! validation has passed, and the arguments that use variables ([`Site`]s, with their
//! declared types, found by walking every operation and fragment definition with the
//! schema's registry, as the validator does). A request on a validated document whose
//! variables [`Prepared::variables_fit`] those arguments runs on the schema built with
//! `ValidationMode::Fast` (fragment cycles and the counting visitors only); any other runs
//! on the strict one, which reports whatever is wrong with async-graphql's own messages.
//!
//! [`valid_input`] is a copy of async-graphql 7.2's `is_valid_input_value` (private there),
//! reduced to a yes/no answer; anything it does not know (a type missing from the
//! registry, a directive other than `@skip`/`@include`, an introspection field's argument)
//! makes the document ineligible, never valid by default.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, OutputType, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};

use crate::api::plan::Plan;

/// The registry of the serving schema's types, for [`Prepared::new`].
pub fn registry() -> Registry {
    let mut registry = Registry {
        query_type: <crate::api::Query as OutputType>::type_name().to_string(),
        ..Registry::default()
    };
    <crate::api::Query as OutputType>::create_type_info(&mut registry);
    registry
}

/// An argument that uses a variable: its declared type, and its value as written.
struct Site {
    ty: String,
    value: Value,
}

/// A parsed document, as the document cache holds it.
pub struct Prepared {
    pub doc: ExecutableDocument,
    /// The name of the document's only operation (`None` when anonymous); `eligible` is
    /// false for a document with several operations.
    operation: Option<Name>,
    /// Every argument using a variable, when all could be typed.
    sites: Option<Vec<Site>>,
    /// Strict validation passed once (with some variables).
    validated: AtomicBool,
    /// The plan of its only operation, when the planned executor covers it.
    pub plan: Option<Plan>,
    /// An upper bound of the parsed document's size in memory, in bytes.
    pub weight: usize,
}

impl Prepared {
    /// `text` is the document's text, for [`Prepared::weight`].
    pub fn new(doc: ExecutableDocument, text: &str, registry: &Registry) -> Prepared {
        let operation = match &doc.operations {
            DocumentOperations::Single(_) => Some(None),
            DocumentOperations::Multiple(ops) if ops.len() == 1 => {
                ops.keys().next().map(|name| Some(name.clone()))
            }
            DocumentOperations::Multiple(_) => None,
        };
        let sites = operation.is_some().then(|| sites(&doc, registry)).flatten();
        // Used only once the document has passed validation (`variables_fit`).
        let plan = operation
            .is_some()
            .then(|| Plan::compile(&doc, None))
            .flatten();
        let weight = weight(&doc, text) + plan.as_ref().map_or(0, Plan::weight);
        Prepared {
            doc,
            operation: operation.flatten(),
            sites,
            validated: AtomicBool::new(false),
            plan,
            weight,
        }
    }

    /// Records that the strict schema ran the document (its only operation, under
    /// `operation_name`) without a request error: validation passed.
    pub fn passed_validation(&self, operation_name: Option<&str>) {
        if self.sites.is_some() && self.names_the_operation(operation_name) {
            self.validated.store(true, Ordering::Release);
        }
    }

    fn names_the_operation(&self, operation_name: Option<&str>) -> bool {
        match operation_name {
            None => true,
            Some(name) => self
                .operation
                .as_ref()
                .is_some_and(|op| op.as_str() == name),
        }
    }

    /// Whether this request may skip strict validation: the document passed it, the
    /// request runs its only operation, and every argument using a variable accepts the
    /// value given (a variable not given is not checked, as in strict validation).
    pub fn variables_fit(
        &self,
        registry: &Registry,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> bool {
        if !self.validated.load(Ordering::Acquire) || !self.names_the_operation(operation_name) {
            return false;
        }
        let Some(sites) = &self.sites else {
            return false;
        };
        sites.iter().all(|site| {
            match site
                .value
                .clone()
                .into_const_with(|name| variables.get(&name).cloned().ok_or(()))
            {
                Ok(value) => valid_input(registry, &site.ty, &value, 0),
                // A variable not given: strict validation does not check the argument.
                Err(()) => true,
            }
        })
    }
}

/// An upper bound of a parsed document's size: 40 bytes per byte of text and 400 per node
/// (selection, argument, directive, variable definition, fragment definition). Measured
/// with a counting allocator (async-graphql 7.2.1): the playground's queries take 7 to 18
/// times their text (about 430 bytes a node), and 40 to 60 KB hostile documents up to 163
/// times (20,000 fields: 6.5 MB); each was within this bound.
fn weight(doc: &ExecutableDocument, text: &str) -> usize {
    fn nodes(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| {
                1 + match &s.node {
                    Selection::Field(f) => {
                        f.node.arguments.len()
                            + f.node.directives.len()
                            + nodes(&f.node.selection_set.node)
                    }
                    Selection::InlineFragment(f) => {
                        f.node.directives.len() + nodes(&f.node.selection_set.node)
                    }
                    Selection::FragmentSpread(f) => f.node.directives.len(),
                }
            })
            .sum()
    }
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| {
            1 + op.node.variable_definitions.len()
                + op.node.directives.len()
                + nodes(&op.node.selection_set.node)
        })
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| 1 + f.node.directives.len() + nodes(&f.node.selection_set.node))
        .sum();
    text.len() * 40 + (operations + fragments) * 400
}

fn uses_variables(value: &Value) -> bool {
    match value {
        Value::Variable(_) => true,
        Value::List(items) => items.iter().any(uses_variables),
        Value::Object(fields) => fields.values().any(uses_variables),
        _ => false,
    }
}

/// Whether any argument or directive argument in `set`, at any depth, uses a variable.
fn set_uses_variables(set: &SelectionSet) -> bool {
    let directives = |list: &[Positioned<async_graphql::parser::types::Directive>]| {
        list.iter().any(|d| {
            d.node
                .arguments
                .iter()
                .any(|(_, v)| uses_variables(&v.node))
        })
    };
    set.items.iter().any(|s| match &s.node {
        Selection::Field(f) => {
            f.node
                .arguments
                .iter()
                .any(|(_, v)| uses_variables(&v.node))
                || directives(&f.node.directives)
                || set_uses_variables(&f.node.selection_set.node)
        }
        Selection::InlineFragment(f) => {
            directives(&f.node.directives) || set_uses_variables(&f.node.selection_set.node)
        }
        Selection::FragmentSpread(f) => directives(&f.node.directives),
    })
}

/// Every argument using a variable in every operation and fragment definition, typed with
/// the registry; `None` if one cannot be typed.
fn sites(doc: &ExecutableDocument, registry: &Registry) -> Option<Vec<Site>> {
    let mut out = Vec::new();
    for (_, op) in doc.operations.iter() {
        use async_graphql::parser::types::OperationType;
        if op.node.ty != OperationType::Query {
            return None;
        }
        walk(
            registry,
            &registry.query_type,
            &op.node.selection_set.node,
            &mut out,
        )?;
    }
    for fragment in doc.fragments.values() {
        let on = fragment.node.type_condition.node.on.node.as_str();
        walk(registry, on, &fragment.node.selection_set.node, &mut out)?;
    }
    Some(out)
}

fn directives(
    list: &[Positioned<async_graphql::parser::types::Directive>],
    out: &mut Vec<Site>,
) -> Option<()> {
    for d in list {
        for (_, value) in &d.node.arguments {
            if uses_variables(&value.node) {
                match d.node.name.node.as_str() {
                    "skip" | "include" => out.push(Site {
                        ty: "Boolean!".to_string(),
                        value: value.node.clone(),
                    }),
                    _ => return None,
                }
            }
        }
    }
    Some(())
}

fn walk(registry: &Registry, parent: &str, set: &SelectionSet, out: &mut Vec<Site>) -> Option<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                directives(&field.directives, out)?;
                let name = field.name.node.as_str();
                if name.starts_with("__") {
                    // Introspection fields and their types are not in the registry here:
                    // any variable in one, or below it, makes the document ineligible.
                    if field.arguments.iter().any(|(_, v)| uses_variables(&v.node))
                        || set_uses_variables(&field.selection_set.node)
                    {
                        return None;
                    }
                    continue;
                }
                let meta = registry.types.get(parent)?.field_by_name(name)?;
                for (arg, value) in &field.arguments {
                    if uses_variables(&value.node) {
                        let declared = meta.args.get(arg.node.as_str())?;
                        out.push(Site {
                            ty: declared.ty.clone(),
                            value: value.node.clone(),
                        });
                    }
                }
                if !field.selection_set.node.items.is_empty() {
                    let child = MetaTypeName::concrete_typename(&meta.ty);
                    walk(registry, child, &field.selection_set.node, out)?;
                }
            }
            Selection::InlineFragment(fragment) => {
                let fragment = &fragment.node;
                directives(&fragment.directives, out)?;
                let on = fragment
                    .type_condition
                    .as_ref()
                    .map_or(parent, |t| t.node.on.node.as_str());
                walk(registry, on, &fragment.selection_set.node, out)?;
            }
            // The fragment's own definition is walked once, on its type condition.
            Selection::FragmentSpread(spread) => directives(&spread.node.directives, out)?,
        }
    }
    Some(())
}

/// Whether `value` is valid input for the type written `ty` (`Int!`, `[ID!]`...): async-graphql
/// 7.2's `validation::utils::is_valid_input_value`, answering yes or no. Unknown types and
/// nesting past 64 levels answer no.
fn valid_input(registry: &Registry, ty: &str, value: &ConstValue, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(inner) => match value {
            ConstValue::Null => false,
            _ => valid_input(registry, inner, value, depth + 1),
        },
        MetaTypeName::List(inner) => match value {
            ConstValue::List(items) => items
                .iter()
                .all(|item| valid_input(registry, inner, item, depth + 1)),
            ConstValue::Null => true,
            _ => valid_input(registry, inner, value, depth + 1),
        },
        MetaTypeName::Named(name) => {
            if let ConstValue::Null = value {
                return true;
            }
            match registry.types.get(name) {
                None => false,
                Some(MetaType::Scalar {
                    is_valid: Some(is_valid),
                    ..
                }) => is_valid(value),
                Some(MetaType::Scalar { is_valid: None, .. }) => true,
                Some(MetaType::Enum { enum_values, .. }) => match value {
                    ConstValue::Enum(v) => enum_values.contains_key(v.as_str()),
                    ConstValue::String(v) => enum_values.contains_key(v.as_str()),
                    _ => false,
                },
                Some(MetaType::InputObject {
                    input_fields,
                    oneof,
                    ..
                }) => match value {
                    ConstValue::Object(values) => {
                        if *oneof
                            && (values.len() != 1
                                || values.values().next() == Some(&ConstValue::Null))
                        {
                            return false;
                        }
                        let mut given: HashSet<&str> = values.keys().map(Name::as_str).collect();
                        for field in input_fields.values() {
                            given.remove(field.name.as_str());
                            match values.get(field.name.as_str()) {
                                Some(v) => {
                                    if !valid_input(registry, &field.ty, v, depth + 1) {
                                        return false;
                                    }
                                }
                                None => {
                                    if MetaTypeName::create(&field.ty).is_non_null()
                                        && field.default_value.is_none()
                                    {
                                        return false;
                                    }
                                }
                            }
                        }
                        given.is_empty()
                    }
                    _ => true,
                },
                Some(_) => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(text: &str, registry: &Registry) -> Prepared {
        Prepared::new(
            async_graphql::parser::parse_query(text).unwrap(),
            text,
            registry,
        )
    }

    fn vars(json: serde_json::Value) -> Variables {
        Variables::from_json(json)
    }

    #[test]
    fn only_a_validated_document_with_fitting_variables_skips_validation() {
        let registry = registry();
        let p = prepared(
            "query Q($id: ID!, $n: Int) { node(id: $id) { ... on Organization { \
             fundedProjects(first: $n) { totalCount } } } }",
            &registry,
        );
        let good = vars(serde_json::json!({"id": "org:mhlw", "n": 3}));
        assert!(
            !p.variables_fit(&registry, None, &good),
            "not validated yet"
        );
        p.passed_validation(Some("Q"));
        assert!(p.variables_fit(&registry, None, &good));
        assert!(p.variables_fit(&registry, Some("Q"), &good));
        assert!(!p.variables_fit(&registry, Some("Other"), &good));
        for bad in [
            serde_json::json!({"id": "org:mhlw", "n": "three"}),
            serde_json::json!({"id": "org:mhlw", "n": 2.5}),
            serde_json::json!({"id": null, "n": 3}),
            serde_json::json!({"id": {"a": 1}}),
        ] {
            assert!(
                !p.variables_fit(&registry, None, &vars(bad.clone())),
                "{bad}"
            );
        }
        // As in async-graphql: an `Int` beyond 32 bits passes validation (and fails when the
        // field runs, as INVALID_ARGUMENT).
        let big = vars(serde_json::json!({"id": "org:mhlw", "n": 4_294_967_296_u64}));
        assert!(p.variables_fit(&registry, None, &big));
        // Not given: strict validation does not look either (execution reports it).
        assert!(p.variables_fit(&registry, None, &vars(serde_json::json!({}))));
    }

    #[test]
    fn input_objects_enums_and_lists_are_checked_like_async_graphql_does() {
        let registry = registry();
        let p = prepared(
            "query($w: ProjectWhere, $o: ProjectOrder) { projects(where: $w, orderBy: $o) \
             { totalCount } }",
            &registry,
        );
        p.passed_validation(None);
        let fits = |v: serde_json::Value| p.variables_fit(&registry, None, &vars(v));
        assert!(fits(serde_json::json!({"w": {"status": ["ONGOING"]}})));
        assert!(
            fits(serde_json::json!({"w": {"status": "ONGOING"}})),
            "one item for a list"
        );
        assert!(!fits(serde_json::json!({"w": {"status": ["SLEEPING"]}})));
        assert!(!fits(serde_json::json!({"w": {"nope": 1}})));
        assert!(fits(serde_json::json!({"w": null})));
        assert!(
            fits(serde_json::json!({"o": {"field": "TITLE"}})),
            "direction has a default"
        );
        assert!(!fits(serde_json::json!({"o": {}})), "field is required");
    }

    #[test]
    fn documents_it_cannot_type_never_skip_validation() {
        let registry = registry();
        for text in [
            "query A { stats { nodeCount } } query B { stats { edgeCount } }",
            "query($x: Boolean!) { stats @custom(if: $x) { nodeCount } }",
            "query($n: String!) { __type(name: $n) { name } }",
            "query($d: Boolean) { __schema { types { fields(includeDeprecated: $d) { name } } } }",
            "query($n: Int) { nope(first: $n) }",
        ] {
            let p = prepared(text, &registry);
            p.passed_validation(None);
            assert!(
                !p.variables_fit(&registry, None, &Variables::default()),
                "{text}"
            );
        }
        let p = prepared(
            "query($x: Boolean!) { stats @include(if: $x) { nodeCount } }",
            &registry,
        );
        p.passed_validation(None);
        assert!(p.variables_fit(&registry, None, &vars(serde_json::json!({"x": true}))));
        assert!(!p.variables_fit(&registry, None, &vars(serde_json::json!({"x": "yes"}))));
    }
}
