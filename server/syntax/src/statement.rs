//! Parses the words of one statement line into a [`StatementKind`].
//!
//! Values stay raw text: the parser only checks that each part is present and in its
//! place, so that the analysis can report a bad value under its own rule id.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_till, take_until},
    character::complete::char,
    sequence::preceded,
};

use crate::ast::{
    Pointers, ProviderRole, SemanticToken, ServiceCode, Span, StatementKind, SyntaxError,
    SyntaxErrorKind, Token, TokenKind,
};
use crate::lexer::{Word, WordKind};

/// Statement keywords, matched case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Claim,
    Order,
    End,
    Kind,
    Patient,
    Payer,
    Billing,
    Rendering,
    Referring,
    Ordering,
    Pos,
    Date,
    Dx,
    Px,
    Line,
    Test,
    Stay,
}

impl Keyword {
    pub fn parse(word: &str) -> Option<Keyword> {
        // Lower-case into a stack buffer: keywords are short ASCII, so anything longer
        // or non-ASCII is not one and no allocation is needed.
        let mut buffer = [0u8; 9];
        let bytes = word.as_bytes();
        if bytes.len() > buffer.len() {
            return None;
        }
        for (slot, byte) in buffer.iter_mut().zip(bytes) {
            *slot = byte.to_ascii_lowercase();
        }
        Some(match &buffer[..bytes.len()] {
            b"claim" => Keyword::Claim,
            b"order" => Keyword::Order,
            b"end" => Keyword::End,
            b"kind" => Keyword::Kind,
            b"patient" => Keyword::Patient,
            b"payer" => Keyword::Payer,
            b"billing" => Keyword::Billing,
            b"rendering" => Keyword::Rendering,
            b"referring" => Keyword::Referring,
            b"ordering" => Keyword::Ordering,
            b"pos" => Keyword::Pos,
            b"date" => Keyword::Date,
            b"dx" => Keyword::Dx,
            b"px" => Keyword::Px,
            b"line" => Keyword::Line,
            b"test" => Keyword::Test,
            b"stay" => Keyword::Stay,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Keyword::Claim => "claim",
            Keyword::Order => "order",
            Keyword::End => "end",
            Keyword::Kind => "kind",
            Keyword::Patient => "patient",
            Keyword::Payer => "payer",
            Keyword::Billing => "billing",
            Keyword::Rendering => "rendering",
            Keyword::Referring => "referring",
            Keyword::Ordering => "ordering",
            Keyword::Pos => "pos",
            Keyword::Date => "date",
            Keyword::Dx => "dx",
            Keyword::Px => "px",
            Keyword::Line => "line",
            Keyword::Test => "test",
            Keyword::Stay => "stay",
        }
    }
}

/// One optional `keyword value` pair of a statement.
struct OptionSpec {
    name: &'static str,
    value: TokenKind,
    /// Accepted values (case-insensitive); empty means any value.
    allowed: &'static [&'static str],
    /// What is expected after the keyword, for messages.
    expected: &'static str,
    example: &'static str,
}

