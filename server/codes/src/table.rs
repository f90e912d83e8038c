//! A sorted tab-separated table kept as text: rows are found by binary search on the first column.
//!
//! The bundled code sets are embedded in the binary as text. Loading one means finding where
//! each row starts (one pass of `memchr`), nothing more; fields are split only when a row is
//! read. That keeps start-up in milliseconds while an exact lookup stays a binary search.

use std::ops::Range;

#[derive(Debug)]
pub(crate) struct Table {
    text: &'static str,
    /// Byte offset where each data row starts (comment lines starting with `#` are skipped).
    row_starts: Vec<u32>,
}

impl Table {
    pub(crate) fn new(text: &'static str) -> Table {
        let mut row_starts = Vec::with_capacity(text.len() / 40);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if !line.starts_with('#') && !line.trim_end().is_empty() {
                row_starts.push(offset as u32);
            }
            offset += line.len();
        }
        Table { text, row_starts }
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

    /// Field `column` (0-based) of row `index`; empty when the row is shorter.
    pub(crate) fn field(&self, index: usize, column: usize) -> &'static str {
        self.row(index).split('\t').nth(column).unwrap_or("")
    }

    /// The first column of row `index`.
    pub(crate) fn key(&self, index: usize) -> &'static str {
        let start = self.row_starts[index] as usize;
        let rest = &self.text[start..];
        let end = rest.find(['\t', '\n', '\r']).unwrap_or(rest.len());
        &rest[..end]
    }

    /// Rows whose first column equals `key`.
    pub(crate) fn rows_with_key(&self, key: &str) -> Range<usize> {
        let start = self.partition(|k| k < key);
        let end = start + self.partition_from(start, |k| k == key);
        start..end
    }

    /// Rows whose first column starts with `prefix`.
    pub(crate) fn rows_with_prefix(&self, prefix: &str) -> Range<usize> {
        let start = self.partition(|k| k < prefix);
        let end = start + self.partition_from(start, |k| k.starts_with(prefix));
        start..end
    }

    /// The first row whose first column equals `key`.
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        let range = self.rows_with_key(key);
        (!range.is_empty()).then_some(range.start)
    }

    /// Number of rows from the start for which `before` holds (rows are sorted by key).
    fn partition(&self, before: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = (low + high) / 2;
            if before(self.key(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// Number of rows from `start` on for which `inside` holds (a contiguous run).
    fn partition_from(&self, start: usize, inside: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (start, self.len());
        while low < high {
            let mid = (low + high) / 2;
            if inside(self.key(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rows_by_key_and_prefix() {
        let table = Table::new("# comment\nA00\tx\nA01\ty\nA01\tz\nB20\t\n");
        assert_eq!(table.len(), 4);
        assert_eq!(table.rows_with_key("A01"), 1..3);
        assert_eq!(table.find("B20"), Some(3));
        assert_eq!(table.find("B2"), None);
        assert_eq!(table.rows_with_prefix("A"), 0..3);
        assert_eq!(table.field(2, 1), "z");
        assert_eq!(table.field(3, 1), "");
        assert_eq!(table.field(3, 5), "");
    }
}
