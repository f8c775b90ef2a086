//! The few XML-writing primitives the IATI generator needs: indented tags whose attribute
//! values and texts are always escaped, and a writer that counts the bytes it passes on.

use std::fmt::{self, Display};
use std::io::{self, Write};

use crate::export::xml::escape;

/// An attribute: name and value (any `Display`, escaped when written).
pub(super) type Attr<'a> = (&'a str, &'a dyn Display);

/// Writes `value` escaped, formatting it straight into `out` without an intermediate string.
pub(super) fn escaped(out: &mut impl Write, value: &dyn Display) -> io::Result<()> {
    struct Escaper<'a, W> {
        out: &'a mut W,
        error: Option<io::Error>,
    }
    impl<W: Write> fmt::Write for Escaper<'_, W> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            escape(s, self.out).map_err(|e| {
                self.error = Some(e);
                fmt::Error
            })
        }
    }
    let mut escaper = Escaper { out, error: None };
    match fmt::write(&mut escaper, format_args!("{value}")) {
        Ok(()) => Ok(()),
        Err(_) => Err(escaper
            .error
            .unwrap_or_else(|| io::Error::other("a value could not be formatted"))),
    }
}

/// Writes ` name="value"`.
pub(super) fn attr(out: &mut impl Write, name: &str, value: &dyn Display) -> io::Result<()> {
    write!(out, " {name}=\"")?;
    escaped(out, value)?;
    out.write_all(b"\"")
}

/// Writes the indentation and `<name attrs...`, leaving the tag open for more attributes;
/// finish it with [`OPEN`] or [`EMPTY`].
pub(super) fn start(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
) -> io::Result<()> {
    write!(out, "{:depth$}<{name}", "")?;
    for (n, v) in attrs {
        attr(out, n, *v)?;
    }
    Ok(())
}

pub(super) const OPEN: &[u8] = b">\n";
pub(super) const EMPTY: &[u8] = b"/>\n";

/// `<name attrs>` on a line of its own.
pub(super) fn open(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
) -> io::Result<()> {
    start(out, depth, name, attrs)?;
    out.write_all(OPEN)
}

/// `<name attrs/>` on a line of its own.
pub(super) fn empty(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
) -> io::Result<()> {
    start(out, depth, name, attrs)?;
    out.write_all(EMPTY)
}

/// `</name>` on a line of its own.
pub(super) fn close(out: &mut impl Write, depth: usize, name: &str) -> io::Result<()> {
    writeln!(out, "{:depth$}</{name}>", "")
}

/// `<name attrs>text</name>` on a line of its own.
pub(super) fn leaf(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
    text: &dyn Display,
) -> io::Result<()> {
    start(out, depth, name, attrs)?;
    out.write_all(b">")?;
    escaped(out, text)?;
    writeln!(out, "</{name}>")
}

/// `<narrative>`, with `xml:lang` when the text is not in the activity's language.
pub(super) fn narrative(
    out: &mut impl Write,
    depth: usize,
    lang: Option<&str>,
    text: &dyn Display,
) -> io::Result<()> {
    match lang {
        Some(lang) => leaf(out, depth, "narrative", &[("xml:lang", &lang)], text),
        None => leaf(out, depth, "narrative", &[], text),
    }
}

/// An element holding only narratives: `<title>`, `<description>`, an organisation.
pub(super) fn narratives(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
    texts: &[(Option<&str>, &dyn Display)],
) -> io::Result<()> {
    open(out, depth, name, attrs)?;
    for (lang, text) in texts {
        narrative(out, depth + 1, *lang, *text)?;
    }
    close(out, depth, name)
}

/// Passes writes on and counts the bytes.
pub(super) struct Counting<W> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_attributes_and_texts() {
        let mut out = Vec::new();
        leaf(
            &mut out,
            2,
            "narrative",
            &[("ref", &"a\"b"), ("n", &3)],
            &format_args!("{} < {}", "R&D", 5),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  <narrative ref=\"a&quot;b\" n=\"3\">R&amp;D &lt; 5</narrative>\n"
        );
    }
}
