//! One statement of a script, and the mapping from byte offsets to line numbers.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One statement of a migration script, exactly as it appears in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Statement {
    /// The source text of the statement, from its first token (leading comments and whitespace
    /// excluded) up to but not including its terminator (`;` or the current MySQL `DELIMITER`),
    /// with trailing whitespace trimmed. Comments inside the statement are kept, so the server
    /// sees what the author wrote and error positions line up with the file.
    pub sql: String,
    /// Byte range of [`Statement::sql`] in the source: `&source[span.clone()] == sql`.
    pub span: Range<usize>,
    /// 1-based line of the statement's first byte.
    pub line: usize,
}

impl Statement {
    /// The line in the file of a 1-based character position inside [`Statement::sql`].
    ///
    /// PostgreSQL reports syntax error positions this way (`ErrorPosition`, counted in
    /// characters, not bytes). A position of 0 counts as the first character; a position past
    /// the end maps to the statement's last line.
    pub fn line_of_offset(&self, char_offset_1_based: usize) -> usize {
        let chars_before = char_offset_1_based.saturating_sub(1);
        let newlines_before = self
            .sql
            .chars()
            .take(chars_before)
            .filter(|&c| c == '\n')
            .count();
        self.line + newlines_before
    }

    /// The statement's leading keywords, upper-cased (up to `n`), for classification.
    fn leading_words(&self, n: usize) -> Vec<String> {
        self.sql
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .take(n)
            .map(str::to_ascii_uppercase)
            .collect()
    }

    /// Whether the statement starts, ends or aborts a transaction (`BEGIN`, `START
    /// TRANSACTION`, `COMMIT`, `END`, `ROLLBACK` but not `ROLLBACK TO SAVEPOINT`, `ABORT`).
    /// Inside a migration that dbwarden wraps in its own transaction such a statement would
    /// commit or discard dbwarden's transaction half-way, so the runner refuses it.
    pub fn is_transaction_control(&self) -> bool {
        let words = self.leading_words(3);
        let first = words.first().map(String::as_str);
        match first {
            Some("BEGIN" | "COMMIT" | "END" | "ABORT") => true,
            Some("START") => words.get(1).is_some_and(|w| w == "TRANSACTION"),
            Some("ROLLBACK") => {
                // ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] x only unwinds to a savepoint.
                !words.iter().skip(1).any(|w| w == "TO")
            }
            _ => false,
        }
    }

    /// Whether the statement switches the session's database (MySQL `USE db`).
    pub fn is_use_database(&self) -> bool {
        self.leading_words(1).first().is_some_and(|w| w == "USE")
    }
}

/// Start offsets of every line of a source, to turn byte offsets into 1-based line numbers.
/// Lines end at `\n`, so `\r\n` files count the same as `\n` files.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(source: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { line_starts }
    }

    /// 1-based line holding the byte at `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        // `line_starts[0] == 0`, so at least one start is `<= offset`.
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// Byte offset where the line holding `offset` starts.
    pub(crate) fn line_start_of(&self, offset: usize) -> usize {
        let line = self.line_of(offset);
        self.line_starts.get(line - 1).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_newlines_including_crlf() {
        let index = LineIndex::new("a\r\nb\nc");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(
            index.line_of(2),
            1,
            "the \\n of \\r\\n still belongs to line 1"
        );
        assert_eq!(index.line_of(3), 2);
        assert_eq!(index.line_of(5), 3);
        assert_eq!(index.line_start_of(6), 5);
    }

    #[test]
    fn line_of_offset_counts_characters_not_bytes() {
        let sql = "SELECT 'é',\n  'ü',\n  oops";
        let statement = Statement {
            sql: sql.to_string(),
            span: 0..sql.len(),
            line: 4,
        };
        assert_eq!(statement.line_of_offset(1), 4);
        assert_eq!(statement.line_of_offset(0), 4);
        // 'é' is two bytes but one character: character 12 is the newline, 13 starts line 5.
        assert_eq!(statement.line_of_offset(12), 4);
        assert_eq!(statement.line_of_offset(13), 5);
        assert_eq!(statement.line_of_offset(21), 6);
        assert_eq!(statement.line_of_offset(10_000), 6);
    }
}

#[cfg(test)]
mod classification_tests {
    use super::*;

    fn stmt(sql: &str) -> Statement {
        Statement {
            sql: sql.into(),
            span: 0..sql.len(),
            line: 1,
        }
    }

    #[test]
    fn transaction_control_is_recognised() {
        for sql in [
            "BEGIN",
            "begin transaction",
            "START TRANSACTION",
            "COMMIT",
            "end",
            "ROLLBACK",
            "ABORT",
            "BEGIN IMMEDIATE",
        ] {
            assert!(stmt(sql).is_transaction_control(), "{sql}");
        }
        for sql in [
            "ROLLBACK TO SAVEPOINT a",
            "SAVEPOINT a",
            "DO $$ BEGIN NULL; END $$",
            "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END",
            "START_DATE_FN()",
            "SELECT 1",
        ] {
            assert!(!stmt(sql).is_transaction_control(), "{sql}");
        }
        assert!(stmt("USE other").is_use_database());
        assert!(!stmt("SELECT 1").is_use_database());
    }
}
