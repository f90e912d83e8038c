//! HL7 v2 order messages for claimls: the parser, the message structure claimls reads, the
//! HL7-only rules (`segment`, `coding-system`, and the LOINC check), and the lowering of each
//! order into the format-neutral [`claimls_model::Document`] that every rule runs on.
//!
//! ```
//! let text = "MSH|^~\\&|EHR||LAB||20260302||ORM^O01|1|P|2.5.1\rPID|1||M1||Doe^Jane||19800412|F\r\
//!             ORC|NW|ORD-1|||||||20260302|||1234567893^Smith^Ann^^^^^^^^^^NPI\r\
//!             OBR|1|ORD-1||83036^Hemoglobin A1c^C4\rDG1|1||E11.9^Type 2 diabetes^I10C\r";
//! let file = claimls_hl7::parse(text);
//! let document = claimls_hl7::lower(text, &file);
//! assert!(document.problems.is_empty());
//! assert_eq!(document.claims[0].diagnoses[0].code.text(text), "E11.9");
//! ```
//!
//! Modules: [`parse`] (text → segments with byte spans; offset look-ups), [`lower`] (structure,
//! rules, lowering), [`codes`] (coding systems of HL7 table 0396, code shapes, LOINC check
//! digit), [`describe`] (the segments and fields claimls reads, in our words), [`naming`] (how
//! the rules' messages name HL7 parts), [`phi`] (what presentation mode masks).

pub mod codes;
pub mod describe;
pub mod lower;
pub mod naming;
pub mod parse;
pub mod phi;

pub use describe::describe_at;
pub use lower::{OrderTree, Walked, check, lower, lower_order, order_outline, walk};
pub use naming::{Hl7Naming, NAMING};
pub use parse::{
    Delimiters, Hl7File, Location, Message, MessageKind, Segment, decode, parse, parse_in_chunks,
    parse_message_at, split,
};
pub use phi::phi_spans;
