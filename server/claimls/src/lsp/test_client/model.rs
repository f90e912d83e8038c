//! A plain string edited the way LSP says, written independently of the server's rope code so
//! that tests can compare the two. Line breaks are `\n`, `\r\n` and `\r`; positions count
//! UTF-8 bytes or UTF-16 code units; a character past a line's end means the line's end, a
//! line past the document means the document's end, and a position inside a character means
//! that character's start.

/// How a position's `character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    Utf8,
    Utf16,
}

impl Units {
    /// The name the client offers in `general.positionEncodings`.
    pub fn name(self) -> &'static str {
        match self {
            Units::Utf8 => "utf-8",
            Units::Utf16 => "utf-16",
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Units::Utf8 => c.len_utf8(),
            Units::Utf16 => c.len_utf16(),
        }
    }
}

/// Each line as (start, end of its content) in bytes: the break is not part of the content.
pub fn lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => {
                lines.push((start, at));
                at += 1;
                start = at;
            }
            b'\r' => {
                lines.push((start, at));
                at += if bytes.get(at + 1) == Some(&b'\n') { 2 } else { 1 };
                start = at;
            }
            _ => at += 1,
        }
    }
    lines.push((start, bytes.len()));
    lines
}

/// The byte offset of `(line, character)`, clamped as the module says.
pub fn offset(text: &str, units: Units, line: u32, character: u32) -> usize {
    let lines = lines(text);
    let Some(&(start, end)) = lines.get(line as usize) else {
        return text.len();
    };
    let character = character as usize;
    let mut count = 0;
    for (at, c) in text[start..end].char_indices() {
        if character < count + units.width(c) {
            return start + at;
        }
        count += units.width(c);
    }
    end
}

/// The position of byte `offset` (a character boundary, not inside a line break).
pub fn position(text: &str, units: Units, offset: usize) -> (u32, u32) {
    let lines = lines(text);
    let line = lines.iter().rposition(|&(start, _)| start <= offset).unwrap_or(0);
    let (start, end) = lines[line];
    let character: usize = text[start..offset.min(end)].chars().map(|c| units.width(c)).sum();
    (line as u32, character as u32)
}

/// Replaces `range` (its ends put in order) with `new`, or the whole text when `range` is
/// `None`.
pub fn apply(text: &mut String, units: Units, range: Option<[(u32, u32); 2]>, new: &str) {
    match range {
        None => *text = new.to_string(),
        Some([(sl, sc), (el, ec)]) => {
            let a = offset(text, units, sl, sc);
            let b = offset(text, units, el, ec);
            text.replace_range(a.min(b)..a.max(b), new);
        }
    }
}
