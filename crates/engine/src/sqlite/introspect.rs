//! Reading an SQLite schema into the model: PRAGMAs for what they report (columns, keys,
//! indexes, foreign keys) and the stored `CREATE` text for the rest (see `ddl_text`).

use super::ddl_text::{parse_create_index, parse_create_table, parse_create_view};
use super::{query_rows, sql_error};
use crate::{EngineError, Value};
use dbwarden_core::{
    CheckConstraint, Column, Dialect, ForeignKey, ForeignKeyAction, Generated, Identity, Index,
    IndexKey, IndexPart, PrimaryKey, QualifiedName, Schema, Table, Trigger, UniqueConstraint,
    UnmanagedObject, View,
};
use rusqlite::Connection;

fn text(row: &[Value], i: usize) -> String {
    row.get(i).and_then(Value::as_string).unwrap_or_default()
}

fn int(row: &[Value], i: usize) -> i64 {
    row.get(i).and_then(Value::as_i64).unwrap_or(0)
}

/// `pragma_*` table-valued functions take the object name as a bound parameter, so no name
/// is ever spliced into SQL.
fn pragma(conn: &Connection, function: &str, arg: &str) -> Result<Vec<Vec<Value>>, EngineError> {
    query_rows(
        conn,
        &format!("SELECT * FROM {function}(?)"),
        &[Value::Text(arg.to_owned())],
    )
}

/// Reads every user object of the database.
pub(crate) fn introspect(conn: &Connection) -> Result<Schema, EngineError> {
    let mut schema = Schema::empty(Dialect::Sqlite);
    let objects = query_rows(
        conn,
        "SELECT type, name, tbl_name, sql FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'dbwarden\\_%' ESCAPE '\\' \
         AND type IN ('table', 'view', 'trigger') ORDER BY name",
        &[],
    )?;
    // A virtual table (FTS, R*Tree, ...) and the shadow tables its module keeps are not
    // tables the model can hold.
    let virtual_tables: Vec<String> = objects
        .iter()
        .filter(|o| text(o, 0) == "table" && is_virtual(&text(o, 3)))
        .map(|o| text(o, 1))
        .collect();
    let is_shadow = |name: &str| {
        virtual_tables
            .iter()
            .any(|v| name.len() > v.len() + 1 && name.starts_with(&format!("{v}_")))
    };
    let mut table_names: Vec<String> = Vec::new();
    for object in objects.iter().filter(|o| text(o, 0) == "table") {
        let name = text(object, 1);
        if virtual_tables.contains(&name) || is_shadow(&name) {
            let kind = if virtual_tables.contains(&name) {
                "virtual table"
            } else {
                "shadow table of a virtual table"
            };
            schema.unmanaged.push(UnmanagedObject {
                kind: kind.into(),
                name,
                tool: None,
            });
            continue;
        }
        schema.tables.push(table(conn, &name, &text(object, 3))?);
        table_names.push(name);
    }
    for object in objects.iter().filter(|o| text(o, 0) == "trigger") {
        let name = text(object, 1);
        // dbwarden's own: live-write capture and an expand step's column sync.
        if name.starts_with("dbwarden_") || name.starts_with("dbw_sync") {
            continue;
        }
        schema.triggers.push(Trigger {
            name,
            table: QualifiedName::bare(text(object, 2)),
            definition: text(object, 3),
            function: None,
            state: None,
            comment: None,
        });
    }
    let view_names: Vec<String> = objects
        .iter()
        .filter(|o| text(o, 0) == "view")
        .map(|o| text(o, 1))
        .collect();
    for object in objects.iter().filter(|o| text(o, 0) == "view") {
        let (definition, mentioned) = parse_create_view(&text(object, 3));
        let mut depends_on: Vec<QualifiedName> = mentioned
            .into_iter()
            // SQLite names are case-insensitive: `FROM Orders` reads table `orders`.
            .filter_map(|n| {
                table_names
                    .iter()
                    .chain(view_names.iter())
                    .find(|known| known.eq_ignore_ascii_case(&n))
                    .cloned()
            })
            .map(QualifiedName::bare)
            .collect();
        depends_on.sort();
        depends_on.dedup();
        schema.views.push(View {
            name: QualifiedName::bare(text(object, 1)),
            definition,
            depends_on,
            comment: None,
            grants: Vec::new(),
        });
    }
    schema.normalize();
    Ok(schema)
}

/// Whether a `CREATE` text in `sqlite_master` is `CREATE VIRTUAL TABLE`.
fn is_virtual(create_sql: &str) -> bool {
    let words: Vec<String> = create_sql
        .split_whitespace()
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    words == ["CREATE", "VIRTUAL"]
}

