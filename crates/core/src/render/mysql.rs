//! DDL for MySQL and MariaDB.
//!
//! One `CREATE TABLE` per table with its columns, primary key, unique keys, checks and comment;
//! then the indexes; then the foreign keys; then the views in dependency order.
//!
//! Indexes come before foreign keys on purpose: `ADD FOREIGN KEY` creates an index of its own
//! when no usable one exists yet (MySQL manual, "FOREIGN KEY Constraints": "index_name ... is
//! created automatically on the referencing table if it does not exist"). Creating the model's
//! indexes first lets the server reuse them, so the applied schema holds exactly the indexes
//! the model lists plus the implicit ones that introspection leaves out.
//!
//! Partial-index predicates and view comments do not exist on MySQL and are not rendered.

use super::views_in_dependency_order;
use crate::render::programs;
use crate::{
    CheckConstraint, Column, Dialect, ForeignKey, Identity, Index, IndexKey, IndexPart, Schema,
    Table, View, quote_ident, quote_literal,
};

const DIALECT: Dialect = Dialect::Mysql;

/// The schema's DDL statements in apply order.
pub(super) fn statements(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in &schema.tables {
        out.push(create_table(table));
    }
    for table in &schema.tables {
        let inline = indexes_keying_auto_increment(table);
        for index in &table.indexes {
            if !inline.contains(&index.name.as_str()) {
                out.push(create_index(table, index));
            }
        }
    }
    for table in &schema.tables {
        for foreign_key in &table.foreign_keys {
            out.push(add_foreign_key(table, foreign_key));
        }
    }
    for view in views_in_dependency_order(&schema.views) {
        out.push(create_view(view));
    }
    // MySQL checks neither a routine's nor a trigger's body against the tables when creating
    // it; they come last, triggers after the routines they may call.
    out.extend(schema.routines.iter().map(programs::create_routine));
    out.extend(schema.triggers.iter().map(programs::create_trigger));
    out
}

fn ident(name: &str) -> String {
    quote_ident(DIALECT, name)
}

fn column_list(columns: &[String]) -> String {
    crate::dialect::quote_ident_list(Dialect::Mysql, columns)
}

fn create_table(table: &Table) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|column| {
            format!(
                "  {}",
                column_definition(column, &column_checks(table, column))
            )
        })
        .collect();
    if let Some(primary_key) = &table.primary_key {
        lines.push(format!(
            "  PRIMARY KEY ({})",
            column_list(&primary_key.columns)
        ));
    }
    for unique in &table.uniques {
        let name = unique
            .name
            .as_deref()
            .map(|n| format!("{} ", ident(n)))
            .unwrap_or_default();
        lines.push(format!(
            "  UNIQUE KEY {name}({})",
            column_list(&unique.columns)
        ));
    }
    let inline_indexes = indexes_keying_auto_increment(table);
    for index in &table.indexes {
        if inline_indexes.contains(&index.name.as_str()) {
            lines.push(format!("  {}", inline_index(index)));
        }
    }
    for check in &table.checks {
        if !is_column_check(table, check) {
            lines.push(format!("  {}", table_check(check)));
        }
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n{}\n)",
        table.name.quoted(DIALECT),
        lines.join(",\n")
    );
    if let Some(comment) = &table.comment {
        sql.push_str(&format!(" COMMENT = {}", quote_literal(DIALECT, comment)));
    }
    sql
}

/// A column definition in the order both servers' grammars accept: the collation right after
/// the type, a generated column's `NOT NULL` right after `VIRTUAL|STORED`, and inline checks
/// last (MariaDB rejects `COMMENT` after `CHECK`).
fn column_definition(column: &Column, checks: &[&CheckConstraint]) -> String {
    let mut sql = format!("{} {}", ident(&column.name), column.data_type);
    if let Some(collation) = &column.collation {
        // COLLATE alone also sets the character set the collation belongs to (MySQL manual,
        // "Column Character Set and Collation").
        sql.push_str(&format!(" COLLATE {collation}"));
    }
    match &column.generated {
        Some(generated) => {
            let storage = if generated.stored {
                "STORED"
            } else {
                "VIRTUAL"
            };
            sql.push_str(&format!(
                " GENERATED ALWAYS AS ({}) {storage}",
                generated.expression
            ));
            // MariaDB accepts no NULL/NOT NULL on generated columns and reports them all as
            // nullable; MySQL accepts NOT NULL, so only that is written.
            if !column.nullable {
                sql.push_str(" NOT NULL");
            }
        }
        None => {
            // NULL is written out because without it a TIMESTAMP column becomes NOT NULL
            // where explicit_defaults_for_timestamp is off (MySQL manual, "Automatic
            // Initialization and Updating for TIMESTAMP and DATETIME").
            sql.push_str(if column.nullable {
                " NULL"
            } else {
                " NOT NULL"
            });
            if let Some(default) = &column.default {
                sql.push_str(&format!(" DEFAULT {default}"));
            }
        }
    }
    if column.identity.is_some() {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", quote_literal(DIALECT, comment)));
    }
    for check in checks {
        sql.push_str(&format!(" CHECK ({})", check.expression));
    }
    sql
}