const DOB: OptionSpec = OptionSpec {
    name: "dob",
    value: TokenKind::Date,
    allowed: &[],
    expected: "a date of birth",
    example: "dob 1980-04-12",
};
const SEX: OptionSpec = OptionSpec {
    name: "sex",
    value: TokenKind::Keyword,
    allowed: &["M", "F", "U"],
    expected: "`M`, `F` or `U`",
    example: "sex F",
};
const MEMBER: OptionSpec = OptionSpec {
    name: "member",
    value: TokenKind::Identifier,
    allowed: &[],
    expected: "a member id",
    example: "member XJ1234567",
};
const PAYER_ID: OptionSpec = OptionSpec {
    name: "id",
    value: TokenKind::Identifier,
    allowed: &[],
    expected: "a payer id",
    example: "id 60054",
};
const PX_DATE: OptionSpec = OptionSpec {
    name: "date",
    value: TokenKind::Date,
    allowed: &[],
    expected: "a procedure date",
    example: "date 2026-03-02",
};
const PTR: OptionSpec = OptionSpec {
    name: "ptr",
    value: TokenKind::Letter,
    allowed: &[],
    expected: "diagnosis letters",
    // Rendered inside backticks, hence the inner ones.
    example: "ptr A,B` or `ptr AB",
};
const UNITS: OptionSpec = OptionSpec {
    name: "units",
    value: TokenKind::Number,
    allowed: &[],
    expected: "a number of units",
    example: "units 1",
};
const CHARGE: OptionSpec = OptionSpec {
    name: "charge",
    value: TokenKind::Amount,
    allowed: &[],
    expected: "an amount",
    example: "charge 125.00",
};
const LINE_POS: OptionSpec = OptionSpec {
    name: "pos",
    value: TokenKind::Number,
    allowed: &[],
    expected: "a two-digit place-of-service code",
    example: "pos 11",
};
const LINE_NPI: OptionSpec = OptionSpec {
    name: "npi",
    value: TokenKind::Npi,
    allowed: &[],
    expected: "a 10-digit NPI",
    example: "npi 1234567893",
};
const PRIORITY: OptionSpec = OptionSpec {
    name: "priority",
    value: TokenKind::Keyword,
    allowed: &["routine", "stat"],
    expected: "`routine` or `stat`",
    example: "priority routine",
};

const PATIENT_OPTIONS: [OptionSpec; 3] = [DOB, SEX, MEMBER];
const PAYER_OPTIONS: [OptionSpec; 1] = [PAYER_ID];
const PX_OPTIONS: [OptionSpec; 1] = [PX_DATE];
const LINE_OPTIONS: [OptionSpec; 5] = [PTR, UNITS, CHARGE, LINE_POS, LINE_NPI];
const TEST_OPTIONS: [OptionSpec; 2] = [PTR, PRIORITY];

const CLAIM_KINDS: [&str; 3] = ["professional", "outpatient", "inpatient"];

/// Values of the options in `OptionSpec` order; `ptr` goes to `pointers`.
struct OptionValues<'t, const N: usize> {
    values: [Option<Token<'t>>; N],
    pointers: Option<Pointers<'t>>,
}

/// Parsing state for one line: its words, a cursor, the line's first error and the
/// semantic tokens found so far.
pub(crate) struct LineParser<'t, 'b> {
    pub text: &'t str,
    pub words: &'b [Word],
    pub position: usize,
    pub error: Option<SyntaxError>,
    /// How many errors were found, including those dropped after the first; lets a
    /// parser notice that a step failed.
    pub failures: usize,
    pub tokens: &'b mut Vec<SemanticToken>,
}

impl<'t, 'b> LineParser<'t, 'b> {
    fn peek(&self) -> Option<Word> {
        self.words.get(self.position).copied()
    }

    pub fn advance(&mut self) -> Option<Word> {
        let word = self.peek()?;
        self.position += 1;
        Some(word)
    }

