//! Reading an SQLite schema into the model (being written).

use crate::EngineError;
use dbwarden_core::{Dialect, Schema};
use rusqlite::Connection;

/// Reads every user object of the database.
pub(crate) fn introspect(_conn: &Connection) -> Result<Schema, EngineError> {
    Ok(Schema::empty(Dialect::Sqlite))
}
