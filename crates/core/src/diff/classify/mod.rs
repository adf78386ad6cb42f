//! How dangerous a change is on a given engine: whether it breaks running code or loses data,
//! whether it rewrites the table, and which lock it holds while it runs.
//!
//! The rules follow the engines' manuals for the releases dbwarden supports: PostgreSQL 11+,
//! MySQL 8.0.29+ and MariaDB 10.4+, SQLite 3.35+. Where an older release behaves worse, the
//! reason says so, and [`classify_on`] applies the known server's release (`versions.rs`).
//! Classification sees one change alone; row counts and catalog estimates are for the caller,
//! which has a connection.

mod mysql;
mod postgres;
mod safety;
mod sqlite;
mod versions;

use serde::{Deserialize, Serialize};

use super::{Change, ColumnChanges};
use crate::Dialect;
use crate::version::TargetVersion;

/// Whether a change can hurt code or data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Safety {
    /// Code written for the old schema keeps working and no data is lost.
    Safe,
    /// Code written for the old schema can fail (a rename, a drop of something it uses, a new
    /// NOT NULL, an incompatible type), though no stored data is lost.
    Breaking,
    /// Stored data is lost: a dropped table or column, a type that truncates.
    Destructive,
}

impl Safety {
    /// `safe`, `breaking` or `destructive`.
    pub fn name(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Breaking => "breaking",
            Safety::Destructive => "destructive",
        }
    }
}

/// A PostgreSQL table-level lock mode (PostgreSQL manual, "Explicit Locking", table 13.2),
/// weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PgLockMode {
    /// Blocks other schema changes and VACUUM; reads and writes go on.
    #[serde(rename = "SHARE UPDATE EXCLUSIVE")]
    ShareUpdateExclusive,
    /// Blocks writes; reads go on.
    #[serde(rename = "SHARE")]
    Share,
    /// Blocks writes and other SHARE ROW EXCLUSIVE holders; reads go on.
    #[serde(rename = "SHARE ROW EXCLUSIVE")]
    ShareRowExclusive,
    /// Blocks everything, reads included.
    #[serde(rename = "ACCESS EXCLUSIVE")]
    AccessExclusive,
}

impl PgLockMode {
    /// The mode's SQL name (`ACCESS EXCLUSIVE`).
    pub fn name(self) -> &'static str {
        match self {
            PgLockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            PgLockMode::Share => "SHARE",
            PgLockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            PgLockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }
}

/// A MySQL/MariaDB online DDL algorithm (`ALGORITHM=`), cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MysqlAlgorithm {
    /// Only the data dictionary changes.
    Instant,
    /// The engine changes the table in place (possibly rebuilding it), without a copy.
    Inplace,
    /// The table is copied row by row into a new one.
    Copy,
}

impl MysqlAlgorithm {
    /// `INSTANT`, `INPLACE` or `COPY`.
    pub fn name(self) -> &'static str {
        match self {
            MysqlAlgorithm::Instant => "INSTANT",
            MysqlAlgorithm::Inplace => "INPLACE",
            MysqlAlgorithm::Copy => "COPY",
        }
    }
}

/// The concurrency a MySQL/MariaDB DDL statement allows (`LOCK=`), most permissive first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MysqlLock {
    /// Reads and writes go on.
    None,
    /// Reads go on, writes wait.
    Shared,
    /// Reads and writes wait.
    Exclusive,
}

impl MysqlLock {
    /// `NONE`, `SHARED` or `EXCLUSIVE`.
    pub fn name(self) -> &'static str {
        match self {
            MysqlLock::None => "NONE",
            MysqlLock::Shared => "SHARED",
            MysqlLock::Exclusive => "EXCLUSIVE",
        }
    }
}

/// The lock a change holds on its engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "dialect", rename_all = "lowercase")]
pub enum LockInfo {
    /// PostgreSQL: the strongest table lock taken on an existing table, sequence or view;
    /// `None` when no existing relation is locked (new objects, types, namespaces).
    Postgres {
        /// The lock mode.
        mode: Option<PgLockMode>,
    },
    /// MySQL/MariaDB online DDL. Both are `None` for statements outside `ALTER TABLE` that
    /// only take metadata locks (`CREATE TABLE`, `CREATE VIEW`); `lock` alone is set for
    /// `DROP TABLE` and view replacement, which hold an exclusive metadata lock.
    Mysql {
        /// The algorithm the change allows at best.
        algorithm: Option<MysqlAlgorithm>,
        /// The concurrency it allows at best.
        lock: Option<MysqlLock>,
    },
    /// SQLite: every schema change holds the database write lock (one writer at a time).
    Sqlite {
        /// Whether `ALTER TABLE` cannot make the change, so the 12-step table rebuild
        /// (SQLite manual, "Making Other Kinds Of Table Schema Changes") is needed.
        rebuild: bool,
    },
}

