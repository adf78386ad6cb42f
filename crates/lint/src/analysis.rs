//! Reads each statement of a migration: the sqlparser AST where the parser understands it, a
//! few forms recognised by their keywords where it does not (the parser misses
//! `DROP INDEX CONCURRENTLY`, `REINDEX`, `CLUSTER`, `VACUUM (...)`, `PRAGMA`, `DO` blocks,
//! `ALTER SEQUENCE`, `ALTER DOMAIN`, many PL/pgSQL and MySQL routine bodies, MySQL
//! `ALTER TABLE ... CONVERT TO`),
//! and otherwise the parser's message, so an unreadable statement is reported rather than
//! passed.

use dbwarden_core::Dialect;
use sqlparser::ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// One statement of a file, read.
#[derive(Debug)]
pub(crate) struct AnalyzedStatement {
    /// The statement as the splitter cut it, with its position in the file.
    pub(crate) statement: dbwarden_sql::Statement,
    /// Its tokens without whitespace and comments; empty when it cannot be tokenized.
    pub(crate) tokens: Vec<TokenWithSpan>,
    /// What the parser made of it.
    pub(crate) parsed: Parsed,
    /// For a statement found in the body of a `DO` block, that block.
    pub(crate) enclosing: Option<Enclosing>,
}

/// The `DO` block a statement was found in (see [`crate::plpgsql`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Enclosing {
    /// The index of the `DO` statement in the file.
    pub(crate) block: usize,
    /// Its first line.
    pub(crate) line: usize,
    /// Whether the statement is plain SQL whose parse failure is worth reporting: DDL, or an
    /// `EXECUTE` literal. DML in a body carries PL/pgSQL (`INTO variable`) the parser rejects.
    pub(crate) report_unparsed: bool,
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
    DropIndexConcurrently { names: Vec<String>, if_exists: bool },
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
    /// PostgreSQL `DO [LANGUAGE l] $$ body $$`: the body runs now, inside the migration's
    /// transaction, so its statements are linted too (see [`crate::plpgsql`]). `body_offset`
    /// is where the body starts in the statement's text; the body of a single-quoted block
    /// is unescaped, so positions in it are approximate.
    DoBlock { body: String, body_offset: usize },
    /// `CREATE FUNCTION`, `PROCEDURE`, `TRIGGER` or (MySQL) `EVENT` whose body the parser does
    /// not read. The body runs later, when called or fired, not when the migration runs; a
    /// trigger's table is kept for the lock its creation takes.
    Routine {
        kind: String,
        trigger_table: Option<String>,
    },
    /// PostgreSQL `ALTER SEQUENCE`.
    AlterSequence { name: Option<String> },
    /// PostgreSQL `ALTER DOMAIN name ...`.
    AlterDomain { name: String, change: DomainChange },
    /// PostgreSQL `COMMENT ON ...` forms the parser misses (on functions with arguments).
    Comment,
    /// MySQL `ALTER TABLE t CONVERT TO CHARACTER SET ...`, `[DEFAULT] CHARACTER SET = ...`,
    /// `COLLATE = ...` or `ENGINE = ...`, with the `ALGORITHM` and `LOCK` clauses as written.
    MysqlTableOptions {
        table: String,
        change: MysqlTableChange,
        algorithm: Option<String>,
        lock: Option<String>,
    },
}

/// What an `ALTER DOMAIN` does. Adding a constraint checks every column of the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomainChange {
    /// `ADD [CONSTRAINT name] CHECK (...) [NOT VALID]`; `check` is the text from `CHECK` to the
    /// end of the statement as written, `NOT VALID` excluded.
    AddCheck {
        constraint: Option<String>,
        check: String,
        not_valid: bool,
    },
    /// `SET NOT NULL` or `ADD [CONSTRAINT name] NOT NULL`, which have no `NOT VALID` form.
    SetNotNull,
    /// Anything else: defaults, drops, renames, `VALIDATE CONSTRAINT`, owner, schema.
    Other,
}