fn table(conn: &Connection, name: &str, create_sql: &str) -> Result<Table, EngineError> {
    let parsed = parse_create_table(create_sql);
    let mut table = Table::new(QualifiedName::bare(name));
    let mut pk: Vec<(i64, String)> = Vec::new();
    for col in pragma(conn, "pragma_table_xinfo", name)? {
        // cid, name, type, notnull, dflt_value, pk, hidden (2 virtual generated, 3 stored)
        let col_name = text(&col, 1);
        let hidden = int(&col, 6);
        if hidden == 1 {
            continue;
        }
        let from_text = parsed
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&col_name));
        let mut column = Column::new(col_name.clone(), text(&col, 2));
        column.nullable = int(&col, 3) == 0;
        column.default = col.get(4).and_then(Value::as_string);
        column.collation = from_text.and_then(|c| c.collation.clone());
        if hidden == 2 || hidden == 3 {
            let expression = from_text
                .and_then(|c| c.generated.as_ref())
                .map(|g| g.0.clone())
                .unwrap_or_default();
            column.generated = Some(Generated {
                expression,
                stored: hidden == 3,
            });
        }
        let pk_position = int(&col, 5);
        if pk_position > 0 {
            pk.push((pk_position, col_name));
        }
        table.columns.push(column);
    }
    pk.sort();
    if !pk.is_empty() {
        if parsed.autoincrement
            && pk.len() == 1
            && let Some(c) = table.columns.iter_mut().find(|c| c.name == pk[0].1)
        {
            c.identity = Some(Identity::AutoIncrement);
        }
        table.primary_key = Some(PrimaryKey {
            name: parsed.primary_key_name.clone(),
            columns: pk.into_iter().map(|p| p.1).collect(),
        });
    }
    table.checks = parsed
        .checks
        .iter()
        .map(|(name, expression)| CheckConstraint {
            name: name.clone(),
            expression: expression.clone(),
        })
        .collect();
    table.foreign_keys = foreign_keys(conn, name)?;
    let (uniques, indexes) = indexes(conn, name)?;
    table.uniques = uniques;
    table.indexes = indexes;
    Ok(table)
}

fn foreign_keys(conn: &Connection, table: &str) -> Result<Vec<ForeignKey>, EngineError> {
    // id, seq, table, from, to, on_update, on_delete, match
    let rows = pragma(conn, "pragma_foreign_key_list", table)?;
    let mut keys: Vec<(i64, ForeignKey)> = Vec::new();
    for row in rows {
        let id = int(&row, 0);
        let referenced = text(&row, 2);
        let to = row.get(4).and_then(Value::as_string);
        let action = |i| ForeignKeyAction::parse(&text(&row, i)).unwrap_or_default();
        let key = match keys.iter_mut().find(|(k, _)| *k == id) {
            Some((_, key)) => key,
            None => {
                keys.push((
                    id,
                    ForeignKey {
                        name: None,
                        columns: Vec::new(),
                        referenced_table: QualifiedName::bare(referenced.clone()),
                        referenced_columns: Vec::new(),
                        on_delete: action(6),
                        on_update: action(5),
                        match_full: false,
                        deferrable: false,
                        initially_deferred: false,
                    },
                ));
                let last = keys.len() - 1;
                &mut keys[last].1
            }
        };
        key.columns.push(text(&row, 3));
        if let Some(to) = to {
            key.referenced_columns.push(to);
        }
    }
    let mut out = Vec::new();
    for (_, mut key) in keys {
        // `REFERENCES parent` without columns means the parent's primary key.
        if key.referenced_columns.is_empty() {
            let pk = pragma(conn, "pragma_table_info", &key.referenced_table.name)?;
            let mut cols: Vec<(i64, String)> = pk
                .iter()
                .filter(|c| int(c, 5) > 0)
                .map(|c| (int(c, 5), text(c, 1)))
                .collect();
            cols.sort();
            key.referenced_columns = cols.into_iter().map(|c| c.1).collect();
        }
        out.push(key);
    }
    Ok(out)
}

fn indexes(
    conn: &Connection,
    table: &str,
) -> Result<(Vec<UniqueConstraint>, Vec<Index>), EngineError> {
    // seq, name, unique, origin (c: CREATE INDEX, u: UNIQUE constraint, pk), partial
    let list = pragma(conn, "pragma_index_list", table)?;
    let mut uniques = Vec::new();
    let mut indexes = Vec::new();
    for entry in list {
        let name = text(&entry, 1);
        let origin = text(&entry, 3);
        // seqno, cid, name, desc, coll, key
        let info: Vec<Vec<Value>> = pragma(conn, "pragma_index_xinfo", &name)?
            .into_iter()
            .filter(|r| int(r, 5) == 1)
            .collect();
        match origin.as_str() {
            "pk" => {}
            "u" => uniques.push(UniqueConstraint {
                name: None,
                columns: info.iter().map(|r| text(r, 2)).collect(),
            }),
            _ => {
                let sql = conn
                    .query_row(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                        [&name],
                        |r| r.get::<_, Option<String>>(0),
                    )
                    .map_err(sql_error)?
                    .unwrap_or_default();
                let (key_texts, predicate) = parse_create_index(&sql);
                let parts = info
                    .iter()
                    .enumerate()
                    .map(|(i, r)| IndexPart {
                        key: if int(r, 1) == -2 {
                            IndexKey::Expression(key_texts.get(i).cloned().unwrap_or_default())
                        } else {
                            IndexKey::Column(text(r, 2))
                        },
                        descending: int(r, 3) == 1,
                        prefix_length: None,
                        operator_class: None,
                        nulls_first: None,
                    })
                    .collect();
                indexes.push(Index {
                    name,
                    unique: int(&entry, 2) == 1,
                    parts,
                    predicate,
                    method: None,
                    comment: None,
                    include: Vec::new(),
                    nulls_not_distinct: false,
                    storage: Vec::new(),
                });
            }
        }
    }
    Ok((uniques, indexes))
}
