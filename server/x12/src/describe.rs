//! What the segments and elements claimls reads are for, in the project's own words: one table
//! that the parser's messages and the editor's hover share. No implementation guide or
//! dictionary is copied here; for a segment not in the table claimls says it does not read it.
//!
//! Each element may carry a type and a length that [`crate::check`] enforces (rule `segment`);
//! values the format-neutral rules judge themselves (codes, NPIs, dates of service, charges,
//! units) carry none, so that one mistake gets one diagnostic.

/// The kind of value an element holds, as far as claimls checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementType {
    /// Free text.
    Text,
    /// A code from a list.
    Identifier,
    /// A whole number, digits only.
    Number,
    /// A decimal number (`R`): digits with an optional point and minus.
    Decimal,
    /// `CCYYMMDD`.
    Date,
    /// `HHMM`, maybe with seconds.
    Time,
}

/// One segment claimls reads.
#[derive(Debug, Clone, Copy)]
pub struct SegmentDescription {
    pub id: &'static str,
    pub name: &'static str,
    /// Where it stands: the envelope or the loops.
    pub loops: &'static str,
    pub about: &'static str,
    pub elements: &'static [ElementDescription],
}

/// One element claimls reads.
#[derive(Debug, Clone, Copy)]
pub struct ElementDescription {
    /// 1-based position in its segment.
    pub position: u8,
    pub name: &'static str,
    pub about: &'static str,
    /// The type that is checked, if any.
    pub checked: Option<ElementType>,
    /// Minimum and maximum length (in characters), when checked.
    pub length: (u16, u16),
}

const fn e(position: u8, name: &'static str, about: &'static str) -> ElementDescription {
    ElementDescription { position, name, about, checked: None, length: (0, 0) }
}

const fn t(
    position: u8,
    name: &'static str,
    about: &'static str,
    kind: ElementType,
    min: u16,
    max: u16,
) -> ElementDescription {
    ElementDescription { position, name, about, checked: Some(kind), length: (min, max) }
}

use ElementType::{Date, Decimal, Identifier, Number, Text, Time};

