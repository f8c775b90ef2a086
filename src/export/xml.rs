//! XML 1.0 text escaping for the GraphML and GEXF writers: markup characters become entities,
//! whitespace that attribute-value normalisation would fold becomes character references, and
//! characters XML 1.0 forbids become U+FFFD.

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
}
