//! Which old table becomes which new one, and which old column which new one: by equal name,
//! or by a rename hint that fits both schemas. Nothing is ever paired by resemblance.

use super::rename::hint_names;
use super::{RenameHints, UnusedHint};
use crate::{IndexKey, QualifiedName, Schema, Table};

/// The renames that apply, resolved against both schemas.
#[derive(Debug, Default)]
pub(crate) struct Renames {
    /// Old table name → new table name.
    tables: Vec<(QualifiedName, QualifiedName)>,
    /// (new table name, old column name, new column name).
    columns: Vec<(QualifiedName, String, String)>,
}

impl Renames {
    /// The new name of the table called `old` in the old schema.
    pub(crate) fn table(&self, old: &QualifiedName) -> QualifiedName {
        self.tables
            .iter()
            .find(|(from, _)| from == old)
            .map_or_else(|| old.clone(), |(_, to)| to.clone())
    }

    /// The new name of column `old` of the table whose new name is `table`.
    pub(crate) fn column(&self, table: &QualifiedName, old: &str) -> String {
        self.columns
            .iter()
            .find(|(t, from, _)| t == table && from == old)
            .map_or_else(|| old.to_owned(), |(_, _, to)| to.clone())
    }

    /// The table renames, old → new, in hint order.
    pub(crate) fn table_renames(&self) -> &[(QualifiedName, QualifiedName)] {
        &self.tables
    }

    /// `table` from the old schema as it is after the renames: its name, its columns and every
    /// column list that names them (keys, index parts, foreign key targets). The databases
    /// rewrite those lists on rename; expressions are left as they are, so a check or index
    /// expression over a renamed column shows as changed.
    pub(crate) fn apply(&self, table: &Table) -> Table {
        let name = self.table(&table.name);
        let rename = |column: &String| self.column(&name, column);
        let mut renamed = table.clone();
        for column in &mut renamed.columns {
            column.name = rename(&column.name);
        }
        if let Some(primary_key) = &mut renamed.primary_key {
            primary_key.columns = primary_key.columns.iter().map(rename).collect();
        }
        for unique in &mut renamed.uniques {
            unique.columns = unique.columns.iter().map(rename).collect();
        }
        for foreign_key in &mut renamed.foreign_keys {
            foreign_key.columns = foreign_key.columns.iter().map(rename).collect();
            let target = self.table(&foreign_key.referenced_table);
            foreign_key.referenced_columns = foreign_key
                .referenced_columns
                .iter()
                .map(|column| self.column(&target, column))
                .collect();
            foreign_key.referenced_table = target;
        }
        for index in &mut renamed.indexes {
            for part in &mut index.parts {
                if let IndexKey::Column(column) = &mut part.key {
                    *column = rename(column);
                }
            }
        }
        renamed.name = name;
        renamed
    }
}

/// Resolves `hints` against the schemas. A hint that does not fit (a name missing on one
/// side, or still present on the other) renames nothing and is reported as unused.
pub(crate) fn resolve(
    from: &Schema,
    to: &Schema,
    hints: &RenameHints,
) -> (Renames, Vec<UnusedHint>) {
    let mut renames = Renames::default();
    let mut unused = Vec::new();
    for hint in &hints.tables {
        match resolve_table(from, to, &hint.from, &hint.to, &renames) {
            Ok(pair) => renames.tables.push(pair),
            Err(reason) => unused.push(UnusedHint {
                hint: hint.hint(),
                reason,
            }),
        }
    }
    for hint in &hints.columns {
        match resolve_column(from, to, &hint.table, &hint.from, &hint.to, &renames) {
            Ok(triple) => renames.columns.push(triple),
            Err(reason) => unused.push(UnusedHint {
                hint: hint.hint(),
                reason,
            }),
        }
    }
    (renames, unused)
}

/// The one table of `schema` that `hint` designates.
fn find_table<'a>(
    schema: &'a Schema,
    hint: &QualifiedName,
    side: &str,
) -> Result<&'a Table, String> {
    let mut matches = schema.tables.iter().filter(|t| hint_names(hint, &t.name));
    match (matches.next(), matches.next()) {
        (Some(table), None) => Ok(table),
        (None, _) => Err(format!("no table {hint} in the {side} schema")),
        (Some(_), Some(_)) => Err(format!(
            "{hint} names tables in several namespaces of the {side} schema: qualify it"
        )),
    }
}

fn resolve_table(
    from: &Schema,
    to: &Schema,
    old: &QualifiedName,
    new: &QualifiedName,
    renames: &Renames,
) -> Result<(QualifiedName, QualifiedName), String> {
    let old_table = find_table(from, old, "old")?;
    let new_name = QualifiedName {
        schema: new.schema.clone().or_else(|| old_table.name.schema.clone()),
        name: new.name.clone(),
    };
    if to.table(&old_table.name).is_some() {
        return Err(format!(
            "table {} is still in the new schema",
            old_table.name
        ));
    }
    if to.table(&new_name).is_none() {
        return Err(format!("no table {new_name} in the new schema"));
    }
    if from.table(&new_name).is_some() {
        return Err(format!("table {new_name} is already in the old schema"));
    }
    if renames
        .tables
        .iter()
        .any(|(a, b)| a == &old_table.name || b == &new_name)
    {
        return Err("an earlier rename already covers one of these tables".to_owned());
    }
    Ok((old_table.name.clone(), new_name))
}

fn resolve_column(
    from: &Schema,
    to: &Schema,
    table: &QualifiedName,
    old: &str,
    new: &str,
    renames: &Renames,
) -> Result<(QualifiedName, String, String), String> {
    // The hint may name the table by its old or by its new name.
    let old_table = find_table(from, table, "old").or_else(|error| {
        renames
            .tables
            .iter()
            .find(|(_, to)| hint_names(table, to))
            .and_then(|(from_name, _)| from.table(from_name))
            .ok_or(error)
    })?;
    let new_name = renames.table(&old_table.name);
    let new_table = to.table(&new_name).ok_or_else(|| {
        format!(
            "table {} is dropped, so its columns cannot be renamed",
            old_table.name
        )
    })?;
    if old_table.column(old).is_none() {
        return Err(format!(
            "no column {old} in table {} of the old schema",
            old_table.name
        ));
    }
    if new_table.column(old).is_some() {
        return Err(format!(
            "column {old} is still in table {new_name} of the new schema"
        ));
    }
    if new_table.column(new).is_none() {
        return Err(format!(
            "no column {new} in table {new_name} of the new schema"
        ));
    }
    if old_table.column(new).is_some() {
        return Err(format!(
            "column {new} is already in table {} of the old schema",
            old_table.name
        ));
    }
    if renames
        .columns
        .iter()
        .any(|(t, a, b)| t == &new_name && (a == old || b == new))
    {
        return Err("an earlier rename already covers one of these columns".to_owned());
    }
    Ok((new_name, old.to_owned(), new.to_owned()))
}
