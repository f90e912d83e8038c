//! What the segments and fields claimls reads are for, in the project's own words.
//!
//! One table, shared by the diagnostics (which name a field: "DG1-3.3 (diagnosis code: coding
//! system)") and by a hover. The HL7 standard's text is not bundled and no dictionary was
//! copied: names are the short, factual labels of a position, descriptions say what claimls
//! reads there. A segment or field that is not here is one claimls does not describe.

use std::fmt::Write as _;

use claimls_model::Span;

use crate::parse::Hl7File;

/// A segment claimls describes.
#[derive(Debug, Clone, Copy)]
pub struct SegmentInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub about: &'static str,
}

/// A field claimls describes.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    pub segment: &'static str,
    pub field: u16,
    pub name: &'static str,
    pub about: &'static str,
}

const fn s(id: &'static str, name: &'static str, about: &'static str) -> SegmentInfo {
    SegmentInfo { id, name, about }
}

const fn f(
    segment: &'static str,
    field: u16,
    name: &'static str,
    about: &'static str,
) -> FieldInfo {
    FieldInfo { segment, field, name, about }
}

/// The segments, by id.
pub static SEGMENTS: &[SegmentInfo] = &[
    s("AL1", "allergy", "One allergy of the patient. Not checked by claimls."),
    s(
        "BHS",
        "batch header",
        "Opens a batch of messages; its first two fields are the delimiters, as in MSH.",
    ),
    s("BLG", "billing", "How an order is to be billed. Not checked by claimls."),
    s("BTS", "batch trailer", "Closes a batch of messages."),
    s("CTI", "clinical trial", "The clinical trial an order belongs to. Not checked by claimls."),
    s(
        "DG1",
        "diagnosis",
        "One diagnosis. In an order it is the reason for the test: claimls checks DG1-3 as an ICD-10-CM code on the order's date.",
    ),
    s("EVN", "event", "When and why an ADT message was sent."),
    s(
        "FHS",
        "file header",
        "Opens a file of batches; its first two fields are the delimiters, as in MSH.",
    ),
    s("FT1", "financial transaction", "One charge of a DFT message."),
    s("FTS", "file trailer", "Closes a file of batches."),
    s(
        "GT1",
        "guarantor",
        "The person responsible for the bill. Its names, addresses and ids are masked in presentation mode.",
    ),
    s(
        "IN1",
        "insurance",
        "One insurance plan of the patient; claimls reads the company as the payer.",
    ),
    s("IN2", "insurance, more", "More about the insured person. Not checked by claimls."),
    s(
        "MSH",
        "message header",
        "Starts every message: MSH-1 and MSH-2 set the delimiters, MSH-9 says what the message is, MSH-12 its HL7 version.",
    ),
    s("NK1", "next of kin", "A relative or contact of the patient. Masked in presentation mode."),
    s("NTE", "note", "Free text about the segment before it."),
    s(
        "OBR",
        "observation request",
        "The test or study ordered (OBR-4) with its dates and ordering provider; in ORM^O01 and OML^O21 it follows its ORC.",
    ),
    s(
        "OBX",
        "observation",
        "One result or one answer to an order question. Not checked by claimls.",
    ),
    s(
        "ORC",
        "common order",
        "Opens an order in ORM^O01 and OML^O21: its control code, placer order number and ordering provider.",
    ),
    s("PD1", "patient, more", "More about the patient, such as the primary care provider."),
    s(
        "PID",
        "patient identification",
        "Who the patient is: ids, name, date of birth, sex, address. Masked in presentation mode.",
    ),
    s("PR1", "procedure", "One procedure of the patient."),
    s("PRT", "participation", "A person or device taking part in an order (v2.7 on)."),
    s(
        "PV1",
        "patient visit",
        "The visit: patient class, location and the attending and referring doctors.",
    ),
    s("PV2", "patient visit, more", "More about the visit, such as the reason for admission."),
    s("SPM", "specimen", "The specimen a lab test is run on. Not checked by claimls."),
    s("TQ1", "timing", "When and how often an order is to be carried out."),
];

