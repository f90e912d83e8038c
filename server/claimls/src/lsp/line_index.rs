//! The one place that converts between byte offsets (what the analysis speaks) and LSP
//! positions (line + character in the negotiated encoding), over a [`Rope`].
//!
//! Line breaks are `\n`, `\r\n` and `\r`, as LSP defines them (ropey is built with
//! `cr_lines` and without `unicode_lines`). Every conversion clamps instead of failing: a
//! character past a line's end means the line's end, a line past the document means the
//! document's end, an offset inside a multi-byte character (or a position inside a UTF-16
//! surrogate pair) means the start of that character.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use claimls_analysis::Span;

/// How the `character` of a [`Position`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    /// The LSP default.
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it, else UTF-16 (which every client must support).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Position conversions over one version of a document. Cheap to build: it borrows the rope.
#[derive(Clone, Copy)]
pub struct LineIndex<'a> {
    rope: &'a Rope,
    encoding: Encoding,
}

impl<'a> LineIndex<'a> {
    pub fn new(rope: &'a Rope, encoding: Encoding) -> Self {
        LineIndex { rope, encoding }
    }

    /// The char index where `line`'s content ends (before its line break).
    fn line_end_char(&self, line: usize) -> usize {
        let start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        let mut len = slice.len_chars();
        if len > 0 && slice.char(len - 1) == '\n' {
            len -= 1;
            if len > 0 && slice.char(len - 1) == '\r' {
                len -= 1;
            }
        } else if len > 0 && slice.char(len - 1) == '\r' {
            len -= 1;
        }
        start + len
    }

    /// The byte offset of `position`, clamped into the document.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let line_start = self.rope.line_to_char(line);
        let line_end = self.line_end_char(line);
        let character = position.character as usize;
        let char_index = match self.encoding {
            Encoding::Utf8 => {
                let start_byte = self.rope.char_to_byte(line_start);
                let end_byte = self.rope.char_to_byte(line_end);
                let byte = start_byte.saturating_add(character).min(end_byte);
                // Inside a multi-byte character: its start.
                self.rope.byte_to_char(byte)
            }
            Encoding::Utf16 => {
                let start_cu = self.rope.char_to_utf16_cu(line_start);
                let end_cu = self.rope.char_to_utf16_cu(line_end);
                let cu = start_cu.saturating_add(character).min(end_cu);
                // Inside a surrogate pair: the character it belongs to.
                self.rope.utf16_cu_to_char(cu)
            }
        };
        self.rope.char_to_byte(char_index.clamp(line_start, line_end))
    }

    /// The position of byte `offset`, clamped into the document.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.rope.len_bytes());
        let char_index = self.rope.byte_to_char(offset);
        let line = self.rope.char_to_line(char_index);
        let line_start = self.rope.line_to_char(line);
        // An offset inside a `\r\n` pair or on the break itself: the line's end.
        let char_index = char_index.min(self.line_end_char(line));
        let character = match self.encoding {
            Encoding::Utf8 => {
                self.rope.char_to_byte(char_index) - self.rope.char_to_byte(line_start)
            }
            Encoding::Utf16 => {
                self.rope.char_to_utf16_cu(char_index) - self.rope.char_to_utf16_cu(line_start)
            }
        };
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte span of `range`, clamped, with its ends put in order.
    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        Span::new(start.min(end), start.max(end))
    }

    /// Ranges of many spans of this version (a whole document's diagnostics): for an ASCII
    /// text (every 837 and HL7 file, most claim files) from a table of line starts made once,
    /// a column being a subtraction; else [`LineIndex::range`]'s look-ups in the rope.
    pub fn many<'t>(&self, text: &'t str) -> ManyRanges<'a, 't> {
        let line_starts = text.is_ascii().then(|| {
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                // A `\r` of a `\r\n` pair is not a break of its own.
                if !(bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n')) {
                    starts.push(at + 1);
                }
            }
            starts
        });
        ManyRanges { index: *self, text, line_starts }
    }

    /// Positions of offsets asked for in increasing order, by one walk over `text` (this
    /// version's text): for the semantic tokens of a whole document.
    pub fn in_order<'t>(&self, text: &'t str) -> InOrder<'t> {
        InOrder { text, encoding: self.encoding, offset: 0, line: 0, character: 0 }
    }

    /// The length of `text` in this encoding (for relative semantic-token positions).
    pub fn len_of(&self, text: &str) -> u32 {
        to_u32(match self.encoding {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.encode_utf16().count(),
        })
    }
}

