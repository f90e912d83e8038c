//! Text → segments, fields and their parts, each with its exact byte span.
//!
//! HL7 v2 has no grammar to speak of: a message is lines (segments) of fields split by the
//! field separator; a field holds repetitions, a repetition components, a component
//! subcomponents, each split by its own separator. All four separators and the escape
//! character are whatever the MSH (or FHS/BHS) header says in MSH-1 and MSH-2, so each segment
//! keeps the [`Delimiters`] that were in force where it stands.
//!
//! The parser splits segments (at CR, LF or CRLF) and fields eagerly, and the smaller parts on
//! demand ([`Segment::value`], [`split`]): a field is rarely more than a few components, and
//! splitting it again costs less than storing every part of a 10 MB file. Splitting the raw
//! text is exact because a delimiter that is data is always written as an escape sequence
//! (`\S\` for `^`), never as itself; [`decode`] turns those sequences into the value.
//!
//! Parsing never fails: a line that is not a segment gets a `segment` diagnostic and is kept
//! (so offsets still find it), and the next line is read as usual.

use std::borrow::Cow;

use claimls_model::{Diagnostic, Fix, Severity, Span, TextEdit};

use crate::describe::field_label;

/// The separators and the escape character of a message, from MSH-1 and MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub field: u8,
    pub component: u8,
    pub repetition: u8,
    /// `None` when MSH-2 names no escape character (then nothing is decoded).
    pub escape: Option<u8>,
    pub subcomponent: u8,
}

impl Default for Delimiters {
    /// `|^~\&`, what nearly every sender uses and what a broken MSH falls back to.
    fn default() -> Self {
        Delimiters {
            field: b'|',
            component: b'^',
            repetition: b'~',
            escape: Some(b'\\'),
            subcomponent: b'&',
        }
    }
}

/// One segment: a line of the message, or part of a line when two segments ran together.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The whole segment, without its terminator.
    pub span: Span,
    /// The segment id as written (normally three bytes; whatever stands before the first field
    /// separator when the id is malformed).
    pub id: Span,
    /// `fields[n - 1]` is field `n`. In MSH, FHS and BHS, field 1 is the field separator itself
    /// and field 2 the encoding characters, as the standard numbers them.
    pub fields: Vec<Span>,
    pub delimiters: Delimiters,
    /// The id when it is well formed (`*b"PID"`), else three zero bytes: lets a segment be
    /// recognised without the text.
    pub tag: [u8; 3],
    /// False when the id is not three upper-case letters or digits (a `segment` diagnostic
    /// says so); such a segment takes no part in the message structure.
    pub well_formed: bool,
}

/// Where an offset falls inside a segment: the HL7 position, 1-based as HL7 writes it
/// (`OBR-4.3` is field 4, component 3), and the span of the smallest part holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Index into [`Hl7File::segments`].
    pub segment: usize,
    /// 0 when the offset is on the segment id.
    pub field: usize,
    pub repetition: usize,
    pub component: usize,
    pub subcomponent: usize,
    pub span: Span,
}

/// The kind of message, from MSH-9, as far as claimls reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// ORM^O01: general order.
    Orm,
    /// OML^O21: laboratory order.
    Oml,
    /// ORU^R01: results (read for its diagnoses).
    Oru,
    /// ADT: admission, discharge, transfer (read for its diagnoses).
    Adt,
    /// DFT: financial transactions (read for its diagnoses).
    Dft,
    /// Anything else: parsed, but not read.
    Other,
}

impl MessageKind {
    /// ORM^O01 and OML^O21, whose ORC/OBR groups are orders.
    pub fn is_order(self) -> bool {
        matches!(self, MessageKind::Orm | MessageKind::Oml)
    }

    /// How the message kind is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Orm => "ORM^O01",
            MessageKind::Oml => "OML^O21",
            MessageKind::Oru => "ORU^R01",
            MessageKind::Adt => "ADT",
            MessageKind::Dft => "DFT",
            MessageKind::Other => "message",
        }
    }
}

/// One message: its MSH and the segments up to the next MSH (or batch segment).
#[derive(Debug, Clone)]
pub struct Message {
    pub span: Span,
    /// Indexes into [`Hl7File::segments`]; the first is the MSH.
    pub segments: std::ops::Range<usize>,
    pub kind: MessageKind,
}

