//! The X12 tokenizer: text → segments → elements → repetitions → components, every piece with
//! its exact byte span, in flat vectors (a segment is a range of elements, an element a range of
//! repetitions, a repetition a range of components), so that a 40 MB file is a few vectors of
//! `u32` pairs and no per-piece allocation.
//!
//! The delimiters come from each ISA (the element separator is its 4th byte, the repetition
//! separator ISA11, the component separator ISA16, the segment terminator the byte after
//! ISA16); a file without an ISA uses `*` `^` `:` `~`. A later ISA in the same file sets the
//! delimiters again from where it stands.

use claimls_model::{Diagnostic, Fix, Severity, Span, TextEdit};

/// The four delimiters of an interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub element: u8,
    /// ISA11 when it is a separator (in 5010); `None` when ISA11 is an identifier (`U`).
    pub repetition: Option<u8>,
    pub component: u8,
    pub segment: u8,
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters { element: b'*', repetition: Some(b'^'), component: b':', segment: b'~' }
    }
}

impl Delimiters {
    /// The segment terminator as it should be written after a segment (a line break after a
    /// `~`-like terminator is the reader's comfort, not data, so it is not part of it).
    pub fn terminator(&self) -> char {
        self.segment as char
    }

    /// What each byte is inside a segment: [`DATA`], a line break that is data ([`LINE_BREAK`]),
    /// or the separator it is ([`COMPONENT`], [`REPETITION`], [`ELEMENT`]; the element separator
    /// wins where two are the same byte, then the repetition separator).
    fn classes(&self) -> [u8; 256] {
        let mut classes = [DATA; 256];
        classes[b'\n' as usize] = LINE_BREAK;
        classes[b'\r' as usize] = LINE_BREAK;
        classes[self.component as usize] = COMPONENT;
        if let Some(repetition) = self.repetition.filter(|&r| r != self.component) {
            classes[repetition as usize] = REPETITION;
        }
        classes[self.element as usize] = ELEMENT;
        classes
    }

    fn is_line_break_terminator(&self) -> bool {
        matches!(self.segment, b'\n' | b'\r')
    }
}

/// The classes of [`Delimiters::classes`]: each separator closes the pieces of its class and
/// those below.
const DATA: u8 = 0;
const COMPONENT: u8 = 1;
const REPETITION: u8 = 2;
const ELEMENT: u8 = 3;
/// A line break that is no separator: data, but it marks a segment that a wrapped file broke
/// over lines.
const LINE_BREAK: u8 = 4;

/// A half-open byte range kept as two `u32`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Range32 {
    pub start: u32,
    pub end: u32,
}

impl Range32 {
    fn new(start: usize, end: usize) -> Self {
        Range32 { start: start as u32, end: end as u32 }
    }
    pub fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentRec {
    /// From the first byte of the id to the last byte before the terminator.
    pub span: Range32,
    pub id: Range32,
    /// Where its terminator stands, when it has one (the last segment may not).
    pub terminator: Option<u32>,
    pub first_element: u32,
    pub elements: u32,
    /// Its first record in [`X12File::composites`] (if it has one: the next segment's, else).
    pub first_composite: u32,
    /// The index into [`X12File::delimiters`] in force for this segment.
    pub delimiters: u16,
}

/// An element: its span, and its repetitions (`count` of them from `first`), or `count` 0 for a
/// simple element (one repetition of one component: the element itself), which keeps no
/// repetition or component records. Likewise a repetition is a range of components.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PieceRec {
    pub span: Range32,
    pub first: u32,
    pub count: u32,
}

/// A parsed X12 file: its segments, each with its elements, repetitions and components, and the
/// problems met while reading it (a malformed ISA, a segment id that is no id, text before the
/// ISA). Parsing never fails: whatever is there is kept.
#[derive(Debug, Clone, Default)]
pub struct X12File {
    pub(crate) segments: Vec<SegmentRec>,
    /// Each element's span; [`COMPOSITE`] set in `end` marks one with records in `composites`.
    pub(crate) elements: Vec<Range32>,
    /// The repetitions of the elements that are more than one value, by element index.
    pub(crate) composites: Vec<CompositeRec>,
    pub(crate) repetitions: Vec<PieceRec>,
    pub(crate) components: Vec<Range32>,
    pub(crate) delimiters: Vec<Delimiters>,
    /// Problems of the reading itself, sorted by position.
    pub problems: Vec<Diagnostic>,
    /// True when the file had no ISA before its first segment and defaults were used.
    pub no_envelope: bool,
    /// The values of pieces (ids, elements, components) that a wrapped file broke over lines,
    /// without the line breaks, by their raw span.
    pub(crate) unwrapped: std::collections::HashMap<(u32, u32), Box<str>>,
}

/// One segment of a parsed file.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'f> {
    file: &'f X12File,
    index: usize,
}

/// One element of a segment (position 1 is the first after the id).
#[derive(Debug, Clone, Copy)]
pub struct Element<'f> {
    file: &'f X12File,
    index: usize,
    /// Its segment's first composite record, where the search for its own starts.
    first_composite: u32,
    /// 1-based position in its segment.
    pub position: usize,
}

/// One repetition of an element (most elements have exactly one).
#[derive(Debug, Clone, Copy)]
pub struct Repetition<'f> {
    file: &'f X12File,
    span: Range32,
    /// The index of its first component, or [`SIMPLE`] when it is one component, itself.
    first: u32,
    count: u32,
}

/// An element or repetition that is a single value keeps no component records.
const SIMPLE: u32 = u32::MAX;

/// The bit of an element's `end` that says it has repetition and component records (so offsets
/// stay below 2 GiB).
const COMPOSITE: u32 = 1 << 31;

/// The repetitions of one element that is not a single value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompositeRec {
    pub element: u32,
    pub first: u32,
    pub count: u32,
}

/// Where an offset lies: a segment, and inside it maybe an element, a repetition and a component
/// (all 1-based; 0 for "on the segment id").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub segment: usize,
    pub element: usize,
    pub repetition: usize,
    pub component: usize,
}

impl X12File {
    /// The value under a span of this file: the text, or, for a piece that a wrapped file broke
    /// over lines, the text without the line breaks. (Asked for nearly every piece of a file by
    /// the checks and the lowering: inlined.)
    #[inline]
    pub fn value<'a>(&'a self, text: &'a str, span: Span) -> &'a str {
        let raw = span.slice(text);
        if self.unwrapped.is_empty() {
            return raw;
        }
        self.unwrapped_value(raw, span)
    }

