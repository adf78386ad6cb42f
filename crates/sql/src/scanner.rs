//! Cuts a script into tokens, knowing only what each dialect needs to find statement ends:
//! comments, string literals, quoted identifiers, dollar-quoted bodies and the terminator.
//!
//! The scanner works on bytes. Every character that ends or starts a token is ASCII, and bytes
//! of multi-byte UTF-8 characters are treated as identifier bytes (as PostgreSQL, MySQL and
//! SQLite do), so token boundaries always fall on character boundaries.

use crate::error::SplitError;
use crate::statement::LineIndex;
use dbwarden_core::Dialect;
use std::ops::Range;

/// What a token is, as far as splitting and canonicalizing care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Spaces, tabs, line ends (and a byte order mark at the start of the file).
    Whitespace,
    /// A `--`, `#` (MySQL) or `/* */` comment: the server ignores it.
    Comment,
    /// A `/*+ ... */` optimizer hint: a comment the server (or pg_hint_plan) reads.
    Hint,
    /// A keyword, unquoted identifier, number or `$1` parameter.
    Word,
    /// `"..."`, `` `...` `` or `[...]`.
    QuotedIdentifier,
    /// A string literal, including PostgreSQL `E'...'` and MySQL `"..."`.
    String,
    /// A PostgreSQL `$tag$ ... $tag$` body.
    DollarQuoted,
    /// MySQL `/*!NNNNN` or MariaDB `/*M!NNNNN`: the start of a comment whose content is SQL.
    ExecutableCommentStart,
    /// The `*/` that closes an executable comment.
    ExecutableCommentEnd,
    /// The statement terminator: `;`, or the current MySQL `DELIMITER`.
    Delimiter,
    /// Any other single character: operators, parentheses, commas.
    Punctuation,
}

impl TokenKind {
    /// Whether the token is only spacing or commentary before a statement's first token.
    pub(crate) fn is_leading_trivia(self) -> bool {
        matches!(self, Self::Whitespace | Self::Comment | Self::Hint)
    }
}

