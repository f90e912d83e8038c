//! Hover: what a code, a letter or an NPI under the cursor means.

use std::fmt::Write as _;

use claimls_codes::{CmKind, CodeSets, NoteKind, describe_windows, normalize_code, service_shape};
use claimls_syntax::{Block, SourceFile, StatementKind, Token};

use super::{Target, clamp, diagnoses, pointer_letters, same_letter, target_at};
use crate::Span;
use crate::rules::npi_check;

/// Markdown to show for the value under the cursor, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// At most this many entries of one kind of note are listed.
const NOTES_PER_KIND: usize = 6;

/// Hover for the value at `offset`: an ICD-10-CM, ICD-10-PCS, HCPCS or CPT code, a modifier, a
/// place-of-service code, an NPI, a `ptr` letter or a `dx` letter. `None` elsewhere (keywords,
/// dates, names, comments, blank space).
pub fn hover(text: &str, file: &SourceFile<'_>, sets: &CodeSets, offset: usize) -> Option<Hover> {
    let offset = clamp(text, offset);
    let (block, _, target) = target_at(file, offset)?;
    let (span, markdown) = match target {
        Target::DxCode(code) => (code.span, icd10cm(sets, code.text)),
        Target::ProcedureCode(code) => (code.span, procedure(sets, code.text)),
        Target::ServiceCode(code) => (code.span, service(sets, code.text)),
        Target::Modifier(modifier) => (modifier.span, self::modifier(sets, modifier.text)),
        Target::Pos(code) => (code.span, place(sets, code.text)),
        Target::Npi(npi) => (npi.span, self::npi(npi.text)),
        Target::PtrLetter(letter) => (letter.span, pointer(sets, block, letter)),
        Target::DxLetter(letter) => (letter.span, dx_letter(block, letter)),
    };
    Some(Hover { span, markdown })
}