    /// [`X12File::value`] in a wrapped file: out of line, so that the common case stays small
    /// enough to be inlined where it is asked.
    #[cold]
    #[inline(never)]
    fn unwrapped_value<'a>(&'a self, raw: &'a str, span: Span) -> &'a str {
        if memchr::memchr2(b'\n', b'\r', raw.as_bytes()).is_none() {
            return raw;
        }
        self.unwrapped.get(&(span.start as u32, span.end as u32)).map_or(raw, |v| v)
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    pub fn segment(&self, index: usize) -> Segment<'_> {
        assert!(index < self.segments.len());
        Segment { file: self, index }
    }

    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'_>> + '_ {
        (0..self.segments.len()).map(move |index| Segment { file: self, index })
    }

    /// The delimiters in force for a segment.
    pub fn delimiters_of(&self, segment: usize) -> Delimiters {
        self.segments
            .get(segment)
            .and_then(|s| self.delimiters.get(s.delimiters as usize))
            .copied()
            .unwrap_or_default()
    }

    /// The delimiters of the file's first interchange.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters.first().copied().unwrap_or_default()
    }

    /// The segment whose text (id to terminator, inclusive) holds `offset`, or whose terminator
    /// the offset stands right after.
    pub fn segment_at(&self, offset: usize) -> Option<usize> {
        let offset = u32::try_from(offset).ok()?;
        let after = self.segments.partition_point(|s| s.span.start <= offset);
        let index = after.checked_sub(1)?;
        let s = &self.segments[index];
        let end = s.terminator.map_or(s.span.end, |t| t + 1);
        (offset <= end).then_some(index)
    }

    /// The segment, element, repetition and component under `offset`.
    pub fn location_at(&self, offset: usize) -> Option<Location> {
        let index = self.segment_at(offset)?;
        let segment = self.segment(index);
        let mut location = Location { segment: index, element: 0, repetition: 0, component: 0 };
        for element in segment.elements() {
            if element.span().touches(offset) {
                location.element = element.position;
                for (r, repetition) in element.repetitions().enumerate() {
                    if repetition.span().touches(offset) {
                        location.repetition = r + 1;
                        for (c, component) in repetition.components().enumerate() {
                            if component.touches(offset) {
                                location.component = c + 1;
                                break;
                            }
                        }
                        break;
                    }
                }
                // An offset on a separator touches both sides: the element it ends wins unless
                // the next one starts there and this one is empty.
                if !element.span().is_empty() || element.span().end != offset {
                    break;
                }
            }
        }
        Some(location)
    }
}

impl<'f> Segment<'f> {
    fn rec(&self) -> &'f SegmentRec {
        &self.file.segments[self.index]
    }

    pub fn index(&self) -> usize {
        self.index
    }

    /// From the id to the last byte before the terminator.
    pub fn span(&self) -> Span {
        self.rec().span.span()
    }

    /// The segment with its terminator.
    pub fn span_with_terminator(&self) -> Span {
        let rec = self.rec();
        Span::new(rec.span.start as usize, rec.terminator.map_or(rec.span.end, |t| t + 1) as usize)
    }

    pub fn id_span(&self) -> Span {
        self.rec().id.span()
    }

    pub fn id<'a>(&self, text: &'a str) -> &'a str
    where
        'f: 'a,
    {
        self.file.value(text, self.id_span())
    }

    pub fn terminator(&self) -> Option<usize> {
        self.rec().terminator.map(|t| t as usize)
    }

    pub fn delimiters(&self) -> Delimiters {
        self.file.delimiters_of(self.index)
    }

    /// The number of elements after the id (trailing empty ones included, as written).
    pub fn len(&self) -> usize {
        self.rec().elements as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at a 1-based position.
    pub fn element(&self, position: usize) -> Option<Element<'f>> {
        let rec = self.rec();
        (position >= 1 && position <= rec.elements as usize).then(|| Element {
            file: self.file,
            index: rec.first_element as usize + position - 1,
            first_composite: rec.first_composite,
            position,
        })
    }

    pub fn elements(self) -> impl ExactSizeIterator<Item = Element<'f>> + 'f {
        let rec = *self.rec();
        let file = self.file;
        (0..rec.elements as usize).map(move |i| Element {
            file,
            index: rec.first_element as usize + i,
            first_composite: rec.first_composite,
            position: i + 1,
        })
    }

    /// The text of the element at a 1-based position; empty when it is absent.
    pub fn text<'a>(&self, position: usize, text: &'a str) -> &'a str
    where
        'f: 'a,
    {
        self.element(position).map_or("", |e| e.text(text))
    }

    /// The first repetition's component (1-based) of an element (1-based).
    pub fn component(&self, position: usize, component: usize) -> Option<Span> {
        self.element(position)?.component(component)
    }

    /// Where a diagnostic about an element goes: the element, or, when it is absent or empty,
    /// the place it would be written (right after the last element), so never the whole file.
    pub fn element_or_end(&self, position: usize) -> Span {
        match self.element(position) {
            Some(element) if !element.span().is_empty() => element.span(),
            Some(element) => Span::new(element.span().start, element.span().start),
            None => Span::new(self.span().end, self.span().end),
        }
    }
}

impl X12File {
    /// An element as a span and its repetitions (`count` 0 for a single value); its composite
    /// record is searched from its segment's first one, `first_composite`, by binary search
    /// (the records are in element order, and one `HI` may carry thousands of composites).
    pub(crate) fn element_rec(&self, index: usize, first_composite: u32) -> PieceRec {
        let range = self.elements[index];
        let span = Range32 { start: range.start, end: range.end & !COMPOSITE };
        if range.end & COMPOSITE == 0 {
            return PieceRec { span, first: 0, count: 0 };
        }
        let from = (first_composite as usize).min(self.composites.len());
        // A segment has a few composites: look at the first ones, then search the rest.
        let after = &self.composites[from..];
        let near = &after[..after.len().min(8)];
        let at = match near.iter().position(|c| c.element as usize >= index) {
            Some(at) => at,
            None => {
                near.len() + after[near.len()..].partition_point(|c| (c.element as usize) < index)
            }
        };
        let found = after.get(at).filter(|c| c.element as usize == index);
        match found {
            Some(c) => PieceRec { span, first: c.first, count: c.count },
            None => PieceRec { span, first: 0, count: 0 },
        }
    }
}

impl<'f> Element<'f> {
    fn rec(&self) -> PieceRec {
        self.file.element_rec(self.index, self.first_composite)
    }

    pub fn span(&self) -> Span {
        // Without the search for a composite's repetitions that `rec` makes.
        let range = self.file.elements[self.index];
        Span::new(range.start as usize, (range.end & !COMPOSITE) as usize)
    }