/// One token: its kind and byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Range<usize>,
}

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// Tokenizer over one script. The splitter drives it and may change the terminator (MySQL
/// `DELIMITER`) or skip a client command line between tokens.
pub(crate) struct Scanner<'a> {
    source: &'a str,
    dialect: Dialect,
    lines: &'a LineIndex,
    position: usize,
    delimiter: String,
    in_executable_comment: bool,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(source: &'a str, dialect: Dialect, lines: &'a LineIndex) -> Self {
        Self {
            source,
            dialect,
            lines,
            position: 0,
            delimiter: ";".to_string(),
            in_executable_comment: false,
        }
    }

    /// Makes `delimiter` the statement terminator from here on (MySQL `DELIMITER`).
    pub(crate) fn set_delimiter(&mut self, delimiter: String) {
        self.delimiter = delimiter;
    }

    /// Resumes scanning at `offset`, which must be a character boundary after the last token.
    pub(crate) fn skip_to(&mut self, offset: usize) {
        self.position = offset.max(self.position).min(self.source.len());
    }

    /// The next token, `None` at the end of the script.
    pub(crate) fn next_token(&mut self) -> Result<Option<Token>, SplitError> {
        let start = self.position;
        let Some(&first) = self.source.as_bytes().get(start) else {
            return Ok(None);
        };
        let kind = self.scan_token(start, first)?;
        Ok(Some(Token {
            kind,
            span: start..self.position,
        }))
    }

    fn scan_token(&mut self, start: usize, first: u8) -> Result<TokenKind, SplitError> {
        let bytes = self.source.as_bytes();
        let rest = &bytes[start..];
        let mysql = self.dialect == Dialect::Mysql;

        if start == 0 && rest.starts_with(BYTE_ORDER_MARK) {
            self.position = BYTE_ORDER_MARK.len();
            return Ok(TokenKind::Whitespace);
        }
        // The mysql client looks for its delimiter before anything else, so a custom delimiter
        // such as `$$` or `//` wins over any other reading of those characters.
        if rest.starts_with(self.delimiter.as_bytes()) {
            self.position = start + self.delimiter.len();
            return Ok(TokenKind::Delimiter);
        }
        if is_space(first) {
            self.position = start + rest.iter().take_while(|&&b| is_space(b)).count();
            return Ok(TokenKind::Whitespace);
        }
        if self.starts_line_comment(rest) {
            self.position = start + rest.iter().take_while(|&&b| b != b'\n').count();
            return Ok(TokenKind::Comment);
        }
        if rest.starts_with(b"/*") {
            return self.scan_block_comment(start);
        }
        if self.in_executable_comment && rest.starts_with(b"*/") {
            self.in_executable_comment = false;
            self.position = start + 2;
            return Ok(TokenKind::ExecutableCommentEnd);
        }

        let next = rest.get(1).copied();
        match (self.dialect, first) {
            (_, b'\'') => self.scan_string(start, 1, mysql),
            (Dialect::Mysql, b'"') => self.scan_string(start, 1, true),
            (Dialect::Postgres | Dialect::Sqlite, b'"') => self.scan_quoted_identifier(start, b'"'),
            (Dialect::Mysql | Dialect::Sqlite, b'`') => self.scan_quoted_identifier(start, b'`'),
            (Dialect::Sqlite, b'[') => self.scan_quoted_identifier(start, b']'),
            (Dialect::Postgres, b'$') => self.scan_dollar(start),
            // PostgreSQL escape strings: `E'it\'s'`. Only at the start of a word: `somE'x'` is an
            // identifier followed by a string.
            (Dialect::Postgres, b'e' | b'E') if next == Some(b'\'') => {
                self.scan_string(start, 2, true)
            }
            (_, b) if is_word_start(b) => {
                self.position = self.word_end(start + 1);
                Ok(TokenKind::Word)
            }
            _ => {
                self.position = start + 1;
                Ok(TokenKind::Punctuation)
            }
        }
    }

    /// `--` starts a comment everywhere except in MySQL, where the dashes must be followed by
    /// whitespace or a control character (`1--1` is arithmetic there); MySQL also has `#`.
    fn starts_line_comment(&self, rest: &[u8]) -> bool {
        match self.dialect {
            Dialect::Mysql => {
                rest.first() == Some(&b'#')
                    || (rest.starts_with(b"--")
                        && rest
                            .get(2)
                            .is_none_or(|&b| is_space(b) || b.is_ascii_control()))
            }
            Dialect::Postgres | Dialect::Sqlite => rest.starts_with(b"--"),
        }
    }

    fn scan_block_comment(&mut self, start: usize) -> Result<TokenKind, SplitError> {
        let bytes = self.source.as_bytes();
        let rest = &bytes[start..];
        if self.dialect == Dialect::Mysql && !self.in_executable_comment {
            // `/*!50001 ... */` (MySQL) and `/*M!100100 ... */` (MariaDB) run their content on
            // servers at or above the version: they are part of the statement, not comments.
            let marker_len = if rest.starts_with(b"/*!") {
                Some(3)
            } else if rest.starts_with(b"/*M!") {
                Some(4)
            } else {
                None
            };
            if let Some(marker_len) = marker_len {
                let version_len = rest[marker_len..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                self.in_executable_comment = true;
                self.position = start + marker_len + version_len;
                return Ok(TokenKind::ExecutableCommentStart);
            }
        }

        // PostgreSQL nests block comments; MySQL and SQLite end at the first `*/`.
        let nests = self.dialect == Dialect::Postgres;
        let mut depth = 1usize;
        let mut at = start + 2;
        while depth > 0 {
            let Some(tail) = bytes.get(at..).filter(|tail| !tail.is_empty()) else {
                return Err(SplitError::UnterminatedComment {
                    line: self.lines.line_of(start),
                });
            };
            if tail.starts_with(b"*/") {
                depth -= 1;
                at += 2;
            } else if nests && tail.starts_with(b"/*") {
                depth += 1;
                at += 2;
            } else {
                at += 1;
            }
        }
        self.position = at;
        Ok(if rest.get(2) == Some(&b'+') {
            TokenKind::Hint
        } else {
            TokenKind::Comment
        })
    }

    /// A string literal opened by the `prefix_len` bytes at `start` (a quote, or `E'`).
    fn scan_string(
        &mut self,
        start: usize,
        prefix_len: usize,
        backslash_escapes: bool,
    ) -> Result<TokenKind, SplitError> {
        let quote = self.source.as_bytes()[start + prefix_len - 1];
        match closing_quote_end(
            self.source.as_bytes(),
            start + prefix_len,
            quote,
            backslash_escapes,
            true,
        ) {
            Some(end) => {
                self.position = end;
                Ok(TokenKind::String)
            }
            None => Err(SplitError::UnterminatedString {
                line: self.lines.line_of(start),
            }),
        }
    }

    fn scan_quoted_identifier(&mut self, start: usize, close: u8) -> Result<TokenKind, SplitError> {
        // SQLite's `[...]` has no escape; the other quotes are escaped by doubling.
        let doubling = close != b']';
        match closing_quote_end(self.source.as_bytes(), start + 1, close, false, doubling) {
            Some(end) => {
                self.position = end;
                Ok(TokenKind::QuotedIdentifier)
            }
            None => Err(SplitError::UnterminatedQuotedIdentifier {
                line: self.lines.line_of(start),
            }),
        }
    }

    /// PostgreSQL `$`: a `$1` parameter, a `$tag$ ... $tag$` body, or a lone operator character.
    fn scan_dollar(&mut self, start: usize) -> Result<TokenKind, SplitError> {
        let bytes = self.source.as_bytes();
        let after_dollar = start + 1;
        if bytes.get(after_dollar).is_some_and(u8::is_ascii_digit) {
            self.position = after_dollar
                + bytes[after_dollar..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            return Ok(TokenKind::Word);
        }
        // The tag follows identifier rules (no leading digit, no `$`).
        let tag_len = bytes[after_dollar..]
            .iter()
            .take_while(|&&b| is_dollar_tag_byte(b))
            .count();
        let tag_end = after_dollar + tag_len;
        if bytes.get(tag_end) != Some(&b'$') {
            self.position = after_dollar;
            return Ok(TokenKind::Punctuation);
        }
        let opener = &self.source[start..=tag_end];
        let body_start = tag_end + 1;
        match self.source[body_start..].find(opener) {
            Some(body_len) => {
                self.position = body_start + body_len + opener.len();
                Ok(TokenKind::DollarQuoted)
            }
            None => Err(SplitError::UnterminatedDollarQuote {
                tag: opener.to_string(),
                line: self.lines.line_of(start),
            }),
        }
    }

    /// End of the word whose first byte precedes `from`. A MySQL custom delimiter ends a word
    /// (`END$$`), as it does in the mysql client, which matches it anywhere outside quotes.
    fn word_end(&self, from: usize) -> usize {
        let bytes = self.source.as_bytes();
        let delimiter = self.delimiter.as_bytes();
        let mut at = from;
        while let Some(&b) = bytes.get(at) {
            if !is_word_continue(b) || bytes[at..].starts_with(delimiter) {
                break;
            }
            at += 1;
        }
        at
    }
}

/// Offset just past the quote that closes a quoted token whose content starts at `from`, or
/// `None` when the script ends first.
fn closing_quote_end(
    bytes: &[u8],
    from: usize,
    quote: u8,
    backslash_escapes: bool,
    doubling: bool,
) -> Option<usize> {
    let mut at = from;
    while let Some(&b) = bytes.get(at) {
        if backslash_escapes && b == b'\\' {
            at += 2;
        } else if b == quote {
            if doubling && bytes.get(at + 1) == Some(&quote) {
                at += 2;
            } else {
                return Some(at + 1);
            }
        } else {
            at += 1;
        }
    }
    None
}

/// The whitespace all three servers skip: space, tab, line feed, carriage return, vertical tab,
/// form feed.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_word_continue(b: u8) -> bool {
    is_word_start(b) || b == b'$'
}

