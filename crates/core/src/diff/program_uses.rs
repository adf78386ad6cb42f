//! Routines and triggers that a change would leave broken: PostgreSQL records no dependency on
//! what a PL/pgSQL body names, and neither MySQL nor SQLite record one for a trigger's or
//! routine's body, so a rename or drop goes through and every later call (every INSERT, for a
//! trigger) fails. The bodies of the new schema are scanned for the names a change takes away,
//! conservatively: a name that only looks like a use counts.

use serde::{Deserialize, Serialize};

use super::Change;
use super::dependents::mentions;
use crate::{QualifiedName, Routine, Schema, Trigger};
use std::collections::{HashMap, HashSet};

/// A routine or trigger of the new schema whose definition still names a column or table that
/// the diff renames or drops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenDependent {
    /// The object: `function public.touch()`, `trigger audit on public.users`.
    pub object: String,
    /// The 1-based line of its definition that names what goes.
    pub line: usize,
    /// What it names: `column public.users.name`, `table public.orders`.
    pub uses: String,
    /// The change that takes it away, summarised.
    pub change: String,
}

/// What a change takes away.
enum Gone<'a> {
    Column(&'a QualifiedName, &'a str),
    Table(&'a QualifiedName),
}

/// Every routine and trigger of `to` that names a column or table one of `changes` renames or
/// drops.
pub(crate) fn broken_dependents(to: &Schema, changes: &[Change]) -> Vec<BrokenDependent> {
    let mut found = Vec::new();
    // Lowercased once: a schema holds thousands of bodies, a diff many drops.
    let routine_texts: Vec<String> = to
        .routines
        .iter()
        .map(|r| without_literals(&body_of(r).to_lowercase()))
        .collect();
    let trigger_texts: Vec<String> = to
        .triggers
        .iter()
        .map(|t| without_literals(&t.definition.to_lowercase()))
        .collect();
    let policy_texts: Vec<String> = to
        .policies
        .iter()
        .map(|p| {
            let using = p.using.as_deref().unwrap_or_default();
            let check = p.with_check.as_deref().unwrap_or_default();
            without_literals(&format!("{using} {check}").to_lowercase())
        })
        .collect();
    // The tables each routine runs on as a trigger function.
    let mut fired_on: HashMap<&QualifiedName, HashSet<&QualifiedName>> = HashMap::new();
    for trigger in &to.triggers {
        if let Some(function) = &trigger.function {
            fired_on.entry(function).or_default().insert(&trigger.table);
        }
    }
    for change in changes {
        let gone = match change {
            Change::RenameColumn { table, from, .. } => Gone::Column(table, from),
            Change::DropColumn { table, column, .. } => Gone::Column(table, &column.name),
            Change::RenameTable { from, .. } => Gone::Table(from),
            Change::DropTable { table, .. } => Gone::Table(&table.name),
            _ => continue,
        };
        for (routine, text) in to.routines.iter().zip(&routine_texts) {
            let fires_on = |table: &QualifiedName| {
                fired_on
                    .get(&routine.name)
                    .is_some_and(|tables| tables.contains(table))
            };
            if let Some((line, uses)) = uses(text, &gone, fires_on) {
                found.push(BrokenDependent {
                    object: routine_label(routine),
                    line,
                    uses,
                    change: change.summary(),
                });
            }
        }
        for (policy, text) in to.policies.iter().zip(&policy_texts) {
            let on_table = |table: &QualifiedName| &policy.table == table;
            if let Some((line, uses)) = uses(text, &gone, on_table) {
                found.push(BrokenDependent {
                    object: format!("policy {} on {}", policy.name, policy.table),
                    line,
                    uses,
                    change: change.summary(),
                });
            }
        }
        for (trigger, text) in to.triggers.iter().zip(&trigger_texts) {
            let on_table = |table: &QualifiedName| &trigger.table == table;
            if let Some((line, uses)) = uses(text, &gone, on_table) {
                found.push(BrokenDependent {
                    object: trigger_label(trigger),
                    line,
                    uses,
                    change: change.summary(),
                });
            }
        }
    }
    found
}

/// The line naming what `gone` took away, and what that is, in `text` (lowercased, without
/// literals). A column counts when the text also names its table, or when the object runs on
/// that table (`runs_on`).
fn uses(
    text: &str,
    gone: &Gone<'_>,
    runs_on: impl Fn(&QualifiedName) -> bool,
) -> Option<(usize, String)> {
    match gone {
        Gone::Column(table, column) => {
            let names_table = runs_on(table) || mentions(text, &table.name.to_lowercase());
            if !names_table {
                return None;
            }
            let line = line_naming(text, &column.to_lowercase())?;
            Some((line, format!("column {table}.{column}")))
        }
        Gone::Table(table) => {
            let line = line_naming(text, &table.name.to_lowercase())?;
            Some((line, format!("table {table}")))
        }
    }
}