/// MariaDB names a column-level check after its column (and MySQL never names a check that way
/// by itself), so a check named after a column is written inline, where MariaDB gives it the
/// column's name and keeps it column-level.
fn is_column_check(table: &Table, check: &CheckConstraint) -> bool {
    check
        .name
        .as_deref()
        .is_some_and(|name| table.column(name).is_some())
}

fn column_checks<'a>(table: &'a Table, column: &Column) -> Vec<&'a CheckConstraint> {
    table
        .checks
        .iter()
        .filter(|check| check.name.as_deref() == Some(column.name.as_str()))
        .collect()
}

fn table_check(check: &CheckConstraint) -> String {
    match &check.name {
        Some(name) => format!("CONSTRAINT {} CHECK ({})", ident(name), check.expression),
        None => format!("CHECK ({})", check.expression),
    }
}

/// Names of the indexes that must be written inside `CREATE TABLE`: InnoDB refuses an
/// AUTO_INCREMENT column that does not lead some index ("there can be only one auto column and
/// it must be defined as a key"), so when neither the primary key nor a unique key starts with
/// it, the first index that does goes inline.
fn indexes_keying_auto_increment(table: &Table) -> Vec<&str> {
    let Some(column) = table
        .columns
        .iter()
        .find(|c| c.identity == Some(Identity::AutoIncrement))
    else {
        return Vec::new();
    };
    let leads = |columns: &[String]| columns.first() == Some(&column.name);
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| leads(&pk.columns))
        || table.uniques.iter().any(|u| leads(&u.columns))
    {
        return Vec::new();
    }
    table
        .indexes
        .iter()
        .find(|index| {
            index
                .parts
                .first()
                .is_some_and(|part| part.key == IndexKey::Column(column.name.clone()))
        })
        .map(|index| vec![index.name.as_str()])
        .unwrap_or_default()
}

/// The keyword before `INDEX`/`KEY` and the `USING` clause for an index's method: FULLTEXT and
/// SPATIAL are index kinds in MySQL's grammar, HASH/BTREE/RTREE are `USING` methods.
fn index_kind_and_method(index: &Index) -> (&'static str, Option<String>) {
    let method = index.method.as_deref().map(str::to_ascii_uppercase);
    match method.as_deref() {
        Some("FULLTEXT") => ("FULLTEXT ", None),
        Some("SPATIAL") => ("SPATIAL ", None),
        _ if index.unique => ("UNIQUE ", method),
        _ => ("", method),
    }
}

fn index_part(part: &IndexPart) -> String {
    let mut sql = match &part.key {
        IndexKey::Column(name) => ident(name),
        // A functional key part must be in its own parentheses (MySQL manual, "Functional
        // Key Parts").
        IndexKey::Expression(expression) => format!("({expression})"),
    };
    if let Some(length) = part.prefix_length {
        sql.push_str(&format!("({length})"));
    }
    if part.descending {
        sql.push_str(" DESC");
    }
    sql
}

fn index_suffix(index: &Index, method: Option<String>) -> String {
    let parts: Vec<String> = index.parts.iter().map(index_part).collect();
    let mut sql = format!("({})", parts.join(", "));
    if let Some(method) = method {
        sql.push_str(&format!(" USING {method}"));
    }
    if let Some(comment) = &index.comment {
        sql.push_str(&format!(" COMMENT {}", quote_literal(DIALECT, comment)));
    }
    sql
}

fn create_index(table: &Table, index: &Index) -> String {
    let (kind, method) = index_kind_and_method(index);
    format!(
        "CREATE {kind}INDEX {} ON {} {}",
        ident(&index.name),
        table.name.quoted(DIALECT),
        index_suffix(index, method)
    )
}

fn inline_index(index: &Index) -> String {
    let (kind, method) = index_kind_and_method(index);
    format!(
        "{kind}KEY {} {}",
        ident(&index.name),
        index_suffix(index, method)
    )
}

