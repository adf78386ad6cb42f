//! DDL for this dialect (being written: see docs/ARCHITECTURE.md).

use crate::Schema;

/// The schema's DDL statements in apply order.
pub(super) fn statements(_schema: &Schema) -> Vec<String> {
    Vec::new()
}