    fn raw(&self, word: Word) -> &'t str {
        &self.text[word.start..word.end]
    }

    fn content(&self, word: Word) -> &'t str {
        &self.text[word.content_span().range()]
    }

    fn is_bare(&self, word: Word, keyword: &str) -> bool {
        word.kind == WordKind::Bare && self.raw(word).eq_ignore_ascii_case(keyword)
    }

    fn is_option<const N: usize>(&self, word: Word, options: &[OptionSpec; N]) -> bool {
        options.iter().any(|option| self.is_bare(word, option.name))
    }

    /// Records the line's error; only the first one counts, so a bad line yields one
    /// diagnostic.
    pub fn fail(&mut self, span: Span, message: String) {
        self.failures += 1;
        if self.error.is_none() {
            self.error = Some(SyntaxError { kind: SyntaxErrorKind::Syntax, span, message });
        }
    }

    pub fn mark(&mut self, span: Span, kind: TokenKind) {
        self.tokens.push(SemanticToken { span, kind });
    }

    /// The word's value (quotes stripped) as a token, highlighted as `kind`.
    pub fn token(&mut self, word: Word, kind: TokenKind) -> Token<'t> {
        self.mark(word.span(), kind);
        Token { text: self.content(word), span: word.content_span() }
    }

    fn sub_token(&mut self, span: Span, kind: TokenKind) -> Token<'t> {
        self.mark(span, kind);
        let text = self.text;
        Token { text: &text[span.range()], span }
    }

    /// Reports the first word left on the line, if any.
    pub fn expect_end(&mut self, after: &str) {
        if let Some(word) = self.peek() {
            let message = format!(
                "unexpected `{}` after {after}; expected the end of the line",
                shown(self.raw(word))
            );
            self.fail(word.span(), message);
        }
    }

    /// The next word unless the line ended or the word is one of `options` (then the
    /// value is missing rather than misspelled).
    fn value<const N: usize>(&mut self, options: &[OptionSpec; N]) -> Option<Word> {
        let word = self.peek()?;
        if self.is_option(word, options) {
            return None;
        }
        self.position += 1;
        Some(word)
    }

    /// `<text>`: one quoted string, or bare words up to the next keyword in `stops`.
    fn text_value<const N: usize>(&mut self, stops: &[OptionSpec; N]) -> Option<Token<'t>> {
        let first = self.peek()?;
        if self.is_option(first, stops) {
            return None;
        }
        if first.kind != WordKind::Bare {
            self.position += 1;
            return Some(self.token(first, TokenKind::String));
        }
        let mut last = first;
        while let Some(word) = self.peek() {
            if word.kind != WordKind::Bare || self.is_option(word, stops) {
                break;
            }
            last = word;
            self.position += 1;
        }
        Some(self.sub_token(Span::new(first.start, last.end), TokenKind::String))
    }

    /// Parses `keyword value` pairs in any order, each at most once, until the end of
    /// the line or the first error.
    fn options<const N: usize>(&mut self, options: &[OptionSpec; N]) -> OptionValues<'t, N> {
        let mut found = OptionValues { values: std::array::from_fn(|_| None), pointers: None };
        let mut previous_was_ptr = false;
        while let Some(word) = self.peek() {
            let Some(index) = options.iter().position(|option| self.is_bare(word, option.name))
            else {
                let message = self.unknown_option_message(word, options, previous_was_ptr);
                self.fail(word.span(), message);
                break;
            };
            let option = &options[index];
            let seen = if option.name == "ptr" {
                found.pointers.is_some()
            } else {
                found.values[index].is_some()
            };
            if seen {
                let message = format!(
                    "`{}` is given twice; expected each of {} at most once",
                    option.name,
                    option_list(options)
                );
                self.fail(word.span(), message);
                break;
            }
            self.position += 1;
            self.mark(word.span(), TokenKind::Keyword);
            previous_was_ptr = option.name == "ptr";
            if previous_was_ptr {
                let failures = self.failures;
                found.pointers = self.pointers(word.span(), options);
                if found.pointers.is_none() || self.failures != failures {
                    break;
                }
                continue;
            }
            let Some(value) = self.value(options) else {
                let message = format!(
                    "expected {} after `{}`, e.g. `{}`",
                    option.expected,
                    self.raw(word),
                    option.example
                );
                self.fail(word.span(), message);
                break;
            };
            let token = self.token(value, option.value);
            if !option.allowed.is_empty()
                && !option.allowed.iter().any(|allowed| token.text.eq_ignore_ascii_case(allowed))
            {
                let message = format!(
                    "expected {} after `{}`, e.g. `{}`",
                    option.expected,
                    self.raw(word),
                    option.example
                );
                self.fail(value.span(), message);
                found.values[index] = Some(token);
                break;
            }
            found.values[index] = Some(token);
        }
        found
    }

    fn unknown_option_message<const N: usize>(
        &self,
        word: Word,
        options: &[OptionSpec; N],
        previous_was_ptr: bool,
    ) -> String {
        let raw = shown(self.raw(word));
        let expected = option_list(options);
        if previous_was_ptr && raw.len() <= 4 && raw.bytes().all(|b| b.is_ascii_alphabetic()) {
            return format!(
                "unexpected `{raw}`: write pointer letters together, e.g. `ptr A,B` or `ptr AB`; \
                 expected {expected}"
            );
        }
        if raw.starts_with('-') && word.kind == WordKind::Bare {
            return format!(
                "unexpected `{raw}`: modifiers are joined to the code without spaces, e.g. \
                 `99213-25`; expected {expected}"
            );
        }
        format!("unexpected `{raw}`: expected {expected} (each at most once)")
    }

    /// The letters after `ptr`: `A,B`, `AB`, or `A, B` split over words by a comma.
    fn pointers<const N: usize>(
        &mut self,
        keyword: Span,
        options: &[OptionSpec; N],
    ) -> Option<Pointers<'t>> {
        let Some(first) = self.value(options) else {
            self.fail(
                keyword,
                format!("expected {} after `ptr`, e.g. `{}`", PTR.expected, PTR.example),
            );
            return None;
        };
        // The consumed words are contiguous, so a range of indices replaces a list.
        let first_index = self.position - 1;
        let mut last = first;
        while let Some(next) = self.peek() {
            let joined = self.content(last).ends_with(',') || self.content(next).starts_with(',');
            if !joined || next.kind != WordKind::Bare || self.is_option(next, options) {
                break;
            }
            self.position += 1;
            last = next;
        }
        // Room for a line's four pointer slots from the start: nearly every line has letters.
        let mut letters = Vec::with_capacity(4);
        // Tracks whether a letter is still due: at the start and after each comma.
        let mut comma: Option<Span> = None;
        for index in first_index..self.position {
            let content = self.words[index].content_span();
            for (at, c) in self.text[content.range()].char_indices() {
                let span = Span::new(content.start + at, content.start + at + c.len_utf8());
                if c == ',' {
                    if letters.is_empty() || comma.is_some() {
                        self.fail(span, "expected a diagnosis letter before `,`".to_owned());
                    }
                    comma = Some(span);
                } else {
                    comma = None;
                    letters.push(self.sub_token(span, TokenKind::Letter));
                }
            }
        }
        if let Some(span) = comma {
            self.fail(span, "expected a diagnosis letter after `,`, e.g. `ptr A,B`".to_owned());
        }
        if letters.is_empty() {
            // Only possible for an empty quoted value.
            self.fail(
                first.span(),
                format!("expected {} after `ptr`, e.g. `{}`", PTR.expected, PTR.example),
            );
            return None;
        }
        // Kept even after a comma error: the letters still tell which dx are used.
        Some(Pointers { keyword, letters })
    }

    /// `99213-25-59` → code and modifiers, each with its own span.
    fn service_code(&mut self, word: Word) -> Option<ServiceCode<'t>> {
        let content = word.content_span();
        let raw = &self.text[content.range()];
        let Ok((mut rest, code)) = service_code_part(raw) else {
            return None;
        };
        let at = |part: &str| content.start + (part.as_ptr() as usize - raw.as_ptr() as usize);
        if code.is_empty() {
            self.fail(
                word.span(),
                format!("expected a service code before `{}`, e.g. `99213-25`", shown(raw)),
            );
            return None;
        }
        let code_start = at(code);
        let code =
            self.sub_token(Span::new(code_start, code_start + code.len()), TokenKind::ServiceCode);
        let mut tokens = Vec::new();
        while let Ok((after, modifier)) = modifier_part(rest) {
            rest = after;
            let start = at(modifier);
            if modifier.is_empty() {
                self.fail(
                    Span::new(start - 1, start),
                    "expected a two-character modifier after `-`, e.g. `99213-25`".to_owned(),
                );
                continue;
            }
            tokens.push(
                self.sub_token(Span::new(start, start + modifier.len()), TokenKind::Modifier),
            );
        }
        Some(ServiceCode { code, modifiers: tokens })
    }

    /// `2026-03-02` or `2026-03-02..2026-03-05`.
    fn date_range(&mut self, word: Word) -> (Option<Token<'t>>, Option<Token<'t>>) {
        let content = word.content_span();
        let raw = &self.text[content.range()];
        let Ok((to, from)) = split_range(raw) else {
            return (Some(self.token(word, TokenKind::Date)), None);
        };
        let from_span = Span::new(content.start, content.start + from.len());
        let to_span = Span::new(content.end - to.len(), content.end);
        let from = if from.is_empty() {
            self.fail(
                Span::new(from_span.end, from_span.end + 2),
                "expected a start date before `..`, e.g. `2026-03-02..2026-03-05`".to_owned(),
            );
            None
        } else {
            Some(self.sub_token(from_span, TokenKind::Date))
        };
        let to = if to.is_empty() {
            self.fail(
                Span::new(to_span.start - 2, to_span.start),
                "expected an end date after `..`, e.g. `2026-03-02..2026-03-05`".to_owned(),
            );
            None
        } else {
            Some(self.sub_token(to_span, TokenKind::Date))
        };
        (from, to)
    }

    /// Parses the words after the statement keyword. `None` when a required part is
    /// missing; the error is in `self.error`.
    pub fn statement(&mut self, keyword: Keyword, keyword_span: Span) -> Option<StatementKind<'t>> {
        match keyword {
            Keyword::Kind => self.claim_kind(keyword_span),
            Keyword::Patient => Some(self.patient(keyword_span)),
            Keyword::Payer => Some(self.payer(keyword_span)),
            Keyword::Billing => Some(self.provider(ProviderRole::Billing, keyword_span)),
            Keyword::Rendering => Some(self.provider(ProviderRole::Rendering, keyword_span)),
            Keyword::Referring => Some(self.provider(ProviderRole::Referring, keyword_span)),
            Keyword::Ordering => Some(self.provider(ProviderRole::Ordering, keyword_span)),
            Keyword::Pos => self
                .single(
                    keyword_span,
                    TokenKind::Number,
                    "a two-digit place-of-service code",
                    "pos 11",
                    "pos",
                    "the place-of-service code",
                )
                .map(|code| StatementKind::PlaceOfService { code }),
            Keyword::Date => self
                .single(
                    keyword_span,
                    TokenKind::Date,
                    "an order date",
                    "date 2026-03-02",
                    "date",
                    "the order date",
                )
                .map(|date| StatementKind::OrderDate { date }),
            Keyword::Dx => self.diagnosis(keyword_span),
            Keyword::Px => self.procedure(keyword_span),
            Keyword::Line => self.service_line(keyword_span),
            Keyword::Test => self.test(keyword_span),
            Keyword::Stay => self.stay(keyword_span),
            Keyword::Claim | Keyword::Order | Keyword::End => None,
        }
    }

    /// `stay <admission>..<discharge>`: an inpatient stay.
    fn stay(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        const EXAMPLE: &str = "`stay 2026-03-01..2026-03-05`";
        let Some(word) = self.advance() else {
            self.fail(
                keyword,
                format!("expected the admission and discharge dates after `stay`, e.g. {EXAMPLE}"),
            );
            return None;
        };
        let (admission, discharge) = self.date_range(word);
        let admission = admission?;
        if discharge.is_none() && !word_has_range(&self.text[word.content_span().range()]) {
            self.fail(
                word.span(),
                format!("expected `admission..discharge` after `stay`, e.g. {EXAMPLE}"),
            );
            return None;
        }
        self.expect_end("the stay's dates");
        Some(StatementKind::Stay { admission, discharge })
    }

    fn claim_kind(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        const EXPECTED: &str = "`professional`, `outpatient` or `inpatient`";
        let Some(word) = self.advance() else {
            self.fail(keyword, format!("expected {EXPECTED} after `kind`"));
            return None;
        };
        let value = self.token(word, TokenKind::Keyword);
        if CLAIM_KINDS.iter().any(|kind| value.text.eq_ignore_ascii_case(kind)) {
            self.expect_end("the claim kind");
        } else {
            self.fail(word.span(), format!("expected {EXPECTED} after `kind`"));
        }
        Some(StatementKind::ClaimKind { value })
    }

    /// `pos <code>` and `date <date>`: exactly one value.
    fn single(
        &mut self,
        keyword: Span,
        kind: TokenKind,
        expected: &str,
        example: &str,
        name: &str,
        after: &str,
    ) -> Option<Token<'t>> {
        let Some(word) = self.advance() else {
            self.fail(keyword, format!("expected {expected} after `{name}`, e.g. `{example}`"));
            return None;
        };
        let token = self.token(word, kind);
        self.expect_end(after);
        Some(token)
    }

    fn patient(&mut self, keyword: Span) -> StatementKind<'t> {
        let name = self.text_value(&PATIENT_OPTIONS);
        if name.is_none() {
            self.fail(
                keyword,
                "expected the patient's name after `patient`, e.g. `patient \"Doe, Jane\"`"
                    .to_owned(),
            );
        }
        let [dob, sex, member] = self.options(&PATIENT_OPTIONS).values;
        StatementKind::Patient { name, dob, sex, member }
    }

    fn payer(&mut self, keyword: Span) -> StatementKind<'t> {
        let name = self.text_value(&PAYER_OPTIONS);
        if name.is_none() {
            self.fail(
                keyword,
                "expected the payer's name after `payer`, e.g. `payer \"Acme Health\" id 60054`"
                    .to_owned(),
            );
        }
        let [payer_id] = self.options(&PAYER_OPTIONS).values;
        StatementKind::Payer { name, payer_id }
    }

    fn provider(&mut self, role: ProviderRole, keyword: Span) -> StatementKind<'t> {
        let text = self.text;
        let role_name = &text[keyword.range()];
        let mut npi = None;
        let mut name = None;
        match self.peek() {
            Some(word) if self.is_bare(word, "npi") => {
                self.position += 1;
                self.mark(word.span(), TokenKind::Keyword);
                match self.advance() {
                    Some(value) => {
                        npi = Some(self.token(value, TokenKind::Npi));
                        name = self.text_value(&[]);
                        self.expect_end("the provider's name");
                    }
                    None => {
                        let message = format!(
                            "expected a 10-digit NPI after `npi`, e.g. `{} npi 1234567893`",
                            role_name.to_ascii_lowercase()
                        );
                        self.fail(word.span(), message);
                    }
                }
            }
            other => {
                let span = other.map_or(keyword, |word| word.span());
                let message = format!(
                    "expected `npi` after `{role_name}`, e.g. `{} npi 1234567893`",
                    role_name.to_ascii_lowercase()
                );
                self.fail(span, message);
            }
        }
        StatementKind::Provider { role, npi, name }
    }

    fn diagnosis(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        const EXAMPLE: &str = "e.g. `dx A E11.9`";
        let Some(first) = self.advance() else {
            self.fail(keyword, format!("expected a diagnosis letter A–L after `dx`, {EXAMPLE}"));
            return None;
        };
        let raw = self.content(first);
        let is_letter = raw.len() == 1 && raw.as_bytes()[0].is_ascii_alphabetic();
        if !is_letter {
            let message = if self.peek().is_none() {
                self.mark(first.span(), TokenKind::DiagnosisCode);
                format!("expected a diagnosis letter A–L before the code, {EXAMPLE}")
            } else {
                format!("expected a single diagnosis letter A–L after `dx`, {EXAMPLE}")
            };
            self.fail(first.span(), message);
            return None;
        }
        let letter = self.token(first, TokenKind::Letter);
        let Some(code) = self.advance() else {
            let message =
                format!("expected an ICD-10-CM code after `dx {}`, {EXAMPLE}", letter.text);
            self.fail(first.span(), message);
            return None;
        };
        let code = self.token(code, TokenKind::DiagnosisCode);
        self.expect_end("the diagnosis code");
        Some(StatementKind::Diagnosis { letter, code })
    }

    fn procedure(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        let Some(word) = self.value(&PX_OPTIONS) else {
            self.fail(
                keyword,
                "expected an ICD-10-PCS code after `px`, e.g. `px 0DTJ4ZZ`".to_owned(),
            );
            return None;
        };
        let code = self.token(word, TokenKind::ProcedureCode);
        let [date] = self.options(&PX_OPTIONS).values;
        Some(StatementKind::Procedure { code, date })
    }

    fn service_line(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        const EXAMPLE: &str = "e.g. `line 2026-03-02 99213`";
        let Some(first) = self.value(&LINE_OPTIONS) else {
            self.fail(keyword, format!("expected a date of service after `line`, {EXAMPLE}"));
            return None;
        };
        let Some(second) = self.value(&LINE_OPTIONS) else {
            if looks_like_date(self.content(first)) {
                self.date_range(first);
                self.fail(
                    first.span(),
                    format!("expected a service code after the date, {EXAMPLE}"),
                );
            } else {
                self.service_code(first);
                self.fail(
                    first.span(),
                    format!("expected a date of service before the service code, {EXAMPLE}"),
                );
            }
            return None;
        };
        let (from, to) = self.date_range(first);
        let service = self.service_code(second);
        let found = self.options(&LINE_OPTIONS);
        let [_, units, charge, pos, npi] = found.values;
        Some(StatementKind::ServiceLine {
            from: from?,
            to,
            service: service?,
            pointers: found.pointers,
            units,
            charge,
            pos,
            npi,
        })
    }

    fn test(&mut self, keyword: Span) -> Option<StatementKind<'t>> {
        let Some(word) = self.value(&TEST_OPTIONS) else {
            self.fail(
                keyword,
                "expected a service code after `test`, e.g. `test 83036`".to_owned(),
            );
            return None;
        };
        let service = self.service_code(word);
        let found = self.options(&TEST_OPTIONS);
        let [_, priority] = found.values;
        Some(StatementKind::Test { service: service?, pointers: found.pointers, priority })
    }
}