    /// Its value (without the line breaks of a wrapped file).
    pub fn text<'a>(&self, text: &'a str) -> &'a str
    where
        'f: 'a,
    {
        self.file.value(text, self.span())
    }

    pub fn is_empty(&self) -> bool {
        self.span().is_empty()
    }

    pub fn repetition_count(&self) -> usize {
        (self.rec().count as usize).max(1)
    }

    pub fn repetitions(self) -> impl ExactSizeIterator<Item = Repetition<'f>> + 'f {
        (0..self.repetition_count()).map(move |n| self.repetition(n + 1).expect("in range"))
    }

    pub fn repetition(&self, n: usize) -> Option<Repetition<'f>> {
        let rec = self.rec();
        if rec.count == 0 {
            return (n == 1).then_some(Repetition {
                file: self.file,
                span: rec.span,
                first: SIMPLE,
                count: 1,
            });
        }
        (n >= 1 && n <= rec.count as usize).then(|| {
            let piece = self.file.repetitions[rec.first as usize + n - 1];
            Repetition { file: self.file, span: piece.span, first: piece.first, count: piece.count }
        })
    }

    /// The 1-based component of the first repetition.
    pub fn component(&self, n: usize) -> Option<Span> {
        self.repetition(1)?.component(n)
    }

    /// The number of components of the first repetition.
    pub fn component_count(&self) -> usize {
        self.repetition(1).map_or(0, |r| r.component_count())
    }
}

impl<'f> Repetition<'f> {
    pub fn span(&self) -> Span {
        self.span.span()
    }

    pub fn component_count(&self) -> usize {
        self.count as usize
    }

    pub fn components(self) -> impl ExactSizeIterator<Item = Span> + 'f {
        (0..self.count as usize).map(move |n| self.component(n + 1).expect("in range"))
    }

    pub fn component(&self, n: usize) -> Option<Span> {
        if self.first == SIMPLE {
            return (n == 1).then(|| self.span.span());
        }
        (n >= 1 && n <= self.count as usize)
            .then(|| self.file.components[self.first as usize + n - 1].span())
    }
}

/// The ISA's elements have fixed widths: that is how a reader finds its delimiters.
pub(crate) const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
/// The ISA with its terminator.
pub const ISA_LENGTH: usize = 106;

const BOM: &str = "\u{feff}";

fn is_blank(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n' | b' ' | b'\t')
}

fn could_be_delimiter(byte: u8) -> bool {
    !byte.is_ascii_alphanumeric() && byte != b' ' && byte < 0x80
}

/// A segment id of 2 or 3 bytes as one number (its length, then its bytes), the key of the
/// tables asked for every segment of a file: hashing it is one multiplication. `None` for a
/// text of another length, which is no segment id.
pub(crate) fn id_key(id: &str) -> Option<u32> {
    let bytes = id.as_bytes();
    if !(2..=3).contains(&bytes.len()) {
        return None;
    }
    let mut key = (bytes.len() as u32) << 24;
    for (i, &b) in bytes.iter().enumerate() {
        key |= u32::from(b) << (16 - 8 * i);
    }
    Some(key)
}

/// A segment id as X12 writes them: 2 or 3 upper-case letters and digits, starting with a letter.
pub fn is_segment_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    (2..=3).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// What the ISA at `at` says: its delimiters and where it ends (its terminator's offset), or a
/// problem when its fixed layout is broken.
struct IsaReading {
    delimiters: Delimiters,
    /// The offset of its terminator, if it has one.
    terminator: Option<usize>,
    problem: Option<Diagnostic>,
}

fn read_isa(text: &str, at: usize) -> IsaReading {
    let bytes = &text.as_bytes()[at..];
    // The fixed layout, over the ISA's bytes without the line breaks a wrapped file put in it.
    let mut layout: Vec<(u8, usize)> = Vec::with_capacity(ISA_LENGTH);
    for (i, &b) in bytes.iter().enumerate() {
        if layout.len() == ISA_LENGTH {
            break;
        }
        if (b == b'\n' || b == b'\r') && layout.len() < ISA_LENGTH - 1 && i > 0 {
            continue;
        }
        layout.push((b, i));
    }
    if layout.len() >= ISA_LENGTH - 1 {
        let byte = |i: usize| layout[i].0;
        let separator = byte(3);
        let mut offset = 3;
        let mut fits = could_be_delimiter(separator);
        for (i, width) in ISA_WIDTHS.iter().enumerate() {
            if !fits {
                break;
            }
            if i > 0 {
                fits = byte(offset) == separator;
            }
            offset += 1 + width;
        }
        if fits {
            let component = byte(104);
            let terminator = layout.get(105).map(|&(b, _)| b);
            let repetition = byte(82);
            let terminator_ok = terminator.is_none_or(|t| {
                (could_be_delimiter(t) && t != separator && t != component)
                    || matches!(t, b'\n' | b'\r')
            });
            if could_be_delimiter(component) && component != separator && terminator_ok {
                let segment = terminator.unwrap_or(b'~');
                let repetition = (could_be_delimiter(repetition)
                    && ![separator, component, segment].contains(&repetition))
                .then_some(repetition);
                return IsaReading {
                    delimiters: Delimiters { element: separator, repetition, component, segment },
                    terminator: layout.get(105).map(|&(_, i)| at + i),
                    problem: None,
                };
            }
        }
    }
    // Broken layout: split it by its own element separator, read ISA16 and the byte after it
    // where they are, and fall back to the usual delimiters if that does not work either.
    let separator = bytes.get(3).copied().filter(|&b| could_be_delimiter(b)).unwrap_or(b'*');
    let mut starts = vec![];
    // An ISA never holds a line break, and is never much longer than its layout.
    for (i, &b) in bytes.iter().enumerate().skip(3).take(2 * ISA_LENGTH) {
        if b == separator {
            starts.push(i + 1);
            if starts.len() == 16 {
                break;
            }
        } else if b == b'\n' || b == b'\r' {
            break;
        }
    }
    let mut problem_span = Span::new(at, at + 3.min(bytes.len()));
    let mut detail = String::from("the ISA is cut short");
    let mut fix = None;
    let mut reading =
        IsaReading { delimiters: Delimiters::default(), terminator: None, problem: None };
    if starts.len() == 16 {
        let isa16 = starts[15];
        let component = bytes.get(isa16).copied();
        let terminator = bytes.get(isa16 + 1).copied();
        if let (Some(component), Some(terminator)) = (component, terminator)
            && could_be_delimiter(component)
            && (could_be_delimiter(terminator) || matches!(terminator, b'\n' | b'\r'))
            && terminator != separator
        {
            let repetition = bytes.get(starts[10]).copied().filter(|&r| {
                could_be_delimiter(r) && ![separator, component, terminator].contains(&r)
            });
            reading.delimiters =
                Delimiters { element: separator, repetition, component, segment: terminator };
            reading.terminator = Some(at + isa16 + 1);
        }
        // Which element has the wrong width?
        for (i, width) in ISA_WIDTHS.iter().enumerate() {
            let start = starts[i];
            let end = if i + 1 < 16 {
                starts[i + 1] - 1
            } else {
                // ISA16 is one character (whatever its width in bytes).
                start + text[at + start..].chars().next().map_or(0, char::len_utf8)
            };
            let written = text[at + start..at + end].chars().count();
            if written != *width {
                problem_span = Span::new(at + start, at + end);
                let name = format!("ISA{:02}", i + 1);
                detail = format!(
                    "{name} is {written} character{} wide where the ISA's fixed layout wants {width}",
                    if written == 1 { "" } else { "s" }
                );
                if written < *width {
                    let value = &text[at + start..at + end];
                    let padded = if i == 12 || i == 8 || i == 9 {
                        format!("{value:0>width$}")
                    } else {
                        format!("{value:<width$}")
                    };
                    fix = Some(Fix {
                        label: format!("Pad {name} to {width} characters"),
                        edits: vec![TextEdit { span: problem_span, new_text: padded }],
                    });
                }
                break;
            }
        }
    } else {
        detail = format!("the ISA has {} elements where it needs 16", starts.len());
    }
    let delimiters = reading.delimiters;
    reading.problem = Some(Diagnostic {
        rule: "segment",
        severity: Severity::Error,
        span: problem_span,
        message: format!(
            "Malformed ISA: {detail}. The ISA is {ISA_LENGTH} characters long with its terminator, \
             every element padded to its width, because readers find the delimiters by position; \
             this one was read with element separator `{}`, component separator `{}` and segment \
             terminator `{}`.",
            delimiters.element as char,
            delimiters.component as char,
            printable(delimiters.segment)
        ),
        fixes: fix.into_iter().collect(),
        related: vec![],
    });
    reading
}