/// What a MySQL table-option `ALTER TABLE` does to the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MysqlTableChange {
    /// `CONVERT TO CHARACTER SET`: every text column is converted, by a table copy.
    ConvertCharset,
    /// `ENGINE = ...`: the table is rebuilt.
    Engine,
    /// A new default character set or collation: only columns added later use it.
    DefaultCharset,
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
                enclosing: None,
            };
        }
    };
    let tokens_read = significant(&tokens);
    let parsed = match parse(parser_dialect, tokens, &statement, start_column) {
        Ok(ast) => Parsed::Ast(Box::new(ast)),
        Err(message) => match recognise(dialect, &tokens_read, &statement.sql) {
            Some(form) => Parsed::Opaque(form),
            None => Parsed::Unreadable(message),
        },
    };
    AnalyzedStatement {
        statement,
        tokens: tokens_read,
        parsed,
        enclosing: None,
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

fn recognise(dialect: Dialect, spanned: &[TokenWithSpan], sql: &str) -> Option<OpaqueForm> {
    let tokens: Vec<&Token> = spanned.iter().map(|t| &t.token).collect();
    let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| is_keyword(t, w));
    match dialect {
        Dialect::Postgres if word(0, "DROP") && word(1, "INDEX") && word(2, "CONCURRENTLY") => {
            let if_exists = word(3, "IF") && word(4, "EXISTS");
            let rest = if if_exists { 5 } else { 3 };
            let names = names(&tokens[rest.min(tokens.len())..]);
            (!names.is_empty()).then_some(OpaqueForm::DropIndexConcurrently { names, if_exists })
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
        Dialect::Postgres if word(0, "DO") => do_block(&tokens, spanned, sql),
        Dialect::Postgres if word(0, "ALTER") && word(1, "SEQUENCE") => {
            let at = if word(2, "IF") && word(3, "EXISTS") {
                4
            } else {
                2
            };
            let name = names(&tokens[at.min(tokens.len())..]).into_iter().next();
            Some(OpaqueForm::AlterSequence { name })
        }
        Dialect::Postgres if word(0, "ALTER") && word(1, "DOMAIN") => alter_domain(spanned, sql),
        Dialect::Postgres if word(0, "COMMENT") && word(1, "ON") => Some(OpaqueForm::Comment),
        Dialect::Mysql if word(0, "ALTER") && word(1, "TABLE") => mysql_table_options(&tokens),
        Dialect::Postgres | Dialect::Mysql if word(0, "CREATE") => routine(dialect, &tokens),
        _ => None,
    }
}

/// `DO [LANGUAGE l] body [LANGUAGE l]` with a string body, PL/pgSQL or unnamed.
fn do_block(tokens: &[&Token], spanned: &[TokenWithSpan], sql: &str) -> Option<OpaqueForm> {
    let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| is_keyword(t, w));
    let mut at = 1;
    if word(at, "LANGUAGE") {
        at += 2;
    }
    let (body, quote) = match tokens.get(at)? {
        Token::DollarQuotedString(quoted) => (
            quoted.value.clone(),
            quoted.tag.as_ref().map_or(2, |tag| tag.len() + 2),
        ),
        Token::SingleQuotedString(text) | Token::EscapedStringLiteral(text) => (text.clone(), 1),
        _ => return None,
    };
    let language = if word(at + 1, "LANGUAGE") {
        tokens.get(at + 2)
    } else if at > 1 {
        tokens.get(2)
    } else {
        None
    };
    let plpgsql = language.is_none_or(|t| match t {
        Token::Word(w) => w.value.eq_ignore_ascii_case("plpgsql"),
        Token::SingleQuotedString(s) => s.eq_ignore_ascii_case("plpgsql"),
        _ => false,
    });
    // A block in another language (plpython, plv8) is recognised but not read.
    let body = if plpgsql { body } else { String::new() };
    let start = byte_offset(sql, spanned.get(at)?.span.start)?;
    Some(OpaqueForm::DoBlock {
        body,
        body_offset: start + quote,
    })
}

