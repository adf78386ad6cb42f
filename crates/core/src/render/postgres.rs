//! DDL for PostgreSQL.
//!
//! Statements come in the order an empty database accepts them: schemas, enum types and
//! sequences (which column types and defaults refer to), tables with their inline primary key,
//! unique and check constraints, sequence ownership (which needs the owning table), foreign keys
//! (so tables may reference each other in any order), indexes, views after the views they read,
//! and comments last. Every name is quoted and, where it lives in a schema, qualified;
//! expressions are written as the model holds them.

use crate::render::programs::{self, RoutinePlace};
use crate::render::views_in_dependency_order;
use crate::{
    Column, Dialect, EnumType, ForeignKey, Generated, Identity, Index, IndexKey, QualifiedName,
    Schema, Sequence, Table, View, quote_ident, quote_literal,
};

/// The schema's DDL statements in apply order.
pub(super) fn statements(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    if !schema.routines.is_empty() {
        out.push(programs::POSTGRES_DEFER_BODY_CHECKS.to_owned());
    }
    for namespace in &schema.namespaces {
        // `public` exists in every new database; the model lists it only for its comment.
        if namespace.name != "public" {
            out.push(format!("CREATE SCHEMA {}", ident(&namespace.name)));
        }
    }
    out.extend(schema.extensions.iter().map(programs::create_extension));
    out.extend(schema.enums.iter().map(create_enum));
    let routines_at = |place: RoutinePlace| {
        schema
            .routines
            .iter()
            .filter(move |r| programs::routine_place(r, schema) == place)
            .map(programs::create_routine)
    };
    let (late_domains, domains): (Vec<_>, Vec<_>) = schema
        .domains
        .iter()
        .partition(|d| programs::domain_calls_routines(d, schema));
    out.extend(domains.into_iter().map(programs::create_domain));
    out.extend(schema.composites.iter().map(programs::create_composite));
    out.extend(routines_at(RoutinePlace::BeforeTables));
    out.extend(late_domains.into_iter().map(programs::create_domain));
    out.extend(schema.sequences.iter().map(create_sequence));
    out.extend(schema.tables.iter().map(create_table));
    out.extend(routines_at(RoutinePlace::AfterTables));
    out.extend(schema.sequences.iter().filter_map(sequence_owner));
    for table in &schema.tables {
        out.extend(
            table
                .foreign_keys
                .iter()
                .map(|foreign_key| add_foreign_key(&table.name, foreign_key)),
        );
    }
    for table in &schema.tables {
        out.extend(
            table
                .indexes
                .iter()
                .map(|index| create_index(&table.name, index)),
        );
    }
    out.extend(
        views_in_dependency_order(&schema.views)
            .into_iter()
            .map(create_view),
    );
    out.extend(routines_at(RoutinePlace::AfterViews));
    for view in &schema.materialized_views {
        out.extend(programs::materialized_view_statements(view));
    }
    out.extend(schema.triggers.iter().map(programs::create_trigger));
    out.extend(schema.triggers.iter().filter_map(programs::trigger_state));
    for table in &schema.tables {
        out.extend(programs::row_security(
            &table.name,
            Default::default(),
            table.row_security,
        ));
    }
    out.extend(schema.policies.iter().map(programs::create_policy));
    out.extend(comments(schema));
    out
}

fn ident(name: &str) -> String {
    quote_ident(Dialect::Postgres, name)
}

fn name(name: &QualifiedName) -> String {
    name.quoted(Dialect::Postgres)
}

fn literal(text: &str) -> String {
    quote_literal(Dialect::Postgres, text)
}

fn column_list(columns: &[String]) -> String {
    crate::dialect::quote_ident_list(Dialect::Postgres, columns)
}

fn create_enum(enum_type: &EnumType) -> String {
    let labels: Vec<String> = enum_type.values.iter().map(|v| literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        name(&enum_type.name),
        labels.join(", ")
    )
}

/// Every option is spelled out, because the defaults depend on the data type and the sign of
/// the increment (manual, "CREATE SEQUENCE").
fn create_sequence(sequence: &Sequence) -> String {
    format!(
        "CREATE SEQUENCE {} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
        name(&sequence.name),
        sequence.data_type,
        sequence.increment,
        sequence.min_value,
        sequence.max_value,
        sequence.start,
        sequence.cache,
        if sequence.cycle { "CYCLE" } else { "NO CYCLE" },
    )
}

