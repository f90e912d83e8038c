//! The rule catalogue and the checks behind it.
//!
//! The rules run on the format-neutral model (`claimls_model`), never on a syntax tree: each
//! syntax lowers its tree into a [`Document`] and names its parts through a [`Naming`], so one
//! rule speaks of "`ptr`" in the claim language and of "SV107" in an 837.
//!
//! [`run_all`] walks each claim twice: first it gathers the facts the checks depend on (the
//! patient, the dx labels, each line's date of service, the earliest date each dx is used on),
//! then it judges every part. Code look-ups go through a per-file cache ([`codes::Codes`]), so
//! a code written a thousand times is looked up once.

mod catalogue;
mod codes;
mod ranges;
mod sequencing;
mod values;

pub use values::npi_check;

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use claimls_codes::{CodeSets, Date, DateError};
use claimls_model::{
    Claim, ClaimKind, DateOrder, Document, Field, Line, LineKind, Naming, Part, Pointers,
    ProviderRole, Span,
};

use crate::{Config, Diagnostic, Fix, Related, Severity, TextEdit};
use codes::{Codes, HashMap, Problem, Verdict, flag};
use ranges::SortedCodes;
use sequencing::CodeFirst;

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

/// The rules only X12 837 files have (contract section 6).
pub const X12_RULES: [&str; 5] = ["envelope", "hierarchy", "segment", "qualifier", "claim-total"];

/// The rules only HL7 v2 messages have (contract section 7).
pub const HL7_RULES: [&str; 2] = ["coding-system", "segment"];

/// Whether a rule belongs to X12 or HL7 alone (a claim-language file never fires it).
pub fn is_other_format_rule(id: &str) -> bool {
    X12_RULES.contains(&id) || HL7_RULES.contains(&id)
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|rule| rule.id == id)
}

/// Runs every rule over a document, each diagnostic with its default severity.
pub fn run_all(
    text: &str,
    document: &Document,
    naming: &dyn Naming,
    sets: &CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut checker = Checker::new(text, naming, sets, config);
    checker.file_checks(&document.problems, &document.claims);
    checker.claims(document);
    checker.out
}

/// What [`run_all`] gives for the whole of a document that `pieces` hands over a piece at a
/// time (a few hundred claims each, in order), so that only a few pieces are in memory at once,
/// with the severities of `config` applied ([`with_severities`]). `each` gets the diagnostics
/// of each piece, in the order of the pieces and sorted by position; every diagnostic lies in
/// the text of its piece, so the pieces in order are sorted as a whole.
///
/// A piece is whatever the syntax hands over (a piece of its tree, or of a model already
/// made): `outline` gives what the file-wide checks (the syntax's problems, `duplicate-id`) look
/// at, and `lower` the piece's model in full. With `workers` > 0 the pieces are lowered and
/// their claims checked on that many threads, while one more thread makes the pieces and runs
/// the file-wide checks, and this one hands over the pieces already checked: so `each`
/// (printing) overlaps with the making and the checking of the pieces after it.
#[allow(clippy::too_many_arguments)]
pub fn run_in_pieces<P: Send>(
    text: &str,
    naming: &dyn Naming,
    sets: &CodeSets,
    config: &Config,
    workers: usize,
    pieces: impl FnOnce(&mut dyn FnMut(P)) + Send,
    outline: impl Fn(&P) -> std::borrow::Cow<'_, Document> + Send,
    lower: impl Fn(P) -> Document + Sync,
    mut each: impl FnMut(Vec<Diagnostic>),
) {
    if workers == 0 {
        let mut file_wide = Checker::new(text, naming, sets, config);
        pieces(&mut |piece| {
            let outline = outline(&piece);
            file_wide.file_checks(&outline.problems, &outline.claims);
            file_wide.claims(&lower(piece));
            each(with_severities(std::mem::take(&mut file_wide.out), config));
        });
        return;
    }
    // A bounded queue of pieces: the maker waits rather than run ahead of the workers.
    // Only the workers hold its receiving end, so that if they all stop (a panic), sending
    // fails instead of waiting for ever; the scope then re-raises the panic. What is found
    // comes back on a bounded channel too, so that a slow `each` holds up the checking rather
    // than let the diagnostics pile up.
    let (send, receive) = mpsc::sync_channel::<(usize, P)>(workers);
    let receive = Arc::new(Mutex::new(receive));
    let (send_found, found) = mpsc::sync_channel::<Found>(2 * workers + 2);
    let mut in_order = InOrder::default();
    let lower = &lower;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let receive = receive.clone();
            let send_found = send_found.clone();
            scope.spawn(move || {
                let mut checker = Checker::new(text, naming, sets, config);
                loop {
                    // The lock is held only to take the next piece.
                    let next = receive.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((index, piece)) = next else { break };
                    checker.claims(&lower(piece));
                    // Severities applied and sorted here, off the thread that hands over.
                    let claims = with_severities(std::mem::take(&mut checker.out), config);
                    if send_found.send(Found::Claims(index, claims)).is_err() {
                        break;
                    }
                }
            });
        }
        let send_file_wide = send_found.clone();
        scope.spawn(move || {
            let mut file_wide = Checker::new(text, naming, sets, config);
            let mut index = 0;
            pieces(&mut |piece| {
                let outline = outline(&piece);
                file_wide.file_checks(&outline.problems, &outline.claims);
                let diagnostics = with_severities(std::mem::take(&mut file_wide.out), config);
                let _ = send_file_wide.send(Found::FileWide(index, diagnostics));
                let _ = send.send((index, piece));
                index += 1;
            });
        });
        drop((receive, send_found));
        in_order.hand_over(&found, &mut each);
    });
}

/// What a thread of [`run_in_pieces`] found in the piece with this index.
enum Found {
    /// The file-wide checks' diagnostics.
    FileWide(usize, Vec<Diagnostic>),
    /// The diagnostics of the piece's claims.
    Claims(usize, Vec<Diagnostic>),
}

/// The checked pieces put back in order for [`run_in_pieces`]: the threads finish them in any.
#[derive(Default)]
struct InOrder {
    /// The next piece to hand over.
    next: usize,
    /// The file-wide diagnostics of the pieces from `next` on.
    file_wide: BTreeMap<usize, Vec<Diagnostic>>,
    /// The claims' diagnostics of the pieces from `next` on.
    claims: BTreeMap<usize, Vec<Diagnostic>>,
}

impl InOrder {
    /// Hands each piece to `each` as soon as it and all before it are checked, until every
    /// thread is done: its file-wide diagnostics, then its claims'.
    fn hand_over(&mut self, found: &mpsc::Receiver<Found>, each: &mut impl FnMut(Vec<Diagnostic>)) {
        loop {
            while self.file_wide.contains_key(&self.next) && self.claims.contains_key(&self.next) {
                let file_wide = self.file_wide.remove(&self.next).unwrap_or_default();
                let claims = self.claims.remove(&self.next).unwrap_or_default();
                each(merge_sorted(file_wide, claims));
                self.next += 1;
            }
            match found.recv() {
                Ok(Found::FileWide(index, diagnostics)) => {
                    self.file_wide.insert(index, diagnostics)
                }
                Ok(Found::Claims(index, diagnostics)) => self.claims.insert(index, diagnostics),
                Err(_) => return,
            };
        }
    }
}

/// Two lists of diagnostics sorted by position as one, `first`'s before `second`'s at the same
/// position: what a stable sort of the two one after the other gives.
fn merge_sorted(first: Vec<Diagnostic>, second: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if first.is_empty() {
        return second;
    }
    let key = |d: &Diagnostic| (d.span.start, d.span.end);
    let mut merged = Vec::with_capacity(first.len() + second.len());
    let mut second = second.into_iter().peekable();
    for diagnostic in first {
        while let Some(next) = second.next_if(|next| key(next) < key(&diagnostic)) {
            merged.push(next);
        }
        merged.push(diagnostic);
    }
    merged.extend(second);
    merged
}

