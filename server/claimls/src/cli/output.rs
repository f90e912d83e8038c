//! How `claimls check` prints diagnostics: compiler-style for people, JSON for programs.

use claimls_analysis::{Diagnostic, Severity};

/// Line and column (both 1-based; the column counts characters) of byte offsets in one text.
pub struct LineMap<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last position worked out (offset, line index, column): diagnostics come in order, so
    /// the next column is counted from there rather than from the start of a long line (a
    /// one-line 837).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineMap<'a> {
    /// Lines end at LF, CRLF or a lone CR, as editors count them (HL7 ends segments with CR).
    pub fn new(text: &'a str) -> LineMap<'a> {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for index in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let ends = bytes[index] == b'\n' || bytes.get(index + 1) != Some(&b'\n');
            if ends {
                line_starts.push(index + 1);
            }
        }
        LineMap { text, line_starts, last: std::cell::Cell::new((0, 0, 0)) }
    }

    /// (line, column), both 1-based; an offset inside a character counts as that character.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let (line, offset) = self.line_of(offset);
        let (last_offset, last_line, last_column) = self.last.get();
        let (from, column) = if last_line == line && last_offset <= offset {
            (last_offset, last_column)
        } else {
            (self.line_starts[line], 0)
        };
        let column = column + self.text[from..offset].chars().count();
        self.last.set((offset, line, column));
        (line + 1, column + 1)
    }

    /// Where `offset` lies in its line's text, in bytes (on a character boundary).
    pub fn byte_in_line(&self, offset: usize) -> usize {
        let (line, offset) = self.line_of(offset);
        (offset - self.line_starts[line]).min(self.line_text(line + 1).len())
    }

    /// The 0-based line of `offset`, and the offset moved into the text and back to the start
    /// of the character it is inside.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // Diagnostics come in order, so most offsets lie in the line of the last position: that
        // line is tried before a binary search over every line start.
        let (_, last_line, _) = self.last.get();
        let next_start = self.line_starts.get(last_line + 1).copied().unwrap_or(usize::MAX);
        if self.line_starts[last_line] <= offset && offset < next_start {
            return (last_line, offset);
        }
        (self.line_starts.partition_point(|&start| start <= offset) - 1, offset)
    }

    /// The text of a 1-based line, without its line end.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).map_or(self.text.len(), |next| next - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }
}

/// Colours for a terminal; empty strings when printing to a file or pipe.
pub struct Style {
    pub on: bool,
}

impl Style {
    /// Appends `text` in the colour `code` (an SGR code) when colours are on. It is written
    /// straight into the output, never through a formatter: a large file has a lot of output.
    fn push(&self, out: &mut String, code: &str, text: &str) {
        if self.on {
            out.push_str("\x1b[");
            out.push_str(code);
            out.push('m');
            out.push_str(text);
            out.push_str("\x1b[0m");
        } else {
            out.push_str(text);
        }
    }

    fn severity_code(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
            Severity::Hint => "1;36",
        }
    }
}

/// Appends `count` times the ASCII character `c`.
fn push_repeated(out: &mut String, c: u8, count: usize) {
    // A run of the character is pushed as a slice, not a character at a time.
    const SPACES: &str = "                                                                ";
    const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";
    let run = if c == b'^' { CARETS } else { SPACES };
    debug_assert!(c == b'^' || c == b' ');
    let mut left = count;
    while left > 0 {
        let n = left.min(run.len());
        out.push_str(&run[..n]);
        left -= n;
    }
}

/// Appends a number in decimal.
fn push_number(out: &mut String, n: usize) {
    // Two digits at a time and pushed as one slice, with no UTF-8 check of the digits.
    out.push_str(itoa::Buffer::new().format(n));
}

