//! Splits migration scripts into statements the way each database's own shell would run them
//! (psql, the mysql client, the sqlite3 shell), and reads dbwarden's `-- dbwarden:` directives.
//!
//! dbwarden sends one statement per round trip so it can record progress per statement and
//! report which one failed: PostgreSQL runs a multi-statement query as one implicit
//! transaction, and MySQL does not say which statement of a batch failed. The splitter
//! therefore has to agree with the database on where every statement ends:
//!
//! - comments: `--` to the end of the line (in MySQL only when followed by whitespace), MySQL
//!   `#`, and `/* */` (nested in PostgreSQL); MySQL `/*! ... */` executable comments are SQL;
//! - string literals with `''`, MySQL backslash escapes and `"..."` strings, PostgreSQL
//!   `E'...'`; quoted identifiers `"..."`, `` `...` `` and SQLite `[...]`;
//! - PostgreSQL `$tag$ ... $tag$` bodies, parentheses, and the `BEGIN ATOMIC ... END` body of a
//!   SQL-standard `CREATE FUNCTION`/`PROCEDURE`;
//! - MySQL `DELIMITER` client commands;
//! - SQLite `CREATE TRIGGER ... BEGIN ...; END;`.
//!
//! ```
//! use dbwarden_core::Dialect;
//!
//! let script = "-- dbwarden:no-transaction\n\
//!               CREATE INDEX CONCURRENTLY i ON t (c);\n\
//!               SELECT ';' AS semicolon;";
//! let statements = dbwarden_sql::split(script, Dialect::Postgres)?;
//! assert_eq!(statements.len(), 2);
//! assert_eq!(statements[1].sql, "SELECT ';' AS semicolon");
//! assert_eq!(statements[1].line, 3);
//! assert!(dbwarden_sql::directives(script).no_transaction);
//! # Ok::<(), dbwarden_sql::SplitError>(())
//! ```

mod canonical;
mod directives;
mod error;
mod scanner;
mod splitter;
mod statement;

pub use canonical::canonical_text;
pub use directives::{
    DirectiveWarning, Directives, directive_warnings, directives, has_commit_directive,
};
pub use error::SplitError;
pub use statement::Statement;

use dbwarden_core::Dialect;

/// Splits `source` into the statements `dialect`'s own shell would send to the server.
///
/// Statements consisting only of comments and whitespace are dropped, so an empty file gives no
/// statements; a last statement without a terminator is still a statement. MySQL `DELIMITER`
/// lines switch the terminator and are not statements themselves.
///
/// Fails when a string, quoted identifier, comment or dollar-quoted body is never closed, or on
/// a malformed `DELIMITER` line: the rest of the file would otherwise silently become part of
/// one statement.
pub fn split(source: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    Ok(splitter::split_scanned(source, dialect)?
        .into_iter()
        .map(|scanned| scanned.statement)
        .collect())
}

