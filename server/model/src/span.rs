//! Byte spans into a document's text.

use std::ops::Range;

/// A half-open byte range `start..end` into the parsed text; `start <= end`, both on
/// `char` boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the span or right after its last byte, which is
    /// where an editor cursor sits after typing the token.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The spanned text; empty if the span does not fit `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.range()).unwrap_or("")
    }
}