/// The fields, by segment and field number.
pub static FIELDS: &[FieldInfo] = &[
    f(
        "DG1",
        1,
        "set id",
        "The diagnosis's number in the message, 1, 2, 3 …: messages name a diagnosis by it.",
    ),
    f(
        "DG1",
        2,
        "coding method",
        "Older versions name the coding system here; from v2.3 it belongs in DG1-3.3.",
    ),
    f(
        "DG1",
        3,
        "diagnosis code",
        "code ^ text ^ coding system: the ICD-10-CM code, its description and `I10C`.",
    ),
    f("DG1", 4, "description", "The diagnosis in words (older versions)."),
    f("DG1", 5, "diagnosis date", "When the diagnosis was made."),
    f("DG1", 6, "diagnosis type", "A for admitting, W for working, F for final."),
    f("DG1", 15, "priority", "1 for the principal diagnosis, then 2, 3 …"),
    f("DG1", 16, "clinician", "Who made the diagnosis."),
    f("EVN", 1, "event type", "The trigger event (older versions; MSH-9 says it too)."),
    f(
        "EVN",
        2,
        "recorded date/time",
        "When the event was recorded: an ADT message's date when PV1-44 is empty.",
    ),
    f(
        "FT1",
        4,
        "transaction date",
        "When the charged service was given: a DFT message's date for claimls.",
    ),
    f("FT1", 7, "transaction code", "What is charged, as the sender codes it."),
    f("FT1", 10, "transaction quantity", "How many were given."),
    f("FT1", 11, "transaction amount", "The charge."),
    f("FT1", 19, "diagnosis code", "The diagnoses the charge is for."),
    f(
        "FT1",
        20,
        "performed by",
        "Who gave the service; an NPI when the id type says so or it is 10 digits.",
    ),
    f(
        "FT1",
        21,
        "ordered by",
        "Who ordered the service; an NPI when the id type says so or it is 10 digits.",
    ),
    f("FT1", 25, "procedure code", "The CPT or HCPCS code of the charge."),
    f("GT1", 2, "guarantor number", "The guarantor's id."),
    f("GT1", 3, "guarantor name", "Who pays the bill."),
    f("GT1", 5, "guarantor address", "The guarantor's address."),
    f("GT1", 6, "guarantor home phone", "A phone number of the guarantor."),
    f("GT1", 8, "guarantor date of birth", "The guarantor's date of birth."),
    f("GT1", 12, "guarantor SSN", "The guarantor's social security number."),
    f("IN1", 2, "insurance plan id", "The plan, as the sender codes it."),
    f("IN1", 3, "insurance company id", "The payer's id; claimls reads it as the payer id."),
    f("IN1", 4, "insurance company name", "The payer's name."),
    f("IN1", 8, "group number", "The group (employer plan) number."),
    f("IN1", 16, "name of insured", "The subscriber, when not the patient."),
    f("IN1", 18, "insured's date of birth", "The subscriber's date of birth."),
    f("IN1", 19, "insured's address", "The subscriber's address."),
    f("IN1", 36, "policy number", "The subscriber's policy number."),
    f("IN1", 49, "insured's id", "The subscriber's id with the payer."),
    f(
        "MSH",
        1,
        "field separator",
        "The character between fields, the one right after `MSH` (usually `|`).",
    ),
    f(
        "MSH",
        2,
        "encoding characters",
        "Component, repetition, escape and subcomponent separators, in this order (usually `^~\\&`).",
    ),
    f("MSH", 3, "sending application", "The system that sent the message."),
    f("MSH", 4, "sending facility", "Where the message comes from."),
    f("MSH", 5, "receiving application", "The system the message is for."),
    f("MSH", 6, "receiving facility", "Where the message goes."),
    f(
        "MSH",
        7,
        "message date/time",
        "When the message was made; an order's date when neither OBR-7, ORC-9 nor ORC-15 gives one.",
    ),
    f("MSH", 9, "message type", "What the message is: `ORM^O01`, `OML^O21^OML_O21`, `ORU^R01` …"),
    f("MSH", 10, "message control id", "The message's own id, echoed by the acknowledgement."),
    f("MSH", 11, "processing id", "P for production, T for training, D for debugging."),
    f("MSH", 12, "version", "The HL7 version the message follows; claimls reads 2.3 to 2.8."),
    f("NK1", 2, "name", "The relative's or contact's name."),
    f("NK1", 3, "relationship", "How the person is related to the patient."),
    f("NK1", 4, "address", "The person's address."),
    f("NK1", 5, "phone number", "The person's phone number."),
    f("NK1", 16, "date of birth", "The person's date of birth."),
    f("NTE", 1, "set id", "The note's number."),
    f("NTE", 3, "comment", "The note's text."),
    f("OBR", 1, "set id", "The request's number in the message."),
    f(
        "OBR",
        2,
        "placer order number",
        "The orderer's number for the order; claimls uses it as the order's id when ORC-2 is empty.",
    ),
    f("OBR", 3, "filler order number", "The lab's or imaging department's number for the order."),
    f(
        "OBR",
        4,
        "universal service id",
        "The test ordered: code ^ text ^ coding system (`C4` for CPT, `HCPCS`, `LN` for LOINC).",
    ),
    f(
        "OBR",
        7,
        "observation date/time",
        "When the specimen was taken or the study done: the order's date for claimls.",
    ),
    f(
        "OBR",
        16,
        "ordering provider",
        "Who ordered the test: id ^ family name ^ given name …; an NPI when the id type (component 13) or assigning authority (component 9) says NPI.",
    ),
    f("OBR", 27, "quantity/timing", "When and how urgently (older versions)."),
    f(
        "OBR",
        46,
        "placer supplemental service information",
        "More about the service, such as CPT modifiers.",
    ),
    f("OBX", 2, "value type", "What kind of value OBX-5 holds: NM number, ST text, CWE coded …"),
    f("OBX", 3, "observation identifier", "What was observed or asked, usually a LOINC code."),
    f("OBX", 5, "observation value", "The result or the answer."),
    f("OBX", 6, "units", "The unit of a numeric result."),
    f("OBX", 11, "result status", "F final, P preliminary, C corrected …"),
    f(
        "ORC",
        1,
        "order control",
        "What the message does with the order: NW new, CA cancel, SC status change …",
    ),
    f(
        "ORC",
        2,
        "placer order number",
        "The orderer's number for the order: the order's id for claimls.",
    ),
    f("ORC", 3, "filler order number", "The lab's or imaging department's number for the order."),
    f("ORC", 5, "order status", "Where the order stands: CM complete, IP in process …"),
    f(
        "ORC",
        9,
        "date/time of transaction",
        "When the order was placed; the order's date when OBR-7 is empty.",
    ),
    f(
        "ORC",
        12,
        "ordering provider",
        "Who ordered: id ^ family name ^ given name …; an NPI when the id type (component 13) or assigning authority (component 9) says NPI.",
    ),
    f(
        "ORC",
        15,
        "order effective date/time",
        "When the order takes effect; the order's date when OBR-7 and ORC-9 are empty.",
    ),
    f("PD1", 4, "patient primary care provider", "The patient's usual doctor."),
    f("PID", 1, "set id", "The patient's number in the message, usually 1."),
    f("PID", 2, "patient id (older versions)", "An id of the patient."),
    f(
        "PID",
        3,
        "patient identifier list",
        "The patient's ids (medical record number, member id …); the first is the member id for claimls.",
    ),
    f("PID", 4, "alternate patient id", "Another id of the patient."),
    f("PID", 5, "patient name", "family ^ given ^ middle …"),
    f("PID", 6, "mother's maiden name", "Used to tell patients apart."),
    f("PID", 7, "date of birth", "The patient's date of birth: age conflicts are judged with it."),
    f("PID", 8, "administrative sex", "F, M, U …: sex conflicts are judged with it."),
    f("PID", 11, "patient address", "The patient's address."),
    f("PID", 13, "home phone", "The patient's phone numbers."),
    f("PID", 14, "business phone", "The patient's work phone numbers."),
    f("PID", 18, "patient account number", "The account the visit is billed to."),
    f("PID", 19, "SSN", "The patient's social security number (older versions)."),
    f("PID", 20, "driver's license", "The patient's driver's license number."),
    f("PV1", 2, "patient class", "I inpatient, O outpatient, E emergency …"),
    f("PV1", 3, "assigned location", "Where the patient is: unit ^ room ^ bed …"),
    f("PV1", 7, "attending doctor", "The doctor in charge of the visit."),
    f("PV1", 8, "referring doctor", "The doctor who sent the patient."),
    f("PV1", 9, "consulting doctor", "A doctor consulted on the visit."),
    f("PV1", 17, "admitting doctor", "The doctor who admitted the patient."),
    f("PV1", 19, "visit number", "The visit's id."),
    f(
        "PV1",
        44,
        "admit date/time",
        "When the visit began: the date an ADT message's diagnoses are judged on.",
    ),
    f("SPM", 1, "set id", "The specimen's number within its order."),
    f("SPM", 2, "specimen id", "The placer's and the filler's ids of the specimen."),
    f("SPM", 4, "specimen type", "What the specimen is: blood, serum, urine …"),
    f("SPM", 17, "collection date/time", "When the specimen was taken."),
];