/// `ALTER DOMAIN name <action>`, with what the action does to the columns of the domain.
fn alter_domain(spanned: &[TokenWithSpan], sql: &str) -> Option<OpaqueForm> {
    let tokens: Vec<&Token> = spanned.iter().map(|t| &t.token).collect();
    let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| is_keyword(t, w));
    let name = names(&tokens[2..]).into_iter().next()?;
    // The name's tokens: a word, then `.word` for each qualifier.
    let mut at = 3;
    while tokens.get(at) == Some(&&Token::Period) {
        at += 2;
    }
    let change = if word(at, "SET") && word(at + 1, "NOT") && word(at + 2, "NULL") {
        DomainChange::SetNotNull
    } else if word(at, "ADD") {
        let (constraint, at) = if word(at + 1, "CONSTRAINT") {
            (tokens.get(at + 2).map(ToString::to_string), at + 3)
        } else {
            (None, at + 1)
        };
        if word(at, "NOT") && word(at + 1, "NULL") {
            DomainChange::SetNotNull
        } else if word(at, "CHECK") && tokens.get(at + 1) == Some(&&Token::LParen) {
            domain_check(spanned, sql, at, constraint)?
        } else {
            // Not a domain constraint: left for the server to refuse, and reported unread.
            return None;
        }
    } else if ["SET", "DROP", "RENAME", "VALIDATE", "OWNER"]
        .iter()
        .any(|action| word(at, action))
    {
        DomainChange::Other
    } else {
        return None;
    };
    Some(OpaqueForm::AlterDomain { name, change })
}

/// `CHECK (...) [NOT VALID]` from token `at` to the end of an `ALTER DOMAIN ... ADD`.
fn domain_check(
    spanned: &[TokenWithSpan],
    sql: &str,
    at: usize,
    constraint: Option<String>,
) -> Option<DomainChange> {
    let mut end = spanned.len();
    while end > at && spanned[end - 1].token == Token::SemiColon {
        end -= 1;
    }
    let not_valid = end >= at + 3
        && is_keyword(&spanned[end - 2].token, "NOT")
        && is_keyword(&spanned[end - 1].token, "VALID");
    if not_valid {
        end -= 2;
    }
    let start = byte_offset(sql, spanned.get(at)?.span.start)?;
    let stop = byte_offset(sql, spanned.get(end.checked_sub(1)?)?.span.end)?;
    Some(DomainChange::AddCheck {
        constraint,
        check: sql.get(start..stop)?.to_string(),
        not_valid,
    })
}

/// `CREATE [OR REPLACE] [DEFINER = ...] [SQL SECURITY ...] {FUNCTION | PROCEDURE | TRIGGER |
/// EVENT} name ...` whose body the parser could not read.
fn routine(dialect: Dialect, tokens: &[&Token]) -> Option<OpaqueForm> {
    const KINDS: &[&str] = &["FUNCTION", "PROCEDURE", "TRIGGER", "EVENT"];
    // Only the clauses allowed between CREATE and the kind: a CREATE TABLE that mentions a
    // function later is not a routine.
    let at = tokens.iter().take(12).position(|t| {
        KINDS
            .iter()
            .any(|kind| is_keyword(t, kind) && (dialect == Dialect::Mysql || *kind != "EVENT"))
    })?;
    let prefix_ok = tokens[1..at].iter().all(|t| match t {
        Token::Word(w) if w.quote_style.is_some() => dialect == Dialect::Mysql,
        Token::Word(w) => {
            [
                "OR",
                "REPLACE",
                "DEFINER",
                "SQL",
                "SECURITY",
                "INVOKER",
                "AGGREGATE",
                "CONSTRAINT",
                "CURRENT_USER",
            ]
            .iter()
            .any(|k| w.value.eq_ignore_ascii_case(k))
                || dialect == Dialect::Mysql
        }
        Token::Eq | Token::AtSign | Token::Period | Token::LParen | Token::RParen => {
            dialect == Dialect::Mysql
        }
        Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => dialect == Dialect::Mysql,
        _ => false,
    }) && !tokens[1..at].iter().any(|t| {
        ["TABLE", "VIEW", "INDEX", "AS", "SELECT"]
            .iter()
            .any(|k| is_keyword(t, k))
    });
    if !prefix_ok || !matches!(tokens.get(at + 1), Some(Token::Word(_))) {
        return None;
    }
    let kind = match tokens.get(at)? {
        Token::Word(w) => w.value.to_ascii_uppercase(),
        _ => return None,
    };
    let trigger_table = if kind == "TRIGGER" {
        let on = at + tokens[at..].iter().position(|t| is_keyword(t, "ON"))?;
        names(&tokens[on + 1..]).into_iter().next()
    } else {
        None
    };
    Some(OpaqueForm::Routine {
        kind,
        trigger_table,
    })
}

