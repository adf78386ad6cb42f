//! Reading a PostgreSQL catalog into the model (being written: see docs/ARCHITECTURE.md).

use crate::EngineError;
use dbwarden_core::{Dialect, Schema};
use tokio_postgres::Client;

/// Reads every user object of the connected database.
pub(crate) async fn introspect(_client: &Client) -> Result<Schema, EngineError> {
    Ok(Schema::empty(Dialect::Postgres))
}
