//! Byte spans into a document's text.

use std::ops::Range;

/// A half-open byte range `start..end` into the parsed text; `start <= end`, both on
/// `char` boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

// The methods are `#[inline]`: each is a few instructions, asked millions of times from the
// other crates (a call across crates cost more than the work).
impl Span {
    #[inline]
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the span or right after its last byte, which is
    /// where an editor cursor sits after typing the token.
    #[inline]
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    #[inline]
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The spanned text; empty if the span does not fit `text`.
    #[inline]
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.range()).unwrap_or("")
    }
}
