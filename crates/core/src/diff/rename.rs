//! Renames: given by the user as hints, never guessed. When a drop and an add look like a
//! rename, the diff reports a suspect and asks for the hint instead.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::QualifiedName;

/// The renames the user declared (`--rename old_table=new_table`, `--rename table.old=new`).
///
/// A name without a namespace matches a table of that name in any namespace, as long as only
/// one namespace has it; the new name of a table rename inherits the old one's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RenameHints {
    /// Table renames.
    pub tables: Vec<TableRename>,
    /// Column renames.
    pub columns: Vec<ColumnRename>,
}

/// A declared table rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRename {
    /// The table's name in the old schema.
    pub from: QualifiedName,
    /// Its name in the new schema.
    pub to: QualifiedName,
}

/// A declared column rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRename {
    /// The table, by its old or its new name.
    pub table: QualifiedName,
    /// The column's old name.
    pub from: String,
    /// The column's new name.
    pub to: String,
}

/// Why a rename hint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The hint has no `=`, or more than one.
    #[error(
        "rename `{hint}` needs exactly one `=`: write table.old_column=new_column or old_table=new_table"
    )]
    RenameNeedsOneEquals {
        /// The hint as given.
        hint: String,
    },
    /// A name in the hint is empty or has an unclosed quote.
    #[error(
        "rename `{hint}` has an empty or unterminated name; quote names containing `.` or `=` with \"double quotes\""
    )]
    RenameBadName {
        /// The hint as given.
        hint: String,
    },
    /// The number of name parts fits neither form.
    #[error(
        "rename `{hint}` is neither a column rename ([schema.]table.old=new) nor a table rename (old=new or schema.old=schema.new)"
    )]
    RenameUnknownShape {
        /// The hint as given.
        hint: String,
    },
    /// The same object is renamed twice, or two objects get the same new name.
    #[error("rename `{hint}` conflicts with rename `{earlier}`")]
    RenameConflict {
        /// The later hint.
        hint: String,
        /// The earlier hint it conflicts with.
        earlier: String,
    },
}

impl RenameHints {
    /// No renames.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a table rename.
    pub fn rename_table(mut self, from: QualifiedName, to: QualifiedName) -> Self {
        self.tables.push(TableRename { from, to });
        self
    }

    /// The same renames read backwards, for the diff from the new schema to the old one.
    pub fn reversed(&self) -> RenameHints {
        RenameHints {
            tables: self
                .tables
                .iter()
                .map(|t| TableRename {
                    from: t.to.clone(),
                    to: t.from.clone(),
                })
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|c| ColumnRename {
                    table: c.table.clone(),
                    from: c.to.clone(),
                    to: c.from.clone(),
                })
                .collect(),
        }
    }

    /// Adds a column rename in `table` (its old or new name).
    pub fn rename_column(
        mut self,
        table: QualifiedName,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.columns.push(ColumnRename {
            table,
            from: from.into(),
            to: to.into(),
        });
        self
    }

    /// Whether there are no hints.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.is_empty()
    }

    /// Parses `--rename` values:
    /// - `old_table=new_table` or `schema.old_table=schema.new_table`: a table rename;
    /// - `table.old_column=new_column` or `schema.table.old_column=new_column`: a column
    ///   rename.
    ///
    /// Names containing `.`, `=` or `"` are written in double quotes (`"a.b".c=d`), with `""`
    /// for a quote inside.
    pub fn parse(hints: &[String]) -> Result<RenameHints, DiffError> {
        let mut parsed = RenameHints::new();
        let mut seen: Vec<(String, String, String)> = Vec::new();
        for hint in hints {
            let (left, right) = split_on_equals(hint)?;
            // Keys that must be unique: what is renamed, and what it becomes.
            let (old_key, new_key) = match (left.as_slice(), right.as_slice()) {
                ([old], [new]) => {
                    parsed.tables.push(TableRename {
                        from: QualifiedName::bare(old),
                        to: QualifiedName::bare(new),
                    });
                    (format!("table {old}"), format!("table {new}"))
                }
                ([schema, old], [new_schema, new]) => {
                    parsed.tables.push(TableRename {
                        from: QualifiedName::new(schema, old),
                        to: QualifiedName::new(new_schema, new),
                    });
                    (
                        format!("table {schema}.{old}"),
                        format!("table {new_schema}.{new}"),
                    )
                }
                ([table, old], [new]) => {
                    parsed.columns.push(ColumnRename {
                        table: QualifiedName::bare(table),
                        from: old.clone(),
                        to: new.clone(),
                    });
                    (
                        format!("column {table}.{old}"),
                        format!("column {table}.{new}"),
                    )
                }
                ([schema, table, old], [new]) => {
                    parsed.columns.push(ColumnRename {
                        table: QualifiedName::new(schema, table),
                        from: old.clone(),
                        to: new.clone(),
                    });
                    (
                        format!("column {schema}.{table}.{old}"),
                        format!("column {schema}.{table}.{new}"),
                    )
                }
                _ => return Err(DiffError::RenameUnknownShape { hint: hint.clone() }),
            };
            if let Some((_, _, earlier)) = seen
                .iter()
                .find(|(old, new, _)| *old == old_key || *new == new_key)
            {
                return Err(DiffError::RenameConflict {
                    hint: hint.clone(),
                    earlier: earlier.clone(),
                });
            }
            seen.push((old_key, new_key, hint.clone()));
        }
        Ok(parsed)
    }
}

