//! Analysis results (byte offsets, plain data) → LSP types. Every position goes through
//! [`LineIndex`].

use std::collections::HashMap;

use claimls_analysis::syntax::{SemanticToken, TokenKind};
use claimls_analysis::{Fix, Severity, Span};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Range, SemanticTokenType, SemanticTokensLegend, Uri, WorkspaceEdit,
};

use super::line_index::LineIndex;

pub const SOURCE: &str = "claimls";

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(
    index: &LineIndex<'_>,
    uri: &Uri,
    diagnostic: &claimls_analysis::Diagnostic,
) -> lsp::Diagnostic {
    diagnostic_with(|span| index.range(span), uri, diagnostic)
}

/// [`diagnostic`] with the ranges from `range` (a whole document's: [`LineIndex::many`]).
pub fn diagnostic_with(
    range: impl Fn(Span) -> Range,
    uri: &Uri,
    diagnostic: &claimls_analysis::Diagnostic,
) -> lsp::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(related.span)),
            message: related.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: range(diagnostic.span),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.rule.to_string())),
        source: Some(SOURCE.to_string()),
        message: diagnostic.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

/// The parameters of `textDocument/publishDiagnostics` for `diagnostics` as JSON, appended to
/// `out`: byte for byte what serde_json writes for a `PublishDiagnosticsParams` of
/// [`diagnostic_with`]'s diagnostics (a test compares them), written straight from the
/// analysis's diagnostics. The LSP values would be copies of every message, and serde's
/// writer escapes text a byte at a time: for the 7,900 diagnostics (2.8 MB of JSON) of a 1 MB
/// 837, sent after every edit, this takes a third of its instructions.
pub fn write_publish_diagnostics(
    out: &mut String,
    range: impl Fn(Span) -> Range,
    uri: &Uri,
    version: i32,
    diagnostics: &[claimls_analysis::Diagnostic],
) {
    let uri = serde_json::to_string(uri).unwrap_or_default();
    let severities = [Severity::Error, Severity::Warning, Severity::Info, Severity::Hint]
        .map(|s| (s, serde_json::to_string(&severity(s)).unwrap_or_default()));
    let mut number = itoa::Buffer::new();
    let mut write_range = |out: &mut String, span: Span| {
        let Range { start, end } = range(span);
        out.push_str(r#"{"start":{"line":"#);
        out.push_str(number.format(start.line));
        out.push_str(r#","character":"#);
        out.push_str(number.format(start.character));
        out.push_str(r#"},"end":{"line":"#);
        out.push_str(number.format(end.line));
        out.push_str(r#","character":"#);
        out.push_str(number.format(end.character));
        out.push_str("}}");
    };
    // Room for all of it at once (a large document's is megabytes: grown by doubling, it was
    // copied again and again): each diagnostic's text, and some 150 bytes of range, severity,
    // code and source around it, a related location's with the URI.
    let around = |text: &str| 150 + text.len();
    out.reserve(
        diagnostics
            .iter()
            .map(|d| {
                around(&d.message)
                    + d.related.iter().map(|r| around(&r.message) + uri.len()).sum::<usize>()
            })
            .sum(),
    );
    out.push_str(r#"{"uri":"#);
    out.push_str(&uri);
    out.push_str(r#","diagnostics":["#);
    for (n, diagnostic) in diagnostics.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(r#"{"range":"#);
        write_range(out, diagnostic.span);
        let severity = severities.iter().find(|(s, _)| *s == diagnostic.severity);
        out.push_str(r#","severity":"#);
        out.push_str(severity.map_or("", |(_, json)| json));
        out.push_str(r#","code":"#);
        write_json_string(out, diagnostic.rule);
        out.push_str(r#","source":"#);
        write_json_string(out, SOURCE);
        out.push_str(r#","message":"#);
        write_json_string(out, &diagnostic.message);
        if !diagnostic.related.is_empty() {
            out.push_str(r#","relatedInformation":["#);
            for (n, related) in diagnostic.related.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(r#"{"location":{"uri":"#);
                out.push_str(&uri);
                out.push_str(r#","range":"#);
                write_range(out, related.span);
                out.push_str(r#"},"message":"#);
                write_json_string(out, &related.message);
                out.push('}');
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push_str(r#"],"version":"#);
    out.push_str(itoa::Buffer::new().format(version));
    out.push('}');
}

/// `text` as a JSON string, as serde_json writes it: most messages need no escape, and are
/// copied whole.
fn write_json_string(out: &mut String, text: &str) {
    // Without an early exit, so that the compiler checks many bytes at a time.
    let plain = text.as_bytes().chunks(64).all(|chunk| {
        !chunk.iter().fold(false, |escape, &b| escape | (b < 0x20) | (b == b'"') | (b == b'\\'))
    });
    if plain {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    }
}

pub fn text_edit(index: &LineIndex<'_>, edit: &claimls_analysis::TextEdit) -> lsp::TextEdit {
    lsp::TextEdit::new(index.range(edit.span), edit.new_text.clone())
}

pub fn workspace_edit(
    index: &LineIndex<'_>,
    uri: &Uri,
    edits: &[claimls_analysis::TextEdit],
) -> WorkspaceEdit {
    let edits = edits.iter().map(|edit| text_edit(index, edit)).collect();
    WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))
}

/// A diagnostic's fix as a quick fix attached to that diagnostic.
pub fn quick_fix(
    index: &LineIndex<'_>,
    uri: &Uri,
    fix: &Fix,
    diagnostic: lsp::Diagnostic,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title: fix.label.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(workspace_edit(index, uri, &fix.edits)),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

/// The token types of the legend, in index order, and the parser's kinds mapped to them.
/// Standard types, so that every theme colours them.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::TYPE,
    SemanticTokenType::CLASS,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::MODIFIER,
    SemanticTokenType::NUMBER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::STRING,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::ENUM_MEMBER,
];

fn token_type(kind: TokenKind) -> u32 {
    match kind {
        TokenKind::Keyword => 0,
        TokenKind::DiagnosisCode => 1,
        TokenKind::ProcedureCode => 2,
        TokenKind::ServiceCode => 3,
        TokenKind::Modifier => 4,
        TokenKind::Date | TokenKind::Amount | TokenKind::Number => 5,
        TokenKind::Npi => 6,
        TokenKind::Letter => 7,
        TokenKind::String => 8,
        TokenKind::Identifier => 9,
        TokenKind::Comment => 10,
        TokenKind::Separator => 11,
        TokenKind::Qualifier => 12,
    }
}

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TOKEN_TYPES.to_vec(), token_modifiers: Vec::new() }
}

/// Encodes the parser's tokens (sorted, non-overlapping) as LSP relative positions in the
/// negotiated encoding. A token spanning lines (none should) is cut at its first line's end.
pub fn semantic_tokens(
    index: &LineIndex<'_>,
    text: &str,
    tokens: &[SemanticToken],
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut previous_line, mut previous_start) = (0u32, 0u32);
    // The tokens are sorted: one walk over the text converts them all (a look-up each would
    // cost 3.5 µs a token on a megabyte-long line).
    let mut positions = index.in_order(text);
    for token in tokens {
        let start = positions.position(token.span.start);
        let end = positions.position(token.span.end);
        let length = if end.line == start.line {
            end.character.saturating_sub(start.character)
        } else {
            let slice = token.span.slice(text);
            index.len_of(slice.lines().next().unwrap_or(""))
        };
        if length == 0 {
            continue;
        }
        let delta_line = start.line - previous_line;
        let delta_start =
            if delta_line == 0 { start.character - previous_start } else { start.character };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: token_type(token.kind),
            token_modifiers_bitset: 0,
        });
        previous_line = start.line;
        previous_start = start.character;
    }
    out
}

/// Markdown for hover and documentation.
pub fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }
}

pub fn completion_item(
    index: &LineIndex<'_>,
    item: &claimls_analysis::ide::CompletionItem,
) -> lsp::CompletionItem {
    use claimls_analysis::ide::CompletionKind;
    let kind = match item.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Code => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Modifier => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        label_details: item.detail.as_ref().map(|detail| lsp::CompletionItemLabelDetails {
            detail: None,
            description: Some(detail.clone()),
        }),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item
            .documentation
            .as_ref()
            .map(|doc| lsp::Documentation::MarkupContent(markdown(doc.clone()))),
        sort_text: Some(item.sort_text.clone()),
        filter_text: item.filter_text.clone(),
        insert_text_format: Some(if item.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            index.range(item.replace),
            item.insert_text.clone(),
        ))),
        ..lsp::CompletionItem::default()
    }
}

pub fn document_symbol(
    index: &LineIndex<'_>,
    symbol: &claimls_analysis::ide::Symbol,
) -> lsp::DocumentSymbol {
    use claimls_analysis::ide::SymbolKind as Kind;
    let kind = match symbol.kind {
        Kind::Envelope | Kind::Message => lsp::SymbolKind::NAMESPACE,
        Kind::Claim | Kind::Order => lsp::SymbolKind::MODULE,
        Kind::ClaimKind | Kind::PlaceOfService | Kind::OrderDate | Kind::Stay => {
            lsp::SymbolKind::PROPERTY
        }
        Kind::Patient | Kind::Payer | Kind::Provider => lsp::SymbolKind::OBJECT,
        Kind::Diagnosis | Kind::Procedure => lsp::SymbolKind::CONSTANT,
        Kind::Line | Kind::Test => lsp::SymbolKind::EVENT,
    };
    let range = index.range(symbol.span);
    let mut selection = index.range(symbol.selection_span);
    // The selection must lie inside the range.
    if selection.start < range.start || selection.end > range.end {
        selection = range;
    }
    #[allow(deprecated)]
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() { "?".to_string() } else { symbol.name.clone() },
        detail: symbol.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!symbol.children.is_empty())
            .then(|| symbol.children.iter().map(|child| document_symbol(index, child)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use claimls_analysis::{Diagnostic, Related, Severity, Span};
    use tower_lsp_server::ls_types::{PublishDiagnosticsParams, Uri};

    use super::{LineIndex, diagnostic_with, write_publish_diagnostics};
    use crate::lsp::line_index::Encoding;

    #[test]
    fn publish_diagnostics_json_is_what_serde_writes() {
        let text = "ISA*00~\nCLM*\"é\"*1~\r\nNM1*IL*1*DOE~\n";
        let rope = ropey::Rope::from_str(text);
        let uri: Uri = "file:///tmp/a%20b/c%22.837".parse().unwrap();
        let diagnostic =
            |severity, span: (usize, usize), message: &str, related: Vec<Related>| Diagnostic {
                rule: "unused-dx",
                severity,
                span: Span::new(span.0, span.1),
                message: message.to_string(),
                fixes: vec![],
                related,
            };
        let related = |at: usize, message: &str| Related {
            span: Span::new(at, at + 3),
            message: message.to_string(),
        };
        let diagnostics = vec![
            diagnostic(Severity::Error, (0, 3), "plain", vec![]),
            diagnostic(Severity::Warning, (9, 14), "quoted \"é\" \\ tab\t\u{1}", vec![]),
            diagnostic(Severity::Info, (20, 40), "", vec![related(0, "a"), related(9, "b\n")]),
            diagnostic(Severity::Hint, (40, 99), &"long ".repeat(40), vec![]),
        ];
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let index = LineIndex::new(&rope, encoding);
            let many = index.many(text);
            let mut written = String::new();
            write_publish_diagnostics(&mut written, |s| many.range(s), &uri, 7, &diagnostics);
            let lsp = diagnostics.iter().map(|d| diagnostic_with(|s| many.range(s), &uri, d));
            let params = PublishDiagnosticsParams::new(uri.clone(), lsp.collect(), Some(7));
            assert_eq!(written, serde_json::to_string(&params).unwrap());
        }
        let mut empty = String::new();
        write_publish_diagnostics(&mut empty, |_| Default::default(), &uri, 1, &[]);
        let params = PublishDiagnosticsParams::new(uri, Vec::new(), Some(1));
        assert_eq!(empty, serde_json::to_string(&params).unwrap());
    }
}
