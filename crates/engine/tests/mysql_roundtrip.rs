//! MySQL/MariaDB introspection against the real server: a rich schema survives
//! introspect → render → apply to an empty database → introspect unchanged.

use dbwarden_core::render::schema_statements;
use dbwarden_core::{
    ForeignKeyAction, Identity, IndexKey, QualifiedName, Schema, Table, UniqueConstraint,
};
use dbwarden_engine::Engine;
use dbwarden_testkit::{Server, test_db};

const RICH_FIXTURE: &str = include_str!("fixtures/mysql/rich.sql");

/// The fixture's statements: it ends each with `;` at the end of a line and has no such
/// sequence inside a literal.
fn fixture_statements(script: &str) -> Vec<&str> {
    script
        .split(";\n")
        .map(str::trim)
        .filter(|statement| {
            statement
                .lines()
                .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with("--"))
        })
        .collect()
}

async fn run_all<S: AsRef<str>>(engine: &mut dyn Engine, statements: &[S]) {
    for statement in statements {
        let statement = statement.as_ref();
        if let Err(e) = engine.execute(statement).await {
            panic!("statement failed: {e}\n{statement}");
        }
    }
}

async fn introspect(engine: &mut dyn Engine) -> Schema {
    engine
        .introspect()
        .await
        .unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
    schema
        .table(&QualifiedName::bare(name))
        .unwrap_or_else(|| panic!("table {name} missing from {schema:#?}"))
}

/// Checks that introspection saw what the fixture declares, so an empty or partial model
/// cannot pass the round trip by accident.
fn assert_rich_fixture_pieces(schema: &Schema) {
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["authors", "books", "order lines"],
        "dbwarden_* is left out"
    );
    assert!(schema.tables.iter().all(|t| t.name.schema.is_none()));
    assert!(schema.namespaces.is_empty() && schema.enums.is_empty());
    assert!(schema.sequences.is_empty());

    let authors = table(schema, "authors");
    assert_eq!(authors.columns.len(), 16);
    assert_eq!(authors.columns[0].name, "id", "columns keep ordinal order");
    let column = |name: &str| {
        authors
            .column(name)
            .unwrap_or_else(|| panic!("authors.{name} missing"))
    };
    assert_eq!(column("id").identity, Some(Identity::AutoIncrement));
    assert!(!column("id").nullable);
    assert_eq!(column("name").default.as_deref(), Some("'anonymous'"));
    assert_eq!(column("rating").default.as_deref(), Some("2.50"));
    assert_eq!(column("rating").data_type, "decimal(4,2)");
    assert_eq!(
        column("quote").default.as_deref(),
        Some(r"'it''s a \\ backslash'")
    );
    assert_eq!(
        column("nickname").default,
        None,
        "DEFAULT NULL is no default"
    );
    assert_eq!(column("bio").default, None);
    assert_eq!(
        column("status").data_type,
        "enum('active','retired','banned')"
    );
    assert_eq!(column("tags").data_type, "set('poetry','prose','drama')");
    assert_eq!(column("tags").default.as_deref(), Some("'prose,drama'"));
    let created_default = column("created_at").default.clone().unwrap_or_default();
    assert!(
        created_default
            .to_ascii_lowercase()
            .starts_with("current_timestamp"),
        "{created_default}"
    );
    assert!(
        column("token")
            .default
            .as_deref()
            .is_some_and(|d| d.contains("uuid()"))
    );
    assert_eq!(column("handle").collation.as_deref(), Some("utf8mb4_bin"));
    assert_eq!(
        column("name").collation,
        None,
        "the table's collation is implied"
    );
    let generated = column("handle_lower").generated.clone();
    assert!(
        generated
            .as_ref()
            .is_some_and(|g| !g.stored && g.expression.contains("`handle`")),
        "{:?}",
        column("handle_lower")
    );
    assert_eq!(
        column("handle_lower").comment.as_deref(),
        Some("for lookups")
    );
    assert_eq!(
        authors.comment.as_deref(),
        Some("people who write; 'quoted' comment")
    );
    assert_eq!(
        authors.primary_key.as_ref().map(|pk| pk.columns.clone()),
        Some(vec!["id".to_owned()])
    );
    assert!(authors.uniques.contains(&UniqueConstraint {
        name: Some("uq_authors_name_born".into()),
        columns: vec!["name".into(), "born".into()],
    }));
    let mentor = authors
        .foreign_keys
        .iter()
        .find(|fk| fk.name.as_deref() == Some("fk_authors_mentor"))
        .unwrap_or_else(|| panic!("self-referencing foreign key missing"));
    assert_eq!(mentor.referenced_table, QualifiedName::bare("authors"));
    assert_eq!(mentor.on_delete, ForeignKeyAction::SetNull);
    assert!(
        authors
            .checks
            .iter()
            .any(|c| c.name.as_deref() == Some("chk_authors_rating")),
        "table-level check"
    );
    assert!(
        authors
            .checks
            .iter()
            .any(|c| c.expression.contains("age_check")),
        "column-level check"
    );
    let index = |name: &str| {
        authors
            .indexes
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("index {name} missing from {:#?}", authors.indexes))
    };
    assert_eq!(
        index("ix_authors_name_prefix").parts[0].prefix_length,
        Some(10)
    );
    assert!(index("ix_authors_rating_desc").parts[0].descending);
    assert!(!index("ix_authors_rating_desc").parts[1].descending);
    assert_eq!(index("ft_authors_bio").method.as_deref(), Some("FULLTEXT"));
    assert!(
        authors
            .indexes
            .iter()
            .all(|i| i.name != "fk_authors_mentor"),
        "the foreign key's implicit index is not listed twice"
    );

    let books = table(schema, "books");
    let author = &books.foreign_keys[0];
    assert_eq!(
        (author.on_delete, author.on_update),
        (ForeignKeyAction::Cascade, ForeignKeyAction::SetNull)
    );
    assert!(
        books
            .column("price_with_tax")
            .and_then(|c| c.generated.as_ref())
            .is_some_and(|g| g.stored)
    );
    assert_eq!(
        books.column("id").and_then(|c| c.comment.as_deref()),
        Some("surrogate key")
    );
    let edition_default = books
        .column("edition")
        .and_then(|c| c.default.clone())
        .unwrap_or_default();
    assert!(
        edition_default.starts_with('(') && edition_default.contains('+'),
        "an expression default keeps its parentheses: {edition_default}"
    );
    assert_eq!(
        books.column("flags").and_then(|c| c.default.as_deref()),
        Some("b'101'")
    );
    let title_desc = books
        .indexes
        .iter()
        .find(|i| i.name == "uq_books_title_desc")
        .unwrap_or_else(|| panic!("unique DESC index missing"));
    assert!(title_desc.unique && title_desc.parts[0].descending);
    assert!(
        books
            .indexes
            .iter()
            .any(|i| i.comment.as_deref() == Some("title search"))
    );

    let lines = table(schema, "order lines");
    assert_eq!(
        lines.primary_key.as_ref().map(|pk| pk.columns.clone()),
        Some(vec!["order_id".to_owned(), "line_no".to_owned()])
    );
    assert!(lines.column("select").is_some());
    assert_eq!(lines.foreign_keys.len(), 1);
    assert!(
        lines
            .indexes
            .iter()
            .any(|i| i.parts[0].key == IndexKey::Column("book_id".into())),
        "the unnamed foreign key's index, named after its column, is a plain index"
    );

    let view_names: Vec<&str> = schema.views.iter().map(|v| v.name.name.as_str()).collect();
    assert_eq!(view_names, ["author_book_titles", "author_names"]);
    let titles = &schema.views[0];
    assert_eq!(
        titles.depends_on,
        [
            QualifiedName::bare("author_names"),
            QualifiedName::bare("books")
        ]
    );
    assert_eq!(schema.views[1].depends_on, [QualifiedName::bare("authors")]);
    for view in &schema.views {
        assert!(
            !view.definition.contains("dbw_test"),
            "the database qualifier is removed: {}",
            view.definition
        );
    }
}

