//! The formatter: canonical layout that never changes what a file means.
//!
//! - indentation: none at top level, two spaces inside a block (also for comments and for lines
//!   of an unclosed block);
//! - keywords (statement and option keywords, `kind` and `priority` values) lower case, `sex`
//!   values upper case;
//! - ICD-10-CM codes of `dx` in canonical dotted upper-case form when the code is shape-valid;
//! - the columns of the `dx` statements of a block aligned, and those of its `line`/`test`
//!   statements (cells separated by two spaces);
//! - trailing whitespace trimmed; each line keeps its own line end (`\n` or `\r\n`).
//!
//! A line with a syntax error only gets its indentation (and, without a quote on it, trailing
//! whitespace) fixed. Comments and quoted text are never touched. Formatting is idempotent.

use std::collections::HashMap;

use claimls_codes::{dotted_icd10cm, is_icd10cm_shape, normalize_code};
use claimls_syntax::{Block, SourceFile, Statement, StatementKind, SyntaxErrorKind, Token};

use crate::{Span, TextEdit};

const INDENT: &str = "  ";
const CELL_GAP: &str = "  ";

/// Formats `text` and returns the whole new text.
pub fn format_text(text: &str) -> String {
    let file = claimls_syntax::parse(text);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    for edit in format(text, &file) {
        out.push_str(&text[last..edit.span.start]);
        out.push_str(&edit.new_text);
        last = edit.span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The edits that format `text` (parsed as `file`): one per changed line, replacing the line's
/// content (its line end excluded), sorted and non-overlapping. Empty when the text is already
/// formatted.
pub fn format(text: &str, file: &SourceFile<'_>) -> Vec<TextEdit> {
    let formatter = Formatter::new(text, file);
    let mut edits = Vec::new();
    let mut depth = 0usize;
    let mut start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    while start < text.len() {
        let newline = text[start..].find('\n').map_or(text.len(), |at| start + at);
        let end = if text[start..newline].ends_with('\r') { newline - 1 } else { newline };
        let content = &text[start..end];
        let new = formatter.line(start, end, &mut depth);
        if new != content {
            edits.push(TextEdit { span: Span::new(start, end), new_text: new });
        }
        start = newline + 1;
    }
    edits
}

/// What starts a line.
#[derive(Clone, Copy)]
enum LineStart<'f, 'a> {
    Header(&'f Block<'a>),
    End(Span),
    Statement(&'f Statement<'a>),
}

struct Formatter<'f, 'a> {
    text: &'a str,
    /// By the offset of the line's first keyword.
    starts: HashMap<usize, LineStart<'f, 'a>>,
    /// Offsets of syntax errors, sorted.
    errors: Vec<usize>,
    /// The aligned text of `dx`, `line` and `test` statements (keyword to last word), by the
    /// offset of their keyword.
    aligned: HashMap<usize, String>,
}

impl<'f, 'a> Formatter<'f, 'a> {
    fn new(text: &'a str, file: &'f SourceFile<'a>) -> Self {
        let mut starts = HashMap::new();
        let mut aligned = HashMap::new();
        for block in &file.blocks {
            starts.insert(block.keyword.start, LineStart::Header(block));
            if let Some(end) = block.end {
                starts.insert(end.start, LineStart::End(end));
            }
            for statement in &block.statements {
                starts.insert(statement.keyword.start, LineStart::Statement(statement));
            }
            let mut dx_rows = Vec::new();
            let mut service_rows = Vec::new();
            for statement in block.statements.iter().filter(|s| !s.has_error) {
                let cells = match &statement.kind {
                    StatementKind::Diagnosis { .. } => dx_cells(text, statement),
                    StatementKind::ServiceLine { .. } | StatementKind::Test { .. } => {
                        service_cells(text, statement)
                    }
                    _ => None,
                };
                let Some(cells) = cells else { continue };
                match statement.kind {
                    StatementKind::Diagnosis { .. } => dx_rows.push((statement, cells)),
                    _ => service_rows.push((statement, cells)),
                }
            }
            for rows in [dx_rows, service_rows] {
                align(text, rows, &mut aligned);
            }
        }
        let errors = file
            .errors
            .iter()
            .filter(|error| error.kind == SyntaxErrorKind::Syntax)
            .map(|error| error.span.start)
            .collect();
        Formatter { text, starts, errors, aligned }
    }

    fn has_error(&self, start: usize, end: usize) -> bool {
        let first = self.errors.partition_point(|&at| at < start);
        self.errors.get(first).is_some_and(|&at| at <= end)
    }

    /// The formatted content of the line `start..end` (no line end); `depth` is the block depth
    /// before the line and is updated for the next one.
    fn line(&self, start: usize, end: usize, depth: &mut usize) -> String {
        let content = &self.text[start..end];
        let trimmed = content.trim_start();
        if trimmed.trim_end().is_empty() {
            return String::new();
        }
        let first = end - trimmed.len();
        let line_start = self.starts.get(&first).copied();
        let indent = match line_start {
            Some(LineStart::Header(_)) => {
                *depth = 1;
                ""
            }
            Some(LineStart::End(_)) => {
                *depth = 0;
                ""
            }
            _ if *depth > 0 => INDENT,
            _ => "",
        };
        let raw_rest = |from: usize| self.text[from..end].trim_end();
        let error = self.has_error(first, end)
            || matches!(line_start, Some(LineStart::Statement(s)) if s.has_error);
        let body = match line_start {
            _ if error || line_start.is_none() => {
                // Trailing space inside an unterminated quote belongs to the value.
                if open_quote(trimmed) {
                    trimmed.to_string()
                } else {
                    trimmed.trim_end().to_string()
                }
            }
            Some(LineStart::Header(block)) => match block.id {
                // `claim  X` → `claim X`; a quoted id is left as written.
                Some(id) if !is_quoted(self.text, &id) => {
                    format!("{} {}{}", self.lower(block.keyword), id.text, raw_rest(id.span.end))
                }
                _ => format!("{}{}", self.lower(block.keyword), raw_rest(block.keyword.end)),
            },
            Some(LineStart::End(span)) => format!("{}{}", self.lower(span), raw_rest(span.end)),
            Some(LineStart::Statement(statement)) => {
                let body = match self.aligned.get(&statement.keyword.start) {
                    Some(aligned) => aligned.clone(),
                    None => self.in_place(statement),
                };
                format!("{body}{}", raw_rest(statement.span.end))
            }
            // A comment line, or a line the parser kept nothing of: handled above.
            None => String::new(),
        };
        format!("{indent}{body}")
    }

    fn lower(&self, span: Span) -> String {
        span.slice(self.text).to_ascii_lowercase()
    }

    /// The statement's text with keywords lower-cased and the dx code canonical, spacing kept.
    fn in_place(&self, statement: &Statement<'_>) -> String {
        let text = self.text;
        let mut replacements: Vec<(Span, String)> =
            vec![(statement.keyword, self.lower(statement.keyword))];
        for (keyword, _) in option_spans(text, statement) {
            replacements.push((keyword, self.lower(keyword)));
        }
        match &statement.kind {
            StatementKind::ClaimKind { value } if !is_quoted(text, value) => {
                replacements.push((value.span, value.text.to_ascii_lowercase()));
            }
            StatementKind::Patient { sex: Some(sex), .. } if !is_quoted(text, sex) => {
                replacements.push((sex.span, sex.text.to_ascii_uppercase()));
            }
            StatementKind::Test { priority: Some(priority), .. } if !is_quoted(text, priority) => {
                replacements.push((priority.span, priority.text.to_ascii_lowercase()));
            }
            StatementKind::Diagnosis { code, .. } if !is_quoted(text, code) => {
                replacements.push((code.span, canonical_dx(code.text)));
            }
            _ => {}
        }
        replacements.sort_by_key(|(span, _)| span.start);
        let mut out = String::new();
        let mut last = statement.span.start;
        for (span, new) in replacements {
            if span.start < last || span.end > statement.span.end {
                continue;
            }
            out.push_str(&text[last..span.start]);
            out.push_str(&new);
            last = span.end;
        }
        out.push_str(&text[last..statement.span.end]);
        out
    }
}

/// Whether a line ends inside a quoted string (a `"` with no closing one, outside a comment).
fn open_quote(line: &str) -> bool {
    let mut in_quote = false;
    for c in line.chars() {
        match c {
            '"' => in_quote = !in_quote,
            '#' if !in_quote => return false,
            _ => {}
        }
    }
    in_quote
}

fn canonical_dx(code: &str) -> String {
    if is_icd10cm_shape(code) { dotted_icd10cm(&normalize_code(code)) } else { code.to_string() }
}

fn is_quoted(text: &str, token: &Token<'_>) -> bool {
    text[..token.span.start].ends_with('"')
}

/// The whole word of a token, quotes included.
fn word_of(text: &str, token: &Token<'_>) -> Span {
    if is_quoted(text, token) {
        let end = if text[token.span.end..].starts_with('"') {
            token.span.end + 1
        } else {
            token.span.end
        };
        Span::new(token.span.start - 1, end)
    } else {
        token.span
    }
}

/// The word before `offset`, skipping whitespace.
fn previous_word(text: &str, offset: usize) -> Option<Span> {
    let before = text[..offset].trim_end();
    let start = before
        .rfind(char::is_whitespace)
        .map_or(0, |at| at + before[at..].chars().next().map_or(1, char::len_utf8));
    (start < before.len()).then(|| Span::new(start, before.len()))
}

/// Each option of a statement as (keyword span, value word span), checked: the keyword is the
/// word right before the value and reads as that option.
fn option_spans(text: &str, statement: &Statement<'_>) -> Vec<(Span, Span)> {
    let mut found = Vec::new();
    let option = |name: &str, value: &Option<Token<'_>>, found: &mut Vec<(Span, Span)>| {
        let Some(value) = value else { return };
        let word = word_of(text, value);
        if let Some(keyword) = previous_word(text, word.start)
            && keyword.slice(text).eq_ignore_ascii_case(name)
        {
            found.push((keyword, word));
        }
    };
    let pointers = |p: &Option<claimls_syntax::Pointers<'_>>, found: &mut Vec<_>| {
        if let Some(p) = p
            && let (Some(first), Some(last)) = (p.letters.first(), p.letters.last())
        {
            let first = word_of(text, first);
            let last = word_of(text, last);
            found.push((p.keyword, Span::new(first.start, last.end)));
        }
    };
    match &statement.kind {
        StatementKind::Patient { dob, sex, member, .. } => {
            option("dob", dob, &mut found);
            option("sex", sex, &mut found);
            option("member", member, &mut found);
        }
        StatementKind::Payer { payer_id, .. } => option("id", payer_id, &mut found),
        StatementKind::Provider { npi, .. } => option("npi", npi, &mut found),
        StatementKind::Procedure { date, .. } => option("date", date, &mut found),
        StatementKind::ServiceLine { pointers: ptr, units, charge, pos, npi, .. } => {
            pointers(ptr, &mut found);
            option("units", units, &mut found);
            option("charge", charge, &mut found);
            option("pos", pos, &mut found);
            option("npi", npi, &mut found);
        }
        StatementKind::Test { pointers: ptr, priority, .. } => {
            pointers(ptr, &mut found);
            option("priority", priority, &mut found);
        }
        _ => {}
    }
    found.sort_by_key(|(keyword, _)| keyword.start);
    found
}