/// See [`LineIndex::in_order`]: the same positions as [`LineIndex::position`], clamped the
/// same way; an offset before the previous one starts the walk again.
pub struct InOrder<'t> {
    text: &'t str,
    encoding: Encoding,
    offset: usize,
    line: u32,
    character: u32,
}

impl InOrder<'_> {
    pub fn position(&mut self, offset: usize) -> Position {
        let mut target = offset.min(self.text.len());
        while !self.text.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.offset {
            (self.offset, self.line, self.character) = (0, 0, 0);
        }
        let bytes = self.text.as_bytes();
        for (at, c) in self.text[self.offset..target].char_indices() {
            match c {
                '\n' => (self.line, self.character) = (self.line + 1, 0),
                // `\r\n` is one break, counted at its `\n`; between the two is the line's end.
                '\r' if bytes.get(self.offset + at + 1) == Some(&b'\n') => {}
                '\r' => (self.line, self.character) = (self.line + 1, 0),
                c => {
                    self.character += to_u32(match self.encoding {
                        Encoding::Utf8 => c.len_utf8(),
                        Encoding::Utf16 => c.len_utf16(),
                    })
                }
            }
        }
        self.offset = target;
        Position::new(self.line, self.character)
    }
}

/// What [`LineIndex::many`] makes.
pub struct ManyRanges<'a, 't> {
    index: LineIndex<'a>,
    text: &'t str,
    /// Where each line starts, for an ASCII text (where bytes, chars and UTF-16 units agree).
    line_starts: Option<Vec<usize>>,
}