fn sequence_owner(sequence: &Sequence) -> Option<String> {
    let (table, column) = sequence.owned_by.as_ref()?;
    Some(format!(
        "ALTER SEQUENCE {} OWNED BY {}.{}",
        name(&sequence.name),
        name(table),
        ident(column)
    ))
}

fn create_table(table: &Table) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(column_definition).collect();
    if let Some(primary_key) = &table.primary_key {
        lines.push(format!(
            "{}PRIMARY KEY ({})",
            constraint_name(primary_key.name.as_deref()),
            column_list(&primary_key.columns)
        ));
    }
    for unique in &table.uniques {
        lines.push(format!(
            "{}UNIQUE ({})",
            constraint_name(unique.name.as_deref()),
            column_list(&unique.columns)
        ));
    }
    for check in &table.checks {
        lines.push(format!(
            "{}CHECK ({})",
            constraint_name(check.name.as_deref()),
            check.expression
        ));
    }
    let create = if table.unlogged {
        "CREATE UNLOGGED TABLE"
    } else {
        "CREATE TABLE"
    };
    if lines.is_empty() {
        return format!("{create} {} ()", name(&table.name));
    }
    format!(
        "{create} {} (\n    {}\n)",
        name(&table.name),
        lines.join(",\n    ")
    )
}

fn constraint_name(constraint: Option<&str>) -> String {
    constraint.map_or_else(String::new, |n| format!("CONSTRAINT {} ", ident(n)))
}

fn column_definition(column: &Column) -> String {
    let mut sql = format!("{} {}", ident(&column.name), column.data_type);
    if let Some(collation) = &column.collation {
        // The model holds the collation as SQL text (quoted, qualified where needed).
        sql.push_str(" COLLATE ");
        sql.push_str(collation);
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(default);
    }
    match column.identity {
        Some(Identity::Always) => sql.push_str(" GENERATED ALWAYS AS IDENTITY"),
        Some(Identity::ByDefault) => sql.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
        // Not a PostgreSQL notion: a model from another dialect would say serial or identity.
        Some(Identity::AutoIncrement) | None => {}
    }
    if let Some(Generated { expression, stored }) = &column.generated {
        let kind = if *stored { "STORED" } else { "VIRTUAL" };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({expression}) {kind}"));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    sql
}

fn add_foreign_key(table: &QualifiedName, foreign_key: &ForeignKey) -> String {
    format!(
        "ALTER TABLE {} ADD {}FOREIGN KEY ({}) REFERENCES {} ({}){} ON DELETE {} ON UPDATE {}{}",
        name(table),
        constraint_name(foreign_key.name.as_deref()),
        column_list(&foreign_key.columns),
        name(&foreign_key.referenced_table),
        column_list(&foreign_key.referenced_columns),
        if foreign_key.match_full {
            " MATCH FULL"
        } else {
            ""
        },
        foreign_key.on_delete.sql(),
        foreign_key.on_update.sql(),
        match (foreign_key.deferrable, foreign_key.initially_deferred) {
            (true, true) => " DEFERRABLE INITIALLY DEFERRED",
            (true, false) => " DEFERRABLE",
            _ => "",
        },
    )
}

/// The index name is never qualified: an index always lives in its table's schema (manual,
/// "CREATE INDEX").
fn create_index(table: &QualifiedName, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| {
            let key = match &part.key {
                IndexKey::Column(column) => ident(column),
                // Parenthesized, because only a bare function call may appear without them.
                IndexKey::Expression(expression) => format!("({expression})"),
            };
            let mut text = key;
            if let Some(class) = &part.operator_class {
                text.push(' ');
                text.push_str(class);
            }
            if part.descending {
                text.push_str(" DESC");
            }
            match part.nulls_first {
                Some(true) => text.push_str(" NULLS FIRST"),
                Some(false) => text.push_str(" NULLS LAST"),
                None => {}
            }
            text
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        ident(&index.name),
        name(table)
    );
    if let Some(method) = &index.method {
        sql.push_str(" USING ");
        sql.push_str(method);
    }
    sql.push_str(&format!(" ({})", parts.join(", ")));
    if !index.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", column_list(&index.include)));
    }
    if index.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if !index.storage.is_empty() {
        sql.push_str(&format!(" WITH ({})", index.storage.join(", ")));
    }
    if let Some(predicate) = &index.predicate {
        sql.push_str(" WHERE ");
        sql.push_str(predicate);
    }
    sql
}

