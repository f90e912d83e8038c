//! Where an 837's patient data stands, for presentation mode (masking a screen that is shared
//! or projected), decided by the parsed segments and the loops they open, not by the text.

use claimls_model::{Edit, Span};

use crate::parse::{ISA_LENGTH, Segment, X12File};

/// The byte ranges of the subscriber's and the patient's names and member ids (`NM1*IL`,
/// `NM1*QC`: NM103–NM105, NM107, NM109), their addresses (the `N3` and `N4` of those loops),
/// dates of birth (`DMG02`), social security and member numbers (`REF*SY`, `REF*1W` of those
/// loops), the patient control number (`CLM01`) and medical record numbers (`REF*EA`): whole
/// elements as written, in source order, never empty.
pub fn phi_spans(text: &str, file: &X12File) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut person = false;
    for segment in file.segments() {
        segment_phi(text, segment, &mut person, &mut spans);
    }
    spans
}

/// The version before an edit, for [`phi_spans_reusing`]: its parse and its PHI spans.
pub struct PreviousPhi<'a> {
    pub file: &'a X12File,
    pub spans: &'a [Span],
    pub edit: Edit,
}

/// [`phi_spans`] of `file`, reusing what the version before `previous.edit` found: its spans
/// before the segments the edit may have changed are kept as they are, and those after them are
/// moved, from the first NM1, HL or CLM on that the previous version read at the same place
/// with the same delimiters (the parse from there on is the same, and each of those segments
/// decides alone whether a person's loop is open). Only the segments in between are read again.
pub fn phi_spans_reusing(
    text: &str,
    file: &X12File,
    previous: Option<PreviousPhi<'_>>,
) -> Vec<Span> {
    let Some(PreviousPhi { file: old_file, spans: old_spans, edit }) = previous else {
        return phi_spans(text, file);
    };
    // Where the file starts decides whether it has an envelope and what comes before it: an
    // edit there (or a file whose offsets are cut) is read whole.
    // So does an ISA shortly before it: a malformed one is read from the bytes after it, up to
    // twice its length.
    let before = &text.as_bytes()[edit.start.saturating_sub(4 * ISA_LENGTH)..edit.start];
    if edit.start < ISA_LENGTH
        || text.len() >= 1 << 31
        || old_file.delimiters != file.delimiters
        || memchr::memmem::rfind(before, b"ISA").is_some()
    {
        return phi_spans(text, file);
    }
    // The segments terminated before the edit read the same bytes the same way.
    let first_changed =
        file.segments.partition_point(|s| s.terminator.is_some_and(|t| (t as usize) < edit.start));
    let opens_or_closes = |segment: Segment<'_>| matches!(segment.id(text), "NM1" | "HL" | "CLM");
    // From the last segment before them that decides the loop alone.
    let from = (0..first_changed).rev().find(|&i| opens_or_closes(file.segment(i))).unwrap_or(0);
    let from_offset = file.segment(from).span().start;
    let mut spans: Vec<Span> =
        old_spans.iter().take_while(|span| span.start < from_offset).copied().collect();
    let mut person = false;
    for segment in file.segments().skip(from) {
        let start = segment.span().start;
        if start > edit.new_end && segment.index() > 0 && opens_or_closes(segment) {
            let old_start = start - edit.new_end + edit.old_end;
            let same_place = old_file.segment_at(old_start).filter(|&old| {
                old > 0
                    && old_file.segment(old).span().start == old_start
                    && old_file.delimiters_of(old) == segment.delimiters()
            });
            if same_place.is_some() {
                let after = old_spans.partition_point(|span| span.start < old_start);
                spans.extend(old_spans[after..].iter().filter_map(|&span| edit.old_to_new(span)));
                return spans;
            }
        }
        segment_phi(text, segment, &mut person, &mut spans);
    }
    spans
}

/// The PHI spans of one segment pushed onto `spans`; `person` says whether a 2010BA subscriber
/// or 2010CA patient name loop is open (from its NM1 to the next NM1, HL or CLM).
fn segment_phi(text: &str, segment: Segment<'_>, person: &mut bool, spans: &mut Vec<Span>) {
    let elements: &[usize] = match segment.id(text) {
        "NM1" => {
            *person = matches!(segment.text(1, text), "IL" | "QC");
            if *person { &[3, 4, 5, 7, 9] } else { &[] }
        }
        "HL" => {
            *person = false;
            &[]
        }
        "CLM" => {
            *person = false;
            &[1]
        }
        "N3" | "N4" if *person => &[1, 2, 3],
        "DMG" => &[2],
        "REF" => match segment.text(1, text) {
            "EA" => &[2],
            "SY" | "1W" if *person => &[2],
            _ => &[],
        },
        _ => &[],
    };
    spans.extend(
        elements
            .iter()
            .filter_map(|&position| segment.element(position))
            .map(|element| element.span())
            .filter(|span| !span.is_empty()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_addresses_ids_and_dates_of_the_subscriber_and_patient() {
        let text = "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~NM1*IL*1*DOE*JANE****MI*M1~\
                    N3*12 ELM~N4*TOWN*IL*62704~DMG*D8*19800412*F~REF*SY*123456789~\
                    NM1*PR*2*PAYER*****PI*1~N3*PAYER ROAD~CLM*PCN-1*100***11:B:1~REF*EA*MR7~";
        let file = crate::parse(text);
        let masked: Vec<&str> = phi_spans(text, &file).iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            masked,
            [
                "DOE",
                "JANE",
                "M1",
                "12 ELM",
                "TOWN",
                "IL",
                "62704",
                "19800412",
                "123456789",
                "PCN-1",
                "MR7"
            ]
        );
    }
}
