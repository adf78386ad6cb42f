//! Reads each statement of a migration: the sqlparser AST where the parser understands it, a
//! few PostgreSQL and SQLite forms recognised by their keywords where it does not (the parser
//! misses `DROP INDEX CONCURRENTLY`, `REINDEX`, `CLUSTER`, `VACUUM (...)`, `PRAGMA`), and
//! otherwise the parser's message, so an unreadable statement is reported rather than passed.

use dbwarden_core::Dialect;
use sqlparser::ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// One statement of a file, read.
#[derive(Debug)]
pub(crate) struct AnalyzedStatement {
    /// The statement as the splitter cut it, with its position in the file.
    pub(crate) statement: dbwarden_sql::Statement,
    /// Its tokens without whitespace and comments; empty when it cannot be tokenized.
    pub(crate) tokens: Vec<TokenWithSpan>,
    /// What the parser made of it.
    pub(crate) parsed: Parsed,
}

/// What the parser made of a statement.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// The parser read it.
    Ast(Box<ast::Statement>),
    /// The parser did not, but its keywords say what it is.
    Opaque(OpaqueForm),
    /// Nobody could read it; the message is the parser's, positioned in the file.
    Unreadable(String),
}

/// A statement the parser does not read, recognised by its keywords. Names are kept as
/// written, quotes included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OpaqueForm {
    /// PostgreSQL `DROP INDEX CONCURRENTLY [IF EXISTS] name [, ...]`.
    DropIndexConcurrently { names: Vec<String> },
    /// PostgreSQL `REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] name`.
    Reindex {
        target: String,
        name: Option<String>,
        concurrently: bool,
    },
    /// PostgreSQL `CLUSTER [table [USING index]]`.
    Cluster { table: Option<String> },
    /// PostgreSQL `VACUUM (options) [table]`.
    Vacuum { full: bool, table: Option<String> },
    /// SQLite `PRAGMA`.
    Pragma,
}

/// Reads one statement; `start_column` is the 1-based column of the statement's first character in the file.
pub(crate) fn analyze(
    statement: dbwarden_sql::Statement,
    dialect: Dialect,
    start_column: usize,
) -> AnalyzedStatement {
    let parser_dialect = parser_dialect(dialect);
    let tokens = match Tokenizer::new(parser_dialect, &statement.sql).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(error) => {
            let message = position_in_file(&error.to_string(), &statement, start_column);
            return AnalyzedStatement {
                statement,
                tokens: Vec::new(),
                parsed: Parsed::Unreadable(message),
            };
        }
    };
    let tokens_read = significant(&tokens);
    let parsed = match parse(parser_dialect, tokens, &statement, start_column) {
        Ok(ast) => Parsed::Ast(Box::new(ast)),
        Err(message) => match recognise(dialect, &tokens_read) {
            Some(form) => Parsed::Opaque(form),
            None => Parsed::Unreadable(message),
        },
    };
    AnalyzedStatement {
        statement,
        tokens: tokens_read,
        parsed,
    }
}

fn parser_dialect(dialect: Dialect) -> &'static dyn sqlparser::dialect::Dialect {
    match dialect {
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Mysql => &MySqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
    }
}

fn parse(
    dialect: &dyn sqlparser::dialect::Dialect,
    tokens: Vec<TokenWithSpan>,
    statement: &dbwarden_sql::Statement,
    start_column: usize,
) -> Result<ast::Statement, String> {
    // sqlparser has panicked on odd input before; a lint must report, never crash. Nothing
    // the closure touches outlives a panic, so unwind safety holds.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Parser::new(dialect)
            .with_tokens_with_locations(tokens)
            .parse_statements()
    }))
    .map_err(|_| "the SQL parser crashed on this statement".to_string())?;
    let mut statements =
        parsed.map_err(|error| position_in_file(&error.to_string(), statement, start_column))?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        n => Err(format!(
            "the parser read {n} statements where the splitter sees one"
        )),
    }
}