/// The severities of `config` applied (rules set to `off` dropped), sorted by position.
pub(crate) fn with_severities(
    mut diagnostics: Vec<Diagnostic>,
    config: &Config,
) -> Vec<Diagnostic> {
    diagnostics.retain_mut(|d| match config.severity_of(d.rule, d.severity) {
        Some(severity) => {
            d.severity = severity;
            d.shorten_long_words();
            true
        }
        None => false,
    });
    sort_by_position(diagnostics)
}

/// The diagnostics sorted by position, those at one position in the order given (what a stable
/// sort gives). Sorted through their positions and indexes, then each moved once into place: a
/// diagnostic is some 100 bytes, and a sort of them moved each of a piece's thousand or so
/// diagnostics about ten times (a tenth of the rules' time on an 837 with many findings).
fn sort_by_position(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.span.start, d.span.end);
    if diagnostics.is_sorted_by_key(key) {
        return diagnostics;
    }
    let mut order: Vec<(usize, usize, usize)> =
        diagnostics.iter().enumerate().map(|(i, d)| (d.span.start, d.span.end, i)).collect();
    // The index breaks every tie, so an unstable sort gives the stable order.
    order.sort_unstable();
    let mut slots: Vec<Option<Diagnostic>> = diagnostics.into_iter().map(Some).collect();
    order.iter().map(|&(_, _, i)| slots[i].take().expect("each index once")).collect()
}

/// The diagnostics of [`run_all`] whose span touches `offset`, worked out from the claim (or
/// two adjacent claims) around it: every rule is about one claim, except `duplicate-id`, which
/// compares the ids of all claims (cheap), and the problems the syntax found. Without
/// `file_wide`, only the rules of the claims (for a document that holds only the claims around
/// `offset`, parsed before the whole file is).
pub fn run_at(
    text: &str,
    document: &Document,
    naming: &dyn Naming,
    sets: &CodeSets,
    config: &Config,
    offset: usize,
    file_wide: bool,
) -> Vec<Diagnostic> {
    let mut checker = Checker::new(text, naming, sets, config);
    if file_wide {
        let problems = document.problems.iter().filter(|problem| problem.span.touches(offset));
        checker.out.extend(problems.cloned());
        checker.duplicate_ids(&document.claims);
    }
    checker.claims_at(&document.claims, offset);
    checker.out
}

/// The rules of a document split by where their findings come from, for checking again only
/// the claims an edit changed (`crate::incremental`): [`run_in_pieces`] is, for each piece,
/// [`ClaimRules::file_wide`] and then [`ClaimRules::claim`] of each of its claims.
pub(crate) struct ClaimRules<'s, 't>(Checker<'s, 't>);

impl<'s, 't> ClaimRules<'s, 't> {
    pub(crate) fn new(
        text: &'t str,
        naming: &'s dyn Naming,
        sets: &'s CodeSets,
        config: &Config,
    ) -> Self {
        ClaimRules(Checker::new(text, naming, sets, config))
    }

    /// The file-wide checks of a piece: its problems, and `duplicate-id` for its claims
    /// against those of the pieces before (only their kinds and ids are read).
    pub(crate) fn file_wide(
        &mut self,
        problems: &[Diagnostic],
        claims: &[Claim],
    ) -> Vec<Diagnostic> {
        self.0.file_checks(problems, claims);
        std::mem::take(&mut self.0.out)
    }

    /// Every rule of one claim: what it finds depends on the claim alone (its fields and the
    /// text under them), the naming, the code sets and the configuration.
    pub(crate) fn claim(&mut self, claim: &Claim) -> Vec<Diagnostic> {
        self.0.claim(claim);
        std::mem::take(&mut self.0.out)
    }
}

/// How many diagnostics of one kind about a claim's diagnoses are reported one by one: the
/// first 25 `too-many-dx`, `dx-pointer` (a label used again), `duplicate-dx` and `unused-dx`
/// of a claim, and the first 25 `excludes1` pairs of each dx; the rest of each kind are counted
/// in one summary diagnostic. 25 is the most diagnoses a claim form holds (UB-04, 837I), so a
/// claim that fits one never reaches it (a dx is paired with at most 24 others); past it one
/// diagnostic per extra dx is noise that only a block of thousands of dx (or an order of as many
/// diagnoses) can produce, and it would make the report and its memory grow with their number
/// (or its square, for the pairs).
const ONE_BY_ONE: usize = 25;

/// The diagnostics of one kind past [`ONE_BY_ONE`] in the claim being checked, for its summary.
struct Omitted {
    rule: &'static str,
    /// How many of its diagnostics the claim has so far, reported or not.
    found: usize,
    /// Where the first and the last of those past the limit are.
    first: Span,
    last: Span,
}

struct Checker<'s, 't> {
    text: &'t str,
    naming: &'s dyn Naming,
    codes: Codes<'s, 't>,
    code_first: CodeFirst<'s>,
    today: Date,
    out: Vec<Diagnostic>,
    /// Reused per claim by `duplicate-line`: key hash → line indices.
    line_keys: HashMap<u64, Vec<usize>>,
    /// Each claim id seen so far, where it was first used (`duplicate-id`).
    ids: HashMap<&'t str, Span>,
    /// The claim's diagnostics of each kind that [`ONE_BY_ONE`] bounds ([`Checker::one_by_one`]).
    omitted: Vec<Omitted>,
}

/// A diagnosis of the claim being checked.
struct Dx<'t> {
    key: Option<u32>,
    /// The label as written; [`Checker::label`] gives it as a message writes it ("A", "1"),
    /// made only when a message needs it.
    written_label: &'t str,
    label: std::cell::OnceCell<String>,
    label_span: Span,
    code: &'t str,
    code_span: Span,
    /// The dates of service of the lines that point to it, sorted, each once.
    used_on: Vec<Date>,
    pointed: bool,
    /// The dx is the first with its label.
    first_with_label: bool,
    /// The syntax says the code is ICD-9-CM (X12 `BK`, HL7 `I9C`).
    icd9: bool,
}

/// What pass 1 learns about a claim.
#[derive(Default)]
struct Facts<'t> {
    dob: Option<Date>,
    sex: Option<u8>,
    dxs: Vec<Dx<'t>>,
    /// Key → index into `dxs` of the first dx with it (keys past the table have none).
    keys: [Option<usize>; 26],
    earliest: Option<Date>,
    /// The latest date of the procedures and lines (the discharge of an inpatient claim
    /// written without `stay`).
    latest: Option<Date>,
    order_date: Option<Date>,
    /// The date an inpatient claim is coded on: its discharge.
    discharge: Option<Date>,
    lines: usize,
    tests: usize,
    line_with_error: bool,
    /// An outpatient or inpatient claim: its lines carry no pointers.
    facility: bool,
    /// Some date of service of the claim is on or after the start of ICD-10 (2015-10-01).
    modern: bool,
    /// A diagnosis of the claim was written but could not be read.
    unreadable_dx: bool,
}

impl Facts<'_> {
    /// Whether a date of service can be the one the codes are judged on: a date before the
    /// patient's birth, or before ICD-10 on a claim whose other dates are after it, is a typo
    /// (one date reported, not every code of the claim).
    fn plausible(&self, date: Date) -> bool {
        self.dob.is_none_or(|dob| date >= dob) && !(self.modern && date < codes::icd10_start())
    }
}

impl Facts<'_> {
    /// The first dx with `key`.
    fn dx_index(&self, key: Option<u32>) -> Option<usize> {
        key.and_then(|key| self.keys.get(key as usize).copied().flatten())
    }
}