/// A parsed HL7 v2 file.
#[derive(Debug, Clone, Default)]
pub struct Hl7File {
    /// Every segment in source order, including malformed ones.
    pub segments: Vec<Segment>,
    pub messages: Vec<Message>,
    /// What the parser found wrong itself (rule `segment`), in source order.
    pub problems: Vec<Diagnostic>,
    /// The segment terminator the file uses (its first one; `"\r"` when it has none), for
    /// fixes that split a line.
    pub terminator: &'static str,
}

/// The segments whose field 1 is the field separator and field 2 the encoding characters.
fn is_header_id(id: &[u8]) -> bool {
    matches!(id, b"MSH" | b"FHS" | b"BHS")
}

/// Batch and file envelope segments: they stand between messages, not in one.
fn is_batch_id(id: &[u8]) -> bool {
    matches!(id, b"FHS" | b"BHS" | b"FTS" | b"BTS")
}

impl Segment {
    /// The id as written.
    pub fn id<'t>(&self, text: &'t str) -> &'t str {
        self.id.slice(text)
    }

    /// The id of a well-formed segment (`"PID"`); `""` for a malformed one.
    pub fn name(&self) -> &str {
        std::str::from_utf8(&self.tag).ok().filter(|_| self.well_formed).unwrap_or("")
    }

    /// True when this is a well-formed segment with this id.
    pub fn is(&self, id: &str) -> bool {
        self.name() == id
    }

    /// True for MSH, FHS and BHS, whose first two fields are the delimiters.
    pub fn is_header(&self, text: &str) -> bool {
        is_header_id(self.id.slice(text).as_bytes())
    }

    /// Field `n` (1-based) as written; `None` past the last field.
    pub fn field(&self, n: usize) -> Option<Span> {
        self.fields.get(n.checked_sub(1)?).copied()
    }

    /// Field `n`, or `None` when it is absent or empty.
    pub fn nonempty_field(&self, n: usize) -> Option<Span> {
        self.field(n).filter(|span| !span.is_empty())
    }

    /// The part at `field`-`repetition`.`component`.`subcomponent` (all 1-based), as written;
    /// `None` when the message has fewer parts there. MSH-1 and MSH-2 are never split.
    pub fn value(
        &self,
        text: &str,
        field: usize,
        repetition: usize,
        component: usize,
        subcomponent: usize,
    ) -> Option<Span> {
        let whole = self.field(field)?;
        let first = repetition == 1 && component == 1 && subcomponent == 1;
        if field <= 2 && self.is_header(text) {
            return first.then_some(whole);
        }
        let d = self.delimiters;
        if first {
            // What most reads ask for: the field up to its first separator of any kind.
            let bytes = text.as_bytes().get(whole.range())?;
            let separators = [d.repetition, d.component, d.subcomponent];
            let end = find_any(separators, bytes).map_or(whole.end, |at| whole.start + at);
            return Some(Span::new(whole.start, end));
        }
        let rep = split(text, whole, d.repetition).nth(repetition.checked_sub(1)?)?;
        let comp = split(text, rep, d.component).nth(component.checked_sub(1)?)?;
        split(text, comp, d.subcomponent).nth(subcomponent.checked_sub(1)?)
    }

    /// Component `component` of the first repetition of `field` (all 1-based), whole.
    pub fn component(&self, text: &str, field: usize, component: usize) -> Option<Span> {
        let whole = self.field(field)?;
        if field <= 2 && self.is_header(text) {
            return (component == 1).then_some(whole);
        }
        let d = self.delimiters;
        if component == 1 {
            // The field up to its first repetition or component separator.
            let bytes = text.as_bytes().get(whole.range())?;
            let separators = [d.repetition, d.component, d.component];
            let end = find_any(separators, bytes).map_or(whole.end, |at| whole.start + at);
            return Some(Span::new(whole.start, end));
        }
        let rep = split(text, whole, self.delimiters.repetition).next()?;
        split(text, rep, self.delimiters.component).nth(component.checked_sub(1)?)
    }

    /// Like [`Segment::component`], but `None` when the component is empty.
    pub fn nonempty_component(&self, text: &str, field: usize, component: usize) -> Option<Span> {
        self.component(text, field, component).filter(|span| !span.is_empty())
    }

    /// The repetitions of field `n` (one, possibly empty, when the field exists).
    pub fn repetitions<'t>(&self, text: &'t str, n: usize) -> Split<'t> {
        match self.field(n) {
            Some(span) if n <= 2 && self.is_header(text) => Split::whole(text, span),
            Some(span) => split(text, span, self.delimiters.repetition),
            None => Split::empty(),
        }
    }

    /// The decoded value of a span of this segment (escape sequences resolved).
    pub fn decode<'t>(&self, text: &'t str, span: Span) -> Cow<'t, str> {
        decode(text, span, &self.delimiters)
    }

    /// Where `offset` falls inside this segment (`index` is its index in the file).
    fn locate(&self, text: &str, index: usize, offset: usize) -> Location {
        let mut location = Location {
            segment: index,
            field: 0,
            repetition: 0,
            component: 0,
            subcomponent: 0,
            span: self.id,
        };
        let Some(position) = self.fields.iter().position(|field| field.touches(offset)) else {
            return location;
        };
        if self.id.touches(offset) && offset < self.id.end {
            return location;
        }
        location.field = position + 1;
        location.span = self.fields[position];
        if position < 2 && self.is_header(text) {
            (location.repetition, location.component, location.subcomponent) = (1, 1, 1);
            return location;
        }
        let d = self.delimiters;
        for (r, rep) in split(text, location.span, d.repetition).enumerate() {
            if !rep.touches(offset) {
                continue;
            }
            for (c, comp) in split(text, rep, d.component).enumerate() {
                if !comp.touches(offset) {
                    continue;
                }
                for (s, sub) in split(text, comp, d.subcomponent).enumerate() {
                    if sub.touches(offset) {
                        (location.repetition, location.component, location.subcomponent) =
                            (r + 1, c + 1, s + 1);
                        location.span = sub;
                        return location;
                    }
                }
            }
        }
        location
    }
}

