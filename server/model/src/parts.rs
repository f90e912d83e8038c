//! One list of each model type's parts, and what derives from it: every span of a claim
//! ([`Claim::spans`], [`Claim::spans_mut`]) and a hash of the claim with its spans written
//! relative to an offset ([`Claim::hash_relative`]), so a claim moved by an edit hashes as it
//! did where it was, without a copy moved back.
//!
//! Each type's fields are named once, in a `parts!` line below, as either a part (a span, or a
//! type with parts of its own) or `plain` (a value that holds no span: hashed, never moved).
//! The generated code takes each struct apart whole (no `..`), so a field added to the model
//! does not compile until it is named here too.

use std::hash::{Hash, Hasher};

use crate::{
    Claim, Diagnosis, Field, Line, Patient, Payer, Pointer, Pointers, Procedure, Provider, Span,
    Stay,
};

impl Claim {
    /// Calls `f` on every span of the claim.
    pub fn spans(&self, f: &mut dyn FnMut(Span)) {
        self.walk(&mut EachSpan(f));
    }

    /// [`Claim::spans`], each span to change.
    pub fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.walk_mut(f);
    }

    /// Feeds `state` all of the claim, but with each span's `start` and `end` written less
    /// `base` (wrapping): two claims hash the same with their own bases when one is the other
    /// moved, and with the same `base` (as a key beside the hash) only when they are the same
    /// (but for a collision).
    pub fn hash_relative<H: Hasher>(&self, base: usize, state: &mut H) {
        self.walk(&mut RelativeHash { base, state });
    }
}

/// What a walk over a value's parts is shown: each span, and each value that is not one.
trait Visit {
    fn span(&mut self, span: &Span);
    fn plain<T: Hash + ?Sized>(&mut self, value: &T);
}

/// A type made of spans and plain values.
trait Parts {
    /// Shows `visit` every part, in the order of the type's `parts!` line.
    fn walk(&self, visit: &mut impl Visit);
    /// Calls `f` on every span, to change it.
    fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Span));
}

/// [`Claim::spans`]: the spans to a function, the plain values left out.
struct EachSpan<'a>(&'a mut dyn FnMut(Span));

impl Visit for EachSpan<'_> {
    fn span(&mut self, span: &Span) {
        (self.0)(*span)
    }
    fn plain<T: Hash + ?Sized>(&mut self, _: &T) {}
}

/// [`Claim::hash_relative`]: everything hashed, each span less `base`.
struct RelativeHash<'a, H> {
    base: usize,
    state: &'a mut H,
}

impl<H: Hasher> Visit for RelativeHash<'_, H> {
    fn span(&mut self, span: &Span) {
        self.state.write_usize(span.start.wrapping_sub(self.base));
        self.state.write_usize(span.end.wrapping_sub(self.base));
    }
    fn plain<T: Hash + ?Sized>(&mut self, value: &T) {
        value.hash(self.state)
    }
}

impl Parts for Span {
    fn walk(&self, visit: &mut impl Visit) {
        visit.span(self)
    }
    fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self)
    }
}

impl<T: Parts> Parts for Option<T> {
    fn walk(&self, visit: &mut impl Visit) {
        // Whether it is there counts, as in a derived `Hash`.
        visit.plain(&self.is_some());
        if let Some(value) = self {
            value.walk(visit);
        }
    }
    fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(value) = self {
            value.walk_mut(f);
        }
    }
}

impl<T: Parts> Parts for Vec<T> {
    fn walk(&self, visit: &mut impl Visit) {
        visit.plain(&self.len());
        for value in self {
            value.walk(visit);
        }
    }
    fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for value in self {
            value.walk_mut(f);
        }
    }
}

/// `parts!(Type { field, other: plain, … })`: the [`Parts`] of a struct, each field a part
/// unless marked `plain`.
macro_rules! parts {
    ($type:ident { $($field:ident $(: $plain:ident)?),* $(,)? }) => {
        impl Parts for $type {
            fn walk(&self, visit: &mut impl Visit) {
                let $type { $($field),* } = self;
                $(parts!(@walk visit, $field $(, $plain)?);)*
            }
            fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
                let $type { $($field),* } = self;
                $(parts!(@walk_mut f, $field $(, $plain)?);)*
            }
        }
    };
    (@walk $visit:ident, $field:ident) => { $field.walk($visit) };
    (@walk $visit:ident, $field:ident, plain) => { $visit.plain($field) };
    (@walk_mut $f:ident, $field:ident) => { $field.walk_mut($f) };
    (@walk_mut $f:ident, $field:ident, plain) => { let _ = $field; };
}