fn line_naming(text: &str, ident: &str) -> Option<usize> {
    text.lines()
        .position(|line| mentions(line, ident))
        .map(|i| i + 1)
}

/// A routine's definition without its argument list, whose parameter names are no use of a
/// column (line breaks kept, so line numbers still match).
fn body_of(routine: &Routine) -> String {
    let text = &routine.definition;
    let Some(open) = text.find('(') else {
        return text.clone();
    };
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let args = &text[open..open + i + 1];
                    let blanked: String = args
                        .chars()
                        .map(|c| if c == '\n' { '\n' } else { ' ' })
                        .collect();
                    return format!("{}{blanked}{}", &text[..open], &text[open + i + 1..]);
                }
            }
            _ => {}
        }
    }
    text.clone()
}

/// `text` with string literals and `--` comments blanked out (line breaks kept).
fn without_literals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(' ');
                while let Some(n) = chars.next() {
                    if n == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                            out.push_str("  ");
                            continue;
                        }
                        out.push(' ');
                        break;
                    }
                    out.push(if n == '\n' { '\n' } else { ' ' });
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn routine_label(routine: &Routine) -> String {
    format!(
        "{} {}({})",
        routine.kind.keyword().to_lowercase(),
        routine.name,
        routine.arguments
    )
}

fn trigger_label(trigger: &Trigger) -> String {
    format!("trigger {} on {}", trigger.name, trigger.table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Dialect, RoutineKind};

    fn users() -> QualifiedName {
        QualifiedName::new("public", "users")
    }

    fn schema_with(body: &str) -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.routines.push(Routine {
            name: QualifiedName::new("public", "touch"),
            kind: RoutineKind::Function,
            arguments: String::new(),
            returns: Some("trigger".into()),
            language: "plpgsql".into(),
            definition: format!(
                "CREATE OR REPLACE FUNCTION public.touch(name text)\n RETURNS trigger\nAS $f$\n{body}\n$f$"
            ),
            comment: None,
        });
        schema.triggers.push(Trigger {
            name: "users_touch".into(),
            table: users(),
            definition: "CREATE TRIGGER users_touch BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch()".into(),
            function: Some(QualifiedName::new("public", "touch")),
            state: None,
            comment: None,
        });
        schema
    }

    fn rename() -> Vec<Change> {
        vec![Change::RenameColumn {
            table: users(),
            from: "name".into(),
            to: "full_name".into(),
        }]
    }

    #[test]
    fn a_trigger_function_still_naming_the_old_column_is_found_with_its_line() {
        let to = schema_with("BEGIN\n  NEW.Name := lower(NEW.name);\n  RETURN NEW;\nEND");
        let found = broken_dependents(&to, &rename());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].object, "function public.touch()");
        assert_eq!(found[0].line, 5);
        assert_eq!(found[0].uses, "column public.users.name");
    }

    #[test]
    fn a_body_using_the_new_name_or_naming_it_in_a_string_is_fine() {
        for body in [
            "BEGIN NEW.full_name := lower(NEW.full_name); RETURN NEW; END",
            "BEGIN RAISE NOTICE 'name changed'; RETURN NEW; END -- name",
        ] {
            let to = schema_with(body);
            assert!(broken_dependents(&to, &rename()).is_empty(), "{body}");
        }
    }

    #[test]
    fn a_policy_on_the_table_naming_the_old_column_is_found() {
        let mut to = Schema::empty(Dialect::Postgres);
        to.policies.push(crate::Policy {
            name: "own".into(),
            table: users(),
            command: "ALL".into(),
            permissive: true,
            roles: vec!["PUBLIC".into()],
            using: Some("(name = CURRENT_USER)".into()),
            with_check: None,
        });
        let found = broken_dependents(&to, &rename());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].object, "policy own on public.users");
    }

    #[test]
    fn a_dropped_table_named_by_a_routine_is_found() {
        let to = schema_with("BEGIN INSERT INTO public.audit_log VALUES (NEW.id); RETURN NEW; END");
        let mut audit = crate::Table::new(QualifiedName::new("public", "audit_log"));
        audit.columns.push(Column::new("id", "integer"));
        let found = broken_dependents(
            &to,
            &[Change::DropTable {
                table: audit,
                dependents: Vec::new(),
            }],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].uses, "table public.audit_log");
    }
}
