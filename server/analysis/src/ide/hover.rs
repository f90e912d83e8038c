//! Hover: what a code, a letter or an NPI under the cursor means.

use std::fmt::Write as _;

use claimls_codes::{CmKind, CodeSets, NoteKind, describe_windows, normalize_code, service_shape};
use claimls_model::{Claim, Diagnosis, Document, Naming, Pointer};

use super::clamp;
use super::target::{Target, diagnosis, pointers_to, target_at};
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
/// place-of-service code, an NPI, a diagnosis pointer or a diagnosis label. `None` elsewhere
/// (keywords, dates, names, comments, blank space).
pub fn hover(
    text: &str,
    document: &Document,
    naming: &dyn Naming,
    sets: &CodeSets,
    offset: usize,
) -> Option<Hover> {
    let offset = clamp(text, offset);
    let (claim, target) = target_at(document, offset)?;
    let written = target.field().text(text);
    let markdown = match target {
        Target::DxCode(_) => icd10cm(sets, written),
        Target::ProcedureCode(_) => procedure(sets, written),
        Target::ServiceCode(_) => service(sets, written),
        Target::Modifier(_) => self::modifier(sets, written),
        Target::Pos(_) => place(sets, written),
        Target::Npi(_) => self::npi(written),
        Target::Pointer(pointer) => self::pointer(text, naming, sets, claim, pointer),
        Target::DxLabel(dx) => dx_label(text, naming, claim, dx),
    };
    Some(Hover { span: target.field().span, markdown })
}

/// What a part of an X12 or HL7 file is (a segment, an element, a field), for a hover.
pub(crate) struct Place {
    pub span: Span,
    /// Its position and name: `**SV107** — Diagnosis pointers: HI positions 1 and 2`.
    pub headline: String,
    /// What it is for.
    pub about: Option<String>,
}

/// The hover of a syntax that has places: a code's hover (`code`) with the headline of its
/// place below it, or the place alone (headline and what it is for) where there is no code.
pub(crate) fn with_place(code: Option<Hover>, place: Option<Place>) -> Option<Hover> {
    match (code, place) {
        (Some(code), Some(place)) => Some(Hover {
            span: code.span,
            markdown: format!("{}\n\n---\n\n{}", code.markdown, place.headline),
        }),
        (Some(code), None) => Some(code),
        (None, Some(place)) => {
            let markdown = match place.about {
                Some(about) => format!("{}\n\n{about}", place.headline),
                None => place.headline,
            };
            Some(Hover { span: place.span, markdown })
        }
        (None, None) => None,
    }
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

fn pointer(
    text: &str,
    naming: &dyn Naming,
    sets: &CodeSets,
    claim: &Claim,
    pointer: &Pointer,
) -> String {
    let dx_word = naming.words().dx;
    match diagnosis(claim, pointer.key) {
        Some(dx) => {
            let code = dx.code.text(text);
            let title = match sets.icd10cm(code) {
                Some(found) => found.display_title().to_string(),
                None => "(not an ICD-10-CM code)".to_string(),
            };
            let label = dx.label.text(text);
            format!("Points to **{dx_word} {label}** `{code}` — {title}")
        }
        None => format!(
            "No {} in this {}",
            naming.dx_reference(pointer.field.text(text)),
            naming.words().block
        ),
    }
}

fn dx_label(text: &str, naming: &dyn Naming, claim: &Claim, dx: &Diagnosis) -> String {
    let first = claim.diagnoses.first().is_some_and(|first| first.label.span == dx.label.span);
    let mut out = format!("**{} {}**", naming.words().dx, dx.label.text(text));
    if first {
        out.push_str(" — first-listed (principal) diagnosis");
    }
    let mut users: Vec<String> = Vec::new();
    for (line, _) in dx.key.into_iter().flat_map(|key| pointers_to(claim, key)) {
        let user = naming.describe_line(text, line);
        if !users.contains(&user) {
            users.push(user);
        }
    }
    if users.is_empty() {
        out.push_str("\n\nNo line points to it.");
    } else {
        out.push_str("\n\nPointed to by:\n");
        for user in users {
            let _ = writeln!(out, "- `{user}`");
        }
    }
    out.trim_end().to_string()
}
