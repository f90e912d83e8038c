//! Code files the user supplies at run time, preferred over the bundled data: a CMS ICD-10-CM
//! or ICD-10-PCS *order file* (fixed width), or a `code<TAB>title` file (a licensed CPT file,
//! payer codes, a newer HCPCS list).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{CodeSystem, is_icd10cm_shape, is_icd10pcs_shape, normalize_code, service_shape};

/// A user file that could not be used, with the line at fault when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    /// 1-based; `None` when the file as a whole could not be read.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for LoadError {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserCode {
    pub(crate) system: CodeSystem,
    /// Undotted, upper case.
    pub(crate) code: String,
    pub(crate) title: String,
    /// From an order file's header/billable flag; `None` for a `code<TAB>title` file.
    pub(crate) billable: Option<bool>,
}

/// Every code from the user's files, sorted by (system, code); a later file wins a tie.
#[derive(Debug, Default)]
pub(crate) struct UserCodes {
    codes: Vec<UserCode>,
    pub(crate) files: Vec<(PathBuf, usize)>,
}

impl UserCodes {
    pub(crate) fn load<P: AsRef<Path>>(paths: &[P]) -> (UserCodes, Vec<LoadError>) {
        let mut user = UserCodes::default();
        let mut errors = Vec::new();
        for path in paths {
            let path = path.as_ref();
            match read_file(path) {
                Ok(codes) => {
                    user.files.push((path.to_path_buf(), codes.len()));
                    user.codes.extend(codes);
                }
                Err(error) => errors.push(error),
            }
        }
        // Stable sort, then keep the last of equal codes: the file named later wins.
        user.codes.sort_by(|a, b| (a.system, &a.code).cmp(&(b.system, &b.code)));
        user.codes.reverse();
        user.codes.dedup_by(|later, earlier| {
            later.system == earlier.system && later.code == earlier.code
        });
        user.codes.reverse();
        (user, errors)
    }

    pub(crate) fn find(&self, system: CodeSystem, code: &str) -> Option<&UserCode> {
        let index = self
            .codes
            .binary_search_by(|c| (c.system, c.code.as_str()).cmp(&(system, code)))
            .ok()?;
        Some(&self.codes[index])
    }

    pub(crate) fn has(&self, system: CodeSystem) -> bool {
        self.codes.iter().any(|c| c.system == system)
    }

    pub(crate) fn all(&self) -> &[UserCode] {
        &self.codes
    }
}

fn read_file(path: &Path) -> Result<Vec<UserCode>, LoadError> {
    let error = |line: Option<usize>, message: String| LoadError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let bytes =
        std::fs::read(path).map_err(|e| error(None, format!("cannot read the code file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        error(Some(line), "the code file is not UTF-8 text".to_string())
    })?;
    let first = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let Some(first) = first else {
        return Err(error(None, "the code file holds no codes".to_string()));
    };
    if first.contains('\t') {
        read_tab_file(&text).map_err(|(line, message)| error(Some(line), message))
    } else {
        read_order_file(&text).map_err(|(line, message)| error(Some(line), message))
    }
}

/// `code<TAB>title`, one per line; `#` lines and blank lines are skipped. The system of each
/// code is told by its shape.
fn read_tab_file(text: &str) -> Result<Vec<UserCode>, (usize, String)> {
    let mut codes = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((code, title)) = line.split_once('\t') else {
            return Err((line_number, "expected a code, a tab, then its title".to_string()));
        };
        let raw = code.trim();
        let code = normalize_code(raw);
        let system = match service_shape(&code) {
            Some(shape) if shape.is_cpt() => CodeSystem::Cpt,
            Some(_) => CodeSystem::Hcpcs,
            None if is_icd10cm_shape(raw) => CodeSystem::Icd10Cm,
            None => {
                return Err((
                    line_number,
                    format!("`{raw}` is not written like a CPT, HCPCS or ICD-10-CM code"),
                ));
            }
        };
        codes.push(UserCode { system, code, title: title.trim().to_string(), billable: None });
    }
    Ok(codes)
}

/// The CMS order file: columns 1–5 order number, 7–13 code, 15 header (0) or billable (1),
/// 17–76 short title, 78 on long title. A file whose codes start with a digit is ICD-10-PCS.
fn read_order_file(text: &str) -> Result<Vec<UserCode>, (usize, String)> {
    let mut codes = Vec::new();
    let mut system = None;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        let shaped = line.is_char_boundary(16)
            && bytes.len() > 16
            && bytes[..5].iter().all(u8::is_ascii_digit)
            && bytes[5] == b' '
            && matches!(bytes[14], b'0' | b'1');
        if !shaped {
            return Err((
                line_number,
                "not a CMS order file line (order number, code, 0/1 flag, titles) nor a code<TAB>title line"
                    .to_string(),
            ));
        }
        let code = line[6..14].trim().to_string();
        let file_system =
            *system.get_or_insert(if code.starts_with(|c: char| c.is_ascii_digit()) {
                CodeSystem::Icd10Pcs
            } else {
                CodeSystem::Icd10Cm
            });
        let billable = bytes[14] == b'1';
        let shape_ok = match file_system {
            CodeSystem::Icd10Pcs => !billable || is_icd10pcs_shape(&code),
            _ => is_icd10cm_shape(&code),
        };
        if code.is_empty() || !shape_ok {
            return Err((line_number, format!("`{code}` is not a {} code", file_system.name())));
        }
        let rest = &line[16..];
        let title = if rest.len() > 61 && rest.is_char_boundary(61) { &rest[61..] } else { rest };
        codes.push(UserCode {
            system: file_system,
            code,
            title: title.trim().to_string(),
            billable: Some(billable),
        });
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("claimls-user-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_tab_files_and_order_files() {
        let cpt = write(
            "cpt.txt",
            "# my licensed file\n99213\tOffice visit, est, low\n0001U\tPLA test\n",
        );
        let order = write(
            "order.txt",
            "00001 A00     0 Cholera                                                      Cholera\n\
             00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae           Cholera due to Vibrio cholerae 01, biovar cholerae\n",
        );
        let (user, errors) = UserCodes::load(&[cpt, order]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(user.find(CodeSystem::Cpt, "99213").unwrap().title, "Office visit, est, low");
        let a000 = user.find(CodeSystem::Icd10Cm, "A000").unwrap();
        assert_eq!(a000.billable, Some(true));
        assert_eq!(a000.title, "Cholera due to Vibrio cholerae 01, biovar cholerae");
        assert_eq!(user.find(CodeSystem::Icd10Cm, "A00").unwrap().billable, Some(false));
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let bad = write("bad.txt", "99213\tOffice visit\nnot a code\tx\n");
        let (user, errors) = UserCodes::load(&[bad.clone(), PathBuf::from("/no/such/file.txt")]);
        assert!(user.all().is_empty());
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(2));
        assert!(errors[0].to_string().starts_with(&format!("{}:2: ", bad.display())));
        assert!(errors[1].to_string().contains("cannot read"));
    }
}