/// Rewrites sqlparser's `at Line: L, Column: C`, counted inside the statement, as a position
/// in the file; `start_column` is the statement's column on its first line.
fn position_in_file(
    message: &str,
    statement: &dbwarden_sql::Statement,
    start_column: usize,
) -> String {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    let position = message
        .rsplit_once(" at Line: ")
        .and_then(|(text, position)| {
            let (line, column) = position.split_once(", Column: ")?;
            Some((
                text,
                line.trim().parse::<usize>().ok()?,
                column.trim().parse::<usize>().ok()?,
            ))
        });
    match position {
        Some((text, line, column)) if line > 0 => {
            let column = if line == 1 {
                (start_column + column).saturating_sub(1)
            } else {
                column
            };
            format!(
                "{text} at line {}, column {column}",
                statement.line + line - 1
            )
        }
        _ => message.to_string(),
    }
}

fn significant(tokens: &[TokenWithSpan]) -> Vec<TokenWithSpan> {
    tokens
        .iter()
        .filter(|token| !matches!(token.token, Token::Whitespace(_) | Token::EOF))
        .cloned()
        .collect()
}

/// Whether `token` is the unquoted keyword `word`, in any case.
fn is_keyword(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

fn recognise(dialect: Dialect, tokens: &[TokenWithSpan]) -> Option<OpaqueForm> {
    let tokens: Vec<&Token> = tokens.iter().map(|t| &t.token).collect();
    let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| is_keyword(t, w));
    match dialect {
        Dialect::Postgres if word(0, "DROP") && word(1, "INDEX") && word(2, "CONCURRENTLY") => {
            let mut rest = 3;
            if word(3, "IF") && word(4, "EXISTS") {
                rest = 5;
            }
            let names = names(&tokens[rest..]);
            (!names.is_empty()).then_some(OpaqueForm::DropIndexConcurrently { names })
        }
        Dialect::Postgres if word(0, "REINDEX") => {
            let mut at = 1;
            let mut concurrently = false;
            if tokens.get(at) == Some(&&Token::LParen) {
                let close = tokens.iter().position(|t| **t == Token::RParen)?;
                concurrently = option_enabled(&tokens[at + 1..close], "CONCURRENTLY");
                at = close + 1;
            }
            let target = match tokens.get(at)? {
                Token::Word(w) => w.value.to_ascii_uppercase(),
                _ => return None,
            };
            at += 1;
            if word(at, "CONCURRENTLY") {
                concurrently = true;
                at += 1;
            }
            let name = names(&tokens[at.min(tokens.len())..]).into_iter().next();
            Some(OpaqueForm::Reindex {
                target,
                name,
                concurrently,
            })
        }
        Dialect::Postgres if word(0, "CLUSTER") => {
            let mut at = 1;
            if word(at, "VERBOSE") {
                at += 1;
            }
            let first = names(&tokens[at.min(tokens.len())..]).into_iter().next();
            // The old form `CLUSTER index ON table` names the table second.
            let on = tokens.iter().position(|t| is_keyword(t, "ON"));
            let table = match on {
                Some(on) => names(&tokens[on + 1..]).into_iter().next(),
                None => first,
            };
            Some(OpaqueForm::Cluster { table })
        }
        Dialect::Postgres if word(0, "VACUUM") => {
            let (full, rest) = if tokens.get(1) == Some(&&Token::LParen) {
                let close = tokens.iter().position(|t| **t == Token::RParen)?;
                (option_enabled(&tokens[2..close], "FULL"), close + 1)
            } else {
                let options = tokens[1..]
                    .iter()
                    .take_while(|t| {
                        ["FULL", "FREEZE", "VERBOSE", "ANALYZE"]
                            .iter()
                            .any(|w| is_keyword(t, w))
                    })
                    .count();
                (
                    tokens[1..1 + options].iter().any(|t| is_keyword(t, "FULL")),
                    1 + options,
                )
            };
            let table = names(&tokens[rest.min(tokens.len())..]).into_iter().next();
            Some(OpaqueForm::Vacuum { full, table })
        }
        Dialect::Sqlite if word(0, "PRAGMA") => Some(OpaqueForm::Pragma),
        _ => None,
    }
}

