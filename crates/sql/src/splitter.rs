//! Finds where each statement ends, the way each database's own shell does: psql, the mysql
//! client and the sqlite3 shell. The scanner already hides terminators inside comments, strings
//! and quoted bodies; what is left here is the per-dialect reasons a `;` does not end a statement.

use crate::error::SplitError;
use crate::scanner::{Scanner, Token, TokenKind, is_space};
use crate::statement::{LineIndex, Statement};
use dbwarden_core::Dialect;

/// A statement together with its tokens, from its first token to its last (the terminator
/// excluded), for callers that look inside statements.
#[derive(Debug, Clone)]
pub(crate) struct ScannedStatement {
    pub(crate) statement: Statement,
    pub(crate) tokens: Vec<Token>,
}

/// Splits `source` into statements, keeping each statement's tokens.
pub(crate) fn split_scanned(
    source: &str,
    dialect: Dialect,
) -> Result<Vec<ScannedStatement>, SplitError> {
    let lines = LineIndex::new(source);
    let mut scanner = Scanner::new(source, dialect, &lines);
    let mut statements = Vec::new();
    // Tokens of the statement being read, from its first significant token on.
    let mut pending: Vec<Token> = Vec::new();
    let mut boundary = StatementBoundary::new(dialect);

    while let Some(token) = scanner.next_token()? {
        if pending.is_empty() {
            if token.kind.is_leading_trivia() || token.kind == TokenKind::Delimiter {
                // Spacing, comments and empty statements (`;;`) are not statements.
                continue;
            }
            if dialect == Dialect::Mysql && is_delimiter_command(source, &lines, &token) {
                let command = parse_delimiter_command(source, &lines, &token)?;
                scanner.set_delimiter(command.delimiter);
                scanner.skip_to(command.line_end);
                continue;
            }
        }
        if token.kind == TokenKind::Delimiter && boundary.delimiter_ends_statement() {
            statements.extend(finish_statement(source, &lines, &pending));
            pending.clear();
            boundary = StatementBoundary::new(dialect);
            continue;
        }
        boundary.observe(&token, source);
        pending.push(token);
    }
    statements.extend(finish_statement(source, &lines, &pending));
    Ok(statements)
}

/// Builds the statement from its tokens: everything up to the last token that is not whitespace.
fn finish_statement(source: &str, lines: &LineIndex, tokens: &[Token]) -> Option<ScannedStatement> {
    let first = tokens.first()?;
    let last_index = tokens
        .iter()
        .rposition(|token| token.kind != TokenKind::Whitespace)?;
    let start = first.span.start;
    let mut end = tokens[last_index].span.end;
    // A line comment token stops before `\n` but may keep the `\r` of a CRLF line end.
    while end > start
        && source
            .as_bytes()
            .get(end - 1)
            .copied()
            .is_some_and(is_space)
    {
        end -= 1;
    }
    Some(ScannedStatement {
        statement: Statement {
            sql: source[start..end].to_string(),
            span: start..end,
            line: lines.line_of(start),
        },
        tokens: tokens[..=last_index].to_vec(),
    })
}

/// Per-statement state deciding whether a terminator ends the statement.
enum StatementBoundary {
    /// psql keeps reading past `;` inside parentheses and inside the `BEGIN ... END` of a
    /// `CREATE FUNCTION/PROCEDURE` with a SQL-standard body (`BEGIN ATOMIC`, PostgreSQL 14+).
    Postgres(PostgresBody),
    /// The mysql client ends a statement at every delimiter outside quotes and comments;
    /// routine bodies need `DELIMITER` in the script.
    Mysql,
    /// The sqlite3 shell reads a `CREATE TRIGGER` up to `; END;`.
    Sqlite(TriggerState),
}

impl StatementBoundary {
    fn new(dialect: Dialect) -> Self {
        match dialect {
            Dialect::Postgres => Self::Postgres(PostgresBody::default()),
            Dialect::Mysql => Self::Mysql,
            Dialect::Sqlite => Self::Sqlite(TriggerState::Start),
        }
    }

    /// Records a token of the current statement (never a terminator that ended it).
    fn observe(&mut self, token: &Token, source: &str) {
        let text = &source[token.span.clone()];
        match self {
            Self::Postgres(body) => body.observe(token.kind, text),
            Self::Mysql => {}
            Self::Sqlite(state) => *state = state.after(token.kind, text),
        }
    }

