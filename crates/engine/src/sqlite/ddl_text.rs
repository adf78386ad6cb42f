//! Reading the parts of SQLite's stored `CREATE` statements that no PRAGMA reports: column
//! collations, generated expressions, CHECK constraints, AUTOINCREMENT, index key expressions
//! and partial-index predicates. SQLite keeps the statement text as written
//! (<https://www.sqlite.org/schematab.html>), so these come from a small tokenizer that knows
//! SQLite's quoting rules, not from guessing with string search.

/// A token with its byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A bare word (keyword or identifier).
    Word,
    /// A quoted identifier: "x", `x` or [x].
    QuotedIdent,
    /// A string literal 'x'.
    Str,
    /// Anything else: numbers, operators, punctuation.
    Other,
    OpenParen,
    CloseParen,
    Comma,
}

/// Splits `sql` into tokens, skipping whitespace and comments.
pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                continue;
            }
            b'\'' | b'"' | b'`' => {
                i = skip_quoted(bytes, i, c);
                if c == b'\'' {
                    TokenKind::Str
                } else {
                    TokenKind::QuotedIdent
                }
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                TokenKind::QuotedIdent
            }
            b'(' => {
                i += 1;
                TokenKind::OpenParen
            }
            b')' => {
                i += 1;
                TokenKind::CloseParen
            }
            b',' => {
                i += 1;
                TokenKind::Comma
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                TokenKind::Word
            }
            _ => {
                i += 1;
                TokenKind::Other
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: i,
        });
    }
    tokens
}

/// Skips a quoted run starting at `start` (doubled quotes escape), returning the end.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The identifier a token names, unquoted.
pub(crate) fn ident_text(sql: &str, t: &Token) -> String {
    let raw = sql.get(t.start..t.end).unwrap_or("");
    // An unterminated quote (only in malformed stored SQL) is returned as written.
    let inner =
        |open: char, close: char| raw.strip_prefix(open).and_then(|r| r.strip_suffix(close));
    match t.kind {
        TokenKind::QuotedIdent if raw.starts_with('[') => inner('[', ']').unwrap_or(raw).to_owned(),
        TokenKind::QuotedIdent | TokenKind::Str => {
            let Some(q) = raw.chars().next() else {
                return String::new();
            };
            match inner(q, q) {
                Some(body) => body.replace(&format!("{q}{q}"), &q.to_string()),
                None => raw.to_owned(),
            }
        }
        _ => raw.to_owned(),
    }
}

/// Whether a token is the keyword `word` (case-insensitive).
pub(crate) fn is_word(sql: &str, t: &Token, word: &str) -> bool {
    t.kind == TokenKind::Word
        && sql
            .get(t.start..t.end)
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

/// Index of the parenthesis closing the one opened at `open`.
pub(crate) fn matching_paren(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            TokenKind::OpenParen => depth += 1,
            TokenKind::CloseParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits tokens `[from, to)` at top-level commas.
pub(crate) fn split_top_level(tokens: &[Token], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut item_start = from;
    for (i, t) in tokens.iter().enumerate().take(to).skip(from) {
        match t.kind {
            TokenKind::OpenParen => depth += 1,
            TokenKind::CloseParen => depth = depth.saturating_sub(1),
            TokenKind::Comma if depth == 0 => {
                items.push((item_start, i));
                item_start = i + 1;
            }
            _ => {}
        }
    }
    if item_start < to {
        items.push((item_start, to));
    }
    items
}

/// The source text covered by tokens `[from, to)`.
pub(crate) fn text_of(sql: &str, tokens: &[Token], from: usize, to: usize) -> String {
    if from >= to || to > tokens.len() {
        return String::new();
    }
    sql.get(tokens[from].start..tokens[to - 1].end)
        .unwrap_or("")
        .to_owned()
}

/// What a `CREATE TABLE` statement says beyond the PRAGMAs.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TableText {
    /// Per column: (name, collation, generated expression, generated stored).
    pub columns: Vec<ColumnText>,
    /// (constraint name, expression) of every CHECK, column-level ones included.
    pub checks: Vec<(Option<String>, String)>,
    /// The table uses AUTOINCREMENT.
    pub autoincrement: bool,
    /// Name of the primary key constraint, when written.
    pub primary_key_name: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnText {
    pub name: String,
    pub collation: Option<String>,
    pub generated: Option<(String, bool)>,
}

/// Reads a `CREATE TABLE name (...)` statement.
pub(crate) fn parse_create_table(sql: &str) -> TableText {
    let tokens = tokenize(sql);
    let mut out = TableText::default();
    let Some(open) = tokens.iter().position(|t| t.kind == TokenKind::OpenParen) else {
        return out;
    };
    let Some(close) = matching_paren(&tokens, open) else {
        return out;
    };
    for (from, to) in split_top_level(&tokens, open + 1, close) {
        let first = &tokens[from];
        let is_table_constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|w| is_word(sql, first, w));
        let mut column = if is_table_constraint {
            None
        } else {
            Some(ColumnText {
                name: ident_text(sql, first),
                ..ColumnText::default()
            })
        };
        let mut pending_name: Option<String> = None;
        let mut i = if is_table_constraint { from } else { from + 1 };
        while i < to {
            let t = &tokens[i];
            if is_word(sql, t, "CONSTRAINT") && i + 1 < to {
                pending_name = Some(ident_text(sql, &tokens[i + 1]));
                i += 2;
                continue;
            }
            if is_word(sql, t, "PRIMARY") {
                if pending_name.is_some() {
                    out.primary_key_name = pending_name.take();
                }
            } else if is_word(sql, t, "AUTOINCREMENT") {
                out.autoincrement = true;
            } else if is_word(sql, t, "COLLATE") && i + 1 < to {
                if let Some(c) = column.as_mut() {
                    c.collation = Some(ident_text(sql, &tokens[i + 1]));
                }
                i += 2;
                continue;
            } else if is_word(sql, t, "CHECK")
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokenKind::OpenParen)
            {
                if let Some(end) = matching_paren(&tokens, i + 1) {
                    out.checks
                        .push((pending_name.take(), text_of(sql, &tokens, i + 2, end)));
                    i = end + 1;
                    continue;
                }
            } else if is_word(sql, t, "AS")
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokenKind::OpenParen)
            {
                if let Some(end) = matching_paren(&tokens, i + 1) {
                    let stored = tokens
                        .get(end + 1)
                        .is_some_and(|n| is_word(sql, n, "STORED"));
                    if let Some(c) = column.as_mut() {
                        c.generated = Some((text_of(sql, &tokens, i + 2, end), stored));
                    }
                    i = end + 1;
                    continue;
                }
            } else if t.kind == TokenKind::OpenParen {
                // Skip other parenthesized parts (types, defaults, key lists) whole.
                if let Some(end) = matching_paren(&tokens, i) {
                    i = end + 1;
                    continue;
                }
            } else if !is_word(sql, t, "NOT") && !is_word(sql, t, "NULL") {
                // A constraint keyword other than the ones above ends a pending name's scope.
                if is_word(sql, t, "UNIQUE")
                    || is_word(sql, t, "DEFAULT")
                    || is_word(sql, t, "REFERENCES")
                    || is_word(sql, t, "FOREIGN")
                {
                    pending_name = None;
                }
            }
            i += 1;
        }
        if let Some(c) = column {
            out.columns.push(c);
        }
    }
    out
}