impl Hl7File {
    /// The index of the segment holding `offset` (or ending right before it, where a cursor
    /// sits after typing).
    pub fn segment_at(&self, offset: usize) -> Option<usize> {
        let after = self.segments.partition_point(|segment| segment.span.start <= offset);
        let index = after.checked_sub(1)?;
        self.segments[index].span.touches(offset).then_some(index)
    }

    /// The HL7 position at `offset`: segment, field, repetition, component and subcomponent.
    pub fn location_at(&self, text: &str, offset: usize) -> Option<Location> {
        let index = self.segment_at(offset)?;
        Some(self.segments[index].locate(text, index, offset))
    }

    /// The index of the message holding segment `segment`.
    pub fn message_of(&self, segment: usize) -> Option<usize> {
        let after = self.messages.partition_point(|message| message.segments.start <= segment);
        let index = after.checked_sub(1)?;
        self.messages[index].segments.contains(&segment).then_some(index)
    }
}

/// An iterator over the pieces of a span split at a separator byte; a span with no separator
/// is one piece, and an empty span one empty piece.
#[derive(Debug, Clone)]
pub struct Split<'t> {
    bytes: &'t [u8],
    /// Offset in the text of the next piece, or `None` when done.
    next: Option<usize>,
    end: usize,
    separator: Option<u8>,
}

impl<'t> Split<'t> {
    fn empty() -> Split<'t> {
        Split { bytes: &[], next: None, end: 0, separator: None }
    }

    fn whole(text: &'t str, span: Span) -> Split<'t> {
        Split { bytes: text.as_bytes(), next: Some(span.start), end: span.end, separator: None }
    }
}

impl Iterator for Split<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let start = self.next?;
        let rest = self.bytes.get(start..self.end).unwrap_or(&[]);
        match self.separator.and_then(|separator| find(separator, rest)) {
            Some(at) => {
                self.next = Some(start + at + 1);
                Some(Span::new(start, start + at))
            }
            None => {
                self.next = None;
                Some(Span::new(start, self.end.max(start)))
            }
        }
    }
}

/// The first `byte` in `bytes`. Most pieces of a field are a few bytes long, where a plain loop
/// costs less than setting up `memchr`'s vector search.
fn find(byte: u8, bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 32 {
        bytes.iter().position(|&b| b == byte)
    } else {
        memchr::memchr(byte, bytes)
    }
}

