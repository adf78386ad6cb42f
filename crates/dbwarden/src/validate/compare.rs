//! Comparing two snapshots, and telling the differences a migration meant from the ones it
//! did not.

use super::Snapshot;
use dbwarden_core::Dialect;
use serde::Serialize;

/// One way the data differs between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The table.
    pub table: String,
    /// What differs: `table`, `rows`, `column`, `nulls(col)`, `distinct(key)`, `checksum`,
    /// `checksum(col)`.
    pub figure: String,
    /// The figure before.
    pub expected: String,
    /// The figure after.
    pub found: String,
    /// Why the migration meant this, when it did; `None` marks a difference nobody asked for.
    pub intended: Option<String>,
}

/// What a migration says it changes, read from its statements: tables whose definition it
/// changes (CREATE/ALTER/DROP/RENAME) and tables whose rows it changes (INSERT/UPDATE/DELETE/
/// TRUNCATE/MERGE).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Intent {
    /// Tables whose definition changes.
    pub schema_tables: Vec<String>,
    /// Tables whose rows change.
    pub data_tables: Vec<String>,
    /// Statements whose effects cannot be read from their words (`DO` blocks, `EXECUTE`,
    /// `PREPARE`, `CALL`): they may change any table, so every table is watched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opaque: Vec<String>,
}

fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '`' => quote = Some(c),
            None if c.is_alphanumeric() || c == '_' || c == '.' || c == '$' => current.push(c),
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                if c == '(' || c == ';' || c == ',' {
                    out.push(c.to_string());
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn bare(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_owned()
}

impl Intent {
    /// Reads the tables a migration's statements touch.
    pub fn from_sql(sql: &str, dialect: Dialect) -> Intent {
        let mut intent = Intent::default();
        let statements = dbwarden_sql::split(sql, dialect).unwrap_or_default();
        for statement in statements {
            let w = words(&statement.sql);
            let lower: Vec<String> = w.iter().map(|s| s.to_ascii_lowercase()).collect();
            let skip = |mut i: usize, noise: &[&str]| {
                while lower.get(i).is_some_and(|x| noise.contains(&x.as_str())) {
                    i += 1;
                }
                i
            };
            let name_at = |i: usize| w.get(i).map(|n| bare(n));
            let first = lower.first().map(String::as_str).unwrap_or("");
            let second = lower.get(1).map(String::as_str).unwrap_or("");
            match (first, second) {
                ("alter" | "create" | "drop", "table") => {
                    let mut i = skip(2, &["if", "not", "exists", "only"]);
                    while let Some(name) = name_at(i) {
                        intent.schema_tables.push(name);
                        if lower.get(i + 1).map(String::as_str) != Some(",") || first != "drop" {
                            break;
                        }
                        i += 2;
                    }
                    // ALTER TABLE a RENAME TO b: b is new.
                    if let Some(at) = lower.iter().position(|x| x == "to")
                        && first == "alter"
                        && let Some(name) = name_at(at + 1)
                    {
                        intent.schema_tables.push(name);
                    }
                }
                ("rename", "table") => {
                    intent.schema_tables.extend(
                        w.iter()
                            .skip(2)
                            .filter(|x| !x.eq_ignore_ascii_case("to") && x.as_str() != ",")
                            .map(|n| bare(n)),
                    );
                }
                ("create", _) if lower.contains(&"index".to_owned()) => {
                    if let Some(on) = lower.iter().position(|x| x == "on")
                        && let Some(name) = name_at(skip(on + 1, &["only"]))
                    {
                        intent.schema_tables.push(name);
                    }
                }
                ("update", _) => {
                    if let Some(name) = name_at(skip(1, &["only", "low_priority", "ignore"])) {
                        intent.data_tables.push(name);
                    }
                }
                ("delete", _) => {
                    if let Some(from) = lower.iter().position(|x| x == "from")
                        && let Some(name) = name_at(skip(from + 1, &["only"]))
                    {
                        intent.data_tables.push(name);
                    }
                }
                ("insert" | "replace" | "merge", _) => {
                    if let Some(into) = lower.iter().position(|x| x == "into")
                        && let Some(name) = name_at(into + 1)
                    {
                        intent.data_tables.push(name);
                    }
                }
                ("do" | "execute" | "prepare" | "call", _) => {
                    intent
                        .opaque
                        .push(statement.sql.lines().next().unwrap_or("").to_owned());
                }
                ("truncate", _) => {
                    let i = skip(1, &["table", "only"]);
                    intent.data_tables.extend(
                        w.iter()
                            .skip(i)
                            .take_while(|x| {
                                !x.eq_ignore_ascii_case("cascade")
                                    && !x.eq_ignore_ascii_case("restart")
                            })
                            .filter(|x| x.as_str() != ",")
                            .map(|n| bare(n)),
                    );
                }
                _ => {}
            }
        }
        intent.schema_tables.sort();
        intent.schema_tables.dedup();
        intent.data_tables.sort();
        intent.data_tables.dedup();
        intent
    }

    fn touches(list: &[String], table: &str) -> bool {
        let name = bare(table);
        list.iter().any(|t| t == table || *t == name)
    }

    fn why_schema(&self, table: &str) -> Option<String> {
        Intent::touches(&self.schema_tables, table)
            .then(|| "the migration changes this table's definition".to_owned())
    }

    fn why_data(&self, table: &str) -> Option<String> {
        Intent::touches(&self.data_tables, table)
            .then(|| "the migration changes this table's rows".to_owned())
    }

    fn why_any(&self, table: &str) -> Option<String> {
        self.why_data(table).or_else(|| self.why_schema(table))
    }
}

/// Every difference between `before` and `after`, each marked intended or not.
pub fn compare(before: &Snapshot, after: &Snapshot, intent: &Intent) -> Vec<Difference> {
    let mut out = Vec::new();
    let diff =
        |table: &str, figure: String, expected: String, found: String, intended| Difference {
            table: table.to_owned(),
            figure,
            expected,
            found,
            intended,
        };
    for (name, old) in &before.tables {
        let Some(new) = after.tables.get(name) else {
            out.push(diff(
                name,
                "table".into(),
                format!("{} rows", old.rows),
                "dropped".into(),
                intent.why_schema(name),
            ));
            continue;
        };
        for column in old.nulls.keys().filter(|c| !new.nulls.contains_key(*c)) {
            out.push(diff(
                name,
                "column".into(),
                column.clone(),
                "dropped".into(),
                intent.why_schema(name),
            ));
        }
        for column in new.nulls.keys().filter(|c| !old.nulls.contains_key(*c)) {
            out.push(diff(
                name,
                "column".into(),
                "absent".into(),
                format!("{column} added"),
                intent.why_schema(name),
            ));
        }
        if old.rows != new.rows {
            out.push(diff(
                name,
                "rows".into(),
                old.rows.to_string(),
                new.rows.to_string(),
                intent.why_data(name),
            ));
        }
        for (column, nulls) in &old.nulls {
            if let Some(n) = new.nulls.get(column)
                && n != nulls
            {
                out.push(diff(
                    name,
                    format!("nulls({column})"),
                    nulls.to_string(),
                    n.to_string(),
                    intent.why_any(name),
                ));
            }
        }
        for (key, distinct) in &old.distinct {
            if let Some(n) = new.distinct.get(key)
                && n != distinct
            {
                out.push(diff(
                    name,
                    format!("distinct({key})"),
                    distinct.to_string(),
                    n.to_string(),
                    intent.why_data(name),
                ));
            }
        }
        let same_columns = old.nulls.keys().eq(new.nulls.keys());
        if same_columns {
            if old.checksum != new.checksum {
                out.push(diff(
                    name,
                    "checksum".into(),
                    old.checksum.clone(),
                    new.checksum.clone(),
                    intent.why_any(name),
                ));
            }
        } else {
            // The row checksum covers other columns now; compare the kept ones one by one.
            for (column, sum) in &old.column_checksums {
                if let Some(s) = new.column_checksums.get(column)
                    && s != sum
                {
                    out.push(diff(
                        name,
                        format!("checksum({column})"),
                        sum.clone(),
                        s.clone(),
                        intent.why_any(name),
                    ));
                }
            }
        }
    }
    for (name, new) in &after.tables {
        if !before.tables.contains_key(name) {
            out.push(diff(
                name,
                "table".into(),
                "absent".into(),
                format!("created, {} rows", new.rows),
                intent.why_schema(name),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intent_reads_the_tables_statements_touch() {
        let intent = Intent::from_sql(
            "ALTER TABLE public.users ADD COLUMN email text;\n\
             UPDATE \"users\" SET email = '';\n\
             DROP TABLE IF EXISTS old_logs, old_events;\n\
             DELETE FROM ONLY sessions WHERE expired;\n\
             INSERT INTO audit (x) VALUES (1);\n\
             CREATE INDEX CONCURRENTLY i ON ONLY orders (id);\n\
             TRUNCATE TABLE a, b CASCADE;",
            Dialect::Postgres,
        );
        assert_eq!(
            intent.schema_tables,
            ["old_events", "old_logs", "orders", "users"]
        );
        assert_eq!(intent.data_tables, ["a", "audit", "b", "sessions", "users"]);
    }
}
