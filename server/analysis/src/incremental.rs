//! Checking an edited document again, claim by claim: what an editor needs after a keystroke.
//!
//! A claim's rules find the same diagnostics as long as the claim's model is the same (every
//! field the rules read, with the text under it; for an 837 also what it inherits from its HL
//! parents, billing provider and subscriber, which the lowering copies into the claim) and the
//! naming, code sets, configuration and today's date are. So [`check`] keeps, for the version
//! it checked ([`Checked`]), each claim's fingerprint and diagnostics: the fingerprint is a
//! hash of its model with every span relative to the claim's start, kept with that start, so
//! a claim an edit only moved has the fingerprint it had. For the next version it finds what
//! changed between the two texts (one range: the common prefix and suffix), maps each new
//! claim's spans back to the old text, and reuses the old diagnostics of a claim that is the
//! same there (the same fingerprint at its start mapped back), their spans mapped forward:
//! when every span moved by the same amount (all before the edit, or all after it) the
//! claim's own fingerprint says it; when some moved and some did not (an edit between a
//! claim's inherited HL parents and the claim), a copy moved back is hashed. A claim
//! with a span that touches the changed range is checked again, and so is one whose
//! diagnostics would not map cleanly. The file-wide checks (the syntax's problems, which the
//! parse and walk found afresh, and `duplicate-id`) run again in full: they cost little.
//!
//! The result is exactly [`crate::check_text`]'s, in its order: the same pieces, each with its
//! file-wide diagnostics first, sorted the same way (`tests/incremental.rs` edits documents at
//! random and compares).

use std::borrow::Cow;
use std::hash::Hasher;
use std::sync::Arc;

use claimls_codes::{CodeSets, Date};
use claimls_model::{Claim, Diagnostic, Edit, Naming};

use crate::rules::ClaimRules;
use crate::{Config, Language};

/// What [`check`] found in one version, kept to check the next one.
pub struct Checked {
    text: Arc<str>,
    /// The configuration generation (the caller's), the naming and the date it was checked with.
    key: u64,
    naming: &'static dyn Naming,
    today: Date,
    /// Each claim's key (its fingerprint and start, [`key_of`]) and the range of its diagnostics
    /// in `diagnostics`, in order.
    claims: Vec<(Key, std::ops::Range<usize>)>,
    /// The claims' own diagnostics (default severities), claim after claim.
    diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it holds patient data.
        f.debug_struct("Checked").field("claims", &self.claims.len()).finish()
    }
}

/// How many claims were checked again and how many reused, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reuse {
    pub checked: usize,
    pub reused: usize,
}

/// Every diagnostic of `text` (what [`crate::check_text`] returns), reusing what `previous`
/// found for the claims the edit left alone. `problems` are the syntax's problems and `claims`
/// the claims, in order, of `text` lowered; `key` names the configuration `config` and `sets`
/// belong to (a different key checks everything).
#[allow(clippy::too_many_arguments)]
pub fn check<'c>(
    text: &Arc<str>,
    language: Language,
    problems: &[Diagnostic],
    claims: impl Iterator<Item = Cow<'c, Claim>>,
    sets: &CodeSets,
    config: &Config,
    key: u64,
    previous: Option<&Checked>,
) -> (Vec<Diagnostic>, Checked, Reuse) {
    let naming = language.naming(text);
    let today = config.today();
    let previous = previous
        .filter(|p| p.key == key && p.today == today && std::ptr::addr_eq(p.naming, naming));
    let edit = previous.map(|p| Edit::between(&p.text, text));
    let by_key: rustc_hash::FxHashMap<Key, usize> = previous
        .map(|p| p.claims.iter().enumerate().map(|(i, (key, _))| (*key, i)).collect())
        .unwrap_or_default();
    let mut rules = ClaimRules::new(text, naming, sets, config);
    let mut reuse = Reuse::default();
    // As many claims and diagnostics as the version before, most likely: room for them at once.
    let (claims_like, diagnostics_like) = match previous {
        Some(p) => (p.claims.len() + 16, p.diagnostics.len() + 64),
        None => (claims.size_hint().0, 0),
    };
    let mut kept = Checked {
        text: text.clone(),
        key,
        naming,
        today,
        claims: Vec::with_capacity(claims_like),
        diagnostics: Vec::with_capacity(diagnostics_like),
    };
    // What the file-wide checks read of each claim (its kind and id), and where it starts.
    let mut outlines = Vec::with_capacity(claims_like);
    for claim in claims {
        let here = key_of(&claim);
        let old = match (previous, edit) {
            (Some(previous), Some(Some(edit))) => reused(previous, &by_key, &claim, here, edit),
            // The same text: the same claims.
            (Some(previous), Some(None)) => by_key
                .get(&here)
                .map(|&i| previous.diagnostics[previous.claims[i].1.clone()].to_vec()),
            _ => None,
        };
        let found = match old {
            Some(found) => {
                reuse.reused += 1;
                found
            }
            None => {
                reuse.checked += 1;
                rules.claim(&claim)
            }
        };
        let start = kept.diagnostics.len();
        kept.diagnostics.extend(found);
        kept.claims.push((here, start..kept.diagnostics.len()));
        outlines.push(Claim {
            kind: claim.kind,
            id: claim.id.clone(),
            header: claim.header,
            span: claim.span,
            ..Claim::default()
        });
    }
    kept.claims.shrink_to_fit();
    kept.diagnostics.shrink_to_fit();
    let all = in_pieces(language, problems, &outlines, &kept, &mut rules, config);
    (all, kept, reuse)
}