/// One diagnostic as a compiler prints it:
///
/// ```text
/// error[header-code]: E11 is a category, not a billable code: …
///   --> examples/training/rules.claims:12:9
///    |
/// 12 |   dx A  E11
///    |         ^^^
/// ```
///
/// It is appended to `out`, so that one buffer serves every diagnostic.
pub fn human(
    out: &mut String,
    path: &str,
    map: &LineMap<'_>,
    diagnostic: &Diagnostic,
    style: &Style,
) {
    let (line, column) = map.position(diagnostic.span.start);
    let (end_line, end_column) = map.position(diagnostic.span.end);
    style.push(out, Style::severity_code(diagnostic.severity), diagnostic.severity.as_str());
    if style.on {
        style.push(out, "1", &format!("[{}]", diagnostic.rule));
    } else {
        out.push('[');
        out.push_str(diagnostic.rule);
        out.push(']');
    }
    out.push_str(": ");
    style.push(out, "1", &diagnostic.message);
    out.push('\n');
    let gutter = line.ilog10() as usize + 1;
    // A line starting with the gutter's blank, then a blue `mark`.
    let margin = |out: &mut String, mark: &str| {
        push_repeated(out, b' ', gutter);
        out.push(' ');
        style.push(out, "34", mark);
    };
    push_repeated(out, b' ', gutter);
    style.push(out, "34", "-->");
    out.push(' ');
    out.push_str(path);
    out.push(':');
    push_number(out, line);
    out.push(':');
    push_number(out, column);
    out.push('\n');
    // The marker of a span longer than a screen underlines its start (the excerpt shows no more).
    let width = if end_line == line { end_column.saturating_sub(column).max(1) } else { 1 };
    let width = width.min(EXCERPT_LONGEST_MARKER);
    // A long line (an X12 file written on one line) is shown around the span only.
    let (source, column) =
        excerpt(map.line_text(line), map.byte_in_line(diagnostic.span.start), column, width);
    margin(out, "|");
    out.push('\n');
    if style.on {
        style.push(out, "34", &line.to_string());
    } else {
        push_number(out, line);
    }
    out.push(' ');
    style.push(out, "34", "|");
    out.push(' ');
    // Each tab shown as one space, so that the `^` marker below it lines up.
    for (i, part) in source.split('\t').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(part);
    }
    out.push('\n');
    let marker_colour = if diagnostic.severity == Severity::Error { "1;31" } else { "1;33" };
    margin(out, "|");
    out.push(' ');
    push_repeated(out, b' ', column - 1);
    if style.on {
        style.push(out, marker_colour, &"^".repeat(width));
    } else {
        push_repeated(out, b'^', width);
    }
    out.push('\n');
    for fix in &diagnostic.fixes {
        margin(out, "=");
        out.push_str(" fix: ");
        out.push_str(&fix.label);
        out.push('\n');
    }
    for related in &diagnostic.related {
        let (related_line, related_column) = map.position(related.span.start);
        margin(out, "=");
        out.push_str(" note: ");
        out.push_str(path);
        out.push(':');
        push_number(out, related_line);
        out.push(':');
        push_number(out, related_column);
        out.push_str(": ");
        out.push_str(&related.message);
        out.push('\n');
    }
}

/// One diagnostic as a JSON object (see `docs/claim-format.md`, section 5).
pub fn json(path: &str, map: &LineMap<'_>, diagnostic: &Diagnostic) -> serde_json::Value {
    let (line, column) = map.position(diagnostic.span.start);
    let (end_line, end_column) = map.position(diagnostic.span.end);
    let fixes: Vec<serde_json::Value> = diagnostic
        .fixes
        .iter()
        .map(|fix| {
            let edits: Vec<serde_json::Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    let (line, column) = map.position(edit.span.start);
                    let (end_line, end_column) = map.position(edit.span.end);
                    serde_json::json!({
                        "line": line, "column": column, "end_line": end_line,
                        "end_column": end_column, "new_text": edit.new_text,
                    })
                })
                .collect();
            serde_json::json!({ "label": fix.label, "edits": edits })
        })
        .collect();
    serde_json::json!({
        "path": path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": diagnostic.severity.as_str(),
        "code": diagnostic.rule,
        "message": diagnostic.message,
        "fixes": fixes,
    })
}

/// Lines up to this many characters are shown whole under a diagnostic.
const EXCERPT_FROM: usize = 120;

/// Characters shown before and after a diagnostic's span on a longer line.
const EXCERPT_CONTEXT: usize = 50;
/// The longest `^^^` marker shown: a longer span (a whole runaway line) is underlined at its start.
const EXCERPT_LONGEST_MARKER: usize = 500;