pub(crate) fn printable(byte: u8) -> String {
    match byte {
        b'\n' => "\\n".into(),
        b'\r' => "\\r".into(),
        b'\t' => "\\t".into(),
        b => (b as char).to_string(),
    }
}

/// Reads a whole file. Never fails and never panics.
pub fn parse(text: &str) -> X12File {
    parse_with(text, HALVES_FROM_BYTES, None)
}

/// [`parse`], with room made at once for as many records as `like` (an earlier version of the
/// text, parsed) holds, and a few more: an edited file's vectors are not grown by doubling,
/// each time copied (megabytes of them for a large file). In one pass: an editor's versions are
/// parsed on the server's one check thread, whose heap is the only one that keeps a document.
pub fn parse_like(text: &str, like: &X12File) -> X12File {
    parse_with(text, usize::MAX, Some(like))
}

/// [`parse`], reading a file of `halves_from` bytes or more in two halves at once when it can be
/// ([`halves`]).
#[cfg(test)]
fn parse_in_halves_from(text: &str, halves_from: usize) -> X12File {
    parse_with(text, halves_from, None)
}

/// [`parse`], in two halves from `halves_from` bytes on, sized like `like` when given.
fn parse_with(text: &str, halves_from: usize, like: Option<&X12File>) -> X12File {
    let mut file = X12File::default();
    if text.len() >= COMPOSITE as usize {
        // Offsets are kept in 31 bits: read only what they can address (2 GiB).
        let mut cut = COMPOSITE as usize - 1;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return parse_with(&text[..cut], halves_from, like);
    }
    let bytes = text.as_bytes();
    let mut pos = if text.starts_with(BOM) { BOM.len() } else { 0 };
    while pos < bytes.len() && is_blank(bytes[pos]) {
        pos += 1;
    }
    let rest = &text[pos..];
    // An id of 2 or 3 characters and a separator (ASCII bytes all, so the slices are safe).
    let head = rest.as_bytes();
    let id_then_separator = |n: usize| {
        head.len() > n
            && head[..n].iter().all(u8::is_ascii)
            && is_segment_id(&rest[..n])
            && could_be_delimiter(head[n])
    };
    let starts_as_x12 = rest.starts_with("ISA") || id_then_separator(2) || id_then_separator(3);
    if !starts_as_x12 && !rest.is_empty() {
        // Text before the interchange (a title, a note): find the ISA at the start of a line.
        if let Some(found) = memchr::memmem::find(rest.as_bytes(), b"\nISA") {
            let prose_end = pos + found;
            let mut end = prose_end;
            while end > pos && is_blank(bytes[end - 1]) {
                end -= 1;
            }
            file.problems.push(Diagnostic {
                rule: "segment",
                severity: Severity::Error,
                span: Span::new(pos, end),
                message: "This text before the ISA is not X12: an 837 file starts with its ISA \
                          segment (or with ST for a transaction without an envelope). Remove it, \
                          or keep such notes outside the file."
                    .into(),
                fixes: vec![Fix {
                    label: "Remove the text before the ISA".into(),
                    edits: vec![TextEdit {
                        span: Span::new(if pos == BOM.len() { 0 } else { pos }, prose_end + 1),
                        new_text: String::new(),
                    }],
                }],
                related: vec![],
            });
            pos = prose_end + 1;
        }
    }
    let mut delimiters = Delimiters::default();
    if !text[pos..].starts_with("ISA") {
        file.no_envelope = true;
        // Without an envelope: the element separator follows the first id; a file with no `~`
        // but line breaks ends its segments at the line breaks.
        let rest = &bytes[pos..];
        let id_len = rest.iter().take(4).take_while(|b| b.is_ascii_alphanumeric()).count();
        if let Some(&separator) = rest.get(id_len)
            && (2..=3).contains(&id_len)
            && could_be_delimiter(separator)
        {
            delimiters.element = separator;
        }
        if memchr::memchr(b'~', rest).is_none() && memchr::memchr(b'\n', rest).is_some() {
            delimiters.segment = b'\n';
        }
    }
    file.delimiters.push(delimiters);
    match like {
        Some(like) => {
            // An edit adds a few records at most: a slack of 1/64 and 64 covers a pasted block.
            let room = |n: usize| n + n / 64 + 64;
            file.segments.reserve(room(like.segments.len()));
            file.elements.reserve(room(like.elements.len()));
            file.composites.reserve(room(like.composites.len()));
            file.repetitions.reserve(room(like.repetitions.len()));
            file.components.reserve(room(like.components.len()));
        }
        None => {
            // About one segment each 20 bytes, 7 elements a segment.
            file.segments.reserve(text.len() / 24);
            file.elements.reserve(text.len() / 4);
        }
    }
    match halves(text, pos, delimiters, halves_from) {
        Some((split, second_delimiters)) => {
            read_in_halves(text, &mut file, pos, split, second_delimiters)
        }
        None => read_segments(text, &mut file, pos, bytes.len(), delimiters),
    }
    crate::sort_diagnostics(&mut file.problems);
    file
}

