//! Migration lint: catches the statement that takes production down before it runs — the
//! index built without `CONCURRENTLY` on a hot table, the column dropped while code still reads
//! it, the `NOT NULL` that scans 50 million rows under an exclusive lock.
//!
//! A file is split into statements exactly as the runner executes them
//! ([`dbwarden_sql::split`]), each statement is parsed with `sqlparser` for its dialect, and
//! every rule that applies to the dialect looks at it. Each [`Finding`] says what is wrong, why
//! (the lock, the rewrite, the code that breaks) and, where one exists, the safe alternative as
//! SQL for that very statement. A statement the parser cannot read is listed in
//! [`LintReport::unparsed`], never skipped silently.
//!
//! Pure: no I/O, no clock, no database. One file per rule in `src/rules/`, each with its tests;
//! one page per rule in `docs/lint/<rule-id>.md`, generated from the rules.
//!
//! ```
//! use dbwarden_core::Dialect;
//! use dbwarden_lint::{LintConfig, LintInput, Rule, lint};
//!
//! let input = LintInput {
//!     path: "migrations/0007_orders_email.sql",
//!     source: "CREATE INDEX orders_email ON orders (email);",
//!     dialect: Dialect::Postgres,
//! };
//! let report = lint(&input, &LintConfig::default());
//! let finding = &report.findings[0];
//! assert_eq!(finding.rule, Rule::RequireConcurrentIndex);
//! assert!(finding.fix.as_deref().unwrap().contains("CREATE INDEX CONCURRENTLY orders_email"));
//! assert!(report.has_blocking());
//! ```
//!
//! The linter never panics on any input: the parser runs behind `catch_unwind`, and property
//! tests feed it random bytes and random statement soup. For a long soak (the issue asks for
//! five minutes without a panic; see `docs/lint/fuzz.md`):
//!
//! ```text
//! DBWARDEN_FUZZ_SECONDS=300 cargo test -p dbwarden-lint --release -- --ignored soak --nocapture
//! ```
//!
//! A finding is accepted for one statement by a comment with a reason, above it or inside it:
//!
//! ```sql
//! -- dbwarden:allow drop-column nothing reads users.legacy since release 42
//! ALTER TABLE users DROP COLUMN legacy;
//! ```

mod analysis;
mod columns;
mod config;
mod documentation;
mod effects;
mod file;
mod identifiers;
mod locks;
mod plpgsql;
mod report;
mod rule;
mod rules;
mod settings;
mod suppression;
mod table_work;
mod version;

pub use config::LintConfig;
pub use effects::{StatementEffect, TableName, effect_of, statement_effects};
pub use report::{Finding, LintReport, Unparsed};
pub use rule::{Category, Rule, Severity, UnknownRule};
pub use version::{Engine, TargetVersion, VersionError};

use analysis::Parsed;
use dbwarden_core::Dialect;
use dbwarden_sql::SplitError;
use file::{FileContext, StatementContext};
use rules::Violation;
use suppression::Allow;

/// One migration file to lint.
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    /// How to name the file in findings.
    pub path: &'a str,
    /// Its contents.
    pub source: &'a str,
    /// The engine it is written for.
    pub dialect: Dialect,
}

