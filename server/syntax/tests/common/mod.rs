//! A compact, human-reviewable rendering of a parse result for snapshots.

use std::fmt::Write;

use claimls_syntax::{
    Pointers, ServiceCode, SourceFile, Span, StatementKind, SyntaxErrorKind, Token,
};

fn span(text: &str, span: Span) -> String {
    format!("{}..{} {:?}", span.start, span.end, span.slice(text))
}

fn token(out: &mut String, name: &str, token: &Option<Token>) {
    if let Some(token) = token {
        let _ = write!(out, " {name}={:?}@{}..{}", token.text, token.span.start, token.span.end);
    }
}

fn service(out: &mut String, service: &ServiceCode) {
    token(out, "code", &Some(service.code));
    for modifier in &service.modifiers {
        token(out, "mod", &Some(*modifier));
    }
}

fn pointers(out: &mut String, pointers: &Option<Pointers>) {
    if let Some(pointers) = pointers {
        for letter in &pointers.letters {
            token(out, "ptr", &Some(*letter));
        }
    }
}

pub fn render(file: &SourceFile, text: &str) -> String {
    let mut out = String::new();
    for block in &file.blocks {
        let _ = writeln!(
            out,
            "{:?} {} keyword={}..{} end={:?}",
            block.kind,
            span(text, Span::new(block.span.start, block.keyword.end)),
            block.keyword.start,
            block.keyword.end,
            block.end.map(|end| (end.start, end.end)),
        );
        let _ = write!(out, "  span={}..{}", block.span.start, block.span.end);
        token(&mut out, "id", &block.id);
        out.push('\n');
        for statement in &block.statements {
            let _ = write!(out, "  {}", span(text, statement.span));
            if statement.has_error {
                out.push_str(" HAS_ERROR");
            }
            out.push_str("\n   ");
            match &statement.kind {
                StatementKind::ClaimKind { value } => {
                    out.push_str(" kind");
                    token(&mut out, "value", &Some(*value));
                }
                StatementKind::Patient { name, dob, sex, member } => {
                    out.push_str(" patient");
                    token(&mut out, "name", name);
                    token(&mut out, "dob", dob);
                    token(&mut out, "sex", sex);
                    token(&mut out, "member", member);
                }
                StatementKind::Payer { name, payer_id } => {
                    out.push_str(" payer");
                    token(&mut out, "name", name);
                    token(&mut out, "id", payer_id);
                }
                StatementKind::Provider { role, npi, name } => {
                    let _ = write!(out, " provider {role:?}");
                    token(&mut out, "npi", npi);
                    token(&mut out, "name", name);
                }
                StatementKind::PlaceOfService { code } => {
                    out.push_str(" pos");
                    token(&mut out, "code", &Some(*code));
                }
                StatementKind::OrderDate { date } => {
                    out.push_str(" date");
                    token(&mut out, "date", &Some(*date));
                }
                StatementKind::Stay { admission, discharge } => {
                    out.push_str(" stay");
                    token(&mut out, "admission", &Some(*admission));
                    token(&mut out, "discharge", discharge);
                }
                StatementKind::Diagnosis { letter, code } => {
                    out.push_str(" dx");
                    token(&mut out, "letter", &Some(*letter));
                    token(&mut out, "code", &Some(*code));
                }
                StatementKind::Procedure { code, date } => {
                    out.push_str(" px");
                    token(&mut out, "code", &Some(*code));
                    token(&mut out, "date", date);
                }
                StatementKind::ServiceLine {
                    from,
                    to,
                    service: code,
                    pointers: ptr,
                    units,
                    charge,
                    pos,
                    npi,
                } => {
                    out.push_str(" line");
                    token(&mut out, "from", &Some(*from));
                    token(&mut out, "to", to);
                    service(&mut out, code);
                    pointers(&mut out, ptr);
                    token(&mut out, "units", units);
                    token(&mut out, "charge", charge);
                    token(&mut out, "pos", pos);
                    token(&mut out, "npi", npi);
                }
                StatementKind::Test { service: code, pointers: ptr, priority } => {
                    out.push_str(" test");
                    service(&mut out, code);
                    pointers(&mut out, ptr);
                    token(&mut out, "priority", priority);
                }
            }
            out.push('\n');
        }
    }
    for error in &file.errors {
        let kind = match error.kind {
            SyntaxErrorKind::Syntax => "syntax",
            SyntaxErrorKind::UnclosedBlock => "unclosed-block",
        };
        let _ = writeln!(out, "error[{kind}] {}\n    {}", span(text, error.span), error.message);
    }
    out.push_str("tokens:\n");
    let mut line_start = 0;
    let mut line_tokens = String::new();
    let mut line_number = 1;
    for semantic in &file.tokens {
        while text[line_start..].find('\n').is_some_and(|at| line_start + at < semantic.span.start)
        {
            flush(&mut out, &mut line_tokens, line_number);
            line_start += text[line_start..].find('\n').unwrap() + 1;
            line_number += 1;
        }
        let _ = write!(line_tokens, " {:?}={:?}", semantic.kind, semantic.span.slice(text));
    }
    flush(&mut out, &mut line_tokens, line_number);
    out
}

fn flush(out: &mut String, line_tokens: &mut String, line_number: usize) {
    if !line_tokens.is_empty() {
        let _ = writeln!(out, "  {line_number}:{line_tokens}");
        line_tokens.clear();
    }
}
