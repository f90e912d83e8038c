//! Spark's rows built as Arrow columns in Rust and handed to pyarrow as their buffers, so a
//! row never becomes Python objects: `claimls.spark` wraps each buffer (a `bytes`) with
//! `pyarrow.Array.from_buffers`, which copies nothing. The layouts are Arrow's columnar
//! format: a validity bitmap (bit `i`, least significant first, set when row `i` has a value),
//! then for `utf8` the 32-bit offsets of each value's end and the bytes, for `int32` the
//! values, for a list the 32-bit offsets into its one child column.
//!
//! A column goes to Python as `(length, [buffer, ...], [child column, ...])` and a batch as
//! the list of its columns in the schema's order. Rows are cut into batches of at most
//! [`BATCH_BYTES`] of text, so every offset fits Arrow's 32 bits whatever the file's size.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

/// The text a batch holds before the next row starts a new one: far below the 2 GiB that
/// 32-bit offsets reach (a row adds a message and a path: a few kB at most).
pub const BATCH_BYTES: usize = 64 << 20;

/// A validity bitmap.
#[derive(Default)]
struct Validity {
    bits: Vec<u8>,
    len: usize,
}

impl Validity {
    fn push(&mut self, valid: bool) {
        if self.len.is_multiple_of(8) {
            self.bits.push(0);
        }
        if valid {
            self.bits[self.len / 8] |= 1 << (self.len % 8);
        }
        self.len += 1;
    }
}

/// An offset into a batch's bytes or items; batches are cut at [`BATCH_BYTES`], so it fits.
fn offset(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

fn column<'py>(
    py: Python<'py>,
    len: usize,
    buffers: &[&[u8]],
    children: Vec<Bound<'py, PyTuple>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let buffers: Vec<Bound<'py, PyBytes>> = buffers.iter().map(|b| PyBytes::new(py, b)).collect();
    (len, buffers, children).into_pyobject(py)
}

/// The little-endian bytes of 32-bit values (Arrow's byte order on every platform Spark runs).
fn le_bytes(values: &[i32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A `utf8` column.
pub struct Strings {
    validity: Validity,
    /// Where each value ends, after the 0 where the first one starts.
    offsets: Vec<i32>,
    data: Vec<u8>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings { validity: Validity::default(), offsets: vec![0], data: Vec::new() }
    }
}

impl Strings {
    pub fn push(&mut self, value: Option<&str>) {
        self.data.extend_from_slice(value.unwrap_or_default().as_bytes());
        self.offsets.push(offset(self.data.len()));
        self.validity.push(value.is_some());
    }

    /// The bytes of text it holds.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    pub fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
        let offsets = le_bytes(&self.offsets);
        column(py, self.validity.len, &[&self.validity.bits, &offsets, &self.data], Vec::new())
    }
}

/// An `int32` column. A value past `i32::MAX` is null (Spark's IntegerType cannot hold it;
/// no file `binaryFile` reads, under 2 GiB, has such a line or column).
#[derive(Default)]
pub struct Ints {
    validity: Validity,
    values: Vec<i32>,
}

impl Ints {
    pub fn push(&mut self, value: Option<usize>) {
        let value = value.and_then(|v| i32::try_from(v).ok());
        self.values.push(value.unwrap_or(0));
        self.validity.push(value.is_some());
    }

    pub fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
        let values = le_bytes(&self.values);
        column(py, self.validity.len, &[&self.validity.bits, &values], Vec::new())
    }
}

/// A `list<utf8>` column (no null lists).
pub struct StringLists {
    validity: Validity,
    /// Where each list ends in `items`, after the 0 where the first one starts.
    offsets: Vec<i32>,
    items: Strings,
}

impl Default for StringLists {
    fn default() -> Self {
        StringLists { validity: Validity::default(), offsets: vec![0], items: Strings::default() }
    }
}

impl StringLists {
    pub fn push<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        for value in values {
            self.items.push(Some(value));
        }
        self.offsets.push(offset(self.items.validity.len));
        self.validity.push(true);
    }

    pub fn bytes(&self) -> usize {
        self.items.bytes()
    }

    pub fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
        let offsets = le_bytes(&self.offsets);
        let items = self.items.into_python(py)?;
        column(py, self.validity.len, &[&self.validity.bits, &offsets], vec![items])
    }
}

/// The columns of one kind of row.
pub trait Columns: Default {
    /// The bytes of text it holds.
    fn bytes(&self) -> usize;
    /// Its columns, in the schema's order.
    fn into_python(self, py: Python<'_>) -> PyResult<Vec<Bound<'_, PyTuple>>>;
}

/// The batches of one file's rows: [`Batches::row`] gives the columns the next row goes into,
/// a new batch's once the current one holds `limit` bytes of text.
pub struct Batches<'py, C> {
    py: Python<'py>,
    limit: usize,
    done: Vec<Vec<Bound<'py, PyTuple>>>,
    current: C,
}

impl<'py, C: Columns> Batches<'py, C> {
    pub fn new(py: Python<'py>, limit: usize) -> Self {
        Batches { py, limit, done: Vec::new(), current: C::default() }
    }

    pub fn row(&mut self) -> PyResult<&mut C> {
        if self.current.bytes() >= self.limit {
            let full = std::mem::take(&mut self.current);
            self.done.push(full.into_python(self.py)?);
        }
        Ok(&mut self.current)
    }

    /// Every batch; the last may have no rows (a file without any still gives one batch).
    pub fn finish(mut self) -> PyResult<Vec<Vec<Bound<'py, PyTuple>>>> {
        self.done.push(self.current.into_python(self.py)?);
        Ok(self.done)
    }
}