/// MySQL `ALTER TABLE name <table options>`, when every clause is a table option the parser
/// misses, `ALGORITHM` or `LOCK`.
fn mysql_table_options(tokens: &[&Token]) -> Option<OpaqueForm> {
    let table = names(&tokens[2..]).into_iter().next()?;
    // The name's tokens: a word, then `.word` for each qualifier.
    let mut at = 3;
    while tokens.get(at) == Some(&&Token::Period) {
        at += 2;
    }
    let mut change: Option<MysqlTableChange> = None;
    let mut algorithm = None;
    let mut lock = None;
    let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| is_keyword(t, w));
    while at < tokens.len() {
        let clause = if word(at, "CONVERT") && word(at + 1, "TO") {
            MysqlTableChange::ConvertCharset
        } else if word(at, "ENGINE") {
            MysqlTableChange::Engine
        } else if ["DEFAULT", "CHARACTER", "CHARSET", "COLLATE"]
            .iter()
            .any(|w| word(at, w))
        {
            MysqlTableChange::DefaultCharset
        } else if word(at, "ALGORITHM") || word(at, "LOCK") {
            let value = tokens[at + 1..]
                .iter()
                .find(|t| !matches!(t, Token::Eq))
                .map(|t| t.to_string().to_ascii_uppercase());
            if word(at, "ALGORITHM") {
                algorithm = value;
            } else {
                lock = value;
            }
            at = next_clause(tokens, at);
            continue;
        } else {
            return None;
        };
        // The strongest change wins: a conversion copies whatever else the statement does.
        change = Some(match (change, clause) {
            (Some(MysqlTableChange::ConvertCharset), _) | (_, MysqlTableChange::ConvertCharset) => {
                MysqlTableChange::ConvertCharset
            }
            (Some(MysqlTableChange::Engine), _) | (_, MysqlTableChange::Engine) => {
                MysqlTableChange::Engine
            }
            _ => MysqlTableChange::DefaultCharset,
        });
        at = next_clause(tokens, at);
    }
    Some(OpaqueForm::MysqlTableOptions {
        table,
        change: change?,
        algorithm,
        lock,
    })
}

/// The index just past the comma ending the clause that starts at `at` (or the end).
fn next_clause(tokens: &[&Token], at: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(at) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => return i + 1,
            _ => {}
        }
    }
    tokens.len()
}