fn create_view(view: &View) -> String {
    format!("CREATE VIEW {} AS\n{}", name(&view.name), view.definition)
}

/// `COMMENT ON` for everything that has a comment.
fn comments(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for namespace in &schema.namespaces {
        let object = format!("SCHEMA {}", ident(&namespace.name));
        if namespace.name == "public" && namespace.comment.is_none() {
            // The model lists `public` only when its comment differs from the one every new
            // database has, so no comment here means dropping that default one.
            out.push(format!("COMMENT ON {object} IS NULL"));
        } else {
            out.extend(comment_on(&object, &namespace.comment));
        }
    }
    for enum_type in &schema.enums {
        let object = format!("TYPE {}", name(&enum_type.name));
        out.extend(comment_on(&object, &enum_type.comment));
    }
    for sequence in &schema.sequences {
        let object = format!("SEQUENCE {}", name(&sequence.name));
        out.extend(comment_on(&object, &sequence.comment));
    }
    for table in &schema.tables {
        let table_name = name(&table.name);
        out.extend(comment_on(&format!("TABLE {table_name}"), &table.comment));
        for column in &table.columns {
            let object = format!("COLUMN {table_name}.{}", ident(&column.name));
            out.extend(comment_on(&object, &column.comment));
        }
        // An index lives in its table's schema.
        let schema_prefix = table
            .name
            .schema
            .as_ref()
            .map_or_else(String::new, |s| format!("{}.", ident(s)));
        for index in &table.indexes {
            let object = format!("INDEX {schema_prefix}{}", ident(&index.name));
            out.extend(comment_on(&object, &index.comment));
        }
    }
    for view in &schema.views {
        let object = format!("VIEW {}", name(&view.name));
        out.extend(comment_on(&object, &view.comment));
    }
    for domain in &schema.domains {
        let object = format!("DOMAIN {}", name(&domain.name));
        out.extend(comment_on(&object, &domain.comment));
    }
    for composite in &schema.composites {
        let object = format!("TYPE {}", name(&composite.name));
        out.extend(comment_on(&object, &composite.comment));
    }
    for routine in schema.routines.iter().filter(|r| r.comment.is_some()) {
        out.push(programs::routine_comment(routine));
    }
    for trigger in schema.triggers.iter().filter(|t| t.comment.is_some()) {
        out.push(programs::trigger_comment(trigger));
    }
    out
}

