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
//! five minutes without a panic):
//!
//! ```text
//! PROPTEST_CASES=3000000 cargo test -p dbwarden-lint --release -- properties
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
mod file;
mod identifiers;
mod locks;
mod report;
mod rule;
mod rules;
mod suppression;

pub use config::LintConfig;
pub use report::{Finding, LintReport, Unparsed};
pub use rule::{Category, Rule, Severity, UnknownRule};

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
    let file = FileContext::new(input.source, input.dialect, statements);
    let allows = suppression::allows_per_statement(input.source, &file);
    let rules: Vec<Rule> = Rule::all()
        .iter()
        .copied()
        .filter(|&rule| rule.applies_to(input.dialect) && config.is_enabled(rule))
        .collect();
    let mut report = LintReport::default();
    for (index, statement_allows) in allows.iter().enumerate() {
        let cx = StatementContext { file: &file, index };
        for allow in statement_allows {
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
            report.unparsed.push(Unparsed {
                file: input.path.to_string(),
                line: analyzed.statement.line,
                excerpt: first_line(&analyzed.statement.sql),
                message: message.clone(),
            });
        }
    }
    report
        .findings
        .sort_by_key(|finding| (finding.line, finding.column));
    report
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
    Finding {
        rule,
        severity: config.severity(rule),
        file: input.path.to_string(),
        line,
        column,
        excerpt: first_line(&statement.sql),
        message: one_line(&violation.message),
        why: violation.why,
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
                      CREATE FUNCTION f() RETURNS int COST 10 AS $$\n  SELECT 1;\n$$ LANGUAGE sql;\n\
                      DROP TABLE users;\n";
        let report = pg(source);
        assert_eq!(report.unparsed.len(), 1, "{report:#?}");
        let unparsed = &report.unparsed[0];
        assert_eq!(unparsed.line, 2);
        assert_eq!(
            unparsed.excerpt,
            "CREATE FUNCTION f() RETURNS int COST 10 AS $$"
        );
        assert!(
            unparsed.message.contains("COST at line 2, column 33"),
            "{}",
            unparsed.message
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == Rule::DropTable && f.line == 5),
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
            ])
            .prop_map(str::to_string),
            "\\PC{0,6}",
        ]
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
        fn random_text_never_panics(
            source in "\\PC{0,200}",
            dialect in select(vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]),
        ) {
            let _ = lint(&LintInput { path: "p.sql", source: &source, dialect }, &LintConfig::default());
        }
    }
}
