//! GEXF 1.3 for Gephi: typed node and edge attribute declarations, the node label as the
//! node's `label`, edges with ids and the relation type as the 1.3 edge `kind` (so Gephi keeps
//! parallel edges of different types apart) as well as a `type` attribute. Absent values have
//! no `<attvalue>`. Reads back with `networkx.read_gexf` as a `MultiDiGraph`.

use std::io::{self, Write};

use super::xml::escape;
use super::{AttrType, EDGE_ATTRS, Export, NODE_ATTRS, Value};

fn type_name(t: AttrType) -> &'static str {
    match t {
        AttrType::String => "string",
        AttrType::Int => "integer",
        AttrType::Double => "double",
    }
}

/// The node label is the node's own `label`, not an attribute (Gephi reserves the column).
fn is_attribute(name: &str) -> bool {
    name != "label"
}

pub(super) fn write(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
          <gexf xmlns=\"http://gexf.net/1.3\" \
          xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
          xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" \
          version=\"1.3\">\n  <meta>\n    <creator>aidgraph</creator>\n    <description>",
    )?;
    escape(&export.description(), out)?;
    out.write_all(
        b"</description>\n  </meta>\n  <graph defaultedgetype=\"directed\" mode=\"static\">\n",
    )?;
    for (class, attrs) in [("node", NODE_ATTRS), ("edge", EDGE_ATTRS)] {
        writeln!(out, "    <attributes class=\"{class}\" mode=\"static\">")?;
        for (name, t) in attrs.iter().filter(|(n, _)| is_attribute(n)) {
            writeln!(
                out,
                "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>",
                type_name(*t)
            )?;
        }
        out.write_all(b"    </attributes>\n")?;
    }
    out.write_all(b"    <nodes>\n")?;
    for node in export.nodes() {
        out.write_all(b"      <node id=\"")?;
        escape(&node.id, out)?;
        out.write_all(b"\" label=\"")?;
        escape(node.label, out)?;
        out.write_all(b"\">")?;
        write_values(out, NODE_ATTRS, node.values())?;
        out.write_all(b"</node>\n")?;
    }
    out.write_all(b"    </nodes>\n    <edges>\n")?;
    for edge in export.edges() {
        write!(out, "      <edge id=\"{}\" source=\"", edge.id)?;
        escape(&edge.source, out)?;
        out.write_all(b"\" target=\"")?;
        escape(&edge.target, out)?;
        out.write_all(b"\" kind=\"")?;
        escape(&edge.kind, out)?;
        out.write_all(b"\">")?;
        write_values(out, EDGE_ATTRS, edge.values())?;
        out.write_all(b"</edge>\n")?;
    }
    out.write_all(b"    </edges>\n  </graph>\n</gexf>\n")
}

fn write_values<const N: usize>(
    out: &mut impl Write,
    attrs: &[(&str, AttrType)],
    values: [Option<Value<'_>>; N],
) -> io::Result<()> {
    out.write_all(b"<attvalues>")?;
    for ((name, _), value) in attrs.iter().zip(values) {
        let Some(value) = value.filter(|_| is_attribute(name)) else {
            continue;
        };
        write!(out, "<attvalue for=\"{name}\" value=\"")?;
        match value {
            Value::Str(s) => escape(s, out)?,
            other => other.write_text(out)?,
        }
        out.write_all(b"\"/>")?;
    }
    out.write_all(b"</attvalues>")
}
