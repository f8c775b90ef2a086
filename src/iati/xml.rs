//! Streaming XML: quick-xml's pull reader over a `BufReader`, turned into one small element
//! tree per activity (or organisation), each element with its line, column and the raw text
//! a citation can quote.
//!
//! Safety: entities are never expanded. quick-xml reports `&name;` as a `GeneralRef` event and
//! resolves nothing itself; only the five predefined entities and character references are
//! resolved here, anything else is a warning and is dropped. A DOCTYPE that declares entities
//! is refused. Nothing is read but the file itself (no DTD, no external entity, no XInclude).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::model::fold_whitespace;
use crate::seed::{Diagnostic, Loc};

/// An element of the current activity: name, unescaped attributes and text, children, where
/// it starts, and the raw XML a citation quotes.
#[derive(Debug, Default)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// The unescaped text directly inside the element.
    pub text: String,
    pub children: Vec<El>,
    pub loc: Loc,
    /// The raw start tag, or for an element holding only text, the raw element (start tag,
    /// text and end tag), whitespace folded; at most [`MAX_QUOTE`] bytes.
    pub quote: String,
    /// Raw bytes while the element is open (text-only elements), dropped when it closes.
    pub(super) raw: Option<String>,
}

/// The deepest nesting read; IATI elements nest less than 10 deep.
const MAX_DEPTH: usize = 200;

/// The longest raw quote kept; a longer element is quoted by its start tag, cut.
const MAX_QUOTE: usize = 400;

impl El {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text, if any.
    pub fn text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }
}

/// What the reader hands over: a complete element at the depth it was asked to collect, or
/// the root element's start (for its `xml:lang`).
pub enum Item {
    Root(El),
    Element(El),
}

/// Newline offsets of the bytes read so far, shared by the counting reader and the locator.
#[derive(Default)]
struct Lines {
    pending: VecDeque<u64>,
    read: u64,
}

struct Counting<R> {
    inner: R,
    lines: Rc<RefCell<Lines>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        let base = lines.read;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                lines.pending.push_back(base + i as u64);
            }
        }
        lines.read += n as u64;
        Ok(n)
    }
}

/// A pull parser over one file that yields the elements at depth 2 (`iati-activity` under
/// `iati-activities`) one at a time, so memory holds one activity, not the file.
pub struct XmlStream<R: Read> {
    reader: Reader<BufReader<Counting<R>>>,
    lines: Rc<RefCell<Lines>>,
    /// Lines passed so far and the offset of the last newline passed.
    line: usize,
    last_newline: Option<u64>,
    buf: Vec<u8>,
    stack: Vec<El>,
    file: String,
    done: bool,
}

/// A fatal problem: the file is not well-formed XML (or refuses to be read safely).
pub type Fatal = Diagnostic;