/// From this size on, a file is read in two halves at once ([`read_in_halves`]).
const HALVES_FROM_BYTES: usize = 1 << 20;

/// Where a large file can be cut in two halves that read apart give what one pass gives: the
/// segment terminator nearest after its middle, with the delimiters in force there. Only for a
/// file with one interchange (the bytes `ISA` stand nowhere after its ISA, so no later ISA sets
/// other delimiters) whose ISA is well formed and whose terminator is neither a line break nor a
/// blank: then every terminator byte after the ISA ends a segment (the skip of blanks between
/// segments never passes one), so one pass stands right after the cut at some point, and from
/// there reads the second half as a pass of its own does.
fn halves(
    text: &str,
    pos: usize,
    delimiters: Delimiters,
    halves_from: usize,
) -> Option<(usize, Delimiters)> {
    let bytes = text.as_bytes();
    if bytes.len() - pos < halves_from {
        return None;
    }
    let (delimiters, after_isa) = if bytes[pos..].starts_with(b"ISA") {
        let reading = read_isa(text, pos);
        match (reading.problem, reading.terminator) {
            (None, Some(terminator)) => (reading.delimiters, terminator + 1),
            _ => return None,
        }
    } else {
        (delimiters, pos)
    };
    let terminator = delimiters.segment;
    if is_blank(terminator) || memchr::memmem::find(&bytes[after_isa..], b"ISA").is_some() {
        return None;
    }
    let middle = pos + (bytes.len() - pos) / 2;
    let split =
        middle.max(after_isa) + memchr::memchr(terminator, &bytes[middle.max(after_isa)..])?;
    (split + 1 < bytes.len()).then_some((split, delimiters))
}

/// [`read_segments`] of the whole text from `pos`, in two halves at once: up to the terminator
/// at `split` on this thread, the rest on another (with `delimiters`, those in force there), the
/// second half's records then put after the first's. The two passes cost what one does; on a
/// machine with a core to spare the file is read in about half the time (the check of a large
/// 837 waits for its parse before any claim is walked).
fn read_in_halves(
    text: &str,
    file: &mut X12File,
    pos: usize,
    split: usize,
    delimiters: Delimiters,
) {
    let rest = text.len() - split;
    let read_second = move || {
        let mut second = X12File::default();
        second.delimiters.push(delimiters);
        second.segments.reserve(rest / 24);
        second.elements.reserve(rest / 4);
        read_segments(text, &mut second, split + 1, text.len(), delimiters);
        second
    };
    let first_delimiters = file.delimiters[0];
    std::thread::scope(|scope| {
        let second = std::thread::Builder::new().spawn_scoped(scope, read_second);
        read_segments(text, file, pos, split + 1, first_delimiters);
        match second {
            Ok(thread) => {
                let second = thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                append(file, second);
            }
            // No thread to be had: the second half on this one.
            Err(_) => read_segments(text, file, split + 1, text.len(), delimiters),
        }
    });
}

/// The records of `second` (a later stretch of the same text, read with the same delimiters,
/// those at index 0) put after those of `file`, their indexes moved past `file`'s. Each of
/// `second`'s vectors is freed as soon as it is copied, so that the two copies of all of them
/// are never held at once (the peak memory of a check is near that of its parse).
fn append(file: &mut X12File, second: X12File) {
    let X12File {
        segments,
        elements,
        composites,
        repetitions,
        components,
        problems,
        unwrapped,
        ..
    } = second;
    let element_base = file.elements.len() as u32;
    let composite_base = file.composites.len() as u32;
    let repetition_base = file.repetitions.len() as u32;
    let component_base = file.components.len() as u32;
    let current = (file.delimiters.len() - 1).min(u16::MAX as usize) as u16;
    file.segments.extend(segments.iter().map(|s| SegmentRec {
        first_element: s.first_element + element_base,
        first_composite: s.first_composite + composite_base,
        delimiters: current,
        ..*s
    }));
    drop(segments);
    file.elements.extend_from_slice(&elements);
    drop(elements);
    file.composites.extend(composites.iter().map(|c| CompositeRec {
        element: c.element + element_base,
        first: c.first + repetition_base,
        count: c.count,
    }));
    drop(composites);
    file.repetitions
        .extend(repetitions.iter().map(|r| PieceRec { first: r.first + component_base, ..*r }));
    drop(repetitions);
    file.components.extend_from_slice(&components);
    drop(components);
    file.problems.extend(problems);
    file.unwrapped.extend(unwrapped);
}

