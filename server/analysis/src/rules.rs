//! The rule catalogue and the checks behind it.
//!
//! [`run_all`] walks each block twice: first it gathers the facts the checks depend on (the
//! patient, the dx letters, each line's date of service, the earliest date each dx is used on),
//! then it judges every statement. Code look-ups go through a per-file cache
//! ([`codes::Codes`]), so a code written a thousand times is looked up once.

mod catalogue;
mod codes;
mod values;

pub use values::npi_check;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use claimls_codes::{CodeSets, Date, DateError};
use claimls_syntax::{
    Block, BlockKind, Pointers, ProviderRole, ServiceCode, SourceFile, Span, Statement,
    StatementKind, SyntaxError, SyntaxErrorKind, Token,
};

use crate::{Config, Diagnostic, Fix, Related, Severity, TextEdit};
use codes::{Codes, HashMap, Problem, Verdict, flag};

/// One rule of the catalogue.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line: when it fires.
    pub summary: &'static str,
    /// What it means, why payers reject it, how to fix it (for `claimls explain` and hover).
    pub explanation: &'static str,
}

/// Every rule, in the order of the catalogue.
pub const RULES: &[RuleInfo] = catalogue::CATALOGUE;

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|rule| rule.id == id)
}

/// Runs every rule over a parsed file, each diagnostic with its default severity.
pub fn run_all(
    text: &str,
    file: &SourceFile<'_>,
    sets: &CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut checker = Checker::new(text, sets, config);
    checker.file_checks(file);
    checker.blocks(file);
    checker.out
}

/// What [`run_all`] gives for the whole of `text`, parsed and checked a piece of
/// `blocks_per_piece` blocks at a time, so that only a few pieces' trees are in memory (a tree
/// takes about ten times the memory of its text). `each` gets the diagnostics of each piece,
/// in the order of the pieces; every diagnostic lies in the text of its piece.
///
/// With `workers` > 0, the blocks of each piece are checked on that many threads while this
/// one parses the next piece, runs the file-wide checks (syntax errors, `duplicate-id`) and
/// hands over the pieces already checked, so `each` overlaps with the checking.
pub fn run_in_pieces(
    text: &str,
    sets: &CodeSets,
    config: &Config,
    blocks_per_piece: usize,
    workers: usize,
    mut each: impl FnMut(Vec<Diagnostic>),
) {
    let mut file_wide = Checker::new(text, sets, config);
    if workers == 0 {
        claimls_syntax::parse_in_pieces(text, blocks_per_piece, |piece| {
            file_wide.file_checks(&piece);
            file_wide.blocks(&piece);
            each(std::mem::take(&mut file_wide.out));
        });
        return;
    }
    // A bounded queue of parsed pieces: the parser waits rather than run ahead of the workers.
    // Only the workers hold its receiving end, so that if they all stop (a panic), sending
    // fails instead of waiting for ever; the scope then re-raises the panic.
    let (send, receive) = mpsc::sync_channel::<(usize, SourceFile)>(workers);
    let receive = Arc::new(Mutex::new(receive));
    let (send_checked, checked) = mpsc::channel::<(usize, Vec<Diagnostic>)>();
    let mut in_order = InOrder::default();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let receive = receive.clone();
            let send_checked = send_checked.clone();
            scope.spawn(move || {
                let mut checker = Checker::new(text, sets, config);
                loop {
                    // The lock is held only to take the next piece.
                    let next = receive.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((index, piece)) = next else { break };
                    checker.blocks(&piece);
                    if send_checked.send((index, std::mem::take(&mut checker.out))).is_err() {
                        break;
                    }
                }
            });
        }
        drop((receive, send_checked));
        let mut index = 0;
        claimls_syntax::parse_in_pieces(text, blocks_per_piece, |piece| {
            file_wide.file_checks(&piece);
            in_order.file_wide.push_back(std::mem::take(&mut file_wide.out));
            let _ = send.send((index, piece));
            index += 1;
            in_order.hand_over(&checked, false, &mut each);
        });
        drop(send);
        in_order.hand_over(&checked, true, &mut each);
    });
}

/// The checked pieces put back in order for [`run_in_pieces`]: the workers finish them in any.
#[derive(Default)]
struct InOrder {
    /// The next piece to hand over.
    next: usize,
    /// The file-wide diagnostics of the pieces from `next` on.
    file_wide: VecDeque<Vec<Diagnostic>>,
    /// The block diagnostics of pieces finished before their turn.
    finished: BTreeMap<usize, Vec<Diagnostic>>,
}

impl InOrder {
    /// Hands each piece whose turn has come to `each`, taking what the workers finished; with
    /// `wait`, until the workers are done.
    fn hand_over(
        &mut self,
        checked: &mpsc::Receiver<(usize, Vec<Diagnostic>)>,
        wait: bool,
        each: &mut impl FnMut(Vec<Diagnostic>),
    ) {
        loop {
            while let Some(blocks) = self.finished.remove(&self.next) {
                let mut piece = self.file_wide.pop_front().unwrap_or_default();
                piece.extend(blocks);
                each(piece);
                self.next += 1;
            }
            let next = if wait { checked.recv().ok() } else { checked.try_recv().ok() };
            let Some((index, diagnostics)) = next else { return };
            self.finished.insert(index, diagnostics);
        }
    }
}

