//! How the format-neutral rules name the parts of an 837 in their messages: X12 positions the
//! way billing staff say them ("SV107", "HI position 3", "loop 2010AA").

use claimls_model::{DateOrder, Naming, Part, SyntaxKind};

/// The words of an 837. [`NAMING`] speaks for any 837 (naming each transaction's element where
/// they differ); the others for one kind of transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X12Naming {
    Any,
    Professional,
    Institutional,
    Dental,
}

/// The naming of X12 837 files.
pub static NAMING: X12Naming = X12Naming::Any;
/// The naming of an 837P.
pub static NAMING_837P: X12Naming = X12Naming::Professional;
/// The naming of an 837I.
pub static NAMING_837I: X12Naming = X12Naming::Institutional;
/// The naming of an 837D.
pub static NAMING_837D: X12Naming = X12Naming::Dental;

impl X12Naming {
    /// The naming for one transaction kind.
    pub fn for_kind(kind: crate::TransactionKind) -> &'static X12Naming {
        match kind {
            crate::TransactionKind::Professional => &NAMING_837P,
            crate::TransactionKind::Institutional => &NAMING_837I,
            crate::TransactionKind::Dental => &NAMING_837D,
            crate::TransactionKind::Other => &NAMING,
        }
    }

    fn pick(
        self,
        any: &'static str,
        p: &'static str,
        i: &'static str,
        d: &'static str,
    ) -> &'static str {
        match self {
            X12Naming::Any => any,
            X12Naming::Professional => p,
            X12Naming::Institutional => i,
            X12Naming::Dental => d,
        }
    }
}

impl Naming for X12Naming {
    fn syntax(&self) -> SyntaxKind {
        SyntaxKind::X12
    }

    fn date_order(&self) -> DateOrder {
        DateOrder::Compact
    }

    fn part(&self, part: Part) -> &'static str {
        match part {
            Part::Patient => "the patient (NM1*IL in loop 2010BA, or NM1*QC in loop 2010CA)",
            Part::DateOfBirth => "DMG02",
            Part::Sex => "DMG03",
            Part::Payer => "the payer (NM1*PR, loop 2010BB)",
            Part::Billing => "the billing provider (NM1*85, loop 2010AA)",
            Part::Rendering => self.pick(
                "the rendering provider (NM1*82, loop 2310B or 2420A)",
                "the rendering provider (NM1*82, loop 2310B or 2420A)",
                "the rendering provider (NM1*82, loop 2310D)",
                "the rendering provider (NM1*82, loop 2310B or 2420A)",
            ),
            Part::Referring => "the referring provider (NM1*DN)",
            Part::Ordering => "the ordering provider (NM1*DK, loop 2420E)",
            Part::Place => self.pick(
                "CLM05-1",
                "CLM05-1 (place of service)",
                "CLM05-1 (facility type code)",
                "CLM05-1 (place of service)",
            ),
            Part::OrderDate => "DTP",
            Part::Diagnosis => "HI",
            Part::Procedure => "HI (BBR/BBQ)",
            Part::Line => self.pick(
                "a service line (loop 2400)",
                "a service line (LX and SV1, loop 2400)",
                "a service line (LX and SV2, loop 2400)",
                "a service line (LX and SV3, loop 2400)",
            ),
            Part::Test => "a service line (loop 2400)",
            Part::Pointers => self.pick("SV107 (SV311 in an 837D)", "SV107", "SV107", "SV311"),
            Part::Units => {
                self.pick("SV104 (SV205 in an 837I, SV306 in an 837D)", "SV104", "SV205", "SV306")
            }
            Part::Charge => {
                self.pick("SV102 (SV203 in an 837I, SV302 in an 837D)", "SV102", "SV203", "SV302")
            }
            Part::Npi => "NM109",
            Part::Modifier => self.pick(
                "SV101-3 to SV101-6 (the modifiers)",
                "SV101-3 to SV101-6 (the modifiers)",
                "SV202-3 to SV202-6 (the modifiers)",
                "SV301-3 to SV301-6 (the modifiers)",
            ),
        }
    }

    fn diagnosis(&self, key: u32) -> String {
        format!("HI position {}", u64::from(key) + 1)
    }

    fn pointer_text(&self, key: u32) -> String {
        (u64::from(key) + 1).to_string()
    }

    fn how_to_add(&self, part: Part) -> &'static str {
        match part {
            Part::Patient => {
                "`NM1*IL*1*<last>*<first>****MI*<member id>` and `DMG*D8*<CCYYMMDD>*<sex>` in loop 2010BA (the subscriber), or in loop 2010CA `NM1*QC` when the patient is not the subscriber"
            }
            Part::DateOfBirth => "DMG02, the date of birth CCYYMMDD, in `DMG*D8*<CCYYMMDD>*<sex>`",
            Part::Sex => "DMG03 (`F`, `M` or `U`) in `DMG*D8*<CCYYMMDD>*<sex>`",
            Part::Payer => "`NM1*PR*2*<payer name>*****PI*<payer id>` in loop 2010BB",
            Part::Billing => "`NM1*85*2*<name>*****XX*<NPI>` in loop 2010AA, after `HL*1**20*1`",
            Part::Rendering => "`NM1*82*1*<last>*<first>****XX*<NPI>` in loop 2310B, after the claim's HI",
            Part::Referring => "`NM1*DN*1*<last>*<first>****XX*<NPI>` in loop 2310A",
            Part::Ordering => "`NM1*DK*1*<last>*<first>****XX*<NPI>` in loop 2420E",
            Part::Place => "CLM05-1, e.g. `CLM*<id>*<total>***11:B:1*Y*A*Y*Y`",
            Part::OrderDate => "`DTP*472*D8*<CCYYMMDD>`",
            Part::Diagnosis => "`HI*ABK:<code>` (ICD-10-CM, without the dot) in loop 2300, after the CLM",
            Part::Procedure => "`HI*BBR:<ICD-10-PCS code>:D8:<CCYYMMDD>` in loop 2300",
            Part::Line | Part::Test => self.pick(
                "a service line, `LX*<n>` with its SV1 (837P), SV2 (837I) or SV3 (837D), in loop 2400",
                "`LX*<n>` and `SV1*HC:<code>*<charge>*UN*<units>***<pointers>` with `DTP*472*D8*<CCYYMMDD>`, in loop 2400",
                "`LX*<n>` and `SV2*<revenue code>*HC:<code>*<charge>*UN*<units>`, in loop 2400",
                "`LX*<n>` and `SV3*AD:<code>*<charge>****<units>`, in loop 2400",
            ),
            Part::Pointers => self.pick(
                "SV107 (SV311 in an 837D), the HI positions of the line's diagnoses, e.g. `1:2`",
                "SV107, the HI positions of the line's diagnoses, e.g. `1:2`",
                "SV107, the HI positions of the line's diagnoses",
                "SV311, the HI positions of the line's diagnoses, e.g. `1:2`",
            ),
            Part::Units => self.pick(
                "the units (SV104, SV205 in an 837I, SV306 in an 837D)",
                "SV104, the units (with `UN` in SV103)",
                "SV205, the units (with `UN` in SV204)",
                "SV306, the units",
            ),
            Part::Charge => self.pick(
                "the line charge (SV102, SV203 in an 837I, SV302 in an 837D)",
                "SV102, the line charge",
                "SV203, the line charge",
                "SV302, the line charge",
            ),
            Part::Npi => "NM108 `XX` and the 10-digit NPI in NM109",
            Part::Modifier => "a modifier as the next component of the procedure, e.g. `HC:99213:25`",
        }
    }
}
