//! The other half of adoption: which migration tools' history tables a live database holds.
//! This is the one part of detection that reads a database (catalog names only).

use crate::migrate::History;
use dbwarden_engine::{Engine, EngineError};
use serde::Serialize;

/// A history table found in the database.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryTable {
    /// The table.
    pub table: String,
    /// The tool that keeps it.
    pub tool: String,
}

/// Lists the known history tables present in the connected database, dbwarden's own included.
pub async fn history_tables(engine: &mut dyn Engine) -> Result<Vec<HistoryTable>, EngineError> {
    let names = engine.table_names().await?;
    let mut found: Vec<HistoryTable> = dbwarden_core::bookkeeping::TOOL_TABLES
        .iter()
        .filter(|(table, _)| names.iter().any(|n| n == table))
        .map(|(table, tool)| HistoryTable {
            table: (*table).into(),
            tool: (*tool).into(),
        })
        .collect();
    // dbwarden's own tables are hidden from table_names on purpose; ask the history directly.
    let history = History::locate(engine)
        .await
        .map_err(|e| EngineError::Driver(e.to_string()))?;
    if history
        .format(engine)
        .await
        .map_err(|e| EngineError::Driver(e.to_string()))?
        .is_some()
    {
        found.push(HistoryTable {
            table: "dbwarden_migrations".into(),
            tool: "dbwarden".into(),
        });
    }
    Ok(found)
}