impl LockInfo {
    /// A short human description: `ACCESS EXCLUSIVE`, `ALGORITHM=INPLACE, LOCK=NONE`,
    /// `database write lock, 12-step table rebuild`.
    pub fn describe(&self) -> String {
        match self {
            LockInfo::Postgres { mode: Some(mode) } => mode.name().to_owned(),
            LockInfo::Postgres { mode: None } => "no lock on existing tables".to_owned(),
            LockInfo::Mysql {
                algorithm: Some(algorithm),
                lock,
            } => format!(
                "ALGORITHM={}, LOCK={}",
                algorithm.name(),
                lock.unwrap_or(MysqlLock::None).name()
            ),
            LockInfo::Mysql {
                algorithm: None,
                lock: Some(MysqlLock::Exclusive),
            } => "exclusive metadata lock".to_owned(),
            LockInfo::Mysql { .. } => "metadata lock only".to_owned(),
            LockInfo::Sqlite { rebuild: false } => "database write lock".to_owned(),
            LockInfo::Sqlite { rebuild: true } => {
                "database write lock, 12-step table rebuild".to_owned()
            }
        }
    }

    /// The stronger of two locks of the same dialect (both, for SQLite rebuilds).
    fn max(self, other: LockInfo) -> LockInfo {
        match (self, other) {
            (LockInfo::Postgres { mode: a }, LockInfo::Postgres { mode: b }) => {
                LockInfo::Postgres { mode: a.max(b) }
            }
            (
                LockInfo::Mysql {
                    algorithm: a,
                    lock: l,
                },
                LockInfo::Mysql {
                    algorithm: b,
                    lock: m,
                },
            ) => LockInfo::Mysql {
                algorithm: a.max(b),
                lock: l.max(m),
            },
            (LockInfo::Sqlite { rebuild: a }, LockInfo::Sqlite { rebuild: b }) => {
                LockInfo::Sqlite { rebuild: a || b }
            }
            (mine, _) => mine,
        }
    }

    /// An order of heaviness within one dialect, to pick the reason to report.
    fn weight(&self) -> u8 {
        match self {
            LockInfo::Postgres { mode } => mode.map_or(0, |m| m as u8 + 1),
            LockInfo::Mysql { algorithm, lock } => {
                algorithm.map_or(0, |a| a as u8 + 1) * 4 + lock.map_or(0, |l| l as u8 + 1)
            }
            LockInfo::Sqlite { rebuild } => u8::from(*rebuild),
        }
    }
}

/// How dangerous a change is on one engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// Safe, breaking or destructive.
    pub safety: Safety,
    /// Whether every row of the table is rewritten (or copied, or rebuilt).
    pub rewrites_table: bool,
    /// The lock held while it runs.
    pub lock: LockInfo,
    /// One sentence saying why, citing the engine's behaviour.
    pub reason: String,
}

/// Classifies `change` for `dialect`. See the [module docs](self) for the releases assumed.
pub fn classify(change: &Change, dialect: Dialect) -> Classification {
    classify_on(change, dialect, None)
}

/// Classifies `change` for `dialect` on a server of `version` (as [`classify`] when unknown):
/// an older release may rewrite where a current one changes only metadata.
pub fn classify_on(
    change: &Change,
    dialect: Dialect,
    version: Option<&TargetVersion>,
) -> Classification {
    let verdict = safety::verdict(change, dialect);
    let mut mechanics = match dialect {
        Dialect::Postgres => postgres::mechanics(change),
        Dialect::Mysql => mysql::mechanics(change),
        Dialect::Sqlite => sqlite::mechanics(change),
    };
    if let Some(version) = version {
        mechanics = versions::on_version(change, mechanics, version);
    }
    let mut reason = format!("{}; {}.", verdict.why, mechanics.why);
    if let Some(first) = reason.get(..1) {
        reason = first.to_uppercase() + &reason[1..];
    }
    Classification {
        safety: verdict.safety,
        rewrites_table: mechanics.rewrites_table,
        lock: mechanics.lock,
        reason,
    }
}

/// One part of a column definition, classified on its own; an `AlterColumn` is as bad as its
/// worst part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aspect {
    Type,
    Nullability,
    Default,
    Identity,
    Generated,
    Collation,
    Comment,
}

