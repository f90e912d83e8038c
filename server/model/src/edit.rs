//! What an edit changed between two versions of a text ([`Edit`]), and moving a claim's or a
//! diagnostic's spans from one version to the other: what lets the analysis and a syntax reuse
//! what they found in the previous version for the parts an edit left alone.

use crate::{Diagnostic, Span};

/// The one range that differs between two versions of a text: `start..old_end` of the old
/// text became `start..new_end` of the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    /// The common prefix and suffix of `old` and `new` left out (`None`: the same text).
    pub fn between(old: &str, new: &str) -> Option<Edit> {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let start = common_prefix(old, new);
        if start == old.len() && start == new.len() {
            return None;
        }
        let most = old.len().min(new.len()) - start;
        let suffix = common_suffix(&old[start..], &new[start..]).min(most);
        Some(Edit { start, old_end: old.len() - suffix, new_end: new.len() - suffix })
    }

    /// A span of the new text in the old one, if it lies wholly before or after the change
    /// (not even touching it: a value that ends where text was typed may have grown).
    pub fn new_to_old(self, span: Span) -> Option<Span> {
        Self::map(span, self.start, self.new_end, self.old_end)
    }

    /// A span of the old text in the new one, on the same terms.
    pub fn old_to_new(self, span: Span) -> Option<Span> {
        Self::map(span, self.start, self.old_end, self.new_end)
    }

    fn map(span: Span, start: usize, from_end: usize, to_end: usize) -> Option<Span> {
        if span.end < start {
            Some(span)
        } else if span.start > from_end {
            Some(Span::new(span.start - from_end + to_end, span.end - from_end + to_end))
        } else {
            None
        }
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    // 64 bytes at a time (a memcmp), then byte by byte.
    const CHUNK: usize = 64;
    let chunks = a.chunks_exact(CHUNK).zip(b.chunks_exact(CHUNK));
    let same = chunks.take_while(|(x, y)| x == y).count() * CHUNK;
    same + a[same..].iter().zip(&b[same..]).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let chunks = a.rchunks_exact(CHUNK).zip(b.rchunks_exact(CHUNK));
    let same = chunks.take_while(|(x, y)| x == y).count() * CHUNK;
    let (a, b) = (&a[..a.len() - same], &b[..b.len() - same]);
    same + a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

impl Diagnostic {
    /// The diagnostic with every span (its own, its fixes', its related ones) mapped, or `None`
    /// when one does not map.
    pub fn mapped(&self, map: impl Fn(Span) -> Option<Span>) -> Option<Diagnostic> {
        let mut mapped = self.clone();
        mapped.span = map(mapped.span)?;
        for fix in &mut mapped.fixes {
            for edit in &mut fix.edits {
                edit.span = map(edit.span)?;
            }
        }
        for related in &mut mapped.related {
            related.span = map(related.span)?;
        }
        Some(mapped)
    }
}
