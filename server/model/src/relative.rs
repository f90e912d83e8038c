//! Hashing a claim with its spans written relative to an offset ([`Claim::hash_relative`]):
//! a claim moved by an edit hashes as it did where it was, without a copy moved back.

use std::hash::{Hash, Hasher};

use crate::{
    Claim, Diagnosis, Field, Line, Patient, Payer, Pointer, Pointers, Procedure, Provider, Span,
    Stay,
};

impl Claim {
    /// Feeds `state` all of the claim, as its derived [`Hash`] does, but with each span's
    /// `start` and `end` written less `base` (wrapping): two claims hash the same with their
    /// own bases when one is the other moved, and with the same `base` (as a key beside the
    /// hash) only when they are the same (but for a collision).
    ///
    /// Every struct is taken apart whole (no `..`), so a field added to the model does not
    /// compile until it is hashed here too.
    pub fn hash_relative<H: Hasher>(&self, base: usize, state: &mut H) {
        self.feed(base, state);
    }
}

/// [`Hash`], each span less a base.
trait Relative {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H);
}

impl Relative for Span {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        state.write_usize(self.start.wrapping_sub(base));
        state.write_usize(self.end.wrapping_sub(base));
    }
}

impl<T: Relative> Relative for Option<T> {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        match self {
            None => state.write_u8(0),
            Some(value) => {
                state.write_u8(1);
                value.feed(base, state);
            }
        }
    }
}

impl<T: Relative> Relative for Vec<T> {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        state.write_usize(self.len());
        for value in self {
            value.feed(base, state);
        }
    }
}

impl Relative for Field {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Field { span, decoded } = self;
        span.feed(base, state);
        Hash::hash(decoded, state);
    }
}

impl Relative for Claim {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Claim {
            kind,
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
            unreadable,
        } = self;
        Hash::hash(kind, state);
        id.feed(base, state);
        level.feed(base, state);
        total.feed(base, state);
        header.feed(base, state);
        span.feed(base, state);
        patients.feed(base, state);
        payers.feed(base, state);
        providers.feed(base, state);
        places.feed(base, state);
        order_dates.feed(base, state);
        stay.feed(base, state);
        diagnoses.feed(base, state);
        procedures.feed(base, state);
        lines.feed(base, state);
        Hash::hash(unreadable, state);
    }
}

impl Relative for Patient {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Patient { span, name, date_of_birth, sex, member_id } = self;
        span.feed(base, state);
        name.feed(base, state);
        date_of_birth.feed(base, state);
        sex.feed(base, state);
        member_id.feed(base, state);
    }
}

impl Relative for Payer {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Payer { span, name, id } = self;
        span.feed(base, state);
        name.feed(base, state);
        id.feed(base, state);
    }
}

impl Relative for Provider {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Provider { role, span, npi, name } = self;
        Hash::hash(role, state);
        span.feed(base, state);
        npi.feed(base, state);
        name.feed(base, state);
    }
}

impl Relative for Stay {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Stay { admission, discharge } = self;
        admission.feed(base, state);
        discharge.feed(base, state);
    }
}

impl Relative for Diagnosis {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Diagnosis { key, label, code, system } = self;
        Hash::hash(key, state);
        label.feed(base, state);
        code.feed(base, state);
        system.feed(base, state);
    }
}

impl Relative for Procedure {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Procedure { code, date } = self;
        code.feed(base, state);
        date.feed(base, state);
    }
}

impl Relative for Line {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Line {
            kind,
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
            unreadable,
        } = self;
        Hash::hash(kind, state);
        span.feed(base, state);
        from.feed(base, state);
        to.feed(base, state);
        code.feed(base, state);
        system.feed(base, state);
        modifiers.feed(base, state);
        pointers.feed(base, state);
        units.feed(base, state);
        charge.feed(base, state);
        place.feed(base, state);
        npi.feed(base, state);
        Hash::hash(unreadable, state);
    }
}

impl Relative for Pointers {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Pointers { span, items } = self;
        span.feed(base, state);
        items.feed(base, state);
    }
}

impl Relative for Pointer {
    fn feed<H: Hasher>(&self, base: usize, state: &mut H) {
        let Pointer { field, key } = self;
        field.feed(base, state);
        Hash::hash(key, state);
    }
}

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
