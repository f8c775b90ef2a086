//! GraphML: typed `<key>`s for every node and edge attribute, a directed graph with parallel
//! edges, node ids that are global ids and edge ids `e<index>`. Absent values have no `<data>`.
//! Reads back with `networkx.read_graphml` as a `MultiDiGraph`.

use std::io::{self, Write};

use super::xml::escape;
use super::{AttrType, EDGE_ATTRS, Export, NODE_ATTRS, Value};

fn type_name(t: AttrType) -> &'static str {
    match t {
        AttrType::String => "string",
        AttrType::Int => "int",
        AttrType::Double => "double",
    }
}

pub(super) fn write(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
          <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
          xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
          xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
          http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n  <desc>",
    )?;
    escape(&export.description(), out)?;
    out.write_all(b"</desc>\n")?;
    // Node keys are `n_<name>` and edge keys `e_<name>`, so ids stay unique whatever the names.
    for (class, prefix, attrs) in [("node", "n", NODE_ATTRS), ("edge", "e", EDGE_ATTRS)] {
        for (name, t) in attrs {
            writeln!(
                out,
                "  <key id=\"{prefix}_{name}\" for=\"{class}\" attr.name=\"{name}\" attr.type=\"{}\"/>",
                type_name(*t)
            )?;
        }
    }
    out.write_all(b"  <graph id=\"aidgraph\" edgedefault=\"directed\">\n")?;
    for node in export.nodes() {
        out.write_all(b"    <node id=\"")?;
        escape(&node.id, out)?;
        out.write_all(b"\">")?;
        write_data(out, "n", NODE_ATTRS, node.values())?;
        out.write_all(b"</node>\n")?;
    }
    for edge in export.edges() {
        write!(out, "    <edge id=\"{}\" source=\"", edge.id)?;
        escape(&edge.source, out)?;
        out.write_all(b"\" target=\"")?;
        escape(&edge.target, out)?;
        out.write_all(b"\">")?;
        write_data(out, "e", EDGE_ATTRS, edge.values())?;
        out.write_all(b"</edge>\n")?;
    }
    out.write_all(b"  </graph>\n</graphml>\n")
}

fn write_data<const N: usize>(
    out: &mut impl Write,
    prefix: &str,
    attrs: &[(&str, AttrType)],
    values: [Option<Value<'_>>; N],
) -> io::Result<()> {
    for ((name, _), value) in attrs.iter().zip(values) {
        let Some(value) = value else { continue };
        write!(out, "<data key=\"{prefix}_{name}\">")?;
        match value {
            Value::Str(s) => escape(s, out)?,
            other => other.write_text(out)?,
        }
        out.write_all(b"</data>")?;
    }
    Ok(())
}