/// The byte offset in `text` of a tokenizer location (1-based line, 1-based column in
/// characters).
pub(crate) fn byte_offset(text: &str, location: Location) -> Option<usize> {
    let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
    let line_start = if line == 0 {
        0
    } else {
        text.match_indices('\n').nth(line - 1)?.0 + 1
    };
    let rest = text.get(line_start..)?;
    Some(
        line_start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(at, _)| at),
    )
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
                names: vec!["public.\"Idx\"".into()],
                if_exists: true
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
    fn recognises_routines_sequences_do_blocks_and_table_options() {
        let pg = Dialect::Postgres;
        let my = Dialect::Mysql;
        assert_eq!(
            opaque(
                "CREATE OR REPLACE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$",
                pg
            ),
            OpaqueForm::Routine {
                kind: "PROCEDURE".into(),
                trigger_table: None
            }
        );
        assert_eq!(
            opaque(
                "CREATE DEFINER=`root`@`localhost` TRIGGER t_bi BEFORE INSERT ON orders FOR EACH ROW\nBEGIN\n  SIGNAL SQLSTATE '45000';\nEND",
                my
            ),
            OpaqueForm::Routine {
                kind: "TRIGGER".into(),
                trigger_table: Some("orders".into())
            }
        );
        assert_eq!(
            opaque(
                "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM s",
                my
            ),
            OpaqueForm::Routine {
                kind: "EVENT".into(),
                trigger_table: None
            }
        );
        assert_eq!(
            opaque("ALTER SEQUENCE IF EXISTS public.s RESTART WITH 10", pg),
            OpaqueForm::AlterSequence {
                name: Some("public.s".into())
            }
        );
        assert_eq!(
            opaque("COMMENT ON FUNCTION f(int, int) IS 'adds'", pg),
            OpaqueForm::Comment
        );
        assert_eq!(
            opaque(
                "ALTER TABLE shop.orders CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, ALGORITHM=COPY",
                my
            ),
            OpaqueForm::MysqlTableOptions {
                table: "shop.orders".into(),
                change: MysqlTableChange::ConvertCharset,
                algorithm: Some("COPY".into()),
                lock: None
            }
        );
        let sql = "DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$";
        let OpaqueForm::DoBlock { body, body_offset } = opaque(sql, pg) else {
            panic!("a DO block");
        };
        assert_eq!(body, " BEGIN NULL; END ");
        assert_eq!(&sql[body_offset..body_offset + body.len()], body);
        // Not routines: other CREATE forms the parser rejects stay unreadable.
        assert!(matches!(
            read("CREATE TABLE f (a int) FUNCTION", pg),
            Parsed::Unreadable(_)
        ));
        assert!(matches!(
            read("ALTER TABLE t FROBNICATE", my),
            Parsed::Unreadable(_)
        ));
    }

    #[test]
    fn recognises_alter_domain() {
        let pg = Dialect::Postgres;
        assert_eq!(
            opaque(
                "ALTER DOMAIN public.price ADD CONSTRAINT price_positive CHECK (VALUE > 0) -- why\n",
                pg
            ),
            OpaqueForm::AlterDomain {
                name: "public.price".into(),
                change: DomainChange::AddCheck {
                    constraint: Some("price_positive".into()),
                    check: "CHECK (VALUE > 0)".into(),
                    not_valid: false
                }
            }
        );
        assert_eq!(
            opaque("ALTER DOMAIN price ADD CHECK (VALUE > 0) NOT VALID", pg),
            OpaqueForm::AlterDomain {
                name: "price".into(),
                change: DomainChange::AddCheck {
                    constraint: None,
                    check: "CHECK (VALUE > 0)".into(),
                    not_valid: true
                }
            }
        );
        for sql in [
            "ALTER DOMAIN price SET NOT NULL",
            "ALTER DOMAIN price ADD CONSTRAINT n NOT NULL",
        ] {
            assert_eq!(
                opaque(sql, pg),
                OpaqueForm::AlterDomain {
                    name: "price".into(),
                    change: DomainChange::SetNotNull
                },
                "{sql}"
            );
        }
        for sql in [
            "ALTER DOMAIN price DROP NOT NULL",
            "ALTER DOMAIN price VALIDATE CONSTRAINT c",
            "ALTER DOMAIN price SET DEFAULT 0",
            "ALTER DOMAIN price OWNER TO admin",
            "ALTER DOMAIN price RENAME TO cost",
        ] {
            assert!(
                matches!(
                    opaque(sql, pg),
                    OpaqueForm::AlterDomain {
                        change: DomainChange::Other,
                        ..
                    }
                ),
                "{sql}"
            );
        }
        for sql in [
            "ALTER DOMAIN",
            "ALTER DOMAIN price ADD CHECK",
            "ALTER DOMAIN price ADD CONSTRAINT",
            "ALTER DOMAIN price FROBNICATE",
        ] {
            assert!(matches!(read(sql, pg), Parsed::Unreadable(_)), "{sql}");
        }
    }

    #[test]
    fn parser_messages_point_into_the_file() {
        let Parsed::Unreadable(message) = read(
            "ALTER TABLE t ALTER COLUMN c SET STATISTICS 100",
            Dialect::Postgres,
        ) else {
            panic!("SET STATISTICS is not read by sqlparser");
        };
        assert!(
            message.ends_with("found: SET at line 3, column 34"),
            "{message}"
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
