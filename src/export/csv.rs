//! CSV for spreadsheets, pandas and Gephi's spreadsheet import: RFC 4180 quoting, CRLF line
//! ends, UTF-8 without a byte-order mark, absent values as empty cells.
//!
//! `edges.csv` has Gephi's special columns `id`, `source`, `target` and `kind`: Gephi reads a
//! `type` column as the edge direction (anything but `undirected` is directed) and `kind` as
//! the edge type that keeps parallel edges apart, so the relation type is in both.

use std::io::{self, Write};

use super::{EDGE_ATTRS, Export, NODE_ATTRS, Value};

const CRLF: &[u8] = b"\r\n";

pub(super) fn write_nodes(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"id")?;
    for (name, _) in NODE_ATTRS {
        write!(out, ",{name}")?;
    }
    out.write_all(CRLF)?;
    for node in export.nodes() {
        field(&node.id, out)?;
        cells(out, node.values())?;
        out.write_all(CRLF)?;
    }
    Ok(())
}

pub(super) fn write_edges(export: &Export<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"id,source,target,type,kind")?;
    for (name, _) in &EDGE_ATTRS[1..] {
        write!(out, ",{name}")?;
    }
    out.write_all(CRLF)?;
    for edge in export.edges() {
        for text in [&edge.id, &edge.source, &edge.target, &edge.kind] {
            field(text, out)?;
            out.write_all(b",")?;
        }
        field(&edge.kind, out)?;
        let [_, amount, currency] = edge.values();
        cells(out, [amount, currency])?;
        out.write_all(CRLF)?;
    }
    Ok(())
}

/// Writes each value after a comma; absent values as empty cells.
fn cells<const N: usize>(out: &mut impl Write, values: [Option<Value<'_>>; N]) -> io::Result<()> {
    for value in values {
        out.write_all(b",")?;
        match value {
            Some(Value::Str(s)) => field(s, out)?,
            Some(other) => other.write_text(out)?,
            None => {}
        }
    }
    Ok(())
}

/// One text field, quoted when it holds a quote, comma or line break (quotes doubled).
fn field(text: &str, out: &mut impl Write) -> io::Result<()> {
    if !text.contains(['"', ',', '\n', '\r']) {
        return out.write_all(text.as_bytes());
    }
    out.write_all(b"\"")?;
    out.write_all(text.replace('"', "\"\"").as_bytes())?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> String {
        let mut out = Vec::new();
        field(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quotes_only_fields_that_need_it() {
        assert_eq!(quoted("Côte d'Ivoire"), "Côte d'Ivoire");
        assert_eq!(quoted("Health, Labour"), "\"Health, Labour\"");
        assert_eq!(quoted("the \"ILO\""), "\"the \"\"ILO\"\"\"");
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
    }
}