/// Properties of splitting and canonical text over generated scripts.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum PieceKind {
        Token,
        Literal,
        LineComment,
        BlockComment,
    }

    #[derive(Debug, Clone)]
    struct Piece {
        kind: PieceKind,
        text: String,
    }

    fn piece(
        kind: PieceKind,
        text: impl Strategy<Value = String> + 'static,
    ) -> BoxedStrategy<Piece> {
        text.prop_map(move |text| Piece { kind, text }).boxed()
    }

    /// A quoted token: `open`, then characters from `body` with `close` doubled, then `close`.
    fn quoted(
        open: &'static str,
        close: char,
        body: &'static str,
    ) -> impl Strategy<Value = String> {
        let chars: Vec<char> = body.chars().collect();
        proptest::collection::vec(select(chars), 0..8).prop_map(move |content| {
            let mut text = open.to_string();
            for c in content {
                if c == close {
                    text.push(c);
                }
                text.push(c);
            }
            text.push(close);
            text
        })
    }

    fn comment_text(
        prefix: &'static str,
        suffix: &'static str,
        body: &'static str,
    ) -> impl Strategy<Value = String> {
        let chars: Vec<char> = body.chars().collect();
        proptest::collection::vec(select(chars), 0..8).prop_map(move |content| {
            format!(
                "{prefix}{}{suffix}",
                content.into_iter().collect::<String>()
            )
        })
    }

    fn word() -> impl Strategy<Value = String> {
        select(vec![
            "SELECT", "x", "t1", "FROM", "WHERE", "a_b", "42", "UPDATE", "SET", "VALUES", "col$1",
        ])
        .prop_map(str::to_string)
    }

    fn piece_strategy(dialect: Dialect) -> BoxedStrategy<Piece> {
        use PieceKind::*;
        let mut pieces = vec![
            piece(Token, word()),
            piece(
                Token,
                select(vec![",", "=", "+", "(a, b)", "f(1)"]).prop_map(str::to_string),
            ),
            piece(Literal, quoted("'", '\'', "ab ;'\"-*/\n$")),
            piece(LineComment, comment_text("-- ", "", "ab ;'\"*/`")),
            piece(BlockComment, comment_text("/* ", " */", "ab ;'\"-`\n")),
        ];
        match dialect {
            Dialect::Postgres => pieces.extend([
                piece(Token, quoted("\"", '"', "ab ;'\"")),
                piece(Token, comment_text("$$", "$$", "ab ;'\"-\n")),
                piece(Token, comment_text("$fn$ ", " $fn$", "ab ;'\"-\n$")),
                piece(Token, select(vec!["$1", "$2"]).prop_map(str::to_string)),
                piece(
                    Literal,
                    proptest::collection::vec(
                        select(vec!["a", ";", " ", "\\'", "\\\\", "''"]),
                        0..6,
                    )
                    .prop_map(|parts| format!("E'{}'", parts.concat())),
                ),
                piece(
                    BlockComment,
                    Just("/* outer /* nested; */ ' */".to_string()),
                ),
            ]),
            Dialect::Mysql => pieces.extend([
                piece(Token, quoted("`", '`', "ab ;'\"`")),
                piece(Literal, quoted("\"", '"', "ab ;'\"")),
                piece(Literal, Just(r"'it\'s; \\'".to_string())),
                piece(LineComment, comment_text("#", "", "ab ;'\"")),
                piece(Token, Just("/*!40101 x = ';' */".to_string())),
            ]),
            Dialect::Sqlite => pieces.extend([
                piece(Token, quoted("\"", '"', "ab ;'\"")),
                piece(Token, quoted("`", '`', "ab ;'`")),
                piece(Token, comment_text("[", "]", "ab ;'\"`")),
            ]),
        }
        proptest::strategy::Union::new(pieces).boxed()
    }

    /// A statement: a word, then pieces. It never ends with a comment.
    fn statement_strategy(dialect: Dialect) -> impl Strategy<Value = Vec<Piece>> {
        (
            word(),
            proptest::collection::vec(piece_strategy(dialect), 0..6),
            word(),
        )
            .prop_map(|(first, middle, last)| {
                let mut pieces = vec![Piece {
                    kind: PieceKind::Token,
                    text: first,
                }];
                pieces.extend(middle);
                pieces.push(Piece {
                    kind: PieceKind::Token,
                    text: last,
                });
                pieces
            })
    }

    fn script_strategy() -> impl Strategy<Value = (Dialect, Vec<Vec<Piece>>)> {
        select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]).prop_flat_map(|dialect| {
            (
                Just(dialect),
                proptest::collection::vec(statement_strategy(dialect), 1..6),
            )
        })
    }

    /// Renders a statement with `separator(i)` between pieces, optionally dropping comments.
    fn render(
        pieces: &[Piece],
        keep_comments: bool,
        separator: impl Fn(usize) -> &'static str,
    ) -> String {
        let mut text = String::new();
        for (index, piece) in pieces.iter().enumerate() {
            let is_comment = matches!(piece.kind, PieceKind::LineComment | PieceKind::BlockComment);
            if is_comment && !keep_comments {
                continue;
            }
            if !text.is_empty() {
                text.push_str(separator(index));
            }
            text.push_str(&piece.text);
            if piece.kind == PieceKind::LineComment {
                text.push('\n');
            }
        }
        text
    }

    /// The literal inserted just before a statement's last word.
    fn statement_literal_mut(statement: &mut [Piece]) -> &mut Piece {
        let index = statement.len() - 2;
        &mut statement[index]
    }

    fn plain(pieces: &[Piece]) -> String {
        render(pieces, true, |_| " ")
    }

    proptest! {
        #[test]
        fn any_input_splits_or_errors_without_panicking(
            source in "(\\PC|[;'\"`$\\[\\]/*#\\-\\\\\n ]|DELIMITER |BEGIN|END|CREATE TRIGGER|E'){0,40}",
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            if let Ok(statements) = split(&source, dialect) {
                for statement in &statements {
                    prop_assert_eq!(source.get(statement.span.clone()), Some(statement.sql.as_str()));
                    prop_assert!(!statement.sql.trim().is_empty());
                }
                prop_assert!(canonical_text(&source, dialect).is_ok());
            }
            let _ = directives(&source);
            let _ = directive_warnings(&source);
        }

        #[test]
        fn split_gives_back_the_joined_statements((dialect, statements) in script_strategy()) {
            let expected: Vec<String> = statements.iter().map(|s| plain(s)).collect();
            for source in [expected.join(";\n"), format!("{};\n-- trailing\n", expected.join(";\n"))] {
                let split_statements = split(&source, dialect).expect("generated script splits");
                let sqls: Vec<&str> = split_statements.iter().map(|s| s.sql.as_str()).collect();
                prop_assert_eq!(&sqls, &expected, "{}", source);
                for statement in &split_statements {
                    prop_assert_eq!(&source[statement.span.clone()], statement.sql.as_str());
                    let line = 1 + source[..statement.span.start].matches('\n').count();
                    prop_assert_eq!(statement.line, line);
                }
            }
        }

        #[test]
        fn canonical_text_ignores_comments_and_whitespace((dialect, statements) in script_strategy()) {
            let original: Vec<String> = statements.iter().map(|s| plain(s)).collect();
            let original = original.join(";\n");
            const SEPARATORS: [&str; 3] = ["\n  ", "\t", " \r\n\r\n "];
            let reformatted: Vec<String> = statements
                .iter()
                .map(|s| format!("/* note; */\n{}", render(s, false, |i| SEPARATORS[i % SEPARATORS.len()])))
                .collect();
            let reformatted = format!("-- header\n{}  ;\n-- end\n", reformatted.join("\n;\n\n"));
            prop_assert_eq!(
                canonical_text(&original, dialect).expect("original splits"),
                canonical_text(&reformatted, dialect).expect("reformatted splits"),
                "{} vs {}", original, reformatted
            );
        }

        #[test]
        fn canonical_text_changes_with_a_literal(
            (dialect, statements) in script_strategy(),
            target in any::<prop::sample::Index>(),
            content in "[a-z ;]{0,6}",
        ) {
            // Put a literal into one statement, then change one character of it.
            let mut statements = statements;
            let target = target.index(statements.len());
            let before_last = statements[target].len() - 1;
            statements[target].insert(before_last, Piece { kind: PieceKind::Literal, text: format!("'{content}'") });
            let original: Vec<String> = statements.iter().map(|s| plain(s)).collect();
            statement_literal_mut(&mut statements[target]).text = format!("'{content}z'");
            let edited: Vec<String> = statements.iter().map(|s| plain(s)).collect();
            prop_assert_ne!(
                canonical_text(&original.join(";\n"), dialect).expect("original splits"),
                canonical_text(&edited.join(";\n"), dialect).expect("edited splits")
            );
        }
    }
}