/// The part of `source` to show under a diagnostic at `column` (1-based, in characters) that is
/// `width` characters wide, and the column the span then starts at: the whole line when it is
/// short, else the span with some context and `…` where the line goes on.
fn excerpt(
    source: &str,
    at: usize,
    column: usize,
    width: usize,
) -> (std::borrow::Cow<'_, str>, usize) {
    // Only the characters around the span are looked at, never the whole line: a one-line 837
    // with thousands of diagnostics would otherwise be read once per diagnostic.
    // A line of at most that many bytes has at most that many characters.
    if source.len() <= EXCERPT_FROM || source.chars().nth(EXCERPT_FROM).is_none() {
        return (std::borrow::Cow::Borrowed(source), column);
    }
    let (before, after) = source.split_at(at);
    let start = before.char_indices().rev().nth(EXCERPT_CONTEXT - 1).map_or(0, |(i, _)| i);
    let end = after.char_indices().nth(width + EXCERPT_CONTEXT).map(|(i, _)| at + i);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.push_str(&source[start..end.unwrap_or(source.len())]);
    if end.is_some() {
        shown.push('…');
    }
    let shown_before = source[start..at].chars().count();
    (std::borrow::Cow::Owned(shown), shown_before + 1 + usize::from(start > 0))
}

/// A JSON array written an element at a time, byte for byte what
/// `serde_json::to_writer_pretty` writes for the whole array (two-space indent, `[]` when
/// empty), so that `check --format json` needs no more memory than one piece's diagnostics.
#[derive(Default)]
pub struct JsonArray {
    written: usize,
    /// One element's text; reused.
    element: Vec<u8>,
}

impl JsonArray {
    /// Writes `value` as the next element.
    pub fn push(
        &mut self,
        out: &mut impl std::io::Write,
        value: &serde_json::Value,
    ) -> std::io::Result<()> {
        self.element.clear();
        serde_json::to_writer_pretty(&mut self.element, value)?;
        out.write_all(if self.written == 0 { b"[\n  " } else { b",\n  " })?;
        // One level deeper inside the array: every line of the element gets two more spaces.
        // (A newline in JSON text is always a line break: in strings it is escaped.)
        for (i, line) in self.element.split(|b| *b == b'\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n  ")?;
            }
            out.write_all(line)?;
        }
        self.written += 1;
        Ok(())
    }

    /// Closes the array (and the line).
    pub fn finish(self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_clamp() {
        let map = LineMap::new("ab\r\nçd\ne");
        assert_eq!(map.position(0), (1, 1));
        assert_eq!(map.position(4), (2, 1));
        assert_eq!(map.position(6), (2, 2), "after the two-byte ç");
        assert_eq!(map.position(5), (2, 1), "inside ç counts as ç");
        assert_eq!(map.position(100), (3, 2));
        assert_eq!(map.line_text(1), "ab");
        assert_eq!(map.line_text(3), "e");
    }

    #[test]
    fn positions_asked_in_any_order_are_those_counted_from_the_start() {
        let text = "ab\r\nçd\ne\rf\n\ng\n";
        // Counted char by char from the start: a line ends at LF, CRLF or a lone CR (the CR of a
        // CRLF is a character of its line).
        let counted = |offset: usize| {
            let (mut line, mut column) = (1, 1);
            for (at, c) in text[..offset].char_indices() {
                let ends = c == '\n' || (c == '\r' && !text[at + 1..].starts_with('\n'));
                if ends { (line, column) = (line + 1, 1) } else { column += 1 }
            }
            (line, column)
        };
        let offsets: Vec<usize> = (0..=text.len()).filter(|&o| text.is_char_boundary(o)).collect();
        for &before in &offsets {
            for &offset in &offsets {
                let map = LineMap::new(text);
                map.position(before);
                assert_eq!(map.position(offset), counted(offset), "{offset} after {before}");
            }
        }
    }

    #[test]
    fn a_streamed_array_is_what_serde_json_writes_whole() {
        let values = [
            serde_json::json!({ "a": 1, "b": [ { "c": "x\ny" }, [] ], "d": {} }),
            serde_json::json!([]),
            serde_json::json!("line\n  two"),
            serde_json::json!({ "fixes": [ { "edits": [ { "line": 1 } ] } ] }),
        ];
        for count in 0..=values.len() {
            let mut whole = serde_json::to_vec_pretty(&values[..count].to_vec()).unwrap();
            whole.push(b'\n');
            let mut streamed = Vec::new();
            let mut array = JsonArray::default();
            for value in &values[..count] {
                array.push(&mut streamed, value).unwrap();
            }
            array.finish(&mut streamed).unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(whole).unwrap());
        }
    }
}
