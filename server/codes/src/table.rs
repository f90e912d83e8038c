//! A sorted tab-separated table kept as text: rows are found by binary search on the first column.
//!
//! The bundled code sets are embedded in the binary as text. Loading one means finding where
//! each row starts (one pass of `memchr`), nothing more; fields are split only when a row is
//! read. That keeps start-up in milliseconds while an exact lookup stays a binary search.

use std::cmp::Ordering;
use std::ops::Range;

#[derive(Debug)]
pub(crate) struct Table {
    text: &'static str,
    /// Byte offset where each data row starts (comment lines starting with `#` are skipped).
    row_starts: Vec<u32>,
    /// The first 8 bytes of each row's first column, big-endian and padded with zero bytes, so
    /// that comparing two of them as numbers compares the keys: a binary search reads this
    /// small array instead of a row somewhere in the text at every step (codes are at most 7
    /// bytes long; a longer key is compared in the text when its first 8 bytes tie).
    key_prefixes: Vec<u64>,
}

impl Table {
    pub(crate) fn new(text: &'static str) -> Table {
        let mut row_starts = Vec::with_capacity(text.len() / 40);
        let mut key_prefixes = Vec::with_capacity(text.len() / 40);
        // The one pass over the text (24 MB in all): a vectorised search for line ends.
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1);
        let mut start = 0;
        for end in ends.chain(std::iter::once(text.len())) {
            let line = &text.as_bytes()[start..end];
            if !line.starts_with(b"#") && !line.trim_ascii_end().is_empty() {
                row_starts.push(start as u32);
                let key_len = line.iter().position(|&b| is_key_end(b)).unwrap_or(line.len());
                key_prefixes.push(key_prefix(&line[..key_len]));
            }
            start = end;
        }
        Table { text, row_starts, key_prefixes }
    }

    pub(crate) fn len(&self) -> usize {
        self.row_starts.len()
    }

    /// The whole row `index`, without its line end.
    pub(crate) fn row(&self, index: usize) -> &'static str {
        let start = self.row_starts[index] as usize;
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }

    /// Field `column` (0-based) of row `index`; empty when the row is shorter. Reads only up
    /// to the field's end: a long last column (a note's text) is not scanned for an early one.
    pub(crate) fn field(&self, index: usize, column: usize) -> &'static str {
        let bytes = self.text.as_bytes();
        let field_end = |from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'\t' || b == b'\n')
                .map_or(bytes.len(), |p| from + p)
        };
        let mut start = self.row_starts[index] as usize;
        for _ in 0..column {
            let end = field_end(start);
            if bytes.get(end) != Some(&b'\t') {
                return "";
            }
            start = end + 1;
        }
        let end = field_end(start);
        let field = &self.text[start..end];
        if bytes.get(end) == Some(&b'\t') { field } else { field.trim_end_matches('\r') }
    }

    /// The first column of row `index`.
    pub(crate) fn key(&self, index: usize) -> &'static str {
        let start = self.row_starts[index] as usize;
        let rest = &self.text.as_bytes()[start..];
        let end = rest.iter().position(|&b| is_key_end(b)).unwrap_or(rest.len());
        &self.text[start..start + end]
    }

    /// Compares the first column of row `index` with `key` (whose [`key_prefix`] is `prefix`):
    /// by the prefixes, and in the text only when they tie and `key` is longer than a prefix.
    fn compare_key(&self, index: usize, key: &[u8], prefix: u64) -> Ordering {
        match self.key_prefixes[index].cmp(&prefix) {
            Ordering::Equal if key.len() >= 8 => self.compare_key_in_text(index, key),
            ordering => ordering,
        }
    }

    /// Compares the first column of row `index` with `key`, byte by byte from the row's start,
    /// without finding where the column ends first.
    fn compare_key_in_text(&self, index: usize, key: &[u8]) -> Ordering {
        let row = &self.text.as_bytes()[self.row_starts[index] as usize..];
        for (at, &wanted) in key.iter().enumerate() {
            match row.get(at) {
                // The column ended first: the row sorts before `key`.
                None => return Ordering::Less,
                Some(&b) if is_key_end(b) => return Ordering::Less,
                Some(&b) if b != wanted => return b.cmp(&wanted),
                Some(_) => {}
            }
        }
        match row.get(key.len()) {
            Some(&b) if !is_key_end(b) => Ordering::Greater,
            _ => Ordering::Equal,
        }
    }

    /// Whether the first column of row `index` starts with `prefix`.
    fn key_starts_with(&self, index: usize, prefix: &[u8]) -> bool {
        let row = &self.text.as_bytes()[self.row_starts[index] as usize..];
        row.len() >= prefix.len()
            && row[..prefix.len()] == *prefix
            && !prefix.iter().any(|&b| is_key_end(b))
    }

    /// Rows whose first column equals `key`.
    pub(crate) fn rows_with_key(&self, key: &str) -> Range<usize> {
        let (key, prefix) = (key.as_bytes(), key_prefix(key.as_bytes()));
        let start = self.first_not_below(0..self.len(), key, prefix);
        let end = self.run_end(start, |row| self.compare_key(row, key, prefix) == Ordering::Equal);
        start..end
    }

    /// Rows whose first column starts with `prefix`.
    pub(crate) fn rows_with_prefix(&self, prefix: &str) -> Range<usize> {
        let (prefix, packed) = (prefix.as_bytes(), key_prefix(prefix.as_bytes()));
        let start = self.first_not_below(0..self.len(), prefix, packed);
        let end = self.run_end(start, |row| self.key_starts_with(row, prefix));
        start..end
    }

    /// The first row whose first column equals `key`.
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        self.find_within(0..self.len(), key)
    }

    /// [`Self::find`] among the rows `within` only, which must hold every row equal to `key`
    /// (those of a prefix of `key`, say): a shorter search for many keys of one prefix.
    pub(crate) fn find_within(&self, within: Range<usize>, key: &str) -> Option<usize> {
        let (key, prefix) = (key.as_bytes(), key_prefix(key.as_bytes()));
        let end = within.end.min(self.len());
        let start = self.first_not_below(within, key, prefix);
        (start < end && self.compare_key(start, key, prefix) == Ordering::Equal).then_some(start)
    }

    /// The first row of `within` whose first column does not sort before `key` (whose
    /// [`key_prefix`] is `prefix`). A key shorter than a prefix (every code) is compared by its
    /// prefix alone ([`Self::compare_key`]), so the search runs over the array of numbers
    /// without a call per step.
    fn first_not_below(&self, within: Range<usize>, key: &[u8], prefix: u64) -> usize {
        let (mut low, mut high) = (within.start, within.end.min(self.len()));
        if low >= high {
            return low.min(high);
        }
        if key.len() < 8 {
            return low + self.key_prefixes[low..high].partition_point(|&row| row < prefix);
        }
        while low < high {
            let mid = (low + high) / 2;
            if self.compare_key(mid, key, prefix) == Ordering::Less {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// The end of the run of rows from `start` for which `inside` holds: galloping first, as
    /// runs are mostly short (the windows of one code), then a binary search in the last step.
    fn run_end(&self, start: usize, inside: impl Fn(usize) -> bool) -> usize {
        let mut step = 1;
        let mut low = start;
        while low + step < self.len() && inside(low + step) {
            low += step;
            step *= 2;
        }
        if low == start && !(start < self.len() && inside(start)) {
            return start;
        }
        let (mut low, mut high) = (low + 1, (low + step).min(self.len()));
        while low < high {
            let mid = (low + high) / 2;
            if inside(mid) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

/// The first 8 bytes of `key` as a big-endian number, padded with zero bytes: for keys without
/// zero bytes, `key_prefix(a) < key_prefix(b)` implies `a < b`, and equal prefixes mean equal
/// keys when both are shorter than 8 bytes.
pub(crate) fn key_prefix(key: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let len = key.len().min(8);
    bytes[..len].copy_from_slice(&key[..len]);
    u64::from_be_bytes(bytes)
}

/// The bytes that end a row's first column.
fn is_key_end(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_agree_with_a_scan() {
        let mut text = String::new();
        for (key, count) in [
            ("A", 3),
            ("A0", 1),
            ("A01", 5),
            ("A1", 2),
            // Keys of 8 bytes and more tie on their packed prefixes.
            ("ABCDEFG", 1),
            ("ABCDEFGH", 2),
            ("ABCDEFGHA", 3),
            ("ABCDEFGHB", 1),
            ("B", 1),
            ("B22", 9),
            ("C", 2),
        ] {
            for n in 0..count {
                text.push_str(&format!("{key}\t{n}\n"));
            }
        }
        let table = Table::new(Box::leak(text.into_boxed_str()));
        let keys: Vec<&str> = (0..table.len()).map(|row| table.key(row)).collect();
        for probe in [
            "",
            "A",
            "A0",
            "A01",
            "A010",
            "A1",
            "A2",
            "ABCDEF",
            "ABCDEFG",
            "ABCDEFGH",
            "ABCDEFGHA",
            "ABCDEFGHAB",
            "ABCDEFGHB",
            "ABCDEFGHC",
            "ABCDEFGI",
            "B",
            "B2",
            "B22",
            "C",
            "D",
            "0",
        ] {
            let equal: Vec<usize> = (0..keys.len()).filter(|&r| keys[r] == probe).collect();
            let range = table.rows_with_key(probe);
            assert_eq!(range.clone().collect::<Vec<_>>(), equal, "key {probe}");
            assert_eq!(table.find(probe), equal.first().copied(), "find {probe}");
            for kept in 0..=probe.len() {
                let within = table.rows_with_prefix(&probe[..kept]);
                let found = table.find_within(within, probe);
                assert_eq!(found, equal.first().copied(), "find {probe} within {kept}");
            }
            let prefixed: Vec<usize> =
                (0..keys.len()).filter(|&r| keys[r].starts_with(probe)).collect();
            assert_eq!(
                table.rows_with_prefix(probe).collect::<Vec<_>>(),
                prefixed,
                "prefix {probe}"
            );
        }
    }

    #[test]
    fn finds_rows_by_key_and_prefix() {
        let table = Table::new("# comment\nA00\tx\nA01\ty\nA01\tz\nB20\t\n");
        assert_eq!(table.len(), 4);
        assert_eq!(table.rows_with_key("A01"), 1..3);
        assert_eq!(table.find("B20"), Some(3));
        assert_eq!(table.find("B2"), None);
        assert_eq!(table.rows_with_key("A00"), 0..1);
        assert_eq!(table.rows_with_key("A"), 0..0);
        assert_eq!(table.rows_with_key("C"), 4..4);
        assert_eq!(table.rows_with_prefix(""), 0..4);
        assert_eq!(table.rows_with_prefix("B"), 3..4);
        assert_eq!(table.rows_with_prefix("A"), 0..3);
        assert_eq!(table.field(2, 1), "z");
        assert_eq!(table.field(3, 1), "");
        assert_eq!(table.field(3, 5), "");
        assert_eq!(table.field(0, 0), "A00");
        let crlf = Table::new("A\tb\tc\r\nD\r\n");
        assert_eq!((crlf.field(0, 1), crlf.field(0, 2), crlf.field(0, 3)), ("b", "c", ""));
        assert_eq!((crlf.key(1), crlf.field(1, 0), crlf.field(1, 1)), ("D", "D", ""));
    }
}
