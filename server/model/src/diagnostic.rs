//! The plain results of checking: diagnostics with their fixes, as byte spans.

use crate::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One replacement of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// A quick fix: a label for the menu and the edits it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub label: String,
    pub edits: Vec<TextEdit>,
}

/// Another place in the file that explains a diagnostic (the first of a duplicate, the other
/// code of an Excludes1 pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id of the catalogue (`unknown-code`, `syntax`, …).
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    /// Plain language: the code, what is wrong, how to fix it.
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

/// The longest run of non-blank characters a message quotes whole. A value the user typed is
/// quoted in messages (a claim id, a code); a runaway one (a 20 MB line without a break) would
/// make every message as long as the file.
pub const MESSAGE_WORD_LIMIT: usize = 80;

impl Diagnostic {
    /// Shortens every quoted run of non-blank characters longer than [`MESSAGE_WORD_LIMIT`]
    /// bytes in the message and the related messages to its first 40 characters and `…`.
    /// Messages of ordinary input are unchanged (and not copied).
    pub fn shorten_long_words(&mut self) {
        shorten_in_place(&mut self.message);
        for related in &mut self.related {
            shorten_in_place(&mut related.message);
        }
    }
}

fn shorten_in_place(message: &mut String) {
    // Words are split at ASCII blanks; a message is unchanged unless one is too long.
    if !has_long_word(message.as_bytes()) {
        return;
    }
    let mut shortened = String::with_capacity(MESSAGE_WORD_LIMIT * 4);
    let mut rest = message.as_str();
    while let Some(start) = rest.find(|c: char| !c.is_ascii_whitespace()) {
        shortened.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let word = &rest[..end];
        if word.len() <= MESSAGE_WORD_LIMIT {
            shortened.push_str(word);
        } else {
            shortened.extend(word.chars().take(40));
            shortened.push('…');
        }
        rest = &rest[end..];
    }
    shortened.push_str(rest);
    *message = shortened;
}

/// Whether `bytes` hold a run of non-blank bytes longer than [`MESSAGE_WORD_LIMIT`]. Every
/// diagnostic passes here, so only a few bytes are read: such a run covers one of the bytes at
/// `LIMIT`, `2 * LIMIT + 1`, … (they are `LIMIT + 1` apart), and only the words at those are
/// measured.
fn has_long_word(bytes: &[u8]) -> bool {
    let mut probe = MESSAGE_WORD_LIMIT;
    while probe < bytes.len() {
        if !bytes[probe].is_ascii_whitespace() {
            let blank = |b: &u8| b.is_ascii_whitespace();
            let start = bytes[..probe].iter().rposition(blank).map_or(0, |at| at + 1);
            let end = bytes[probe..].iter().position(blank).map_or(bytes.len(), |at| probe + at);
            if end - start > MESSAGE_WORD_LIMIT {
                return true;
            }
        }
        probe += MESSAGE_WORD_LIMIT + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(message: &str) -> Diagnostic {
        Diagnostic {
            rule: "syntax",
            severity: Severity::Error,
            span: Span::new(0, 1),
            message: message.to_string(),
            fixes: vec![],
            related: vec![],
        }
    }

    #[test]
    fn a_runaway_word_is_shortened_and_the_rest_kept() {
        let long = "é".repeat(100);
        let mut d = diagnostic(&format!("claim `{long}` has no  patient\n"));
        d.shorten_long_words();
        let expected = format!("claim `{}… has no  patient\n", "é".repeat(39));
        assert_eq!(d.message, expected);
    }

    #[test]
    fn a_long_word_is_found_wherever_it_lies() {
        for length in [80, 81, 82, 200] {
            for before in [0, 1, 40, 79, 80, 81, 82, 161, 162, 300] {
                for after in [0, 1, 5] {
                    let text = format!(
                        "{}{}{}",
                        "a ".repeat(before / 2),
                        "x".repeat(length),
                        " b".repeat(after)
                    );
                    let expected = text.split(' ').any(|word| word.len() > MESSAGE_WORD_LIMIT);
                    assert_eq!(
                        has_long_word(text.as_bytes()),
                        expected,
                        "{length} {before} {after}"
                    );
                }
            }
        }
    }

    #[test]
    fn ordinary_messages_are_unchanged() {
        let text = "E11 is a category, not a billable code: choose one of its 87 billable codes";
        let mut d = diagnostic(text);
        d.shorten_long_words();
        assert_eq!(d.message, text);
    }
}