/// The first of the three `bytes` in `haystack`, as [`find`] does it.
fn find_any([a, b, c]: [u8; 3], haystack: &[u8]) -> Option<usize> {
    if haystack.len() < 32 {
        haystack.iter().position(|&x| x == a || x == b || x == c)
    } else {
        memchr::memchr3(a, b, c, haystack)
    }
}

/// Splits `span` of `text` at every `separator` (an ASCII byte, so no piece splits a char).
pub fn split(text: &str, span: Span, separator: u8) -> Split<'_> {
    if span.end > text.len() || span.start > span.end {
        return Split::empty();
    }
    Split {
        bytes: text.as_bytes(),
        next: Some(span.start),
        end: span.end,
        separator: Some(separator),
    }
}

/// The value of `span` with its escape sequences resolved: `\F\` `\S\` `\T\` `\R\` `\E\` become
/// the delimiters they stand for and `\Xhh…\` the bytes it spells (as UTF-8 when they are,
/// else one character per byte); formatting sequences (`\.br\`, `\H\`, …) and anything
/// unterminated stay as written. Borrowed when there is nothing to resolve.
pub fn decode<'t>(text: &'t str, span: Span, delimiters: &Delimiters) -> Cow<'t, str> {
    let raw = span.slice(text);
    let Some(escape) = delimiters.escape else { return Cow::Borrowed(raw) };
    if !raw.as_bytes().contains(&escape) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.as_bytes().iter().position(|&b| b == escape) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.as_bytes().iter().position(|&b| b == escape) else {
            out.push_str(&rest[open..]);
            return Cow::Owned(out);
        };
        let sequence = &after[..close];
        match sequence {
            "F" => out.push(char::from(delimiters.field)),
            "S" => out.push(char::from(delimiters.component)),
            "T" => out.push(char::from(delimiters.subcomponent)),
            "R" => out.push(char::from(delimiters.repetition)),
            "E" => out.push(char::from(escape)),
            _ => match hex_bytes(sequence) {
                Some(bytes) => match String::from_utf8(bytes) {
                    Ok(decoded) => out.push_str(&decoded),
                    Err(error) => out.extend(error.into_bytes().into_iter().map(char::from)),
                },
                None => out.push_str(&rest[open..open + close + 2]),
            },
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The bytes of an `Xhhhh…` escape sequence (an even number of hex digits after the `X`).
fn hex_bytes(sequence: &str) -> Option<Vec<u8>> {
    let hex = sequence.strip_prefix('X')?;
    if hex.is_empty() || hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

fn segment_problem(span: Span, message: String, fixes: Vec<Fix>) -> Diagnostic {
    Diagnostic {
        rule: "segment",
        severity: Severity::Error,
        span,
        message,
        fixes,
        related: Vec::new(),
    }
}

/// Parses HL7 v2 text. Never fails and never panics; see the module docs.
pub fn parse(text: &str) -> Hl7File {
    Parser::new(text).chunk(usize::MAX)
}

/// [`parse`] a few messages at a time, for a caller that reads the file once from start to end
/// (`claimls check`), so that no tree of the whole file is in memory: each [`Hl7File`] handed
/// to `each`, in order, holds whole messages, the next chunk starting at the first MSH after
/// `segments` segments, and the problems of its own lines. Its spans are the text's; its
/// indexes (of segments and messages) its own. What the chunks hold together is what [`parse`]
/// gives.
pub fn parse_in_chunks(text: &str, segments: usize, mut each: impl FnMut(Hl7File)) {
    let mut parser = Parser::new(text);
    loop {
        let chunk = parser.chunk(segments);
        let done = parser.pos >= text.len();
        each(chunk);
        if done {
            return;
        }
    }
}

/// The message that holds `offset` (from its MSH line up to the next MSH line), parsed alone:
/// the same segments, with the text's spans, as [`parse`] has there (an MSH line sets the
/// delimiters again and starts a message, so nothing before it changes how it reads), for an
/// editor request that comes before the whole file is parsed. `None` when no line at or before
/// `offset` starts with `MSH`.
pub fn parse_message_at(text: &str, offset: usize) -> Option<Hl7File> {
    let bytes = text.as_bytes();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Each line start at or before `offset`, last first.
    let mut before = offset.min(bytes.len());
    let start = loop {
        let start = memchr::memrchr2(b'\r', b'\n', &bytes[..before]).map_or(bom, |at| at + 1);
        let start = start.max(bom);
        if bytes[start..].starts_with(b"MSH") {
            break start;
        }
        if start <= bom {
            return None;
        }
        before = start - 1;
    };
    let mut parser = Parser::new(text);
    parser.pos = start;
    Some(parser.chunk(1))
}

/// Where [`parse`] and [`parse_in_chunks`] are in the text, and what carries over from one
/// chunk to the next.
struct Parser<'t> {
    text: &'t str,
    /// The start of the next line.
    pos: usize,
    /// The delimiters of the last header segment.
    delimiters: Delimiters,
    terminator: &'static str,
    /// Whether a segment before any MSH was reported (once a file).
    reported_stray: bool,
    /// The fields of the segment being read (kept to save an allocation a segment).
    fields: Vec<Span>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        Parser {
            text,
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            delimiters: Delimiters::default(),
            terminator: terminator_of(text.as_bytes()),
            reported_stray: false,
            fields: Vec::new(),
        }
    }

    /// The next lines, up to the first MSH after `segments` segments (or the end).
    fn chunk(&mut self, segments: usize) -> Hl7File {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut file = Hl7File { terminator: self.terminator, ..Hl7File::default() };
        while self.pos < bytes.len() {
            let rest = &bytes[self.pos..];
            let end = memchr::memchr2(b'\r', b'\n', rest).map_or(bytes.len(), |at| self.pos + at);
            let line = Span::new(self.pos, end);
            if file.segments.len() >= segments && rest.starts_with(b"MSH") {
                break;
            }
            // One terminator: CR, LF or CRLF.
            self.pos = end;
            if bytes.get(self.pos) == Some(&b'\r') {
                self.pos += 1;
                if bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
            } else if bytes.get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
            if line.slice(text).trim().is_empty() {
                continue;
            }
            read_line(text, line, &mut self.delimiters, &mut file, &mut self.fields);
        }
        group_messages(text, &mut file, &mut self.reported_stray);
        file
    }
}