/// The diagnostics of [`run_all`] whose span touches `offset`, worked out from the block (or
/// two adjacent blocks) around it: every rule is about one block, except `duplicate-id`, which
/// compares the ids of all blocks (cheap), and the syntax errors the parse found.
pub fn run_at(
    text: &str,
    file: &SourceFile<'_>,
    sets: &CodeSets,
    config: &Config,
    offset: usize,
) -> Vec<Diagnostic> {
    let mut checker = Checker::new(text, sets, config);
    checker.syntax_errors(file.errors.iter().filter(|error| error.span.touches(offset)));
    checker.duplicate_ids(file);
    // Blocks are in source order: those around `offset` are next to where it would go.
    let first = file.blocks.partition_point(|block| block.span.end < offset);
    for block in file.blocks[first..].iter().take_while(|block| block.span.start <= offset) {
        checker.block(block, file);
    }
    checker.out.retain(|diagnostic| diagnostic.span.touches(offset));
    checker.out
}

struct Checker<'s, 't> {
    text: &'t str,
    codes: Codes<'s, 't>,
    today: Date,
    out: Vec<Diagnostic>,
    /// Reused per block by `duplicate-line`: key hash → statement indices.
    line_keys: HashMap<u64, Vec<usize>>,
    /// Each block id seen so far, where it was first used (`duplicate-id`).
    ids: HashMap<&'t str, Span>,
}

/// A `dx` of the block being checked.
struct Dx<'t> {
    letter: u8,
    letter_token: Token<'t>,
    code: Token<'t>,
    /// The earliest date of service of the lines that point to it.
    used_on: Option<Date>,
    pointed: bool,
    /// The dx is the first with its letter.
    first_with_letter: bool,
}

/// What pass 1 learns about a block.
#[derive(Default)]
struct Facts<'t> {
    dob: Option<Date>,
    sex: Option<u8>,
    inpatient: bool,
    dxs: Vec<Dx<'t>>,
    /// Letter (`A` = 0) → index into `dxs` of the first dx with it.
    letters: [Option<usize>; 26],
    earliest: Option<Date>,
    order_date: Option<Date>,
    has_patient: bool,
    has_billing: bool,
    has_ordering: bool,
    has_date: bool,
    lines: usize,
    tests: usize,
    procedures: usize,
    line_with_error: bool,
}

fn letter_index(token: &Token<'_>) -> Option<usize> {
    match token.text.as_bytes() {
        [b] if b.is_ascii_alphabetic() => Some(usize::from(b.to_ascii_uppercase() - b'A')),
        _ => None,
    }
}

fn parse_date(token: &Token<'_>) -> Option<Date> {
    Date::parse(token.text).ok()
}