/// Markdown for an ICD-10-CM code as written (any case, dot optional).
pub(crate) fn icd10cm(sets: &CodeSets, written: &str) -> String {
    let mut out = String::new();
    let Some(code) = sets.icd10cm(written) else {
        let normalized = normalize_code(written);
        if claimls_codes::is_icd10cm_shape(written) {
            let _ = write!(
                out,
                "**{}** — not an ICD-10-CM code (no such code in the code set)",
                claimls_codes::dotted_icd10cm(&normalized)
            );
            let parent = (3..normalized.len())
                .rev()
                .find_map(|len| normalized.get(..len).and_then(|prefix| sets.icd10cm(prefix)));
            if let Some(parent) = parent {
                let _ = write!(
                    out,
                    "\n\nNearest existing parent: `{}` {}",
                    parent.dotted(),
                    parent.display_title()
                );
            }
        } else if claimls_codes::is_icd9_shape(written) {
            let _ = write!(
                out,
                "`{written}` is written like an ICD-9-CM code; US claims use ICD-10-CM since \
                 2015-10-01"
            );
        } else {
            let _ = write!(out, "`{written}` is not written like an ICD-10-CM code");
        }
        return out;
    };
    let dotted = code.dotted();
    let _ = write!(out, "**{dotted}** — {}\n\n", code.display_title());
    match code.kind {
        CmKind::Billable => out.push_str("ICD-10-CM · billable"),
        CmKind::Header => {
            let below = sets.icd10cm_billable_below(code.code, None).len();
            let _ = write!(
                out,
                "ICD-10-CM · header, not billable: {below} billable code{} below it",
                if below == 1 { "" } else { "s" }
            );
        }
        CmKind::Unlisted => out.push_str("ICD-10-CM · not in the current tabular"),
    }
    if code.from_user_file {
        out.push_str(" (from your code file)");
    }
    out.push('\n');

    // Chapter › section › category.
    let mut path = Vec::new();
    if let Some(chapter) = sets.icd10cm_chapter(code.code) {
        path.push(format!(
            "Chapter {} ({}-{}) {}",
            chapter.number, chapter.first, chapter.last, chapter.title
        ));
    }
    if let Some(section) = sets.icd10cm_section(code.code) {
        path.push(format!("{} {}", section.id(), section.title));
    }
    if code.code.len() > 3
        && let Some(category) = code.code.get(..3).and_then(|c| sets.icd10cm(c))
    {
        path.push(format!("{} {}", category.code, category.display_title()));
    }
    if !path.is_empty() {
        let _ = write!(out, "\n{}\n", path.join(" › "));
    }

    // Notes of the section and of the code's ancestors; chapter notes are long and general
    // (they are in every code of the chapter), so they are left out.
    let notes = sets.icd10cm_notes(code.code);
    let kinds = [
        NoteKind::Excludes1,
        NoteKind::Excludes2,
        NoteKind::CodeFirst,
        NoteKind::UseAdditionalCode,
        NoteKind::CodeAlso,
        NoteKind::Includes,
        NoteKind::InclusionTerm,
        NoteKind::Notes,
    ];
    let mut notes_out = String::new();
    for kind in kinds {
        let texts: Vec<&str> = notes
            .iter()
            .filter(|note| note.kind == kind && !note.owner.starts_with("chapter-"))
            .map(|note| note.text)
            .collect();
        if texts.is_empty() {
            continue;
        }
        let shown: Vec<&str> = texts.iter().copied().take(NOTES_PER_KIND).collect();
        let _ = write!(notes_out, "- **{}:** {}", kind.heading(), join_notes(&shown));
        if texts.len() > shown.len() {
            let _ = write!(notes_out, "; … and {} more", texts.len() - shown.len());
        }
        notes_out.push('\n');
    }
    if !notes_out.is_empty() {
        out.push('\n');
        out.push_str(&notes_out);
    }

    // The 7th character table.
    if let Some((owner, characters)) = sets.icd10cm_seventh_characters(code.code) {
        let current = (code.code.len() == 7).then(|| code.code[6..].chars().next()).flatten();
        let _ = write!(out, "\n7th character (from {}):\n", claimls_codes::dotted_icd10cm(owner));
        for seventh in characters {
            let mark = if Some(seventh.character) == current { " ←" } else { "" };
            let _ = writeln!(out, "- `{}` {}{mark}", seventh.character, seventh.meaning);
        }
    }

    if !code.from_user_file && code.kind != CmKind::Header {
        let windows = sets.icd10cm_windows(&code);
        let verdict = if windows.is_empty() {
            "never billable".to_string()
        } else {
            format!("billable {}", describe_windows(&windows))
        };
        let _ = write!(out, "\nValidity: {verdict}");
    }
    out.trim_end().to_string()
}

/// Note texts joined with `; `, except after a lead-in that ends with `:`.
fn join_notes(texts: &[&str]) -> String {
    let mut out = String::new();
    for (index, text) in texts.iter().enumerate() {
        if index > 0 {
            out.push_str(if texts[index - 1].ends_with(':') { " " } else { "; " });
        }
        out.push_str(text);
    }
    out
}

fn plain_code(code: &claimls_codes::PlainCode<'_>) -> String {
    let title = if code.title.is_empty() { "(no title in the bundled data)" } else { code.title };
    let mut out = format!("**{}** — {title}\n\n{}", code.code, code.system.name());
    if code.windows.is_empty() {
        out.push_str(" (from your code file)");
    } else {
        let _ = write!(out, "\n\nValidity: {}", describe_windows(&code.windows));
    }
    out
}

fn procedure(sets: &CodeSets, written: &str) -> String {
    match sets.icd10pcs(written) {
        Some(code) => plain_code(&code),
        None if claimls_codes::is_icd10pcs_shape(written) => {
            format!("**{written}** — not an ICD-10-PCS code (no such code in the code set)")
        }
        None => format!("`{written}` is not written like an ICD-10-PCS code (7 characters)"),
    }
}