/// The file's first segment terminator.
fn terminator_of(bytes: &[u8]) -> &'static str {
    match memchr::memchr2(b'\r', b'\n', bytes) {
        Some(at) if bytes[at] == b'\n' => "\n",
        Some(at) if bytes.get(at + 1) == Some(&b'\n') => "\r\n",
        _ => "\r",
    }
}

/// Reads one line as a segment, or as several when segments ran together on it.
fn read_line(
    text: &str,
    line: Span,
    delimiters: &mut Delimiters,
    file: &mut Hl7File,
    fields: &mut Vec<Span>,
) {
    let mut start = line.start;
    loop {
        let segment = read_segment(text, Span::new(start, line.end), delimiters, file, fields);
        match run_together(text, &segment) {
            Some((field, at)) => {
                let first = Segment {
                    span: Span::new(segment.span.start, at),
                    fields: fields_until(&segment.fields, field, at),
                    ..segment
                };
                let id = &text[at..at + 3];
                let name = first.id(text).to_string();
                file.problems.push(segment_problem(
                    Span::new(at, at + 3),
                    format!(
                        "{name} and {id} run together on one line: {id} starts inside {name}-{field}, \
                         so a segment terminator is missing before `{id}`. Start {id} on a line of its own."
                    ),
                    vec![Fix {
                        label: format!("Start {id} on a new line"),
                        edits: vec![TextEdit { span: Span::new(at, at), new_text: file.terminator.to_string() }],
                    }],
                ));
                file.segments.push(first);
                start = at;
            }
            None => {
                file.segments.push(segment);
                return;
            }
        }
    }
}

/// The fields of a segment cut at byte `at`, which lies inside field number `field`.
fn fields_until(fields: &[Span], field: usize, at: usize) -> Vec<Span> {
    let mut kept: Vec<Span> = fields.iter().take(field).copied().collect();
    if let Some(last) = kept.last_mut() {
        last.end = at;
    }
    kept
}

