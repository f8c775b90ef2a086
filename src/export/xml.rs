//! XML 1.0 writing for the GraphML, GEXF and IATI writers (and the IATI generator): text
//! escaping (markup characters become entities, whitespace that attribute-value normalisation
//! would fold becomes character references, characters XML 1.0 forbids become U+FFFD) and
//! indented tag writers whose attribute values and texts are always escaped.

use std::fmt::{self, Display};
use std::io::{self, Write};

/// Writes `text` escaped for use in an attribute value (double- or single-quoted) or in
/// element content.
pub(crate) fn escape(text: &str, out: &mut impl Write) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            c if is_forbidden(c) => "\u{FFFD}",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[start..i])?;
        out.write_all(replacement.as_bytes())?;
        start = i + c.len_utf8();
    }
    out.write_all(&text.as_bytes()[start..])
}

/// Characters outside XML 1.0's `Char` production (surrogates cannot occur in a `str`).
fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// An attribute: name and value (any `Display`, escaped when written).
pub(crate) type Attr<'a> = (&'a str, &'a dyn Display);

/// Writes `value` escaped, formatting it straight into `out` without an intermediate string.
pub(crate) fn escaped(out: &mut impl Write, value: &dyn Display) -> io::Result<()> {
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
pub(crate) fn attr(out: &mut impl Write, name: &str, value: &dyn Display) -> io::Result<()> {
    write!(out, " {name}=\"")?;
    escaped(out, value)?;
    out.write_all(b"\"")
}

/// Writes the indentation and `<name attrs...`, leaving the tag open for more attributes;
/// finish it with [`OPEN`] or [`EMPTY`].
pub(crate) fn start(
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

pub(crate) const OPEN: &[u8] = b">\n";
pub(crate) const EMPTY: &[u8] = b"/>\n";

/// `<name attrs>` on a line of its own.
pub(crate) fn open(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
) -> io::Result<()> {
    start(out, depth, name, attrs)?;
    out.write_all(OPEN)
}

/// `<name attrs/>` on a line of its own.
pub(crate) fn empty(
    out: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
) -> io::Result<()> {
    start(out, depth, name, attrs)?;
    out.write_all(EMPTY)
}

/// `</name>` on a line of its own.
pub(crate) fn close(out: &mut impl Write, depth: usize, name: &str) -> io::Result<()> {
    writeln!(out, "{:depth$}</{name}>", "")
}

/// `<name attrs>text</name>` on a line of its own.
pub(crate) fn leaf(
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
pub(crate) fn narrative(
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
pub(crate) fn narratives(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_markup_and_keeps_non_ascii() {
        assert_eq!(
            escaped(r#"R&D <"Côte d'Ivoire">"#),
            "R&amp;D &lt;&quot;Côte d&apos;Ivoire&quot;&gt;"
        );
        assert_eq!(escaped("a\tb\r\nc"), "a&#9;b&#13;&#10;c");
        assert_eq!(escaped("plain"), "plain");
    }

    #[test]
    fn replaces_characters_xml_forbids() {
        assert_eq!(
            escaped("a\u{0}b\u{1B}c\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
    }

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