fn comment_on(object: &str, comment: &Option<String>) -> Option<String> {
    let comment = comment.as_ref()?;
    Some(format!("COMMENT ON {object} IS {}", literal(comment)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        CheckConstraint, ForeignKeyAction, IndexPart, Namespace, PrimaryKey, UniqueConstraint,
    };

    fn column(name: &str, data_type: &str) -> Column {
        Column::new(name, data_type)
    }

    /// A small schema touching every statement kind.
    fn shop() -> Schema {
        let mut customers = Table::new(QualifiedName::new("app", "customers"));
        customers.columns = vec![
            Column {
                nullable: false,
                identity: Some(Identity::Always),
                ..column("id", "bigint")
            },
            Column {
                nullable: false,
                comment: Some("Login, it's unique".into()),
                ..column("email", "text")
            },
            Column {
                collation: Some("\"C\"".into()),
                ..column("Display Name", "text")
            },
            column("referred_by", "bigint"),
        ];
        customers.primary_key = Some(PrimaryKey {
            name: Some("customers_pkey".into()),
            columns: vec!["id".into()],
        });
        customers.checks = vec![CheckConstraint {
            name: Some("email_has_at".into()),
            expression: "POSITION(('@'::text) IN (email)) > 1".into(),
        }];
        customers.foreign_keys = vec![ForeignKey {
            name: Some("referrer_fk".into()),
            columns: vec!["referred_by".into()],
            referenced_table: QualifiedName::new("app", "customers"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::SetNull,
            on_update: ForeignKeyAction::NoAction,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        }];
        customers.indexes = vec![
            Index {
                name: "customers_email_lower".into(),
                unique: true,
                parts: vec![IndexPart {
                    key: IndexKey::Expression("lower(email)".into()),
                    descending: false,
                    prefix_length: None,
                    operator_class: None,
                    nulls_first: None,
                }],
                predicate: Some("referred_by IS NULL".into()),
                method: None,
                comment: None,
                include: Vec::new(),
                nulls_not_distinct: false,
                storage: Vec::new(),
            },
            Index {
                name: "customers_recent".into(),
                unique: false,
                parts: vec![IndexPart {
                    key: IndexKey::Column("id".into()),
                    descending: true,
                    prefix_length: None,
                    operator_class: None,
                    nulls_first: None,
                }],
                predicate: None,
                method: Some("hash".into()),
                comment: Some("Newest first".into()),
                include: Vec::new(),
                nulls_not_distinct: false,
                storage: Vec::new(),
            },
        ];
        customers.comment = Some("People".into());

        let mut orders = Table::new(QualifiedName::new("public", "orders"));
        orders.columns = vec![
            Column {
                nullable: false,
                default: Some("nextval('public.orders_id_seq'::regclass)".into()),
                ..column("id", "integer")
            },
            Column {
                default: Some("'new'::app.status".into()),
                ..column("status", "app.status")
            },
            column("customer_id", "bigint"),
            Column {
                generated: Some(Generated {
                    expression: "id * 2".into(),
                    stored: true,
                }),
                ..column("double_id", "integer")
            },
        ];
        orders.uniques = vec![UniqueConstraint {
            name: Some("orders_customer_status".into()),
            columns: vec!["customer_id".into(), "status".into()],
        }];

        Schema {
            dialect: Dialect::Postgres,
            namespaces: vec![
                Namespace {
                    name: "app".into(),
                    comment: Some("Application".into()),
                },
                Namespace {
                    name: "public".into(),
                    comment: None,
                },
            ],
            enums: vec![EnumType {
                name: QualifiedName::new("app", "status"),
                values: vec!["new".into(), "done".into()],
                comment: None,
            }],
            sequences: vec![Sequence {
                name: QualifiedName::new("public", "orders_id_seq"),
                data_type: "integer".into(),
                start: 1,
                increment: 1,
                min_value: 1,
                max_value: 2147483647,
                cache: 1,
                cycle: false,
                owned_by: Some((QualifiedName::new("public", "orders"), "id".into())),
                comment: Some("Order numbers".into()),
            }],
            tables: vec![customers, orders],
            views: vec![
                View {
                    name: QualifiedName::new("public", "b_view"),
                    definition: "SELECT id FROM public.z_view".into(),
                    depends_on: vec![QualifiedName::new("public", "z_view")],
                    comment: None,
                    grants: Vec::new(),
                },
                View {
                    name: QualifiedName::new("public", "z_view"),
                    definition: "SELECT id\n   FROM public.orders".into(),
                    depends_on: vec![QualifiedName::new("public", "orders")],
                    comment: Some("All orders".into()),
                    grants: Vec::new(),
                },
            ],
            ..Schema::empty(Dialect::Postgres)
        }
    }

    #[test]
    fn renders_every_statement_kind_in_apply_order() {
        let expected = [
            "CREATE SCHEMA \"app\"",
            "CREATE TYPE \"app\".\"status\" AS ENUM ('new', 'done')",
            "CREATE SEQUENCE \"public\".\"orders_id_seq\" AS integer INCREMENT BY 1 MINVALUE 1 \
             MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE",
            "CREATE TABLE \"app\".\"customers\" (\n    \
             \"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n    \
             \"email\" text NOT NULL,\n    \
             \"Display Name\" text COLLATE \"C\",\n    \
             \"referred_by\" bigint,\n    \
             CONSTRAINT \"customers_pkey\" PRIMARY KEY (\"id\"),\n    \
             CONSTRAINT \"email_has_at\" CHECK (POSITION(('@'::text) IN (email)) > 1)\n)",
            "CREATE TABLE \"public\".\"orders\" (\n    \
             \"id\" integer DEFAULT nextval('public.orders_id_seq'::regclass) NOT NULL,\n    \
             \"status\" app.status DEFAULT 'new'::app.status,\n    \
             \"customer_id\" bigint,\n    \
             \"double_id\" integer GENERATED ALWAYS AS (id * 2) STORED,\n    \
             CONSTRAINT \"orders_customer_status\" UNIQUE (\"customer_id\", \"status\")\n)",
            "ALTER SEQUENCE \"public\".\"orders_id_seq\" OWNED BY \"public\".\"orders\".\"id\"",
            "ALTER TABLE \"app\".\"customers\" ADD CONSTRAINT \"referrer_fk\" FOREIGN KEY \
             (\"referred_by\") REFERENCES \"app\".\"customers\" (\"id\") ON DELETE SET NULL \
             ON UPDATE NO ACTION",
            "CREATE UNIQUE INDEX \"customers_email_lower\" ON \"app\".\"customers\" \
             ((lower(email))) WHERE referred_by IS NULL",
            "CREATE INDEX \"customers_recent\" ON \"app\".\"customers\" USING hash (\"id\" DESC)",
            "CREATE VIEW \"public\".\"z_view\" AS\nSELECT id\n   FROM public.orders",
            "CREATE VIEW \"public\".\"b_view\" AS\nSELECT id FROM public.z_view",
            "COMMENT ON SCHEMA \"app\" IS 'Application'",
            "COMMENT ON SCHEMA \"public\" IS NULL",
            "COMMENT ON SEQUENCE \"public\".\"orders_id_seq\" IS 'Order numbers'",
            "COMMENT ON TABLE \"app\".\"customers\" IS 'People'",
            "COMMENT ON COLUMN \"app\".\"customers\".\"email\" IS 'Login, it''s unique'",
            "COMMENT ON INDEX \"app\".\"customers_recent\" IS 'Newest first'",
            "COMMENT ON VIEW \"public\".\"z_view\" IS 'All orders'",
        ];
        assert_eq!(statements(&shop()), expected);
    }

    #[test]
    fn empty_schema_renders_nothing() {
        assert!(statements(&Schema::empty(Dialect::Postgres)).is_empty());
    }

    #[test]
    fn public_is_never_created_but_gets_its_comment() {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.namespaces.push(Namespace {
            name: "public".into(),
            comment: Some("Shared".into()),
        });
        assert_eq!(
            statements(&schema),
            ["COMMENT ON SCHEMA \"public\" IS 'Shared'"]
        );
    }

    #[test]
    fn names_with_quotes_and_a_table_without_columns() {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema
            .tables
            .push(Table::new(QualifiedName::new("we\"ird", "Empty")));
        assert_eq!(
            statements(&schema),
            ["CREATE TABLE \"we\"\"ird\".\"Empty\" ()"]
        );
    }

    #[test]
    fn cycling_sequence_and_virtual_generated_column() {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.sequences.push(Sequence {
            name: QualifiedName::new("public", "down"),
            data_type: "bigint".into(),
            start: 0,
            increment: -1,
            min_value: -10,
            max_value: 0,
            cache: 5,
            cycle: true,
            owned_by: None,
            comment: None,
        });
        let mut table = Table::new(QualifiedName::new("public", "t"));
        table.columns.push(Column {
            generated: Some(Generated {
                expression: "1 + 1".into(),
                stored: false,
            }),
            ..column("two", "integer")
        });
        schema.tables.push(table);
        assert_eq!(
            statements(&schema),
            [
                "CREATE SEQUENCE \"public\".\"down\" AS bigint INCREMENT BY -1 MINVALUE -10 \
                 MAXVALUE 0 START WITH 0 CACHE 5 CYCLE",
                "CREATE TABLE \"public\".\"t\" (\n    \"two\" integer GENERATED ALWAYS AS (1 + 1) \
                 VIRTUAL\n)",
            ]
        );
    }
}