fn aspects(changes: &ColumnChanges) -> Vec<Aspect> {
    [
        (changes.data_type, Aspect::Type),
        (changes.nullable, Aspect::Nullability),
        (changes.default, Aspect::Default),
        (changes.identity, Aspect::Identity),
        (changes.generated, Aspect::Generated),
        (changes.collation, Aspect::Collation),
        (changes.comment, Aspect::Comment),
    ]
    .into_iter()
    .filter_map(|(changed, aspect)| changed.then_some(aspect))
    .collect()
}

/// Whether data loss or breakage is expected, and why (a clause, lowercase).
#[derive(Debug, Clone)]
struct Verdict {
    safety: Safety,
    why: String,
}

impl Verdict {
    fn new(safety: Safety, why: impl Into<String>) -> Self {
        Verdict {
            safety,
            why: why.into(),
        }
    }

    /// The worse of the two; the first on a tie.
    fn worst(self, other: Verdict) -> Verdict {
        if other.safety > self.safety {
            other
        } else {
            self
        }
    }
}

/// What the engine does to run the change, and why (a clause, lowercase).
#[derive(Debug, Clone)]
struct Mechanics {
    rewrites_table: bool,
    lock: LockInfo,
    why: String,
}

impl Mechanics {
    fn new(rewrites_table: bool, lock: LockInfo, why: impl Into<String>) -> Self {
        Mechanics {
            rewrites_table,
            lock,
            why: why.into(),
        }
    }

    /// Both together: the stronger lock, a rewrite if either rewrites, and the reason of the
    /// heavier one (the first on a tie).
    fn and(self, other: Mechanics) -> Mechanics {
        let heavier_other =
            (other.rewrites_table, other.lock.weight()) > (self.rewrites_table, self.lock.weight());
        Mechanics {
            rewrites_table: self.rewrites_table || other.rewrites_table,
            lock: self.lock.max(other.lock),
            why: if heavier_other { other.why } else { self.why },
        }
    }
}

/// Combines per-aspect results of an `AlterColumn`.
fn combine<T>(items: Vec<T>, and: impl Fn(T, T) -> T) -> Option<T> {
    items.into_iter().reduce(and)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QualifiedName;

    #[test]
    fn serializes_with_sql_names() {
        let classification = classify(
            &Change::RenameTable {
                from: QualifiedName::new("public", "a"),
                to: QualifiedName::new("public", "b"),
            },
            Dialect::Postgres,
        );
        let json = serde_json::to_value(&classification).expect("serializable");
        assert_eq!(json["safety"], "breaking");
        assert_eq!(json["lock"]["dialect"], "postgres");
        assert_eq!(json["lock"]["mode"], "ACCESS EXCLUSIVE");
        assert_eq!(json["rewrites_table"], false);
        assert_eq!(
            json["reason"],
            "Queries using the old table name fail; RENAME takes ACCESS EXCLUSIVE only briefly, changing the catalog alone."
        );
        let mysql = serde_json::to_value(classify(
            &Change::RenameTable {
                from: QualifiedName::bare("a"),
                to: QualifiedName::bare("b"),
            },
            Dialect::Mysql,
        ))
        .expect("serializable");
        assert_eq!(mysql["lock"]["algorithm"], "INSTANT");
        assert_eq!(mysql["lock"]["lock"], "NONE");
    }

    #[test]
    fn describes_locks() {
        assert_eq!(
            LockInfo::Mysql {
                algorithm: Some(MysqlAlgorithm::Copy),
                lock: Some(MysqlLock::Shared)
            }
            .describe(),
            "ALGORITHM=COPY, LOCK=SHARED"
        );
        assert_eq!(
            LockInfo::Postgres {
                mode: Some(PgLockMode::ShareUpdateExclusive)
            }
            .describe(),
            "SHARE UPDATE EXCLUSIVE"
        );
        assert_eq!(
            LockInfo::Sqlite { rebuild: false }.describe(),
            "database write lock"
        );
    }

    #[test]
    fn stronger_locks_win_when_combined() {
        let share = LockInfo::Postgres {
            mode: Some(PgLockMode::Share),
        };
        let exclusive = LockInfo::Postgres {
            mode: Some(PgLockMode::AccessExclusive),
        };
        assert_eq!(share.max(exclusive), exclusive);
        assert_eq!(exclusive.max(LockInfo::Postgres { mode: None }), exclusive);
    }
}