/// Lints one migration file.
pub fn lint(input: &LintInput, config: &LintConfig) -> LintReport {
    let statements = match dbwarden_sql::split(input.source, input.dialect) {
        Ok(statements) => statements,
        Err(error) => return unsplittable(input, &error),
    };
    let file = FileContext::new(input.source, input.dialect, statements)
        .with_target(config.target_version);
    let allows = suppression::allows_per_statement(input.source, &file);
    let rules: Vec<Rule> = Rule::all()
        .iter()
        .copied()
        .filter(|&rule| rule.applies_to(input.dialect) && config.is_enabled(rule))
        .collect();
    let mut report = LintReport::default();
    for (index, own_allows) in allows.iter().enumerate() {
        let cx = StatementContext { file: &file, index };
        // A statement in a DO block is allowed by the comments around the block.
        let statement_allows = match cx.enclosing() {
            Some(enclosing) => allows.get(enclosing.block).map_or(&[][..], Vec::as_slice),
            None => own_allows.as_slice(),
        };
        for allow in own_allows {
            if let Some((rule, violation)) = rules::misused_allow(allow)
                && rules.contains(&rule)
            {
                report
                    .findings
                    .push(allow_finding(input, config, allow, rule, violation));
            }
        }
        for &rule in &rules {
            for violation in rules::check(rule, &cx) {
                report.findings.push(statement_finding(
                    input,
                    config,
                    &cx,
                    statement_allows,
                    rule,
                    violation,
                ));
            }
        }
        let analyzed = cx.analyzed();
        if let Parsed::Unreadable(message) = &analyzed.parsed {
            let message = match analyzed.enclosing {
                None => Some(message.clone()),
                Some(enclosing) if enclosing.report_unparsed => Some(format!(
                    "in the DO block on line {}: {message}",
                    enclosing.line
                )),
                Some(_) => None,
            };
            if let Some(message) = message {
                report.unparsed.push(Unparsed {
                    file: input.path.to_string(),
                    line: analyzed.statement.line,
                    excerpt: first_line(&analyzed.statement.sql),
                    message,
                });
            }
        }
    }
    report
        .findings
        .sort_by_key(|finding| (finding.line, finding.column));
    report
}

/// Lints many files, spread over the machine's cores; the reports come back in input order.
/// Files are independent, so this gives the same reports as [`lint`] on each in turn.
pub fn lint_all(inputs: &[LintInput], config: &LintConfig) -> Vec<LintReport> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        // A thread per handful of files at least: starting one costs more than a small file.
        .min(inputs.len().div_ceil(16))
        .max(1);
    if threads == 1 {
        return inputs.iter().map(|input| lint(input, config)).collect();
    }
    let chunk = inputs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = inputs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|input| lint(input, config))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(reports) => reports,
                // `lint` does not panic (see the property tests); if it ever did, the panic
                // belongs to the caller, as with `lint` itself.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn statement_finding(
    input: &LintInput,
    config: &LintConfig,
    cx: &StatementContext,
    allows: &[Allow],
    rule: Rule,
    violation: Violation,
) -> Finding {
    let statement = &cx.analyzed().statement;
    let (start_line, start_column) = cx.file.line_and_column(input.source, statement.span.start);
    let (line, column) = match violation.at {
        Some(span) if span.start.line > 0 => {
            let line = span.start.line as usize;
            let column = span.start.column as usize;
            if line == 1 {
                (start_line, (start_column + column).saturating_sub(1).max(1))
            } else {
                (start_line + line - 1, column.max(1))
            }
        }
        _ => (start_line, start_column),
    };
    let allowed = allows
        .iter()
        .find_map(|allow| allow.reason_for(rule))
        .map(str::to_string)
        .or_else(|| config_allowance(config, rule));
    let (message, why) = match cx.enclosing() {
        None => (violation.message, violation.why),
        Some(enclosing) => (
            format!(
                "{} (in the DO block on line {})",
                violation.message, enclosing.line
            ),
            format!(
                "{} The statement runs inside the DO block on line {}, in one transaction with \
                 the block: a form that cannot run in a transaction (CONCURRENTLY) has to move \
                 out of the block into a migration of its own.",
                violation.why, enclosing.line
            ),
        ),
    };
    Finding {
        rule,
        severity: config.severity(rule),
        file: input.path.to_string(),
        line,
        column,
        excerpt: first_line(&statement.sql),
        message: one_line(&message),
        why,
        fix: violation.fix,
        allowed,
    }
}

fn allow_finding(
    input: &LintInput,
    config: &LintConfig,
    allow: &Allow,
    rule: Rule,
    violation: Violation,
) -> Finding {
    Finding {
        rule,
        severity: config.severity(rule),
        file: input.path.to_string(),
        line: allow.line,
        column: allow.column,
        excerpt: allow.text.clone(),
        message: one_line(&violation.message),
        why: violation.why,
        fix: violation.fix,
        allowed: config_allowance(config, rule),
    }
}

fn config_allowance(config: &LintConfig, rule: Rule) -> Option<String> {
    config
        .is_allowed(rule)
        .then(|| format!("allowed for this run (--allow {rule})"))
}