/// Segments whose start we recognise inside another segment's field, with a test of the field
/// that would follow the id (so a value that merely ends in `ORC` is not taken for one).
fn starts_segment(id: &[u8], next_field: &[u8], delimiters: &Delimiters) -> bool {
    let set_id = |field: &[u8]| {
        !field.is_empty() && field.len() <= 4 && field.iter().all(u8::is_ascii_digit)
    };
    match id {
        b"ORC" => next_field.len() == 2 && next_field.iter().all(u8::is_ascii_uppercase),
        b"MSH" => next_field.first() == Some(&delimiters.component),
        b"PID" | b"PV1" | b"OBR" | b"DG1" | b"OBX" | b"NTE" | b"NK1" | b"GT1" | b"IN1" | b"SPM"
        | b"FT1" | b"PR1" | b"AL1" => set_id(next_field),
        _ => false,
    }
}

/// Where another segment starts inside `segment`, if one does: the field number it starts in
/// and the byte offset of its id.
fn run_together(text: &str, segment: &Segment) -> Option<(usize, usize)> {
    if !segment.well_formed {
        return None;
    }
    let bytes = text.as_bytes();
    let first = if segment.is_header(text) { 2 } else { 0 };
    for index in first..segment.fields.len().saturating_sub(1) {
        let field = segment.fields[index];
        if field.len() < 3 {
            continue;
        }
        let at = field.end - 3;
        let id = &bytes[at..field.end];
        let next = segment.fields[index + 1];
        if starts_segment(id, &bytes[next.range()], &segment.delimiters) {
            return Some((index + 1, at));
        }
    }
    None
}

/// Reads one segment from `line`; a header segment sets the delimiters from here on. `fields`
/// is room to split the fields in (so that the segment's own list is allocated once, at its
/// size).
fn read_segment(
    text: &str,
    line: Span,
    delimiters: &mut Delimiters,
    file: &mut Hl7File,
    fields: &mut Vec<Span>,
) -> Segment {
    let bytes = text.as_bytes();
    let raw = &bytes[line.range()];
    if raw.len() >= 3 && is_header_id(&raw[..3]) {
        return read_header(text, line, delimiters, file, fields);
    }
    let d = *delimiters;
    let id_end = memchr::memchr(d.field, raw).map_or(line.end, |at| line.start + at);
    let id = Span::new(line.start, id_end);
    let well_formed = valid_id(&bytes[id.range()]);
    if !well_formed {
        file.problems.push(bad_id(text, id, &d));
    }
    fields.clear();
    if id_end < line.end {
        push_fields(text, Span::new(id_end + 1, line.end), d.field, fields);
    }
    Segment {
        span: line,
        id,
        fields: fields.to_vec(),
        delimiters: d,
        tag: tag_of(&bytes[id.range()], well_formed),
        well_formed,
    }
}

/// The tag of a segment with id bytes `id`.
fn tag_of(id: &[u8], well_formed: bool) -> [u8; 3] {
    match id {
        [a, b, c] if well_formed => [*a, *b, *c],
        _ => [0; 3],
    }
}

