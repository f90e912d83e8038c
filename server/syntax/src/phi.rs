//! Where a claim file holds patient-identifying data (PHI): what an editor's presentation mode
//! masks, decided by this parser rather than by an editor's own reading of the text, so that a
//! patient line written with a no-break space or tabs is masked like any other.

use crate::{SemanticToken, SourceFile, Span, StatementKind, TokenKind};

/// Shorter names are not looked for in comments: they would mask ordinary words.
const SHORTEST_NAME_IN_COMMENTS: usize = 3;

/// The spans of patient data in `file` (parsed from `text`), sorted and non-overlapping: each
/// `patient` statement's name (with its quotes), date of birth and member id, and, inside
/// comments, each further mention of a patient's name (any case). Comments are found in
/// `tokens`, the semantic tokens of [`crate::parse`] (the tree may be parsed without them).
pub fn phi_spans(text: &str, file: &SourceFile<'_>, tokens: &[SemanticToken]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for block in &file.blocks {
        for statement in &block.statements {
            let StatementKind::Patient { name, dob, member, .. } = &statement.kind else {
                continue;
            };
            if let Some(name) = name {
                spans.push(name.span);
                let bare = name.text.trim_matches('"').trim().to_lowercase();
                if bare.chars().count() >= SHORTEST_NAME_IN_COMMENTS && !names.contains(&bare) {
                    names.push(bare);
                }
            }
            spans.extend(dob.iter().chain(member).map(|token| token.span));
        }
    }
    // Longest names first, so "Doe, Jane" is masked whole where "Doe" is also a name.
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    for comment in tokens.iter().filter(|token| token.kind == TokenKind::Comment) {
        let Some(body) = text.get(comment.span.start..comment.span.end) else { continue };
        let body = body.to_lowercase();
        // Lower-casing can change byte lengths (rarely): then the offsets would not match.
        if body.len() != comment.span.end - comment.span.start {
            continue;
        }
        for name in &names {
            for (at, found) in body.match_indices(name.as_str()) {
                let start = comment.span.start + at;
                spans.push(Span::new(start, start + found.len()));
            }
        }
    }
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> Vec<&str> {
        let file = crate::parse(text);
        phi_spans(text, &file, &file.tokens)
            .iter()
            .map(|span| &text[span.start..span.end])
            .collect()
    }

    #[test]
    fn name_dob_and_member_of_a_patient_line() {
        let line =
            "claim C\n  patient   \"Doe, Jane\"  dob 1980-04-12  sex F  member XJ1234567\nend\n";
        assert_eq!(masked(line), ["Doe, Jane", "1980-04-12", "XJ1234567"]);
    }

    #[test]
    fn a_no_break_space_or_tabs_between_the_words() {
        let text =
            "claim C\n  patient\u{a0}\"Doe, Jane\"\u{a0}dob\t1980-04-12\t\tmember\u{a0}XJ1\nend\n";
        assert_eq!(masked(text), ["Doe, Jane", "1980-04-12", "XJ1"]);
    }

    #[test]
    fn other_statements_and_comments_without_names_are_left_alone() {
        let text =
            "claim C\n  payer \"Acme Health\" id 60054\n  dx A E11.9\n# dob 1980-01-01\nend\n";
        assert!(masked(text).is_empty());
    }

    #[test]
    fn a_name_mentioned_in_a_comment_is_masked_too() {
        let text =
            "# follow-up for doe, jane\nclaim C\n  patient \"Doe, Jane\"\nend # Doe, Jane again\n";
        assert_eq!(masked(text), ["doe, jane", "Doe, Jane", "Doe, Jane"]);
    }

    #[test]
    fn spans_are_sorted_and_disjoint_across_blocks() {
        let text = "claim A\n  patient \"Roe, Richard\" dob 1970-01-01\nend\norder B\n  patient \"Roe\" dob 1970-01-01\nend\n";
        let file = crate::parse(text);
        let spans = phi_spans(text, &file, &file.tokens);
        assert_eq!(spans.len(), 4);
        assert!(spans.windows(2).all(|pair| pair[0].end <= pair[1].start));
    }
}