/// What a `CREATE INDEX` statement says: its key texts (with ordering words removed) and its
/// WHERE predicate.
pub(crate) fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let tokens = tokenize(sql);
    let Some(on) = tokens.iter().position(|t| is_word(sql, t, "ON")) else {
        return (Vec::new(), None);
    };
    let Some(open) = tokens
        .iter()
        .skip(on)
        .position(|t| t.kind == TokenKind::OpenParen)
        .map(|p| p + on)
    else {
        return (Vec::new(), None);
    };
    let Some(close) = matching_paren(&tokens, open) else {
        return (Vec::new(), None);
    };
    let mut keys = Vec::new();
    for (from, mut to) in split_top_level(&tokens, open + 1, close) {
        // Strip trailing ASC/DESC and COLLATE name: ordering is reported by PRAGMA index_xinfo.
        loop {
            if to > from
                && (is_word(sql, &tokens[to - 1], "ASC") || is_word(sql, &tokens[to - 1], "DESC"))
            {
                to -= 1;
            } else if to >= from + 2 && is_word(sql, &tokens[to - 2], "COLLATE") {
                to -= 2;
            } else {
                break;
            }
        }
        keys.push(text_of(sql, &tokens, from, to));
    }
    let predicate = tokens
        .iter()
        .skip(close)
        .position(|t| is_word(sql, t, "WHERE"))
        .map(|p| p + close)
        .map(|w| text_of(sql, &tokens, w + 1, tokens.len()));
    (
        keys,
        predicate.map(|p| p.trim_end_matches(';').trim().to_owned()),
    )
}

/// The SELECT of a `CREATE VIEW name AS SELECT ...`, and the identifiers it mentions.
pub(crate) fn parse_create_view(sql: &str) -> (String, Vec<String>) {
    let tokens = tokenize(sql);
    let Some(as_at) = tokens.iter().position(|t| is_word(sql, t, "AS")) else {
        return (sql.to_owned(), Vec::new());
    };
    let body = text_of(sql, &tokens, as_at + 1, tokens.len());
    let names = tokens[as_at + 1..]
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        .map(|t| ident_text(sql, t))
        .collect();
    (body.trim_end_matches(';').trim().to_owned(), names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_text_finds_what_pragmas_miss() {
        let t = parse_create_table(
            "CREATE TABLE \"t\" (id INTEGER PRIMARY KEY AUTOINCREMENT, \"na,me\" TEXT COLLATE NOCASE CHECK (length(\"na,me\") > 0), \
             d TEXT GENERATED ALWAYS AS (upper(\"na,me\")) STORED, v AS (id * 2), price NUMERIC DEFAULT (1.5), \
             CONSTRAINT positive CHECK (price > 0), UNIQUE (d))",
        );
        assert!(t.autoincrement);
        let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "na,me", "d", "v", "price"]);
        assert_eq!(t.columns[1].collation.as_deref(), Some("NOCASE"));
        assert_eq!(
            t.columns[2].generated,
            Some(("upper(\"na,me\")".into(), true))
        );
        assert_eq!(t.columns[3].generated, Some(("id * 2".into(), false)));
        assert_eq!(
            t.checks,
            vec![
                (None, "length(\"na,me\") > 0".into()),
                (Some("positive".into()), "price > 0".into())
            ]
        );
    }

    #[test]
    fn index_text() {
        let (keys, pred) = parse_create_index(
            "CREATE UNIQUE INDEX i ON t (lower(email) DESC, \"b\" COLLATE NOCASE ASC) WHERE deleted_at IS NULL",
        );
        assert_eq!(keys, ["lower(email)", "\"b\""]);
        assert_eq!(pred.as_deref(), Some("deleted_at IS NULL"));
    }

    #[test]
    fn strings_and_comments_do_not_confuse_the_tokenizer() {
        let t = parse_create_table(
            "CREATE TABLE t (a TEXT DEFAULT 'x, y) -- z', -- a, comment\n b INT /* c, d */)",
        );
        let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }
}
