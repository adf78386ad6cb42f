//! Reading a MySQL/MariaDB catalog into the model (being written: see docs/ARCHITECTURE.md).

use crate::EngineError;
use dbwarden_core::{Dialect, Schema};
use mysql_async::Conn;

/// Reads every user object of the connected database.
pub(crate) async fn introspect(_conn: &mut Conn) -> Result<Schema, EngineError> {
    Ok(Schema::empty(Dialect::Mysql))
}
