//! The rule: nothing destructive runs without a verified backup of the tables it destroys.
//!
//! A statement is destructive when the lint says so (DROP TABLE/COLUMN, TRUNCATE, DELETE or
//! UPDATE without WHERE, DROP SCHEMA/DATABASE, ...), whether or not a person allowed it; the
//! tables it touches come from the statement itself.

use super::Manifest;
use super::manifest::Scope;
use crate::migrate::Migration;
use crate::validate::Intent;
use dbwarden_core::Dialect;
use serde::Serialize;
use std::path::PathBuf;

/// One destructive statement of a migration.
#[derive(Debug, Clone, Serialize)]
pub struct DestructiveStatement {
    /// `0003_drop_legacy`.
    pub migration: String,
    /// `file:line`.
    pub location: String,
    /// The lint rule that calls it destructive.
    pub rule: String,
    /// The tables it destroys data in (bare names).
    pub tables: Vec<String>,
    /// It reaches beyond tables (DROP SCHEMA/DATABASE): only a whole-database backup covers it.
    pub whole_database: bool,
}

/// The destructive statements of `migration`'s up script.
pub fn destructive_statements(
    migration: &Migration,
    dialect: Dialect,
) -> Vec<DestructiveStatement> {
    let path = migration.up.path.display().to_string();
    let input = dbwarden_lint::LintInput {
        path: &path,
        source: &migration.up.text,
        dialect,
    };
    let report = dbwarden_lint::lint(&input, &dbwarden_lint::LintConfig::default());
    let statements = migration.up.statements();
    let mut out: Vec<DestructiveStatement> = Vec::new();
    for finding in report.findings.iter().filter(|f| f.rule.is_destructive()) {
        let Some(statement) = statements.iter().rev().find(|s| s.line <= finding.line) else {
            continue;
        };
        let intent = Intent::from_sql(&statement.sql, dialect);
        let mut tables = intent.schema_tables;
        tables.extend(intent.data_tables);
        tables.sort();
        tables.dedup();
        let first_words = statement.sql.to_ascii_lowercase();
        let whole_database = tables.is_empty()
            || first_words.starts_with("drop schema")
            || first_words.starts_with("drop database");
        let location = format!("{}:{}", finding.file, statement.line);
        if out.iter().any(|d| d.location == location) {
            continue;
        }
        out.push(DestructiveStatement {
            migration: migration.label(),
            location,
            rule: finding.rule.id().to_owned(),
            tables,
            whole_database,
        });
    }
    out
}

/// What a verified backup covers.
#[derive(Debug, Clone, Serialize)]
pub struct BackupCover {
    /// The backup file.
    pub file: PathBuf,
    /// Its tables (bare names).
    pub tables: Vec<String>,
    /// It holds every table of the database.
    pub whole_database: bool,
}

impl BackupCover {
    /// The cover of a backup that passed verification.
    pub fn of(file: PathBuf, manifest: &Manifest) -> BackupCover {
        BackupCover {
            file,
            tables: manifest
                .tables
                .iter()
                .map(|t| t.name.name.clone())
                .collect(),
            whole_database: manifest.scope == Scope::Database,
        }
    }

    /// The tables of `statement` this backup does not hold (empty when it is covered).
    pub fn uncovered(&self, statement: &DestructiveStatement) -> Vec<String> {
        if self.whole_database {
            return Vec::new();
        }
        if statement.whole_database {
            return vec!["(the whole database)".into()];
        }
        statement
            .tables
            .iter()
            .filter(|t| !self.tables.contains(t))
            .cloned()
            .collect()
    }
}

/// Checks every destructive statement of `pending` against `cover`; returns one line per
/// statement left uncovered. Tables not in `existing` (the database's tables now) hold no data
/// yet: an earlier migration of the same run creates them, so nothing there can be lost.
pub fn uncovered_statements(
    pending: &[Migration],
    dialect: Dialect,
    cover: Option<&BackupCover>,
    existing: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    for migration in pending {
        for mut statement in destructive_statements(migration, dialect) {
            if !statement.whole_database {
                statement.tables.retain(|t| existing.contains(t));
                if statement.tables.is_empty() {
                    continue;
                }
            }
            let missing = match cover {
                Some(cover) => cover.uncovered(&statement),
                None if statement.whole_database => vec!["(the whole database)".into()],
                None => statement.tables.clone(),
            };
            if !missing.is_empty() {
                out.push(format!(
                    "  {} [{}]: no verified backup of {}",
                    statement.location,
                    statement.rule,
                    missing.join(", ")
                ));
            }
        }
    }
    out
}