    /// Whether the terminator just read ends the statement; if not, it belongs to the statement
    /// and the caller passes it to [`StatementBoundary::observe`].
    fn delimiter_ends_statement(&self) -> bool {
        match self {
            Self::Postgres(body) => body.paren_depth == 0 && body.begin_depth == 0,
            Self::Mysql => true,
            Self::Sqlite(state) => {
                !matches!(state, TriggerState::Body | TriggerState::AfterSemicolon)
            }
        }
    }
}

/// Mirrors psql's lexer (`psqlscan.l`): it remembers the first words of a statement, and only
/// in `CREATE [OR REPLACE] FUNCTION|PROCEDURE` outside parentheses counts `BEGIN` and `END` (and
/// `CASE`, which also ends with `END`, once inside a `BEGIN`).
#[derive(Default)]
struct PostgresBody {
    leading_words: Vec<String>,
    paren_depth: usize,
    begin_depth: usize,
}

impl PostgresBody {
    const LEADING_WORDS: usize = 4;

    fn observe(&mut self, kind: TokenKind, text: &str) {
        match kind {
            TokenKind::Punctuation if text == "(" => self.paren_depth += 1,
            TokenKind::Punctuation if text == ")" => {
                self.paren_depth = self.paren_depth.saturating_sub(1);
            }
            TokenKind::Word if !text.starts_with(|c: char| c.is_ascii_digit() || c == '$') => {
                let word = text.to_ascii_lowercase();
                if self.leading_words.len() < Self::LEADING_WORDS {
                    self.leading_words.push(word.clone());
                }
                if self.paren_depth == 0 && self.defines_routine() {
                    match word.as_str() {
                        "begin" => self.begin_depth += 1,
                        "case" if self.begin_depth > 0 => self.begin_depth += 1,
                        "end" => self.begin_depth = self.begin_depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn defines_routine(&self) -> bool {
        let words: Vec<&str> = self.leading_words.iter().map(String::as_str).collect();
        matches!(
            words.as_slice(),
            ["create", "function" | "procedure", ..]
                | ["create", "or", "replace", "function" | "procedure", ..]
        )
    }
}

/// The trigger states of SQLite's `sqlite3_complete()`, which the sqlite3 shell uses to decide
/// that a statement is complete: inside `CREATE [TEMP] TRIGGER`, only a `;` that follows `END`
/// right after another `;` ends it. `CASE ... END` inside the body is not preceded by `;`, so
/// it does not end the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerState {
    Start,
    Explain,
    Create,
    /// Inside a trigger, not right after a `;`.
    Body,
    /// Inside a trigger, right after a `;`.
    AfterSemicolon,
    /// Inside a trigger, right after `; END`.
    AfterEnd,
    /// Not a trigger: the next `;` ends the statement.
    Other,
}

impl TriggerState {
    fn after(self, kind: TokenKind, text: &str) -> Self {
        use TriggerState::*;
        if kind.is_leading_trivia() {
            return self;
        }
        if kind == TokenKind::Delimiter {
            // Only reached inside a trigger body: elsewhere the terminator ends the statement.
            return AfterSemicolon;
        }
        let keyword = if kind == TokenKind::Word {
            text.to_ascii_lowercase()
        } else {
            String::new()
        };
        match (self, keyword.as_str()) {
            (Start, "explain") => Explain,
            (Start | Explain, "create") => Create,
            (Explain, "explain" | "temp" | "temporary" | "trigger" | "end") => Other,
            (Explain, _) => Explain,
            (Create, "temp" | "temporary") => Create,
            (Create, "trigger") => Body,
            (Body | AfterEnd, _) => Body,
            (AfterSemicolon, "end") => AfterEnd,
            (AfterSemicolon, _) => Body,
            (Start | Create | Other, _) => Other,
        }
    }
}

/// A mysql client `DELIMITER` command line.
struct DelimiterCommand {
    delimiter: String,
    /// Offset of the `\n` ending the command line (or of the end of the script).
    line_end: usize,
}

/// The mysql client takes `delimiter` as a command only as the first word of a line while no
/// statement is pending (mysql.cc, `read_and_execute`), and only when a space or the line end
/// follows it (`delimiter;` is SQL).
fn is_delimiter_command(source: &str, lines: &LineIndex, token: &Token) -> bool {
    let before_on_line = &source[lines.line_start_of(token.span.start)..token.span.start];
    token.kind == TokenKind::Word
        && source[token.span.clone()].eq_ignore_ascii_case("delimiter")
        && before_on_line
            .trim_start_matches('\u{feff}')
            .bytes()
            .all(is_space)
        && source
            .as_bytes()
            .get(token.span.end)
            .is_none_or(|&b| is_space(b))
}

/// Reads the argument of a `DELIMITER` command: the next word, or a quoted string; the rest of
/// the line is ignored, as the mysql client does.
fn parse_delimiter_command(
    source: &str,
    lines: &LineIndex,
    token: &Token,
) -> Result<DelimiterCommand, SplitError> {
    let line = lines.line_of(token.span.start);
    let line_end = source[token.span.end..]
        .find('\n')
        .map_or(source.len(), |at| token.span.end + at);
    let argument = source[token.span.end..line_end]
        .trim_start_matches([' ', '\t'])
        .trim_end_matches('\r');
    let delimiter = match argument.chars().next() {
        Some(quote @ ('\'' | '"' | '`')) => {
            let quoted = &argument[1..];
            quoted.split(quote).next().unwrap_or(quoted)
        }
        _ => argument.split([' ', '\t', '\r']).next().unwrap_or(argument),
    };
    if delimiter.is_empty() {
        return Err(SplitError::MissingDelimiter { line });
    }
    if delimiter.contains('\\') {
        return Err(SplitError::InvalidDelimiter {
            delimiter: delimiter.to_string(),
            line,
        });
    }
    Ok(DelimiterCommand {
        delimiter: delimiter.to_string(),
        line_end,
    })
}

#[cfg(test)]
mod tests {
    use crate::{SplitError, Statement, split};
    use dbwarden_core::Dialect::{self, Mysql, Postgres, Sqlite};

    const ALL_DIALECTS: [Dialect; 3] = [Postgres, Mysql, Sqlite];

    fn sqls(source: &str, dialect: Dialect) -> Vec<String> {
        let statements = split(source, dialect).expect("test source splits");
        assert_spans_slice_back(source, &statements);
        statements.into_iter().map(|s| s.sql).collect()
    }

    fn assert_spans_slice_back(source: &str, statements: &[Statement]) {
        for statement in statements {
            assert_eq!(&source[statement.span.clone()], statement.sql);
        }
    }

    #[test]
    fn empty_and_comment_only_scripts_have_no_statements() {
        for dialect in ALL_DIALECTS {
            assert!(sqls("", dialect).is_empty());
            assert!(sqls(" \n\t\r\n", dialect).is_empty());
            assert!(sqls("-- only a comment\n/* and another */\n;\n;;", dialect).is_empty());
        }
    }

    #[test]
    fn splits_on_semicolons_and_keeps_an_unterminated_last_statement() {
        for dialect in ALL_DIALECTS {
            assert_eq!(
                sqls("SELECT 1;SELECT 2 ;\n\nSELECT 3", dialect),
                ["SELECT 1", "SELECT 2", "SELECT 3"]
            );
        }
    }

    #[test]
    fn leading_comments_are_excluded_and_inner_ones_kept() {
        let source = "-- create it\n/* really */ CREATE TABLE t ( -- the table\n  id int /* key */\n) -- done\n;";
        for dialect in ALL_DIALECTS {
            assert_eq!(
                sqls(source, dialect),
                ["CREATE TABLE t ( -- the table\n  id int /* key */\n) -- done"]
            );
        }
    }

    #[test]
    fn line_numbers_and_spans() {
        let source = "\r\n-- first\r\nSELECT 1;\r\n\r\nSELECT\r\n  2;  SELECT 3";
        for dialect in ALL_DIALECTS {
            let statements = split(source, dialect).expect("splits");
            assert_spans_slice_back(source, &statements);
            let lines: Vec<usize> = statements.iter().map(|s| s.line).collect();
            assert_eq!(lines, [3, 5, 6]);
            assert_eq!(statements[1].sql, "SELECT\r\n  2");
            assert_eq!(statements[1].line_of_offset(9), 6);
        }
    }

    #[test]
    fn line_of_offset_maps_a_postgres_error_position_to_the_file() {
        let source = "SELECT 1;\n\nSELECT a,\n       ünknown(\n  x)";
        let statements = split(source, Postgres).expect("splits");
        let second = &statements[1];
        assert_eq!(second.line, 3);
        let position = second.sql.chars().take_while(|&c| c != 'ü').count() + 1;
        assert_eq!(second.line_of_offset(position), 4);
        assert_eq!(second.line_of_offset(second.sql.chars().count()), 5);
    }

    #[test]
    fn byte_order_mark_is_not_part_of_the_first_statement() {
        assert_eq!(sqls("\u{feff}SELECT 1;", Sqlite), ["SELECT 1"]);
    }

    #[test]
    fn semicolons_in_strings_do_not_split() {
        for dialect in ALL_DIALECTS {
            assert_eq!(
                sqls(
                    "INSERT INTO t VALUES ('a;b', 'it''s; ok');SELECT 2",
                    dialect
                ),
                ["INSERT INTO t VALUES ('a;b', 'it''s; ok')", "SELECT 2"]
            );
        }
    }

    #[test]
    fn backslash_escapes_only_where_the_dialect_has_them() {
        // Standard strings: a backslash is an ordinary character.
        let source = r"SELECT 'a\'; SELECT 2;";
        assert_eq!(sqls(source, Postgres), [r"SELECT 'a\'", "SELECT 2"]);
        assert_eq!(sqls(source, Sqlite), [r"SELECT 'a\'", "SELECT 2"]);
        // MySQL escapes the quote, so the string never ends.
        assert_eq!(
            split(source, Mysql),
            Err(SplitError::UnterminatedString { line: 1 })
        );
        assert_eq!(
            sqls(r#"SELECT 'it\'s;', "say \"hi\"; ""ok""";SELECT 2"#, Mysql),
            [r#"SELECT 'it\'s;', "say \"hi\"; ""ok""""#, "SELECT 2"]
        );
        assert_eq!(
            sqls(r"SELECT E'it\'s; fine', e'\\';SELECT 2", Postgres),
            [r"SELECT E'it\'s; fine', e'\\'", "SELECT 2"]
        );
    }

    #[test]
    fn semicolons_in_quoted_identifiers_do_not_split() {
        assert_eq!(
            sqls("SELECT \"a;\"\"b\" FROM t;SELECT 2", Postgres),
            ["SELECT \"a;\"\"b\" FROM t", "SELECT 2"]
        );
        assert_eq!(
            sqls("SELECT `a;``b` FROM t;SELECT 2", Mysql),
            ["SELECT `a;``b` FROM t", "SELECT 2"]
        );
        assert_eq!(
            sqls("SELECT [a;b], `c;d`, \"e;f\" FROM t;SELECT 2", Sqlite),
            ["SELECT [a;b], `c;d`, \"e;f\" FROM t", "SELECT 2"]
        );
    }

    #[test]
    fn line_comments_hide_semicolons() {
        for dialect in ALL_DIALECTS {
            assert_eq!(
                sqls("SELECT 1 -- not here; nor here\n, 2;", dialect),
                ["SELECT 1 -- not here; nor here\n, 2"]
            );
        }
        assert_eq!(
            sqls("SELECT 1 # hash; comment\n, 2;", Mysql),
            ["SELECT 1 # hash; comment\n, 2"]
        );
    }

    #[test]
    fn mysql_double_dash_needs_a_following_space() {
        let source = "SELECT 1--;\nSELECT 2;";
        assert_eq!(sqls(source, Mysql), ["SELECT 1--", "SELECT 2"]);
        assert_eq!(sqls(source, Postgres), ["SELECT 1--;\nSELECT 2"]);
    }

    #[test]
    fn block_comments_nest_in_postgres_only() {
        let source = "/* a /* b */ ; */ SELECT 1;";
        assert_eq!(sqls(source, Postgres), ["SELECT 1"]);
        assert_eq!(sqls(source, Mysql), ["*/ SELECT 1"]);
        assert_eq!(sqls(source, Sqlite), ["*/ SELECT 1"]);
    }

    #[test]
    fn mysql_executable_comments_are_statements() {
        let source = "/*!40101 SET @saved = @@character_set_client */;\n\
                      /*!40101 SET character_set_client = utf8mb4 */;\n\
                      /* plain comment */;\nSELECT /*+ MAX_EXECUTION_TIME(1) */ 1;";
        assert_eq!(
            sqls(source, Mysql),
            [
                "/*!40101 SET @saved = @@character_set_client */",
                "/*!40101 SET character_set_client = utf8mb4 */",
                "SELECT /*+ MAX_EXECUTION_TIME(1) */ 1",
            ]
        );
    }

    #[test]
    fn postgres_dollar_quoted_bodies() {
        let source = "CREATE FUNCTION f() RETURNS int AS $$\n  SELECT 1; -- ;\n$$ LANGUAGE sql;\n\
                      CREATE FUNCTION g() RETURNS text AS $body$\n  SELECT $$;'$$;\n$body$ LANGUAGE sql;\n\
                      DO $do$ BEGIN PERFORM 1; END $do$;";
        assert_eq!(
            sqls(source, Postgres),
            [
                "CREATE FUNCTION f() RETURNS int AS $$\n  SELECT 1; -- ;\n$$ LANGUAGE sql",
                "CREATE FUNCTION g() RETURNS text AS $body$\n  SELECT $$;'$$;\n$body$ LANGUAGE sql",
                "DO $do$ BEGIN PERFORM 1; END $do$",
            ]
        );
    }

    #[test]
    fn postgres_parameters_are_not_dollar_quotes() {
        assert_eq!(
            sqls(
                "PREPARE p(int) AS SELECT $1;EXECUTE p(1);SELECT a$b$ FROM t",
                Postgres
            ),
            [
                "PREPARE p(int) AS SELECT $1",
                "EXECUTE p(1)",
                "SELECT a$b$ FROM t"
            ]
        );
    }

    #[test]
    fn postgres_semicolons_inside_parentheses_do_not_split() {
        // Multi-action rules: psql keeps reading until the parentheses close.
        let source = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;";
        assert_eq!(
            sqls(source, Postgres),
            [
                "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
                "SELECT 1",
            ]
        );
    }

    #[test]
    fn postgres_begin_atomic_bodies() {
        let source = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
                      SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\n\
                      create or replace procedure p() begin atomic insert into t values (1); end;\n\
                      BEGIN;\nSELECT 1;\nCOMMIT;";
        assert_eq!(
            sqls(source, Postgres),
            [
                "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
                 SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND",
                "create or replace procedure p() begin atomic insert into t values (1); end",
                "BEGIN",
                "SELECT 1",
                "COMMIT",
            ]
        );
    }

    #[test]
    fn begin_and_end_outside_routines_do_not_group() {
        // Only CREATE FUNCTION/PROCEDURE bodies are tracked; a column named `end` is harmless.
        assert_eq!(
            sqls(
                "CREATE TABLE t (b int, \"end\" int);SELECT 1 AS begin;SELECT 2",
                Postgres
            ),
            [
                "CREATE TABLE t (b int, \"end\" int)",
                "SELECT 1 AS begin",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn mysql_delimiter_switches_the_terminator() {
        let source = "CREATE TABLE t (id int);\n\
                      DELIMITER $$\n\
                      CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT ';';\nEND$$\n\
                      delimiter //\n\
                      CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = 1; END //\n\
                        Delimiter ;  -- back to normal\n\
                      SELECT 2;";
        let statements = split(source, Mysql).expect("splits");
        assert_spans_slice_back(source, &statements);
        let summary: Vec<(usize, &str)> = statements
            .iter()
            .map(|s| (s.line, s.sql.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (1, "CREATE TABLE t (id int)"),
                (
                    3,
                    "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT ';';\nEND"
                ),
                (
                    9,
                    "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = 1; END"
                ),
                (11, "SELECT 2"),
            ]
        );
    }

    #[test]
    fn mysql_delimiter_forms() {
        // mysqldump writes `DELIMITER ;;`; quoted delimiters are allowed; CRLF is tolerated.
        let source = "DELIMITER ;;\r\nSELECT 1; SELECT 2;;\r\nDELIMITER '$$'\r\nSELECT 3$$\r\nDELIMITER ;\r\nSELECT 4;";
        assert_eq!(
            sqls(source, Mysql),
            ["SELECT 1; SELECT 2", "SELECT 3", "SELECT 4"]
        );
    }

    #[test]
    fn delimiter_is_only_a_command_at_the_start_of_a_statement_line() {
        // Inside a pending statement, `delimiter` is just a word (here a column name).
        let source = "CREATE TABLE t (\n  delimiter varchar(1)\n);\nSELECT delimiter FROM t;";
        assert_eq!(
            sqls(source, Mysql),
            [
                "CREATE TABLE t (\n  delimiter varchar(1)\n)",
                "SELECT delimiter FROM t"
            ]
        );
        // Other dialects have no DELIMITER command.
        assert_eq!(
            sqls("DELIMITER //\nSELECT 1;", Postgres),
            ["DELIMITER //\nSELECT 1"]
        );
        // Followed by something other than a space, it is SQL.
        assert_eq!(sqls("delimiter;", Mysql), ["delimiter"]);
    }

    #[test]
    fn delimiter_command_on_the_first_line_after_a_byte_order_mark() {
        assert_eq!(
            sqls("\u{feff}DELIMITER //\nSELECT 1; SELECT 2//", Mysql),
            ["SELECT 1; SELECT 2"]
        );
    }

    #[test]
    fn malformed_delimiter_commands() {
        assert_eq!(
            split("SELECT 1;\nDELIMITER\nSELECT 2;", Mysql),
            Err(SplitError::MissingDelimiter { line: 2 })
        );
        assert_eq!(
            split("DELIMITER \\\\\n", Mysql),
            Err(SplitError::InvalidDelimiter {
                delimiter: "\\\\".to_string(),
                line: 1
            })
        );
    }

    #[test]
    fn sqlite_trigger_bodies_do_not_split() {
        let source = "CREATE TEMP TRIGGER IF NOT EXISTS tr AFTER INSERT ON t\nBEGIN\n  \
                      UPDATE t SET c = CASE WHEN NEW.c > 0 THEN 1 ELSE 0 END;\n  \
                      INSERT INTO log VALUES ('end;');\nEND;\n\
                      CREATE TABLE after_trigger (id int);\n\
                      EXPLAIN CREATE TRIGGER tr2 AFTER DELETE ON t BEGIN DELETE FROM log; END;";
        assert_eq!(
            sqls(source, Sqlite),
            [
                "CREATE TEMP TRIGGER IF NOT EXISTS tr AFTER INSERT ON t\nBEGIN\n  \
                 UPDATE t SET c = CASE WHEN NEW.c > 0 THEN 1 ELSE 0 END;\n  \
                 INSERT INTO log VALUES ('end;');\nEND",
                "CREATE TABLE after_trigger (id int)",
                "EXPLAIN CREATE TRIGGER tr2 AFTER DELETE ON t BEGIN DELETE FROM log; END",
            ]
        );
    }

    #[test]
    fn sqlite_begin_outside_triggers_splits() {
        assert_eq!(
            sqls("BEGIN;\nCREATE TABLE t (x);\nEND;", Sqlite),
            ["BEGIN", "CREATE TABLE t (x)", "END"]
        );
    }

    #[test]
    fn unterminated_constructs_report_their_opening_line() {
        let cases: [(&str, Dialect, SplitError); 8] = [
            (
                "SELECT 1;\nSELECT 'oops;\n",
                Postgres,
                SplitError::UnterminatedString { line: 2 },
            ),
            (
                "SELECT \"oops;",
                Sqlite,
                SplitError::UnterminatedQuotedIdentifier { line: 1 },
            ),
            (
                "SELECT `oops;",
                Mysql,
                SplitError::UnterminatedQuotedIdentifier { line: 1 },
            ),
            (
                "SELECT [oops;",
                Sqlite,
                SplitError::UnterminatedQuotedIdentifier { line: 1 },
            ),
            (
                "\n\nSELECT \"oops;",
                Mysql,
                SplitError::UnterminatedString { line: 3 },
            ),
            (
                "SELECT 1;\n/* a /* b */\nSELECT 2;",
                Postgres,
                SplitError::UnterminatedComment { line: 2 },
            ),
            ("/* a ", Mysql, SplitError::UnterminatedComment { line: 1 }),
            (
                "CREATE FUNCTION f() AS $body$\nSELECT 1;\n$$;",
                Postgres,
                SplitError::UnterminatedDollarQuote {
                    tag: "$body$".to_string(),
                    line: 1,
                },
            ),
        ];
        for (source, dialect, expected) in cases {
            assert_eq!(
                split(source, dialect),
                Err(expected),
                "{source:?} in {dialect}"
            );
        }
    }

    #[test]
    fn error_messages_name_the_line_and_the_fix() {
        let error = split("SELECT $fn$ body", Postgres).expect_err("unterminated");
        assert_eq!(
            error.to_string(),
            "line 1: the body opened with $fn$ is never closed; end it with the same $fn$ \
             (the tag must match exactly, including case)"
        );
    }
}
