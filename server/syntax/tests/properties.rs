//! Property tests: `parse` never panics and every span it returns is well-formed.

use claimls_syntax::{
    Block, ServiceCode, SourceFile, Span, StatementKind, SyntaxErrorKind, Token, parse,
};
use proptest::prelude::*;

fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: {span:?} is reversed");
    assert!(span.end <= text.len(), "{what}: {span:?} is past the end ({})", text.len());
    assert!(text.is_char_boundary(span.start), "{what}: {span:?} start not on a char boundary");
    assert!(text.is_char_boundary(span.end), "{what}: {span:?} end not on a char boundary");
}

fn check_token(text: &str, token: &Token, what: &str) {
    check_span(text, token.span, what);
}

fn check_tokens<'a, 't: 'a>(text: &str, tokens: impl IntoIterator<Item = &'a Option<Token<'t>>>) {
    for token in tokens.into_iter().flatten() {
        check_token(text, token, "token");
    }
}

fn check_service(text: &str, service: &ServiceCode) {
    check_token(text, &service.code, "service code");
    for modifier in &service.modifiers {
        check_token(text, modifier, "modifier");
    }
}

fn check_block(text: &str, block: &Block) {
    check_span(text, block.span, "block");
    check_span(text, block.keyword, "block keyword");
    check_tokens(text, [&block.id]);
    if let Some(end) = block.end {
        check_span(text, end, "end");
    }
    for statement in &block.statements {
        check_span(text, statement.span, "statement");
        check_span(text, statement.keyword, "statement keyword");
        assert!(block.span.start <= statement.span.start && statement.span.end <= block.span.end);
        match &statement.kind {
            StatementKind::ClaimKind { value } => check_token(text, value, "kind"),
            StatementKind::Patient { name, dob, sex, member } => {
                check_tokens(text, [name, dob, sex, member]);
            }
            StatementKind::Payer { name, payer_id } => check_tokens(text, [name, payer_id]),
            StatementKind::Provider { npi, name, .. } => check_tokens(text, [npi, name]),
            StatementKind::PlaceOfService { code } => check_token(text, code, "pos"),
            StatementKind::OrderDate { date } => check_token(text, date, "date"),
            StatementKind::Stay { admission, discharge } => {
                check_token(text, admission, "stay admission");
                check_tokens(text, [discharge]);
            }
            StatementKind::Diagnosis { letter, code } => {
                check_token(text, letter, "dx letter");
                check_token(text, code, "dx code");
            }
            StatementKind::Procedure { code, date } => {
                check_token(text, code, "px code");
                check_tokens(text, [date]);
            }
            StatementKind::ServiceLine { from, to, service, pointers, units, charge, pos, npi } => {
                check_token(text, from, "from");
                check_service(text, service);
                check_tokens(text, [to, units, charge, pos, npi]);
                for letter in pointers.iter().flat_map(|p| &p.letters) {
                    check_token(text, letter, "ptr letter");
                }
            }
            StatementKind::Test { service, pointers, priority } => {
                check_service(text, service);
                check_tokens(text, [priority]);
                for letter in pointers.iter().flat_map(|p| &p.letters) {
                    check_token(text, letter, "ptr letter");
                }
            }
        }
    }
}

