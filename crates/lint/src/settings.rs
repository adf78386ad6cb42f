//! Session settings a migration makes before a statement: `SET lock_timeout`,
//! `SET statement_timeout`, MySQL `SET SESSION lock_wait_timeout`. The rules that ask for a
//! timeout look here for the latest assignment before the statement.

use crate::file::StatementContext;
use crate::identifiers::object_key;
use sqlparser::ast::{self, ContextModifier, Expr, ObjectName, Set, Value};

/// Whether the latest assignment of `variable` before the statement sets a real limit: not 0
/// or DEFAULT (both wait forever), and not a `SET LOCAL` in a no-transaction migration (which
/// only warns and changes nothing).
pub(crate) fn limit_in_effect(cx: &StatementContext, variable: &str) -> bool {
    cx.earlier()
        .rev()
        .find_map(|earlier| match earlier.ast()? {
            ast::Statement::Set(set) => setting(set, variable, cx.file.no_transaction),
            _ => None,
        })
        .unwrap_or(false)
}

/// `Some(enabled)` when `set` assigns `variable`: `false` for 0 or DEFAULT.
fn setting(set: &Set, variable: &str, no_transaction: bool) -> Option<bool> {
    let assignments: Vec<(Option<ContextModifier>, &ObjectName, &Expr)> = match set {
        Set::SingleAssignment {
            scope,
            variable,
            values,
            ..
        } => vec![(*scope, variable, values.first()?)],
        Set::MultipleAssignments { assignments } => assignments
            .iter()
            .map(|assignment| (assignment.scope, &assignment.name, &assignment.value))
            .collect(),
        _ => return None,
    };
    assignments
        .into_iter()
        .rev()
        .find_map(|(scope, name, value)| {
            let name = object_key(name);
            if name.trim_start_matches('@') != variable {
                return None;
            }
            if no_transaction && scope == Some(ContextModifier::Local) {
                return None;
            }
            Some(!waits_forever(value))
        })
}

fn waits_forever(value: &Expr) -> bool {
    match value {
        Expr::Value(value) => match &value.value {
            Value::Number(number, _) => number.parse::<f64>().is_ok_and(|n| n == 0.0),
            Value::SingleQuotedString(text) => {
                text.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .trim()
                    == "0"
            }
            _ => false,
        },
        Expr::Identifier(ident) => ident.value.eq_ignore_ascii_case("default"),
        _ => false,
    }
}
