//! The SQL statements in the body of a PL/pgSQL `DO` block, found by a light reading of the
//! body, not a PL/pgSQL parser: the body is cut at `;` (as psql would, respecting quotes and
//! dollar quotes), control structure in front of a statement (`BEGIN`, `IF ... THEN`,
//! `FOR ... LOOP`, `EXCEPTION WHEN ... THEN`, labels) is skipped, and what is left is kept when
//! it starts with an SQL command word, or when it is `EXECUTE` of a single string literal.
//! Dynamic SQL built at run time (`EXECUTE format(...)`, `'...' || name`) cannot be read.
//!
//! A `DO` block runs when the migration runs, so its statements take the same locks and make
//! the same changes as if written at the top level. A function body, by contrast, runs when the
//! function is called, and is not linted.

use crate::analysis::byte_offset;
use dbwarden_core::Dialect;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// One statement found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyStatement {
    /// The statement's text (an `EXECUTE` literal unescaped).
    pub(crate) sql: String,
    /// Where it starts in the body.
    pub(crate) offset: usize,
    /// Whether it came from `EXECUTE '...'` (always plain SQL) rather than the body itself.
    pub(crate) executed: bool,
    /// Whether it is DML (`UPDATE`, `DELETE`, `INSERT`): PL/pgSQL adds `INTO variable` and
    /// variables to those, which the SQL parser does not know.
    pub(crate) dml: bool,
}

/// Command words that start a statement worth linting.
const COMMANDS: &[&str] = &[
    "ALTER", "CREATE", "DROP", "TRUNCATE", "UPDATE", "DELETE", "INSERT", "REINDEX", "CLUSTER",
    "VACUUM", "GRANT", "REVOKE", "COMMENT", "SET", "RESET", "LOCK", "COMMIT", "ROLLBACK",
    "REFRESH", "ANALYZE",
];

const DML: &[&str] = &["UPDATE", "DELETE", "INSERT"];

/// PL/pgSQL statements that are not SQL commands: the rest of the piece is skipped.
const PLPGSQL_ONLY: &[&str] = &[
    "RETURN", "RAISE", "PERFORM", "GET", "NULL", "EXIT", "CONTINUE", "OPEN", "FETCH", "CLOSE",
    "MOVE", "ASSERT", "CALL", "END", "SELECT", "WITH",
];

/// The statements of `body`, or `Err` with the reason when the body cannot be cut.
pub(crate) fn statements(body: &str) -> Result<Vec<BodyStatement>, String> {
    let pieces = dbwarden_sql::split(body, Dialect::Postgres).map_err(|e| e.to_string())?;
    Ok(pieces
        .iter()
        .filter_map(|piece| {
            statement_in(&piece.sql).map(|(offset, sql, executed, dml)| BodyStatement {
                sql,
                offset: piece.span.start + offset,
                executed,
                dml,
            })
        })
        .collect())
}

/// The statement in one `;`-terminated piece of a body: (offset in the piece, text, executed,
/// dml).
fn statement_in(piece: &str) -> Option<(usize, String, bool, bool)> {
    let tokens: Vec<TokenWithSpan> = Tokenizer::new(&PostgreSqlDialect {}, piece)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let at = skip_control(&tokens)?;
    let first = &tokens.get(at)?.token;
    if keyword(first, "EXECUTE") {
        let literal = tokens.get(at + 1)?;
        // `EXECUTE 'sql' || name` or `EXECUTE format(...)` is built at run time.
        if let Some(next) = tokens.get(at + 2)
            && !(keyword(&next.token, "INTO") || keyword(&next.token, "USING"))
        {
            return None;
        }
        let (sql, quote) = match &literal.token {
            Token::SingleQuotedString(text) => (text.clone(), 1),
            Token::EscapedStringLiteral(text) => (text.clone(), 2),
            Token::DollarQuotedString(quoted) => (
                quoted.value.clone(),
                quoted.tag.as_ref().map_or(2, |tag| tag.len() + 2),
            ),
            _ => return None,
        };
        let offset = byte_offset(piece, literal.span.start)? + quote;
        let sql = sql.trim_end().trim_end_matches(';').trim_end().to_string();
        let trimmed = sql.trim_start();
        let offset = offset + (sql.len() - trimmed.len());
        let dml = starts_with_any(trimmed, DML);
        return Some((offset, trimmed.to_string(), true, dml));
    }
    if !COMMANDS.iter().any(|command| keyword(first, command)) {
        return None;
    }
    let offset = byte_offset(piece, tokens[at].span.start)?;
    let dml = DML.iter().any(|command| keyword(first, command));
    Some((offset, piece.get(offset..)?.to_string(), false, dml))
}