/// Whether a parenthesised option list such as `(FULL, ANALYZE)` or `(CONCURRENTLY true)`
/// turns `option` on.
fn option_enabled(options: &[&Token], option: &str) -> bool {
    options.iter().enumerate().any(|(i, t)| {
        is_keyword(t, option)
            && !options.get(i + 1).is_some_and(|next| {
                ["FALSE", "OFF"].iter().any(|w| is_keyword(next, w))
                    || matches!(next, Token::Number(n, _) if n == "0")
            })
    })
}

/// The comma-separated dotted names at the start of `tokens`, as written.
fn names(tokens: &[&Token]) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    for token in tokens {
        match token {
            Token::Word(_) => {
                if !current.is_empty() && !current.ends_with('.') {
                    break;
                }
                current.push_str(&token.to_string());
            }
            Token::Period => current.push('.'),
            Token::Comma if !current.is_empty() => names.push(std::mem::take(&mut current)),
            _ => break,
        }
    }
    if !current.is_empty() {
        names.push(current);
    }
    names
        .into_iter()
        .filter(|name| {
            !["CASCADE", "RESTRICT"]
                .iter()
                .any(|w| name.eq_ignore_ascii_case(w))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(sql: &str, dialect: Dialect) -> Parsed {
        let statement = dbwarden_sql::Statement {
            sql: sql.to_string(),
            span: 0..sql.len(),
            line: 3,
        };
        analyze(statement, dialect, 5).parsed
    }

    fn opaque(sql: &str, dialect: Dialect) -> OpaqueForm {
        match read(sql, dialect) {
            Parsed::Opaque(form) => form,
            other => panic!("{sql}: expected an opaque form, got {other:?}"),
        }
    }

    #[test]
    fn recognises_what_the_parser_misses() {
        let pg = Dialect::Postgres;
        assert_eq!(
            opaque("DROP INDEX CONCURRENTLY IF EXISTS public.\"Idx\"", pg),
            OpaqueForm::DropIndexConcurrently {
                names: vec!["public.\"Idx\"".into()]
            }
        );
        assert_eq!(
            opaque("REINDEX (VERBOSE) TABLE CONCURRENTLY orders", pg),
            OpaqueForm::Reindex {
                target: "TABLE".into(),
                name: Some("orders".into()),
                concurrently: true
            }
        );
        assert_eq!(
            opaque("REINDEX INDEX i", pg),
            OpaqueForm::Reindex {
                target: "INDEX".into(),
                name: Some("i".into()),
                concurrently: false
            }
        );
        assert_eq!(
            opaque("CLUSTER VERBOSE orders USING orders_pkey", pg),
            OpaqueForm::Cluster {
                table: Some("orders".into())
            }
        );
        assert_eq!(
            opaque("VACUUM (FULL, ANALYZE) orders", pg),
            OpaqueForm::Vacuum {
                full: true,
                table: Some("orders".into())
            }
        );
        assert_eq!(
            opaque("VACUUM (FULL false) orders", pg),
            OpaqueForm::Vacuum {
                full: false,
                table: Some("orders".into())
            }
        );
        assert_eq!(
            opaque("PRAGMA foreign_keys = OFF", Dialect::Sqlite),
            OpaqueForm::Pragma
        );
    }

    #[test]
    fn parser_messages_point_into_the_file() {
        let Parsed::Unreadable(message) = read(
            "CREATE FUNCTION f() RETURNS int COST 10 AS $$ SELECT 1 $$ LANGUAGE sql",
            Dialect::Postgres,
        ) else {
            panic!("COST is not read by sqlparser");
        };
        assert_eq!(
            message,
            "Expected: end of statement, found: COST at line 3, column 37"
        );
    }

    #[test]
    fn parses_ordinary_statements() {
        assert!(matches!(
            read("CREATE INDEX CONCURRENTLY i ON t (c)", Dialect::Postgres),
            Parsed::Ast(_)
        ));
        assert!(matches!(
            read("SELECT 'unterminated", Dialect::Postgres),
            Parsed::Unreadable(_)
        ));
    }
}