fn check(text: &str) -> SourceFile<'_> {
    let file = parse(text);
    // Without the tokens, the same tree and errors.
    let bare = claimls_syntax::parse_without_tokens(text);
    assert!(bare.tokens.is_empty());
    assert_eq!((&bare.blocks, &bare.errors), (&file.blocks, &file.errors));
    // A piece at a time, the same blocks and errors in the same order.
    for blocks_per_piece in [1, 2] {
        let (mut blocks, mut errors) = (Vec::new(), Vec::new());
        claimls_syntax::parse_in_pieces(text, blocks_per_piece, |piece| {
            blocks.extend(piece.blocks);
            errors.extend(piece.errors);
        });
        assert_eq!((&blocks, &errors), (&file.blocks, &file.errors), "{blocks_per_piece}");
    }
    for block in &file.blocks {
        check_block(text, block);
    }
    for pair in file.blocks.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start, "blocks overlap");
    }
    for error in &file.errors {
        check_span(text, error.span, "error");
        assert!(!error.message.is_empty());
    }
    for pair in file.errors.windows(2) {
        assert!(pair[0].span.start <= pair[1].span.start, "errors not sorted");
    }
    // A bad line gives one syntax error; only block-structure errors may share it.
    let mut syntax_lines: Vec<usize> = file
        .errors
        .iter()
        .filter(|error| error.kind == SyntaxErrorKind::Syntax)
        .map(|error| text[..error.span.start].matches('\n').count())
        .collect();
    let count = syntax_lines.len();
    syntax_lines.dedup();
    assert_eq!(count, syntax_lines.len(), "two syntax errors on one line: {:#?}", file.errors);
    for token in &file.tokens {
        check_span(text, token.span, "semantic token");
        assert!(!token.span.is_empty(), "empty semantic token {token:?}");
    }
    for pair in file.tokens.windows(2) {
        assert!(
            pair[0].span.end <= pair[1].span.start,
            "semantic tokens overlap or are unsorted: {pair:?}"
        );
    }
    file
}

/// Pieces that combine into text close to the real syntax, so that the generated
/// inputs reach deep into the statement parsers.
fn grammarish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "claim",
        "order",
        "end",
        "kind",
        "inpatient",
        "patient",
        "payer",
        "billing",
        "rendering",
        "referring",
        "ordering",
        "npi",
        "pos",
        "date",
        "dx",
        "px",
        "line",
        "test",
        "ptr",
        "units",
        "charge",
        "priority",
        "stat",
        "dob",
        "sex",
        "member",
        "id",
        "CLM-1",
        "A",
        "B",
        "A,B",
        "AB",
        ",",
        "A,",
        ",B",
        "E11.9",
        "e119",
        "99213",
        "99213-25-59",
        "-",
        "99213-",
        "J1815",
        "2026-03-02",
        "2026-03-02..2026-03-05",
        "..",
        "2026-03-02..",
        "1",
        "125.00",
        "$5",
        "1234567893",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "#",
        "# c",
        "\"",
        "\"Doe, Jane\"",
        "Doe,",
        "é",
        "😀",
        "\u{feff}",
        "\u{a0}",
        "\0",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn grammar_alphabet(text in grammarish()) {
        check(&text);
    }

    #[test]
    fn lines_of_grammar_alphabet(lines in prop::collection::vec(grammarish(), 0..8)) {
        check(&lines.join("\n"));
    }
}

#[test]
fn each_line_has_at_most_one_error() {
    let text =
        "claim C1\n  line 2026-03-02 99213- foo ptr A,, units\n  dx AB\n  patient dob x sex\nend\n";
    let file = check(text);
    let lines: Vec<usize> =
        file.errors.iter().map(|error| text[..error.span.start].matches('\n').count()).collect();
    let mut deduped = lines.clone();
    deduped.dedup();
    assert_eq!(lines, deduped, "{:#?}", file.errors);
}

#[test]
fn block_and_statement_at() {
    let text = "claim C1\n  dx A E11.9\nend\n\norder O1\n  date 2026-03-02\nend\n";
    let file = parse(text);
    let at = |needle: &str| text.find(needle).unwrap();
    assert_eq!(file.block_at(at("E11")).and_then(|b| b.id.as_ref()).unwrap().text, "C1");
    assert_eq!(file.block_at(at("O1")).and_then(|b| b.id.as_ref()).unwrap().text, "O1");
    assert!(file.block_at(at("\n\norder") + 1).is_none());
    let order = file.block_at(at("2026")).unwrap();
    let statement = order.statement_at(at("2026")).unwrap();
    assert!(matches!(statement.kind, StatementKind::OrderDate { .. }));
    // The cursor right after the last character still counts.
    assert!(order.statement_at(at("02\nend") + 2).is_some());
    assert!(order.statement_at(text.rfind("end").unwrap()).is_none());
}