/// Three upper-case ASCII letters or digits.
fn valid_id(id: &[u8]) -> bool {
    id.len() == 3 && id.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// What [`split`] gives for `span` at `separator`, pushed onto `fields`: in one pass over the
/// bytes, as a segment's fields are mostly a few bytes long.
fn push_fields(text: &str, span: Span, separator: u8, fields: &mut Vec<Span>) {
    let mut start = span.start;
    for (at, &byte) in text.as_bytes()[span.range()].iter().enumerate() {
        if byte == separator {
            fields.push(Span::new(start, span.start + at));
            start = span.start + at + 1;
        }
    }
    fields.push(Span::new(start, span.end));
}

/// The diagnostic for a segment id that is not three upper-case letters or digits.
fn bad_id(text: &str, id: Span, d: &Delimiters) -> Diagnostic {
    let written = id.slice(text);
    // A long id is usually a line with no field separator, or a wrapped line.
    let shown: String = written.chars().take(12).collect();
    let upper = written.to_ascii_uppercase();
    if written.len() == 3 && valid_id(upper.as_bytes()) {
        return segment_problem(
            id,
            format!("segment id `{written}` must be written in upper case: `{upper}`"),
            vec![Fix {
                label: format!("Write `{upper}`"),
                edits: vec![TextEdit { span: id, new_text: upper }],
            }],
        );
    }
    let field = char::from(d.field);
    segment_problem(
        id,
        format!(
            "`{shown}` is not a segment id: a segment starts with three upper-case letters or digits \
             and `{field}` (like `OBR{field}`); this line is skipped. A wrapped line must be joined to the segment before it."
        ),
        Vec::new(),
    )
}

/// Reads an MSH (or FHS/BHS): MSH-1 is the byte after the id, MSH-2 the encoding characters.
fn read_header(
    text: &str,
    line: Span,
    delimiters: &mut Delimiters,
    file: &mut Hl7File,
    fields: &mut Vec<Span>,
) -> Segment {
    let bytes = text.as_bytes();
    let id = Span::new(line.start, line.start + 3);
    let name = id.slice(text);
    let Some(&field) = bytes.get(line.start + 3).filter(|_| line.len() > 3) else {
        file.problems.push(segment_problem(
            id,
            format!("{name} ends after its id: {name}-1 (the field separator, usually `|`) and {name}-2 (the encoding characters, usually `^~\\&`) are missing"),
            Vec::new(),
        ));
        *delimiters = Delimiters::default();
        return Segment {
            span: line,
            id,
            fields: Vec::new(),
            delimiters: *delimiters,
            tag: tag_of(&bytes[id.range()], true),
            well_formed: true,
        };
    };
    if !usable_delimiter(field) {
        let shown = text.get(line.start + 3..).and_then(|rest| rest.chars().next()).unwrap_or(' ');
        file.problems.push(segment_problem(
            Span::new(line.start + 3, line.start + 3 + shown.len_utf8()),
            format!("{name}-1, the field separator, must be one ASCII punctuation character (usually `|`), not `{}`; the message is read with `|^~\\&`", shown.escape_debug()),
            Vec::new(),
        ));
        *delimiters = Delimiters::default();
        let fields = split(text, Span::new(line.start + 3, line.end), b'|').collect();
        return Segment {
            span: line,
            id,
            fields,
            delimiters: *delimiters,
            tag: tag_of(&bytes[id.range()], true),
            well_formed: true,
        };
    }
    let encoding_start = line.start + 4;
    let encoding_end = memchr::memchr(field, &bytes[encoding_start.min(line.end)..line.end])
        .map_or(line.end, |at| encoding_start + at);
    let encoding = Span::new(encoding_start.min(line.end), encoding_end);
    let (new, problem) = encoding_characters(field, &bytes[encoding.range()]);
    if let Some(problem) = problem {
        let span =
            if encoding.is_empty() { Span::new(line.start + 3, line.start + 4) } else { encoding };
        file.problems.push(segment_problem(
            span,
            format!("{name}-2, the encoding characters, {problem}"),
            Vec::new(),
        ));
    }
    *delimiters = new;
    fields.clear();
    fields.extend([Span::new(line.start + 3, line.start + 4), encoding]);
    if encoding_end < line.end {
        push_fields(text, Span::new(encoding_end + 1, line.end), field, fields);
    }
    Segment {
        span: line,
        id,
        fields: fields.to_vec(),
        delimiters: new,
        tag: tag_of(&bytes[id.range()], true),
        well_formed: true,
    }
}

/// A byte that can be a delimiter: ASCII punctuation (not a letter, digit, space or control).
fn usable_delimiter(byte: u8) -> bool {
    byte.is_ascii_punctuation()
}

/// The delimiters MSH-2 names after field separator `field`, and what is wrong with it if
/// anything (then the usual characters stand in for the unusable ones).
fn encoding_characters(field: u8, encoding: &[u8]) -> (Delimiters, Option<String>) {
    let fallback = Delimiters { field, ..Delimiters::default() };
    let mut chosen = [fallback.component, fallback.repetition, b'\\', fallback.subcomponent];
    let mut problem = None;
    if encoding.len() < 4 || encoding.len() > 5 {
        problem = Some(format!(
            "must be four characters (component, repetition, escape, subcomponent: usually `^~\\&`), \
             or five with the truncation character of version 2.7 on; found {}",
            encoding.len()
        ));
    }
    for (slot, &byte) in chosen.iter_mut().zip(encoding) {
        if usable_delimiter(byte) {
            *slot = byte;
        } else if problem.is_none() {
            problem = Some(format!(
                "must be ASCII punctuation characters; `{}` is not one",
                char::from(byte).escape_debug()
            ));
        }
    }
    let mut all = vec![field];
    all.extend_from_slice(&chosen);
    all.sort_unstable();
    all.dedup();
    if all.len() < 5 {
        return (Delimiters { field, ..Delimiters::default() }, Some("must be four different characters, none of them the field separator; the message is read with `^~\\&`".to_string()));
    }
    let escape = (encoding.len() >= 3).then_some(chosen[2]);
    (
        Delimiters {
            field,
            component: chosen[0],
            repetition: chosen[1],
            escape,
            subcomponent: chosen[3],
        },
        problem,
    )
}

/// Groups the segments into messages (each starts at an MSH) and reports the first segment that
/// stands before any MSH (`reported_stray` says whether an earlier chunk did).
fn group_messages(text: &str, file: &mut Hl7File, reported_stray: &mut bool) {
    let mut current: Option<usize> = None;
    for index in 0..file.segments.len() {
        let segment = &file.segments[index];
        let id = segment.id.slice(text).as_bytes();
        if segment.well_formed && id == b"MSH" {
            if let Some(open) = current.take() {
                close_message(file, open, index);
            }
            let kind = message_kind(text, &file.segments[index]);
            file.messages.push(Message {
                span: file.segments[index].span,
                segments: index..index + 1,
                kind,
            });
            current = Some(file.messages.len() - 1);
            continue;
        }
        if is_batch_id(id) {
            if let Some(open) = current.take() {
                close_message(file, open, index);
            }
            continue;
        }
        if current.is_none() && segment.well_formed && !*reported_stray {
            *reported_stray = true;
            file.problems.push(segment_problem(
                segment.id,
                format!("{} stands before any MSH: every HL7 message starts with an MSH segment, so this is read as no message", segment.id.slice(text)),
                Vec::new(),
            ));
        }
    }
    if let Some(open) = current {
        close_message(file, open, file.segments.len());
    }
    let mut problems = Vec::new();
    for message in &file.messages {
        check_header(text, &file.segments[message.segments.start], &mut problems);
    }
    file.problems.append(&mut problems);
    file.problems.sort_by_key(|problem| (problem.span.start, problem.span.end));
}

fn close_message(file: &mut Hl7File, message: usize, end: usize) {
    let start = file.messages[message].segments.start;
    let last =
        file.segments[start..end].last().map_or(file.messages[message].span.end, |s| s.span.end);
    file.messages[message].segments = start..end;
    file.messages[message].span.end = last;
}

/// What MSH-9 says the message is.
fn message_kind(text: &str, msh: &Segment) -> MessageKind {
    let code = msh.component(text, 9, 1).map_or("", |span| span.slice(text));
    let event = msh.component(text, 9, 2).map_or("", |span| span.slice(text));
    match (code, event) {
        ("ORM", _) => MessageKind::Orm,
        ("OML", "O21" | "") => MessageKind::Oml,
        ("ORU", "R01" | "") => MessageKind::Oru,
        ("ADT", _) => MessageKind::Adt,
        ("DFT", _) => MessageKind::Dft,
        _ => MessageKind::Other,
    }
}

/// MSH-9 (message type) and MSH-12 (version) as claimls needs them.
fn check_header(text: &str, msh: &Segment, problems: &mut Vec<Diagnostic>) {
    if msh.nonempty_component(text, 9, 1).is_none() {
        problems.push(segment_problem(
            msh.field(9).unwrap_or(msh.id),
            format!(
                "{} is empty: claimls cannot tell what the message is; write it as `ORM^O01` or `OML^O21^OML_O21`",
                field_label("MSH", 9)
            ),
            Vec::new(),
        ));
    }
    let version = msh.nonempty_component(text, 12, 1);
    let Some(version) = version else {
        let span = msh.field(12).filter(|s| !s.is_empty()).unwrap_or(msh.id);
        problems.push(segment_problem(
            span,
            format!(
                "{} is empty: write the HL7 version the message follows (2.3 to 2.8, e.g. `2.5.1`)",
                field_label("MSH", 12)
            ),
            Vec::new(),
        ));
        return;
    };
    let written = version.slice(text);
    let minor = written.strip_prefix("2.").and_then(|rest| rest.bytes().next());
    if !matches!(minor, Some(b'3'..=b'8'))
        || written.len() > 2 + 1 && !written[3..].starts_with('.')
    {
        problems.push(segment_problem(
            version,
            format!("MSH-12 says version `{written}`; claimls reads HL7 v2.3 to v2.8 and reads this message as if it were one of them"),
            Vec::new(),
        ));
    }
}
