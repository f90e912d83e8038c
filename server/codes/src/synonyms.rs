//! What coders type for a condition, and the words the official titles use for it: `chf` for
//! heart failure, `stroke` for cerebral infarction. The table is the project's own, written from
//! common clinical shorthand; each right-hand side is a set of words of the titles, so a query
//! that uses the shorthand finds what the spelled-out words find.

/// (what a coder types, lower case, as whole words; the title words it stands for)
const SYNONYMS: &[(&str, &str)] = &[
    ("afib", "atrial fibrillation"),
    ("a fib", "atrial fibrillation"),
    ("aki", "acute kidney failure"),
    ("ams", "altered mental status"),
    ("bph", "benign prostatic hyperplasia"),
    ("cad", "atherosclerotic heart disease"),
    ("chf", "heart failure"),
    ("ckd", "chronic kidney disease"),
    ("copd", "chronic obstructive pulmonary disease"),
    ("cva", "cerebral infarction"),
    ("dm", "diabetes mellitus"),
    ("dm1", "type 1 diabetes mellitus"),
    ("dm2", "type 2 diabetes mellitus"),
    ("t1dm", "type 1 diabetes mellitus"),
    ("t2dm", "type 2 diabetes mellitus"),
    ("esrd", "end stage renal disease"),
    ("flu", "influenza"),
    ("gerd", "gastro esophageal reflux disease"),
    ("hf", "heart failure"),
    ("hld", "hyperlipidemia"),
    ("htn", "hypertension"),
    ("ibs", "irritable bowel syndrome"),
    ("lbp", "low back pain"),
    ("mi", "myocardial infarction"),
    ("oa", "osteoarthritis"),
    ("osa", "obstructive sleep apnea"),
    ("pvd", "peripheral vascular disease"),
    ("ra", "rheumatoid arthritis"),
    ("sob", "shortness of breath"),
    ("tia", "transient cerebral ischemic attack"),
    ("uri", "upper respiratory infection"),
    ("uti", "urinary tract infection"),
    ("heart attack", "myocardial infarction"),
    ("high blood pressure", "hypertension"),
    ("high cholesterol", "hypercholesterolemia"),
    ("stroke", "cerebral infarction"),
    ("kidney stone", "calculus of kidney"),
    ("pink eye", "conjunctivitis"),
    ("sore throat", "pharyngitis"),
];

/// The query with every shorthand of [`SYNONYMS`] (whole words, the longest first) written out;
/// `None` when it has none.
pub(crate) fn expand(words: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(words.len() + 4);
    let mut changed = false;
    let mut at = 0;
    while at < words.len() {
        let longest = SYNONYMS
            .iter()
            .filter_map(|(short, long)| {
                let short: Vec<&str> = short.split(' ').collect();
                let matches = words.get(at..at + short.len()).is_some_and(|here| {
                    here.iter().zip(&short).all(|(word, wanted)| word == wanted)
                });
                matches.then_some((short.len(), *long))
            })
            .max_by_key(|(len, _)| *len);
        match longest {
            Some((len, long)) => {
                out.extend(long.split(' ').map(str::to_string));
                at += len;
                changed = true;
            }
            None => {
                out.push(words[at].clone());
                at += 1;
            }
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn shorthand_is_written_out_as_whole_words() {
        assert_eq!(expand(&words("chf")), Some(words("heart failure")));
        assert_eq!(expand(&words("acute chf")), Some(words("acute heart failure")));
        assert_eq!(expand(&words("a fib")), Some(words("atrial fibrillation")));
        assert_eq!(expand(&words("chfx")), None);
        assert_eq!(expand(&words("heart failure")), None);
    }

    #[test]
    fn every_entry_is_lower_case_words() {
        for (short, long) in SYNONYMS {
            for text in [short, long] {
                assert!(
                    text.split(' ').all(|w| !w.is_empty()
                        && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                    "{text:?}"
                );
            }
        }
    }
}