fn is_dollar_tag_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(source: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        let lines = LineIndex::new(source);
        let mut scanner = Scanner::new(source, dialect, &lines);
        let mut out = Vec::new();
        while let Some(token) = scanner.next_token().expect("test source scans") {
            out.push((token.kind, &source[token.span]));
        }
        out
    }

    fn significant(source: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        tokens(source, dialect)
            .into_iter()
            .filter(|(kind, _)| *kind != TokenKind::Whitespace)
            .collect()
    }

    #[test]
    fn words_strings_and_punctuation() {
        use TokenKind::*;
        assert_eq!(
            significant("SELECT 'a;b''c', t.x_1$ FROM \"T\"", Dialect::Postgres),
            vec![
                (Word, "SELECT"),
                (String, "'a;b''c'"),
                (Punctuation, ","),
                (Word, "t"),
                (Punctuation, "."),
                (Word, "x_1$"),
                (Word, "FROM"),
                (QuotedIdentifier, "\"T\""),
            ]
        );
    }

    #[test]
    fn postgres_escape_strings_only_at_word_start() {
        use TokenKind::*;
        assert_eq!(
            significant(r"E'it\'s' somE'x'", Dialect::Postgres),
            vec![(String, r"E'it\'s'"), (Word, "somE"), (String, "'x'")]
        );
        // A plain PostgreSQL string does not treat backslash as an escape.
        assert_eq!(
            significant(r"'a\' x", Dialect::Postgres),
            vec![(String, r"'a\'"), (Word, "x")]
        );
    }

    #[test]
    fn postgres_dollar_forms() {
        use TokenKind::*;
        assert_eq!(
            significant("$1 $$a;$b$$ $fn$ $$ $fn$ a$b$ $ 1", Dialect::Postgres),
            vec![
                (Word, "$1"),
                (DollarQuoted, "$$a;$b$$"),
                (DollarQuoted, "$fn$ $$ $fn$"),
                (Word, "a$b$"),
                (Punctuation, "$"),
                (Word, "1"),
            ]
        );
    }

    #[test]
    fn mysql_line_comments_need_a_space_after_the_dashes() {
        use TokenKind::*;
        assert_eq!(
            significant("1--1 -- c\n2 #h\n--\t\n", Dialect::Mysql),
            vec![
                (Word, "1"),
                (Punctuation, "-"),
                (Punctuation, "-"),
                (Word, "1"),
                (Comment, "-- c"),
                (Word, "2"),
                (Comment, "#h"),
                (Comment, "--\t"),
            ]
        );
        assert_eq!(significant("--", Dialect::Mysql), vec![(Comment, "--")]);
    }

    #[test]
    fn mysql_executable_comments_hold_sql() {
        use TokenKind::*;
        assert_eq!(
            significant("/*!40101 SET x='*/' */ /*M!100100 y */", Dialect::Mysql),
            vec![
                (ExecutableCommentStart, "/*!40101"),
                (Word, "SET"),
                (Word, "x"),
                (Punctuation, "="),
                (String, "'*/'"),
                (ExecutableCommentEnd, "*/"),
                (ExecutableCommentStart, "/*M!100100"),
                (Word, "y"),
                (ExecutableCommentEnd, "*/"),
            ]
        );
    }

    #[test]
    fn block_comments_nest_only_in_postgres() {
        use TokenKind::*;
        assert_eq!(
            significant("/* a /* b */ c */ x", Dialect::Postgres),
            vec![(Comment, "/* a /* b */ c */"), (Word, "x")]
        );
        assert_eq!(
            significant("/* a /* b */ c", Dialect::Sqlite),
            vec![(Comment, "/* a /* b */"), (Word, "c")]
        );
        assert_eq!(
            significant("/*+ SeqScan(t) */", Dialect::Postgres),
            vec![(Hint, "/*+ SeqScan(t) */")]
        );
    }

    #[test]
    fn sqlite_identifier_quotes() {
        use TokenKind::*;
        assert_eq!(
            significant("[a;b] `c``;` \"d\"", Dialect::Sqlite),
            vec![
                (QuotedIdentifier, "[a;b]"),
                (QuotedIdentifier, "`c``;`"),
                (QuotedIdentifier, "\"d\""),
            ]
        );
    }

    #[test]
    fn custom_delimiter_ends_words() {
        let source = "END$$ a;b";
        let lines = LineIndex::new(source);
        let mut scanner = Scanner::new(source, Dialect::Mysql, &lines);
        scanner.set_delimiter("$$".to_string());
        let mut kinds = Vec::new();
        while let Some(token) = scanner.next_token().expect("scans") {
            kinds.push((token.kind, &source[token.span]));
        }
        assert_eq!(
            kinds,
            vec![
                (TokenKind::Word, "END"),
                (TokenKind::Delimiter, "$$"),
                (TokenKind::Whitespace, " "),
                (TokenKind::Word, "a"),
                (TokenKind::Punctuation, ";"),
                (TokenKind::Word, "b"),
            ]
        );
    }

    #[test]
    fn byte_order_mark_is_whitespace() {
        assert_eq!(
            tokens("\u{feff}x", Dialect::Sqlite),
            vec![(TokenKind::Whitespace, "\u{feff}"), (TokenKind::Word, "x")]
        );
    }
}