/// The index of the first token after the control structure in front of a statement, or
/// `None` when the piece holds no SQL statement (a declaration, `END IF`, `RAISE`...).
fn skip_control(tokens: &[TokenWithSpan]) -> Option<usize> {
    let mut at = 0;
    loop {
        let token = &tokens.get(at)?.token;
        if matches!(token, Token::ShiftLeft) {
            // A label, `<<name>>`.
            at += 3;
        } else if ["BEGIN", "ELSE", "LOOP", "THEN", "EXCEPTION"]
            .iter()
            .any(|w| keyword(token, w))
        {
            at += 1;
        } else if keyword(token, "DECLARE") {
            // Declarations run up to BEGIN; each is its own piece.
            at += 1 + tokens[at + 1..]
                .iter()
                .position(|t| keyword(&t.token, "BEGIN"))?;
        } else if ["IF", "ELSIF", "ELSEIF", "WHEN"]
            .iter()
            .any(|w| keyword(token, w))
        {
            at = past(tokens, at + 1, &["THEN"])?;
        } else if ["WHILE", "FOR", "FOREACH"]
            .iter()
            .any(|w| keyword(token, w))
        {
            at = past(tokens, at + 1, &["LOOP"])?;
        } else if keyword(token, "CASE") {
            at = past(tokens, at + 1, &["WHEN"])? - 1;
        } else if PLPGSQL_ONLY.iter().any(|w| keyword(token, w)) {
            return None;
        } else {
            return Some(at);
        }
    }
}

/// The index just past the first of `words` at parenthesis depth 0, from `from`.
fn past(tokens: &[TokenWithSpan], from: usize, words: &[&str]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(from) {
        match &token.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            other if depth == 0 && words.iter().any(|w| keyword(other, w)) => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn keyword(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

fn starts_with_any(sql: &str, words: &[&str]) -> bool {
    let first = sql
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default();
    words.iter().any(|w| first.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(String, bool)> {
        statements(body)
            .expect("splits")
            .into_iter()
            .map(|s| {
                assert!(
                    body[s.offset..].starts_with(&s.sql[..s.sql.len().min(6)]),
                    "offset of {:?} points at {:?}",
                    s.sql,
                    &body[s.offset..]
                );
                (s.sql, s.executed)
            })
            .collect()
    }

    #[test]
    fn finds_statements_behind_control_structure() {
        let body = "
DECLARE
  n int := 0;
  r record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad', 'ok');
  ELSIF n > 1 THEN
    ALTER TABLE t ADD COLUMN c int;
  ELSE
    RAISE NOTICE 'nothing; to do';
  END IF;
  FOR r IN SELECT id FROM t LOOP
    UPDATE t SET c = 1 WHERE id = r.id;
  END LOOP;
  <<outer>>
  BEGIN
    DELETE FROM sessions;
  EXCEPTION WHEN undefined_table THEN
    NULL;
  END;
  PERFORM pg_sleep(0);
  n := n + 1;
END
";
        assert_eq!(
            found(body),
            vec![
                ("CREATE TYPE mood AS ENUM ('sad', 'ok')".to_string(), false),
                ("ALTER TABLE t ADD COLUMN c int".to_string(), false),
                ("UPDATE t SET c = 1 WHERE id = r.id".to_string(), false),
                ("DELETE FROM sessions".to_string(), false),
            ]
        );
    }

    #[test]
    fn reads_execute_of_a_literal_only() {
        let body = "BEGIN
  EXECUTE 'CREATE INDEX i ON t (c)';
  EXECUTE $q$UPDATE t SET note = 'it''s'$q$;
  EXECUTE 'ALTER TABLE ' || quote_ident(name) || ' ADD COLUMN c int';
  EXECUTE format('DROP TABLE %I', name);
  EXECUTE 'SELECT count(*) FROM t' INTO n;
END";
        let statements = statements(body).expect("splits");
        let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            vec![
                "CREATE INDEX i ON t (c)",
                "UPDATE t SET note = 'it''s'",
                "SELECT count(*) FROM t"
            ]
        );
        assert!(statements.iter().all(|s| s.executed));
        assert_eq!(&body[statements[0].offset..][..6], "CREATE");
        assert!(statements[1].dml);
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for body in [
            "",
            ";",
            "BEGIN",
            "IF x THEN",
            "<<",
            "EXECUTE",
            "DECLARE x",
            "CASE",
        ] {
            let _ = statements(body);
        }
        assert!(statements("BEGIN 'unterminated").is_err());
    }
}