/// A file the splitter cannot cut: nothing in it can be checked, so the whole file is reported
/// as unparsed at the line the splitter names.
fn unsplittable(input: &LintInput, error: &SplitError) -> LintReport {
    let line = error
        .to_string()
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|number| number.parse().ok())
        .filter(|&line| line > 0)
        .unwrap_or(1);
    LintReport {
        findings: Vec::new(),
        unparsed: vec![Unparsed {
            file: input.path.to_string(),
            line,
            excerpt: input
                .source
                .lines()
                .nth(line - 1)
                .map(|text| text.trim().to_string())
                .unwrap_or_default(),
            message: error.to_string(),
        }],
    }
}

/// Messages are one line; a quoted identifier may hold a line break.
fn one_line(message: &str) -> String {
    message.replace('\n', "\\n").replace('\r', "\\r")
}

fn first_line(sql: &str) -> String {
    sql.lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(source: &str) -> LintReport {
        lint(
            &LintInput {
                path: "m.sql",
                source,
                dialect: Dialect::Postgres,
            },
            &LintConfig::default(),
        )
    }

    #[test]
    fn statements_the_parser_rejects_are_reported_not_skipped() {
        let source = "CREATE TABLE t (id bigint);\n\
                      ALTER TABLE t ALTER COLUMN id\n  SET STATISTICS 500;\n\
                      DROP TABLE users;\n";
        let report = pg(source);
        assert_eq!(report.unparsed.len(), 1, "{report:#?}");
        let unparsed = &report.unparsed[0];
        assert_eq!(unparsed.line, 2);
        assert_eq!(unparsed.excerpt, "ALTER TABLE t ALTER COLUMN id");
        assert!(
            unparsed.message.contains("found: SET at line 3, column 3"),
            "{}",
            unparsed.message
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == Rule::DropTable && f.line == 4),
            "statements after it are still linted"
        );
    }

    #[test]
    fn an_unsplittable_file_is_one_unparsed_entry() {
        let report = pg("SELECT 1;\nSELECT 'never closed;\n");
        assert!(report.findings.is_empty());
        assert_eq!(report.unparsed.len(), 1);
        assert_eq!(report.unparsed[0].line, 2);
        assert_eq!(report.unparsed[0].excerpt, "SELECT 'never closed;");
    }

    #[test]
    fn empty_and_comment_only_files_are_clean() {
        assert_eq!(pg(""), LintReport::default());
        assert_eq!(pg("-- nothing yet\n"), LintReport::default());
    }

    #[test]
    fn configuration_disables_overrides_and_allows() {
        let input = LintInput {
            path: "m.sql",
            source: "CREATE INDEX i ON t (c);\nALTER TABLE t DROP COLUMN c;\n",
            dialect: Dialect::Postgres,
        };
        let config = LintConfig {
            disabled: vec![Rule::DropColumn],
            severity_overrides: vec![(Rule::RequireConcurrentIndex, Severity::Warning)],
            allowed: vec![Rule::MissingLockTimeout],
            target_version: None,
        };
        let report = lint(&input, &config);
        assert!(report.findings.iter().all(|f| f.rule != Rule::DropColumn));
        let index = report
            .findings
            .iter()
            .find(|f| f.rule == Rule::RequireConcurrentIndex)
            .expect("index finding");
        assert_eq!(index.severity, Severity::Warning);
        let timeout = report
            .findings
            .iter()
            .find(|f| f.rule == Rule::MissingLockTimeout)
            .expect("timeout finding");
        assert_eq!(
            timeout.allowed.as_deref(),
            Some("allowed for this run (--allow missing-lock-timeout)")
        );
        assert!(!report.has_blocking());
    }

    #[test]
    fn findings_point_at_the_offending_part() {
        let report = pg("SELECT 1;\n  ALTER TABLE users\n    DROP COLUMN legacy;\n");
        let drop = report
            .findings
            .iter()
            .find(|f| f.rule == Rule::DropColumn)
            .expect("drop-column");
        assert_eq!((drop.line, drop.column), (3, 17));
        assert_eq!(drop.excerpt, "ALTER TABLE users");
        assert_eq!(drop.file, "m.sql");
    }

    #[test]
    fn do_block_bodies_are_linted_at_their_lines() {
        let source = "SELECT 1;\n\
                      DO $$\n\
                      BEGIN\n\
                      \x20 IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN\n\
                      \x20   CREATE TYPE mood AS ENUM ('sad', 'ok');\n\
                      \x20 END IF;\n\
                      \x20 UPDATE users SET mood = 'ok';\n\
                      \x20 EXECUTE 'CREATE INDEX users_mood ON users (mood)';\n\
                      \x20 DELETE FROM sessions;\n\
                      \x20 ALTER TABLE orders DROP COLUMN legacy;\n\
                      END\n\
                      $$;\n";
        let report = pg(source);
        assert!(report.unparsed.is_empty(), "{:#?}", report.unparsed);
        let at = |rule: Rule| {
            report
                .findings
                .iter()
                .find(|f| f.rule == rule)
                .map(|f| (f.line, f.column))
        };
        assert_eq!(at(Rule::UpdateWithoutWhere), Some((7, 3)));
        assert_eq!(at(Rule::RequireConcurrentIndex), Some((8, 12)));
        assert_eq!(at(Rule::DeleteWithoutWhere), Some((9, 3)));
        assert_eq!(at(Rule::DropColumn), Some((10, 34)));
        assert_eq!(at(Rule::SchemaChangeWithBackfill), Some((7, 3)));
        let drop = report
            .findings
            .iter()
            .find(|f| f.rule == Rule::DropColumn)
            .expect("drop-column");
        assert!(
            drop.message.ends_with("(in the DO block on line 2)"),
            "{}",
            drop.message
        );
        assert_eq!(drop.excerpt, "ALTER TABLE orders DROP COLUMN legacy");
        assert!(drop.why.contains("inside the DO block on line 2"));
    }

    #[test]
    fn do_blocks_are_one_transaction_even_without_one() {
        let source = "-- dbwarden:no-transaction\n\
                      DO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY i ON t (c)'; END $$;\n";
        let report = pg(source);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == Rule::ConcurrentIndexInTransaction),
            "{report:#?}"
        );
        let quiet = pg("-- dbwarden:no-transaction\n\
                        CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n");
        assert!(quiet.findings.is_empty(), "{quiet:#?}");
    }

    #[test]
    fn allow_comments_around_a_do_block_cover_its_body() {
        let source = "-- dbwarden:allow update-without-where users has 40 rows\n\
                      DO $$ BEGIN UPDATE users SET plan = 'free'; END $$;\n";
        let report = pg(source);
        let update = report
            .findings
            .iter()
            .find(|f| f.rule == Rule::UpdateWithoutWhere)
            .expect("update-without-where");
        assert_eq!(update.allowed.as_deref(), Some("users has 40 rows"));
        assert!(!report.has_blocking(), "{report:#?}");
    }

    #[test]
    fn harmless_do_blocks_and_unreadable_dml_stay_quiet() {
        for source in [
            "DO $$ BEGIN RAISE NOTICE 'hello'; END $$;",
            "DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM t; END $$;",
            "DO $$ BEGIN INSERT INTO t (a) VALUES (1) RETURNING id INTO n; END $$;",
            "DO LANGUAGE plpython3u $$ print('x; y') $$;",
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'm') THEN CREATE TYPE m AS ENUM ('a'); END IF; END $$;",
        ] {
            let report = pg(source);
            assert!(report.findings.is_empty(), "{source}: {report:#?}");
            assert!(report.unparsed.is_empty(), "{source}: {report:#?}");
        }
        let broken = pg("DO $$ BEGIN EXECUTE 'ALTER TABLE t FROBNICATE'; END $$;");
        assert_eq!(broken.unparsed.len(), 1, "{broken:#?}");
        assert!(
            broken.unparsed[0]
                .message
                .starts_with("in the DO block on line 1: ")
        );
    }

    #[test]
    fn lint_all_matches_lint_file_by_file_in_order() {
        let sources: Vec<String> = (0..100)
            .map(|i| match i % 3 {
                0 => format!("CREATE INDEX i{i} ON t (c);"),
                1 => format!("ALTER TABLE t{i} DROP COLUMN c;\nUPDATE t SET a = {i};"),
                _ => "SELECT 1;".to_string(),
            })
            .collect();
        let names: Vec<String> = (0..100).map(|i| format!("{i}.sql")).collect();
        let inputs: Vec<LintInput> = sources
            .iter()
            .zip(&names)
            .map(|(source, path)| LintInput {
                path,
                source,
                dialect: Dialect::Postgres,
            })
            .collect();
        let config = LintConfig::default();
        let one_by_one: Vec<LintReport> = inputs.iter().map(|i| lint(i, &config)).collect();
        assert_eq!(lint_all(&inputs, &config), one_by_one);
        assert!(lint_all(&[], &config).is_empty());
    }

    #[test]
    fn findings_serialize_with_rule_ids() {
        let report = pg("DROP TABLE users;");
        let json = serde_json::to_value(&report).expect("serializes");
        assert_eq!(json["findings"][0]["rule"], "drop-table");
        assert_eq!(json["findings"][0]["severity"], "error");
        assert_eq!(json["findings"][0]["allowed"], serde_json::Value::Null);
        assert_eq!(json["unparsed"], serde_json::json!([]));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            select(vec![
                "CREATE",
                "INDEX",
                "CONCURRENTLY",
                "ON",
                "TABLE",
                "ALTER",
                "ADD",
                "COLUMN",
                "DROP",
                "SET",
                "NOT",
                "NULL",
                "DEFAULT",
                "now()",
                "TYPE",
                "UNIQUE",
                "PRIMARY",
                "KEY",
                "REFERENCES",
                "CHECK",
                "VALID",
                "RENAME",
                "TO",
                "UPDATE",
                "DELETE",
                "FROM",
                "WHERE",
                "TRUNCATE",
                "CASCADE",
                "BEGIN",
                "COMMIT",
                "VACUUM",
                "FULL",
                "REINDEX",
                "CLUSTER",
                "ALGORITHM=INSTANT",
                "LOCK=NONE",
                "t",
                "c",
                "(",
                ")",
                ",",
                ";",
                "'x'",
                "$$",
                "--",
                "\n",
                "-- dbwarden:allow ",
                "drop-column",
                "-- dbwarden:no-transaction\n",
                "SERIAL",
                "int",
                "json",
                "timestamp",
                "lock_timeout",
                "=",
                "'1s'",
                "\"q\"",
                "`b`",
                "IF",
                "EXISTS",
                "DO",
                "DO $$ BEGIN ",
                " END $$",
                "$body$",
                "EXECUTE",
                "THEN",
                "LOOP",
                "<<l>>",
                "DECLARE",
                "LANGUAGE plpgsql",
                "FUNCTION",
                "PROCEDURE",
                "TRIGGER",
                "DELIMITER //\n",
                "//",
                "DELIMITER ;\n",
                "CONVERT TO CHARACTER SET utf8mb4",
                "ENGINE=InnoDB",
                "SEQUENCE",
                "statement_timeout",
                "COMMENT",
            ])
            .prop_map(str::to_string),
            "\\PC{0,6}",
        ]
    }

    /// Whole statements of every kind the linter reads, to be cut short at random.
    fn statement() -> impl Strategy<Value = &'static str> {
        select(vec![
            "CREATE INDEX i ON t (c);",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);",
            "ALTER TABLE t ADD COLUMN c uuid NOT NULL DEFAULT gen_random_uuid();",
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint;",
            "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID;",
            "ALTER TABLE t VALIDATE CONSTRAINT k;",
            "SET LOCAL lock_timeout = '5s';",
            "SET statement_timeout = 0;",
            "UPDATE t SET c = 1;",
            "DELETE FROM t WHERE id < 10;",
            "DO $$ BEGIN IF x THEN EXECUTE 'CREATE INDEX i ON t (c)'; END IF; UPDATE t SET c = 1; END $$;",
            "DO LANGUAGE plpgsql $b$ DECLARE n int; BEGIN <<l>> LOOP EXIT; END LOOP; END $b$;",
            "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;",
            "ALTER SEQUENCE IF EXISTS s RESTART WITH 10;",
            "COMMENT ON FUNCTION f(int) IS 'x';",
            "REINDEX TABLE CONCURRENTLY t;",
            "VACUUM (FULL, ANALYZE) t;",
            "DELIMITER //\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END //\nDELIMITER ;\n",
            "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4, ALGORITHM=COPY;",
            "ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;",
            "-- dbwarden:allow drop-table gone\nDROP TABLE t;",
            "-- dbwarden:no-transaction\n",
            "PRAGMA foreign_keys = OFF;",
            "INSERT INTO t (a) VALUES (1), (2) ON CONFLICT DO NOTHING;",
        ])
    }

    /// The statements joined, each cut to at most its number of characters.
    fn soup(statements: &[(&str, usize)]) -> String {
        statements
            .iter()
            .map(|(sql, keep)| sql.chars().take(*keep).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A soak for as long as `DBWARDEN_FUZZ_SECONDS` says (the issue asks for five minutes):
    ///
    /// ```text
    /// DBWARDEN_FUZZ_SECONDS=300 cargo test -p dbwarden-lint --release -- --ignored soak
    /// ```
    ///
    /// Each round draws one input from each strategy above (fragment soup, statement soup,
    /// random bytes, random text) on a random dialect; a panic names the input.
    #[test]
    #[ignore = "long-running soak; set DBWARDEN_FUZZ_SECONDS"]
    fn soak() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        use std::time::{Duration, Instant};
        let seconds: u64 = std::env::var("DBWARDEN_FUZZ_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut runner = TestRunner::default();
        let sources = prop_oneof![
            (
                proptest::collection::vec(fragment(), 0..40),
                select(vec![" ", "\n", ""])
            )
                .prop_map(|(fragments, separator)| fragments.join(separator)),
            proptest::collection::vec((statement(), 0usize..400), 0..12)
                .prop_map(|statements| soup(&statements)),
            proptest::collection::vec(any::<u8>(), 0..300)
                .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
            "\\PC{0,200}",
        ];
        let inputs = (
            sources,
            select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        );
        let mut rounds: u64 = 0;
        while Instant::now() < deadline {
            for _ in 0..100 {
                let Ok(tree) = inputs.new_tree(&mut runner) else {
                    continue;
                };
                let (source, dialect) = tree.current();
                let outcome = std::panic::catch_unwind(|| {
                    lint(
                        &LintInput {
                            path: "p.sql",
                            source: &source,
                            dialect,
                        },
                        &LintConfig::default(),
                    )
                });
                assert!(outcome.is_ok(), "lint panicked on {dialect}: {source:?}");
                rounds += 1;
            }
        }
        println!("soak: {rounds} inputs in {seconds} s without a panic");
    }

    /// 2,000 cases per run; `PROPTEST_CASES` raises it for a long soak (see the crate docs).
    fn fuzz_config() -> ProptestConfig {
        match std::env::var_os("PROPTEST_CASES") {
            Some(_) => ProptestConfig::default(),
            None => ProptestConfig::with_cases(2000),
        }
    }

    proptest! {
        #![proptest_config(fuzz_config())]

        #[test]
        fn linting_never_panics(
            fragments in proptest::collection::vec(fragment(), 0..40),
            separator in select(vec![" ", "\n", ""]),
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            let source = fragments.join(separator);
            let report = lint(&LintInput { path: "p.sql", source: &source, dialect }, &LintConfig::default());
            for finding in &report.findings {
                prop_assert!(finding.line >= 1 && finding.column >= 1);
                prop_assert!(!finding.message.contains('\n'), "{}", finding.message);
            }
        }

        #[test]
        fn statement_soup_never_panics(
            statements in proptest::collection::vec((statement(), 0usize..400), 0..12),
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            let source = soup(&statements);
            let _ = lint(&LintInput { path: "p.sql", source: &source, dialect }, &LintConfig::default());
        }

        #[test]
        fn random_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            let source = String::from_utf8_lossy(&bytes);
            let _ = lint(&LintInput { path: "p.sql", source: &source, dialect }, &LintConfig::default());
        }

        #[test]
        fn random_text_never_panics(
            source in "\\PC{0,200}",
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            let _ = lint(&LintInput { path: "p.sql", source: &source, dialect }, &LintConfig::default());
        }
    }
}
