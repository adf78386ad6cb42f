//! Realistic migrations, one file each under `tests/corpus/<engine>/`. The first line of each
//! file lists the rules it must trigger (`-- expect: rule-a, rule-b`, or nothing), and no
//! statement of valid SQL may come back unparsed.

use dbwarden_core::Dialect;
use dbwarden_lint::{LintConfig, LintInput, lint};
use std::collections::BTreeSet;
use std::path::Path;

fn check_engine(folder: &str, dialect: Dialect) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(folder);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "{} is empty", dir.display());
    for path in entries {
        let source = std::fs::read_to_string(&path).expect("read migration");
        let expected: BTreeSet<&str> = source
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("-- expect:"))
            .unwrap_or_else(|| panic!("{}: first line must be `-- expect: ...`", path.display()))
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .collect();
        let name = path.display().to_string();
        let report = lint(
            &LintInput {
                path: &name,
                source: &source,
                dialect,
            },
            &LintConfig::default(),
        );
        assert!(report.unparsed.is_empty(), "{name}: {:#?}", report.unparsed);
        let found: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.id()).collect();
        assert_eq!(found, expected, "{name}:\n{:#?}", report.findings);
        for finding in &report.findings {
            assert!(!finding.why.is_empty() && !finding.message.is_empty());
        }
    }
}

#[test]
fn postgres_corpus() {
    check_engine("postgres", Dialect::Postgres);
}

#[test]
fn mysql_corpus() {
    check_engine("mysql", Dialect::Mysql);
}

#[test]
fn sqlite_corpus() {
    check_engine("sqlite", Dialect::Sqlite);
}

/// The acceptance bar for the corpus as a whole: a few dozen realistic files (PL/pgSQL
/// functions and DO blocks, MySQL routines and triggers with DELIMITER, large seeds), none of
/// whose statements comes back unparsed.
#[test]
fn corpus_has_no_unparsed_statements() {
    let mut files = 0;
    for (folder, dialect) in [
        ("postgres", Dialect::Postgres),
        ("mysql", Dialect::Mysql),
        ("sqlite", Dialect::Sqlite),
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(folder);
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let source = std::fs::read_to_string(&path).expect("read migration");
            let name = path.display().to_string();
            let report = lint(
                &LintInput {
                    path: &name,
                    source: &source,
                    dialect,
                },
                &LintConfig::default(),
            );
            assert_eq!(report.unparsed, Vec::new(), "{name}");
            files += 1;
        }
    }
    assert!(files >= 36, "only {files} corpus files");
}
