//! The words behind each rule id: the one-line summary and the explanation that
//! `claimls explain` prints and the editor shows on hover.

use super::RuleInfo;
use crate::Severity::{Error, Hint, Warning};

pub(super) const CATALOGUE: &[RuleInfo] = &[
    RuleInfo {
        id: "syntax",
        default_severity: Error,
        summary: "a line cannot be parsed",
        explanation: "The line does not follow the claim file format, so claimls cannot tell \
            what it says; the message names what was expected at that spot (for example a \
            diagnosis letter after `dx`, or a date of service after `line`). A claim built from \
            a line that cannot be read would be rejected by the clearinghouse before a payer \
            ever sees it. Fix the line as the message suggests; `claimls explain` and the \
            examples folder show each statement written correctly. The rest of the file is \
            still checked.",
    },
    RuleInfo {
        id: "unclosed-block",
        default_severity: Error,
        summary: "a `claim`/`order` block has no `end`, or a statement stands outside a block",
        explanation: "Every claim or order starts with `claim <id>` or `order <id>` and finishes \
            with `end`. Without the `end`, or with a statement before any block, an `end` with \
            no block, or a block started inside another, it is unclear which claim a line \
            belongs to, and a billing system would merge or drop lines. Add the missing `end` \
            before the next block starts, or move the stray statement into its block.",
    },
    RuleInfo {
        id: "duplicate-id",
        default_severity: Error,
        summary: "two blocks in one file share an id",
        explanation: "Each claim and order needs its own id (the claim control number). Payers \
            and clearinghouses reject or silently drop a second submission that reuses a \
            control number, treating it as a duplicate claim. Give the second block a new id; \
            if it really is the same claim, merge the two blocks into one.",
    },
    RuleInfo {
        id: "missing-field",
        default_severity: Error,
        summary: "a claim or order lacks a required statement",
        explanation: "A claim needs a `patient`, a `billing npi`, at least one `dx` and at least \
            one `line` (an inpatient claim may have a `px` instead of lines). An order needs a \
            `patient`, an `ordering npi`, a `date`, at least one `dx` and at least one `test`. \
            Payers reject a claim without these at the front door: they cannot tell who was \
            treated, who is paid, why, or for what. Add the statement the message names.",
    },
    RuleInfo {
        id: "malformed-code",
        default_severity: Error,
        summary: "the text is not written like any code of the expected system",
        explanation: "Each code system has a fixed shape: an ICD-10-CM diagnosis is a letter, a \
            digit, a letter or digit, then up to four more characters after an optional dot \
            (`E11.9`); an ICD-10-PCS procedure is exactly seven characters; a CPT code is five \
            digits (or four digits and F, T or U); a HCPCS code is a letter and four digits. \
            Text of any other shape is a typing slip or a code from the wrong system, such as \
            an ICD-9-CM code (`250.00`), which US payers have not accepted since 2015-10-01. \
            Look the code up again (`claimls lookup`) and write it in the right system.",
    },
    RuleInfo {
        id: "unknown-code",
        default_severity: Error,
        summary: "the code has the right shape but is not in the code set",
        explanation: "The text looks like a real code but no such code exists in the code set, \
            which usually means a mistyped or transposed character. Payers reject claims with \
            invalid codes outright. The message lists the real codes one slip away and the \
            quick fixes replace the code with them; check the medical record before choosing \
            one, since the nearest code is not always the right one.",
    },
    RuleInfo {
        id: "header-code",
        default_severity: Error,
        summary: "an ICD-10-CM category or subcategory that is not billable",
        explanation: "ICD-10-CM codes form a tree, and only its leaves are billable. A category \
            such as `E11` (type 2 diabetes) has more specific codes below it, and payers reject \
            a claim that stops at a heading because it does not say enough (with or without \
            complications, which complication). Choose the billable code below it that the \
            documentation supports; the message says how many there are and the quick fixes \
            offer them when there are few.",
    },
    RuleInfo {
        id: "seventh-character",
        default_severity: Error,
        summary: "the code needs a 7th character",
        explanation: "Injury, poisoning, fracture, pregnancy and some other codes need a 7th \
            character that tells the encounter type, such as `A` initial encounter, `D` \
            subsequent encounter or `S` sequela. When the code is shorter than six characters, \
            the gap is filled with the placeholder `X` (`T14.90` becomes `T14.90XA`). Without \
            it the code is incomplete and is rejected. Pick the 7th character that matches the \
            visit; the quick fixes offer each valid one with its meaning.",
    },
    RuleInfo {
        id: "not-effective",
        default_severity: Error,
        summary: "the code is real but not valid on the date of service",
        explanation: "Code sets change every year (ICD-10-CM and ICD-10-PCS on October 1, HCPCS \
            every quarter). A claim is judged by the codes in force on the date of service: a \
            code added later cannot be used for an earlier visit, and a deleted or split code \
            cannot be used after it ended. The message gives the periods when the code was \
            valid and, where the code was split, the codes that replaced it. Check the date of \
            service, then pick the code in force on that date.",
    },
    RuleInfo {
        id: "excludes1",
        default_severity: Warning,
        summary: "two diagnoses are in an Excludes1 relation",
        explanation: "An Excludes1 note in the ICD-10-CM tabular means \"not coded here\": the \
            two conditions cannot occur together, such as type 1 and type 2 diabetes. Payers \
            edit for these pairs and deny the claim or the line. Check the documentation and \
            keep only the code that describes the patient; the rare documented exception is \
            when the two conditions are truly unrelated.",
    },
    RuleInfo {
        id: "code-first",
        default_severity: Warning,
        summary: "a diagnosis with a \"code first\" note is listed before the code it names",
        explanation: "ICD-10-CM guideline I.A.13: where the tabular says \"code first\" the \
            underlying condition it names is sequenced before the code that carries the note \
            (for example hypertensive heart disease I11.0 before the heart failure I50.32 it \
            causes, diabetic kidney disease E11.22 before the CKD stage N18.4). Payers and \
            auditors read the first-listed diagnosis as the reason for the service. claimls \
            fires only when the code the note names is on the same claim or order, since many \
            such notes are conditional. The quick fix swaps the two codes and the pointers to \
            them, so each line keeps pointing to the same codes.",
    },
    RuleInfo {
        id: "manifestation-first",
        default_severity: Error,
        summary: "a manifestation code is listed first",
        explanation: "Manifestation codes (titles with \"in diseases classified elsewhere\", \
            notes saying \"code first\" the underlying disease) describe a consequence of \
            another disease and may never be the first-listed or principal diagnosis. Payers \
            reject such claims. List the underlying condition (the etiology) first, as dx A, \
            and the manifestation after it.",
    },
    RuleInfo {
        id: "external-cause-first",
        default_severity: Error,
        summary: "an external-cause code (V00–Y99) is listed first",
        explanation: "External-cause codes (V00–Y99) say how an injury happened, where, and what \
            the patient was doing; they add detail but never describe the condition treated, \
            so they may not be the first-listed diagnosis. Put the injury or condition itself \
            (for example an `S` or `T` code) first as dx A, and the external cause after it.",
    },
    RuleInfo {
        id: "unacceptable-principal",
        default_severity: Warning,
        summary: "an inpatient claim's first dx may not be a principal diagnosis",
        explanation: "The Medicare Code Editor lists codes that are not acceptable as the \
            principal diagnosis of an inpatient stay, mostly Z codes that describe a \
            circumstance rather than a reason for admission (for example `Z37.0`, the outcome \
            of delivery). An inpatient claim led by one is returned. Put the condition that \
            occasioned the admission first. Professional and outpatient claims are not edited \
            this way.",
    },
    RuleInfo {
        id: "age-conflict",
        default_severity: Warning,
        summary: "the patient's age does not fit the code's age group",
        explanation: "Some codes are meant for one age group only: newborn (age 0), pediatric \
            (0–17), maternity (9–64) or adult (15–124), as defined by the Medicare Code Editor. \
            The patient's age on the date of service is outside that range, which payers read \
            as a coding error or a wrong date of birth. Check the date of birth on the \
            `patient` line, then the code.",
    },
    RuleInfo {
        id: "sex-conflict",
        default_severity: Warning,
        summary: "the code is specific to the other sex",
        explanation: "Some codes apply to one sex only (for example conditions of the prostate, \
            or of pregnancy), and the Medicare Code Editor flags them. When the patient's `sex` \
            does not match, payers deny the claim as a likely error. Check the `sex` on the \
            `patient` line and the code; when the documented sex really differs from the code's \
            (for example after gender-affirming care), follow the payer's instructions, often a \
            condition code or modifier KX.",
    },
    RuleInfo {
        id: "duplicate-dx",
        default_severity: Warning,
        summary: "the same diagnosis code appears twice in one block",
        explanation: "Each diagnosis should be listed once per claim or order. A second copy \
            takes one of the 12 diagnosis slots, makes the pointers ambiguous (which letter \
            supports which line?), and some payers reject the claim as malformed. It often \
            happens when two problem lists are merged. Remove the second `dx` and point the \
            lines that used its letter at the first one.",
    },
    RuleInfo {
        id: "too-many-dx",
        default_severity: Error,
        summary: "more than 12 diagnoses on a professional claim, more than 25 on a facility claim",
        explanation: "The professional claim form (CMS-1500 / 837P) has room for 12 diagnoses, \
            lettered A to L; a facility claim (UB-04 / 837I: outpatient or inpatient) has room \
            for a principal diagnosis and 24 others, lettered A to Y. Further diagnoses, or \
            letters past the last, cannot be sent and are rejected. Keep those most relevant to \
            the services billed, or split the services into a second claim with its own \
            diagnoses. A block of hundreds of diagnoses gets the first 25 of these errors one by \
            one and one more that counts the rest.",
    },
    RuleInfo {
        id: "unused-dx",
        default_severity: Warning,
        summary: "a professional claim's dx that no line points to",
        explanation: "Every diagnosis on a professional claim should support at least one \
            service. A `dx` that no line's `ptr` names is either a forgotten pointer or a \
            diagnosis that does not belong on this claim. Add its letter to the `ptr` of the \
            line it supports, or remove the `dx`. Facility claims (outpatient, inpatient) have \
            no pointers, so the rule does not apply to them; nor to external-cause codes \
            (V00-Y99: cause, place, activity, status), which are reported without a pointer.",
    },
    RuleInfo {
        id: "dx-pointer",
        default_severity: Error,
        summary: "`ptr` names a missing letter, repeats one, or has more than 4",
        explanation: "A diagnosis pointer links a service line to the diagnoses that justify it, \
            by their letters. It may name only letters that have a `dx` in the same block, each \
            once, and at most 4 per line (the claim form has four pointer slots; the first is \
            the line's primary diagnosis). A broken pointer leaves the service without a \
            medical reason and the line is denied. Point to existing letters, once each, and \
            keep the four most relevant.",
    },
    RuleInfo {
        id: "missing-pointer",
        default_severity: Error,
        summary: "a claim line or order test without `ptr`",
        explanation: "Each service line and each ordered test must say which diagnoses justify \
            it, with `ptr` and the dx letters (`ptr A` or `ptr A,B`). Payers deny services \
            without a linked diagnosis as not medically necessary. Add `ptr` with the letters \
            of the diagnoses that support the service, the main one first.",
    },
    RuleInfo {
        id: "modifier",
        default_severity: Error,
        summary: "an unknown modifier, the same modifier twice, or more than 4",
        explanation: "Modifiers are two-character codes after the service code (`99213-25`) \
            that tell the payer something about how the service was done: a separate visit, \
            a side of the body, a repeat. Only real modifiers in force on the date of service \
            count, each at most once, and a line has room for four. Fix the mistyped modifier \
            or remove the extra ones; when more than four apply, many payers want modifier 99 \
            and the rest in the notes.",
    },
    RuleInfo {
        id: "npi",
        default_severity: Error,
        summary: "an NPI that is not 10 digits or fails the check digit",
        explanation: "A National Provider Identifier is 10 digits; the last one is a check \
            digit computed with the Luhn formula over 80840 and the first nine digits, so most \
            typing slips are caught. Payers reject a claim whose NPI is invalid or does not \
            match the provider on file. Copy the NPI again from the provider's record or the \
            NPPES registry.",
    },
    RuleInfo {
        id: "pos",
        default_severity: Error,
        summary: "an unknown place-of-service code",
        explanation: "The place of service is a two-digit code from the CMS list (11 office, \
            21 inpatient hospital, 22 outpatient hospital, 02 telehealth, …); it decides how \
            the service is paid. A code that is not on the list is rejected. Use the code for \
            where the patient was seen; the editor's completion lists them all.",
    },
    RuleInfo {
        id: "date",
        default_severity: Error,
        summary: "an impossible date, a reversed range, a service before birth or in the future",
        explanation: "Dates are written YYYY-MM-DD and must exist in the calendar. A range \
            `from..to` must not end before it starts, and no service can come before the \
            patient's date of birth. Payers reject claims with such dates. A date of service \
            in the future is a warning: a claim may only be sent after the service was given. \
            Check the dates against the medical record.",
    },
    RuleInfo {
        id: "units",
        default_severity: Error,
        summary: "units that are not a whole number from 1 to 9999",
        explanation: "Units count how many times the service was given (or how many doses of a \
            drug code were given); they are a whole number from 1 to 9999. Zero, fractions, \
            and larger numbers are rejected. Write the count as a whole number; for drugs, \
            divide the dose given by the amount in the code's title.",
    },
    RuleInfo {
        id: "charge",
        default_severity: Error,
        summary: "a charge that is negative or not a money amount",
        explanation: "A charge is the amount billed for the line: a non-negative number with at \
            most two decimals, optionally starting with `$` (`125.00`, `$22.50`). Negative \
            amounts, thousands separators, and other text cannot be sent. Write the amount as \
            plain digits; refunds and adjustments are not made with negative charges.",
    },
    RuleInfo {
        id: "duplicate-line",
        default_severity: Warning,
        summary: "two lines with the same date, code and modifiers",
        explanation: "Two identical lines on one claim look like a double billing, and payers \
            deny the second as a duplicate. If the service was really given twice, bill it \
            once with more units, or add the modifier that explains the repeat (76 or 77 for a \
            repeated procedure, 59 or an X modifier for a distinct service, 91 for a repeated \
            lab test). Otherwise delete the copy.",
    },
    RuleInfo {
        id: "cpt-unverified",
        default_severity: Hint,
        summary: "a CPT code that no loaded CPT file can confirm",
        explanation: "CPT codes belong to the American Medical Association and are licensed, so \
            claimls does not ship them: it can check that a CPT code is written correctly but \
            not that it exists. This hint says the code was not verified. To verify CPT codes, \
            add your licensed CPT file (`code<TAB>title` lines) to `code-files` in \
            `claimls.toml`; then an unknown CPT code is reported as `unknown-code`. Turn the \
            hint off with `cpt-unverified = \"off\"` under `[rules]`.",
    },
    RuleInfo {
        id: "code-format",
        default_severity: Hint,
        summary: "a valid code written in a non-canonical way",
        explanation: "The code is valid, but written in lower case or without the dot \
            (`e119`). Claims carry codes in upper case, and ICD-10-CM codes are written with \
            the dot after the third character by convention, which makes them easier to read \
            and compare. The quick fix rewrites the code in its usual form.",
    },
    RuleInfo {
        id: "document-too-large",
        default_severity: Warning,
        summary: "(editors only) a document over 8 MiB is not checked as you type",
        explanation: "An editor sends the whole document to claimls and every keystroke asks \
            for it to be checked again, so a very large file would make the editor slow and \
            the server's memory grow with it. A document over 8 MiB (8,388,608 bytes, about \
            240,000 claim lines) is therefore not checked in the editor, and hover, completion \
            and the other features are off for it; this one diagnostic on its first line says \
            so. Nothing is wrong with the claims in it. Check the file from a terminal with \
            `claimls check FILE`, which has no size limit, or split it into smaller files.",
    },
    // ----- X12 837 (contract section 6) and HL7 v2 (section 7) -----
    RuleInfo {
        id: "envelope",
        default_severity: Error,
        summary: "X12: ISA/IEA, GS/GE or ST/SE do not pair up, or a count or control number is wrong",
        explanation: "An X12 file is wrapped three times: the interchange (ISA ... IEA), the \
            functional group (GS ... GE) and the transaction (ST ... SE). Each trailer repeats \
            its header's control number (IEA02 = ISA13, GE02 = GS06, SE02 = ST02) and counts \
            what it closes (IEA01 the groups, GE01 the transactions, SE01 the segments from ST \
            to SE, both included). A clearinghouse rejects the whole batch when they disagree, \
            before any claim is read, so this is the first thing to fix after an edit that \
            adds or removes segments. The quick fix writes the right count or number.",
    },
    RuleInfo {
        id: "hierarchy",
        default_severity: Error,
        summary: "X12: the HL tree is broken",
        explanation: "The HL segments of an 837 form a tree: the billing provider (HL03 20), \
            under it the subscriber (22), and under that the patient (23) when the patient is \
            not the subscriber. HL01 numbers them 1, 2, 3 in order, HL02 names the parent's \
            HL01 and HL04 says whether children follow. Receivers walk this tree to find whose \
            claim is whose, so a wrong parent or a missing level makes them reject or \
            misattribute the claims. Renumber the HL segments, or fix the parent and child \
            flags.",
    },
    RuleInfo {
        id: "segment",
        default_severity: Error,
        summary: "X12 or HL7: a segment that is unknown, out of place, missing, or malformed",
        explanation: "In an 837 every segment has its place in a loop (a service line's SV1 \
            after a CLM, a CLM inside a subscriber or patient loop) and some are required (an \
            837P or 837I claim needs its HI diagnoses; a line needs a DTP*472 date when the \
            claim gives none). In an HL7 message the segment id is three upper-case letters or \
            digits and each segment stands where the message structure puts it (an order's OBR \
            after its ORC, the patient's PID before the orders). A segment out of place is \
            usually a cut-and-paste slip or a missing terminator that ran two segments \
            together; claimls says which segment it expected. Segments claimls does not read \
            are named as such rather than guessed at.",
    },
    RuleInfo {
        id: "qualifier",
        default_severity: Error,
        summary: "X12: a qualifier that does not fit where it stands",
        explanation: "X12 says what a value is with a qualifier next to it: HI's ABK/ABF \
            (ICD-10-CM) or BK/BF (ICD-9-CM), SV101-1 HC (HCPCS and CPT), NM108 XX (an NPI), \
            DTP02 D8 (one date) or RD8 (a range). ICD-9 qualifiers are for dates of service \
            before 2015-10-01 and ICD-10 ones for dates from then on; the first HI of an 837P is \
            the principal diagnosis (ABK or BK). A receiver reads the value by its qualifier, so \
            a wrong one makes a right code unreadable. Write the qualifier the value needs.",
    },
    RuleInfo {
        id: "claim-total",
        default_severity: Error,
        summary: "X12: CLM02 is not the sum of the claim's line charges",
        explanation: "The claim's total charge (CLM02) must equal the sum of its service lines' \
            charges (SV102 in an 837P, SV203 in an 837I, SV302 in an 837D). Clearinghouses \
            check this balance before anything else about the claim and reject it when it is \
            off by even a cent: usually a line was added, removed or re-priced without updating \
            the total. The quick fix writes the sum.",
    },
    RuleInfo {
        id: "coding-system",
        default_severity: Error,
        summary: "HL7: a DG1-3 or OBR-4 coding system that does not match the code",
        explanation: "An HL7 code travels with the name of its coding system (the third \
            component: DG1-3.3, OBR-4.3), from HL7 table 0396: I10C is ICD-10-CM, the code set \
            of US claims, while I10 is the WHO's ICD-10, a different classification; I9C is \
            ICD-9-CM, retired for dates from 2015-10-01; C4 is CPT and HCPCS the HCPCS Level \
            II codes. A lab bills with the diagnosis the order sends, so a code named with the \
            wrong system, or with none, may be read as something else or refused. Write the \
            system the code belongs to (the quick fix does where it is sure).",
    },
];
