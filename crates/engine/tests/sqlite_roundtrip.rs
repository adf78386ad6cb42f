//! inspect → render DDL → apply to an empty database → inspect gives an equal model (SQLite).

use dbwarden_core::{Dialect, ForeignKeyAction, Identity, IndexKey, QualifiedName, render};
use dbwarden_engine::Engine;
use dbwarden_testkit::TestDb;

async fn apply(engine: &mut dyn Engine, sql: &str) {
    for stmt in dbwarden_sql::split(sql, Dialect::Sqlite).expect("fixture splits") {
        engine
            .execute(&stmt.sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", stmt.sql));
    }
}

#[tokio::test]
async fn sqlite_schema_round_trips() {
    let source = TestDb::sqlite();
    let mut engine = source.connect().await;
    apply(engine.as_mut(), include_str!("fixtures/sqlite/rich.sql")).await;
    let model = engine.introspect().await.expect("introspect");

    // The model holds what the fixture declares (so an empty model cannot pass).
    let names: Vec<&str> = model.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["Order Items", "customers", "orders"],
        "dbwarden_* excluded"
    );
    let customers = model
        .table(&QualifiedName::bare("customers"))
        .expect("customers");
    assert_eq!(customers.columns[0].identity, Some(Identity::AutoIncrement));
    assert_eq!(
        customers
            .column("email")
            .and_then(|c| c.collation.as_deref()),
        Some("NOCASE")
    );
    assert_eq!(
        customers
            .column("created_at")
            .and_then(|c| c.default.as_deref()),
        Some("datetime('now')")
    );
    let domain = customers
        .column("email_domain")
        .and_then(|c| c.generated.as_ref())
        .expect("generated");
    assert!(!domain.stored && domain.expression.contains("instr(email"));
    assert!(
        customers
            .column("name_upper")
            .and_then(|c| c.generated.as_ref())
            .is_some_and(|g| g.stored)
    );
    assert_eq!(customers.checks[0].name.as_deref(), Some("email_has_at"));
    assert_eq!(customers.uniques[0].columns, ["email"]);
    let lower = customers
        .indexes
        .iter()
        .find(|i| i.name == "customers_lower_name")
        .expect("index");
    assert!(lower.unique);
    assert_eq!(
        lower.parts[0].key,
        IndexKey::Expression("lower(name)".into())
    );
    assert!(lower.parts[1].descending);
    let orders = model.table(&QualifiedName::bare("orders")).expect("orders");
    let fk = orders
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["customer_id"])
        .expect("fk");
    assert_eq!(
        fk.referenced_columns,
        ["id"],
        "implicit reference resolved to the primary key"
    );
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (ForeignKeyAction::SetNull, ForeignKeyAction::Cascade)
    );
    let open = orders
        .indexes
        .iter()
        .find(|i| i.name == "orders_open")
        .expect("partial");
    assert_eq!(open.predicate.as_deref(), Some("status <> 'done'"));
    let items = model
        .table(&QualifiedName::bare("Order Items"))
        .expect("items");
    assert_eq!(
        items.primary_key.as_ref().map(|p| p.columns.clone()),
        Some(vec!["order_id".into(), "line_no".into()])
    );
    assert_eq!(model.views.len(), 2);
    let count = model
        .views
        .iter()
        .find(|v| v.name.name == "open_order_count")
        .expect("view");
    assert_eq!(count.depends_on, [QualifiedName::bare("open_orders")]);

    let ddl = render::schema_ddl(&model);
    let target = TestDb::sqlite();
    let mut copy = target.connect().await;
    apply(copy.as_mut(), &ddl).await;
    let again = copy.introspect().await.expect("introspect copy");
    assert_eq!(
        model, again,
        "round trip changed the model; DDL was:\n{ddl}"
    );
}

#[tokio::test]
async fn empty_sqlite_database_gives_empty_model() {
    let db = TestDb::sqlite();
    let mut engine = db.connect().await;
    let model = engine.introspect().await.expect("introspect");
    assert_eq!(model, dbwarden_core::Schema::empty(Dialect::Sqlite));
}