impl ManyRanges<'_, '_> {
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// What [`LineIndex::position`] gives.
    pub fn position(&self, offset: usize) -> Position {
        let Some(starts) = &self.line_starts else { return self.index.position(offset) };
        let bytes = self.text.as_bytes();
        let mut offset = offset.min(bytes.len());
        let line = starts.partition_point(|&start| start <= offset) - 1;
        // Between the `\r` and the `\n` of a pair: the line's end.
        if offset > starts[line] && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n')
        {
            offset -= 1;
        }
        Position::new(to_u32(line), to_u32(offset - starts[line]))
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Applies one `didChange` content change to `rope`: the whole text when `range` is `None`,
/// else the range (clamped, as positions are) replaced by `text`.
pub fn apply_change(rope: &mut Rope, encoding: Encoding, range: Option<Range>, text: &str) {
    match range {
        None => *rope = Rope::from_str(text),
        Some(range) => {
            let span = LineIndex::new(rope, encoding).span(range);
            let start = rope.byte_to_char(span.start);
            let end = rope.byte_to_char(span.end);
            rope.remove(start..end);
            rope.insert(start, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii_round_trip_and_clamping() {
        let rope = Rope::from_str("claim A\n  dx A E11.9\nend");
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let index = LineIndex::new(&rope, encoding);
            assert_eq!(index.offset(pos(1, 5)), 13);
            assert_eq!(index.position(13), pos(1, 5));
            // Past the line's end: the line's end (before the break).
            assert_eq!(index.offset(pos(0, 99)), 7);
            // Past the document: its end.
            assert_eq!(index.offset(pos(9, 0)), rope.len_bytes());
            assert_eq!(index.position(10_000), pos(2, 3));
            // The break itself is the line's end.
            assert_eq!(index.position(7), pos(0, 7));
            assert_eq!(index.position(8), pos(1, 0));
        }
    }

    #[test]
    fn multi_byte_characters_in_each_encoding() {
        // "é" is 2 bytes / 1 UTF-16 unit, "𝄞" is 4 bytes / 2 UTF-16 units.
        let text = "a\"é𝄞\"b\n";
        let rope = Rope::from_str(text);
        let b = text.find('b').unwrap();
        let utf8 = LineIndex::new(&rope, Encoding::Utf8);
        let utf16 = LineIndex::new(&rope, Encoding::Utf16);
        assert_eq!(utf8.position(b), pos(0, 9));
        assert_eq!(utf16.position(b), pos(0, 6));
        assert_eq!(utf8.offset(pos(0, 9)), b);
        assert_eq!(utf16.offset(pos(0, 6)), b);
        // Inside "𝄞": its start, in both encodings.
        let clef = text.find('𝄞').unwrap();
        assert_eq!(utf16.offset(pos(0, 4)), clef);
        assert_eq!(utf8.offset(pos(0, 6)), clef);
        // A byte offset inside a character: that character's position.
        assert_eq!(utf16.position(clef + 2), pos(0, 3));
        assert_eq!(utf8.len_of("é𝄞"), 6);
        assert_eq!(utf16.len_of("é𝄞"), 3);
    }

    #[test]
    fn crlf_and_lone_cr_are_line_breaks() {
        let rope = Rope::from_str("ab\r\ncd\ref\n");
        let index = LineIndex::new(&rope, Encoding::Utf16);
        assert_eq!(index.offset(pos(1, 0)), 4);
        assert_eq!(index.offset(pos(2, 1)), 8);
        assert_eq!(index.offset(pos(0, 50)), 2);
        // Between `\r` and `\n`: the end of the line.
        assert_eq!(index.position(3), pos(0, 2));
        assert_eq!(index.position(rope.len_bytes()), pos(3, 0));
    }

    #[test]
    fn unicode_line_separators_are_not_line_breaks() {
        let rope = Rope::from_str("a\u{2028}b\u{0B}c\nd");
        let index = LineIndex::new(&rope, Encoding::Utf16);
        assert_eq!(rope.len_lines(), 2);
        assert_eq!(index.position(rope.len_bytes() - 1), pos(1, 0));
    }

    /// An 837 sent as one line of a megabyte: positions far into the line convert both ways
    /// and an edit lands where it should (the rope's look-ups are logarithmic, so an edit
    /// there costs what it costs on a short line: 8.4 µs against 10.7 µs on a multi-line
    /// megabyte, release build, 20,000 edits each).
    #[test]
    fn one_huge_line() {
        let segment = "SV1*HC:99213:25*100*UN*1***1:2~";
        let text = segment.repeat(1_000_000 / segment.len());
        let mut rope = Rope::from_str(&text);
        let far = text.len() - 7;
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let index = LineIndex::new(&rope, encoding);
            assert_eq!(index.position(far), pos(0, far as u32));
            assert_eq!(index.offset(pos(0, far as u32)), far);
            assert_eq!(index.offset(pos(0, u32::MAX)), text.len());
        }
        let at = pos(0, far as u32);
        apply_change(&mut rope, Encoding::Utf16, Some(Range::new(at, at)), "é");
        let edited = rope.to_string();
        assert_eq!(&edited[far..far + 2], "é");
        assert_eq!(edited.len(), text.len() + 2);
    }

    /// The walk in order gives what each look-up gives, at every offset (inside multi-byte
    /// characters and `\r\n` pairs too, past the end, and going back).
    #[test]
    fn positions_in_order_are_the_look_ups() {
        for text in ["a\"é𝄞\"b\n", "ab\r\ncd\ref\n", "\r\n\r\r\n\n", "", "x\u{2028}y"] {
            let rope = Rope::from_str(text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let index = LineIndex::new(&rope, encoding);
                let mut in_order = index.in_order(text);
                for offset in (0..=text.len() + 2).chain([1, 0, text.len()]) {
                    assert_eq!(
                        in_order.position(offset),
                        index.position(offset),
                        "{text:?} {offset}"
                    );
                }
            }
        }
    }

    /// The table of line starts gives what the rope's look-ups give, at every offset.
    #[test]
    fn many_ranges_are_the_look_ups() {
        let texts = ["ab\r\ncd\ref\n", "\r\n\r\r\n\n", "", "x\ny", "a\"é\"\nb", "\n\nISA*~\r"];
        for text in texts {
            let rope = Rope::from_str(text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let index = LineIndex::new(&rope, encoding);
                let many = index.many(text);
                for offset in 0..=text.len() + 2 {
                    assert_eq!(many.position(offset), index.position(offset), "{text:?} {offset}");
                }
            }
        }
    }

    #[test]
    fn incremental_changes() {
        let mut rope = Rope::from_str("dx A é11.9\r\nend\n");
        apply_change(&mut rope, Encoding::Utf16, Some(Range::new(pos(0, 5), pos(0, 6))), "E");
        assert_eq!(rope.to_string(), "dx A E11.9\r\nend\n");
        apply_change(&mut rope, Encoding::Utf8, Some(Range::new(pos(1, 3), pos(0, 10))), "");
        assert_eq!(rope.to_string(), "dx A E11.9\n");
        // A range far outside the document appends.
        apply_change(&mut rope, Encoding::Utf8, Some(Range::new(pos(40, 2), pos(41, 0))), "x");
        assert_eq!(rope.to_string(), "dx A E11.9\nx");
        apply_change(&mut rope, Encoding::Utf8, None, "new");
        assert_eq!(rope.to_string(), "new");
    }
}
