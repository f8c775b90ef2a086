//! Writing a seed folder as it is generated: TOML data files that roll over before they hold
//! [`MAX_TABLES`] tables, and one source document open at a time, every byte counted.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::super::xml::Counting;

/// Most tables (entities and relations) in one data file: files stay a few MB, so the loader's
/// per-file parse tree stays small.
pub(super) const MAX_TABLES: usize = 20_000;

type Out = Counting<BufWriter<File>>;

fn create(path: &Path) -> io::Result<Out> {
    let file = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display())))?;
    Ok(Counting {
        inner: BufWriter::with_capacity(1 << 18, file),
        bytes: 0,
    })
}

pub(super) struct Folder {
    dir: PathBuf,
    toml: Option<Out>,
    /// The stem of the current section's data files and how many it has.
    section: (&'static str, usize),
    tables: usize,
    source: Option<Out>,
    /// Bytes of closed files.
    closed: u64,
    pub toml_files: usize,
    pub source_files: usize,
}

impl Folder {
    /// Writes into `dir` (which exists) and `dir/sources` (created).
    pub fn new(dir: &Path) -> io::Result<Folder> {
        std::fs::create_dir_all(dir.join("sources"))?;
        Ok(Folder {
            dir: dir.to_path_buf(),
            toml: None,
            section: ("", 0),
            tables: 0,
            source: None,
            closed: 0,
            toml_files: 0,
            source_files: 0,
        })
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.closed
            + self.toml.as_ref().map_or(0, |t| t.bytes)
            + self.source.as_ref().map_or(0, |s| s.bytes)
    }

    fn close_toml(&mut self) -> io::Result<()> {
        if let Some(mut t) = self.toml.take() {
            t.flush()?;
            self.closed += t.bytes;
        }
        Ok(())
    }

    /// Starts a section: its data files are `{stem}-0001.toml`, `{stem}-0002.toml`...
    pub fn section(&mut self, stem: &'static str) -> io::Result<()> {
        self.close_toml()?;
        self.section = (stem, 0);
        Ok(())
    }

    /// Makes sure the current data file has room for about `tables` more tables.
    pub fn room(&mut self, tables: usize) -> io::Result<()> {
        if self.toml.is_some() && self.tables + tables <= MAX_TABLES {
            return Ok(());
        }
        self.close_toml()?;
        self.section.1 += 1;
        let name = format!("{}-{:05}.toml", self.section.0, self.section.1);
        let mut t = create(&self.dir.join(&name))?;
        writeln!(
            t,
            "# Synthetic data written by `aidgraph generate --format seed`: not real."
        )?;
        self.toml = Some(t);
        self.tables = 0;
        self.toml_files += 1;
        Ok(())
    }

    fn toml(&mut self) -> &mut Out {
        self.toml.as_mut().expect("room() opens a data file first")
    }

    /// Closes the open source document, if any, and opens `sources/{file}`.
    pub fn open_source(&mut self, file: &str) -> io::Result<()> {
        self.close_source()?;
        self.source = Some(create(&self.dir.join("sources").join(file))?);
        self.source_files += 1;
        Ok(())
    }

    pub fn close_source(&mut self) -> io::Result<()> {
        if let Some(mut s) = self.source.take() {
            s.flush()?;
            self.closed += s.bytes;
        }
        Ok(())
    }

    /// Closes everything; returns the bytes written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.close_source()?;
        self.close_toml()?;
        Ok(self.closed)
    }

    /// Writes `text` to the open source document.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.source
            .as_mut()
            .expect("open_source() first")
            .write_all(text.as_bytes())
    }

    /// Starts a `[[table]]`.
    pub fn begin(&mut self, table: &str) -> io::Result<()> {
        self.tables += 1;
        let t = self.toml();
        t.write_all(b"[[")?;
        t.write_all(table.as_bytes())?;
        t.write_all(b"]]\n")
    }

    /// Ends a table that has no `cite` (a source).
    pub fn end(&mut self) -> io::Result<()> {
        self.toml().write_all(b"\n")
    }

    /// `key = "value"`, escaped.
    pub fn str(&mut self, key: &str, value: &str) -> io::Result<()> {
        let t = self.toml();
        t.write_all(key.as_bytes())?;
        t.write_all(b" = ")?;
        quoted(t, value)?;
        t.write_all(b"\n")
    }

    /// `key = value` with `value` already TOML (an inline table or array).
    pub fn raw(&mut self, key: &str, value: &str) -> io::Result<()> {
        let t = self.toml();
        t.write_all(key.as_bytes())?;
        t.write_all(b" = ")?;
        t.write_all(value.as_bytes())?;
        t.write_all(b"\n")
    }

    /// `cite = [{ source, quote }]`, ending the table.
    pub fn cite(&mut self, source: &str, quote: &str) -> io::Result<()> {
        let t = self.toml();
        t.write_all(b"cite = [{ source = ")?;
        quoted(t, source)?;
        t.write_all(b", quote = ")?;
        quoted(t, quote)?;
        t.write_all(b" }]\n\n")
    }

    /// A `[[relation]]` with optional attribute lines (`key = value\n`, already TOML).
    pub fn relation(
        &mut self,
        from: &str,
        kind: &str,
        to: &str,
        attrs: &str,
        source: &str,
        quote: &str,
    ) -> io::Result<()> {
        self.begin("relation")?;
        self.str("from", from)?;
        self.str("type", kind)?;
        self.str("to", to)?;
        self.toml().write_all(attrs.as_bytes())?;
        self.cite(source, quote)
    }
}

/// Writes `s` as a TOML basic string.
fn quoted(out: &mut impl Write, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    if !s
        .bytes()
        .any(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
    {
        out.write_all(s.as_bytes())?;
    } else {
        for c in s.chars() {
            match c {
                '"' => out.write_all(b"\\\"")?,
                '\\' => out.write_all(b"\\\\")?,
                c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(out, "\\u{:04X}", c as u32)?,
                c => {
                    let mut buf = [0; 4];
                    out.write_all(c.encode_utf8(&mut buf).as_bytes())?;
                }
            }
        }
    }
    out.write_all(b"\"")
}

/// `s` as a TOML basic string, for inline tables.
pub(super) fn toml_str(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    quoted(&mut out, s).expect("writing to a Vec");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_toml() {
        assert_eq!(toml_str("plain “curly”"), "\"plain “curly”\"");
        assert_eq!(toml_str("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\u000A\"");
        let doc = format!("x = {}", toml_str("q\"\\\t\u{7f}é"));
        let v: toml::Table = doc.parse().unwrap();
        assert_eq!(v["x"].as_str(), Some("q\"\\\t\u{7f}é"));
    }
}