/// A word for an error message: control characters escaped and long words cut, so
/// that garbage input gives a readable message.
pub(crate) fn shown(raw: &str) -> String {
    const LIMIT: usize = 32;
    let mut shown = String::new();
    for (count, c) in raw.chars().enumerate() {
        if count == LIMIT {
            shown.push('…');
            break;
        }
        let invisible = c.is_control()
            || (c.is_whitespace() && c != ' ')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}');
        if invisible {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// "`ptr`, `units` or `npi`".
fn option_list<const N: usize>(options: &[OptionSpec; N]) -> String {
    let mut list = String::new();
    for (index, option) in options.iter().enumerate() {
        if index > 0 {
            list.push_str(if index + 1 == options.len() { " or " } else { ", " });
        }
        list.push('`');
        list.push_str(option.name);
        list.push('`');
    }
    list
}

/// Only used to word the error when a `line` has one value instead of two: a date
/// starts with a 4-digit year (or is written with `/`), a service code does not.
fn looks_like_date(word: &str) -> bool {
    let bytes = word.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && (word.contains('/')
            || word.contains("..")
            || (digits == 4 && bytes.get(4) == Some(&b'-')))
}

fn service_code_part(input: &str) -> IResult<&str, &str, ()> {
    take_till(|c| c == '-').parse_complete(input)
}

fn modifier_part(input: &str) -> IResult<&str, &str, ()> {
    preceded(char('-'), take_till(|c| c == '-')).parse_complete(input)
}

/// Returns `(to, from)`; fails when there is no `..`.
fn split_range(input: &str) -> IResult<&str, &str, ()> {
    (take_until(".."), tag("..")).map(|(from, _)| from).parse_complete(input)
}

/// Whether a word is written as a range (`a..b`), even with a side missing.
fn word_has_range(word: &str) -> bool {
    word.contains("..")
}
