//! The IATI generator's XML writing: the escaped tag writers of [`crate::export::xml`] (shared
//! with the IATI exporter) and a writer that counts the bytes it passes on.

use std::io::{self, Write};

pub(super) use crate::export::xml::{
    Attr, EMPTY, OPEN, attr, close, empty, leaf, narrative, narratives, open, start,
};

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