/// A cell of an aligned statement: its source range and its canonical text.
type Cells = Vec<(Span, String)>;

fn dx_cells(text: &str, statement: &Statement<'_>) -> Option<Cells> {
    let StatementKind::Diagnosis { letter, code } = &statement.kind else { return None };
    if is_quoted(text, letter) || is_quoted(text, code) {
        return None;
    }
    checked(
        text,
        statement,
        vec![(letter.span, letter.text.to_string()), (code.span, canonical_dx(code.text))],
    )
}

fn service_cells(text: &str, statement: &Statement<'_>) -> Option<Cells> {
    let mut cells = Vec::new();
    let service = match &statement.kind {
        StatementKind::ServiceLine { from, to, service, .. } => {
            let from = word_of(text, from);
            let end = to.map_or(from.end, |to| word_of(text, &to).end);
            cells.push((Span::new(from.start, end), text[from.start..end].to_string()));
            service
        }
        StatementKind::Test { service, .. } => service,
        _ => return None,
    };
    let code = word_of(text, &service.code);
    let end = service.modifiers.last().map_or(code.end, |m| word_of(text, m).end);
    cells.push((Span::new(code.start, end), text[code.start..end].to_string()));
    for (keyword, value) in option_spans(text, statement) {
        let mut cell = keyword.slice(text).to_ascii_lowercase();
        cell.push(' ');
        let value_text = value.slice(text);
        match &statement.kind {
            StatementKind::Test { priority: Some(p), .. } if word_of(text, p) == value => {
                if is_quoted(text, p) {
                    cell.push_str(value_text);
                } else {
                    cell.push_str(&value_text.to_ascii_lowercase());
                }
            }
            _ => cell.push_str(value_text),
        }
        cells.push((Span::new(keyword.start, value.end), cell));
    }
    checked(text, statement, cells)
}

/// The cells if they cover every word of the statement after its keyword (only whitespace
/// between them), else `None`: then the statement is left unaligned.
fn checked(text: &str, statement: &Statement<'_>, cells: Cells) -> Option<Cells> {
    let mut last = statement.keyword.end;
    for (span, _) in &cells {
        if span.start < last || !text[last..span.start].trim().is_empty() {
            return None;
        }
        last = span.end;
    }
    (last == statement.span.end && last > statement.keyword.end).then_some(cells)
}

/// Pads the cells of `rows` into columns and records each statement's text.
fn align(text: &str, rows: Vec<(&Statement<'_>, Cells)>, aligned: &mut HashMap<usize, String>) {
    let mut widths: Vec<usize> = Vec::new();
    for (_, cells) in &rows {
        for (index, (_, cell)) in cells.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(index) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    for (statement, cells) in rows {
        let mut out = statement.keyword.slice(text).to_ascii_lowercase();
        out.push(' ');
        for (index, (_, cell)) in cells.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < cells.len() {
                let pad = widths[index].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(CELL_GAP);
            }
        }
        aligned.insert(statement.keyword.start, out);
    }
}