/// The segments from `pos` up to `stop` (a terminator's end, or the text's) read into `file`,
/// `delimiters` in force until an ISA sets others.
fn read_segments(
    text: &str,
    file: &mut X12File,
    mut pos: usize,
    stop: usize,
    mut delimiters: Delimiters,
) {
    let bytes = text.as_bytes();
    let mut classes = delimiters.classes();
    let mut current = (file.delimiters.len() - 1).min(u16::MAX as usize) as u16;
    while pos < stop {
        // What separates segments is not data: line breaks and blanks after a terminator.
        while pos < bytes.len() && is_blank(bytes[pos]) && bytes[pos] != delimiters.element {
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        let start = pos;
        let mut isa_terminator = None;
        if bytes[pos..].starts_with(b"ISA") {
            let reading = read_isa(text, pos);
            if let Some(problem) = reading.problem {
                file.problems.push(problem);
            }
            if reading.delimiters != delimiters || file.segments.is_empty() {
                delimiters = reading.delimiters;
                classes = delimiters.classes();
                if file.segments.is_empty() {
                    file.delimiters[0] = delimiters;
                } else {
                    file.delimiters.push(delimiters);
                    current = (file.delimiters.len() - 1).min(u16::MAX as usize) as u16;
                }
            }
            isa_terminator = reading.terminator;
        }
        // The end of the segment: its terminator (either line break when the terminator is one).
        let end = match isa_terminator {
            Some(t) => t.min(bytes.len()),
            None => {
                let found = if delimiters.is_line_break_terminator() {
                    memchr::memchr2(b'\n', b'\r', &bytes[pos..])
                } else {
                    memchr::memchr(delimiters.segment, &bytes[pos..])
                };
                found.map_or(bytes.len(), |i| pos + i)
            }
        };
        let terminator = (end < bytes.len()).then_some(end as u32);
        // Trailing line breaks inside a segment that ends the file without a terminator are not
        // data either.
        let mut content_end = end;
        if terminator.is_none() {
            while content_end > start && is_blank(bytes[content_end - 1]) {
                content_end -= 1;
            }
        }
        // An empty segment (two terminators in a row) holds nothing: it is skipped.
        if content_end > start {
            let at = Place { start, end: content_end, terminator, current };
            push_segment(file, text, at, delimiters, &classes);
        }
        pos = end + 1;
    }
}

/// The transaction (ST up to its SE, or up to the envelope segment that ends it) that holds
/// `offset`, with its interchange's ISA and its group's GS, parsed alone: the segments [`parse`]
/// reads there, with the text's spans (their indexes are this file's own), so that its walk
/// gives that transaction's claims as the whole file's walk does. When `offset` is in a claim
/// (from its `CLM` to the next `HL`, `CLM` or `SE`), only what the walk reads for that claim:
/// the transaction's header, the HL loops it inherits from and the claim (see
/// [`inherited_levels`]). Outside any transaction, the ISA and the segment at `offset`. For an editor request that comes before the whole file is
/// parsed; `None` when the transaction cannot be told apart without reading the whole file (no
/// ISA first, a malformed one, line breaks as terminators, or another ISA before the group,
/// which may set other delimiters).
pub fn parse_transaction_at(text: &str, offset: usize) -> Option<X12File> {
    if text.len() >= COMPOSITE as usize {
        return None;
    }
    let bytes = text.as_bytes();
    let mut first = if text.starts_with(BOM) { BOM.len() } else { 0 };
    while first < bytes.len() && is_blank(bytes[first]) {
        first += 1;
    }
    if !text[first..].starts_with("ISA") {
        return None;
    }
    let isa = read_isa(text, first);
    let (Some(isa_end), None) = (isa.terminator, &isa.problem) else { return None };
    let delimiters = isa.delimiters;
    if delimiters.is_line_break_terminator() || offset > bytes.len() {
        return None;
    }
    let (terminator, element) = (delimiters.segment, delimiters.element);
    // Where the segment after the terminator at `at` starts (the first segment's start for none).
    let start_after = |at: Option<usize>| {
        let mut pos = at.map_or(first, |at| at + 1);
        while pos < bytes.len() && is_blank(bytes[pos]) && bytes[pos] != element {
            pos += 1;
        }
        pos
    };
    // One step back, given the terminator `before` that ends the segment before the current
    // one: that segment's start, and the terminator before it. (Blanks after a terminator are
    // skipped to reach a segment: when the terminator is a blank itself, the one before the
    // start is searched again.)
    let step_back = |before: usize| {
        let earlier = memchr::memrchr(terminator, &bytes[..before]);
        let start = start_after(earlier);
        let before = if is_blank(terminator) {
            memchr::memrchr(terminator, &bytes[..start])
        } else {
            earlier
        };
        (start, before)
    };
    let previous = |start: usize| Some(step_back(memchr::memrchr(terminator, &bytes[..start])?).0);
    let is = |start: usize, id: &[u8]| {
        bytes[start..].starts_with(id) && bytes.get(start + id.len()) == Some(&element)
    };
    let envelope =
        |start: usize| ["GS", "GE", "ISA", "IEA"].iter().any(|id| is(start, id.as_bytes()));
    let segment_end = |start: usize| {
        memchr::memchr(terminator, &bytes[start..]).map_or(bytes.len(), |at| start + at + 1)
    };
    // The segment at `offset`: the last that starts at or before it (an empty one is none).
    let mut anchor = start_after(memchr::memrchr(terminator, &bytes[..offset]));
    while anchor > first
        && (anchor > offset || anchor >= bytes.len() || bytes[anchor] == terminator)
    {
        anchor = previous(anchor)?;
    }
    let mut file = X12File::default();
    file.delimiters.push(delimiters);
    read_segments(text, &mut file, first, isa_end + 1, delimiters);
    if anchor <= isa_end {
        return Some(file);
    }
    // Back to the transaction's ST, if the anchor is in one; on the way, the claim the anchor
    // is in (the first CLM met before any HL) and the HLs before it, nearest first.
    // (A transaction holds thousands of segments: one search for a terminator a step, and the
    // ids compared only for segments that start with one of their letters.)
    let mut at = anchor;
    let mut before = memchr::memrchr(terminator, &bytes[..anchor]);
    let (mut clm, mut hls, mut in_claim) = (None, Vec::new(), !is(anchor, b"SE"));
    let st = loop {
        if matches!(bytes[at], b'S' | b'G' | b'I' | b'H' | b'C') {
            if is(at, b"ST") {
                break Some(at);
            }
            if envelope(at) || (at != anchor && is(at, b"SE")) {
                break None;
            }
            if is(at, b"HL") {
                in_claim = false;
                if clm.is_some() {
                    hls.push(at);
                }
            } else if in_claim && is(at, b"CLM") {
                clm = Some(at);
                in_claim = false;
            }
        }
        if at <= isa_end {
            break None;
        }
        (at, before) = step_back(before?);
    };
    let Some(st) = st else {
        read_segments(text, &mut file, anchor, segment_end(anchor), delimiters);
        return Some(file);
    };
    // Back to the GS of its group, with no other envelope segment on the way.
    let mut gs = st;
    loop {
        gs = previous(gs)?;
        if is(gs, b"GS") {
            break;
        }
        if envelope(gs) || gs <= isa_end {
            return None;
        }
    }
    if memchr::memmem::find(&bytes[isa_end..gs], b"ISA").is_some() {
        return None;
    }
    read_segments(text, &mut file, gs, segment_end(gs), delimiters);
    // Where the segments from `from` on stop being one loop: after the terminator of the last
    // before one of `ends` (or an envelope segment or ST), else at the end of the text.
    let loop_end = |from: usize, ends: &[&[u8]]| {
        let mut at = from;
        loop {
            let next = segment_end(at);
            let after = start_after(Some(next - 1));
            if after >= bytes.len()
                || envelope(after)
                || is(after, b"ST")
                || ends.iter().any(|id| is(after, id))
            {
                break next;
            }
            at = after;
        }
    };
    let level = |hl: usize| {
        let segment = &bytes[hl..segment_end(hl)];
        let content = segment.strip_suffix(&[terminator]).unwrap_or(segment);
        content.split(|&b| b == element).nth(3)
    };
    let levels = hls.iter().map(|&hl| level(hl).unwrap_or_default());
    match (clm, clm.and(inherited_levels(levels))) {
        (Some(clm), Some(inherited)) => {
            // The header, up to the transaction's first HL (the last met on the way back): up
            // to the terminator before it. The transaction's SE is left out: what the walk finds
            // of it is none of the claim's.
            let first_level = hls.last().copied().unwrap_or(clm);
            let header_end =
                memchr::memrchr(terminator, &bytes[..first_level]).map_or(st, |at| at + 1);
            read_segments(text, &mut file, st, header_end, delimiters);
            for &i in inherited.iter().rev() {
                let hl = hls[i];
                read_segments(text, &mut file, hl, loop_end(hl, &[b"HL", b"CLM"]), delimiters);
            }
            let claim_end = loop_end(clm, &[b"HL", b"CLM", b"SE"]);
            read_segments(text, &mut file, clm, claim_end, delimiters);
        }
        _ => {
            // On to its SE, or to the envelope segment or ST that ends it before one.
            let mut end = st;
            loop {
                let next = segment_end(end);
                if is(end, b"SE") || next >= bytes.len() {
                    end = next;
                    break;
                }
                let after = start_after(Some(next - 1));
                if after >= bytes.len() || envelope(after) || is(after, b"ST") {
                    end = next;
                    break;
                }
                end = after;
            }
            read_segments(text, &mut file, st, end, delimiters);
        }
    }
    crate::sort_diagnostics(&mut file.problems);
    Some(file)
}

/// Which of the HLs before a claim (their levels, nearest first, back to the transaction's
/// start) the walk's state at the claim comes from, as indexes into `levels`: a `20` (billing
/// provider) starts afresh, a `22` (subscriber) replaces the subscriber and the patient, a `23`
/// (patient) the patient. So the nearest `20`, the nearest `22` after it and the nearest `23`
/// after that; the loops between them leave nothing. `None` for any other level (an unknown
/// or empty one sets the walk's state in other ways): the whole transaction is parsed then.
fn inherited_levels<'l>(levels: impl Iterator<Item = &'l [u8]>) -> Option<Vec<usize>> {
    let mut kept = Vec::new();
    // The deepest level still open to come from an HL further back: 23, then 22, then 20.
    let mut deepest = 23;
    for (i, level) in levels.enumerate() {
        let level = match level {
            b"20" => 20,
            b"22" => 22,
            b"23" => 23,
            _ => return None,
        };
        if level <= deepest {
            kept.push(i);
            deepest = level - 1;
        }
        if level == 20 {
            break;
        }
    }
    Some(kept)
}

