//! Reading MySQL/MariaDB routines and triggers into the model, and listing events (which the
//! model does not manage). Definitions are `SHOW CREATE` text without the `DEFINER` clause:
//! whoever applies the schema becomes the definer, as with a dump restored by another account.

use super::sql_error;
use crate::EngineError;
use dbwarden_core::{QualifiedName, Routine, RoutineKind, Trigger, UnmanagedObject};
use mysql_async::Conn;
use mysql_async::prelude::Queryable;

/// Routines of the current database, one `SHOW CREATE` each.
pub(super) async fn read_routines(conn: &mut Conn) -> Result<Vec<Routine>, EngineError> {
    let listed: Vec<(String, String, Option<String>)> = conn
        .query(
            "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER FROM information_schema.ROUTINES \
             WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME NOT LIKE 'dbwarden\\_%' \
             ORDER BY ROUTINE_NAME",
        )
        .await
        .map_err(|e| context("listing routines", sql_error(e)))?;
    let mut routines = Vec::with_capacity(listed.len());
    for (name, kind, returns) in listed {
        let kind = if kind.eq_ignore_ascii_case("PROCEDURE") {
            RoutineKind::Procedure
        } else {
            RoutineKind::Function
        };
        let definition = show_create(
            conn,
            &format!("SHOW CREATE {} {}", kind.keyword(), quoted(&name)),
            &name,
        )
        .await?;
        routines.push(Routine {
            name: QualifiedName::bare(name),
            kind,
            arguments: String::new(),
            returns,
            language: "SQL".into(),
            definition: without_definer(&definition),
            comment: None,
        });
    }
    Ok(routines)
}

/// Triggers of the current database (dbwarden's own left out), one `SHOW CREATE` each.
pub(super) async fn read_triggers(conn: &mut Conn) -> Result<Vec<Trigger>, EngineError> {
    let listed: Vec<(String, String)> = conn
        .query(
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS \
             WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME NOT LIKE 'dbwarden\\_%' \
             AND TRIGGER_NAME NOT LIKE 'dbw\\_sync%' AND EVENT_OBJECT_TABLE NOT LIKE 'dbwarden\\_%' \
             ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME",
        )
        .await
        .map_err(|e| context("listing triggers", sql_error(e)))?;
    let mut triggers = Vec::with_capacity(listed.len());
    for (name, table) in listed {
        let definition = show_create(
            conn,
            &format!("SHOW CREATE TRIGGER {}", quoted(&name)),
            &name,
        )
        .await?;
        triggers.push(Trigger {
            name,
            table: QualifiedName::bare(table),
            definition: without_definer(&definition),
            function: None,
            state: None,
            comment: None,
        });
    }
    Ok(triggers)
}

/// Events, which the model does not manage.
pub(super) async fn read_unmanaged(conn: &mut Conn) -> Result<Vec<UnmanagedObject>, EngineError> {
    let events: Vec<String> = conn
        .query(
            "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() \
             ORDER BY EVENT_NAME",
        )
        .await
        .map_err(|e| context("listing events", sql_error(e)))?;
    Ok(events
        .into_iter()
        .map(|name| UnmanagedObject {
            kind: "event".into(),
            name,
            tool: None,
        })
        .collect())
}

fn quoted(name: &str) -> String {
    dbwarden_core::quote_ident(dbwarden_core::Dialect::Mysql, name)
}

/// The third column of a `SHOW CREATE PROCEDURE/FUNCTION/TRIGGER` row: the statement.
async fn show_create(conn: &mut Conn, sql: &str, name: &str) -> Result<String, EngineError> {
    let row: Option<mysql_async::Row> = conn
        .query_first(sql)
        .await
        .map_err(|e| context(&format!("reading {name}"), sql_error(e)))?;
    row.and_then(|r| {
        r.get_opt::<Option<String>, usize>(2)
            .and_then(Result::ok)
            .flatten()
    })
    .ok_or_else(|| {
        EngineError::Driver(format!(
            "`{sql}` returned no definition: the account may lack the privilege to read it"
        ))
    })
}

fn context(doing: &str, error: EngineError) -> EngineError {
    match error {
        EngineError::Sql {
            message,
            code,
            position,
        } => EngineError::Sql {
            message: format!("{doing}: {message}"),
            code,
            position,
        },
        other => other,
    }
}

/// `CREATE DEFINER=`u`@`h` TRIGGER ...` as `CREATE TRIGGER ...`.
pub(super) fn without_definer(definition: &str) -> String {
    let Some(at) = definition.find("DEFINER=") else {
        return definition.to_owned();
    };
    let rest = &definition[at + "DEFINER=".len()..];
    let mut end = 0;
    let mut quote: Option<char> = None;
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        match quote {
            Some(q) if c == q => {
                // A doubled quote is a quote inside the name.
                if chars.get(i + 1).is_some_and(|&(_, n)| n == q) {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => {
                end = pos;
                break;
            }
            None => {}
        }
        i += 1;
        end = pos + c.len_utf8();
    }
    let after = rest[end..].trim_start();
    format!("{}{after}", &definition[..at])
}

#[cfg(test)]
mod tests {
    use super::without_definer;

    #[test]
    fn definer_clause_goes() {
        assert_eq!(
            without_definer(
                "CREATE DEFINER=`root`@`localhost` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1"
            ),
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1"
        );
        assert_eq!(
            without_definer("CREATE DEFINER=`a b`@`%` PROCEDURE `p`()\nBEGIN END"),
            "CREATE PROCEDURE `p`()\nBEGIN END"
        );
        assert_eq!(without_definer("CREATE TRIGGER t"), "CREATE TRIGGER t");
    }
}