/// Splits `a.b=c` into its name parts on each side of the one unquoted `=`.
fn split_on_equals(hint: &str) -> Result<(Vec<String>, Vec<String>), DiffError> {
    let bad_name = || DiffError::RenameBadName {
        hint: hint.to_owned(),
    };
    let mut sides: Vec<Vec<String>> = vec![Vec::new()];
    let mut part = String::new();
    let mut part_started = false;
    let mut chars = hint.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                part_started = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            part.push('"');
                        }
                        Some('"') => break,
                        Some(inner) => part.push(inner),
                        None => return Err(bad_name()),
                    }
                }
            }
            '.' | '=' => {
                if !part_started || part.is_empty() {
                    return Err(bad_name());
                }
                let side = sides.last_mut().ok_or_else(bad_name)?;
                side.push(std::mem::take(&mut part));
                part_started = false;
                if c == '=' {
                    sides.push(Vec::new());
                }
            }
            _ => {
                part_started = true;
                part.push(c);
            }
        }
    }
    if !part_started || part.is_empty() {
        return Err(bad_name());
    }
    sides.last_mut().ok_or_else(bad_name)?.push(part);
    match <[Vec<String>; 2]>::try_from(sides) {
        Ok([left, right]) => Ok((left, right)),
        Err(_) => Err(DiffError::RenameNeedsOneEquals {
            hint: hint.to_owned(),
        }),
    }
}

/// A name part as the user would type it in a hint: quoted if it holds `.`, `=` or `"`.
fn hint_part(part: &str) -> String {
    if part.contains(['.', '=', '"']) || part.is_empty() {
        format!("\"{}\"", part.replace('"', "\"\""))
    } else {
        part.to_owned()
    }
}

fn hint_name(name: &QualifiedName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", hint_part(schema), hint_part(&name.name)),
        None => hint_part(&name.name),
    }
}

/// A dropped and an added object that look like one renamed object. The diff still drops and
/// adds them; the user confirms a rename with the hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RenameSuspect {
    /// A dropped and an added table with identical column lists (names and types).
    Table {
        /// The dropped table.
        from: QualifiedName,
        /// The added table.
        to: QualifiedName,
    },
    /// A dropped and an added column of the same type in the same table.
    Column {
        /// The table (its new name).
        table: QualifiedName,
        /// The dropped column.
        from: String,
        /// The added column.
        to: String,
        /// Their common type.
        data_type: String,
    },
}

impl RenameSuspect {
    /// The `--rename` value that declares this rename.
    pub fn hint(&self) -> String {
        match self {
            RenameSuspect::Table { from, to } => format!("{}={}", hint_name(from), hint_name(to)),
            RenameSuspect::Column {
                table, from, to, ..
            } => format!("{}.{}={}", hint_name(table), hint_part(from), hint_part(to)),
        }
    }

    /// What the user reads: `looks like a rename: pass --rename t.old=new`.
    pub fn message(&self) -> String {
        let what = match self {
            RenameSuspect::Table { from, to } => format!("table {from} dropped and {to} added"),
            RenameSuspect::Column {
                table,
                from,
                to,
                data_type,
            } => format!("column {table}.{from} dropped and {to} added, both {data_type}"),
        };
        format!(
            "{what}: looks like a rename: pass --rename {} (without it, the data of the old one is lost)",
            self.hint()
        )
    }
}