/// The diagnostics in [`crate::check_text`]'s order: the same pieces of claims, each with the
/// problems before the next piece and `duplicate-id` first, then its claims', sorted per piece.
fn in_pieces(
    language: Language,
    problems: &[Diagnostic],
    outlines: &[Claim],
    kept: &Checked,
    rules: &mut ClaimRules<'_, '_>,
    config: &Config,
) -> Vec<Diagnostic> {
    // Where `check_text` cuts the pieces: at a claim's header in an 837 (its `CLM`), else at
    // the start of the claim or block.
    let start = |&i: &usize| match language {
        Language::X12 => outlines[i].header.start,
        Language::Claim | Language::Hl7 => outlines[i].span.start,
    };
    let mut all = Vec::with_capacity(kept.diagnostics.len() + problems.len());
    let indices = (0..outlines.len()).collect();
    crate::language::pieces(
        indices,
        problems.to_vec(),
        crate::PIECE_BLOCKS,
        start,
        |claims, problems| {
            let range = match (claims.first(), claims.last()) {
                (Some(&first), Some(&last)) => first..last + 1,
                _ => 0..0,
            };
            let mut piece = rules.file_wide(&problems, &outlines[range]);
            piece.reserve(claims.iter().map(|&i| kept.claims[i].1.len()).sum());
            for i in claims {
                piece.extend(kept.diagnostics[kept.claims[i].1.clone()].iter().cloned());
            }
            all.extend(crate::with_severities(piece, config));
        },
    );
    all
}

/// The old diagnostics of `claim` when an equal claim was checked in `previous` (its spans,
/// mapped back through `edit`, and everything else the same), mapped forward; `None` when
/// `claim` must be checked again. `here` is the claim's [`key_of`].
fn reused(
    previous: &Checked,
    by_key: &rustc_hash::FxHashMap<Key, usize>,
    claim: &Claim,
    here: Key,
    edit: Edit,
) -> Option<Vec<Diagnostic>> {
    // How far the claim moved (new start less old start, wrapping), and whether every other
    // span moved as far: not when some lie before the edit and some after it.
    let by = claim.span.start.wrapping_sub(edit.new_to_old(claim.span)?.start);
    let (mut clean, mut all_moved_by) = (true, true);
    claim.spans(&mut |span| match edit.new_to_old(span) {
        Some(mapped) => all_moved_by &= span.start.wrapping_sub(mapped.start) == by,
        None => clean = false,
    });
    if !clean {
        return None;
    }
    let there = if all_moved_by {
        // Moved back, the claim hashes relative to its old start as it does here relative to
        // its new one.
        (here.0, here.1.wrapping_sub(by))
    } else {
        // Hashed where it was (a copy moved back).
        let mut old = claim.clone();
        old.spans_mut(&mut |span| *span = edit.new_to_old(*span).unwrap_or(*span));
        key_of(&old)
    };
    let &i = by_key.get(&there)?;
    previous.diagnostics[previous.claims[i].1.clone()]
        .iter()
        .map(|d| d.mapped(|span| edit.old_to_new(span)))
        .collect()
}

/// What tells a claim of one version from the others and finds it in the next: a hash of
/// everything the rules read of it (the text under its spans aside), its spans relative to its
/// start, and that start. Two claims with one key are the same (but for a hash collision).
type Key = (u64, usize);

fn key_of(claim: &Claim) -> Key {
    // 64 bits of FxHash: fast, and the claims it tells apart are not crafted to collide (a
    // document's author could only fool their own editor).
    let mut hasher = rustc_hash::FxHasher::default();
    let base = claim.span.start;
    claim.hash_relative(base, &mut hasher);
    (hasher.finish(), base)
}