const SEGMENTS: &[SegmentDescription] = &[
    SegmentDescription {
        id: "ISA",
        name: "Interchange header",
        loops: "envelope (the first segment of an interchange)",
        about: "Opens an interchange: who sends it to whom, when, and its control number. Its elements have fixed widths, so that a reader finds the delimiters by position: the element separator right after `ISA`, the repetition separator in ISA11, the component separator in ISA16, the segment terminator right after ISA16.",
        elements: &[
            t(
                1,
                "Authorization information qualifier",
                "What ISA02 holds; usually `00`, none.",
                Identifier,
                2,
                2,
            ),
            t(2, "Authorization information", "Padded with spaces to 10 characters.", Text, 10, 10),
            t(
                3,
                "Security information qualifier",
                "What ISA04 holds; usually `00`, none.",
                Identifier,
                2,
                2,
            ),
            t(4, "Security information", "Padded with spaces to 10 characters.", Text, 10, 10),
            t(
                5,
                "Sender id qualifier",
                "The kind of id in ISA06 (`ZZ` mutually defined, `30` tax id …).",
                Identifier,
                2,
                2,
            ),
            t(
                6,
                "Sender id",
                "Who sends the interchange, padded with spaces to 15 characters.",
                Text,
                15,
                15,
            ),
            t(7, "Receiver id qualifier", "The kind of id in ISA08.", Identifier, 2, 2),
            t(
                8,
                "Receiver id",
                "Who receives the interchange, padded with spaces to 15 characters.",
                Text,
                15,
                15,
            ),
            t(9, "Interchange date", "When it was made, YYMMDD.", Number, 6, 6),
            t(10, "Interchange time", "When it was made, HHMM.", Time, 4, 4),
            t(
                11,
                "Repetition separator",
                "The character that separates repetitions of an element (in 5010; `U` in older versions).",
                Text,
                1,
                1,
            ),
            t(12, "Interchange version", "`00501` for the 5010 transactions.", Number, 5, 5),
            t(
                13,
                "Interchange control number",
                "A 9-digit number that the IEA02 repeats.",
                Number,
                9,
                9,
            ),
            t(
                14,
                "Acknowledgment requested",
                "`1` asks the receiver for a TA1 acknowledgment, `0` does not.",
                Identifier,
                1,
                1,
            ),
            t(15, "Usage indicator", "`P` production data, `T` test data.", Identifier, 1, 1),
            t(
                16,
                "Component separator",
                "The character that separates the components of a composite element.",
                Text,
                1,
                1,
            ),
        ],
    },
    SegmentDescription {
        id: "IEA",
        name: "Interchange trailer",
        loops: "envelope (closes the interchange)",
        about: "Closes an interchange: how many functional groups it held and its control number again.",
        elements: &[
            t(
                1,
                "Number of functional groups",
                "The GS … GE groups in the interchange.",
                Number,
                1,
                5,
            ),
            t(2, "Interchange control number", "The same number as ISA13.", Number, 9, 9),
        ],
    },
    SegmentDescription {
        id: "GS",
        name: "Functional group header",
        loops: "envelope (inside the interchange)",
        about: "Opens a group of transactions of one kind (`HC` for claims), with the version of the implementation guide they follow.",
        elements: &[
            t(1, "Functional identifier code", "`HC` for health care claims.", Identifier, 2, 2),
            t(2, "Application sender code", "Who sends the group.", Text, 2, 15),
            t(3, "Application receiver code", "Who receives the group.", Text, 2, 15),
            t(4, "Group date", "When the group was made, CCYYMMDD.", Date, 8, 8),
            t(5, "Group time", "When the group was made, HHMM and maybe seconds.", Time, 4, 8),
            t(6, "Group control number", "A number that the GE02 repeats.", Number, 1, 9),
            t(7, "Responsible agency code", "`X` for ASC X12.", Identifier, 1, 2),
            t(
                8,
                "Version",
                "The implementation guide: `005010X222A1` 837P, `005010X223A2` 837I, `005010X224A2` 837D.",
                Text,
                1,
                12,
            ),
        ],
    },
    SegmentDescription {
        id: "GE",
        name: "Functional group trailer",
        loops: "envelope (closes the group)",
        about: "Closes a functional group: how many transactions it held and its control number again.",
        elements: &[
            t(1, "Number of transactions", "The ST … SE transactions in the group.", Number, 1, 6),
            t(2, "Group control number", "The same number as GS06.", Number, 1, 9),
        ],
    },
    SegmentDescription {
        id: "ST",
        name: "Transaction header",
        loops: "envelope (opens one 837)",
        about: "Opens one transaction: its kind (837) and control number, and the guide version it follows.",
        elements: &[
            t(1, "Transaction set identifier", "`837` for a health care claim.", Identifier, 3, 3),
            t(
                2,
                "Transaction control number",
                "A number of 4 to 9 characters that the SE02 repeats.",
                Text,
                4,
                9,
            ),
            t(3, "Implementation guide version", "The same version as GS08.", Text, 1, 35),
        ],
    },
    SegmentDescription {
        id: "SE",
        name: "Transaction trailer",
        loops: "envelope (closes the 837)",
        about: "Closes a transaction: how many segments it has, ST and SE included, and its control number again.",
        elements: &[
            t(1, "Number of segments", "The segments from ST to SE, both counted.", Number, 1, 10),
            t(2, "Transaction control number", "The same as ST02.", Text, 4, 9),
        ],
    },
    SegmentDescription {
        id: "BHT",
        name: "Beginning of hierarchical transaction",
        loops: "header, right after ST",
        about: "Says how the transaction is built (`0019`: provider, subscriber, dependent, claim), whether it is an original, its reference and when it was made.",
        elements: &[
            t(
                1,
                "Hierarchical structure code",
                "`0019`: billing provider, subscriber, patient, claim.",
                Identifier,
                4,
                4,
            ),
            t(2, "Transaction purpose", "`00` original, `18` reissue.", Identifier, 2, 2),
            t(3, "Originator's reference", "The sender's batch number.", Text, 1, 50),
            t(4, "Creation date", "CCYYMMDD.", Date, 8, 8),
            t(5, "Creation time", "HHMM and maybe seconds.", Time, 4, 8),
            t(
                6,
                "Transaction type",
                "`CH` chargeable (a claim), `RP` reporting (an encounter), `31` subrogation.",
                Identifier,
                2,
                2,
            ),
        ],
    },
    SegmentDescription {
        id: "NM1",
        name: "Name",
        loops: "1000A submitter (41), 1000B receiver (40), 2010AA billing provider (85), 2010AB pay-to (87), 2010BA subscriber (IL), 2010BB payer (PR), 2010CA patient (QC), 2310x and 2420x providers (82 rendering, DN referring, 71 attending, 77 service facility …), 2330x other payer (PR)",
        about: "Opens a name loop: who a person or organisation is, and its identifier. For a provider the identifier is its NPI (NM108 `XX`).",
        elements: &[
            e(
                1,
                "Entity identifier code",
                "Who this is: `85` billing provider, `IL` subscriber, `QC` patient, `PR` payer, `82` rendering provider …",
            ),
            e(2, "Entity type", "`1` a person, `2` an organisation."),
            t(
                3,
                "Last or organisation name",
                "The surname, or the organisation's name.",
                Text,
                1,
                60,
            ),
            t(4, "First name", "A person's first name.", Text, 1, 35),
            t(5, "Middle name", "A person's middle name or initial.", Text, 1, 25),
            t(7, "Name suffix", "`JR`, `III` …", Text, 1, 10),
            e(
                8,
                "Identification code qualifier",
                "The kind of id in NM109: `XX` an NPI, `MI` a member id, `PI` a payer id, `46` an electronic transmitter id.",
            ),
            t(
                9,
                "Identification code",
                "The id itself (a provider's 10-digit NPI when NM108 is `XX`).",
                Text,
                2,
                80,
            ),
        ],
    },
    SegmentDescription {
        id: "N3",
        name: "Address",
        loops: "after an NM1 (2010AA, 2010BA, 2010CA, 2310C …)",
        about: "The street address of the name loop it stands in.",
        elements: &[
            t(1, "Address line", "Street and number.", Text, 1, 55),
            t(2, "Address line 2", "Suite, floor …", Text, 1, 55),
        ],
    },
    SegmentDescription {
        id: "N4",
        name: "City, state, ZIP",
        loops: "after an N3",
        about: "The city, state and postal code of the name loop it stands in.",
        elements: &[
            t(1, "City", "The city's name.", Text, 2, 30),
            t(2, "State", "The two-letter state or province code.", Identifier, 2, 2),
            t(
                3,
                "Postal code",
                "The ZIP code, 5 or 9 digits (the billing provider's must be 9).",
                Identifier,
                3,
                15,
            ),
            t(4, "Country", "A country code, only outside the US.", Identifier, 2, 3),
        ],
    },
    SegmentDescription {
        id: "PER",
        name: "Contact",
        loops: "1000A submitter, 2010AA billing provider, 2010BA, 2330A",
        about: "Who to call about the claim, and how (telephone, fax, e-mail).",
        elements: &[
            e(1, "Contact function", "`IC` information contact."),
            t(2, "Contact name", "The person to ask for.", Text, 1, 60),
            e(
                3,
                "Communication qualifier",
                "`TE` telephone, `FX` fax, `EM` e-mail, `EX` extension.",
            ),
            t(4, "Communication number", "The number or address.", Text, 1, 256),
            e(5, "Second communication qualifier", "As PER03."),
            t(6, "Second communication number", "As PER04.", Text, 1, 256),
            e(7, "Third communication qualifier", "As PER03."),
            t(8, "Third communication number", "As PER04.", Text, 1, 256),
        ],
    },
    SegmentDescription {
        id: "REF",
        name: "Reference",
        loops: "many loops: 2010AA (EI tax id), 2300 (D9 claim number, F8 payer claim number, G1 prior authorisation …), 2400 (6R line item control number)",
        about: "Another identifier of the loop it stands in; REF01 says which.",
        elements: &[
            e(
                1,
                "Reference qualifier",
                "What REF02 is: `EI` employer id (tax id), `F8` the payer's claim number, `G1` prior authorisation, `6R` line control number …",
            ),
            t(2, "Reference number", "The identifier.", Text, 1, 50),
        ],
    },
    SegmentDescription {
        id: "HL",
        name: "Hierarchical level",
        loops: "opens 2000A (20 billing provider), 2000B (22 subscriber), 2000C (23 patient)",
        about: "Builds the tree of the transaction: each HL has a number, names its parent and says its level and whether children follow.",
        elements: &[
            t(1, "Hierarchical id", "1, 2, 3 … in order within the transaction.", Text, 1, 12),
            t(
                2,
                "Parent id",
                "The HL01 of the level it belongs to; empty for a billing provider.",
                Text,
                1,
                12,
            ),
            e(3, "Level code", "`20` billing provider, `22` subscriber, `23` patient."),
            e(4, "Child code", "`1` when child levels follow, `0` when none do."),
        ],
    },
    SegmentDescription {
        id: "PRV",
        name: "Provider information",
        loops: "2000A billing provider, 2310B rendering, 2420A",
        about: "The provider's specialty, as a health care provider taxonomy code.",
        elements: &[
            e(1, "Provider role", "`BI` billing, `PE` performing, `AT` attending …"),
            e(2, "Reference qualifier", "`PXC`: PRV03 is a taxonomy code."),
            t(3, "Taxonomy code", "The 10-character specialty code.", Identifier, 10, 10),
        ],
    },
    SegmentDescription {
        id: "CUR",
        name: "Currency",
        loops: "2000A",
        about: "The currency of the amounts, when it is not US dollars.",
        elements: &[
            e(1, "Entity", "`85` billing provider."),
            t(2, "Currency code", "A three-letter currency code.", Identifier, 3, 3),
        ],
    },
    SegmentDescription {
        id: "SBR",
        name: "Subscriber information",
        loops: "opens 2000B (after HL*…*22) and each 2320 other subscriber",
        about: "Who pays in what order (primary, secondary …), whether the subscriber is the patient, the group and the kind of insurance.",
        elements: &[
            e(1, "Payer responsibility", "`P` primary, `S` secondary, `T` tertiary …"),
            e(
                2,
                "Relationship to the patient",
                "`18` when the subscriber is the patient (then no 2000C follows); empty otherwise.",
            ),
            t(3, "Group or policy number", "The insured's group number.", Text, 1, 50),
            t(4, "Group name", "The insured's group or plan name.", Text, 1, 60),
            e(5, "Insurance type", "Used for Medicare secondary claims."),
            e(
                9,
                "Claim filing indicator",
                "The kind of plan: `CI` commercial, `MB` Medicare part B, `MA` part A, `MC` Medicaid, `BL` Blue Cross …",
            ),
        ],
    },
    SegmentDescription {
        id: "PAT",
        name: "Patient information",
        loops: "2000C (after HL*…*23)",
        about: "How the patient is related to the subscriber.",
        elements: &[e(
            1,
            "Relationship to the subscriber",
            "`01` spouse, `19` child, `20` employee, `G8` other …",
        )],
    },
    SegmentDescription {
        id: "DMG",
        name: "Demographics",
        loops: "2010BA subscriber, 2010CA patient",
        about: "The person's date of birth and sex.",
        elements: &[
            e(1, "Date format", "`D8`: DMG02 is CCYYMMDD."),
            e(2, "Date of birth", "CCYYMMDD."),
            e(3, "Sex", "`F`, `M` or `U` unknown."),
        ],
    },
    SegmentDescription {
        id: "CLM",
        name: "Claim information",
        loops: "opens 2300, in 2000B (the subscriber is the patient) or 2000C",
        about: "One claim: its number, its total charge, where it was provided (837P/837D) or the type of facility (837I), and the provider's signature and assignment answers.",
        elements: &[
            t(
                1,
                "Patient control number",
                "The provider's own number for the claim (up to 38 characters); it comes back on the remittance.",
                Text,
                1,
                38,
            ),
            t(2, "Total claim charge", "The sum of the line charges.", Decimal, 1, 18),
            e(
                5,
                "Place of service or facility code",
                "A composite: CLM05-1 the place of service (837P, 837D) or the facility type (837I, the first two digits of the type of bill), CLM05-2 `B` (place of service) or `A` (facility type), CLM05-3 the frequency (`1` original, `7` replacement, `8` void).",
            ),
            e(6, "Provider signature on file", "`Y` or `N`."),
            e(
                7,
                "Assignment or plan participation",
                "`A` assigned, `B` assignment accepted on clinical lab services only, `C` not assigned.",
            ),
            e(
                8,
                "Benefits assignment",
                "`Y` the payer pays the provider, `N` not, `W` not applicable.",
            ),
            e(9, "Release of information", "`Y` signed, `I` informed consent."),
            e(
                11,
                "Related causes",
                "A composite: `AA` auto accident, `EM` employment, `OA` other accident, with the state.",
            ),
            e(12, "Special program", "A code for special programs (EPSDT and the like)."),
            e(20, "Delay reason", "Why the claim is sent late."),
        ],
    },
    SegmentDescription {
        id: "DTP",
        name: "Date or time period",
        loops: "2300 claim dates (434 statement period, 435 admission, 431 onset, 439 accident …), 2400 line dates (472 date of service)",
        about: "A date of the claim or line: DTP01 says which date, DTP02 how it is written.",
        elements: &[
            e(
                1,
                "Date qualifier",
                "Which date: `472` date of service, `434` statement period, `435` admission, `096` discharge hour, `431` onset …",
            ),
            e(
                2,
                "Date format",
                "`D8` CCYYMMDD, `RD8` CCYYMMDD-CCYYMMDD, `DT` CCYYMMDDHHMM, `TM` HHMM.",
            ),
            e(3, "Date", "The date or range, as DTP02 says."),
        ],
    },
    SegmentDescription {
        id: "HI",
        name: "Health care information codes",
        loops: "2300",
        about: "Diagnoses (ICD-10-CM, without the dot), procedures (ICD-10-PCS) and other claim codes, one composite each: qualifier, code, and for procedures a date. 837P pointers (SV107) count the diagnosis codes from 1.",
        elements: &[
            e(
                1,
                "Health care code 1",
                "A composite: HI01-1 the qualifier (`ABK` principal diagnosis, `ABF` other, `ABJ` admitting, `APR` reason for visit, `ABN` external cause, `BBR`/`BBQ` ICD-10-PCS procedures; `BK`, `BF` … for ICD-9), HI01-2 the code, HI01-3 `D8` and HI01-4 a date for procedures, HI01-9 the present-on-admission indicator (837I).",
            ),
            e(2, "Health care code 2", "As HI01."),
            e(3, "Health care code 3", "As HI01."),
            e(4, "Health care code 4", "As HI01."),
            e(5, "Health care code 5", "As HI01."),
            e(6, "Health care code 6", "As HI01."),
            e(7, "Health care code 7", "As HI01."),
            e(8, "Health care code 8", "As HI01."),
            e(9, "Health care code 9", "As HI01."),
            e(10, "Health care code 10", "As HI01."),
            e(11, "Health care code 11", "As HI01."),
            e(12, "Health care code 12", "As HI01."),
        ],
    },
    SegmentDescription {
        id: "CL1",
        name: "Institutional claim code",
        loops: "2300 (837I)",
        about: "How the patient was admitted and discharged.",
        elements: &[
            e(1, "Admission type", "`1` emergency, `2` urgent, `3` elective …"),
            e(2, "Admission source", "Where the patient came from."),
            e(3, "Patient status", "The discharge status (`01` home …)."),
        ],
    },
    SegmentDescription {
        id: "AMT",
        name: "Monetary amount",
        loops: "2300 (F5 patient paid), 2320 (D payer paid), 2400",
        about: "An amount of the claim or line; AMT01 says which.",
        elements: &[
            e(1, "Amount qualifier", "`F5` patient amount paid, `D` payer paid, `EAF` remaining …"),
            t(2, "Amount", "The amount.", Decimal, 1, 18),
        ],
    },
    SegmentDescription {
        id: "NTE",
        name: "Note",
        loops: "2300, 2400",
        about: "Free-text notes for the payer.",
        elements: &[
            e(1, "Note reference", "`ADD` additional information, `CER` certification …"),
            t(2, "Note", "The text.", Text, 1, 80),
        ],
    },
    SegmentDescription {
        id: "PWK",
        name: "Paperwork",
        loops: "2300, 2400",
        about: "Attachments sent separately (reports, x-rays), and how.",
        elements: &[
            e(1, "Report type", "What the attachment is."),
            e(
                2,
                "Transmission",
                "How it is sent: `BM` by mail, `EL` electronically, `FX` by fax …",
            ),
        ],
    },
    SegmentDescription {
        id: "CN1",
        name: "Contract information",
        loops: "2300, 2400",
        about: "The contract the provider and payer have, when the payer asks for it.",
        elements: &[
            e(1, "Contract type", "`02` per diem, `05` capitated …"),
            t(2, "Contract amount", "The amount.", Decimal, 1, 18),
        ],
    },
    SegmentDescription {
        id: "K3",
        name: "File information",
        loops: "2300, 2400",
        about: "Data a payer asked for that has no segment of its own.",
        elements: &[t(1, "Fixed format information", "The data.", Text, 1, 80)],
    },
    SegmentDescription {
        id: "CR1",
        name: "Ambulance transport",
        loops: "2300, 2400 (837P)",
        about: "The patient's weight, the reason for the ambulance transport and its distance.",
        elements: &[
            e(1, "Unit", "`LB`."),
            e(2, "Patient weight", "In pounds."),
            e(4, "Transport reason", "`A` … `E`."),
            e(6, "Transport distance", "In miles."),
        ],
    },
    SegmentDescription {
        id: "CRC",
        name: "Conditions indicator",
        loops: "2300, 2400",
        about: "Yes/no answers about conditions (ambulance, vision, EPSDT …) with their codes.",
        elements: &[
            e(1, "Code category", "Which conditions."),
            e(2, "Answer", "`Y` or `N`."),
            e(3, "Condition", "A condition code."),
        ],
    },
    SegmentDescription {
        id: "HCP",
        name: "Pricing or repricing",
        loops: "2300, 2400",
        about: "What a repricing organisation did with the claim or line.",
        elements: &[
            e(1, "Pricing method", "How it was priced."),
            t(2, "Allowed amount", "The repriced amount.", Decimal, 1, 18),
        ],
    },
    SegmentDescription {
        id: "LX",
        name: "Service line number",
        loops: "opens 2400",
        about: "Opens a service line and numbers it, 1, 2, 3 … within the claim.",
        elements: &[t(1, "Line number", "The line's number in the claim.", Number, 1, 6)],
    },
    SegmentDescription {
        id: "SV1",
        name: "Professional service",
        loops: "2400 (837P)",
        about: "What was done on the line: the procedure code with its modifiers, the charge, the units, the place of service and the diagnosis pointers.",
        elements: &[
            e(
                1,
                "Procedure",
                "A composite: SV101-1 the qualifier (`HC` CPT/HCPCS, `ER` jurisdiction-specific, `IV` home infusion EDI, `WK` advanced billing concepts), SV101-2 the code, SV101-3 to -6 up to four modifiers, SV101-7 a description.",
            ),
            e(2, "Line charge", "The charge for the line."),
            e(3, "Unit basis", "`UN` units, `MJ` minutes (anesthesia)."),
            e(4, "Units", "How many units or minutes."),
            e(5, "Place of service", "The line's place of service, when it differs from CLM05-1."),
            e(
                7,
                "Diagnosis pointers",
                "A composite of 1 to 4 pointers: each the position (1–12) of a diagnosis code in the claim's HI; the first is the line's primary diagnosis.",
            ),
            e(9, "Emergency indicator", "`Y` for an emergency."),
            e(11, "EPSDT indicator", "`Y` when the service was an EPSDT screening."),
            e(12, "Family planning indicator", "`Y` for family planning."),
        ],
    },
    SegmentDescription {
        id: "SV2",
        name: "Institutional service",
        loops: "2400 (837I)",
        about: "What was done on the line: the revenue code, the procedure code with its modifiers, the charge and the units.",
        elements: &[
            t(
                1,
                "Revenue code",
                "The 4-digit revenue code of the service (the UB-04 form's FL 42).",
                Identifier,
                1,
                48,
            ),
            e(
                2,
                "Procedure",
                "A composite: SV202-1 the qualifier (`HC` CPT/HCPCS, `HP` HIPPS, `ER`, `IV`, `WK`), SV202-2 the code, SV202-3 to -6 modifiers.",
            ),
            e(3, "Line charge", "The charge for the line."),
            e(4, "Unit basis", "`UN` units, `DA` days."),
            e(5, "Units", "How many units or days."),
            e(7, "Non-covered charge", "The part of the charge that is not covered."),
        ],
    },
    SegmentDescription {
        id: "SV3",
        name: "Dental service",
        loops: "2400 (837D)",
        about: "What was done on the line: the CDT procedure code with its modifiers, the charge, the place of service, the units and the diagnosis pointers.",
        elements: &[
            e(
                1,
                "Procedure",
                "A composite: SV301-1 `AD` (a CDT code), SV301-2 the code, SV301-3 to -6 modifiers.",
            ),
            e(2, "Line charge", "The charge for the line."),
            e(3, "Place of service", "The line's place of service, when it differs from CLM05-1."),
            e(4, "Oral cavity", "The area of the mouth treated."),
            e(5, "Prosthesis", "`I` initial placement, `R` replacement."),
            e(6, "Units", "How many times the procedure was done."),
            e(
                11,
                "Diagnosis pointers",
                "A composite of 1 to 4 pointers to the positions of the claim's HI diagnosis codes.",
            ),
        ],
    },
    SegmentDescription {
        id: "TOO",
        name: "Tooth",
        loops: "2400 (837D)",
        about: "A tooth treated on the line, and its surfaces.",
        elements: &[
            e(1, "Code list", "`JP`: the universal national tooth numbering."),
            e(2, "Tooth", "The tooth's number or letter."),
            e(3, "Surfaces", "A composite of up to five surfaces (`M`, `O`, `D`, `B`, `L` …)."),
        ],
    },
    SegmentDescription {
        id: "SVD",
        name: "Line adjudication",
        loops: "opens 2430 (a prior payer's decision on the line)",
        about: "What an earlier payer paid for the line.",
        elements: &[
            t(1, "Payer id", "The other payer, as in its 2330B NM109.", Text, 2, 80),
            t(2, "Amount paid", "What it paid for the line.", Decimal, 1, 18),
            e(3, "Procedure", "The code it paid for."),
            t(5, "Units paid", "The units it paid for.", Decimal, 1, 15),
        ],
    },
    SegmentDescription {
        id: "CAS",
        name: "Claim adjustment",
        loops: "2320, 2430",
        about: "Why an earlier payer paid less than was charged: a group and reason codes with their amounts.",
        elements: &[
            e(
                1,
                "Adjustment group",
                "`CO` contractual, `PR` patient responsibility, `OA` other, `PI` payer initiated.",
            ),
            e(2, "Reason", "A claim adjustment reason code."),
            t(3, "Amount", "The adjusted amount.", Decimal, 1, 18),
            e(4, "Quantity", "The adjusted units."),
        ],
    },
    SegmentDescription {
        id: "OI",
        name: "Other insurance coverage",
        loops: "2320",
        about: "The other subscriber's assignment and release answers.",
        elements: &[
            e(3, "Benefits assignment", "`Y`, `N` or `W`."),
            e(6, "Release of information", "`Y` or `I`."),
        ],
    },
    SegmentDescription {
        id: "MOA",
        name: "Outpatient adjudication",
        loops: "2320",
        about: "Remark codes of an earlier payer on an outpatient claim.",
        elements: &[e(3, "Remark code", "A remittance advice remark code.")],
    },
    SegmentDescription {
        id: "MIA",
        name: "Inpatient adjudication",
        loops: "2320 (837I)",
        about: "What an earlier payer decided on an inpatient claim.",
        elements: &[e(1, "Covered days", "The days it covered.")],
    },
    SegmentDescription {
        id: "LIN",
        name: "Drug identification",
        loops: "opens 2410",
        about: "The drug given on the line, by its national drug code.",
        elements: &[
            e(2, "Product qualifier", "`N4`: LIN03 is an NDC in 5-4-2 form."),
            e(3, "National drug code", "The 11-digit NDC."),
        ],
    },
    SegmentDescription {
        id: "CTP",
        name: "Drug quantity",
        loops: "2410",
        about: "How much of the drug was given.",
        elements: &[
            t(4, "Quantity", "The amount.", Decimal, 1, 15),
            e(5, "Unit", "A composite: `UN` units, `ML`, `GR`, `F2` international units."),
        ],
    },
    SegmentDescription {
        id: "QTY",
        name: "Quantity",
        loops: "2300, 2400",
        about: "A count the payer asks for (ambulance patients, obstetric units …).",
        elements: &[
            e(1, "Quantity qualifier", "What is counted."),
            t(2, "Quantity", "The count.", Decimal, 1, 15),
        ],
    },
    SegmentDescription {
        id: "MEA",
        name: "Measurement",
        loops: "2400",
        about: "A test result that goes with the line (hemoglobin, creatinine …).",
        elements: &[
            e(1, "Measurement reference", "`TR` test results."),
            e(2, "Measurement qualifier", "Which measurement."),
            t(3, "Value", "The result.", Decimal, 1, 20),
        ],
    },
    SegmentDescription {
        id: "PS1",
        name: "Purchased service",
        loops: "2400 (837P)",
        about: "Who performed a purchased service and what it cost.",
        elements: &[
            t(1, "Provider id", "The purchased service provider.", Text, 1, 50),
            t(2, "Charge", "What it cost.", Decimal, 1, 18),
        ],
    },
    SegmentDescription {
        id: "DN1",
        name: "Orthodontic information",
        loops: "2300 (837D)",
        about: "How long an orthodontic treatment takes and how much of it is left.",
        elements: &[
            t(1, "Months of treatment", "The total.", Decimal, 1, 15),
            t(2, "Months remaining", "What is left.", Decimal, 1, 15),
        ],
    },
    SegmentDescription {
        id: "DN2",
        name: "Tooth status",
        loops: "2300 (837D)",
        about: "A tooth that is missing or to be extracted.",
        elements: &[
            e(1, "Tooth", "The tooth's number."),
            e(2, "Status", "`E` to be extracted, `M` missing."),
        ],
    },
];

