//! The syntaxes claimls reads, how a file's syntax is chosen, and each syntax's way from text
//! to the claim model. Everything after the model (the rules, hover, inlay hints, navigation)
//! is the same for every syntax.

use std::path::Path;

use claimls_model::{Diagnostic, Document, Naming};

/// A syntax claimls reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// The claim language (`.claim`, `.claims`, `.order`).
    Claim,
    /// X12 837 claim files (`.837`, `.x12`, `.edi`).
    X12,
    /// HL7 v2 messages (`.hl7`, `.hl7v2`).
    Hl7,
}

/// Each language with its editor language id and file extensions: the one place these are
/// stated (the CLI's directory walk and the server's language ids derive from it).
pub const LANGUAGES: [(Language, &str, &[&str]); 3] = [
    (Language::Claim, "claim", &["claim", "claims", "order"]),
    (Language::X12, "x12", &["837", "x12", "edi"]),
    (Language::Hl7, "hl7", &["hl7", "hl7v2"]),
];

impl Language {
    /// The language of a file by its extension (any case), if it is one claimls reads.
    pub fn from_extension(path: &Path) -> Option<Language> {
        let extension = path.extension()?.to_str()?;
        LANGUAGES
            .iter()
            .find(|(_, _, extensions)| extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)))
            .map(|(language, _, _)| *language)
    }

    /// The language of a text by its content: X12 when it starts with `ISA` or `ST*`, HL7 v2
    /// when it starts with `MSH` (after a byte-order mark and white space), else the claim
    /// language.
    pub fn from_content(text: &str) -> Language {
        let start = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
        if claimls_x12::looks_like_x12(text) {
            Language::X12
        } else if start.starts_with("MSH") {
            Language::Hl7
        } else {
            Language::Claim
        }
    }

    /// The language of a file: by its extension, else by its content.
    pub fn of_file(path: &Path, text: &str) -> Language {
        Language::from_extension(path).unwrap_or_else(|| Language::from_content(text))
    }

    /// The language an editor names (`claim`, `x12`, `hl7`).
    pub fn from_id(id: &str) -> Option<Language> {
        LANGUAGES.iter().find(|(_, name, _)| *name == id).map(|(language, _, _)| *language)
    }

    /// The editor language id.
    pub fn id(self) -> &'static str {
        LANGUAGES.iter().find(|(language, _, _)| *language == self).map_or("claim", |l| l.1)
    }

    /// How the rules name this syntax's parts, for a text of it.
    pub fn naming(self, text: &str) -> &'static dyn Naming {
        match self {
            Language::Claim => &claimls_syntax::NAMING,
            Language::X12 => x12_naming(text),
            Language::Hl7 => &claimls_hl7::NAMING,
        }
    }

    /// The whole text parsed and lowered into the model.
    pub fn lower(self, text: &str) -> Document {
        match self {
            Language::Claim => {
                claimls_syntax::lower(text, &claimls_syntax::parse_without_tokens(text))
            }
            Language::X12 => claimls_x12::lower(text, &claimls_x12::parse(text)),
            Language::Hl7 => claimls_hl7::lower(text, &claimls_hl7::parse(text)),
        }
    }
}

/// The X12 naming for a file: one kind of 837 names its own elements ("SV107", or "SV311" in an
/// 837D); a file that mixes them (or names none) gets the words that fit any.
fn x12_naming(text: &str) -> &'static dyn Naming {
    // The implementation guide version (GS08 / ST03) says which 837 a transaction is:
    // `005010X222`, `X223` or `X224`. One search for what they share, rather than a search of
    // the whole text for each (a large file is read before its parse starts).
    let kinds: [&'static dyn Naming; 3] =
        [&claimls_x12::NAMING_837P, &claimls_x12::NAMING_837I, &claimls_x12::NAMING_837D];
    let bytes = text.as_bytes();
    let mut found = [false; 3];
    for at in memchr::memmem::find_iter(bytes, b"005010X22") {
        if let Some(kind @ b'2'..=b'4') = bytes.get(at + 9) {
            found[usize::from(kind - b'2')] = true;
            if found.iter().filter(|&&f| f).count() > 1 {
                break;
            }
        }
    }
    match found {
        [true, false, false] => kinds[0],
        [false, true, false] => kinds[1],
        [false, false, true] => kinds[2],
        _ => &claimls_x12::NAMING,
    }
}

/// A document's claims (or what each is made from: `start` gives where each begins) cut into
/// pieces of `claims_per_piece`, in order, each with the syntax's problems that lie before the
/// next piece's first claim: so that each piece's diagnostics lie in its own stretch of the text
/// and the pieces can be checked apart (on several threads).
pub(crate) fn pieces<C>(
    claims: Vec<C>,
    problems: Vec<Diagnostic>,
    claims_per_piece: usize,
    start: impl Fn(&C) -> usize,
    mut each: impl FnMut(Vec<C>, Vec<Diagnostic>),
) {
    let mut pieces = Pieces::new(claims_per_piece, start);
    pieces.add(claims, problems, &mut each);
    pieces.finish(&mut each);
}

/// [`pieces`] for claims and problems that come a part at a time (an 837's transactions, as
/// they are walked): each piece is handed over as soon as what follows it is known. The parts
/// must come so that every problem of a later part starts after every claim of the earlier
/// ones; the pieces are then those [`pieces`] makes of them all.
pub(crate) struct Pieces<C, S> {
    claims_per_piece: usize,
    start: S,
    claims: std::collections::VecDeque<C>,
    problems: std::collections::VecDeque<Diagnostic>,
    /// Whether a piece was handed over (a document without claims still makes one).
    handed: bool,
}

impl<C, S: Fn(&C) -> usize> Pieces<C, S> {
    pub(crate) fn new(claims_per_piece: usize, start: S) -> Self {
        Pieces {
            claims_per_piece: claims_per_piece.max(1),
            start,
            claims: Default::default(),
            problems: Default::default(),
            handed: false,
        }
    }

    /// Takes a part's claims and problems (in order), and hands over each piece now complete:
    /// one whose next claim is known, since the problems before that claim are all here.
    pub(crate) fn add(
        &mut self,
        claims: Vec<C>,
        problems: Vec<Diagnostic>,
        each: &mut impl FnMut(Vec<C>, Vec<Diagnostic>),
    ) {
        self.claims.extend(claims);
        self.problems.extend(problems);
        while self.claims.len() > self.claims_per_piece {
            let boundary = (self.start)(&self.claims[self.claims_per_piece]);
            self.hand_over(Some(boundary), each);
        }
    }

    /// Hands over the last piece: the claims left and every problem left.
    pub(crate) fn finish(mut self, each: &mut impl FnMut(Vec<C>, Vec<Diagnostic>)) {
        if !self.claims.is_empty() || !self.handed {
            self.hand_over(None, each);
        }
    }

    /// The next piece: up to `claims_per_piece` claims, and the problems before `boundary`.
    fn hand_over(
        &mut self,
        boundary: Option<usize>,
        each: &mut impl FnMut(Vec<C>, Vec<Diagnostic>),
    ) {
        let count = self.claims_per_piece.min(self.claims.len());
        let claims = self.claims.drain(..count).collect();
        let before = match boundary {
            Some(b) => self.problems.iter().position(|p| p.span.start >= b),
            None => None,
        };
        let problems = self.problems.drain(..before.unwrap_or(self.problems.len())).collect();
        self.handed = true;
        each(claims, problems);
    }
}
