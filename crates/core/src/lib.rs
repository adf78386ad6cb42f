//! dbwarden's pure core: the normalized schema model shared by every engine, the closed set of
//! SQL dialects, identifier quoting and DDL rendering.
//!
//! Nothing in this crate touches a database, a file or a clock, so everything here is tested in
//! memory. Engines (in `dbwarden-engine`) fill the model by introspection; renderers turn it back
//! into SQL that the same engine accepts.

pub mod bookkeeping;
pub mod dialect;
pub mod diff;
pub mod model;
pub mod plan;
pub mod render;
pub mod version;

pub use dialect::{Dialect, quote_ident, quote_literal};
pub use model::*;