fn min_date(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl<'s, 't> Checker<'s, 't> {
    fn new(text: &'t str, sets: &'s CodeSets, config: &Config) -> Self {
        Checker {
            text,
            codes: Codes::new(sets),
            today: config.today(),
            out: Vec::new(),
            line_keys: HashMap::default(),
            ids: HashMap::default(),
        }
    }

    fn push(&mut self, rule: &'static str, severity: Severity, span: Span, message: String) {
        self.out.push(Diagnostic {
            rule,
            severity,
            span,
            message,
            fixes: Vec::new(),
            related: Vec::new(),
        });
    }

    fn push_full(
        &mut self,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: String,
        fixes: Vec<Fix>,
        related: Vec<Related>,
    ) {
        self.out.push(Diagnostic { rule, severity, span, message, fixes, related });
    }

    fn push_problem(&mut self, span: Span, problem: &Problem) {
        let fixes = problem
            .fixes
            .iter()
            .map(|(label, new_text)| Fix {
                label: label.clone(),
                edits: vec![TextEdit { span, new_text: new_text.clone() }],
            })
            .collect();
        self.push_full(
            problem.rule,
            problem.severity,
            span,
            problem.message.clone(),
            fixes,
            Vec::new(),
        );
    }

    fn push_verdict(&mut self, span: Span, verdict: &Verdict) {
        if let Some(problem) = &verdict.problem {
            self.push_problem(span, problem);
        }
        if let Some(hint) = &verdict.hint {
            self.push_problem(span, hint);
        }
    }

    // ----- the file -----

    /// The checks that look across blocks, for the next piece of the file: its syntax errors
    /// and `duplicate-id`.
    fn file_checks(&mut self, piece: &SourceFile<'t>) {
        self.syntax_errors(&piece.errors);
        self.duplicate_ids(piece);
    }

    /// The checks of each block of `piece`, one block at a time.
    fn blocks(&mut self, piece: &SourceFile<'t>) {
        for block in &piece.blocks {
            self.block(block, piece);
        }
    }

    fn syntax_errors<'e>(&mut self, errors: impl IntoIterator<Item = &'e SyntaxError>) {
        for error in errors {
            let rule = match error.kind {
                SyntaxErrorKind::Syntax => "syntax",
                SyntaxErrorKind::UnclosedBlock => "unclosed-block",
            };
            self.push(rule, Severity::Error, error.span, error.message.clone());
        }
    }

    /// `duplicate-id` for the blocks of `file`, against the ids of the blocks seen before (in
    /// earlier pieces of the file too).
    fn duplicate_ids(&mut self, file: &SourceFile<'t>) {
        self.ids.reserve(file.blocks.len());
        for block in &file.blocks {
            let Some(id) = &block.id else { continue };
            match self.ids.entry(id.text) {
                Entry::Vacant(vacant) => {
                    vacant.insert(id.span);
                }
                Entry::Occupied(first) => {
                    let what = match block.kind {
                        BlockKind::Claim => "claim",
                        BlockKind::Order => "order",
                    };
                    let message = format!(
                        "the id `{}` is already used by an earlier block in this file: give this \
                         {what} its own id, or merge the two if they are the same {what}",
                        id.text
                    );
                    let related =
                        vec![Related { span: *first.get(), message: "first used here".into() }];
                    self.push_full(
                        "duplicate-id",
                        Severity::Error,
                        id.span,
                        message,
                        Vec::new(),
                        related,
                    );
                }
            }
        }
    }

    // ----- a block -----

    fn block(&mut self, block: &Block<'t>, file: &SourceFile<'t>) {
        let mut facts = self.gather(block);
        let is_claim = block.kind == BlockKind::Claim;
        // Dates of service: a claim's lines, its procedures; an order's date.
        let fallback = if is_claim { facts.earliest } else { facts.order_date };
        let fallback = fallback.unwrap_or(self.today);

        for statement in &block.statements {
            self.statement(statement, &facts, fallback);
        }
        self.diagnoses(block, &mut facts, fallback);
        if is_claim {
            self.duplicate_lines(block);
        }
        self.missing_fields(block, &facts, file);
    }

    /// Pass 1: the facts the checks of single statements depend on.
    fn gather(&mut self, block: &Block<'t>) -> Facts<'t> {
        let mut facts = Facts::default();
        for statement in &block.statements {
            match &statement.kind {
                StatementKind::ClaimKind { value } => {
                    facts.inpatient = value.text.eq_ignore_ascii_case("inpatient");
                }
                StatementKind::Patient { dob, sex, .. } => {
                    if !facts.has_patient {
                        facts.dob = dob.as_ref().and_then(parse_date);
                        facts.sex = sex.and_then(|s| match s.text.as_bytes() {
                            [b] => Some(b.to_ascii_uppercase()),
                            _ => None,
                        });
                    }
                    facts.has_patient = true;
                }
                StatementKind::Provider { role: ProviderRole::Billing, .. } => {
                    facts.has_billing = true
                }
                StatementKind::Provider { role: ProviderRole::Ordering, .. } => {
                    facts.has_ordering = true
                }
                StatementKind::OrderDate { date } => {
                    if !facts.has_date {
                        facts.order_date = parse_date(date);
                    }
                    facts.has_date = true;
                }
                StatementKind::Diagnosis { letter, code } => {
                    let index = facts.dxs.len();
                    let byte = letter.text.as_bytes().first().map_or(b'?', u8::to_ascii_uppercase);
                    let mut first_with_letter = true;
                    if let Some(slot) = letter_index(letter) {
                        if facts.letters[slot].is_none() {
                            facts.letters[slot] = Some(index);
                        } else {
                            first_with_letter = false;
                        }
                    }
                    facts.dxs.push(Dx {
                        letter: byte,
                        letter_token: *letter,
                        code: *code,
                        used_on: None,
                        pointed: false,
                        first_with_letter,
                    });
                }
                StatementKind::Procedure { date, .. } => {
                    facts.procedures += 1;
                    facts.earliest = min_date(facts.earliest, date.as_ref().and_then(parse_date));
                }
                StatementKind::ServiceLine { from, pointers, .. } => {
                    facts.lines += 1;
                    // A line without `ptr` gets `missing-pointer`; its dx are not "unused".
                    facts.line_with_error |= statement.has_error || pointers.is_none();
                    facts.earliest = min_date(facts.earliest, parse_date(from));
                }
                StatementKind::Test { .. } => {
                    facts.tests += 1;
                    facts.line_with_error |= statement.has_error;
                }
                _ => {}
            }
        }
        // Each dx's date: the earliest date of the lines pointing to it.
        for statement in &block.statements {
            let (pointers, date) = match &statement.kind {
                StatementKind::ServiceLine { from, pointers, .. } => {
                    (pointers, parse_date(from).or(facts.earliest))
                }
                StatementKind::Test { pointers, .. } => (pointers, facts.order_date),
                _ => continue,
            };
            for letter in pointers.iter().flat_map(|p| p.letters.iter()) {
                if let Some(index) = letter_index(letter).and_then(|slot| facts.letters[slot]) {
                    let dx = &mut facts.dxs[index];
                    dx.pointed = true;
                    dx.used_on = min_date(dx.used_on, date);
                }
            }
        }
        facts
    }

    /// Pass 2: everything that one statement can tell.
    fn statement(&mut self, statement: &Statement<'t>, facts: &Facts<'t>, fallback: Date) {
        match &statement.kind {
            StatementKind::Patient { dob: Some(dob), .. } => {
                if let Some(date) = self.date_value(dob, "date of birth")
                    && date > self.today
                {
                    let message = format!(
                        "date of birth {date} is after today ({}): check the patient's date of \
                         birth",
                        self.today
                    );
                    self.push("date", Severity::Error, dob.span, message);
                }
            }
            StatementKind::Provider { npi: Some(npi), .. } => self.npi(npi),
            StatementKind::PlaceOfService { code } => self.pos(code),
            StatementKind::OrderDate { date } => {
                if let Some(date_value) = self.date_value(date, "order date") {
                    self.service_date(date, date_value, facts, "the order date");
                    // (an order's date is the day it was written, so a future one is a slip too)
                }
            }
            StatementKind::Procedure { code, date } => {
                let own = date.as_ref().and_then(|d| self.date_value(d, "procedure date"));
                if let (Some(token), Some(value)) = (date, own) {
                    self.service_date(token, value, facts, "the procedure date");
                }
                let verdict = self.codes.procedure_verdict(code.text, own.unwrap_or(fallback));
                self.push_verdict(code.span, &verdict);
            }
            StatementKind::ServiceLine { from, to, service, pointers, units, charge, pos, npi } => {
                let from_date = self.date_value(from, "date of service");
                let to_date = to.as_ref().and_then(|to| self.date_value(to, "end date"));
                if let Some(from_value) = from_date {
                    self.service_date(from, from_value, facts, "the date of service");
                }
                if let (Some(to), Some(from_value), Some(to_value)) = (to, from_date, to_date) {
                    if to_value < from_value {
                        let message = format!(
                            "the range {from_value}..{to_value} ends before it starts: write \
                             the first day of service first"
                        );
                        let fix = Fix {
                            label: format!("Swap to {to_value}..{from_value}"),
                            edits: vec![
                                TextEdit { span: from.span, new_text: to.text.to_string() },
                                TextEdit { span: to.span, new_text: from.text.to_string() },
                            ],
                        };
                        let span = Span::new(from.span.start, to.span.end);
                        self.push_full("date", Severity::Error, span, message, vec![fix], vec![]);
                    } else if from_value <= self.today && to_value > self.today {
                        let message = format!(
                            "the range ends on {to_value}, after today ({}): bill a service \
                             only once it has been given",
                            self.today
                        );
                        self.push("date", Severity::Warning, to.span, message);
                    }
                }
                let date = from_date.unwrap_or(fallback);
                self.service(service, date);
                self.pointers(statement, service, pointers.as_ref(), facts);
                if let Some(units) = units
                    && let Some(message) = values::units_problem(units.text)
                {
                    self.push("units", Severity::Error, units.span, message);
                }
                if let Some(charge) = charge
                    && let Some((message, fix)) = values::charge_problem(charge.text)
                {
                    let fixes = fix
                        .map(|amount| Fix {
                            label: format!("Write `{amount}`"),
                            edits: vec![TextEdit { span: charge.span, new_text: amount }],
                        })
                        .into_iter()
                        .collect();
                    self.push_full("charge", Severity::Error, charge.span, message, fixes, vec![]);
                }
                if let Some(pos) = pos {
                    self.pos(pos);
                }
                if let Some(npi) = npi {
                    self.npi(npi);
                }
            }
            StatementKind::Test { service, pointers, .. } => {
                self.service(service, facts.order_date.unwrap_or(fallback));
                self.pointers(statement, service, pointers.as_ref(), facts);
            }
            _ => {}
        }
    }

    /// Checks a date's form; the date when it is a real one.
    fn date_value(&mut self, token: &Token<'t>, what: &str) -> Option<Date> {
        match Date::parse(token.text) {
            Ok(date) => Some(date),
            Err(DateError::Format) => {
                let message = format!(
                    "{what} `{}` is not a date: write it YYYY-MM-DD, e.g. 2026-03-02",
                    token.text
                );
                self.push("date", Severity::Error, token.span, message);
                None
            }
            Err(DateError::NoSuchDay) => {
                let message = format!(
                    "{what} {} does not exist in the calendar: check the month and the day",
                    token.text
                );
                self.push("date", Severity::Error, token.span, message);
                None
            }
        }
    }

    /// A date of service (or an order's or procedure's date): not before birth, not ahead.
    fn service_date(&mut self, token: &Token<'t>, date: Date, facts: &Facts<'t>, what: &str) {
        if let Some(dob) = facts.dob
            && date < dob
        {
            let message = format!(
                "{what} {date} is before the patient's date of birth {dob}: check both dates"
            );
            self.push("date", Severity::Error, token.span, message);
        } else if date > self.today {
            let why = if what == "the order date" {
                "an order is dated the day it is written"
            } else {
                "a claim may be sent only after the service was given"
            };
            let message = format!(
                "{what} {date} is in the future (today is {}): {why}; check the date",
                self.today
            );
            self.push("date", Severity::Warning, token.span, message);
        }
    }

    fn npi(&mut self, npi: &Token<'t>) {
        if let Some(message) = values::npi_problem(npi.text) {
            self.push("npi", Severity::Error, npi.span, message);
        }
    }

    fn pos(&mut self, code: &Token<'t>) {
        if let Some(problem) = self.codes.place_problem(code.text) {
            self.push_problem(code.span, &problem);
        }
    }

    /// A line's or test's code and modifiers.
    fn service(&mut self, service: &ServiceCode<'t>, date: Date) {
        let verdict = self.codes.service_verdict(service.code.text, date);
        self.push_verdict(service.code.span, &verdict);
        for (index, modifier) in service.modifiers.iter().enumerate() {
            if index == 4 {
                let last = service.modifiers.last().map_or(modifier.span, |m| m.span);
                let span = Span::new(modifier.span.start, last.end);
                let message = format!(
                    "a line has room for 4 modifiers and this one has {}: keep the 4 that matter \
                     for payment (payers often want modifier 99 when more apply)",
                    service.modifiers.len()
                );
                self.push("modifier", Severity::Error, span, message);
            }
            let earlier = service.modifiers[..index]
                .iter()
                .find(|m| m.text.eq_ignore_ascii_case(modifier.text));
            if let Some(earlier) = earlier {
                let dash = self.text.as_bytes().get(modifier.span.start.wrapping_sub(1));
                let remove = if dash == Some(&b'-') {
                    Span::new(modifier.span.start - 1, modifier.span.end)
                } else {
                    modifier.span
                };
                let message = format!(
                    "modifier {} is given twice on this {}: remove the repeat",
                    modifier.text.to_ascii_uppercase(),
                    service.code.text
                );
                let fix = Fix {
                    label: format!("Remove the second -{}", modifier.text),
                    edits: vec![TextEdit { span: remove, new_text: String::new() }],
                };
                let related = vec![Related { span: earlier.span, message: "first here".into() }];
                self.push_full(
                    "modifier",
                    Severity::Error,
                    modifier.span,
                    message,
                    vec![fix],
                    related,
                );
                continue;
            }
            let verdict = self.codes.modifier_verdict(modifier.text, date);
            self.push_verdict(modifier.span, &verdict);
        }
    }

    fn pointers(
        &mut self,
        statement: &Statement<'t>,
        service: &ServiceCode<'t>,
        pointers: Option<&Pointers<'t>>,
        facts: &Facts<'t>,
    ) {
        let what =
            if matches!(statement.kind, StatementKind::Test { .. }) { "test" } else { "line" };
        let Some(pointers) = pointers else {
            if statement.has_error {
                return;
            }
            let end = service.modifiers.last().map_or(service.code.span.end, |m| m.span.end);
            let fixes = facts
                .dxs
                .iter()
                .find(|dx| dx.letter == b'A')
                .or(facts.dxs.first())
                .map(|dx| Fix {
                    label: format!(
                        "Add `ptr {}` — {}",
                        dx.letter as char,
                        self.codes.cm_display(dx.code.text)
                    ),
                    edits: vec![TextEdit {
                        span: Span::new(end, end),
                        new_text: format!("  ptr {}", dx.letter as char),
                    }],
                })
                .into_iter()
                .collect();
            let message = format!(
                "this {what} has no `ptr`: name the letters of the diagnoses that justify {} \
                 (e.g. `ptr A`), the main one first",
                service.code.text
            );
            self.push_full(
                "missing-pointer",
                Severity::Error,
                service.code.span,
                message,
                fixes,
                vec![],
            );
            return;
        };
        let letters = &pointers.letters;
        let mut kept: Vec<u8> = Vec::with_capacity(4);
        let mut problems = false;
        for (index, letter) in letters.iter().enumerate() {
            let byte = letter.text.as_bytes().first().map_or(b'?', u8::to_ascii_uppercase);
            let known = letter_index(letter).and_then(|slot| facts.letters[slot]).is_some();
            if kept.contains(&byte) {
                problems = true;
                let message = format!(
                    "`ptr` names {} twice: each diagnosis is pointed to once",
                    byte as char
                );
                self.push("dx-pointer", Severity::Error, letter.span, message);
            } else if !known {
                problems = true;
                let defined: String = facts
                    .dxs
                    .iter()
                    .filter(|dx| dx.first_with_letter)
                    .map(|dx| (dx.letter as char).to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let which = if defined.is_empty() {
                    "there is no dx in this block".to_string()
                } else {
                    format!("the dx letters here are {defined}")
                };
                let message = format!(
                    "`ptr` names {}, but there is no `dx {}` in this block ({which})",
                    letter.text, letter.text
                );
                self.push("dx-pointer", Severity::Error, letter.span, message);
            } else if kept.len() == 4 {
                problems = true;
                if index == letters.len() - 1 || kept.len() == 4 {
                    let message = format!(
                        "`ptr` names more than 4 diagnoses ({}): a {what} has four pointer \
                         slots; keep the four most relevant, the main one first",
                        letters.len()
                    );
                    self.push("dx-pointer", Severity::Error, letter.span, message);
                }
            } else {
                kept.push(byte);
            }
        }
        if problems
            && !kept.is_empty()
            && let (Some(first), Some(last)) = (letters.first(), letters.last())
            && let Some(diagnostic) = self.out.last_mut()
        {
            let joined: Vec<String> = kept.iter().map(|b| (*b as char).to_string()).collect();
            let joined = joined.join(",");
            diagnostic.fixes.push(Fix {
                label: format!("Write `ptr {joined}`"),
                edits: vec![TextEdit {
                    span: Span::new(first.span.start, last.span.end),
                    new_text: joined,
                }],
            });
        }
    }

    // ----- diagnoses -----

    fn diagnoses(&mut self, block: &Block<'t>, facts: &mut Facts<'t>, fallback: Date) {
        let is_claim = block.kind == BlockKind::Claim;
        let principal = facts.letters[0].or(if facts.dxs.is_empty() { None } else { Some(0) });
        let dob = facts.dob;
        let sex = facts.sex;
        // Which dx are valid on their date, for the checks between codes.
        let mut valid: Vec<(usize, Date)> = Vec::with_capacity(facts.dxs.len());
        let mut norms: Vec<(String, usize)> = Vec::with_capacity(facts.dxs.len());
        let mut duplicates: Vec<usize> = Vec::new();
        for (index, dx) in facts.dxs.iter().enumerate() {
            let date = dx.used_on.unwrap_or(fallback);
            if !dx.first_with_letter {
                let first = letter_index(&dx.letter_token)
                    .and_then(|slot| facts.letters[slot])
                    .map(|i| &facts.dxs[i]);
                let related = first
                    .map(|f| Related {
                        span: f.letter_token.span,
                        message: "first used here".into(),
                    })
                    .into_iter()
                    .collect();
                let message = format!(
                    "dx letter {} is used twice in this block: pointers to {} would be \
                     ambiguous; give this dx a letter of its own",
                    dx.letter as char, dx.letter as char
                );
                self.push_full(
                    "dx-pointer",
                    Severity::Error,
                    dx.letter_token.span,
                    message,
                    vec![],
                    related,
                );
            }
            if is_claim && (index >= 12 || dx.letter > b'L') {
                let message = if dx.letter > b'L' && dx.letter.is_ascii_uppercase() {
                    format!(
                        "dx letter {} is past L: a claim holds at most 12 diagnoses, A to L; \
                         keep the 12 that support the services, or split the claim",
                        dx.letter as char
                    )
                } else {
                    format!(
                        "this is diagnosis number {} on the claim, which holds at most 12 (A to \
                         L): keep the 12 that support the services, or split the claim",
                        index + 1
                    )
                };
                self.push("too-many-dx", Severity::Error, dx.letter_token.span, message);
            }
            let verdict = self.codes.cm_verdict(dx.code.text, date);
            self.push_verdict(dx.code.span, &verdict);
            let norm = self.codes.cm_norm(dx.code.text).to_string();
            if let Some((_, first)) = norms.iter().find(|(n, _)| *n == norm) {
                let first = &facts.dxs[*first];
                let message = format!(
                    "{} is listed twice in this block (first as dx {}): remove this one and point \
                     the lines to dx {}",
                    claimls_codes::dotted_icd10cm(&norm),
                    first.letter as char,
                    first.letter as char
                );
                let related = vec![Related {
                    span: first.code.span,
                    message: format!("first listed here as dx {}", first.letter as char),
                }];
                self.push_full(
                    "duplicate-dx",
                    Severity::Warning,
                    dx.code.span,
                    message,
                    vec![],
                    related,
                );
                duplicates.push(index);
                continue;
            }
            norms.push((norm, index));
            if verdict.problem.is_some() {
                continue;
            }
            valid.push((index, date));
            self.code_flags(
                dx,
                date,
                dob,
                sex,
                Some(index) == principal,
                is_claim && facts.inpatient,
            );
        }
        // Excludes1 between each pair of valid, distinct codes.
        for (position, &(later, _)) in valid.iter().enumerate() {
            for &(earlier, _) in &valid[..position] {
                let (a, b) = (&facts.dxs[earlier], &facts.dxs[later]);
                let a_norm = self.codes.cm_norm(a.code.text).to_string();
                let b_norm = self.codes.cm_norm(b.code.text).to_string();
                let note = match self.codes.excludes1(b.code.text, &a_norm) {
                    Some(note) => Some(note),
                    None => self.codes.excludes1(a.code.text, &b_norm),
                };
                if let Some(note) = note {
                    let message = format!(
                        "{} may not be coded together with dx {}, {}: an Excludes1 note says \
                         \"{note}\"; keep the one the record supports",
                        self.codes.cm_display(b.code.text),
                        a.letter as char,
                        self.codes.cm_display(a.code.text),
                    );
                    let related = vec![Related {
                        span: a.code.span,
                        message: format!("the other code, dx {}", a.letter as char),
                    }];
                    self.push_full(
                        "excludes1",
                        Severity::Warning,
                        b.code.span,
                        message,
                        vec![],
                        related,
                    );
                }
            }
        }
        // unused-dx: only where every line could be read, and a claim has lines at all.
        if is_claim && facts.lines > 0 && !facts.line_with_error {
            let unused = facts.dxs.iter().enumerate().filter(|(index, dx)| {
                !dx.pointed && dx.first_with_letter && !duplicates.contains(index)
            });
            for (_, dx) in unused {
                let message = format!(
                    "dx {}, {}, is not pointed to by any line: add {} to the `ptr` of the line it \
                     supports, or remove it",
                    dx.letter as char,
                    self.codes.cm_display(dx.code.text),
                    dx.letter as char
                );
                self.push("unused-dx", Severity::Warning, dx.code.span, message);
            }
        }
    }

    /// The checks that depend on the code's MCE flags and the patient.
    fn code_flags(
        &mut self,
        dx: &Dx<'t>,
        date: Date,
        dob: Option<Date>,
        sex: Option<u8>,
        principal: bool,
        inpatient: bool,
    ) {
        let flags = self.codes.cm_flags(dx.code.text, date);
        if principal {
            let first_char = self.codes.cm_norm(dx.code.text).as_bytes().first().copied();
            if flags & flag::MANIFESTATION != 0 {
                let message = format!(
                    "{} is a manifestation code and may not be listed first: list the underlying \
                     disease (the etiology) as dx A and this code after it",
                    self.codes.cm_display(dx.code.text)
                );
                self.push("manifestation-first", Severity::Error, dx.code.span, message);
            } else if matches!(first_char, Some(b'V'..=b'Y')) {
                let message = format!(
                    "{} is an external-cause code (V00–Y99) and may not be listed first: list the \
                     injury or condition treated as dx A and the external cause after it",
                    self.codes.cm_display(dx.code.text)
                );
                self.push("external-cause-first", Severity::Error, dx.code.span, message);
            } else if inpatient && flags & flag::UNACCEPTABLE != 0 {
                let message = format!(
                    "{} is not acceptable as the principal diagnosis of an inpatient claim \
                     (Medicare Code Editor): list the condition that occasioned the admission as \
                     dx A",
                    self.codes.cm_display(dx.code.text)
                );
                self.push("unacceptable-principal", Severity::Warning, dx.code.span, message);
            }
        }
        if let Some(age) = dob.and_then(|dob| dob.age_on(date)) {
            for (bit, name) in flag::AGES {
                if flags & bit == 0 {
                    continue;
                }
                let Some(group) = self.codes.sets.age_group(name, date) else { continue };
                if age < group.low || age > group.high {
                    let range = if group.low == group.high {
                        format!("age {}", group.low)
                    } else {
                        format!("ages {} to {}", group.low, group.high)
                    };
                    let message = format!(
                        "{} is a {name} code ({range}), but the patient is {age} on {date}: check \
                         the date of birth and the code",
                        self.codes.cm_display(dx.code.text)
                    );
                    self.push("age-conflict", Severity::Warning, dx.code.span, message);
                    break;
                }
            }
        }
        let conflict = match sex {
            Some(b'F') if flags & flag::MALE != 0 => Some(("male", "female")),
            Some(b'M') if flags & flag::FEMALE != 0 => Some(("female", "male")),
            _ => None,
        };
        if let Some((code_sex, patient_sex)) = conflict {
            let message = format!(
                "{} is for {code_sex} patients, but the patient is recorded as {patient_sex}: \
                 check the patient's `sex` and the code",
                self.codes.cm_display(dx.code.text)
            );
            self.push("sex-conflict", Severity::Warning, dx.code.span, message);
        }
    }

    // ----- lines -----

    fn duplicate_lines(&mut self, block: &Block<'t>) {
        self.line_keys.clear();
        let mut keys = std::mem::take(&mut self.line_keys);
        for (index, statement) in block.statements.iter().enumerate() {
            let StatementKind::ServiceLine { from, to, service, .. } = &statement.kind else {
                continue;
            };
            if statement.has_error {
                continue;
            }
            let hash = line_key_hash(from, to.as_ref(), service);
            let same = keys.entry(hash).or_default();
            let first = same.iter().copied().find(|&other| {
                let StatementKind::ServiceLine { from: f, to: t, service: s, .. } =
                    &block.statements[other].kind
                else {
                    return false;
                };
                same_line(from, to.as_ref(), service, f, t.as_ref(), s)
            });
            match first {
                Some(first) => {
                    let message = format!(
                        "this line repeats an earlier one ({} on {}): delete it, bill the service \
                         once with more units, or add the modifier that explains the repeat \
                         (e.g. 76, 59 or 91)",
                        service.code.text, from.text
                    );
                    let related = vec![Related {
                        span: block.statements[first].span,
                        message: "the same line first here".into(),
                    }];
                    let span = statement.span;
                    self.push_full(
                        "duplicate-line",
                        Severity::Warning,
                        span,
                        message,
                        vec![],
                        related,
                    );
                }
                None => same.push(index),
            }
        }
        self.line_keys = keys;
    }

    // ----- required statements -----

    fn missing_fields(&mut self, block: &Block<'t>, facts: &Facts<'t>, file: &SourceFile<'t>) {
        // A statement whose line failed to parse is not in the block: do not call it missing.
        let mut attempted: Vec<String> = Vec::new();
        for error in &file.errors {
            if error.kind == SyntaxErrorKind::Syntax
                && block.span.start <= error.span.start
                && error.span.start <= block.span.end
            {
                let line_start = self.text[..error.span.start].rfind('\n').map_or(0, |i| i + 1);
                let word = self.text[line_start..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                attempted.push(word);
            }
        }
        let tried = |keyword: &str| attempted.iter().any(|w| w == keyword);
        let (what, id) = match block.kind {
            BlockKind::Claim => ("claim", block.id.as_ref().map_or("", |id| id.text)),
            BlockKind::Order => ("order", block.id.as_ref().map_or("", |id| id.text)),
        };
        let span = Span::new(
            block.keyword.start,
            block.id.as_ref().map_or(block.keyword.end, |id| id.span.end),
        );
        let mut missing: Vec<(&str, &str)> = Vec::new();
        if !facts.has_patient && !tried("patient") {
            missing.push(("`patient`", "add `patient \"Last, First\" dob YYYY-MM-DD sex F|M`"));
        }
        match block.kind {
            BlockKind::Claim => {
                if !facts.has_billing && !tried("billing") {
                    missing.push((
                        "`billing npi`",
                        "add `billing npi <NPI>` with the billing provider's 10-digit NPI",
                    ));
                }
                if facts.dxs.is_empty() && !tried("dx") {
                    missing.push(("`dx`", "add at least `dx A <ICD-10-CM code>`"));
                }
                if facts.inpatient {
                    if facts.lines == 0 && facts.procedures == 0 && !tried("line") && !tried("px") {
                        missing.push((
                            "`line` or `px`",
                            "add the services (`line`) or the procedures (`px`) of the stay",
                        ));
                    }
                } else if facts.lines == 0 && !tried("line") {
                    missing.push((
                        "`line`",
                        "add `line <date> <CPT/HCPCS code> ptr A` for each service",
                    ));
                }
            }
            BlockKind::Order => {
                if !facts.has_ordering && !tried("ordering") {
                    missing.push((
                        "`ordering npi`",
                        "add `ordering npi <NPI>` with the ordering provider's NPI",
                    ));
                }
                if !facts.has_date && !tried("date") {
                    missing.push(("`date`", "add `date YYYY-MM-DD`, the day of the order"));
                }
                if facts.dxs.is_empty() && !tried("dx") {
                    missing.push(("`dx`", "add at least `dx A <ICD-10-CM code>`"));
                }
                if facts.tests == 0 && !tried("test") {
                    missing.push(("`test`", "add `test <code> ptr A` for each test ordered"));
                }
            }
        }
        for (field, how) in missing {
            let name = if id.is_empty() { what.to_string() } else { format!("{what} {id}") };
            let message = format!("{name} has no {field}: {how}");
            self.push("missing-field", Severity::Error, span, message);
        }
    }
}

fn line_key_hash(from: &Token<'_>, to: Option<&Token<'_>>, service: &ServiceCode<'_>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    from.text.hash(&mut hasher);
    to.map(|t| t.text).hash(&mut hasher);
    for byte in service.code.text.bytes() {
        byte.to_ascii_uppercase().hash(&mut hasher);
    }
    // Modifiers in any order: combine their hashes commutatively.
    let mut modifiers = 0u64;
    for modifier in &service.modifiers {
        let mut one = std::collections::hash_map::DefaultHasher::new();
        for byte in modifier.text.bytes() {
            byte.to_ascii_uppercase().hash(&mut one);
        }
        modifiers = modifiers.wrapping_add(one.finish());
    }
    modifiers.hash(&mut hasher);
    hasher.finish()
}

fn same_line(
    from: &Token<'_>,
    to: Option<&Token<'_>>,
    service: &ServiceCode<'_>,
    other_from: &Token<'_>,
    other_to: Option<&Token<'_>>,
    other: &ServiceCode<'_>,
) -> bool {
    let mut mine: Vec<String> =
        service.modifiers.iter().map(|m| m.text.to_ascii_uppercase()).collect();
    let mut theirs: Vec<String> =
        other.modifiers.iter().map(|m| m.text.to_ascii_uppercase()).collect();
    mine.sort();
    theirs.sort();
    from.text == other_from.text
        && to.map(|t| t.text) == other_to.map(|t| t.text)
        && service.code.text.eq_ignore_ascii_case(other.code.text)
        && mine == theirs
}
