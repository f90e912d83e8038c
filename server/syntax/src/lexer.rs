//! Splits one line into words: bare words, double-quoted strings and a trailing comment.
//!
//! Every statement is a keyword followed by words, so the statement parsers work on
//! this word list rather than on characters.

use nom::{
    IResult, Parser,
    bytes::complete::{take_till, take_till1, take_while},
    character::complete::char,
    combinator::opt,
    sequence::preceded,
};

use crate::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordKind {
    Bare,
    Quoted,
    /// A `"` with no closing quote on the line; it runs to the end of the line.
    Unterminated,
}

/// A word with absolute byte offsets into the whole text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub kind: WordKind,
}

impl Word {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// The span of the value without its quotes.
    pub fn content_span(&self) -> Span {
        match self.kind {
            WordKind::Bare => self.span(),
            WordKind::Quoted => Span::new(self.start + 1, self.end - 1),
            WordKind::Unterminated => Span::new(self.start + 1, self.end),
        }
    }
}

/// The comment of a line, if any; the words are appended to `words`.
pub(crate) struct LexedLine {
    pub comment: Option<Span>,
}

/// Whitespace separates words; `\r` counts so that a CRLF line end or a stray CR never
/// ends up inside a token.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

fn spaces(input: &str) -> IResult<&str, &str, ()> {
    take_while(is_space).parse_complete(input)
}

fn bare_word(input: &str) -> IResult<&str, &str, ()> {
    take_till1(|c: char| is_space(c) || c == '#' || c == '"').parse_complete(input)
}

/// A quoted string; the `Option` is `None` when the closing quote is missing.
fn quoted(input: &str) -> IResult<&str, (&str, Option<char>), ()> {
    (preceded(char('"'), take_till(|c| c == '"')), opt(char('"'))).parse_complete(input)
}

/// Lexes `line` (no line terminator) that starts at byte `offset` of the text.
pub(crate) fn lex_line(line: &str, offset: usize, words: &mut Vec<Word>) -> LexedLine {
    let position = |rest: &str| offset + line.len() - rest.len();
    let mut rest = line;
    loop {
        if let Ok((after, _)) = spaces(rest) {
            rest = after;
        }
        let start = position(rest);
        if rest.is_empty() {
            return LexedLine { comment: None };
        }
        if rest.starts_with('#') {
            return LexedLine { comment: Some(Span::new(start, offset + line.len())) };
        }
        if let Ok((after, (_, closing))) = quoted(rest) {
            let kind = if closing.is_some() { WordKind::Quoted } else { WordKind::Unterminated };
            rest = after;
            words.push(Word { start, end: position(rest), kind });
        } else if let Ok((after, _)) = bare_word(rest) {
            rest = after;
            words.push(Word { start, end: position(rest), kind: WordKind::Bare });
        } else {
            // Unreachable by construction (every non-space char starts one of the
            // above), but never loop forever on a surprise.
            return LexedLine { comment: None };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(line: &str) -> (Vec<(&str, WordKind)>, Option<&str>) {
        let mut words = Vec::new();
        let lexed = lex_line(line, 0, &mut words);
        (
            words.iter().map(|w| (&line[w.start..w.end], w.kind)).collect(),
            lexed.comment.map(|c| &line[c.range()]),
        )
    }

    #[test]
    fn words_quotes_and_comments() {
        let (words, comment) = lex("  patient \"Doe # J\"\tdob 1980-04-12 # note");
        assert_eq!(
            words,
            vec![
                ("patient", WordKind::Bare),
                ("\"Doe # J\"", WordKind::Quoted),
                ("dob", WordKind::Bare),
                ("1980-04-12", WordKind::Bare),
            ]
        );
        assert_eq!(comment, Some("# note"));
    }

    #[test]
    fn unterminated_quote_runs_to_end() {
        let (words, comment) = lex("payer \"Acme # x");
        assert_eq!(words, vec![("payer", WordKind::Bare), ("\"Acme # x", WordKind::Unterminated)]);
        assert_eq!(comment, None);
    }

    #[test]
    fn comment_glued_to_word() {
        let (words, comment) = lex("end#done");
        assert_eq!(words, vec![("end", WordKind::Bare)]);
        assert_eq!(comment, Some("#done"));
    }
}