impl<R: Read> XmlStream<R> {
    pub fn new(file: String, inner: R) -> Self {
        let lines = Rc::new(RefCell::new(Lines::default()));
        let counting = Counting {
            inner,
            lines: Rc::clone(&lines),
        };
        let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, counting));
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlStream {
            reader,
            lines,
            line: 0,
            last_newline: None,
            buf: Vec::new(),
            stack: Vec::new(),
            file,
            done: false,
        }
    }

    /// Bytes read from the file so far (for the progress bar).
    pub fn bytes_read(&self) -> u64 {
        self.lines.borrow().read
    }

    fn loc(&mut self, offset: u64) -> Loc {
        let mut lines = self.lines.borrow_mut();
        while lines.pending.front().is_some_and(|n| *n < offset) {
            self.last_newline = lines.pending.pop_front();
            self.line += 1;
        }
        let line_start = self.last_newline.map_or(0, |n| n + 1);
        Loc {
            line: self.line + 1,
            col: offset.saturating_sub(line_start) as usize + 1,
        }
    }

    fn fatal(&mut self, offset: u64, message: String, hint: Option<String>) -> Fatal {
        self.done = true;
        let loc = self.loc(offset);
        Diagnostic::error(self.file.clone(), loc, message, hint)
    }

    fn start(
        &mut self,
        e: &BytesStart<'_>,
        empty: bool,
        loc: Loc,
        warn: &mut Vec<Diagnostic>,
    ) -> Result<El, String> {
        let name = std::str::from_utf8(e.name().as_ref())
            .map_err(|_| "an element name is not UTF-8".to_string())?
            .to_string();
        let raw = std::str::from_utf8(e).map_err(|_| format!("<{name}> is not UTF-8"))?;
        let tag = format!("<{raw}{}>", if empty { "/" } else { "" });
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| format!("bad attribute in <{name}>: {err}"))?;
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            match a.unescape_value() {
                Ok(v) => attrs.push((key, v.into_owned())),
                Err(err) => warn.push(Diagnostic::warning(
                    self.file.clone(),
                    loc,
                    format!("attribute `{key}` of <{name}> ignored: {err}"),
                    Some("only &amp; &lt; &gt; &quot; &apos; and character references are read; entities are never expanded".into()),
                )),
            }
        }
        Ok(El {
            name,
            attrs,
            loc,
            quote: cut(&tag),
            raw: (!empty).then_some(tag),
            ..El::default()
        })
    }

    /// The next complete element at depth 2, the root's start, or `None` at the end of the file.
    /// Warnings (dropped entities, an ignored DOCTYPE) are added to `warn`.
    pub fn next(&mut self, warn: &mut Vec<Diagnostic>) -> Result<Option<Item>, Fatal> {
        if self.done {
            return Ok(None);
        }
        loop {
            let offset = self.reader.buffer_position();
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(err) => {
                    let at = self.reader.error_position();
                    return Err(self.fatal(
                        at,
                        format!("malformed XML: {err}"),
                        Some("the file must be well-formed XML; nothing of it is loaded".into()),
                    ));
                }
            };
            match event {
                Event::Start(_) | Event::Empty(_) if self.stack.len() > MAX_DEPTH => {
                    return Err(self.fatal(
                        offset,
                        format!("elements nested over {MAX_DEPTH} deep"),
                        Some("IATI elements nest less than 10 deep".into()),
                    ));
                }
                Event::Start(e) => {
                    let loc = self.loc(offset);
                    let el = self
                        .start(&e, false, loc, warn)
                        .map_err(|m| self.fatal(offset, m, None))?;
                    if self.stack.is_empty() {
                        self.stack.push(El { raw: None, ..el });
                        let root = &self.stack[0];
                        return Ok(Some(Item::Root(El {
                            name: root.name.clone(),
                            attrs: root.attrs.clone(),
                            loc: root.loc,
                            quote: root.quote.clone(),
                            ..El::default()
                        })));
                    }
                    if let Some(parent) = self.stack.last_mut() {
                        parent.raw = None; // not text-only any more
                    }
                    self.stack.push(el);
                }
                Event::Empty(e) => {
                    let loc = self.loc(offset);
                    let el = self
                        .start(&e, true, loc, warn)
                        .map_err(|m| self.fatal(offset, m, None))?;
                    if let Some(parent) = self.stack.last_mut() {
                        parent.raw = None;
                    }
                    if let Some(done) = self.close(el) {
                        return Ok(Some(Item::Element(done)));
                    }
                }
                Event::End(e) => {
                    let Some(mut el) = self.stack.pop() else {
                        return Err(self.fatal(offset, "unexpected end tag".into(), None));
                    };
                    if let Some(raw) = el.raw.take() {
                        let end = format!("</{}>", String::from_utf8_lossy(&e));
                        el.quote = cut(&(raw + &end));
                    }
                    if self.stack.is_empty() {
                        continue; // the root closed; what follows is comments or the end
                    }
                    if let Some(done) = self.close(el) {
                        return Ok(Some(Item::Element(done)));
                    }
                }
                Event::Text(t) => {
                    if self.stack.len() < 2 {
                        continue; // whitespace between activities
                    }
                    let Some(el) = self.stack.last_mut() else {
                        continue;
                    };
                    let raw = std::str::from_utf8(&t).map_err(|_| "text is not UTF-8".to_string());
                    let raw = match raw {
                        Ok(r) => r.to_string(),
                        Err(m) => return Err(self.fatal(offset, m, None)),
                    };
                    match t.xml_content() {
                        Ok(text) => el.text.push_str(&text),
                        Err(err) => return Err(self.fatal(offset, format!("text: {err}"), None)),
                    }
                    if let Some(r) = el.raw.as_mut() {
                        r.push_str(&raw);
                        if r.len() > 4 * MAX_QUOTE {
                            el.quote = cut(r);
                            el.raw = None;
                        }
                    }
                }
                Event::CData(c) => {
                    let Some(el) = self.stack.last_mut() else {
                        continue;
                    };
                    el.text.push_str(&String::from_utf8_lossy(&c));
                    el.raw = None;
                }
                Event::GeneralRef(r) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string)
                        }
                        Err(_) => None,
                    };
                    let loc = self.loc(offset);
                    let Some(el) = self.stack.last_mut() else {
                        continue;
                    };
                    match resolved {
                        Some(text) => {
                            el.text.push_str(&text);
                            if let Some(raw) = el.raw.as_mut() {
                                raw.push_str(&format!("&{name};"));
                            }
                        }
                        None => {
                            el.raw = None;
                            warn.push(Diagnostic::warning(
                                self.file.clone(),
                                loc,
                                format!("entity `&{name};` not expanded: dropped"),
                                Some("only &amp; &lt; &gt; &quot; &apos; and character references are read; entities are never expanded".into()),
                            ));
                        }
                    }
                }
                Event::DocType(d) => {
                    let text = String::from_utf8_lossy(&d);
                    if text.contains("<!ENTITY")
                        || text.contains("SYSTEM")
                        || text.contains("PUBLIC")
                    {
                        return Err(self.fatal(
                            offset,
                            "DOCTYPE with entity declarations or an external DTD: refused".into(),
                            Some("IATI files have no DOCTYPE; aidgraph never expands entities nor reads DTDs".into()),
                        ));
                    }
                    let loc = self.loc(offset);
                    warn.push(Diagnostic::warning(
                        self.file.clone(),
                        loc,
                        "DOCTYPE ignored".into(),
                        Some("IATI files have no DOCTYPE".into()),
                    ));
                }
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(self.fatal(
                                offset,
                                format!("encoding `{enc}` is not supported"),
                                Some("convert the file to UTF-8 (IATI files are UTF-8)".into()),
                            ));
                        }
                    }
                }
                Event::Comment(_) | Event::PI(_) => {
                    if let Some(el) = self.stack.last_mut() {
                        el.raw = None;
                    }
                }
                Event::Eof => {
                    self.done = true;
                    if let Some(open) = self.stack.last() {
                        let (name, loc) = (open.name.clone(), open.loc);
                        let end = self.bytes_read();
                        let at = self.loc(end);
                        return Err(Diagnostic::error(
                            self.file.clone(),
                            at,
                            format!(
                                "the file ends inside <{name}> (opened at line {}, column {}): truncated XML",
                                loc.line, loc.col
                            ),
                            Some("nothing of a truncated file is loaded".into()),
                        ));
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// Attaches a closed element to its parent; hands it over when it is at depth 2.
    fn close(&mut self, el: El) -> Option<El> {
        if self.stack.len() == 1 {
            return Some(el);
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.children.push(el);
        }
        None
    }
}

/// Folds whitespace and keeps at most [`MAX_QUOTE`] bytes (on a character boundary): a prefix
/// of a raw piece of the file is still in the file.
fn cut(raw: &str) -> String {
    let folded = fold_whitespace(raw);
    if folded.len() <= MAX_QUOTE {
        return folded;
    }
    let mut end = MAX_QUOTE;
    while !folded.is_char_boundary(end) {
        end -= 1;
    }
    folded[..end].trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins quick-xml's behaviour this module relies on: a DOCTYPE is handed over as text
    /// (its declarations unread), and `&e;` is a `GeneralRef` event, never the entity's text.
    #[test]
    fn quick_xml_never_expands_entities() {
        let mut reader = Reader::from_str("<!DOCTYPE r [<!ENTITY e \"boom\">]><r>&e;</r>");
        let mut events = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(e) => events.push(e.into_owned()),
                Err(e) => panic!("{e}"),
            }
        }
        assert!(matches!(&events[0], Event::DocType(_)));
        assert!(matches!(&events[2], Event::GeneralRef(r) if &**r == b"e"));
        let boom = |b: &[u8]| b.windows(4).any(|w| w == b"boom");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if boom(t)))
        );
    }

    #[test]
    fn quotes_are_raw_and_cut_on_a_character_boundary() {
        let mut warn = Vec::new();
        let xml = "<iati-activities>\n <iati-activity>\n  <title><narrative>A &amp; B</narrative></title>\n </iati-activity>\n</iati-activities>";
        let mut s = XmlStream::new("t.xml".into(), xml.as_bytes());
        assert!(matches!(s.next(&mut warn), Ok(Some(Item::Root(_)))));
        let Ok(Some(Item::Element(act))) = s.next(&mut warn) else {
            panic!("no activity")
        };
        let n = &act.children[0].children[0];
        assert_eq!(n.text, "A & B");
        assert_eq!(n.quote, "<narrative>A &amp; B</narrative>");
        assert_eq!((n.loc.line, n.loc.col), (3, 10));
        let long = "é".repeat(MAX_QUOTE);
        assert!(cut(&long).len() <= MAX_QUOTE);
    }
}
