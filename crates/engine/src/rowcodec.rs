//! dbwarden's typed row encoding, for engines without a native copy format (MySQL/MariaDB,
//! SQLite).
//!
//! A row is its values in column order; a value is one tag byte and its payload:
//! `0` NULL; `1` integer, 8 bytes little-endian; `2` float, the 8 bytes of its IEEE bits (exact,
//! NaN and signed zero included); `3` text and `4` bytes, an 8-byte little-endian length then
//! the bytes. Row boundaries are implied by the column count, which the manifest records.

use crate::EngineError;
use crate::value::Value;

const NULL: u8 = 0;
const INT: u8 = 1;
const FLOAT: u8 = 2;
const TEXT: u8 = 3;
const BYTES: u8 = 4;

/// A value borrowed from a driver's row, to encode without copying it first.
#[derive(Debug, Clone, Copy)]
pub enum FieldRef<'a> {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// UTF-8 text.
    Text(&'a [u8]),
    /// Bytes.
    Bytes(&'a [u8]),
}

/// Appends one value to `out`.
pub fn encode(out: &mut Vec<u8>, value: FieldRef<'_>) {
    match value {
        FieldRef::Null => out.push(NULL),
        FieldRef::Int(i) => {
            out.push(INT);
            out.extend_from_slice(&i.to_le_bytes());
        }
        FieldRef::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        FieldRef::Text(b) | FieldRef::Bytes(b) => {
            out.push(if matches!(value, FieldRef::Text(_)) {
                TEXT
            } else {
                BYTES
            });
            out.extend_from_slice(&(b.len() as u64).to_le_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// Reads rows back from chunks that may split a row anywhere.
pub struct RowDecoder {
    columns: usize,
    pending: Vec<u8>,
    position: usize,
}

impl RowDecoder {
    /// A decoder for rows of `columns` values.
    pub fn new(columns: usize) -> Self {
        RowDecoder {
            columns,
            pending: Vec::new(),
            position: 0,
        }
    }

    /// Adds the next chunk of the stream.
    pub fn push(&mut self, chunk: &[u8]) {
        // Drop what was consumed, so the buffer holds at most one partial row plus a chunk.
        if self.position > 0 {
            self.pending.drain(..self.position);
            self.position = 0;
        }
        self.pending.extend_from_slice(chunk);
    }

    /// The next complete row, or `None` when the buffered bytes end inside a row.
    pub fn next_row(&mut self) -> Result<Option<Vec<Value>>, EngineError> {
        let mut at = self.position;
        let mut row = Vec::with_capacity(self.columns);
        for _ in 0..self.columns {
            match read_value(&self.pending, at)? {
                Some((value, next)) => {
                    row.push(value);
                    at = next;
                }
                None => return Ok(None),
            }
        }
        self.position = at;
        Ok(Some(row))
    }

    /// Checks that the stream ended on a row boundary.
    pub fn finish(&self) -> Result<(), EngineError> {
        if self.position < self.pending.len() {
            return Err(corrupt(format!(
                "the row stream ends inside a row ({} bytes left over)",
                self.pending.len() - self.position
            )));
        }
        Ok(())
    }
}

fn corrupt(what: String) -> EngineError {
    EngineError::Driver(format!("backup data is corrupt: {what}"))
}

/// Reads one value at `at`; `None` when the buffer ends first.
fn read_value(buf: &[u8], at: usize) -> Result<Option<(Value, usize)>, EngineError> {
    let Some(&tag) = buf.get(at) else {
        return Ok(None);
    };
    let fixed = |at: usize| -> Option<[u8; 8]> { buf.get(at..at + 8)?.try_into().ok() };
    match tag {
        NULL => Ok(Some((Value::Null, at + 1))),
        INT => Ok(fixed(at + 1).map(|b| (Value::Int(i64::from_le_bytes(b)), at + 9))),
        FLOAT => Ok(
            fixed(at + 1).map(|b| (Value::Float(f64::from_bits(u64::from_le_bytes(b))), at + 9))
        ),
        TEXT | BYTES => {
            let Some(len) = fixed(at + 1) else {
                return Ok(None);
            };
            let len = usize::try_from(u64::from_le_bytes(len))
                .map_err(|_| corrupt("a value longer than memory".into()))?;
            let start = at + 9;
            let Some(end) = start.checked_add(len) else {
                return Err(corrupt("a value longer than memory".into()));
            };
            let Some(bytes) = buf.get(start..end) else {
                return Ok(None);
            };
            let value = if tag == TEXT {
                Value::Text(
                    String::from_utf8(bytes.to_vec())
                        .map_err(|_| corrupt("text that is not UTF-8".into()))?,
                )
            } else {
                Value::Bytes(bytes.to_vec())
            };
            Ok(Some((value, end)))
        }
        other => Err(corrupt(format!("unknown value tag {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<u8>, Vec<Vec<Value>>) {
        let rows = vec![
            vec![
                Value::Int(-7),
                Value::Float(-0.0),
                Value::Text("héllo 🎉".into()),
            ],
            vec![
                Value::Null,
                Value::Float(f64::NAN),
                Value::Bytes(vec![0, 255]),
            ],
            vec![
                Value::Int(i64::MAX),
                Value::Float(1e-300),
                Value::Text(String::new()),
            ],
        ];
        let mut out = Vec::new();
        for row in &rows {
            for v in row {
                let field = match v {
                    Value::Null => FieldRef::Null,
                    Value::Int(i) => FieldRef::Int(*i),
                    Value::Float(f) => FieldRef::Float(*f),
                    Value::Text(s) => FieldRef::Text(s.as_bytes()),
                    Value::Bytes(b) => FieldRef::Bytes(b),
                    Value::Bool(_) => unreachable!("not in the sample"),
                };
                encode(&mut out, field);
            }
        }
        (out, rows)
    }

    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            _ => a == b,
        }
    }

    #[test]
    fn rows_survive_any_chunking() {
        let (bytes, rows) = sample();
        for chunk in 1..bytes.len() {
            let mut decoder = RowDecoder::new(3);
            let mut got = Vec::new();
            for piece in bytes.chunks(chunk) {
                decoder.push(piece);
                while let Some(row) = decoder.next_row().expect("valid stream") {
                    got.push(row);
                }
            }
            decoder.finish().expect("ends on a row boundary");
            assert_eq!(got.len(), rows.len(), "chunk size {chunk}");
            for (g, r) in got.iter().zip(&rows) {
                assert!(g.iter().zip(r).all(|(a, b)| same(a, b)), "{g:?} vs {r:?}");
            }
        }
    }

    #[test]
    fn truncated_and_garbage_streams_are_errors_not_panics() {
        let (bytes, _) = sample();
        let mut decoder = RowDecoder::new(3);
        decoder.push(&bytes[..bytes.len() - 3]);
        while decoder.next_row().expect("valid so far").is_some() {}
        assert!(decoder.finish().is_err());

        let mut decoder = RowDecoder::new(2);
        decoder.push(&[9, 1, 2, 3]);
        assert!(decoder.next_row().is_err());

        let mut decoder = RowDecoder::new(1);
        let mut huge = vec![TEXT];
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        decoder.push(&huge);
        assert!(matches!(decoder.next_row(), Ok(None) | Err(_)));
    }
}