/// Where a segment stands: its bytes, its terminator, the delimiters in force (an index into
/// [`X12File::delimiters`]).
struct Place {
    start: usize,
    end: usize,
    terminator: Option<u32>,
    current: u16,
}

fn push_segment(
    file: &mut X12File,
    text: &str,
    at: Place,
    delimiters: Delimiters,
    classes: &[u8; 256],
) {
    let Place { start, end, terminator, current } = at;
    let bytes = text.as_bytes();
    let first_composite = file.composites.len() as u32;
    let first_element = file.elements.len() as u32;
    // A segment is short: plain loops find its id's end and its line breaks (a wrapped file's)
    // for less than the calls of a vectorised search would cost.
    let id_end =
        bytes[start..end].iter().position(|&b| b == delimiters.element).map_or(end, |i| start + i);
    let line_break = |b: &u8| matches!(b, b'\n' | b'\r');
    // (The id and the separator after it: the loop below reads from the first element on.)
    let mut wrapped = bytes[start..(id_end + 1).min(end)].iter().any(line_break);
    let mut elements = 0u32;
    if id_end < end {
        // One pass over the bytes: each separator closes the pieces below it. A simple element
        // (one repetition of one component) keeps no repetition or component records; an
        // element gets them from its first repetition or component separator on.
        let mut element_start = id_end + 1;
        let mut repetition_start = element_start;
        let mut component_start = element_start;
        let mut composite = false;
        let mut element_first_repetition = file.repetitions.len() as u32;
        let mut repetition_first_component = file.components.len() as u32;
        let mut i = element_start;
        loop {
            while i < end && classes[bytes[i] as usize] == DATA {
                i += 1;
            }
            let closes = if i < end { classes[bytes[i] as usize] } else { ELEMENT };
            if closes == LINE_BREAK {
                wrapped = true;
                i += 1;
                continue;
            }
            // A separator that is a line break (an odd file) is a line break in the segment too.
            wrapped |= i < end && line_break(&bytes[i]);
            if closes != ELEMENT {
                composite = true;
            }
            if composite {
                file.components.push(Range32::new(component_start, i));
                if closes >= REPETITION {
                    let count = file.components.len() as u32 - repetition_first_component;
                    file.repetitions.push(PieceRec {
                        span: Range32::new(repetition_start, i),
                        first: repetition_first_component,
                        count,
                    });
                    repetition_first_component = file.components.len() as u32;
                    repetition_start = i + 1;
                }
            }
            component_start = i + 1;
            if closes == ELEMENT {
                let mut span = Range32::new(element_start, i);
                if composite {
                    file.composites.push(CompositeRec {
                        element: file.elements.len() as u32,
                        first: element_first_repetition,
                        count: file.repetitions.len() as u32 - element_first_repetition,
                    });
                    span.end |= COMPOSITE;
                }
                file.elements.push(span);
                element_first_repetition = file.repetitions.len() as u32;
                element_start = i + 1;
                repetition_start = i + 1;
                composite = false;
                elements += 1;
            }
            if i >= end {
                break;
            }
            i += 1;
        }
    }
    if wrapped {
        record_unwrapped(file, text, start, id_end, first_element as usize, first_composite);
    }
    file.segments.push(SegmentRec {
        span: Range32::new(start, end),
        id: Range32::new(start, id_end),
        terminator,
        first_element,
        elements,
        first_composite,
        delimiters: current,
    });
    let raw_id = &text[start..id_end];
    let id = if wrapped { unwrapped(raw_id) } else { std::borrow::Cow::Borrowed(raw_id) };
    let id = &*id;
    if id.is_empty() {
        // Nothing before the first separator: mark the separator itself.
        let end = (start + 1).min(end.max(start + 1)).min(text.len());
        let end = if text.is_char_boundary(end) { end } else { start };
        file.problems.push(Diagnostic {
            rule: "segment",
            severity: Severity::Error,
            span: Span::new(start, end),
            message: format!(
                "This segment has no id: it starts with the element separator `{}`. A segment \
                 starts with its id (NM1, PER, CLM …); write the id of this one before it.",
                delimiters.element as char
            ),
            fixes: vec![],
            related: vec![],
        });
    } else if !is_segment_id(id) {
        let shown: String = id.chars().take(12).collect();
        // The span covers at most the first 12 characters of the id as written.
        let raw_len: usize = raw_id.chars().take(12).map(char::len_utf8).sum();
        file.problems.push(Diagnostic {
            rule: "segment",
            severity: Severity::Error,
            span: Span::new(start, start + raw_len),
            message: format!(
                "`{shown}` is not a segment id: a segment starts with an id of 2 or 3 upper-case \
                 letters and digits (NM1, CLM, SV1) followed by the element separator `{}`. If \
                 this is the rest of the segment before it, a segment terminator `{}` is in the \
                 wrong place.",
                delimiters.element as char,
                printable(delimiters.segment)
            ),
            fixes: vec![],
            related: vec![],
        });
    }
}

