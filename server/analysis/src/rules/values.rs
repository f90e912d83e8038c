//! Checks of single values that need no code set: NPIs, amounts, units.

/// Why an NPI is not valid, or `None` when it is.
pub(super) fn npi_problem(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
        let detail = if bytes.iter().all(u8::is_ascii_digit) {
            format!("it has {digits} digit{}", if digits == 1 { "" } else { "s" })
        } else {
            "it contains characters other than digits".to_string()
        };
        return Some(format!(
            "NPI `{text}` is not valid: an NPI is exactly 10 digits and {detail}; copy it again \
             from the provider's record or the NPPES registry"
        ));
    }
    if npi_check(text).is_some_and(|(_, matches)| !matches) {
        return Some(format!(
            "NPI {text} fails the check digit (the Luhn check over 80840 and the first nine \
             digits): a digit is probably mistyped or two are swapped; copy it again from the \
             provider's record or the NPPES registry"
        ));
    }
    None
}

/// Whether an NPI of 10 digits has the right check digit (Luhn over `80840` and the first nine
/// digits). `None` when it is not 10 ASCII digits; else the expected check digit and whether it
/// matches.
pub fn npi_check(npi: &str) -> Option<(u32, bool)> {
    let bytes = npi.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let payload: Vec<u32> =
        b"80840".iter().chain(&bytes[..9]).map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &digit)| {
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    Some((expected, u32::from(bytes[9] - b'0') == expected))
}

/// What is wrong with a charge, with a corrected amount when one is obvious.
pub(super) fn charge_problem(text: &str) -> Option<(String, Option<String>)> {
    let amount = text.strip_prefix('$').unwrap_or(text);
    if is_money(amount) {
        return None;
    }
    if let Some(positive) = amount.strip_prefix('-').or_else(|| text.strip_prefix("-$"))
        && is_money(positive)
    {
        return Some((
            format!(
                "charge `{text}` is negative: a charge is what was billed for the line, zero or \
                 more; adjustments and refunds are not sent as negative charges"
            ),
            None,
        ));
    }
    // Thousands separators or a missing leading zero have an obvious correction.
    let cleaned: String = amount.chars().filter(|c| *c != ',').collect();
    let cleaned = if cleaned.starts_with('.') { format!("0{cleaned}") } else { cleaned };
    let fix = (is_money(&cleaned) && cleaned != amount).then_some(cleaned);
    let detail = match amount.split_once('.') {
        Some((_, decimals))
            if decimals.len() > 2 && decimals.bytes().all(|b| b.is_ascii_digit()) =>
        {
            "it has more than two decimals"
        }
        _ if amount.contains(',') => "thousands separators are not allowed",
        _ => "write digits with at most two decimals, optionally after `$`",
    };
    Some((
        format!("charge `{text}` is not a money amount: {detail} (e.g. `125.00` or `$22.50`)"),
        fix,
    ))
}

/// Digits, then optionally a dot and one or two digits.
fn is_money(text: &str) -> bool {
    let (whole, decimals) = match text.split_once('.') {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (text, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && decimals
            .is_none_or(|d| (1..=2).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// What is wrong with a units value.
pub(super) fn units_problem(text: &str) -> Option<String> {
    // An integral decimal (`1.0`, `4.00`, as exports write it) is that whole number.
    let whole = match text.split_once('.') {
        Some((whole, zeros))
            if !whole.is_empty() && !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') =>
        {
            whole
        }
        _ => text,
    };
    if !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) {
        let text = whole;
        let value = text.trim_start_matches('0');
        if value.is_empty() {
            return Some(format!(
                "units `{text}` is zero: a line bills at least 1 unit; remove the line if the \
                 service was not given"
            ));
        }
        if value.len() > 4 {
            return Some(format!(
                "units `{text}` is more than 9999, the most one line can carry: check the count, \
                 or split the service over several lines or dates"
            ));
        }
        return None;
    }
    let detail = if text.contains('.') || text.contains(',') {
        "units are whole numbers; for a drug, divide the dose given by the amount in the code's \
         title and round as the payer instructs"
    } else if text.starts_with('-') {
        "units cannot be negative"
    } else {
        "write a whole number from 1 to 9999"
    };
    Some(format!("units `{text}` is not a whole number from 1 to 9999: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit() {
        assert_eq!(npi_check("1234567893"), Some((3, true)));
        assert_eq!(npi_check("1245319599"), Some((9, true)));
        assert_eq!(npi_check("1234567890"), Some((3, false)));
        assert_eq!(npi_check("123"), None);
    }

    #[test]
    fn npis() {
        for good in ["1234567893", "1245319599", "1003000126"] {
            assert_eq!(npi_problem(good), None, "{good}");
        }
        assert!(npi_problem("1234567890").unwrap().contains("check digit"));
        assert!(npi_problem("123456789").unwrap().contains("9 digits"));
        assert!(npi_problem("12345678AB").unwrap().contains("other than digits"));
    }

    #[test]
    fn charges_and_units() {
        for good in ["0", "125", "125.00", "$22.50", "0.5", "$0"] {
            assert_eq!(charge_problem(good), None, "{good}");
        }
        assert!(charge_problem("-5.00").unwrap().0.contains("negative"));
        assert_eq!(charge_problem("1,250.00").unwrap().1.as_deref(), Some("1250.00"));
        assert_eq!(charge_problem(".50").unwrap().1.as_deref(), Some("0.50"));
        assert!(charge_problem("12.345").unwrap().0.contains("two decimals"));
        assert!(charge_problem("abc").is_some() && charge_problem("12.").is_some());
        for good in ["1", "10", "9999", "01"] {
            assert_eq!(units_problem(good), None, "{good}");
        }
        for bad in ["0", "10000", "1.5", "-1", "x", ""] {
            assert!(units_problem(bad).is_some(), "{bad}");
        }
    }
}
