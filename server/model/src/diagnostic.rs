//! The plain results of checking: diagnostics with their fixes, as byte spans.

use std::borrow::Cow;

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
            shortened.extend(word.chars().take(SHORTENED_CHARS));
            shortened.push('…');
        }
        rest = &rest[end..];
    }
    shortened.push_str(rest);
    *message = shortened;
}

/// The characters [`Diagnostic::shorten_long_words`] keeps of a runaway word.
const SHORTENED_CHARS: usize = 40;

/// `value` as a message may quote it: each run of non-blank characters longer than
/// [`MESSAGE_WORD_LIMIT`] bytes cut to just past the limit (and at least 40 characters), so that
/// a message quoting a runaway value (a 20 MB claim id) is not made as long as the value first.
/// The run is still too long, so [`Diagnostic::shorten_long_words`] shortens the message
/// exactly as it would have with the whole run. Ordinary values are borrowed as they are.
pub fn quotable(value: &str) -> Cow<'_, str> {
    if !has_long_word(value.as_bytes()) {
        return Cow::Borrowed(value);
    }
    let mut kept = String::with_capacity(value.len().min(MESSAGE_WORD_LIMIT * 8));
    let mut rest = value;
    while let Some(start) = rest.find(|c: char| !c.is_ascii_whitespace()) {
        kept.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let word = &rest[..end];
        if word.len() <= MESSAGE_WORD_LIMIT {
            kept.push_str(word);
        } else {
            // The shortest start of the word that is still too long and holds the characters
            // that shortening keeps.
            let cut = word
                .char_indices()
                .map(|(at, c)| at + c.len_utf8())
                .enumerate()
                .find(|&(count, at)| count + 1 >= SHORTENED_CHARS && at > MESSAGE_WORD_LIMIT)
                .map_or(word.len(), |(_, at)| at);
            kept.push_str(&word[..cut]);
        }
        rest = &rest[end..];
    }
    kept.push_str(rest);
    Cow::Owned(kept)
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
    fn a_quotable_value_shortens_as_the_whole_value_would() {
        let runs =
            ["x".repeat(81), "é".repeat(41), "é".repeat(100), "🎉".repeat(30), "a".repeat(80)];
        for run in &runs {
            for value in [
                run.clone(),
                format!("{run} tail"),
                format!("head {run}"),
                format!("a {run} {run} b"),
            ] {
                for template in ["`{}` is not closed", "claim {} has no", "({})"] {
                    let whole = template.replace("{}", &value);
                    let quoted = template.replace("{}", &quotable(&value));
                    let (mut whole, mut quoted) = (diagnostic(&whole), diagnostic(&quoted));
                    whole.shorten_long_words();
                    quoted.shorten_long_words();
                    assert_eq!(quoted.message, whole.message, "{value:?} in {template:?}");
                }
            }
        }
        assert!(matches!(quotable("E11.9"), Cow::Borrowed("E11.9")));
        assert!(quotable(&"x".repeat(1_000_000)).len() <= MESSAGE_WORD_LIMIT + 4);
    }

    #[test]
    fn ordinary_messages_are_unchanged() {
        let text = "E11 is a category, not a billable code: choose one of its 87 billable codes";
        let mut d = diagnostic(text);
        d.shorten_long_words();
        assert_eq!(d.message, text);
    }
}
