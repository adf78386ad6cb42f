//! What a live database adds to a diff: the server's release, so that each change is
//! classified for it ([`classify_on`]), and the catalog's row estimate of each table a change
//! touches, so that a reader sees which changes hit big tables.

use dbwarden_core::diff::{Change, Classification, Diff, classify_on};
use dbwarden_core::version::TargetVersion;
use dbwarden_core::{Dialect, QualifiedName};
use dbwarden_engine::{ConnectionUrl, Engine, EngineError, Value};
use std::collections::BTreeMap;

/// Facts read from the database a diff starts from.
#[derive(Debug, Clone, Default)]
pub struct LiveFacts {
    /// The server's release, when it could be read.
    pub version: Option<TargetVersion>,
    /// Estimated rows per table (by its name in the diff's new schema), where the catalog
    /// keeps an estimate (exact counts on SQLite, which keeps none).
    pub rows: BTreeMap<QualifiedName, u64>,
}

impl LiveFacts {
    /// Classifies `change` for the live server's release.
    pub fn classify(&self, change: &Change, dialect: Dialect) -> Classification {
        classify_on(change, dialect, self.version.as_ref())
    }

    /// The estimated rows of the existing table `change` touches.
    pub fn rows_affected(&self, change: &Change) -> Option<u64> {
        if matches!(change, Change::CreateTable { .. }) {
            return None;
        }
        change.table().and_then(|t| self.rows.get(t).copied())
    }
}

/// A connection to the database a diff starts from, with what can be read before the diff is
/// known, so that it is read while the schemas are: the release, and the row estimates of
/// every table in one catalog query (PostgreSQL, MySQL).
pub struct LiveSource {
    engine: Box<dyn Engine>,
    dialect: Dialect,
    version: Option<TargetVersion>,
    catalog: BTreeMap<QualifiedName, u64>,
}

/// Connects to `url` and reads its release and row estimates.
pub async fn open_live_source(url: &ConnectionUrl) -> Result<LiveSource, EngineError> {
    let mut engine = dbwarden_engine::connect(url).await?;
    let info = engine.server_info().await?;
    let estimates = match info.dialect {
        Dialect::Postgres => Some(
            "SELECT n.nspname::text, c.relname::text, c.reltuples::bigint \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
        ),
        Dialect::Mysql => Some(
            "SELECT NULL, TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        ),
        // SQLite keeps no estimate: the tables the diff touches are counted afterwards.
        Dialect::Sqlite => None,
    };
    let mut catalog = BTreeMap::new();
    if let Some(sql) = estimates {
        for row in engine.query(sql, &[]).await? {
            let (Some(name), Some(rows)) = (
                row.get(1).and_then(Value::as_string),
                row.get(2).and_then(Value::as_i64),
            ) else {
                continue;
            };
            let table = QualifiedName {
                schema: row.first().and_then(Value::as_string),
                name,
            };
            // Never analyzed (-1): the engine's estimate from the table's size on disk.
            let rows = match u64::try_from(rows) {
                Ok(rows) => rows,
                Err(_) => engine
                    .estimated_rows(&table)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or(0),
            };
            catalog.insert(table, rows);
        }
    }
    Ok(LiveSource {
        engine,
        dialect: info.dialect,
        version: TargetVersion::of_server(info.dialect, &info.product, &info.version),
        catalog,
    })
}

impl LiveSource {
    /// The facts for `diff`: the release, and the rows of each existing table it touches.
    pub async fn facts(mut self, diff: &Diff) -> LiveFacts {
        let mut facts = LiveFacts {
            version: self.version,
            rows: BTreeMap::new(),
        };
        // Changes name tables by their new name; the live database still has the old one.
        let old_names: BTreeMap<&QualifiedName, &QualifiedName> = diff
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } => Some((to, from)),
                _ => None,
            })
            .collect();
        for change in &diff.changes {
            if matches!(change, Change::CreateTable { .. }) {
                continue;
            }
            let Some(table) = change.table() else {
                continue;
            };
            if facts.rows.contains_key(table) {
                continue;
            }
            let live_name = old_names.get(table).copied().unwrap_or(table);
            // A table the database does not have (or cannot size) just has no estimate.
            let rows = match self.dialect {
                Dialect::Sqlite => crate::impact::table_rows(self.engine.as_mut(), live_name).await,
                Dialect::Postgres | Dialect::Mysql => self.catalog.get(live_name).copied(),
            };
            if let Some(rows) = rows {
                facts.rows.insert(table.clone(), rows);
            }
        }
        facts
    }
}
