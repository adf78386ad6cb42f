//! dbwarden: safe schema changes and data migrations for PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! The library behind the `dbwarden` command. The pure core (schema model, dialects, DDL
//! rendering) is re-exported from `dbwarden-core`; engines come from `dbwarden-engine`; this
//! crate adds the migration runner, project detection, configuration and the event log.

pub mod apply;
pub mod backup;
pub mod clean;
pub mod config;
pub mod demo;
pub mod detect;
pub mod events;
pub mod impact;
pub mod interrupt;
pub mod live_facts;
pub mod locks;
pub mod migrate;
pub mod planner;
pub mod rename_comments;
pub mod schema_source;
pub mod units;
pub mod validate;

pub use dbwarden_core as core;
pub use dbwarden_engine as engine;
pub use dbwarden_sql as sql;