#[tokio::test]
async fn rich_schema_round_trips_through_rendered_ddl() {
    let source = test_db!(Server::Mysql);
    let mut source_engine = source.connect().await;
    run_all(source_engine.as_mut(), &fixture_statements(RICH_FIXTURE)).await;
    let original = introspect(source_engine.as_mut()).await;
    assert_rich_fixture_pieces(&original);

    let ddl = schema_statements(&original);
    let target = test_db!(Server::Mysql);
    let mut target_engine = target.connect().await;
    run_all(target_engine.as_mut(), &ddl).await;
    let copy = introspect(target_engine.as_mut()).await;

    // Table by table first, so a failure points at the object that changed.
    for (before, after) in original.tables.iter().zip(&copy.tables) {
        assert_eq!(
            before,
            after,
            "table {} changed; DDL:\n{}",
            before.name,
            ddl.join(";\n")
        );
    }
    assert_eq!(original, copy, "DDL:\n{}", ddl.join(";\n"));
    assert_eq!(
        schema_statements(&copy),
        ddl,
        "rendering the copy gives the same DDL"
    );
}

#[tokio::test]
async fn empty_database_gives_empty_model() {
    let db = test_db!(Server::Mysql);
    let mut engine = db.connect().await;
    let schema = introspect(engine.as_mut()).await;
    assert_eq!(schema, Schema::empty(dbwarden_core::Dialect::Mysql));
    assert!(schema_statements(&schema).is_empty());
}

#[tokio::test]
async fn dbwarden_tables_are_left_out() {
    let db = test_db!(Server::Mysql);
    let mut engine = db.connect().await;
    run_all(
        engine.as_mut(),
        &[
            "CREATE TABLE dbwarden_migrations (id int PRIMARY KEY, note text)",
            "CREATE TABLE dbwardenish (id int PRIMARY KEY)",
        ],
    )
    .await;
    let schema = introspect(engine.as_mut()).await;
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["dbwardenish"],
        "only the dbwarden_ prefix is reserved"
    );
}