parts!(Field { span, decoded: plain });
parts!(Claim {
    kind: plain,
    id,
    level,
    total,
    header,
    span,
    patients,
    payers,
    providers,
    places,
    order_dates,
    stay,
    diagnoses,
    procedures,
    lines,
    unreadable: plain,
});
parts!(Patient { span, name, date_of_birth, sex, member_id });
parts!(Payer { span, name, id });
parts!(Provider { role: plain, span, npi, name });
parts!(Stay { admission, discharge });
parts!(Diagnosis { key: plain, label, code, system });
parts!(Procedure { code, date });
parts!(Line {
    kind: plain,
    span,
    from,
    to,
    code,
    system,
    modifiers,
    pointers,
    units,
    charge,
    place,
    npi,
    unreadable: plain,
});
parts!(Pointers { span, items });
parts!(Pointer { field, key: plain });

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(claim: &Claim, base: usize) -> u64 {
        let mut state = std::collections::hash_map::DefaultHasher::new();
        claim.hash_relative(base, &mut state);
        state.finish()
    }

    fn claim(at: usize) -> Claim {
        Claim {
            id: Some(Field::new(Span::new(at + 4, at + 9))),
            header: Span::new(at, at + 20),
            span: Span::new(at, at + 90),
            diagnoses: vec![Diagnosis {
                key: Some(0),
                label: Field::new(Span::new(at + 24, at + 27)),
                code: Field::new(Span::new(at + 28, at + 32)),
                system: None,
            }],
            ..Claim::default()
        }
    }

    #[test]
    fn a_moved_claim_hashes_the_same_relative_to_its_start() {
        assert_eq!(hashed(&claim(100), 100), hashed(&claim(250), 250));
        assert_ne!(hashed(&claim(100), 100), hashed(&claim(250), 100));
        // A span before the base (a claim's inherited parts) is hashed too.
        let mut before = claim(100);
        before.providers.push(Provider {
            role: crate::ProviderRole::Billing,
            span: Span::new(10, 40),
            npi: None,
            name: None,
        });
        let mut moved = before.clone();
        moved.spans_mut(&mut |span| *span = Span::new(span.start + 7, span.end + 7));
        assert_eq!(hashed(&before, 100), hashed(&moved, 107));
        // Not when only the claim's own spans moved.
        let mut apart = claim(107);
        apart.providers = before.providers.clone();
        assert_ne!(hashed(&before, 100), hashed(&apart, 107));
    }

    /// A claim with every part written once, each field at a span of its own.
    fn every_part() -> (Claim, usize) {
        let next = std::cell::Cell::new(0);
        let span = || {
            next.set(next.get() + 1);
            Span::new(next.get() * 10, next.get() * 10 + 5)
        };
        let field = || Some(Field::new(span()));
        let claim = Claim {
            kind: crate::ClaimKind::Inpatient,
            id: field(),
            level: field(),
            total: field(),
            header: span(),
            span: span(),
            patients: vec![Patient {
                span: span(),
                name: field(),
                date_of_birth: field(),
                sex: field(),
                member_id: field(),
            }],
            payers: vec![Payer { span: span(), name: field(), id: field() }],
            providers: vec![Provider {
                role: crate::ProviderRole::Billing,
                span: span(),
                npi: field(),
                name: field(),
            }],
            places: vec![field().unwrap()],
            order_dates: vec![field().unwrap()],
            stay: Some(Stay { admission: field(), discharge: field() }),
            diagnoses: vec![Diagnosis {
                key: Some(0),
                label: field().unwrap(),
                code: field().unwrap(),
                system: field(),
            }],
            procedures: vec![Procedure { code: field().unwrap(), date: field() }],
            lines: vec![Line {
                kind: crate::LineKind::Service,
                span: span(),
                from: field(),
                to: field(),
                code: field().unwrap(),
                system: field(),
                modifiers: vec![field().unwrap()],
                pointers: Some(Pointers {
                    span: span(),
                    items: vec![Pointer { field: field().unwrap(), key: Some(0) }],
                }),
                units: field(),
                charge: field(),
                place: field(),
                npi: field(),
                unreadable: false,
            }],
            unreadable: vec![],
        };
        (claim, next.get())
    }

    #[test]
    fn every_span_is_seen_once_and_moved() {
        let (mut claim, written) = every_part();
        let mut seen = Vec::new();
        claim.spans(&mut |span| seen.push(span));
        let expected: Vec<Span> = (1..=written).map(|n| Span::new(n * 10, n * 10 + 5)).collect();
        seen.sort_by_key(|span| span.start);
        assert_eq!(seen, expected);
        claim.spans_mut(&mut |span| *span = Span::new(span.start + 1, span.end + 1));
        let mut moved = Vec::new();
        claim.spans(&mut |span| moved.push(span.start));
        moved.sort();
        assert_eq!(moved, (1..=written).map(|n| n * 10 + 1).collect::<Vec<_>>());
    }

    #[test]
    fn what_is_not_a_span_counts() {
        let mut other = claim(100);
        other.diagnoses[0].key = Some(1);
        assert_ne!(hashed(&claim(100), 100), hashed(&other, 100));
        let mut decoded = claim(100);
        decoded.id.as_mut().unwrap().decoded = Some("X".into());
        assert_ne!(hashed(&claim(100), 100), hashed(&decoded, 100));
    }
}