impl fmt::Display for RenameSuspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// A rename hint that matched nothing, so nothing was renamed by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedHint {
    /// The hint, written as `--rename` takes it.
    pub hint: String,
    /// Why it did not apply.
    pub reason: String,
}

impl TableRename {
    /// The hint as `--rename` takes it.
    pub fn hint(&self) -> String {
        format!("{}={}", hint_name(&self.from), hint_name(&self.to))
    }
}

impl ColumnRename {
    /// The hint as `--rename` takes it.
    pub fn hint(&self) -> String {
        format!(
            "{}.{}={}",
            hint_name(&self.table),
            hint_part(&self.from),
            hint_part(&self.to)
        )
    }
}

/// Whether a hint's table name designates `actual`: same name, and same namespace when the
/// hint gives one.
pub(crate) fn hint_names(hint: &QualifiedName, actual: &QualifiedName) -> bool {
    hint.name == actual.name && (hint.schema.is_none() || hint.schema == actual.schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(hints: &[&str]) -> Result<RenameHints, DiffError> {
        let hints: Vec<String> = hints.iter().map(|h| (*h).to_owned()).collect();
        RenameHints::parse(&hints)
    }

    #[test]
    fn parses_both_forms() {
        let hints = parse(&[
            "users=customers",
            "app.orders=app.purchases",
            "users.email=mail",
            "public.users.name=full_name",
        ]);
        let expected = RenameHints::new()
            .rename_table(
                QualifiedName::bare("users"),
                QualifiedName::bare("customers"),
            )
            .rename_table(
                QualifiedName::new("app", "orders"),
                QualifiedName::new("app", "purchases"),
            )
            .rename_column(QualifiedName::bare("users"), "email", "mail")
            .rename_column(QualifiedName::new("public", "users"), "name", "full_name");
        assert_eq!(hints, Ok(expected));
    }

    #[test]
    fn quoted_names_may_hold_dots_and_equals() {
        let hints = parse(&[r#""my.table"."a=b"="c""d""#]);
        let expected =
            RenameHints::new().rename_column(QualifiedName::bare("my.table"), "a=b", "c\"d");
        assert_eq!(hints, Ok(expected));
    }

    #[test]
    fn refuses_malformed_hints() {
        assert!(matches!(
            parse(&["users"]),
            Err(DiffError::RenameNeedsOneEquals { .. })
        ));
        assert!(matches!(
            parse(&["a=b=c"]),
            Err(DiffError::RenameNeedsOneEquals { .. })
        ));
        assert!(matches!(
            parse(&["users.=x"]),
            Err(DiffError::RenameBadName { .. })
        ));
        assert!(matches!(
            parse(&["\"users=x"]),
            Err(DiffError::RenameBadName { .. })
        ));
        assert!(matches!(
            parse(&["users=public.x"]),
            Err(DiffError::RenameUnknownShape { .. })
        ));
        assert!(matches!(
            parse(&["a.b.c.d=e"]),
            Err(DiffError::RenameUnknownShape { .. })
        ));
    }

    #[test]
    fn refuses_conflicting_hints() {
        let error = parse(&["users.a=b", "users.a=c"]);
        assert_eq!(
            error,
            Err(DiffError::RenameConflict {
                hint: "users.a=c".into(),
                earlier: "users.a=b".into()
            })
        );
        assert!(parse(&["a=c", "b=c"]).is_err());
    }

    #[test]
    fn error_messages_say_what_to_write() {
        let message = parse(&["users"]).err().map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "rename `users` needs exactly one `=`: write table.old_column=new_column or old_table=new_table"
            )
        );
    }

    #[test]
    fn suspect_hints_parse_back() {
        let suspect = RenameSuspect::Column {
            table: QualifiedName::new("public", "my.users"),
            from: "email".into(),
            to: "mail".into(),
            data_type: "text".into(),
        };
        assert_eq!(suspect.hint(), r#"public."my.users".email=mail"#);
        assert_eq!(
            parse(&[&suspect.hint()]),
            Ok(RenameHints::new().rename_column(
                QualifiedName::new("public", "my.users"),
                "email",
                "mail"
            ))
        );
        assert!(
            suspect
                .message()
                .contains(r#"looks like a rename: pass --rename public."my.users".email=mail"#)
        );
    }
}