/// The description of segment `id`.
pub fn segment_info(id: &str) -> Option<&'static SegmentInfo> {
    SEGMENTS.iter().find(|info| info.id == id)
}

/// The description of field `field` of segment `id`.
pub fn field_info(id: &str, field: usize) -> Option<&'static FieldInfo> {
    FIELDS.iter().find(|info| info.segment == id && usize::from(info.field) == field)
}

/// A field as messages name it: "OBR-4 (universal service id)", or "OBR-99" when it is not
/// described.
pub fn field_label(id: &str, field: usize) -> String {
    match field_info(id, field) {
        Some(info) => format!("{id}-{field} ({})", info.name),
        None => format!("{id}-{field}"),
    }
}

/// What a hover at `offset` shows: the span of the part under the cursor and a short text
/// naming its HL7 position ("OBR-4.1") and what claimls reads there, from the tables above.
pub fn describe_at(text: &str, file: &Hl7File, offset: usize) -> Option<(Span, String)> {
    let location = file.location_at(text, offset)?;
    let segment = &file.segments[location.segment];
    let id = segment.name();
    if id.is_empty() {
        return None;
    }
    if location.field == 0 {
        let about = match segment_info(id) {
            Some(info) => format!("{id} — {}: {}", info.name, info.about),
            None => format!("{id}: a segment claimls does not read"),
        };
        return Some((segment.id, about));
    }
    let mut position = format!("{id}-{}", location.field);
    if location.repetition > 1 {
        let _ = write!(position, "({})", location.repetition);
    }
    if location.component > 1 || location.subcomponent > 1 {
        let _ = write!(position, ".{}", location.component);
    }
    if location.subcomponent > 1 {
        let _ = write!(position, ".{}", location.subcomponent);
    }
    let about = match field_info(id, location.field) {
        Some(info) => format!("{position} — {}: {}", info.name, info.about),
        None => format!("{position}: a field claimls does not read"),
    };
    Some((location.span, about))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_names_the_position() {
        let text = "MSH|^~\\&|||||||ORM^O01|1|P|2.5.1\rOBR|1|P1||83036^A1c^C4||||||||||||1234567893^Doe&Van^Ann";
        let file = crate::parse(text);
        let at = |needle: &str| describe_at(text, &file, text.find(needle).unwrap()).unwrap().1;
        assert_eq!(
            at("C4"),
            "OBR-4.3 — universal service id: The test ordered: code ^ text ^ coding system (`C4` for CPT, `HCPCS`, `LN` for LOINC)."
        );
        assert!(at("Van").starts_with("OBR-16.2.2 — ordering provider"));
        assert!(at("OBR").starts_with("OBR — observation request"));
        assert!(at("ORM").starts_with("MSH-9 — message type"));
        assert!(at("2.5.1").starts_with("MSH-12 — version"));
    }

    #[test]
    fn one_entry_each() {
        for (i, a) in SEGMENTS.iter().enumerate() {
            assert!(SEGMENTS[i + 1..].iter().all(|b| b.id != a.id), "{} twice", a.id);
        }
        for (i, a) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[i + 1..].iter().all(|b| (b.segment, b.field) != (a.segment, a.field)),
                "{}-{} twice",
                a.segment,
                a.field
            );
            assert!(segment_info(a.segment).is_some(), "{} has fields but no entry", a.segment);
        }
        assert_eq!(field_label("OBR", 4), "OBR-4 (universal service id)");
    }

    /// Every field the lowering reads (and the MSH fields the parser checks) is described.
    #[test]
    fn every_field_claimls_reads_is_described() {
        let read: &[(&str, &[usize])] = &[
            ("MSH", &[1, 2, 7, 9, 10, 12]),
            ("EVN", &[2]),
            ("PID", &[2, 3, 5, 7, 8]),
            ("PV1", &[7, 8, 9, 17, 44]),
            ("IN1", &[3, 4]),
            ("ORC", &[2, 9, 12, 15]),
            ("OBR", &[2, 4, 7, 16]),
            ("DG1", &[1, 2, 3]),
            ("FT1", &[4, 20, 21]),
        ];
        for (segment, fields) in read {
            for &field in *fields {
                assert!(
                    field_info(segment, field).is_some(),
                    "{segment}-{field} is read but not described"
                );
            }
        }
    }
}
