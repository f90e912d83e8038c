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
/// ends up inside a token. The lexer works on bytes for speed and splits the rare word
/// with non-ASCII bytes again on Unicode whitespace (e.g. a no-break space).
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn spaces(input: &[u8]) -> IResult<&[u8], &[u8], ()> {
    take_while(is_ascii_space).parse_complete(input)
}

fn bare_word(input: &[u8]) -> IResult<&[u8], &[u8], ()> {
    take_till1(|b: u8| is_ascii_space(b) || b == b'#' || b == b'"').parse_complete(input)
}

/// A quoted string; the `Option` is `None` when the closing quote is missing.
fn quoted(input: &[u8]) -> IResult<&[u8], (&[u8], Option<char>), ()> {
    (preceded(char('"'), take_till(|b| b == b'"')), opt(char('"'))).parse_complete(input)
}

/// Lexes `line` (no line terminator) that starts at byte `offset` of the text.
pub(crate) fn lex_line(line: &str, offset: usize, words: &mut Vec<Word>) -> LexedLine {
    let bytes = line.as_bytes();
    // Every split point below is an ASCII byte, so offsets stay on char boundaries.
    let position = |rest: &[u8]| offset + bytes.len() - rest.len();
    let mut rest = bytes;
    loop {
        if let Ok((after, _)) = spaces(rest) {
            rest = after;
        }
        let start = position(rest);
        match rest.first() {
            None => return LexedLine { comment: None },
            Some(b'#') => {
                return LexedLine { comment: Some(Span::new(start, offset + bytes.len())) };
            }
            _ => {}
        }
        if let Ok((after, (_, closing))) = quoted(rest) {
            let kind = if closing.is_some() { WordKind::Quoted } else { WordKind::Unterminated };
            rest = after;
            words.push(Word { start, end: position(rest), kind });
        } else if let Ok((after, word)) = bare_word(rest) {
            rest = after;
            if word.is_ascii() {
                words.push(Word { start, end: position(rest), kind: WordKind::Bare });
            } else {
                split_unicode_spaces(&line[start - offset..position(rest) - offset], start, words);
            }
        } else {
            // Unreachable by construction (every non-space byte starts one of the
            // above), but never loop forever on a surprise.
            return LexedLine { comment: None };
        }
    }
}

fn split_unicode_spaces(word: &str, offset: usize, words: &mut Vec<Word>) {
    let mut start = None;
    for (at, c) in word.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                words.push(Word { start: offset + from, end: offset + at, kind: WordKind::Bare });
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push(Word { start: offset + from, end: offset + word.len(), kind: WordKind::Bare });
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
    fn unicode_spaces_split_words() {
        let (words, _) = lex("dx\u{a0}A\u{2028}é");
        assert_eq!(
            words,
            vec![("dx", WordKind::Bare), ("A", WordKind::Bare), ("é", WordKind::Bare)]
        );
    }

    #[test]
    fn comment_glued_to_word() {
        let (words, comment) = lex("end#done");
        assert_eq!(words, vec![("end", WordKind::Bare)]);
        assert_eq!(comment, Some("#done"));
    }
}