fn service(sets: &CodeSets, written: &str) -> String {
    let Some(shape) = service_shape(written) else {
        return format!(
            "`{written}` is not written like a CPT code (5 digits, or 4 digits and F, T or U) \
             or a HCPCS Level II code (a letter and 4 digits)"
        );
    };
    if shape.is_cpt() {
        return match sets.cpt(written) {
            Some(code) => {
                let title =
                    if code.title.is_empty() { "(no title in your file)" } else { code.title };
                format!("**{}** — {title}\n\n{} (from your CPT file)", code.code, shape.name())
            }
            None => format!(
                "**{}** — {} code (not bundled: CPT is licensed by the AMA; add your CPT file to \
                 see titles)",
                written.to_ascii_uppercase(),
                shape.name()
            ),
        };
    }
    match sets.hcpcs(written) {
        Some(code) => plain_code(&code),
        None => format!(
            "**{}** — not a HCPCS Level II code (no such code in the code set)",
            written.to_ascii_uppercase()
        ),
    }
}

fn modifier(sets: &CodeSets, written: &str) -> String {
    match sets.modifier(written) {
        Some(code) => {
            let title = if code.title.is_empty() { "(no description of ours)" } else { code.title };
            let mut out = format!("**Modifier {}** — {title}", code.code);
            if !code.windows.is_empty() {
                let _ = write!(out, "\n\nValidity: {}", describe_windows(&code.windows));
            }
            out
        }
        None => format!("`{written}` is not a known modifier"),
    }
}

fn place(sets: &CodeSets, written: &str) -> String {
    match sets.place_of_service(written) {
        Some(place) => {
            let mut out = format!("**Place of service {}** — {}", place.code, place.name);
            if !place.definition.is_empty() {
                let _ = write!(out, "\n\n{}", place.definition);
            }
            out
        }
        None => format!("`{written}` is not a known place-of-service code"),
    }
}

fn npi(written: &str) -> String {
    match npi_check(written) {
        Some((_, true)) => format!("**NPI {written}** — check digit is valid"),
        Some((expected, false)) => format!(
            "**NPI {written}** — check digit fails: the last digit should be {expected} (Luhn \
             over 80840 and the first 9 digits)"
        ),
        None => format!("**NPI {written}** — not an NPI: an NPI is exactly 10 digits"),
    }
}

fn pointer(sets: &CodeSets, block: &Block<'_>, letter: Token<'_>) -> String {
    match diagnoses(block).find(|(dx, _)| same_letter(dx.text, letter.text)) {
        Some((dx, code)) => {
            let title = match sets.icd10cm(code.text) {
                Some(found) => found.display_title().to_string(),
                None => "(not an ICD-10-CM code)".to_string(),
            };
            format!("Points to **dx {}** `{}` — {title}", dx.text, code.text)
        }
        None => format!("No `dx {}` in this block", letter.text),
    }
}

fn dx_letter(block: &Block<'_>, letter: Token<'_>) -> String {
    let first = diagnoses(block).next().is_some_and(|(dx, _)| dx.span == letter.span);
    let mut out = format!("**dx {}**", letter.text);
    if first {
        out.push_str(" — first-listed (principal) diagnosis");
    }
    let users: Vec<String> = pointer_letters(block)
        .filter(|(_, l)| same_letter(l.text, letter.text))
        .map(|(statement, _)| describe(statement))
        .collect();
    let mut users_dedup: Vec<String> = Vec::new();
    for user in users {
        if !users_dedup.contains(&user) {
            users_dedup.push(user);
        }
    }
    if users_dedup.is_empty() {
        out.push_str("\n\nNo line points to it.");
    } else {
        out.push_str("\n\nPointed to by:\n");
        for user in users_dedup {
            let _ = writeln!(out, "- `{user}`");
        }
    }
    out.trim_end().to_string()
}

/// `line 2026-03-02 99213-25` / `test 83036`.
fn describe(statement: &claimls_syntax::Statement<'_>) -> String {
    let service = |service: &claimls_syntax::ServiceCode<'_>| {
        let mut text = service.code.text.to_string();
        for modifier in &service.modifiers {
            text.push('-');
            text.push_str(modifier.text);
        }
        text
    };
    match &statement.kind {
        StatementKind::ServiceLine { from, to, service: code, .. } => {
            let to = to.map(|to| format!("..{}", to.text)).unwrap_or_default();
            format!("line {}{to} {}", from.text, service(code))
        }
        StatementKind::Test { service: code, .. } => format!("test {}", service(code)),
        _ => String::new(),
    }
}