/// Keeps the values without line breaks of the pieces of a segment broken over lines.
fn record_unwrapped(
    file: &mut X12File,
    text: &str,
    start: usize,
    id_end: usize,
    first: usize,
    first_composite: u32,
) {
    let mut spans = vec![Span::new(start, id_end)];
    for index in first..file.elements.len() {
        let element = file.element_rec(index, first_composite);
        spans.push(element.span.span());
        if element.count > 0 {
            for repetition in &file.repetitions[element.first as usize..][..element.count as usize]
            {
                spans.push(repetition.span.span());
                let components = &file.components[repetition.first as usize..];
                spans.extend(components[..repetition.count as usize].iter().map(|c| c.span()));
            }
        }
    }
    for span in spans {
        let raw = span.slice(text);
        if raw.contains(['\n', '\r']) {
            file.unwrapped
                .insert((span.start as u32, span.end as u32), unwrapped(raw).into_owned().into());
        }
    }
}

/// The value of a piece without the line breaks a wrapped file put inside it.
pub fn unwrapped(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains(['\r', '\n']) {
        std::borrow::Cow::Owned(raw.chars().filter(|c| !matches!(c, '\r' | '\n')).collect())
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(levels: &[&str]) -> Option<Vec<usize>> {
        inherited_levels(levels.iter().map(|level| level.as_bytes()))
    }

    #[test]
    fn a_claim_inherits_the_nearest_patient_subscriber_and_billing_provider() {
        // Nearest first: the claim's patient, its subscriber, a patient of an earlier subscriber,
        // the billing provider, and an earlier billing provider.
        assert_eq!(kept(&["23", "22", "23", "20", "20"]), Some(vec![0, 1, 3]));
        // Under a subscriber: earlier subscribers and their patients leave nothing.
        assert_eq!(kept(&["22", "23", "22", "20"]), Some(vec![0, 3]));
        assert_eq!(kept(&["20"]), Some(vec![0]));
        // No billing provider before the claim: back to the transaction's start.
        assert_eq!(kept(&["22"]), Some(vec![0]));
        // A level the walk treats otherwise, before the billing provider: the whole transaction.
        assert_eq!(kept(&["22", "19", "20"]), None);
        assert_eq!(kept(&["22", "", "20"]), None);
        // Beyond the billing provider, nothing is read.
        assert_eq!(kept(&["22", "20", "19"]), Some(vec![0, 1]));
    }

    /// Everything a parse read, in one comparable text (the unwrapped values sorted: a hash
    /// map's order is its own).
    fn dump(file: &X12File) -> String {
        let mut unwrapped: Vec<_> = file.unwrapped.iter().collect();
        unwrapped.sort();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{unwrapped:?}",
            file.segments,
            file.elements,
            file.composites,
            file.repetitions,
            file.components,
            file.delimiters,
            file.problems,
            file.no_envelope,
        )
    }

    /// What `parse` reads in one pass, never in halves.
    fn parse_in_one_pass(text: &str) -> X12File {
        let mut file = X12File::default();
        file.delimiters.push(Delimiters::default());
        read_segments(text, &mut file, 0, text.len(), Delimiters::default());
        crate::sort_diagnostics(&mut file.problems);
        file
    }

    #[test]
    fn a_large_file_read_in_halves_is_read_as_in_one_pass() {
        let isa = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
                   *261101*0800*^*00501*000000001*0*P*:~\n";
        assert_eq!(isa.len(), ISA_LENGTH + 1);
        // Composites, repetitions, empty elements and segments, wrapped segments, bad ids, a
        // blank line: each somewhere around the middle too.
        let pieces = [
            "GS*HC*A*B*20261101*0800*1*X*005010X222A1~\n",
            "CLM*1*10***11:B:1*Y*A*Y*Y~\n",
            "HI*ABK:I10*ABF:E119^ABF:J209~",
            "SV1*HC:99213:25*10*UN*1***1:2~\n",
            "~~\n",
            "NM1*IL*1*DOE*\r\nJANE****MI*123~\n",
            "nm1*bad~",
            "*NOID~\n\n",
            "DTP*472*D8*20251020~\n",
        ];
        let mut body = String::new();
        for _ in 0..3 {
            body.extend(pieces);
        }
        // Every cut the search for the middle can land on: the body cut a byte later each time.
        for skip in 0..pieces.concat().len() {
            let text = format!("{isa}{}IEA*1*000000001", &body[skip..]);
            assert!(halves(&text, 0, Delimiters::default(), 0).is_some());
            let in_halves = parse_in_halves_from(&text, 0);
            assert_eq!(dump(&in_halves), dump(&parse_in_one_pass(&text)), "skip {skip}");
        }
    }

    #[test]
    fn a_file_with_two_interchanges_is_read_in_one_pass() {
        let isa = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
                   *261101*0800*^*00501*000000001*0*P*:~";
        let mut text = String::from(isa);
        text.push_str(&"DTP*472*D8*20251020~".repeat(20));
        text.push_str(&isa.replace('*', "|").replace('~', "!"));
        text.push_str(&"DTP|472|D8|20251020!".repeat(20));
        assert!(halves(&text, 0, Delimiters::default(), 0).is_none());
        let in_halves = parse_in_halves_from(&text, 0);
        assert_eq!(dump(&in_halves), dump(&parse_in_one_pass(&text)));
    }
}