/// Every segment claimls describes.
pub fn segment_descriptions() -> &'static [SegmentDescription] {
    SEGMENTS
}

/// What a segment is for, or `None` for one claimls does not read.
pub fn describe_segment(id: &str) -> Option<&'static SegmentDescription> {
    // Asked for every segment of a file: a fast hash for the short ids.
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<u32, usize>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let keys = SEGMENTS.iter().enumerate();
        keys.filter_map(|(i, s)| Some((crate::parse::id_key(s.id)?, i))).collect()
    });
    index.get(&crate::parse::id_key(id)?).map(|&i| &SEGMENTS[i])
}

/// What an element (1-based position) is for, or `None` when claimls does not describe it.
pub fn describe_element(segment: &str, position: usize) -> Option<&'static ElementDescription> {
    describe_segment(segment)?.elements.iter().find(|e| e.position as usize == position)
}

/// A line for a hover or a message: "NM109 (Identification code)", or a plain statement that
/// claimls does not read the segment.
pub fn element_name(segment: &str, position: usize) -> String {
    match describe_element(segment, position) {
        Some(element) => format!("{segment}{position:02} ({})", element.name),
        None if describe_segment(segment).is_some() => format!("{segment}{position:02}"),
        None => format!("segment {segment} is not one claimls reads"),
    }
}

/// What a hover says about a segment: its name, loops and purpose, or that claimls does not read
/// it.
pub fn segment_hover(id: &str) -> String {
    match describe_segment(id) {
        Some(s) => format!("{} — {}\n\nWhere: {}.\n\n{}", s.id, s.name, s.loops, s.about),
        None => format!("segment {id} is not one claimls reads"),
    }
}

#[cfg(test)]
mod order_tests {
    #[test]
    fn each_segment_describes_its_elements_in_position_order_once() {
        for segment in super::SEGMENTS {
            let positions: Vec<u8> = segment.elements.iter().map(|e| e.position).collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}: {positions:?}", segment.id);
            assert!(positions.first().is_none_or(|&p| p >= 1), "{}", segment.id);
        }
    }
}