fn add_foreign_key(table: &Table, foreign_key: &ForeignKey) -> String {
    let constraint = foreign_key
        .name
        .as_deref()
        .map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default();
    format!(
        "ALTER TABLE {} ADD {constraint}FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        table.name.quoted(DIALECT),
        column_list(&foreign_key.columns),
        foreign_key.referenced_table.quoted(DIALECT),
        column_list(&foreign_key.referenced_columns),
        foreign_key.on_delete.sql(),
        foreign_key.on_update.sql()
    )
}

fn create_view(view: &View) -> String {
    format!(
        "CREATE VIEW {} AS {}",
        view.name.quoted(DIALECT),
        view.definition
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ForeignKeyAction, Generated, PrimaryKey, QualifiedName, UniqueConstraint,
        render::schema_statements,
    };

    fn column(name: &str, data_type: &str) -> Column {
        Column::new(name, data_type)
    }

    fn part(name: &str) -> IndexPart {
        IndexPart {
            key: IndexKey::Column(name.into()),
            descending: false,
            prefix_length: None,
            operator_class: None,
            nulls_first: None,
        }
    }

    fn index(name: &str, parts: Vec<IndexPart>) -> Index {
        Index {
            name: name.into(),
            unique: false,
            parts,
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        }
    }

    fn authors() -> Table {
        let mut table = Table::new(QualifiedName::bare("authors"));
        table.columns = vec![
            Column {
                nullable: false,
                identity: Some(Identity::AutoIncrement),
                ..column("id", "int(11)")
            },
            Column {
                nullable: false,
                default: Some("'anon'".into()),
                comment: Some("shown on the site".into()),
                ..column("name", "varchar(100)")
            },
            Column {
                collation: Some("utf8mb4_bin".into()),
                ..column("handle", "varchar(30)")
            },
            Column {
                generated: Some(Generated {
                    expression: "`id` * 2".into(),
                    stored: false,
                }),
                ..column("double_id", "int(11)")
            },
            Column {
                nullable: false,
                default: Some("current_timestamp()".into()),
                ..column("created", "timestamp")
            },
        ];
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table.uniques = vec![UniqueConstraint {
            name: Some("uq_name_handle".into()),
            columns: vec!["name".into(), "handle".into()],
        }];
        table.checks = vec![
            CheckConstraint {
                name: Some("handle".into()),
                expression: "`handle` <> ''".into(),
            },
            CheckConstraint {
                name: Some("chk_id".into()),
                expression: "`id` > 0".into(),
            },
        ];
        table.comment = Some("it's people".into());
        table
    }

    fn books() -> Table {
        let mut table = Table::new(QualifiedName::bare("book list"));
        table.columns = vec![
            Column {
                nullable: false,
                ..column("id", "int(11)")
            },
            column("author_id", "int(11)"),
            column("title", "text"),
            Column {
                generated: Some(Generated {
                    expression: "lower(`title`)".into(),
                    stored: true,
                }),
                ..column("title_lower", "text")
            },
        ];
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table.foreign_keys = vec![ForeignKey {
            name: Some("fk_author".into()),
            columns: vec!["author_id".into()],
            referenced_table: QualifiedName::bare("authors"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::Cascade,
            on_update: ForeignKeyAction::SetNull,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        }];
        table.indexes = vec![
            Index {
                comment: Some("search".into()),
                method: Some("FULLTEXT".into()),
                ..index("ft_title", vec![part("title")])
            },
            Index {
                unique: true,
                ..index(
                    "ix_title_prefix",
                    vec![
                        IndexPart {
                            prefix_length: Some(20),
                            descending: true,
                            ..part("title")
                        },
                        IndexPart {
                            key: IndexKey::Expression("`author_id` + 1".into()),
                            descending: false,
                            prefix_length: None,
                            operator_class: None,
                            nulls_first: None,
                        },
                    ],
                )
            },
        ];
        table
    }

    fn schema() -> Schema {
        let mut schema = Schema::empty(Dialect::Mysql);
        schema.tables = vec![authors(), books()];
        schema.views = vec![
            View {
                name: QualifiedName::bare("v_names"),
                definition: "select `v_authors`.`name` AS `name` from `v_authors`".into(),
                depends_on: vec![QualifiedName::bare("v_authors")],
                comment: None,
                grants: Vec::new(),
            },
            View {
                name: QualifiedName::bare("v_authors"),
                definition: "select `authors`.`name` AS `name` from `authors`".into(),
                depends_on: vec![QualifiedName::bare("authors")],
                comment: None,
                grants: Vec::new(),
            },
        ];
        schema
    }

    #[test]
    fn renders_tables_then_indexes_then_foreign_keys_then_views() {
        let statements = schema_statements(&schema());
        let expected = [
            "CREATE TABLE `authors` (\n  \
             `id` int(11) NOT NULL AUTO_INCREMENT,\n  \
             `name` varchar(100) NOT NULL DEFAULT 'anon' COMMENT 'shown on the site',\n  \
             `handle` varchar(30) COLLATE utf8mb4_bin NULL CHECK (`handle` <> ''),\n  \
             `double_id` int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL,\n  \
             `created` timestamp NOT NULL DEFAULT current_timestamp(),\n  \
             PRIMARY KEY (`id`),\n  \
             UNIQUE KEY `uq_name_handle` (`name`, `handle`),\n  \
             CONSTRAINT `chk_id` CHECK (`id` > 0)\n\
             ) COMMENT = 'it''s people'",
            "CREATE TABLE `book list` (\n  \
             `id` int(11) NOT NULL,\n  \
             `author_id` int(11) NULL,\n  \
             `title` text NULL,\n  \
             `title_lower` text GENERATED ALWAYS AS (lower(`title`)) STORED,\n  \
             PRIMARY KEY (`id`)\n\
             )",
            "CREATE FULLTEXT INDEX `ft_title` ON `book list` (`title`) COMMENT 'search'",
            "CREATE UNIQUE INDEX `ix_title_prefix` ON `book list` (`title`(20) DESC, (`author_id` + 1))",
            "ALTER TABLE `book list` ADD CONSTRAINT `fk_author` FOREIGN KEY (`author_id`) \
             REFERENCES `authors` (`id`) ON DELETE CASCADE ON UPDATE SET NULL",
            "CREATE VIEW `v_authors` AS select `authors`.`name` AS `name` from `authors`",
            "CREATE VIEW `v_names` AS select `v_authors`.`name` AS `name` from `v_authors`",
        ];
        assert_eq!(statements, expected);
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(schema_statements(&schema()), schema_statements(&schema()));
    }

    #[test]
    fn auto_increment_keyed_only_by_an_index_gets_that_index_inline() {
        let mut table = Table::new(QualifiedName::bare("events"));
        table.columns = vec![
            column("tenant", "int"),
            Column {
                nullable: false,
                identity: Some(Identity::AutoIncrement),
                ..column("seq", "bigint")
            },
        ];
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["tenant".into(), "seq".into()],
        });
        table.indexes = vec![
            Index {
                method: Some("hash".into()),
                ..index("ix_seq", vec![part("seq")])
            },
            index("ix_tenant", vec![part("tenant")]),
        ];
        let mut schema = Schema::empty(Dialect::Mysql);
        schema.tables = vec![table];
        let statements = schema_statements(&schema);
        assert_eq!(
            statements,
            [
                "CREATE TABLE `events` (\n  \
                 `tenant` int NULL,\n  \
                 `seq` bigint NOT NULL AUTO_INCREMENT,\n  \
                 PRIMARY KEY (`tenant`, `seq`),\n  \
                 KEY `ix_seq` (`seq`) USING HASH\n\
                 )",
                "CREATE INDEX `ix_tenant` ON `events` (`tenant`)",
            ]
        );
    }

    #[test]
    fn unnamed_constraints_and_quoting() {
        let mut table = Table::new(QualifiedName::bare("a`b"));
        table.columns = vec![Column {
            nullable: false,
            generated: Some(Generated {
                expression: "1".into(),
                stored: true,
            }),
            comment: Some(r"back\slash".into()),
            ..column("c", "int")
        }];
        table.checks = vec![CheckConstraint {
            name: None,
            expression: "`c` > 0".into(),
        }];
        table.foreign_keys = vec![ForeignKey {
            name: None,
            columns: vec!["c".into()],
            referenced_table: QualifiedName::new("other", "t"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::Restrict,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        }];
        let mut schema = Schema::empty(Dialect::Mysql);
        schema.tables = vec![table];
        assert_eq!(
            schema_statements(&schema),
            [
                "CREATE TABLE `a``b` (\n  \
                 `c` int GENERATED ALWAYS AS (1) STORED NOT NULL COMMENT 'back\\\\slash',\n  \
                 CHECK (`c` > 0)\n\
                 )",
                "ALTER TABLE `a``b` ADD FOREIGN KEY (`c`) REFERENCES `other`.`t` (`id`) \
                 ON DELETE NO ACTION ON UPDATE RESTRICT",
            ]
        );
    }
}