fn min_date(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_date(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A date as the syntax writes it: `YYYY-MM-DD`, or `CCYYMMDD` (a time after it is allowed).
fn read_date(order: DateOrder, text: &str) -> Result<Date, DateError> {
    match order {
        DateOrder::Iso => Date::parse(text),
        DateOrder::Compact => {
            let digits = text.get(..8).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
            let rest_is_time = text.get(8..).is_some_and(|rest| {
                rest.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-'))
            });
            match digits {
                Some(digits) if rest_is_time => {
                    Date::parse_compact(digits).ok_or(DateError::NoSuchDay)
                }
                _ => Err(DateError::Format),
            }
        }
    }
}

impl<'s, 't> Checker<'s, 't> {
    fn new(text: &'t str, naming: &'s dyn Naming, sets: &'s CodeSets, config: &Config) -> Self {
        Checker {
            text,
            naming,
            codes: Codes::new(sets),
            code_first: CodeFirst::new(sets),
            today: config.today(),
            out: Vec::new(),
            line_keys: HashMap::default(),
            ids: HashMap::default(),
            omitted: Vec::new(),
        }
    }

    /// A diagnosis's label as a message writes it ("A", "1"), made the first time it is asked.
    fn label<'d>(&self, dx: &'d Dx<'t>) -> &'d str {
        dx.label.get_or_init(|| self.naming.label(dx.key, dx.written_label))
    }

    /// The text of a field as written. The rules judge what was written, so a value the syntax
    /// had to decode (an HL7 escape) is judged as written too.
    fn raw(&self, field: &Field) -> &'t str {
        field.span.slice(self.text)
    }

    fn date_of(&self, field: &Field) -> Option<Date> {
        read_date(self.naming.date_order(), self.raw(field)).ok()
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

    /// Whether the next diagnostic of `rule` about the claim's diagnoses, at `span`, is reported
    /// in full: the first [`ONE_BY_ONE`] of the claim are, the others are counted for the
    /// summary [`Checker::summaries`] makes.
    fn one_by_one(&mut self, rule: &'static str, span: Span) -> bool {
        let at = match self.omitted.iter().position(|omitted| omitted.rule == rule) {
            Some(at) => at,
            None => {
                self.omitted.push(Omitted { rule, found: 0, first: span, last: span });
                self.omitted.len() - 1
            }
        };
        let omitted = &mut self.omitted[at];
        omitted.found += 1;
        if omitted.found <= ONE_BY_ONE {
            return true;
        }
        if omitted.found == ONE_BY_ONE + 1 {
            omitted.first = span;
        }
        omitted.last = span;
        false
    }

    /// One diagnostic for each kind that [`Checker::one_by_one`] cut short in this claim, on the
    /// first it did not report, with how many more there are and where the last is.
    fn summaries(&mut self) {
        let words = self.naming.words();
        for omitted in std::mem::take(&mut self.omitted) {
            let more = omitted.found.saturating_sub(ONE_BY_ONE);
            if more == 0 {
                continue;
            }
            let (severity, what, advice) = match omitted.rule {
                "too-many-dx" => (
                    Severity::Error,
                    "past the limit",
                    "keep the diagnoses that support the services, or split the claim".to_string(),
                ),
                "dx-pointer" => (
                    Severity::Error,
                    "with a label used before",
                    format!(
                        "pointers to them would be ambiguous; give each a {} of its own",
                        label_word(words.dx_label)
                    ),
                ),
                "duplicate-dx" => (
                    Severity::Warning,
                    "with a code listed before",
                    "remove them and point the lines to the first".to_string(),
                ),
                _ => (
                    Severity::Warning,
                    "that no line points to",
                    format!(
                        "add them to the {} of the lines they support, or remove them",
                        words.pointers
                    ),
                ),
            };
            let (noun, verb) = if more == 1 { ("diagnosis", "is") } else { ("diagnoses", "are") };
            let message = format!(
                "{more} more {noun} {what}, from this one on, {verb} not listed one by one (the \
                 first {ONE_BY_ONE} are): {advice}"
            );
            let related = vec![Related { span: omitted.last, message: "the last of them".into() }];
            self.push_full(omitted.rule, severity, omitted.first, message, Vec::new(), related);
        }
    }

    fn push_problem(&mut self, span: Span, problem: &Problem) {
        let dotted = self.naming.dotted_codes();
        let fixes = problem
            .fixes
            .iter()
            .map(|(label, new_text)| {
                // A replacement code is written the way the syntax writes codes.
                let new_text = if dotted { new_text.clone() } else { new_text.replace('.', "") };
                Fix { label: label.clone(), edits: vec![TextEdit { span, new_text }] }
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
            if self.naming.dotted_codes() {
                self.push_problem(span, hint);
            } else {
                self.undotted_hint(span, hint);
            }
        }
    }

    /// A `code-format` hint in a syntax that sends codes without the dot (X12, HL7): the code is
    /// canonical when it is upper case without a dot, and a fix writes it so.
    fn undotted_hint(&mut self, span: Span, hint: &Problem) {
        let text = span.slice(self.text);
        let Some((_, dotted)) = hint.fixes.first() else {
            return self.push_problem(span, hint);
        };
        let canonical = dotted.replace('.', "");
        if text == canonical {
            return;
        }
        let message = hint.message.replace(&format!("`{dotted}`"), &format!("`{canonical}`"));
        let message = format!("{message} (this format sends codes without the dot)");
        let fix = Fix {
            label: format!("Write `{canonical}`"),
            edits: vec![TextEdit { span, new_text: canonical }],
        };
        self.push_full(hint.rule, hint.severity, span, message, vec![fix], Vec::new());
    }

    // ----- the file -----

    /// The checks that look across claims, for the next piece of the document: the problems
    /// its syntax found and `duplicate-id`.
    fn file_checks(&mut self, problems: &[Diagnostic], claims: &[Claim]) {
        self.out.extend(problems.iter().cloned());
        self.duplicate_ids(claims);
    }

    /// The checks of each claim of `piece`, one claim at a time.
    fn claims(&mut self, piece: &Document) {
        for claim in &piece.claims {
            self.claim(claim);
        }
    }

    /// `duplicate-id` for the claims of `document`, against the ids of the claims seen before
    /// (in earlier pieces too).
    fn duplicate_ids(&mut self, claims: &[Claim]) {
        self.ids.reserve(claims.len());
        for claim in claims {
            let Some(id) = &claim.id else { continue };
            let text = self.raw(id);
            match self.ids.entry(text) {
                Entry::Vacant(vacant) => {
                    vacant.insert(id.span);
                }
                Entry::Occupied(first) => {
                    let what = if claim.kind == ClaimKind::Order { "order" } else { "claim" };
                    let block = self.naming.words().block;
                    let text = claimls_model::quotable(text);
                    let message = format!(
                        "the id `{text}` is already used by an earlier {block} in this file: give \
                         this {what} its own id, or merge the two if they are the same {what}"
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

    // ----- a claim -----

    /// Every rule of the claims around `offset`, then only what touches `offset` kept (of all
    /// found so far).
    fn claims_at(&mut self, claims: &[Claim], offset: usize) {
        // Claims are in source order: those around `offset` are next to where it would go.
        let first = claims.partition_point(|claim| claim.span.end < offset);
        for claim in claims[first..].iter().take_while(|claim| claim.span.start <= offset) {
            self.claim(claim);
        }
        self.out.retain(|diagnostic| diagnostic.span.touches(offset));
    }

    fn claim(&mut self, claim: &Claim) {
        let mut facts = self.gather(claim);
        let is_order = claim.kind == ClaimKind::Order;
        // Dates of service: a claim's lines, its procedures; an order's date.
        let fallback = if is_order { facts.order_date } else { facts.earliest };
        let fallback = fallback.unwrap_or(self.today);

        for patient in &claim.patients {
            if let Some(dob) = &patient.date_of_birth {
                self.date_of_birth(dob);
            }
        }
        for provider in &claim.providers {
            if let Some(npi) = &provider.npi {
                self.npi(npi);
            }
        }
        for place in &claim.places {
            self.pos(place);
        }
        for date in &claim.order_dates {
            if let Some(value) = self.date_value(date, "order date") {
                self.service_date(date, value, &facts, "the order date");
            }
        }
        if let Some(stay) = &claim.stay {
            self.stay(stay, &facts);
        }
        for procedure in &claim.procedures {
            let own = procedure.date.as_ref().and_then(|d| self.date_value(d, "procedure date"));
            if let (Some(field), Some(value)) = (&procedure.date, own) {
                self.service_date(field, value, &facts, "the procedure date");
            }
            // An inpatient claim is coded with the code set of its discharge date.
            let date = facts.discharge.or(own).unwrap_or(fallback);
            let verdict = self.codes.procedure_verdict(self.raw(&procedure.code), date);
            self.push_verdict(procedure.code.span, &verdict);
        }
        for line in &claim.lines {
            match line.kind {
                LineKind::Service => self.service_line(line, &facts, fallback),
                LineKind::Test => {
                    self.service(line, facts.order_date.unwrap_or(fallback));
                    if self.naming.has_pointers() {
                        self.pointers(line, &facts);
                    }
                }
            }
        }
        self.diagnoses(claim, &mut facts, fallback);
        if !is_order {
            self.duplicate_lines(claim);
        }
        self.missing_fields(claim, &facts);
    }

    /// Pass 1: the facts the checks of single parts depend on.
    fn gather(&mut self, claim: &Claim) -> Facts<'t> {
        let mut facts = Facts {
            facility: claim.kind.is_facility(),
            unreadable_dx: claim.unreadable.contains(&Part::Diagnosis),
            ..Facts::default()
        };
        if let Some(patient) = claim.patients.first() {
            facts.dob = patient.date_of_birth.as_ref().and_then(|dob| self.date_of(dob));
            facts.sex = patient.sex.as_ref().and_then(|sex| match self.raw(sex).as_bytes() {
                [b] => Some(b.to_ascii_uppercase()),
                _ => None,
            });
        }
        facts.order_date = claim.order_dates.first().and_then(|date| self.date_of(date));
        let service_dates = claim
            .lines
            .iter()
            .filter_map(|line| line.from.as_ref())
            .chain(claim.procedures.iter().filter_map(|px| px.date.as_ref()));
        let start = codes::icd10_start();
        facts.modern = service_dates.filter_map(|d| self.date_of(d)).any(|date| date >= start);
        facts.dxs.reserve_exact(claim.diagnoses.len());
        for (index, dx) in claim.diagnoses.iter().enumerate() {
            let mut first_with_label = true;
            if let Some(slot) = dx.key.and_then(|key| facts.keys.get_mut(key as usize)) {
                if slot.is_none() {
                    *slot = Some(index);
                } else {
                    first_with_label = false;
                }
            }
            facts.dxs.push(Dx {
                key: dx.key,
                written_label: self.raw(&dx.label),
                label: std::cell::OnceCell::new(),
                label_span: dx.label.span,
                code: self.raw(&dx.code),
                code_span: dx.code.span,
                used_on: Vec::new(),
                pointed: false,
                first_with_label,
                icd9: dx.system.as_ref().is_some_and(|s| self.naming.is_icd9_system(self.raw(s))),
            });
        }
        for procedure in &claim.procedures {
            let date = procedure.date.as_ref().and_then(|date| self.date_of(date));
            let date = date.filter(|&date| facts.plausible(date));
            facts.earliest = min_date(facts.earliest, date);
            facts.latest = max_date(facts.latest, date);
        }
        for line in &claim.lines {
            match line.kind {
                LineKind::Service => {
                    facts.lines += 1;
                    // A line without pointers gets `missing-pointer`; its dx are not "unused".
                    facts.line_with_error |= line.unreadable || line.pointers.is_none();
                    let from = line.from.as_ref().and_then(|from| self.date_of(from));
                    let from = from.filter(|&date| facts.plausible(date));
                    facts.earliest = min_date(facts.earliest, from);
                    let to = line.to.as_ref().and_then(|to| self.date_of(to));
                    facts.latest = max_date(max_date(facts.latest, from), to);
                }
                LineKind::Test => {
                    facts.tests += 1;
                    facts.line_with_error |= line.unreadable;
                }
            }
        }
        if claim.kind == ClaimKind::Inpatient {
            let stay = claim.stay.as_ref().and_then(|stay| stay.discharge.as_ref());
            facts.discharge = stay.and_then(|discharge| self.date_of(discharge)).or(facts.latest);
        }
        // Each dx's dates: those of the lines pointing to it. A facility claim's lines carry
        // no pointers (a `ptr` there is ignored).
        let lines = if claim.kind.is_facility() { &[][..] } else { &claim.lines[..] };
        for line in lines {
            let date = match line.kind {
                LineKind::Service => line
                    .from
                    .as_ref()
                    .and_then(|from| self.date_of(from))
                    .filter(|&date| facts.plausible(date))
                    .or(facts.earliest),
                LineKind::Test => facts.order_date,
            };
            for pointer in line.pointers.iter().flat_map(|p| p.items.iter()) {
                if let Some(index) = facts.dx_index(pointer.key) {
                    let dx = &mut facts.dxs[index];
                    dx.pointed = true;
                    if let Some(date) = date
                        && let Err(at) = dx.used_on.binary_search(&date)
                    {
                        dx.used_on.insert(at, date);
                    }
                }
            }
        }
        facts
    }

    /// An inpatient stay: real dates, not before birth nor ahead, discharge not before admission.
    fn stay(&mut self, stay: &claimls_model::Stay, facts: &Facts<'t>) {
        let admission = stay.admission.as_ref().map(|f| (f, self.date_value(f, "admission date")));
        let discharge = stay.discharge.as_ref().map(|f| (f, self.date_value(f, "discharge date")));
        for (field, date) in [admission, discharge].into_iter().flatten() {
            if let Some(date) = date {
                self.service_date(field, date, facts, "the stay's date");
            }
        }
        if let (Some((from, Some(admitted))), Some((to, Some(discharged)))) = (admission, discharge)
            && discharged < admitted
        {
            let message = format!(
                "the stay {admitted}..{discharged} ends before it starts: write the admission \
                 date first"
            );
            self.reversed_range(from, to, (admitted, discharged), message);
        }
    }

    /// `date` on a range `from..to` that ends before it starts, with the fix that swaps them.
    fn reversed_range(&mut self, from: &Field, to: &Field, dates: (Date, Date), message: String) {
        let (first, last) = dates;
        let fix = Fix {
            label: format!("Swap to {last}..{first}"),
            edits: vec![
                TextEdit { span: from.span, new_text: self.raw(to).to_string() },
                TextEdit { span: to.span, new_text: self.raw(from).to_string() },
            ],
        };
        let span = Span::new(from.span.start, to.span.end);
        self.push_full("date", Severity::Error, span, message, vec![fix], vec![]);
    }

    fn date_of_birth(&mut self, dob: &Field) {
        if let Some(date) = self.date_value(dob, "date of birth")
            && date > self.today
        {
            let message = format!(
                "date of birth {date} is after today ({}): check the patient's date of birth",
                self.today
            );
            self.push("date", Severity::Error, dob.span, message);
        }
    }

    fn service_line(&mut self, line: &Line, facts: &Facts<'t>, fallback: Date) {
        let from_date =
            line.from.as_ref().and_then(|from| self.date_value(from, "date of service"));
        let to_date = line.to.as_ref().and_then(|to| self.date_value(to, "end date"));
        if let (Some(from), Some(from_value)) = (&line.from, from_date) {
            self.service_date(from, from_value, facts, "the date of service");
        }
        if let (Some(from), Some(to), Some(from_value), Some(to_value)) =
            (&line.from, &line.to, from_date, to_date)
        {
            if to_value < from_value {
                let message = format!(
                    "the range {from_value}..{to_value} ends before it starts: write the first \
                     day of service first"
                );
                self.reversed_range(from, to, (from_value, to_value), message);
            } else if from_value <= self.today && to_value > self.today {
                let message = format!(
                    "the range ends on {to_value}, after today ({}): bill a service only once \
                     it has been given",
                    self.today
                );
                self.push("date", Severity::Warning, to.span, message);
            }
        }
        // A typo'd date is reported once (here), and the line's codes are judged on the claim's
        // other dates rather than each getting an error of its own.
        if let (Some(from), Some(from_value)) = (&line.from, from_date)
            && facts.modern
            && from_value < codes::icd10_start()
            && facts.dob.is_none_or(|dob| from_value >= dob)
        {
            let message = format!(
                "the date of service {from_value} is before ICD-10 (2015-10-01) while the \
                 claim's other services are dated from {fallback}: probably a typo in the year; \
                 this line's codes are judged on {fallback}"
            );
            self.push("date", Severity::Warning, from.span, message);
        }
        let date = from_date.filter(|&date| facts.plausible(date)).unwrap_or(fallback);
        // A facility line may bill a revenue code alone (an 837I SV2 without SV202).
        if !(facts.facility && line.code.span.is_empty()) {
            self.service(line, date);
        }
        if !facts.facility && self.naming.has_pointers() {
            self.pointers(line, facts);
        }
        if let Some(units) = &line.units
            && let Some(message) = values::units_problem(self.raw(units))
        {
            self.push("units", Severity::Error, units.span, message);
        }
        if let Some(charge) = &line.charge
            && let Some((message, fix)) = values::charge_problem(self.raw(charge))
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
        if let Some(place) = &line.place {
            self.pos(place);
        }
        if let Some(npi) = &line.npi {
            self.npi(npi);
        }
    }

    /// Checks a date's form; the date when it is a real one.
    fn date_value(&mut self, field: &Field, what: &str) -> Option<Date> {
        let text = self.raw(field);
        match read_date(self.naming.date_order(), text) {
            Ok(date) => Some(date),
            Err(DateError::Format) => {
                let message = format!(
                    "{what} `{text}` is not a date: write it {}",
                    self.naming.date_order().example()
                );
                self.push("date", Severity::Error, field.span, message);
                None
            }
            Err(DateError::NoSuchDay) => {
                let message = format!(
                    "{what} {text} does not exist in the calendar: check the month and the day"
                );
                self.push("date", Severity::Error, field.span, message);
                None
            }
        }
    }

    /// A date of service (or an order's or procedure's date): not before birth, not ahead.
    fn service_date(&mut self, field: &Field, date: Date, facts: &Facts<'t>, what: &str) {
        if let Some(dob) = facts.dob
            && date < dob
        {
            let message = format!(
                "{what} {date} is before the patient's date of birth {dob}: check both dates"
            );
            self.push("date", Severity::Error, field.span, message);
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
            self.push("date", Severity::Warning, field.span, message);
        }
    }

    fn npi(&mut self, npi: &Field) {
        if let Some(message) = values::npi_problem(self.raw(npi)) {
            self.push("npi", Severity::Error, npi.span, message);
        }
    }

    fn pos(&mut self, code: &Field) {
        if let Some(problem) = self.codes.place_problem(self.raw(code)) {
            self.push_problem(code.span, &problem);
        }
    }

    /// A line's or test's code and modifiers.
    fn service(&mut self, line: &Line, date: Date) {
        let code = self.raw(&line.code);
        // A LOINC or local code (by the coding system the syntax wrote with it) is not CPT/HCPCS.
        let judged =
            line.system.as_ref().is_none_or(|s| self.naming.is_service_system(self.raw(s)));
        if judged {
            let verdict = self.codes.service_verdict(code, date);
            self.push_verdict(line.code.span, &verdict);
        }
        let modifiers = &line.modifiers;
        for (index, modifier) in modifiers.iter().enumerate() {
            if index == 4 {
                let last = modifiers.last().map_or(modifier.span, |m| m.span);
                let span = Span::new(modifier.span.start, last.end);
                let message = format!(
                    "a line has room for 4 modifiers and this one has {}: keep the 4 that matter \
                     for payment (payers often want modifier 99 when more apply)",
                    modifiers.len()
                );
                self.push("modifier", Severity::Error, span, message);
            }
            let text = self.raw(modifier);
            let earlier =
                modifiers[..index].iter().find(|m| self.raw(m).eq_ignore_ascii_case(text));
            if let Some(earlier) = earlier {
                let remove = self.naming.removal(self.text, modifier.span);
                let message = format!(
                    "modifier {} is given twice on this {code}: remove the repeat",
                    text.to_ascii_uppercase(),
                );
                let fix = Fix {
                    label: format!("Remove the second {}", self.naming.modifier(text)),
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
            let verdict = self.codes.modifier_verdict(text, date);
            self.push_verdict(modifier.span, &verdict);
        }
    }

    fn pointers(&mut self, line: &Line, facts: &Facts<'t>) {
        let what = if line.kind == LineKind::Test { "test" } else { "line" };
        let words = self.naming.words();
        let Some(pointers) = &line.pointers else {
            if line.unreadable {
                return;
            }
            let code = self.raw(&line.code);
            let target = facts.dxs.iter().find(|dx| dx.key == Some(0)).or(facts.dxs.first());
            let fixes = target
                .and_then(|dx| {
                    let key = dx.key?;
                    let edit = self.naming.add_pointer(self.text, line, key)?;
                    let pointer =
                        self.naming.join_pointers(self.text, &Pointers::default(), &[key]);
                    let label = format!(
                        "Add {} — {}",
                        quote_pointers(words.pointers, &pointer),
                        self.codes.cm_display(dx.code)
                    );
                    Some(Fix { label, edits: vec![edit] })
                })
                .into_iter()
                .collect();
            let example = quote_pointers(words.pointers, &self.naming.label(Some(0), ""));
            let message = format!(
                "this {what} has no {}: name the {} of the diagnoses that justify {code} (e.g. \
                 {example}), the main one first",
                words.pointers, words.labels,
            );
            self.push_full(
                "missing-pointer",
                Severity::Error,
                line.code.span,
                message,
                fixes,
                vec![],
            );
            return;
        };
        let items = &pointers.items;
        // The keys kept, at most the four slots of a line: on the stack, as every line has some.
        let mut slots = [0u32; 4];
        let mut filled = 0;
        let mut problems = false;
        for (index, pointer) in items.iter().enumerate() {
            let written = self.raw(&pointer.field);
            let known = facts.dx_index(pointer.key).is_some();
            let kept = &slots[..filled];
            if pointer.key.is_some_and(|key| kept.contains(&key)) {
                problems = true;
                let label = self.naming.label(pointer.key, written);
                let message = format!(
                    "{} names {label} twice: each diagnosis is pointed to once",
                    words.pointers
                );
                self.push("dx-pointer", Severity::Error, pointer.field.span, message);
            } else if !known && facts.unreadable_dx {
                // A diagnosis that could not be read may be the one it names: say nothing more.
                problems = true;
            } else if !known {
                problems = true;
                let defined: String = facts
                    .dxs
                    .iter()
                    .filter(|dx| dx.first_with_label)
                    .map(|dx| self.label(dx).to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let which = if defined.is_empty() {
                    format!("there is no {} in this {}", words.dx, words.block)
                } else {
                    format!("the {} here are {defined}", words.labelled)
                };
                let message = format!(
                    "{} names {written}, but there is no {} in this {} ({which})",
                    words.pointers,
                    self.naming.dx_reference(written),
                    words.block,
                );
                self.push("dx-pointer", Severity::Error, pointer.field.span, message);
            } else if kept.len() == 4 {
                problems = true;
                if index == items.len() - 1 || kept.len() == 4 {
                    let message = format!(
                        "{} names more than 4 diagnoses ({}): a {what} has four pointer slots; \
                         keep the four most relevant, the main one first",
                        words.pointers,
                        items.len()
                    );
                    self.push("dx-pointer", Severity::Error, pointer.field.span, message);
                }
            } else if let Some(key) = pointer.key {
                slots[filled] = key;
                filled += 1;
            }
        }
        let kept = &slots[..filled];
        if problems
            && !kept.is_empty()
            && let (Some(first), Some(last)) = (items.first(), items.last())
            && let Some(diagnostic) = self.out.last_mut()
        {
            let joined = self.naming.join_pointers(self.text, pointers, kept);
            diagnostic.fixes.push(Fix {
                label: format!("Write {}", quote_pointers(words.pointers, &joined)),
                edits: vec![TextEdit {
                    span: Span::new(first.field.span.start, last.field.span.end),
                    new_text: joined,
                }],
            });
        }
    }

    // ----- diagnoses -----

    fn diagnoses(&mut self, claim: &Claim, facts: &mut Facts<'t>, fallback: Date) {
        let is_claim = claim.kind != ClaimKind::Order;
        let inpatient = claim.kind == ClaimKind::Inpatient;
        let words = self.naming.words();
        let principal = facts.keys[0].or(if facts.dxs.is_empty() { None } else { Some(0) });
        let dob = facts.dob;
        let sex = facts.sex;
        // Which dx are valid on their date (and within the claim's limit), for the checks
        // between codes.
        let mut valid: Vec<(usize, Date)> = Vec::with_capacity(facts.dxs.len());
        // Each code's first dx (`duplicate-dx`), and which dx repeat an earlier code.
        let mut firsts: HashMap<std::rc::Rc<str>, usize> = HashMap::default();
        let mut duplicate = vec![false; facts.dxs.len()];
        // A professional claim holds 12 diagnoses (CMS-1500, 837P); a facility claim a principal
        // and 24 others (UB-04, 837I).
        let limit: usize = if facts.facility { 25 } else { 12 };
        for (index, dx) in facts.dxs.iter().enumerate() {
            // An inpatient claim is coded on its discharge date; a dx of another claim must be
            // valid on the date of every line that points to it (on the claim's date if none).
            let dates = match facts.discharge {
                Some(ref discharge) => std::slice::from_ref(discharge),
                None if dx.used_on.is_empty() => std::slice::from_ref(&fallback),
                None => &dx.used_on[..],
            };
            if !dx.first_with_label && self.one_by_one("dx-pointer", dx.label_span) {
                let related = facts
                    .dx_index(dx.key)
                    .map(|first| Related {
                        span: facts.dxs[first].label_span,
                        message: "first used here".into(),
                    })
                    .into_iter()
                    .collect();
                let message = format!(
                    "{} {} is used twice in this {}: pointers to {} would be ambiguous; give \
                     this dx a {} of its own",
                    words.dx_label,
                    self.label(dx),
                    words.block,
                    self.label(dx),
                    label_word(words.dx_label),
                );
                self.push_full(
                    "dx-pointer",
                    Severity::Error,
                    dx.label_span,
                    message,
                    vec![],
                    related,
                );
            }
            let past_limit = dx.key.is_some_and(|key| key as usize >= limit);
            if is_claim
                && (index >= limit || past_limit)
                && self.one_by_one("too-many-dx", dx.label_span)
            {
                let range = self.naming.label_range(limit);
                let noun = match claim.kind {
                    ClaimKind::Outpatient => "outpatient claim",
                    ClaimKind::Inpatient => "inpatient claim",
                    _ => "claim",
                };
                let article = if facts.facility { "an" } else { "a" };
                let message = if past_limit {
                    format!(
                        "{} {} is past {}: {article} {noun} holds at most {limit} diagnoses, {range}; keep \
                         the {limit} that support the services, or split the claim",
                        words.dx_label,
                        self.label(dx),
                        self.naming.label(u32::try_from(limit - 1).ok(), ""),
                    )
                } else {
                    format!(
                        "this is diagnosis number {} on the {noun}, which holds at most \
                         {limit} ({range}): keep the {limit} that support the services, or split \
                         the claim",
                        index + 1
                    )
                };
                self.push("too-many-dx", Severity::Error, dx.label_span, message);
            }
            // ICD-9-CM is not bundled: an ICD-9 code is judged only where ICD-10-CM was due.
            if dx.icd9 && dates.iter().all(|&date| date < codes::icd10_start()) {
                continue;
            }
            let (verdict, date) = self.dx_verdict(dx.code, dates);
            self.push_verdict(dx.code_span, &verdict);
            let norm = self.codes.cm_norm(dx.code);
            if let Some(&first) = firsts.get(&norm) {
                duplicate[index] = true;
                if !self.one_by_one("duplicate-dx", dx.code_span) {
                    continue;
                }
                let first = &facts.dxs[first];
                let message = format!(
                    "{} is listed twice in this {} (first as {} {}): remove this one and point \
                     the lines to {} {}",
                    claimls_codes::dotted_icd10cm(&norm),
                    words.block,
                    words.dx,
                    self.label(first),
                    words.dx,
                    self.label(first)
                );
                let related = vec![Related {
                    span: first.code_span,
                    message: format!("first listed here as {} {}", words.dx, self.label(first)),
                }];
                self.push_full(
                    "duplicate-dx",
                    Severity::Warning,
                    dx.code_span,
                    message,
                    vec![],
                    related,
                );
                continue;
            }
            firsts.insert(norm, index);
            if verdict.problem.is_some() {
                continue;
            }
            // The checks between codes compare the diagnoses the claim can hold: each one past
            // its limit is a `too-many-dx` error already, and a block of 50,000 dx would give
            // millions of pairs.
            if !(is_claim && (index >= limit || past_limit)) {
                valid.push((index, date));
            }
            self.code_flags(dx, date, dob, sex, Some(index) == principal, is_claim && inpatient);
        }
        // Excludes1 between each pair of valid, distinct codes that a note of one of them names,
        // in the order of the pairs (later, earlier).
        let mut sorted = Vec::with_capacity(valid.len());
        for (position, &(index, _)) in valid.iter().enumerate() {
            sorted.push((self.codes.cm_norm(facts.dxs[index].code), position));
        }
        let sorted = SortedCodes::new(sorted);
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (position, &(index, _)) in valid.iter().enumerate() {
            for range in self.codes.excludes1_ranges(facts.dxs[index].code) {
                pairs.extend(
                    sorted
                        .in_range(range)
                        .filter(|&other| other != position)
                        .map(|other| (position.max(other), position.min(other))),
                );
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        // Each dx's pairs with the dx before it: the first ONE_BY_ONE one by one, then one summary.
        for group in pairs.chunk_by(|x, y| x.0 == y.0) {
            let b = &facts.dxs[valid[group[0].0].0];
            let b_norm = self.codes.cm_norm(b.code);
            let mut reported = 0;
            let mut more = Vec::new();
            for &(_, earlier) in group {
                let a = &facts.dxs[valid[earlier].0];
                let a_norm = self.codes.cm_norm(a.code);
                // The most specific note (the code's own before its chapter's), and whose it is.
                let note = match self.codes.excludes1_note(b.code, &a_norm) {
                    Some(note) => Some(note),
                    None => self.codes.excludes1_note(a.code, &b_norm),
                };
                let Some((note, owner)) = note else { continue };
                if reported == ONE_BY_ONE {
                    more.push(a);
                    continue;
                }
                reported += 1;
                let message = format!(
                    "{} may not be coded together with {} {}, {}: an Excludes1 note of {owner} \
                         says \"{note}\"; keep the one the record supports",
                    self.codes.cm_display(b.code),
                    words.dx,
                    self.label(a),
                    self.codes.cm_display(a.code),
                );
                let related = vec![Related {
                    span: a.code_span,
                    message: format!("the other code, {} {}", words.dx, self.label(a)),
                }];
                self.push_full(
                    "excludes1",
                    Severity::Warning,
                    b.code_span,
                    message,
                    vec![],
                    related,
                );
            }
            if !more.is_empty() {
                self.excludes1_summary(b, &more);
            }
        }
        self.code_first(claim, facts, &valid);
        // unused-dx: only on a professional claim (facility lines carry no pointers), where
        // every line could be read and the claim has lines at all. External-cause codes (V00–Y99:
        // cause, place, activity, status) are reported without a pointer.
        if claim.kind == ClaimKind::Professional
            && self.naming.has_pointers()
            && facts.lines > 0
            && !facts.line_with_error
        {
            let unused: Vec<usize> = (0..facts.dxs.len())
                .filter(|&index| {
                    let dx = &facts.dxs[index];
                    !dx.pointed && dx.first_with_label && !duplicate[index]
                })
                .collect();
            for index in unused {
                let dx = &facts.dxs[index];
                let external =
                    matches!(self.codes.cm_norm(dx.code).as_bytes().first(), Some(b'V'..=b'Y'));
                if external || !self.one_by_one("unused-dx", dx.code_span) {
                    continue;
                }
                let message = format!(
                    "{} {}, {}, is not pointed to by any line: add {} to the {} of the line it \
                     supports, or remove it",
                    words.dx,
                    self.label(dx),
                    self.codes.cm_display(dx.code),
                    self.label(dx),
                    words.pointers,
                );
                self.push("unused-dx", Severity::Warning, dx.code_span, message);
            }
        }
        self.summaries();
    }

    /// The `excludes1` pairs of `dx` past [`ONE_BY_ONE`] as one diagnostic: how many, and the
    /// first few of the other dx.
    fn excludes1_summary(&mut self, dx: &Dx<'t>, more: &[&Dx<'t>]) {
        const NAMED: usize = 5;
        let words = self.naming.words();
        let mut named: Vec<String> = more
            .iter()
            .take(NAMED)
            .map(|other| {
                let code = dotted(&self.codes.cm_norm(other.code));
                format!("{} {} {code}", words.dx, self.label(other))
            })
            .collect();
        if more.len() > NAMED {
            named.push(format!("{} others", more.len() - NAMED));
        }
        let (noun, pairs) = if more.len() == 1 {
            ("diagnosis", "this pair is")
        } else {
            ("diagnoses", "these pairs are")
        };
        let message = format!(
            "{} may not be coded together with {} more {noun} of this {} either ({}), by \
             Excludes1 notes of their codes or of its own; {pairs} not listed one by one (the \
             first {ONE_BY_ONE} are): keep the codes the record supports",
            self.codes.cm_display(dx.code),
            more.len(),
            words.block,
            codes::or_list(&named).replace(" or ", " and "),
        );
        let related = more
            .iter()
            .take(NAMED)
            .map(|other| Related {
                span: other.code_span,
                message: format!("the other code, {} {}", words.dx, self.label(other)),
            })
            .collect();
        self.push_full("excludes1", Severity::Warning, dx.code_span, message, vec![], related);
    }

    /// `code-first`: a dx whose "code first" note names another dx of the claim that is listed
    /// after it. The quick fix swaps the two codes (and the pointers to them), so that each
    /// line still points to the same code.
    fn code_first(&mut self, claim: &Claim, facts: &Facts<'t>, valid: &[(usize, Date)]) {
        let words = self.naming.words();
        // Listing order: by label (A before B; HI position 1 before 2), else as written.
        let mut listed: Vec<usize> = valid.iter().map(|&(index, _)| index).collect();
        listed.sort_by_key(|&index| (facts.dxs[index].key.unwrap_or(u32::MAX), index));
        // The pairs (earlier, later) in listing order where a note of the earlier names the later.
        let norms: Vec<std::rc::Rc<str>> =
            listed.iter().map(|&index| self.codes.cm_norm(facts.dxs[index].code)).collect();
        let sorted = SortedCodes::new(norms.iter().cloned().zip(0..).collect());
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (position, norm) in norms.iter().enumerate() {
            for (range, _) in self.code_first.ranges(norm).iter() {
                pairs.extend(
                    sorted
                        .in_range(range)
                        .filter(|&other| other > position)
                        .map(|other| (position, other)),
                );
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        for (earlier, later) in pairs {
            let (a, b) = (&facts.dxs[listed[earlier]], &facts.dxs[listed[later]]);
            let a_norm = self.codes.cm_norm(a.code);
            let b_norm = self.codes.cm_norm(b.code);
            if a_norm == b_norm {
                continue;
            }
            let Some(note) = self.code_first.note_naming(&a_norm, &b_norm) else { continue };
            let (a_display, b_display) =
                (self.codes.cm_display(a.code), self.codes.cm_display(b.code));
            let message = format!(
                "{a_display} is listed before {} {}, {b_display}, but its tabular note says \
                     \"code first {note}\": list {} first and {} after it (ICD-10-CM guideline \
                     I.A.13)",
                words.dx,
                self.label(b),
                dotted(&b_norm),
                dotted(&a_norm),
            );
            let mut edits = vec![
                TextEdit { span: a.code_span, new_text: b.code.to_string() },
                TextEdit { span: b.code_span, new_text: a.code.to_string() },
            ];
            if let (Some(a_key), Some(b_key)) = (a.key, b.key) {
                for pointer in
                    claim.lines.iter().flat_map(|l| l.pointers.iter()).flat_map(|p| &p.items)
                {
                    let swapped = match pointer.key {
                        Some(key) if key == a_key => b_key,
                        Some(key) if key == b_key => a_key,
                        _ => continue,
                    };
                    edits.push(TextEdit {
                        span: pointer.field.span,
                        new_text: self.naming.label(Some(swapped), ""),
                    });
                }
            }
            let fix = Fix {
                label: format!("List {} first (swap it with {})", dotted(&b_norm), dotted(&a_norm)),
                edits,
            };
            let related = vec![Related {
                span: b.code_span,
                message: format!("the code to list first, {} {}", words.dx, self.label(b)),
            }];
            self.push_full(
                "code-first",
                Severity::Warning,
                a.code_span,
                message,
                vec![fix],
                related,
            );
        }
    }

    /// The verdict on a dx code that must be valid on each of `dates` (sorted, at least one):
    /// the first problem found, named with the dates it stands for, and the date the other
    /// checks judge the code on (the first date it is valid on).
    fn dx_verdict(&mut self, code: &'t str, dates: &[Date]) -> (Verdict, Date) {
        let first = dates.first().copied().unwrap_or(self.today);
        // The everyday case, one date: no lists to make.
        if dates.len() <= 1 {
            return (self.codes.cm_verdict(code, first), first);
        }
        let verdicts: Vec<(Date, Verdict)> =
            dates.iter().map(|&date| (date, self.codes.cm_verdict(code, date))).collect();
        let Some(bad) = verdicts.iter().position(|(_, verdict)| verdict.problem.is_some()) else {
            return (verdicts.into_iter().next().map_or_else(Verdict::default, |v| v.1), first);
        };
        let (bad_date, mut verdict) = verdicts[bad].clone();
        let good: Vec<Date> =
            verdicts.iter().filter(|(_, v)| v.problem.is_none()).map(|(date, _)| *date).collect();
        if dates.len() > 1
            && let Some(problem) = &verdict.problem
        {
            let bad: Vec<String> = verdicts
                .iter()
                .filter(|(_, v)| v.problem.is_some())
                .map(|(date, _)| date.to_string())
                .collect();
            let mut message = problem.message.clone();
            let all: Vec<String> = dates.iter().map(Date::to_string).collect();
            message.push_str(&format!(
                " (the lines that point to it are dated {}: it is not valid on {}",
                codes::or_list(&all).replace(" or ", " and "),
                codes::or_list(&bad)
            ));
            if !good.is_empty() {
                let good: Vec<String> = good.iter().map(Date::to_string).collect();
                message.push_str(&format!(", only on {}", codes::or_list(&good)));
            }
            message.push(')');
            verdict.problem = Some(std::rc::Rc::new(Problem {
                rule: problem.rule,
                severity: problem.severity,
                message,
                fixes: problem.fixes.clone(),
            }));
        }
        // The other checks judge the code where it is valid, if it is valid anywhere.
        (verdict, good.first().copied().unwrap_or(bad_date))
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
        let flags = self.codes.cm_flags(dx.code, date);
        let first = || format!("{} {}", self.naming.words().dx, self.naming.label(Some(0), ""));
        if principal {
            let first_char = self.codes.cm_norm(dx.code).as_bytes().first().copied();
            if flags & flag::MANIFESTATION != 0 {
                let message = format!(
                    "{} is a manifestation code and may not be listed first: list the underlying \
                     disease (the etiology) as {} and this code after it",
                    self.codes.cm_display(dx.code),
                    first()
                );
                self.push("manifestation-first", Severity::Error, dx.code_span, message);
            } else if matches!(first_char, Some(b'V'..=b'Y')) {
                let message = format!(
                    "{} is an external-cause code (V00–Y99) and may not be listed first: list the \
                     injury or condition treated as {} and the external cause after it",
                    self.codes.cm_display(dx.code),
                    first()
                );
                self.push("external-cause-first", Severity::Error, dx.code_span, message);
            } else if inpatient && flags & flag::UNACCEPTABLE != 0 {
                let message = format!(
                    "{} is not acceptable as the principal diagnosis of an inpatient claim \
                     (Medicare Code Editor): list the condition that occasioned the admission as \
                     {}",
                    self.codes.cm_display(dx.code),
                    first()
                );
                self.push("unacceptable-principal", Severity::Warning, dx.code_span, message);
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
                        "{} is {} {name} code ({range}), but the patient is {age} on {date}: check \
                         the date of birth and the code",
                        self.codes.cm_display(dx.code),
                        if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" },
                    );
                    self.push("age-conflict", Severity::Warning, dx.code_span, message);
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
                 check the patient's {} and the code",
                self.codes.cm_display(dx.code),
                self.naming.words().sex,
            );
            self.push("sex-conflict", Severity::Warning, dx.code_span, message);
        }
    }

    // ----- lines -----

    fn duplicate_lines(&mut self, claim: &Claim) {
        self.line_keys.clear();
        let mut keys = std::mem::take(&mut self.line_keys);
        for (index, line) in claim.lines.iter().enumerate() {
            if line.kind != LineKind::Service || line.unreadable || line.code.span.is_empty() {
                continue;
            }
            let hash = self.line_key_hash(line);
            let same = keys.entry(hash).or_default();
            let first =
                same.iter().copied().find(|&other| self.same_line(line, &claim.lines[other]));
            match first {
                Some(first) => {
                    let from = line.from.as_ref().map_or("", |from| self.raw(from));
                    let message = format!(
                        "this line repeats an earlier one ({} on {from}): delete it, bill the \
                         service once with more units, or add the modifier that explains the \
                         repeat (e.g. 76, 59 or 91)",
                        self.raw(&line.code),
                    );
                    let related = vec![Related {
                        span: claim.lines[first].span,
                        message: "the same line first here".into(),
                    }];
                    self.push_full(
                        "duplicate-line",
                        Severity::Warning,
                        line.span,
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

    /// A hash of what makes two lines the same: a fast one, as every service line is hashed
    /// (equal hashes are compared in full by [`Checker::same_line`]).
    fn line_key_hash(&self, line: &Line) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        line.from.as_ref().map(|f| self.raw(f)).hash(&mut hasher);
        line.to.as_ref().map(|t| self.raw(t)).hash(&mut hasher);
        for byte in self.raw(&line.code).bytes() {
            byte.to_ascii_uppercase().hash(&mut hasher);
        }
        // Modifiers in any order: combine their hashes commutatively.
        let mut modifiers = 0u64;
        for modifier in &line.modifiers {
            let mut one = rustc_hash::FxHasher::default();
            for byte in self.raw(modifier).bytes() {
                byte.to_ascii_uppercase().hash(&mut one);
            }
            modifiers = modifiers.wrapping_add(one.finish());
        }
        modifiers.hash(&mut hasher);
        hasher.finish()
    }

    fn same_line(&self, line: &Line, other: &Line) -> bool {
        let modifiers = |line: &Line| {
            let mut all: Vec<String> =
                line.modifiers.iter().map(|m| self.raw(m).to_ascii_uppercase()).collect();
            all.sort();
            all
        };
        let text = |field: &Option<Field>| field.as_ref().map(|f| self.raw(f));
        text(&line.from) == text(&other.from)
            && text(&line.to) == text(&other.to)
            && self.raw(&line.code).eq_ignore_ascii_case(self.raw(&other.code))
            && modifiers(line) == modifiers(other)
    }

    // ----- required parts -----

    fn missing_fields(&mut self, claim: &Claim, facts: &Facts<'t>) {
        // A part whose line could not be read is not in the claim: do not call it missing.
        let tried = |part: Part| claim.unreadable.contains(&part);
        let has = |role: ProviderRole| claim.providers.iter().any(|p| p.role == role);
        let is_order = claim.kind == ClaimKind::Order;
        let what = if is_order { "order" } else { "claim" };
        // Quoted in each message: a runaway id is not copied whole into every one.
        let id = claimls_model::quotable(claim.id.as_ref().map_or("", |id| self.raw(id)));
        let mut missing: Vec<Part> = Vec::new();
        if claim.patients.is_empty() && !tried(Part::Patient) {
            missing.push(Part::Patient);
        }
        if is_order {
            if !has(ProviderRole::Ordering) && !tried(Part::Ordering) {
                missing.push(Part::Ordering);
            }
            if claim.order_dates.is_empty() && !tried(Part::OrderDate) {
                missing.push(Part::OrderDate);
            }
            if facts.dxs.is_empty() && !tried(Part::Diagnosis) {
                missing.push(Part::Diagnosis);
            }
            if facts.tests == 0 && !tried(Part::Test) {
                missing.push(Part::Test);
            }
        } else {
            if !has(ProviderRole::Billing) && !tried(Part::Billing) {
                missing.push(Part::Billing);
            }
            if facts.dxs.is_empty() && !tried(Part::Diagnosis) {
                missing.push(Part::Diagnosis);
            }
            if claim.kind == ClaimKind::Inpatient {
                if facts.lines == 0
                    && claim.procedures.is_empty()
                    && !tried(Part::Line)
                    && !tried(Part::Procedure)
                {
                    missing.push(Part::LinesOrProcedures);
                }
            } else if facts.lines == 0 && !tried(Part::Line) {
                missing.push(Part::Line);
            }
        }
        for part in missing {
            let (field, how) = self.naming.missing(part);
            let name = if id.is_empty() { what.to_string() } else { format!("{what} {id}") };
            let message = format!("{name} has no {field}: {how}");
            self.push("missing-field", Severity::Error, claim.header, message);
        }
    }
}

/// The word for a dx's label alone: "letter" of "dx letter".
fn label_word(dx_label: &str) -> &str {
    dx_label.rsplit(' ').next().unwrap_or(dx_label)
}

/// An undotted ICD-10-CM code with its dot, for messages.
fn dotted(norm: &str) -> String {
    claimls_codes::dotted_icd10cm(norm)
}

/// A line's pointers written with the syntax's word for them, for a message or a fix's label:
/// "`ptr A,B`", "SV107 `1:2`".
fn quote_pointers(word: &str, value: &str) -> String {
    match word.strip_prefix('`').and_then(|word| word.strip_suffix('`')) {
        Some(keyword) => format!("`{keyword} {value}`"),
        None => format!("{word} `{value}`"),
    }
}
