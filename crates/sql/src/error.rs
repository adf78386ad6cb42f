//! Why a script could not be split into statements.

/// A script that cannot be split: something opened on `line` is never closed, so every
/// statement after it would silently become part of it. Each message names the line and the fix.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SplitError {
    /// A string literal (`'...'`, MySQL `"..."`, PostgreSQL `E'...'`) has no closing quote.
    #[error(
        "line {line}: this string literal is never closed; add the closing quote \
         (a quote inside a string is written twice, as '')"
    )]
    UnterminatedString {
        /// 1-based line of the opening quote.
        line: usize,
    },
    /// A quoted identifier (`"..."`, `` `...` ``, SQLite `[...]`) has no closing quote.
    #[error(
        "line {line}: this quoted identifier is never closed; add the closing quote \
         (a quote inside an identifier is written twice)"
    )]
    UnterminatedQuotedIdentifier {
        /// 1-based line of the opening quote.
        line: usize,
    },
    /// A `/* ... */` comment has no closing `*/`.
    #[error(
        "line {line}: this /* comment is never closed; add */ \
         (PostgreSQL nests comments, so every /* inside it needs its own */)"
    )]
    UnterminatedComment {
        /// 1-based line of the opening `/*`.
        line: usize,
    },
    /// A PostgreSQL dollar-quoted body (`$$ ... $$`, `$tag$ ... $tag$`) is never closed.
    #[error(
        "line {line}: the body opened with {tag} is never closed; end it with the same {tag} \
         (the tag must match exactly, including case)"
    )]
    UnterminatedDollarQuote {
        /// The opening delimiter, dollars included: `$$` or `$body$`.
        tag: String,
        /// 1-based line of the opening delimiter.
        line: usize,
    },
    /// A MySQL `DELIMITER` command without the new delimiter after it.
    #[error(
        "line {line}: DELIMITER needs the new statement terminator after it, \
         for example `DELIMITER $$` (and `DELIMITER ;` to switch back)"
    )]
    MissingDelimiter {
        /// 1-based line of the `DELIMITER` command.
        line: usize,
    },
    /// A MySQL `DELIMITER` the mysql client itself rejects.
    #[error(
        "line {line}: `{delimiter}` cannot be a statement terminator because it contains a \
         backslash; pick another, such as $$ or //"
    )]
    InvalidDelimiter {
        /// The rejected delimiter.
        delimiter: String,
        /// 1-based line of the `DELIMITER` command.
        line: usize,
    },
}
